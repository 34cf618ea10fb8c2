"""Work orders: every job from unassigned to billed, filtered, searched and sorted in SQL
(``WorkOrderService.list_ids``), with the work-order panel beside the list.

Filters: a status group (open work by default), the technician, and "overdue only". A
technician who does not supervise sees only their own work orders (the service decides).
Changes from other workstations arrive through the change feed and are applied row by
row (``ListPage``).
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QPushButton, QWidget

from tuffops_desktop.i18n import N_, _
from tuffops_desktop.services.dto.work_orders import WorkOrderDetail
from tuffops_desktop.services.listing import Flag, ListQuery, Ref, any_of
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.list_page import ListPage
from tuffops_desktop.ui.pages.work_orders.columns import UNIT_COLUMN, work_order_columns
from tuffops_desktop.ui.pages.work_orders.editor import WorkOrderEditor
from tuffops_desktop.ui.pages.work_orders.maintenance_dialog import MaintenanceDueDialog
from tuffops_desktop.ui.prompts import Prompts
from tuffops_desktop.ui.widgets.labels import plain_label

OPEN_STATUSES = ("unassigned", "pending", "ongoing", "paused", "waiting_approval")
STATUS_FILTERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("open", N_("Open work"), OPEN_STATUSES),
    ("unassigned", N_("Unassigned"), ("unassigned",)),
    ("scheduled", N_("Pending"), ("pending",)),
    ("in_progress", N_("Ongoing or paused"), ("ongoing", "paused")),
    ("approval", N_("Waiting for approval"), ("waiting_approval",)),
    ("completed", N_("Completed"), ("completed",)),
    ("billed", N_("Billed"), ("billed",)),
    ("cancelled", N_("Cancelled"), ("cancelled",)),
    ("", N_("All work orders"), ()),
)
DEFAULT_QUERY = ListQuery(sort="due", descending=False, filters={"status": any_of(*OPEN_STATUSES)})


class WorkOrdersPage(ListPage):
    """The work-order list with the work-order panel beside it."""

    entities = ("work_order",)

    def __init__(self, services: Services, ops: Ops, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(
            services,
            ops,
            prompts,
            title=_("Work orders"),
            search_hint=_("Search request text, unit, customer, technician…"),
            count_text=(_("1 work order"), _("{count} work orders")),
            columns=work_order_columns(),
            fetch_rows=services.work_orders.rows,
            list_ids=services.work_orders.list_ids,
            first_ids=services.work_orders.first_ids,
            query=DEFAULT_QUERY,
            muted=lambda r: r.status in ("billed", "cancelled"),
            stretch_column=UNIT_COLUMN,
            parent=parent,
        )
        self.status_filter = self.filter_combo(
            [(_(title), key, {"status": any_of(*values) if values else None}) for key, title, values in STATUS_FILTERS]
        )
        self.status_filter.setObjectName("status")
        self.technician_filter = QComboBox()
        self.technician_filter.setObjectName("technician")
        self.technician_filter.addItem(_("Any technician"), None)
        self.technician_filter.addItem(_("Unassigned"), 0)
        technicians = ops.call(services.work_orders.technicians, parent=self)
        for tech in technicians.value if technicians.ok else []:
            self.technician_filter.addItem(tech.full_name or tech.username, tech.id)
        self.technician_filter.currentIndexChanged.connect(self._technician_changed)
        self.overdue = QCheckBox(_("&Overdue only"))
        self.overdue.setObjectName("overdue")
        self.overdue.toggled.connect(lambda on: self.set_filters({"overdue": Flag(True) if on else None}))
        self.maintenance_button = QPushButton(_("&Maintenance due…"))
        self.maintenance_button.setToolTip(_("Units due for preventive maintenance; create their work orders"))
        self.maintenance_button.setVisible(services.ctx.actor.can("units.view"))
        self.maintenance_button.clicked.connect(self.maintenance_due)
        self.editor = WorkOrderEditor(services, ops, prompts, self)
        self.splitter = self.build(
            detail=self.editor,
            header=[self.maintenance_button],
            filters=[
                plain_label(_("Status"), role="fieldname"),
                self.status_filter,
                self.technician_filter,
                self.overdue,
            ],
            sizes=(640, 440),
            stretch=(3, 2),
        )
        self._pinned: WorkOrderDetail | None = None
        self.editor.saved.connect(self._after_change)
        self.editor.open_record.connect(self.open_record_requested)
        self.controller.refresh()

    def maintenance_due(self) -> None:
        dialog = MaintenanceDueDialog(self._services, self._ops, self._prompts, self)
        dialog.exec()
        if dialog.created_count:
            self.refresh()

    def _technician_changed(self, index: int) -> None:
        value = self.technician_filter.itemData(index)
        self.set_filters({"technician": None if value is None else Ref(int(value) or None)})

    def _after_change(self, detail: object) -> None:
        """List again; the work order just moved stays in the panel even when the filter
        no longer lists it (e.g. just cancelled while the list shows open work)."""
        self._pinned = detail if isinstance(detail, WorkOrderDetail) else None
        self.controller.refresh()
        if self._pinned is not None and self.table.select_id(self._pinned.id):
            self._pinned = None

    def show_current(self, record_id: object) -> None:
        if isinstance(record_id, int):
            self._pinned = None
            result = self._ops.call(self._services.work_orders.get, record_id, parent=self)
            self.editor.show_work_order(result.value if result.ok else None)
        elif self._pinned is not None:
            self.editor.show_work_order(self._pinned)  # no longer listed: keep showing it
        else:
            self.editor.show_work_order(None)

    def current_changed_elsewhere(self, record_id: int) -> None:
        """Someone moved the work order on screen: show it as it is now (no typing is lost:
        only the note line is editable, and it is kept)."""
        note = self.editor.note_edit.text()
        self.show_current(record_id)
        self.editor.note_edit.setText(note)
