"""The customer dialog's "Never e-mail this customer" box: shown, saved, locked for viewers."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt

from tests.factories import make_customer
from tuffops_desktop.ui.pages.customers.dialogs import CustomerDialog


def test_ticking_the_box_opts_the_customer_out(qtbot, demo, kit):
    office = demo.services_as("office")
    detail = make_customer(office, first_name="Opal", emails="opal@example.com")
    assert detail.notify_opt_out is False
    dialog = CustomerDialog(kit.ops, office.customers, office.customers.get(detail.id))
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.notify_opt_out.isChecked()
    dialog.notify_opt_out.setChecked(True)
    if os.environ.get("TUFFOPS_SCREENSHOTS"):
        dialog.grab().save(os.path.join(os.environ["TUFFOPS_SCREENSHOTS"], "customer_opt_out.png"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.saved is not None and dialog.saved.notify_opt_out is True
    assert office.customers.get(detail.id).notify_opt_out is True
    again = CustomerDialog(kit.ops, office.customers, office.customers.get(detail.id))
    qtbot.addWidget(again)
    assert again.notify_opt_out.isChecked()
    again.notify_opt_out.setChecked(False)
    assert again.save()
    assert office.customers.get(detail.id).notify_opt_out is False


def test_the_box_is_locked_without_edit_permission(qtbot, demo, kit):
    office = demo.services_as("office")
    detail = make_customer(office, first_name="Viewer", emails="viewer@example.com")
    dialog = CustomerDialog(kit.ops, office.customers, detail, can_edit=False)
    qtbot.addWidget(dialog)
    assert not dialog.notify_opt_out.isEnabled()
