"""Cycle count of a stock location: the count sheet as an editable table.

The sheet lists every part kept at the location in bin order with what the ledger says
is on hand when the sheet was read. The counter types what is on the shelf into the
Counted column; an empty cell is a part not counted this time. Saving turns every
difference into an adjustment movement "Cycle count — counted by <name>", all lines or
none (``StockControlService.count``); movements made after the sheet was read are real
and stay. The dialog then shows what was adjusted. Closing with counts typed and not
saved asks first.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QLineEdit,
    QStackedWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.domain.stock_control import COUNTER_MAX, count_difference
from tuffops_desktop.i18n import N_, _
from tuffops_desktop.services.dto.stock_control import CountEntry, CountResult, CountSheet
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.formatting import count_text, date_time_text, number_text
from tuffops_desktop.ui.models.columns import RIGHT
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.inventory.stock_views import quantity_cell
from tuffops_desktop.ui.pages.invoices.dialogs import FieldsDialog, read_only_table, table_item
from tuffops_desktop.ui.theme import ERROR_TEXT, MUTED_TEXT, SUCCESS
from tuffops_desktop.ui.widgets.forms import action_buttons
from tuffops_desktop.ui.widgets.labels import plain_label

SHEET_COLUMNS = (N_("Bin"), N_("Part"), N_("Name"), N_("Unit"), N_("On hand"), N_("Counted"), N_("Difference"))
EXPECTED, COUNTED, DIFFERENCE = 4, 5, 6
RESULT_COLUMNS = (N_("Part"), N_("Name"), N_("Expected"), N_("Counted"), N_("Difference"), N_("On hand now"))


def signed_text(value: Decimal) -> str:
    """+2, −0.5, 0."""
    text = number_text(abs(value))
    return f"+{text}" if value > 0 else f"−{text}" if value < 0 else text


def parse_count(text: str) -> Decimal | None:
    """What was typed as a number (``2,5`` reads as 2.5); None when it is not one."""
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


class CountDialog(FieldsDialog):
    """Count the stock at one location.

    Attributes:
        sheet: the count sheet, once read.
        result: what the saved count adjusted (None until saved).
    """

    def __init__(self, services: Services, ops: Ops, location_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._ops = ops
        self._location_id = location_id
        self.sheet: CountSheet | None = None
        self.result: CountResult | None = None
        self._filling = False
        self.setWindowTitle(_("Cycle count"))
        self.resize(820, 600)
        self.heading = plain_label(_("Reading the count sheet…"), role="subtitle", wrap=True)
        self.intro = plain_label(role="hint", wrap=True)

        self.table = read_only_table([_(c) for c in SHEET_COLUMNS], {EXPECTED, COUNTED, DIFFERENCE}, stretch=2)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.table.itemChanged.connect(self._counted_changed)
        self.counted_by = QLineEdit(services.ctx.actor.full_name or services.ctx.actor.username)
        self.counted_by.setMaxLength(COUNTER_MAX)
        self.add_field("counted_by", _("Counted by"), self.counted_by, _("Named in every adjustment this count makes."))
        self.progress = plain_label(role="hint")
        self.buttons = action_buttons(self, _("Save count"), self.save)
        self.buttons.setEnabled(False)
        sheet_page = QWidget()
        sheet_layout = QVBoxLayout(sheet_page)
        sheet_layout.setContentsMargins(0, 0, 0, 0)
        sheet_layout.addWidget(self.intro)
        sheet_layout.addWidget(self.table, 1)
        sheet_layout.addWidget(self.progress)
        sheet_layout.addLayout(self.form)
        sheet_layout.addWidget(self.form_error)
        sheet_layout.addWidget(self.buttons)

        self.summary = plain_label(wrap=True)
        self.adjustments = read_only_table([_(c) for c in RESULT_COLUMNS], {2, 3, 4, 5}, stretch=1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.accept)
        result_page = QWidget()
        result_layout = QVBoxLayout(result_page)
        result_layout.setContentsMargins(0, 0, 0, 0)
        result_layout.addWidget(self.summary)
        result_layout.addWidget(self.adjustments, 1)
        result_layout.addWidget(close)

        self.pages = QStackedWidget()
        self.pages.addWidget(sheet_page)
        self.pages.addWidget(result_page)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.pages, 1)
        ops.run(services.stock_control.count_sheet, location_id, parent=self, on_done=self.show_sheet)

    # ----------------------------------------------------------------- the sheet
    def show_sheet(self, sheet: CountSheet) -> None:
        self.sheet = sheet
        self.heading.setText(_("Count at {location}").format(location=sheet.location_name))
        self.intro.setText(
            _(
                "On hand as the ledger said at {time}. Type what is on the shelf now; leave a line empty to "
                "skip it. Each difference becomes an adjustment; stock moved after {time} is not undone."
            ).format(time=date_time_text(sheet.read_at))
        )
        self._filling = True
        self.table.setRowCount(0)
        for line in sheet.lines:
            at = self.table.rowCount()
            self.table.insertRow(at)
            for column, text in enumerate(
                (line.bin, line.part_number, line.part_name, line.unit, quantity_cell(line.expected))
            ):
                self.table.setItem(at, column, table_item(text, right=column == EXPECTED))
            counted = QTableWidgetItem("")
            counted.setTextAlignment(RIGHT)
            counted.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable)
            counted.setToolTip(_("What is on the shelf; empty: not counted"))
            self.table.setItem(at, COUNTED, counted)
            self.table.setItem(at, DIFFERENCE, table_item("", right=True))
        self._filling = False
        if sheet.lines:
            self.table.setCurrentCell(0, COUNTED)
            self.table.setFocus()
            self.buttons.setEnabled(True)
        else:
            self.intro.setText(_("No part is kept at {location} yet.").format(location=sheet.location_name))
        self._show_progress()

    def counted_text(self, row: int) -> str:
        item = self.table.item(row, COUNTED)
        return item.text().strip() if item is not None else ""

    def set_counted(self, row: int, text: str) -> None:
        """Type a count into a line (as the user would; for tests and scripts)."""
        item = self.table.item(row, COUNTED)
        if item is not None:
            item.setText(text)

    def has_counts(self) -> bool:
        return any(self.counted_text(r) for r in range(self.table.rowCount()))

    def _counted_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != COUNTED or self.sheet is None:
            return
        row = item.row()
        expected = self.sheet.lines[row].expected
        cell = self.table.item(row, DIFFERENCE)
        if cell is None:
            return
        text = item.text().strip()
        value = parse_count(text) if text else None
        if not text:
            cell.setText("")
        elif value is None or value < 0:
            cell.setText(_("not a count"))
            cell.setForeground(QColor(ERROR_TEXT))
        else:
            difference = count_difference(expected, value)
            cell.setText(signed_text(difference))
            colour = MUTED_TEXT if difference == 0 else ERROR_TEXT if difference < 0 else SUCCESS
            cell.setForeground(QColor(colour))
        self._show_progress()

    def _show_progress(self) -> None:
        if self.sheet is None:
            return
        total = len(self.sheet.lines)
        done = sum(1 for r in range(self.table.rowCount()) if self.counted_text(r))
        self.progress.setText(
            _("{done} of {total} lines counted.").format(done=count_text(done), total=count_text(total))
        )

    # ----------------------------------------------------------------- saving
    def entries(self) -> list[CountEntry]:
        sheet = self.sheet
        if sheet is None:
            return []
        return [
            CountEntry(line.part_id, line.expected, self.counted_text(row))
            for row, line in enumerate(sheet.lines)
            if self.counted_text(row)
        ]

    def save(self) -> bool:
        self.errors.clear()
        entries = self.entries()
        if not entries:
            self.errors.show_field_errors({"": _("Type at least one counted quantity; empty lines are not counted.")})
            return False
        result = self._ops.call(
            self._services.stock_control.count,
            self._location_id,
            entries,
            self.counted_by.text(),
            parent=self,
            form=self.errors,
        )
        if not result.ok or result.value is None:
            return False
        self.show_result(result.value)
        return True

    def show_result(self, result: CountResult) -> None:
        self.result = result
        changed = len(result.adjustments)
        if changed:
            text = _(
                "Saved. {changed} of {counted} counted lines differed and were adjusted "
                "(“Cycle count — counted by {name}”)."
            )
        else:
            text = _("Saved. All {counted} counted lines matched; nothing was adjusted.")
        self.summary.setText(
            text.format(changed=count_text(changed), counted=count_text(result.lines_counted), name=result.counted_by)
        )
        for adjustment in result.adjustments:
            at = self.adjustments.rowCount()
            self.adjustments.insertRow(at)
            cells = [
                table_item(adjustment.part_number),
                table_item(adjustment.part_name),
                table_item(quantity_cell(adjustment.expected), right=True),
                table_item(quantity_cell(adjustment.counted), right=True),
                table_item(signed_text(adjustment.difference), right=True),
                table_item(quantity_cell(adjustment.on_hand), right=True),
            ]
            cells[4].setForeground(QColor(ERROR_TEXT if adjustment.difference < 0 else SUCCESS))
            for column, cell in enumerate(cells):
                self.adjustments.setItem(at, column, cell)
        self.adjustments.setVisible(bool(changed))
        self.pages.setCurrentIndex(1)

    def reject(self) -> None:
        """Close; counts typed and not saved are only dropped when the user says so."""
        if self.result is None and self.has_counts():
            question = _("The counts you typed have not been saved. Close and drop them?")
            if not self._ops.mapper.prompts.confirm(self, _("Drop the count?"), question, _("Drop the count")):
                return
        super().reject()
