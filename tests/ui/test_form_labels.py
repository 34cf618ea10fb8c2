"""Form-row labels of the dialogs are buddies of their fields, each with its own
Alt+letter that puts the cursor in the field (issue #9 §2)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from tuffops_desktop.services.listing import ListQuery
from tuffops_desktop.ui.pages.customers.dialogs import CustomerDialog
from tuffops_desktop.ui.pages.inbox.add_dialog import AddRequestDialog
from tuffops_desktop.ui.pages.units.dialogs import TransferDialog
from tuffops_desktop.ui.pages.units.unit_dialog import UnitDialog
from tuffops_desktop.ui.pages.users.dialogs import NewUserDialog
from tuffops_desktop.ui.pages.work_orders.editor import AssignDialog
from tuffops_desktop.ui.stickers.layouts_section import LayoutDialog
from tuffops_desktop.ui.widgets.accelerators import _mnemonic

INPUTS = (QLineEdit, QComboBox, QAbstractSpinBox, QTextEdit, QPlainTextEdit, QAbstractItemView)


def _inputs(item_widget: QWidget | None, item_layout: QLayout | None) -> list[QWidget]:
    """The visible controls one types or picks in, inside a form row's field."""
    found: list[QWidget] = []
    widgets: list[QWidget] = []
    if item_widget is not None:
        widgets = [item_widget, *item_widget.findChildren(QWidget)]
    elif item_layout is not None:
        for index in range(item_layout.count()):
            sub = item_layout.itemAt(index)
            if sub.widget() is not None:
                widgets += [sub.widget(), *sub.widget().findChildren(QWidget)]
    for widget in widgets:
        inside_another = any(other.isAncestorOf(widget) for other in found)  # an editable combo's line edit
        if isinstance(widget, INPUTS) and widget.isVisible() and not inside_another:
            found.append(widget)
    return found


def _form_rows(dialog: QWidget) -> list[tuple[QLabel, list[QWidget]]]:
    rows = []
    for form in dialog.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if label is None or field is None or not isinstance(label.widget(), QLabel):
                continue
            caption = label.widget()
            if caption.isVisible() and caption.text():
                rows.append((caption, _inputs(field.widget(), field.layout())))
    return rows


@pytest.fixture
def dialogs(demo, kit) -> dict[str, Callable[[], QDialog]]:  # noqa: ANN001
    office, admin = demo.services_as("office"), demo.services_as("admin")
    unit_id = office.units.list_ids(ListQuery())[0]
    technicians = office.work_orders.technicians()
    return {
        "new customer": lambda: CustomerDialog(kit.ops, office.customers, None),
        "new unit": lambda: UnitDialog(kit.ops, office, None),
        "edit unit": lambda: UnitDialog(kit.ops, office, office.units.get(unit_id)),
        "transfer": lambda: TransferDialog(kit.ops, office, office.units.get(unit_id)),
        "new request": lambda: AddRequestDialog(kit.ops, office),
        "assign": lambda: AssignDialog(technicians, None),
        "new user": lambda: NewUserDialog(kit.ops, admin),
        "new label layout": lambda: LayoutDialog(kit.ops, admin),
    }


@pytest.mark.parametrize(
    "name",
    ["new customer", "new unit", "edit unit", "transfer", "new request", "assign", "new user", "new label layout"],
)
def test_every_form_label_has_a_buddy_and_its_own_letter(qtbot, dialogs, name):
    dialog = dialogs[name]()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    rows = _form_rows(dialog)
    with_input = [(label, inputs) for label, inputs in rows if inputs]
    assert with_input, name
    for label, inputs in rows:
        if inputs:
            assert label.buddy() in inputs, f"{name}: “{label.text()}” is not the buddy of its field"
        else:
            assert label.buddy() is None, f"{name}: “{label.text()}” shows a value; it needs no letter"
    buttons = [b for b in dialog.findChildren(QAbstractButton) if b.text() and b.isVisible()]
    letters = [_mnemonic(w.text()) for w in [*buttons, *(label for label, _inputs in with_input)]]
    assert None not in letters, [w.text() for w in [*buttons, *(label for label, _inputs in with_input)]]
    assert len(letters) == len(set(letters)), letters

    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
    for label, _field_inputs in with_input:
        buddy = label.buddy()
        if not buddy.isEnabled():
            continue  # a disabled field (page size until "Custom size") takes no focus
        buttons[-1].setFocus()  # start from elsewhere: a button of the dialog
        qtbot.waitUntil(lambda b=buddy: QApplication.focusWidget() not in (None, b), timeout=1000)
        letter = _mnemonic(label.text())
        qtbot.keyClick(dialog, letter, Qt.KeyboardModifier.AltModifier)
        focused = QApplication.focusWidget()
        assert focused is buddy or (focused is not None and buddy.isAncestorOf(focused)), (
            f"{name}: Alt+{letter} for “{label.text()}” focused {type(focused).__name__}"
        )
    dialog.close()
