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
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.domain.stock_control import COUNTER_MAX, count_difference
from tuffops_desktop.i18n import N_, _
from tuffops_desktop.services.dto.stock_control import (
    CountAdjustment,
    CountEntry,
    CountLine,
    CountResult,
    CountSheet,
)
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.formatting import count_text, date_time_text, number_text
from tuffops_desktop.ui.models.columns import LEFT, RIGHT, Column
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.inventory.stock_views import FIT_ROWS, RowsModel, fit_columns, quantity_cell, rows_view
from tuffops_desktop.ui.pages.invoices.dialogs import FieldsDialog
from tuffops_desktop.ui.theme import ERROR_TEXT, MUTED_TEXT, SUCCESS
from tuffops_desktop.ui.widgets.forms import action_buttons
from tuffops_desktop.ui.widgets.labels import plain_label

SHEET_COLUMNS = (N_("Bin"), N_("Part"), N_("Name"), N_("Unit"), N_("On hand"), N_("Counted"), N_("Difference"))
NAME, EXPECTED, COUNTED, DIFFERENCE = 2, 4, 5, 6
Index = QModelIndex | QPersistentModelIndex


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


def adjustment_columns() -> list[Column[CountAdjustment]]:
    """What a saved count changed, line by line."""
    return [
        Column(_("Part"), lambda a: a.part_number),
        Column(_("Name"), lambda a: a.part_name),
        Column(_("Expected"), lambda a: quantity_cell(a.expected), align=RIGHT),
        Column(_("Counted"), lambda a: quantity_cell(a.counted), align=RIGHT),
        Column(
            _("Difference"),
            lambda a: signed_text(a.difference),
            align=RIGHT,
            foreground=lambda a: ERROR_TEXT if a.difference < 0 else SUCCESS,
        ),
        Column(_("On hand now"), lambda a: quantity_cell(a.on_hand), align=RIGHT),
    ]


class SheetModel(QAbstractTableModel):
    """The count sheet's lines (those whose bin starts with the filter) and what was typed
    as counted, kept per part while the filter changes. Only the Counted column is
    editable; the Difference column follows what is typed.

    Signals:
        counts_changed(): a counted quantity was typed or cleared.
    """

    counts_changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.all_lines: list[CountLine] = []
        self.lines: list[CountLine] = []
        self.counted: dict[int, str] = {}  # part id → the text typed
        self.headers = [_(c) for c in SHEET_COLUMNS]

    def set_lines(self, lines: list[CountLine]) -> None:
        self.beginResetModel()
        self.all_lines = list(lines)
        self.lines = list(lines)
        self.counted.clear()
        self.endResetModel()

    def set_bin_filter(self, prefix: str) -> None:
        wanted = prefix.strip().casefold()
        self.beginResetModel()
        self.lines = [x for x in self.all_lines if x.bin.casefold().startswith(wanted)] if wanted else self.all_lines
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(SHEET_COLUMNS)

    def text(self, row: int, column: int) -> str:
        value = self.data(self.index(row, column))
        return str(value) if value is not None else ""

    def difference(self, line: CountLine) -> Decimal | None:
        """counted − expected for a line with a valid count typed; None otherwise."""
        value = parse_count(self.counted.get(line.part_id, ""))
        return None if value is None or value < 0 else count_difference(line.expected, value)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.lines):
            return None
        line, column = self.lines[index.row()], index.column()
        typed = self.counted.get(line.part_id, "")
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == COUNTED:
                return typed
            if column == DIFFERENCE:
                if not typed:
                    return ""
                difference = self.difference(line)
                return _("not a count") if difference is None else signed_text(difference)
            return (line.bin, line.part_number, line.part_name, line.unit, quantity_cell(line.expected))[column]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(RIGHT if column in (EXPECTED, COUNTED, DIFFERENCE) else LEFT)
        if role == Qt.ItemDataRole.ForegroundRole and column == DIFFERENCE and typed:
            difference = self.difference(line)
            colour = ERROR_TEXT if difference is None or difference < 0 else MUTED_TEXT if difference == 0 else SUCCESS
            return QBrush(QColor(colour))
        if role == Qt.ItemDataRole.ToolTipRole and column == COUNTED:
            return _("What is on the shelf; empty: not counted")
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.isValid() and index.column() == COUNTED else base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or index.column() != COUNTED or role != Qt.ItemDataRole.EditRole:
            return False
        line = self.lines[index.row()]
        text = str(value or "").strip()
        if text:
            self.counted[line.part_id] = text
        else:
            self.counted.pop(line.part_id, None)
        self.dataChanged.emit(index, self.index(index.row(), DIFFERENCE))
        self.counts_changed.emit()
        return True

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(RIGHT if section in (EXPECTED, COUNTED, DIFFERENCE) else LEFT)
        if role == Qt.ItemDataRole.FontRole and section == COUNTED:
            font = QFont()
            font.setBold(True)
            return font
        return None


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
        self.setWindowTitle(_("Cycle count"))
        self.resize(820, 600)
        self.heading = plain_label(_("Reading the count sheet…"), role="subtitle", wrap=True)
        self.intro = plain_label(role="hint", wrap=True)

        self.model = SheetModel()
        self.model.counts_changed.connect(self._show_progress)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(LEFT)
        header.setResizeContentsPrecision(FIT_ROWS)
        for column in range(len(SHEET_COLUMNS)):
            header.setSectionResizeMode(
                column, QHeaderView.ResizeMode.Stretch if column == NAME else QHeaderView.ResizeMode.Interactive
            )
        self.bin_filter = QLineEdit()
        self.bin_filter.setMaximumWidth(160)
        self.bin_filter.setPlaceholderText(_("all bins"))
        self.bin_filter.setToolTip(_("Count part of the location: only bins starting with this (e.g. A-1)"))
        self.bin_filter.textChanged.connect(self._filter)
        filter_row = QHBoxLayout()
        filter_row.addWidget(plain_label(_("Bins starting with"), role="fieldname"))
        filter_row.addWidget(self.bin_filter)
        filter_row.addStretch(1)
        self.counted_by = QLineEdit(services.ctx.actor.full_name or services.ctx.actor.username)
        self.counted_by.setMaxLength(COUNTER_MAX)
        self.add_field("counted_by", _("Counted by"), self.counted_by, _("Named in every adjustment this count makes."))
        self.progress = plain_label(role="hint")
        self.buttons = action_buttons(self, _("Save count"), self.save)
        self.buttons.setEnabled(False)
        sheet_page = QWidget()
        sheet_layout = QVBoxLayout(sheet_page)
        sheet_layout.setContentsMargins(0, 0, 0, 0)
        sheet_layout.addLayout(filter_row)
        sheet_layout.addWidget(self.table, 1)
        sheet_layout.addWidget(self.progress)
        sheet_layout.addLayout(self.form)
        sheet_layout.addWidget(self.form_error)
        sheet_layout.addWidget(self.buttons)

        self.summary = plain_label(wrap=True)
        self.summary.hide()
        self.adjusted: RowsModel[CountAdjustment] = RowsModel(adjustment_columns())
        self.adjustments = rows_view(self.adjusted, stretch=1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.accept)
        result_page = QWidget()
        result_layout = QVBoxLayout(result_page)
        result_layout.setContentsMargins(0, 0, 0, 0)
        result_layout.addWidget(self.adjustments, 1)
        result_layout.addWidget(close)

        self.pages = QStackedWidget()
        self.pages.addWidget(sheet_page)
        self.pages.addWidget(result_page)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.intro)  # here, not in a page: the dialog's layout gives wrapped text its height
        layout.addWidget(self.summary)
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
        self.model.set_lines(sheet.lines)
        self._fit()
        if sheet.lines:
            self.table.setCurrentIndex(self.model.index(0, COUNTED))
            self.table.setFocus()
            self.buttons.setEnabled(True)
        else:
            self.intro.setText(_("No part is kept at {location} yet.").format(location=sheet.location_name))
        self._show_progress()

    def _fit(self) -> None:
        for column in range(len(SHEET_COLUMNS)):
            if column != NAME:
                self.table.resizeColumnToContents(column)
        # room for what typing will show there: a difference, or "not a count"
        room = self.table.fontMetrics().horizontalAdvance(_("not a count")) + 16
        for column in (COUNTED, DIFFERENCE):
            self.table.setColumnWidth(column, max(self.table.columnWidth(column), room))

    def _filter(self, text: str) -> None:
        self.model.set_bin_filter(text)
        if self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, COUNTED))

    def counted_text(self, row: int) -> str:
        """What is typed on line ``row`` of the lines shown."""
        return self.model.counted.get(self.model.lines[row].part_id, "")

    def set_counted(self, row: int, text: str) -> None:
        """Type a count into line ``row`` of the lines shown (as the user would)."""
        self.model.setData(self.model.index(row, COUNTED), text)

    def has_counts(self) -> bool:
        return bool(self.model.counted)

    def _show_progress(self) -> None:
        if self.sheet is None:
            return
        total = len(self.sheet.lines)
        done = len(self.model.counted)
        self.progress.setText(
            _("{done} of {total} lines counted.").format(done=count_text(done), total=count_text(total))
        )

    # ----------------------------------------------------------------- saving
    def entries(self) -> list[CountEntry]:
        """Every line with a count typed (whatever the bin filter shows), in sheet order."""
        sheet = self.sheet
        if sheet is None:
            return []
        typed = self.model.counted
        return [CountEntry(x.part_id, x.expected, typed[x.part_id]) for x in sheet.lines if x.part_id in typed]

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
        self.adjusted.set_rows(result.adjustments)
        fit_columns(self.adjustments, 1)
        self.adjustments.setVisible(bool(changed))
        self.intro.hide()
        self.summary.show()
        self.pages.setCurrentIndex(1)

    def reject(self) -> None:
        """Close; counts typed and not saved are only dropped when the user says so."""
        if self.result is None and self.has_counts():
            question = _("The counts you typed have not been saved. Close and drop them?")
            if not self._ops.mapper.prompts.confirm(self, _("Drop the count?"), question, _("Drop the count")):
                return
        super().reject()
