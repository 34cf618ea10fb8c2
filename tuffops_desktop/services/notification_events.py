"""Who is told what, when something happens: the notification events.

Each business event queues its e-mail through ``services.outbox.queue`` **inside the
transaction of the event** (one writer per fact): the services call one function of this
module at the point where the fact is written, so the message exists exactly when the
fact does. Nothing here renders or sends; the context stored with the message holds
only what the customer may read (``domain/notification_templates.py`` prints it).

Who gets it:

* **Customer mail goes to every e-mail address on the customer's record** (Customers
  concept: "notifications go to every email on the record"), unless the customer opted
  out (``customers.notify_opt_out``): then nothing about their records is e-mailed to
  anyone.
* **Request received** goes to the address the requester typed as their contact, only
  when that contact is one e-mail address (a phone number gets nothing); the public form
  on PostgreSQL queues the same row from the database function ``intake_submit_request``
  (migration 0014), with the same context (``request_received_context``).
* **Request scheduled** (a work order made from a request gets its booked start) goes to
  the customer's addresses and to the requester's e-mail contact.
* **Technician assigned** goes to the technician's own e-mail (``users.email``).
* Work order completed (approved), quotation sent (the PDF attached when sending),
  invoice issued (its PDF attached), payment received: to the customer.
* Two jobs run once a day (``DailyJobs``, for the desktop's sender loop: they insert
  outbox rows, which the ``notify serve`` role may not): ``queue_overdue_reminders`` (at
  most one reminder per invoice and ageing bucket: ``dedupe_key``
  ``overdue:<invoice>:<bucket>``) and ``queue_maintenance_due`` (once per unit and due
  date: ``maintenance:<unit>:<date>``).

An address that is not deliverable (a malformed one imported long ago) is left out
rather than refusing the business action; no address left means no message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.orm import Session

from tuffops_desktop.db.engine import SessionFactories
from tuffops_desktop.db.models import (
    Customer,
    CustomerRequest,
    DeviceModel,
    Invoice,
    Payment,
    Quotation,
    Unit,
    User,
    WorkOrder,
)
from tuffops_desktop.documents.page_plan import money_print
from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.invoices import InvoiceStatus, days_overdue
from tuffops_desktop.domain.maintenance import cadence_months, latest_start_due_by
from tuffops_desktop.domain.notifications import MAX_RECIPIENTS, Event, check_recipients, looks_like_email
from tuffops_desktop.domain.numbers import work_order_number
from tuffops_desktop.domain.phones import split_list
from tuffops_desktop.domain.receivables import Bucket, bucket_for
from tuffops_desktop.domain.requests import RequestFields
from tuffops_desktop.domain.units import MaintenanceFrequency, friendly_label, maintenance_dates
from tuffops_desktop.domain.work_orders import Action, WorkOrderType
from tuffops_desktop.services import outbox
from tuffops_desktop.services.context import SYSTEM_ACTOR, ServiceContext
from tuffops_desktop.services.settings import read_setting

MAINTENANCE_NOTICE_DAYS = 14
"""Customers hear about a unit's maintenance this many days before it is due."""

_ASSIGNING = (Action.ASSIGN, Action.REASSIGN)


# ---------------------------------------------------------------------------- addresses
def deliverable(addresses: Iterable[str]) -> list[str]:
    """The addresses a message can go to: each checked on its own (a bad one is dropped,
    never a reason to refuse the business action), duplicates dropped, at most
    ``MAX_RECIPIENTS``."""
    result: list[str] = []
    seen: set[str] = set()
    for raw in addresses:
        try:
            (address,) = check_recipients([raw])
        except ValidationError:
            continue
        if address.casefold() not in seen:
            seen.add(address.casefold())
            result.append(address)
    return result[:MAX_RECIPIENTS]


def customer_addresses(session: Session, customer_id: int | None) -> list[str]:
    """Every e-mail on the customer's record; none when they opted out (or there is no customer)."""
    if customer_id is None:
        return []
    row = session.execute(
        select(Customer.emails, Customer.notify_opt_out).where(Customer.id == customer_id)
    ).one_or_none()
    if row is None or row.notify_opt_out:
        return []
    return deliverable(split_list(row.emails))


def opted_out(session: Session, customer_id: int | None) -> bool:
    if customer_id is None:
        return False
    return bool(session.scalar(select(Customer.notify_opt_out).where(Customer.id == customer_id)))


def _queue(
    session: Session,
    ctx: ServiceContext,
    event: Event,
    recipients: Sequence[str],
    context: Mapping[str, object],
    **kwargs: Any,
) -> int | None:
    if not recipients:
        return None
    return outbox.queue(session, ctx, event, recipients, context, **kwargs)


# ---------------------------------------------------------------------------- contexts
def customer_name(session: Session, customer_id: int | None) -> str:
    if customer_id is None:
        return ""
    return session.scalar(select(Customer.display_name).where(Customer.id == customer_id)) or ""


def _unit_label(session: Session, unit_id: int) -> str:
    row = session.execute(
        select(Unit.location, Unit.serial_number, DeviceModel.name)
        .join(DeviceModel, DeviceModel.id == Unit.device_model_id)
        .where(Unit.id == unit_id)
    ).one()
    return friendly_label(row.location, row.serial_number, row.name)


def _local(moment: datetime | None) -> datetime | None:
    return moment.astimezone() if moment is not None else None


def _window(order: WorkOrder) -> str:
    """The booked window: the one chosen, else what the start time falls in."""
    if order.time_window:
        return order.time_window
    start = _local(order.scheduled_start)
    if start is None:
        return ""
    return "Morning" if start.hour < 12 else "Afternoon"


def request_received_context(ticket: str, unit_label: str, preferred: date, window: str) -> dict[str, str]:
    """What the "request received" mail says: the ticket, the unit's label and the day and
    window asked for; never the request's text (the public form is open to anyone: an
    address typed there must not receive text somebody else chose)."""
    return {
        "ticket": ticket,
        "unit": unit_label,
        "preferred_date": preferred.isoformat(),
        "preferred_window": window,
    }


def scheduled_context(session: Session, order: WorkOrder, ticket: str) -> dict[str, str]:
    start = _local(order.scheduled_start)
    return {
        "customer": customer_name(session, order.customer_id),
        "ticket": ticket,
        "work_order": work_order_number(order.id),
        "unit": _unit_label(session, order.unit_id),
        "date": start.date().isoformat() if start else "",
        "window": _window(order),
        "time": f"{start:%H:%M}" if start else "",
    }


def assigned_context(session: Session, order: WorkOrder, technician: User) -> dict[str, str]:
    unit = session.get_one(Unit, order.unit_id)
    start = _local(order.scheduled_start)
    return {
        "technician": technician.full_name or technician.username,
        "work_order": work_order_number(order.id),
        "work_type": WorkOrderType(order.work_type).value,
        "unit": _unit_label(session, order.unit_id),
        "customer": customer_name(session, order.customer_id),
        "site": ", ".join(part for part in (unit.address, unit.city, unit.postcode) if part.strip()),
        "date": start.date().isoformat() if start else "",
        "window": _window(order) if start else "",
        "time": f"{start:%H:%M}" if start else "",
        "job": order.customer_requests,
    }


def completed_context(session: Session, order: WorkOrder, today: date) -> dict[str, str]:
    return {
        "customer": customer_name(session, order.customer_id),
        "work_order": work_order_number(order.id),
        "work_type": WorkOrderType(order.work_type).value,
        "unit": _unit_label(session, order.unit_id),
        "completed_date": today.isoformat(),
    }


def quotation_context(session: Session, quotation: Quotation) -> dict[str, str]:
    return {
        "customer": customer_name(session, quotation.customer_id),
        "quotation": quotation.number,
        "title": quotation.title,
        "total": money_print(quotation.total),
        "valid_until": quotation.valid_until.isoformat() if quotation.valid_until else "",
    }


def invoice_context(invoice: Invoice) -> dict[str, str]:
    return {
        "customer": invoice.bill_to_name,
        "invoice": invoice.number,
        "work_order": work_order_number(invoice.work_order_id),
        "total": money_print(invoice.total),
        "due_date": invoice.due_on.isoformat(),
    }


def payment_context(invoice: Invoice, payment: Payment) -> dict[str, str]:
    return {
        "customer": invoice.bill_to_name,
        "invoice": invoice.number,
        "amount": money_print(payment.amount),
        "paid_date": payment.paid_on.isoformat(),
        "balance": money_print(invoice.total - invoice.paid),
    }


def overdue_context(invoice: Invoice, today: date) -> dict[str, str]:
    late = days_overdue(invoice.status, invoice.total - invoice.paid, invoice.due_on, today)
    return {
        "customer": invoice.bill_to_name,
        "invoice": invoice.number,
        "balance": money_print(invoice.total - invoice.paid),
        "due_date": invoice.due_on.isoformat(),
        "days_overdue": str(late),
        "bucket": bucket_for(late).label,
    }


def maintenance_context(customer_name: str, unit_label: str, frequency: str, due_on: date) -> dict[str, str]:
    try:
        cadence = MaintenanceFrequency(frequency).label.lower()
    except ValueError:
        cadence = frequency
    return {"customer": customer_name, "unit": unit_label, "due_date": due_on.isoformat(), "frequency": cadence}


# ---------------------------------------------------------------------------- the events
def request_received(
    session: Session, ctx: ServiceContext, *, request_id: int, unit_id: int, fields: RequestFields, ticket: str
) -> int | None:
    """A new request: its ticket to the requester, when the contact they gave is an e-mail
    (the same row the PostgreSQL intake function writes, dedupe key included)."""
    if not looks_like_email(fields.contact_info):
        return None
    customer_id = session.scalar(select(Unit.customer_id).where(Unit.id == unit_id))
    if opted_out(session, customer_id):
        return None
    context = request_received_context(
        ticket, _unit_label(session, unit_id), fields.schedule_at, fields.schedule_time.value
    )
    return _queue(
        session,
        ctx,
        Event.REQUEST_RECEIVED,
        deliverable([fields.contact_info]),
        context,
        customer_id=customer_id,
        dedupe_key=f"request_received:{request_id}",
    )


def work_order_moved(
    session: Session, ctx: ServiceContext, order: WorkOrder, action: Action, changes: Mapping[str, Sequence[Any]]
) -> None:
    """A lifecycle step of ``order`` (after it was written): assigning tells the technician
    (and, for a booked work order made from a request, the customer); approving tells
    the customer the work is completed. ``changes``: the step's audit changes
    (``technician_id`` and ``scheduled_start`` before and after)."""
    if action in _ASSIGNING:
        old_tech, new_tech = changes.get("technician_id", (None, None))
        old_start, new_start = changes.get("scheduled_start", (None, None))
        if old_tech != new_tech or old_start != new_start:
            _technician_assigned(session, ctx, order)
        if order.request_id is not None and new_start is not None and old_start != new_start:
            _request_scheduled(session, ctx, order)
    elif action is Action.APPROVE:
        _queue(
            session,
            ctx,
            Event.WORK_ORDER_COMPLETED,
            customer_addresses(session, order.customer_id),
            completed_context(session, order, ctx.today()),
            customer_id=order.customer_id,
            work_order_id=order.id,
        )


def _technician_assigned(session: Session, ctx: ServiceContext, order: WorkOrder) -> None:
    technician = session.get(User, order.technician_id) if order.technician_id else None
    if technician is None:
        return
    _queue(
        session,
        ctx,
        Event.TECHNICIAN_ASSIGNED,
        deliverable([technician.email]) if technician.email else [],
        assigned_context(session, order, technician),
        work_order_id=order.id,
    )


def _request_scheduled(session: Session, ctx: ServiceContext, order: WorkOrder) -> None:
    if opted_out(session, order.customer_id):
        return
    request = session.execute(
        select(CustomerRequest.ticket, CustomerRequest.contact_info).where(CustomerRequest.id == order.request_id)
    ).one()
    addresses = customer_addresses(session, order.customer_id)
    if looks_like_email(request.contact_info):
        addresses = deliverable([*addresses, request.contact_info])
    _queue(
        session,
        ctx,
        Event.REQUEST_SCHEDULED,
        addresses,
        scheduled_context(session, order, request.ticket),
        customer_id=order.customer_id,
        work_order_id=order.id,
    )


def quotation_sent(session: Session, ctx: ServiceContext, quotation: Quotation) -> int | None:
    """A quotation sent to the customer; its PDF is attached when the mail is sent."""
    return _queue(
        session,
        ctx,
        Event.QUOTATION_SENT,
        customer_addresses(session, quotation.customer_id),
        quotation_context(session, quotation),
        customer_id=quotation.customer_id,
        attachment=("quotation", quotation.id),
    )


def invoice_issued(session: Session, ctx: ServiceContext, invoice: Invoice) -> int | None:
    """An invoice issued; its PDF is attached when the mail is sent."""
    return _queue(
        session,
        ctx,
        Event.INVOICE_ISSUED,
        customer_addresses(session, invoice.customer_id),
        invoice_context(invoice),
        customer_id=invoice.customer_id,
        work_order_id=invoice.work_order_id,
        attachment=("invoice", invoice.id),
    )


def payment_received(session: Session, ctx: ServiceContext, invoice: Invoice, payment: Payment) -> int | None:
    """A payment recorded on ``invoice`` (its paid sum already updated)."""
    return _queue(
        session,
        ctx,
        Event.PAYMENT_RECEIVED,
        customer_addresses(session, invoice.customer_id),
        payment_context(invoice, payment),
        customer_id=invoice.customer_id,
        work_order_id=invoice.work_order_id,
    )


# ---------------------------------------------------------------------------- daily jobs
@dataclass(frozen=True)
class JobReport:
    """What a daily job queued: messages, and those already queued before (dedupe)."""

    queued: int
    already: int


def overdue_dedupe_key(invoice_id: int, bucket: Bucket) -> str:
    return f"overdue:{invoice_id}:{bucket.value}"


def queue_overdue_reminders(ctx: ServiceContext, now: datetime | None = None) -> JobReport:
    """Remind customers of invoices past due: one reminder per invoice and ageing bucket
    (1–30, 31–60, 61–90, 90+ days), whatever how often this runs; one transaction.

    Nothing while invoicing or e-mail is switched off (a reminder queued then would
    only wait, then expire, and use up its bucket). Sent invoices with a balance only;
    the reminder carries the invoice's PDF (made when it is sent, so it shows the
    payments received by then)."""
    today = (now or ctx.now()).astimezone().date()
    queued = already = 0
    with ctx.write() as session:
        if not read_setting(session, "feature_flag_invoices_enabled") or not read_setting(session, "smtp_enabled"):
            return JobReport(0, 0)
        invoices = session.scalars(
            select(Invoice)
            .where(
                Invoice.status == InvoiceStatus.SENT.value,
                Invoice.total > Invoice.paid,
                Invoice.due_on < today,
            )
            .order_by(Invoice.id)
        ).all()
        for invoice in invoices:
            addresses = customer_addresses(session, invoice.customer_id)
            if not addresses:
                continue
            context = overdue_context(invoice, today)
            bucket = bucket_for(int(context["days_overdue"]))
            found = outbox.queue(
                session,
                ctx,
                Event.INVOICE_OVERDUE,
                addresses,
                context,
                customer_id=invoice.customer_id,
                work_order_id=invoice.work_order_id,
                attachment=("invoice", invoice.id),
                dedupe_key=overdue_dedupe_key(invoice.id, bucket),
            )
            if found is None:
                already += 1
            else:
                queued += 1
    return JobReport(queued, already)


def _due_by(horizon: date) -> ColumnElement[bool]:
    """Units whose next maintenance is due on or before ``horizon`` (the due list's rule,
    ``services/maintenance.py``: one comparison per cadence)."""
    start = func.coalesce(Unit.maintained_at, Unit.installed_at)
    return or_(
        false(),
        *[
            and_(Unit.maintenance_frequency == frequency, start <= latest_start_due_by(horizon, months))
            for frequency, months in cadence_months().items()
        ],
    )


def maintenance_dedupe_key(unit_id: int, due_on: date) -> str:
    return f"maintenance:{unit_id}:{due_on.isoformat()}"


def queue_maintenance_due(ctx: ServiceContext, now: datetime | None = None) -> JobReport:
    """Tell customers a unit's preventive maintenance is due within
    ``MAINTENANCE_NOTICE_DAYS``: once per unit and due date; one transaction.

    Active units with a customer only; a unit already overdue is announced once too
    (for its current due date). Nothing while e-mail is switched off."""
    today = (now or ctx.now()).astimezone().date()
    horizon = today + timedelta(days=MAINTENANCE_NOTICE_DAYS)
    queued = already = 0
    with ctx.write() as session:
        if not read_setting(session, "smtp_enabled"):
            return JobReport(0, 0)
        rows = session.execute(
            select(Unit, DeviceModel.name, Customer.display_name)
            .join(DeviceModel, DeviceModel.id == Unit.device_model_id)
            .join(Customer, Customer.id == Unit.customer_id)
            .where(and_(Unit.active.is_(True), Customer.notify_opt_out.is_(False), _due_by(horizon)))
            .order_by(Unit.id)
        ).all()
        addresses_of: dict[int, list[str]] = {}
        for unit, model, display_name in rows:
            due_on = maintenance_dates(unit.maintenance_frequency, unit.maintained_at, unit.installed_at).next
            if due_on is None or due_on > horizon:
                continue
            customer_id = unit.customer_id
            assert customer_id is not None  # joined to its customer
            if customer_id not in addresses_of:
                addresses_of[customer_id] = customer_addresses(session, customer_id)
            if not addresses_of[customer_id]:
                continue
            found = outbox.queue(
                session,
                ctx,
                Event.MAINTENANCE_DUE,
                addresses_of[customer_id],
                maintenance_context(
                    display_name,
                    friendly_label(unit.location, unit.serial_number, model),
                    unit.maintenance_frequency,
                    due_on,
                ),
                customer_id=customer_id,
                dedupe_key=maintenance_dedupe_key(unit.id, due_on),
            )
            if found is None:
                already += 1
            else:
                queued += 1
    return JobReport(queued, already)


class DailyJobs:
    """The daily jobs for a sender loop to call on every pass: they run on the first pass
    of each local day (and again after a failure). Running them twice, or on several
    workstations, queues nothing twice (their dedupe keys)."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        self._done_on: date | None = None

    @classmethod
    def for_database(cls, db: SessionFactories) -> DailyJobs:
        """The jobs of a desktop's sender, acting as the system (the reminders' author)."""
        return cls(ServiceContext(db=db, actor=SYSTEM_ACTOR))

    def run_if_due(self, now: datetime | None = None) -> JobReport | None:
        """Both jobs' report when they ran now; None when they already ran today."""
        moment = now or self._ctx.now()
        today = moment.astimezone().date()
        if self._done_on == today:
            return None
        overdue = queue_overdue_reminders(self._ctx, moment)
        maintenance = queue_maintenance_due(self._ctx, moment)
        self._done_on = today
        return JobReport(overdue.queued + maintenance.queued, overdue.already + maintenance.already)
