"""Every button and field label of a form dialog gets its own Alt+letter (issue #9 §2)."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from tuffops_desktop.services.listing import ListQuery
from tuffops_desktop.ui.pages.customers.dialogs import CustomerDialog
from tuffops_desktop.ui.pages.units.dialogs import TransferDialog
from tuffops_desktop.ui.widgets.accelerators import _mnemonic, assign_accelerators


def _letters(root: QWidget) -> list[str | None]:
    widgets = [b for b in root.findChildren(QAbstractButton) if b.text() and b.isVisibleTo(root)]
    widgets += [lb for lb in root.findChildren(QLabel) if lb.buddy() is not None and lb.isVisibleTo(root)]
    return [_mnemonic(w.text()) for w in widgets]


def test_free_letters_are_given_and_existing_ones_kept(qtbot):
    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    form = QFormLayout()
    form.addRow("Serial number", QLineEdit())
    form.addRow("Site", QLineEdit())
    layout.addLayout(form)
    for text in ("&Save", "Search", "Cancel", "Approve && complete"):
        layout.addWidget(QPushButton(text))
    root.show()
    assign_accelerators(root)
    texts = sorted(b.text() for b in root.findChildren(QPushButton))
    assert texts == ["&Cancel", "&Save", "Approve && complete", "S&earch"]
    labels = sorted(lb.text() for lb in root.findChildren(QLabel) if lb.buddy() is not None)
    assert labels == ["S&ite", "Serial &number"]  # s, e, c taken: a free word start, else the next free letter


def test_form_dialogs_have_unique_accelerators_everywhere(qtbot, demo, kit):
    office = demo.services_as("office")
    unit_id = office.units.list_ids(ListQuery())[0]
    for dialog in (
        CustomerDialog(kit.ops, office.customers, None),
        TransferDialog(kit.ops, office, office.units.get(unit_id)),
    ):
        qtbot.addWidget(dialog)
        dialog.show()
        letters = _letters(dialog)
        assert letters and None not in letters, [w.text() for w in dialog.findChildren(QAbstractButton)]
        assert len(letters) == len(set(letters))
        dialog.close()
