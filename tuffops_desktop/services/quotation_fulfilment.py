"""An accepted quotation becomes ``fulfilled`` when all the work it made is done.

Called by the one writer of work-order status changes (``WorkOrderService.act``) in the
transaction that moves a work order made from a quotation, so the quotation's status
follows its work orders without anyone clicking: one writer, the same transaction, the
same audit row / change-feed path as every other write. Kept apart from
``services/quotations.py`` (which creates work orders through ``services/work_orders``)
so neither module imports the other.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tuffops_desktop.db.models import Quotation, WorkOrder
from tuffops_desktop.domain.quotations import QuotationStatus, all_work_done
from tuffops_desktop.services import audit
from tuffops_desktop.services.context import ServiceContext


def fulfil_when_done(session: Session, ctx: ServiceContext, quotation_id: int) -> bool:
    """Mark quotation ``quotation_id`` fulfilled if it is accepted and every work order made
    from it is completed, billed or cancelled; True when it did.

    The quotation row is locked **before** its work orders are read: when two of them are
    finished at the same moment on two workstations, the second transaction waits for the
    first to commit and then sees both finished (PostgreSQL reads committed rows per
    statement; SQLite runs one writer at a time), so the last one to finish always fulfils.
    """
    quotation = session.scalar(select(Quotation).where(Quotation.id == quotation_id).with_for_update())
    if quotation is None or quotation.status != QuotationStatus.ACCEPTED.value:
        return False
    statuses = session.scalars(select(WorkOrder.status).where(WorkOrder.quotation_id == quotation_id)).all()
    if not all_work_done(statuses):
        return False
    quotation.status = QuotationStatus.FULFILLED.value
    quotation.updated_at = ctx.now()
    session.flush()
    audit.record(
        session,
        ctx,
        "quotation",
        quotation.id,
        "fulfil",
        {"status": [QuotationStatus.ACCEPTED.value, QuotationStatus.FULFILLED.value]},
    )
    return True
