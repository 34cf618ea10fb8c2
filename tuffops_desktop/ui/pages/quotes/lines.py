"""The Lines card of the quotation panel: what is quoted, for which unit, and what it costs.

The work order's Items card (``ui/pages/work_orders/items.py``) is reused rather than
copied: its table model (a quotation line has the fields of a work-order item) with the
name cell saying which unit the line is for, and its price-list picker. The quantity is
edited in place; a price may be changed by users with ``quotations.pricing`` ("Change
price…"), and a line may be moved to another unit or to the whole quotation. The
quotation is reloaded from the service's answer after each change; the money columns
and totals show only with ``quotations.pricing``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.domain.pricing import unit_label
from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.quotations import QuotationDetail, QuotationLineInfo
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.formatting import money_text
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.work_orders.items import (
    COLUMNS,
    QTY_COLUMN,
    ItemPickerDialog,
    ItemsModel,
    lines_table,
    quantity_text,
)
from tuffops_desktop.ui.prompts import Prompts
from tuffops_desktop.ui.widgets.labels import plain_label

WHOLE = -1  # the "whole quotation" choice of the unit combo


class QuotationLinesModel(ItemsModel):
    """The Items model over a quotation's lines; the name says which unit a line is for."""

    def set_quotation(self, detail: QuotationDetail | None) -> None:
        self.beginResetModel()
        self.lines = detail.lines if detail else ()  # type: ignore[assignment]  # the same fields
        self.editable = bool(detail and detail.can_edit)
        self.endResetModel()

    @staticmethod
    def _text(line: QuotationLineInfo, key: str) -> str:  # type: ignore[override]
        if key == "name" and line.unit_label:
            return f"{line.name} · {line.unit_label}"
        return ItemsModel._text(line, key)  # type: ignore[arg-type]


class QuotationLinesSection(QWidget):
    """The Lines card of one quotation.

    Signals:
        changed(object): the quotation changed here (the new ``QuotationDetail``).
        reload_requested(): a change was refused; show the quotation as it is now.
    """

    changed = Signal(object)
    reload_requested = Signal()

    def __init__(self, services: Services, ops: Ops, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._ops = ops
        self._prompts = prompts
        self.detail: QuotationDetail | None = None

        self.model = QuotationLinesModel(self)
        self.model.quantity_edited.connect(self.set_quantity)
        self.table = lines_table(self.model, maximum_height=200, type_to_edit=False)

        self.totals = plain_label("", role="hint", wrap=True)
        self.totals.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.note = plain_label("", role="hint", wrap=True)
        self.add_button = QPushButton(_("Add &line…"))
        self.add_button.clicked.connect(self.add_line)
        self.quantity_button = QPushButton(_("Change &quantity"))
        self.quantity_button.clicked.connect(self.edit_quantity)
        self.price_button = QPushButton(_("Change &price…"))
        self.price_button.clicked.connect(self.change_price)
        self.unit_button = QPushButton(_("For &unit…"))
        self.unit_button.setToolTip(_("Which unit's work order this line goes on when the quotation is converted"))
        self.unit_button.clicked.connect(self.change_unit)
        self.remove_button = QPushButton(_("Remo&ve line"))
        self.remove_button.clicked.connect(self.remove_line)
        self.table.selectionModel().currentRowChanged.connect(lambda *_args: self._enable())
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        for button in (self.add_button, self.quantity_button, self.price_button, self.unit_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(plain_label(_("Lines"), role="subtitle"))
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.totals)
        layout.addWidget(self.note)
        self.show_quotation(None)

    # ----------------------------------------------------------------- showing
    def current_line(self) -> QuotationLineInfo | None:
        row = self.table.currentIndex().row()
        lines = self.detail.lines if self.detail else ()
        return lines[row] if 0 <= row < len(lines) else None

    def show_quotation(self, detail: QuotationDetail | None) -> None:
        keep = self.current_line()
        self.detail = detail
        self.model.set_quotation(detail)
        pricing = bool(detail and detail.pricing)
        for column, (_key, _title, priced) in enumerate(COLUMNS):
            self.table.setColumnHidden(column, priced and not pricing)
        self.totals.setText(self._totals_text(detail) if detail is not None and pricing and detail.lines else "")
        self.totals.setVisible(bool(self.totals.text()))
        if detail is None:
            self.note.setText("")
        elif not detail.can_edit:
            self.note.setText(detail.edit_refusal)
        elif not detail.lines:
            self.note.setText(_("No lines yet. Add what you quote for: equipment, labour, materials."))
        else:
            self.note.setText("")
        self.note.setVisible(bool(self.note.text()))
        editable = bool(detail and detail.can_edit)
        for button in (self.add_button, self.quantity_button, self.unit_button, self.remove_button):
            button.setVisible(editable)
        self.price_button.setVisible(editable and pricing)
        if keep is not None and detail is not None:
            for row, line in enumerate(detail.lines):
                if line.id == keep.id:
                    self.table.selectRow(row)
        self._enable()

    @staticmethod
    def _totals_text(detail: QuotationDetail) -> str:
        parts = []
        if detail.discount_total:
            parts.append(_("Before discount {gross}").format(gross=money_text(detail.subtotal or 0)))
            parts.append(_("Discount −{discount}").format(discount=money_text(detail.discount_total)))
        parts.append(_("Subtotal {net}").format(net=money_text(detail.net or 0)))
        parts.append(
            _("Tax {rate} % {tax}").format(rate=quantity_text(detail.tax_rate or 0), tax=money_text(detail.tax or 0))
        )
        parts.append(_("Total {total}").format(total=money_text(detail.total or 0)))
        return "  ·  ".join(parts)

    def _enable(self) -> None:
        has_line = self.current_line() is not None
        for button in (self.quantity_button, self.price_button, self.unit_button, self.remove_button):
            button.setEnabled(has_line)

    # ----------------------------------------------------------------- changes
    def add_line(self) -> None:
        detail = self.detail
        if detail is None:
            return
        dialog = ItemPickerDialog(self._services, self._ops, pricing=detail.pricing, parent=self)
        dialog.setWindowTitle(_("Add a line"))
        if not dialog.exec():
            return
        entry = dialog.chosen()
        if entry is not None:
            self.add_entry(entry.id, dialog.quantity_text())

    def add_entry(self, entry_id: int, quantity: str = "1", unit_id: int | None = None) -> bool:
        if self.detail is None:
            return False
        result = self._ops.call(
            self._services.quotations.add_line, self.detail.id, entry_id, quantity or "1", unit_id, parent=self
        )
        return self._after(result.value if result.ok else None, result.ok)

    def edit_quantity(self) -> None:
        row = self.table.currentIndex().row()
        if row >= 0:
            index = self.model.index(row, QTY_COLUMN)
            self.table.setCurrentIndex(index)
            self.table.edit(index)

    def set_quantity(self, line_id: int, quantity: str) -> bool:
        return self._change(line_id, quantity=quantity)

    def change_price(self) -> None:
        line = self.current_line()
        if line is None or line.unit_price is None:
            return
        text, ok = QInputDialog.getText(
            self,
            _("Change the price"),
            _("Unit price of “{name}” on this quotation:").format(name=line.name),
            text=format(line.unit_price, "f"),
        )
        if ok and text.strip():
            self._change(line.id, unit_price=text.strip())

    def change_unit(self) -> None:
        line, detail = self.current_line(), self.detail
        if line is None or detail is None:
            return
        choices = [(_("The whole quotation"), WHOLE)] + [(u.label, u.unit_id) for u in detail.units]
        labels = [label for label, _id in choices]
        current = next((n for n, (_l, i) in enumerate(choices) if i == (line.unit_id or WHOLE)), 0)
        chosen, ok = QInputDialog.getItem(
            self,
            _("Line for which unit"),
            _("“{name}” goes on the work order of:").format(name=line.name),
            labels,
            current,
            False,
        )
        if ok:
            unit_id = choices[labels.index(chosen)][1]
            self._change(line.id, unit_id=None if unit_id == WHOLE else unit_id)

    def remove_line(self) -> bool:
        line = self.current_line()
        if line is None:
            return False
        if not self._prompts.confirm(
            self,
            _("Remove this line?"),
            _("“{name}” ({quantity} {unit}) comes off this quotation.").format(
                name=line.name, quantity=quantity_text(line.quantity), unit=_(unit_label(line.unit))
            ),
            _("Remove"),
        ):
            return False
        result = self._ops.call(self._services.quotations.remove_line, line.id, line.version, parent=self)
        return self._after(result.value if result.ok else None, result.ok)

    def _change(self, line_id: int, **changes: object) -> bool:
        line = next((x for x in (self.detail.lines if self.detail else ()) if x.id == line_id), None)
        if line is None:
            return False
        result = self._ops.call(self._services.quotations.change_line, line.id, line.version, parent=self, **changes)
        return self._after(result.value if result.ok else None, result.ok)

    def _after(self, detail: QuotationDetail | None, ok: bool) -> bool:
        if ok and detail is not None:
            self.show_quotation(detail)
            self.changed.emit(detail)
        else:  # refused (the message was shown): the panel shows the quotation as it is now
            self.reload_requested.emit()
        return ok
