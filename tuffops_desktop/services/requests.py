"""The request inbox: log a request from a phone call, list and search the inbox, add
internal notes, move a request between open and ongoing, close it as resolved, or
convert it to a work order.

Conversion is one transaction: the work order is created ``unassigned`` with the
request's text and unit, the request closes, and both link to each other. The request
row is locked first, so when two dispatchers click Convert at the same moment exactly
one work order is made and the second is told who converted it.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from tuffops_desktop.db.models import Customer, CustomerRequest, DeviceModel, Manufacturer, RequestNote, Unit
from tuffops_desktop.domain.customers import CustomerType
from tuffops_desktop.domain.errors import AlreadyConverted, ConcurrencyConflict, NotFound, ValidationError
from tuffops_desktop.domain.permissions import P
from tuffops_desktop.domain.phones import PhoneDefaults, split_list
from tuffops_desktop.domain.requests import (
    CloseReason,
    RequestInput,
    RequestSource,
    RequestStatus,
    check_transition,
    is_verified,
    ticket_for,
    validate_note,
    validate_request,
)
from tuffops_desktop.domain.units import friendly_label
from tuffops_desktop.domain.work_orders import WorkOrderType, work_order_number
from tuffops_desktop.services import audit
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.dto.requests import RequestDetail, RequestNoteInfo, RequestRow, WorkOrderInfo
from tuffops_desktop.services.guard import requires
from tuffops_desktop.services.listing import (
    ListQuery,
    apply_filters,
    date_field,
    enum_field,
    matches_all,
    ref_field,
)
from tuffops_desktop.services.request_writer import insert_request
from tuffops_desktop.services.settings import phone_defaults
from tuffops_desktop.services.work_orders import insert_work_order

EXCERPT_LENGTH = 120


def _haystack() -> ColumnElement[str]:
    return (
        func.lower(CustomerRequest.ticket)
        .concat(" ")
        .concat(func.lower(CustomerRequest.request))
        .concat(" ")
        .concat(func.lower(CustomerRequest.contact_info))
        .concat(" ")
        .concat(Unit.search_text)
        .concat(" ")
        .concat(func.coalesce(Customer.search_text, ""))
    )


_SORTS = {
    "received": CustomerRequest.created_at,
    "ticket": CustomerRequest.ticket,
    "unit": Unit.location,
    "customer": Customer.display_name,
    "preferred": CustomerRequest.schedule_at,
    "status": CustomerRequest.status,
    "source": CustomerRequest.source,
}

# ``ListQuery.filters`` keys: status, source (AnyOf), received (Between local days),
# preferred (Between dates), unit, customer (Ref), customer_type (AnyOf: the type of the
# unit's customer; a unit without one never matches — the reports' drill-down).
_FILTERS = {
    "status": enum_field(CustomerRequest.status, {s.value for s in RequestStatus}),
    "source": enum_field(CustomerRequest.source, {s.value for s in RequestSource}),
    "received": date_field(CustomerRequest.created_at, timestamp=True),
    "preferred": date_field(CustomerRequest.schedule_at),
    "unit": ref_field(CustomerRequest.unit_id),
    "customer": ref_field(Unit.customer_id),
    "customer_type": enum_field(Customer.customer_type, {t.value for t in CustomerType}),
}


class RequestService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # ----------------------------------------------------------------- inbox
    @requires(P.CUSTOMER_REQUESTS_VIEW)
    def list_ids(self, query: ListQuery) -> list[int]:
        """Inbox ids (filters: see ``_FILTERS``). Newest first by default."""
        stmt = (
            select(CustomerRequest.id)
            .join(Unit, Unit.id == CustomerRequest.unit_id)
            .outerjoin(Customer, Customer.id == Unit.customer_id)
        )
        stmt = apply_filters(stmt, query, _FILTERS)
        if query.text:
            stmt = stmt.where(matches_all(_haystack(), query.text))
        key = _SORTS.get(query.sort, CustomerRequest.created_at)
        descending = query.descending if query.sort in _SORTS else True
        stmt = stmt.order_by(
            key.desc() if descending else key.asc(),
            CustomerRequest.id.desc() if descending else CustomerRequest.id.asc(),
        )
        with self._ctx.read() as session:
            return list(session.scalars(stmt))

    @requires(P.CUSTOMER_REQUESTS_VIEW)
    def rows(self, ids: Sequence[int]) -> list[RequestRow]:
        if not ids:
            return []
        stmt = (
            select(CustomerRequest, Unit, DeviceModel.name, Customer)
            .join(Unit, Unit.id == CustomerRequest.unit_id)
            .join(DeviceModel, DeviceModel.id == Unit.device_model_id)
            .outerjoin(Customer, Customer.id == Unit.customer_id)
            .where(CustomerRequest.id.in_(ids))
        )
        with self._ctx.read() as session:
            defaults = phone_defaults(session)
            found = {}
            for req, unit, model, customer in session.execute(stmt):
                found[req.id] = RequestRow(
                    id=req.id,
                    ticket=req.ticket,
                    created_at=req.created_at,
                    unit_id=unit.id,
                    unit_label=friendly_label(unit.location, unit.serial_number, model),
                    customer_name=customer.display_name if customer else "",
                    customer_type=customer.customer_type if customer else "",
                    schedule_at=req.schedule_at,
                    schedule_time=req.schedule_time,
                    status=req.status,
                    source=req.source,
                    verified=_verified(req, customer, defaults),
                    excerpt=" ".join(req.request.split())[:EXCERPT_LENGTH],
                )
        return [found[i] for i in ids if i in found]

    @requires(P.CUSTOMER_REQUESTS_VIEW)
    def open_count(self) -> int:
        """The number on the sidebar badge: requests nobody has looked at yet."""
        with self._ctx.read() as session:
            is_open = CustomerRequest.status == RequestStatus.OPEN.value
            return session.scalar(select(func.count()).select_from(CustomerRequest).where(is_open)) or 0

    @requires(P.CUSTOMER_REQUESTS_VIEW)
    def get(self, request_id: int) -> RequestDetail:
        with self._ctx.read() as session:
            return self._detail(session, self._load(session, request_id))

    # ----------------------------------------------------------------- writing
    @requires(P.CUSTOMER_REQUESTS_CREATE)
    def submit_office(self, unit_id: int, data: RequestInput) -> RequestDetail:
        """Log a request taken by phone or e-mail; same rules as the public form."""
        fields = validate_request(data, self._ctx.today())
        with self._ctx.write() as session:
            unit = session.get(Unit, unit_id)
            if unit is None or not unit.active:
                raise ValidationError({"unit_id": "Choose an active unit."})
            key = secrets.token_hex(16)
            request_id = insert_request(
                session,
                self._ctx,
                unit_id=unit.id,
                fields=fields,
                submission_key=key,
                ticket=ticket_for(key),
                source=RequestSource.OFFICE,
            )
            return self._detail(session, self._load(session, request_id))

    @requires(P.CUSTOMER_REQUESTS_EDIT)
    def add_note(self, request_id: int, body: str) -> RequestDetail:
        """Internal note (author and time recorded); allowed on closed requests too."""
        text_ = validate_note(body)
        with self._ctx.write() as session:
            req = self._load(session, request_id)
            session.add(
                RequestNote(request_id=req.id, author=self._ctx.actor.username, created_at=self._ctx.now(), body=text_)
            )
            session.flush()
            audit.record(session, self._ctx, "customer_request", req.id, "add_note", {"note": [None, text_]})
            return self._detail(session, req)

    @requires(P.CUSTOMER_REQUESTS_EDIT)
    def set_status(self, request_id: int, status: str, expected_version: int, note: str = "") -> RequestDetail:
        """Move between open and ongoing, or close as resolved (final)."""
        try:
            target = RequestStatus(status)
        except ValueError:
            raise ValidationError({"status": "Choose open, ongoing or closed."}) from None
        body = validate_note(note) if note.strip() else ""
        with self._ctx.write() as session:
            req = self._load(session, request_id, for_update=True)
            if req.version != expected_version:
                if req.status == RequestStatus.CLOSED.value:
                    raise AlreadyConverted(req.ticket, req.closed_by or "someone", req.work_order_id)
                raise ConcurrencyConflict("request", request_id, self._detail(session, req))
            current = RequestStatus(req.status)
            check_transition(current, target)
            if current != target:
                req.status = target.value
                req.updated_at = self._ctx.now()
                if target is RequestStatus.CLOSED:
                    req.close_reason = CloseReason.RESOLVED.value
                    req.closed_at = self._ctx.now()
                    req.closed_by = self._ctx.actor.username
                audit.record(
                    session, self._ctx, "customer_request", req.id, "status", {"status": [current.value, target.value]}
                )
            if body:
                session.add(
                    RequestNote(
                        request_id=req.id, author=self._ctx.actor.username, created_at=self._ctx.now(), body=body
                    )
                )
            session.flush()
            return self._detail(session, req)

    @requires(P.WORK_ORDERS_CREATE, P.CUSTOMER_REQUESTS_EDIT)
    def convert(self, request_id: int, work_type: str = "repair") -> WorkOrderInfo:
        """Convert to an unassigned work order, close the request, link both ways.

        Exactly once: the request row is locked (``FOR UPDATE`` on PostgreSQL, a write
        transaction on SQLite) and re-checked before anything is written.
        """
        if work_type not in ("installation", "repair", "maintenance", "service", "other"):
            raise ValidationError({"work_type": "Choose installation, repair, maintenance, service or other."})
        with self._ctx.write() as session:
            req = self._load(session, request_id, for_update=True)
            if req.status == RequestStatus.CLOSED.value:
                raise AlreadyConverted(req.ticket, req.closed_by or "someone", req.work_order_id)
            previous_status = req.status
            unit = session.get_one(Unit, req.unit_id)
            now = self._ctx.now()
            order = insert_work_order(
                session,
                self._ctx,
                unit=unit,
                work_type=WorkOrderType(work_type),
                customer_requests=req.request,
                request_id=req.id,
                time_window=req.schedule_time,
            )
            req.work_order_id = order.id
            req.status = RequestStatus.CLOSED.value
            req.close_reason = CloseReason.CONVERTED.value
            req.closed_at = now
            req.closed_by = self._ctx.actor.username
            req.updated_at = now
            session.flush()
            audit.record(
                session,
                self._ctx,
                "customer_request",
                req.id,
                "convert",
                {"status": [previous_status, RequestStatus.CLOSED.value], "work_order_id": [None, order.id]},
            )
            return WorkOrderInfo(
                order.id,
                work_order_number(order.id),
                order.unit_id,
                order.customer_id,
                order.status,
                order.customer_requests,
                order.request_id,
                order.due_at,
                order.created_by,
            )

    # ----------------------------------------------------------------- helpers
    def _load(self, session: Session, request_id: int, *, for_update: bool = False) -> CustomerRequest:
        stmt = select(CustomerRequest).where(CustomerRequest.id == request_id)
        if for_update:
            stmt = stmt.with_for_update()
        req = session.scalar(stmt)
        if req is None:
            raise NotFound(f"Request #{request_id} does not exist.")
        return req

    def _detail(self, session: Session, req: CustomerRequest) -> RequestDetail:
        unit = session.get_one(Unit, req.unit_id)
        model = session.get_one(DeviceModel, unit.device_model_id)
        maker = session.get_one(Manufacturer, model.manufacturer_id)
        customer = session.get(Customer, unit.customer_id) if unit.customer_id else None
        notes = session.scalars(
            select(RequestNote).where(RequestNote.request_id == req.id).order_by(RequestNote.created_at, RequestNote.id)
        ).all()
        return RequestDetail(
            id=req.id,
            ticket=req.ticket,
            request=req.request,
            schedule_at=req.schedule_at,
            schedule_time=req.schedule_time,
            contact_info=req.contact_info,
            source=req.source,
            status=req.status,
            close_reason=req.close_reason,
            work_order_id=req.work_order_id,
            created_at=req.created_at,
            created_by=req.created_by,
            closed_at=req.closed_at,
            closed_by=req.closed_by,
            verified=_verified(req, customer, phone_defaults(session)),
            unit_id=unit.id,
            unit_label=friendly_label(unit.location, unit.serial_number, model.name),
            unit_model=f"{maker.name} {model.name}",
            unit_serial=unit.serial_number,
            unit_address=", ".join(p for p in (unit.address, unit.city) if p),
            customer_id=customer.id if customer else None,
            customer_name=customer.display_name if customer else "",
            customer_phones=tuple(split_list(customer.phones)) if customer else (),
            customer_emails=tuple(split_list(customer.emails)) if customer else (),
            notes=tuple(RequestNoteInfo(n.author, n.created_at, n.body) for n in notes),
            version=req.version,
        )


def _verified(req: CustomerRequest, customer: Customer | None, defaults: PhoneDefaults) -> bool:
    if customer is None:
        return False
    return is_verified(req.contact_info, split_list(customer.phones), split_list(customer.emails), defaults)
