"""A unit's history for the unit page: every request and work order of the unit, newest first.

Each part shows only what the user may see: requests with ``customer_requests.view``,
work orders with ``work_orders.view`` (a technician only their own, as on the work-orders
list, whose query this reuses).
"""

from __future__ import annotations

from sqlalchemy import select

from tuffops_desktop.db.models import CustomerRequest, WorkOrder
from tuffops_desktop.domain.numbers import work_order_number
from tuffops_desktop.domain.permissions import P
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.dto.unit_history import UnitHistoryEntry
from tuffops_desktop.services.guard import requires_any
from tuffops_desktop.services.listing import ListQuery, Ref
from tuffops_desktop.services.requests import EXCERPT_LENGTH
from tuffops_desktop.services.work_orders import WorkOrderService


def _line(text: str) -> str:
    return " ".join(text.split())[:EXCERPT_LENGTH]


class UnitHistoryService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    @requires_any(P.CUSTOMER_REQUESTS_VIEW, P.WORK_ORDERS_VIEW)
    def entries(self, unit_id: int) -> list[UnitHistoryEntry]:
        """Requests and work orders of ``unit_id`` by the time they were made, newest first."""
        entries: list[UnitHistoryEntry] = []
        actor = self._ctx.actor
        order_ids = (
            WorkOrderService(self._ctx).list_ids(ListQuery(filters=(("unit", Ref(unit_id)),)))
            if actor.can(P.WORK_ORDERS_VIEW)
            else []
        )
        with self._ctx.read() as session:
            if actor.can(P.CUSTOMER_REQUESTS_VIEW):
                for req in session.scalars(select(CustomerRequest).where(CustomerRequest.unit_id == unit_id)):
                    entries.append(
                        UnitHistoryEntry("request", req.id, req.ticket, req.status, req.created_at, _line(req.request))
                    )
            for start in range(0, len(order_ids), 5000):
                stmt = select(WorkOrder.id, WorkOrder.status, WorkOrder.created_at, WorkOrder.customer_requests).where(
                    WorkOrder.id.in_(order_ids[start : start + 5000])
                )
                for order_id, status, created_at, text in session.execute(stmt):
                    entries.append(
                        UnitHistoryEntry(
                            "work_order", order_id, work_order_number(order_id), status, created_at, _line(text)
                        )
                    )
        entries.sort(key=lambda e: (e.at, e.kind == "work_order", e.id), reverse=True)
        return entries
