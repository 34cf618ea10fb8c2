"""The Issue invoice dialog when issuing is refused: the service's reason appears in the
dialog's own message line (no message box), the dialog stays open showing the work order
as it is now, and nothing is stored."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.services.invoice_support import completed_work_order, customer_with_unit
from tuffops_desktop.services.listing import ListQuery, Ref
from tuffops_desktop.ui.pages.invoices.dialogs import IssueInvoiceDialog


@pytest.fixture
def admin(demo):  # noqa: ANN001, ANN201
    return demo.services_as("admin")


def open_dialog(qtbot, kit, services, preview) -> IssueInvoiceDialog:  # noqa: ANN001
    dialog = IssueInvoiceDialog(services, kit.ops, preview)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def invoices_of(services, order_id: int) -> list[int]:  # noqa: ANN001
    return services.invoices.list_ids(ListQuery(filters={"work_order": Ref(order_id)}))


def test_invoiced_at_another_workstation_meanwhile(qtbot, kit, admin, tmp_path):
    _c, unit_id = customer_with_unit(admin, company_name="Two Desks Ltd")
    order_id = completed_work_order(admin, unit_id)
    dialog = open_dialog(qtbot, kit, admin, admin.invoices.preview(order_id))
    assert dialog.issue_button.isEnabled() and not dialog.refusal.isVisible()
    other = admin.invoices.issue(order_id, expected_version=admin.invoices.preview(order_id).work_order_version)

    assert dialog.issue() is False
    assert kit.prompts.calls == []  # no message box
    assert dialog.isVisible() and dialog.issued is None
    message = dialog.errors.form_message()
    assert f"already has invoice {other.number}" in message
    assert dialog.form_error.isVisible() and not dialog.refusal.isVisible()  # said once
    assert not dialog.issue_button.isEnabled()
    assert invoices_of(admin, order_id) == [other.id]  # nothing more stored
    dialog.resize(640, dialog.height())
    dialog.grab().save(str(tmp_path / "issue-refused.png"))


@pytest.mark.parametrize(
    ("items", "finish", "reason"),
    [
        (None, False, "only a completed work order can be invoiced"),
        ((), True, "has no items to bill"),
    ],
    ids=["not completed", "no items"],
)
def test_a_refusal_the_service_makes_is_shown_inline(qtbot, kit, admin, items, finish, reason):
    _c, unit_id = customer_with_unit(admin, company_name="Refusals Ltd")
    if finish:
        order_id = completed_work_order(admin, unit_id, items=items)
    else:
        order_id = admin.work_orders.create(unit_id, "repair", "Not cooling").id
    preview = admin.invoices.preview(order_id)
    assert reason in preview.refusal
    status = admin.work_orders.get(order_id).status
    # a dialog that still believed it could issue (read before the change) asks anyway
    dialog = open_dialog(qtbot, kit, admin, replace(preview, refusal=""))
    assert dialog.issue_button.isEnabled()

    assert dialog.issue() is False
    assert kit.prompts.calls == []
    assert dialog.isVisible()
    assert reason in dialog.errors.form_message()
    assert not dialog.issue_button.isEnabled()
    assert invoices_of(admin, order_id) == []
    assert admin.work_orders.get(order_id).status == status


def test_changed_meanwhile_but_still_invoiceable_shows_it_as_it_is_now(qtbot, kit, admin):
    _c, unit_id = customer_with_unit(admin, company_name="Changed Meanwhile Ltd")
    order_id = completed_work_order(admin, unit_id)
    dialog = open_dialog(qtbot, kit, admin, admin.invoices.preview(order_id))
    dialog.tax_rate.setText("0")
    # another workstation issues it and cancels that invoice: completed again, newer version
    first = admin.invoices.issue(order_id, expected_version=admin.invoices.preview(order_id).work_order_version)
    admin.invoices.cancel(first.id, "Wrong customer", first.version)

    assert dialog.issue() is False
    assert kit.prompts.calls == []
    assert "changed by someone else" in dialog.errors.form_message()
    assert dialog.issue_button.isEnabled() and dialog.tax_rate.text() == "0"
    assert invoices_of(admin, order_id) == [first.id]
    # looked at again: issuing now works
    assert dialog.issue() is True
    assert dialog.issued is not None and dialog.issued.number != first.number
    assert admin.work_orders.get(order_id).status == "billed"
