"""Columns of the work-orders list (sort keys are ``WorkOrderService.list_ids`` sort names),
and the labels and colours of a work order's status, type and pause reasons."""

from __future__ import annotations

from tuffops_desktop.domain.work_orders import Action, PauseReason, WorkOrderStatus, WorkOrderType
from tuffops_desktop.i18n import N_, _
from tuffops_desktop.services.dto.work_orders import WorkOrderRow
from tuffops_desktop.ui.formatting import date_time_text, widest_date_time_text
from tuffops_desktop.ui.models.columns import Column
from tuffops_desktop.ui.theme import ATTENTION, ERROR_TEXT, GOOD, IN_PROGRESS, MUTED_TEXT, OPEN, OVER

# The theme's colour language: blue waits for someone to pick it up, violet is being
# worked on, amber needs someone's attention (paused, waiting for approval), green done,
# grey over.
STATUS_COLOURS = {
    "unassigned": OPEN,
    "pending": "#0891b2",
    "ongoing": IN_PROGRESS,
    "paused": ATTENTION,
    "waiting_approval": ATTENTION,
    "completed": GOOD,
    "billed": OVER,
    "cancelled": OVER,
}
OVERDUE_COLOUR = ERROR_TEXT  # the same red as overdue maintenance on the Units page
TYPE_LABELS = {
    WorkOrderType.INSTALLATION: N_("Installation"),
    WorkOrderType.REPAIR: N_("Repair"),
    WorkOrderType.MAINTENANCE: N_("Maintenance"),
    WorkOrderType.SERVICE: N_("Service"),
    WorkOrderType.OTHER: N_("Other"),
}
PAUSE_LABELS = {
    PauseReason.AWAITING_PARTS: N_("Awaiting parts"),
    PauseReason.CUSTOMER_ACCESS: N_("No access to the site"),
    PauseReason.CUSTOMER_DECISION: N_("Waiting for the customer's decision"),
    PauseReason.ESCALATED: N_("Escalated"),
    PauseReason.WEATHER: N_("Weather"),
    PauseReason.OTHER: N_("Other"),
}


def status_label(status: str | None) -> str:
    try:
        return _(WorkOrderStatus(status).label)
    except ValueError:
        return status or ""


def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, OVER)


def type_label(work_type: str) -> str:
    try:
        return _(TYPE_LABELS[WorkOrderType(work_type)])
    except ValueError:
        return work_type


def action_label(action: str) -> str:
    return _(Action(action).label)


def pause_label(reason: str) -> str:
    try:
        return _(PAUSE_LABELS[PauseReason(reason)])
    except ValueError:
        return reason


def _due_text(r: WorkOrderRow) -> str:
    text = date_time_text(r.due_at)
    return _("{due} (overdue)").format(due=text) if r.overdue else text


def work_order_columns() -> list[Column[WorkOrderRow]]:
    return [
        Column(_("Number"), lambda r: r.number, "number", width=96, monospace=True, sort_value=lambda r: r.id),
        Column(
            _("Status"), lambda r: status_label(r.status), "status", width=178, tag=lambda r: status_colour(r.status)
        ),
        Column(_("Type"), lambda r: type_label(r.work_type), "type", width=104),
        Column(_("Unit"), lambda r: r.unit_label, "unit", width=150, tooltip=lambda r: r.unit_label),
        Column(
            _("Customer"),
            lambda r: r.customer_name or _("(stock)"),
            "customer",
            width=180,
            tooltip=lambda r: r.customer_name,
            foreground=lambda r: None if r.customer_name else MUTED_TEXT,
        ),
        Column(
            _("Technician"),
            lambda r: r.technician or _("Unassigned"),
            "technician",
            width=120,
            foreground=lambda r: None if r.technician else MUTED_TEXT,
        ),
        Column(
            _("Due"),
            _due_text,
            "due",
            width=170,
            fit=lambda: _("{due} (overdue)").format(due=widest_date_time_text()),
            sort_value=lambda r: r.due_at,
            foreground=lambda r: OVERDUE_COLOUR if r.overdue else None,
        ),
        Column(
            _("Booked"),
            lambda r: date_time_text(r.scheduled_start),
            "scheduled",
            width=150,
            fit=widest_date_time_text,
            sort_value=lambda r: r.scheduled_start,
        ),
        Column(
            _("Created"),
            lambda r: date_time_text(r.created_at),
            "created",
            width=150,
            fit=widest_date_time_text,
            sort_value=lambda r: r.created_at,
        ),
    ]


NUMBER_COLUMN = 0
UNIT_COLUMN = 3
