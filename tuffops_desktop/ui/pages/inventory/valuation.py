"""Stock valuation: what the stock at each location is worth at cost, and in total.

Value = Σ on hand × the part's cost, per location (rounded to the cent once per
location); parts with stock but no cost set are counted apart, since they add nothing.
Costs are confidential: the Inventory page builds this view only for users holding
``inventory.costs`` (and the service refuses everyone else anyway).
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from tuffops_desktop.i18n import N_, _
from tuffops_desktop.services.dto.stock_control import LocationValue, Valuation
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.formatting import count_text, date_time_text, money_text
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.inventory.stock_views import LiveView, export_report, kind_text, quantity_cell
from tuffops_desktop.ui.pages.invoices.dialogs import read_only_table, table_item
from tuffops_desktop.ui.theme import ATTENTION
from tuffops_desktop.ui.widgets.labels import plain_label

COLUMNS = (
    N_("Location"),
    N_("Kind"),
    N_("Parts with stock"),
    N_("Units on hand"),
    N_("Value at cost"),
    N_("Without cost"),
)


class ValuationView(LiveView):
    """The valuation table (one row per location, the total last) with Export CSV.

    Attributes:
        report: the valuation shown.
    """

    def __init__(self, services: Services, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        self._services = services
        self.report: Valuation | None = None
        self.summary = plain_label(role="hint")
        self.export_button = QPushButton(_("Export CSV…"))
        self.export_button.clicked.connect(self.export)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.export_button)
        self.table = read_only_table([_(c) for c in COLUMNS], {2, 3, 4, 5}, stretch=0)
        self.note = plain_label(role="hint", wrap=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        self.export_button.setEnabled(False)

    def load(self) -> None:
        self._task = self._ops.run(self._services.stock_control.valuation, parent=self, on_done=self.show_report)

    def show_report(self, report: Valuation) -> None:
        self.loaded()
        self.report = report
        self.table.setRowCount(0)
        for line in report.locations:
            self._add(line, bold=False)
        self._add(report.total, bold=True)
        self.summary.setText(
            _("Stock at cost: {value}, as of {time}.").format(
                value=money_text(report.total.value), time=date_time_text(report.read_at)
            )
        )
        missing = report.total.parts_without_cost
        self.note.setText(
            _("Value = on hand × the part's cost. {count} parts with stock have no cost and add nothing.").format(
                count=count_text(missing)
            )
            if missing
            else _("Value = on hand × the part's cost. Every part with stock has a cost.")
        )
        self.export_button.setEnabled(True)

    def _add(self, line: LocationValue, *, bold: bool) -> None:
        at = self.table.rowCount()
        self.table.insertRow(at)
        cells = [
            table_item(line.name if line.location_id is not None else _("Total")),
            table_item(kind_text(line.kind)),
            table_item(count_text(line.parts_with_stock), right=True),
            table_item(quantity_cell(line.units_on_hand), right=True),
            table_item(money_text(line.value), right=True),
            table_item(count_text(line.parts_without_cost) if line.parts_without_cost else "–", right=True),
        ]
        if line.parts_without_cost:
            cells[5].setForeground(QColor(ATTENTION))
            cells[5].setToolTip(_("Parts with stock here whose cost is not set: not in the value"))
        for column, cell in enumerate(cells):
            if bold:
                font = QFont(cell.font())
                font.setBold(True)
                cell.setFont(font)
            self.table.setItem(at, column, cell)

    def export(self) -> object:
        return export_report(
            self._ops,
            self,
            title=_("Export the stock valuation"),
            suggested=_("stock valuation.csv"),
            produce=self._services.stock_control.valuation_csv,
            finished_text=_("The valuation ({count} rows) was written to {file}."),
        )
