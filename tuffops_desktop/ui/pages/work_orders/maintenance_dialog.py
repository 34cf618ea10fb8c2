"""Maintenance due: units whose preventive maintenance is overdue or due soon, and bulk
creation of maintenance work orders for the ones picked (issue #10.6).

The list is the service's (``MaintenanceService.due_ids`` / ``due_rows``: selection in
SQL, due dates from the domain rule), shown through the shared id-table model. Units that
already have an open maintenance work order for their due date say so and are skipped by
the service, so pressing Create twice never makes a second one.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.domain.maintenance import DUE_WITHIN_MAX_DAYS
from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.maintenance import MaintenanceDueRow
from tuffops_desktop.services.listing import Flag, ListQuery
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.formatting import count_text, date_text
from tuffops_desktop.ui.models.columns import Column
from tuffops_desktop.ui.models.id_table import IdTableModel
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.units.detail import frequency_label
from tuffops_desktop.ui.pages.work_orders.columns import OVERDUE_COLOUR
from tuffops_desktop.ui.prompts import Prompts
from tuffops_desktop.ui.widgets.data_table import DataTable
from tuffops_desktop.ui.widgets.labels import plain_label
from tuffops_desktop.ui.widgets.search_box import SearchBox


def _due(r: MaintenanceDueRow) -> str:
    return _("{date} (overdue)").format(date=date_text(r.due_on)) if r.overdue else date_text(r.due_on)


def _site(r: MaintenanceDueRow) -> str:
    return ", ".join(p for p in (r.address, r.city) if p)


def due_columns() -> list[Column[MaintenanceDueRow]]:
    return [
        Column(_("Due"), _due, "", width=150, foreground=lambda r: OVERDUE_COLOUR if r.overdue else None),
        Column(_("Unit"), lambda r: r.unit_label, "", width=150, tooltip=lambda r: r.unit_label),
        Column(
            _("Customer"), lambda r: r.customer_name or _("(stock)"), "", width=170, tooltip=lambda r: r.customer_name
        ),
        Column(_("Site"), _site, "", width=200, tooltip=_site),
        Column(_("Every"), lambda r: frequency_label(r.frequency), "", width=124),
        Column(_("Last maintained"), lambda r: date_text(r.maintained_at, _("Never")), "", width=124),
        Column(_("Work order"), lambda r: r.open_work_order_number or "—", "", width=96),
    ]


class MaintenanceDueDialog(QDialog):
    """Pick due units and create their maintenance work orders in one go."""

    def __init__(self, services: Services, ops: Ops, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Maintenance due"))
        self.resize(1120, 580)
        self._services = services
        self._ops = ops
        self._prompts = prompts
        self.created_count = 0
        self._asked = 0
        self.within = QSpinBox()
        self.within.setRange(0, DUE_WITHIN_MAX_DAYS)
        self.within.setValue(30)
        self.within.setSuffix(_(" days"))
        within_label = QLabel(_("Due &within"))
        within_label.setBuddy(self.within)
        self.search = SearchBox(_("Site address, city, postcode…"))
        self.unplanned = QCheckBox(_("&Only without a work order"))
        self.unplanned.setChecked(True)
        self.model = IdTableModel(
            due_columns(), services.maintenance.due_rows, ops=ops, parent=self, id_of=lambda r: r.unit_id
        )
        self.table = DataTable(self.model, self, stretch_column=3)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.count = plain_label(role="hint")
        self.select_all = QPushButton(_("Select &all"))
        self.create_button = QPushButton(_("&Create maintenance work orders"))
        self.create_button.setProperty("primary", True)
        self.create_button.setVisible(services.ctx.actor.can("work_orders.create"))
        close = QPushButton(_("Close"))

        top = QHBoxLayout()
        top.addWidget(within_label)
        top.addWidget(self.within)
        top.addWidget(self.search, 1)
        top.addWidget(self.unplanned)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count)
        bottom.addStretch(1)
        bottom.addWidget(self.select_all)
        bottom.addWidget(self.create_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        self.within.valueChanged.connect(lambda _v: self.refresh())
        self.search.search_changed.connect(lambda _t: self.refresh())
        self.unplanned.toggled.connect(lambda _on: self.refresh())
        self.select_all.clicked.connect(self.table.selectAll)
        self.create_button.clicked.connect(self.create)
        close.clicked.connect(self.accept)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.refresh()

    def query(self) -> ListQuery:
        filters = {"planned": Flag(False)} if self.unplanned.isChecked() else {}
        return ListQuery(text=self.search.current(), filters=filters)

    def refresh(self) -> None:
        """List the due units again (in the background); only the latest answer is shown."""
        self._asked += 1
        asked = self._asked
        self._ops.run(
            self._services.maintenance.due_ids,
            self.query(),
            self.within.value(),
            parent=self,
            on_done=lambda ids: self._listed(asked, ids),
        )

    def _listed(self, asked: int, ids: list[int]) -> None:
        if asked != self._asked:
            return  # the user changed the question meanwhile
        self.model.set_ids(ids)
        self.count.setText(_("{count} units due").format(count=count_text(len(ids))))
        self._update_buttons()

    def selected_unit_ids(self) -> list[int]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [uid for uid in (self.model.row_id(row) for row in rows) if uid is not None]

    def _update_buttons(self) -> None:
        self.create_button.setEnabled(bool(self.selected_unit_ids()))

    def create(self) -> None:
        units = self.selected_unit_ids()
        if not units:
            return
        if not self._prompts.confirm(
            self,
            _("Create maintenance work orders?"),
            _(
                "One unassigned maintenance work order for each of the {count} units "
                "picked, due on its maintenance date."
            ).format(count=count_text(len(units))),
            _("Create"),
        ):
            return
        result = self._ops.call(self._services.maintenance.create_work_orders, units, parent=self)
        if not result.ok:
            return
        outcome = result.value
        self.created_count += len(outcome.created)
        lines = [_("{count} work orders created.").format(count=count_text(len(outcome.created)))]
        if outcome.skipped:
            lines.append(
                _("{count} units left out: {why}").format(
                    count=count_text(len(outcome.skipped)), why="; ".join(sorted({why for _u, why in outcome.skipped}))
                )
            )
        self._prompts.info(self, _("Maintenance work orders"), "\n".join(lines))
        self.refresh()
