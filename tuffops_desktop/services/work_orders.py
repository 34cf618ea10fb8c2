"""Work orders: create, list and search, assign and move through the lifecycle, add notes.

The rules are in ``domain/work_orders.py``; this module applies them in one transaction
per action: the row is locked (``FOR UPDATE`` on PostgreSQL, the write transaction on
SQLite) and its version compared with the one the user saw, so when two dispatchers
assign the same work order at the same moment one wins and the other is told who did
what. Every move writes a history row and an audit row (which announces the change on
the change feed).

``insert_work_order`` is the one writer of a new work order (row, creation history,
audit), used here and by request conversion.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, BinaryIO

from sqlalchemy import ColumnElement, and_, column, literal_column, select, table
from sqlalchemy.orm import Session, aliased

from tuffops_desktop.db.models import (
    Customer,
    DeviceModel,
    Unit,
    User,
    WorkOrder,
    WorkOrderHistory,
    WorkOrderNote,
)
from tuffops_desktop.documents.job_sheet import render_job_sheet
from tuffops_desktop.domain.errors import ConcurrencyConflict, InvalidTransition, NotFound, ValidationError
from tuffops_desktop.domain.numbers import work_order_number
from tuffops_desktop.domain.permissions import P, Role
from tuffops_desktop.domain.requests import ScheduleTime
from tuffops_desktop.domain.units import friendly_label
from tuffops_desktop.domain.work_orders import (
    BY_ACTION,
    OPEN,
    UNIT_DATE_ON_APPROVAL,
    Action,
    HistoryEntry,
    WorkOrderActor,
    WorkOrderStatus,
    WorkOrderType,
    available_actions,
    check_assignable,
    decide,
    sees_only_own,
    sla_due,
    time_on_site,
    validate_duration,
    validate_note,
    validate_requests_text,
)
from tuffops_desktop.services import audit, notification_events
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.dto.work_orders import (
    TechnicianInfo,
    WorkOrderDetail,
    WorkOrderHistoryInfo,
    WorkOrderNoteInfo,
    WorkOrderRow,
)
from tuffops_desktop.services.guard import requires, requires_any
from tuffops_desktop.services.job_sheets import gather_job_sheet
from tuffops_desktop.services.listing import (
    FirstIds,
    ListQuery,
    apply_filters,
    date_field,
    enum_field,
    flag_field,
    like_escape,
    read_first_ids,
    read_ids,
    ref_field,
    search_terms,
    trigram_phrases,
)
from tuffops_desktop.services.quotation_fulfilment import fulfil_when_done
from tuffops_desktop.services.work_order_drill import drill_filters
from tuffops_desktop.services.work_order_stock import follow_move

_Technician = aliased(User)


class WorkOrderChanged(ConcurrencyConflict):
    """Someone moved this work order after the user opened it; says who and what it is now."""

    def __init__(self, number: str, by: str, status: WorkOrderStatus, technician: str) -> None:
        super().__init__("work order", number)
        now = status.label.lower() + (f", assigned to {technician}" if technician else "")
        self.message = f"{number} was just changed by {by}: it is now {now}. Reload it to see their change."
        self.args = (self.message,)


def _parse_type(value: str) -> WorkOrderType:
    try:
        return WorkOrderType(value)
    except ValueError:
        raise ValidationError({"work_type": "Choose installation, repair, maintenance, service or other."}) from None


def _parse_window(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    for window in ScheduleTime:
        if str(value).strip().casefold() in (window.value.casefold(), window.name.casefold()):
            return window.value
    raise ValidationError({"time_window": "Choose All Day, Morning or Afternoon."})


def insert_work_order(
    session: Session,
    ctx: ServiceContext,
    *,
    unit: Unit,
    work_type: WorkOrderType,
    customer_requests: str,
    request_id: int | None = None,
    time_window: str | None = None,
    estimated_hours: object = None,
    maintenance_due_on: date | None = None,
    quotation_id: int | None = None,
) -> WorkOrder:
    """A new ``unassigned`` work order on ``unit``, its creation history row and its audit row.

    Due by the customer's service level (``default_sla_hours``) from now, if they have one;
    a preventive maintenance for ``maintenance_due_on`` is due by the end of that local day.
    """
    customer = session.get(Customer, unit.customer_id) if unit.customer_id else None
    now = ctx.now()
    due_at = sla_due(now, customer.default_sla_hours if customer else None)
    if maintenance_due_on is not None:
        due_at = datetime.combine(maintenance_due_on + timedelta(days=1), time.min).astimezone()
    order = WorkOrder(
        unit_id=unit.id,
        customer_id=unit.customer_id,
        request_id=request_id,
        quotation_id=quotation_id,
        work_type=work_type.value,
        status=WorkOrderStatus.UNASSIGNED.value,
        customer_requests=validate_requests_text(customer_requests),
        due_at=due_at,
        time_window=_parse_window(time_window),
        estimated_hours=validate_duration(estimated_hours),
        created_at=now,
        updated_at=now,
        created_by=ctx.actor.username,
        maintenance_due_on=maintenance_due_on,
    )
    session.add(order)
    session.flush()
    session.add(
        WorkOrderHistory(
            work_order_id=order.id,
            at=now,
            by=ctx.actor.username,
            from_status=None,
            to_status=WorkOrderStatus.UNASSIGNED.value,
            reason="",
        )
    )
    session.flush()
    audit.record(
        session,
        ctx,
        "work_order",
        order.id,
        "create",
        {
            "request_id": [None, request_id],
            "unit_id": [None, unit.id],
            "status": [None, WorkOrderStatus.UNASSIGNED.value],
            "work_type": [None, work_type.value],
            **({"maintenance_due_on": [None, maintenance_due_on]} if maintenance_due_on else {}),
            **({"quotation_id": [None, quotation_id]} if quotation_id else {}),
        },
    )
    return order


def bill_for_invoice(session: Session, ctx: ServiceContext, order: WorkOrder, invoice_number: str) -> None:
    """Issuing invoice ``invoice_number`` bills ``order`` (locked by the caller): the
    table's ``bill`` move (completed → billed) with its history and audit rows, in the
    invoice's transaction. The invoice permission (``invoices.create``) decides who may;
    a work order already billed (its earlier invoice was cancelled) stays as it is."""
    current = WorkOrderStatus(order.status)
    if current is WorkOrderStatus.BILLED:
        return
    transition = BY_ACTION[Action.BILL]
    if current not in transition.sources:
        raise InvalidTransition(
            f"Work order {work_order_number(order.id)} is {current.label.lower()}; it cannot be billed."
        )
    _record_move(
        session,
        ctx,
        order,
        current,
        transition.target,
        action=Action.BILL.value,
        reason=f"Invoice {invoice_number}",
        changes={"status": [current.value, transition.target.value], "invoice": [None, invoice_number]},
    )


def _record_move(
    session: Session,
    ctx: ServiceContext,
    order: WorkOrder,
    current: WorkOrderStatus,
    target: WorkOrderStatus,
    *,
    action: str,
    reason: str,
    changes: dict[str, list[Any]],
) -> None:
    """``order`` moves from ``current`` to ``target``: its status, a history row and an
    audit row (``changes``) for ``action``."""
    order.status = target.value
    order.updated_at = ctx.now()
    session.add(
        WorkOrderHistory(
            work_order_id=order.id,
            at=ctx.now(),
            by=ctx.actor.username,
            from_status=current.value,
            to_status=target.value,
            reason=reason,
        )
    )
    session.flush()
    audit.record(session, ctx, "work_order", order.id, action, changes)


_SEARCH_SQLITE = table("work_order_search", column("rowid"), column("text"))  # FTS5, trigram tokenizer
_SEARCH_PG = table("work_order_search", column("id"), column("text"))  # GIN pg_trgm index
TRIGRAM = 3  # shorter terms cannot use a trigram index

_SORTS: dict[str, Any] = {
    "number": WorkOrder.id,
    "status": WorkOrder.status,
    "type": WorkOrder.work_type,
    "due": WorkOrder.due_at,
    "scheduled": WorkOrder.scheduled_start,
    "created": WorkOrder.created_at,
    "customer": Customer.display_name,
    "unit": Unit.location,
    "technician": _Technician.username,
}


_NEVER_EMPTY = frozenset({"number", "status", "type", "created"})  # NOT NULL: sorted by their index as is


def _contains(text: Any, term: str) -> ColumnElement[bool]:
    condition: ColumnElement[bool] = text.like(f"%{like_escape(term)}%", escape="\\")
    return condition


class WorkOrderService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # ----------------------------------------------------------------- reading
    @requires(P.WORK_ORDERS_VIEW)
    def list_ids(self, query: ListQuery) -> list[int]:
        """Ids in list order. Filters: ``status``/``type`` (AnyOf), ``technician``/``customer``/``unit`` (Ref),
        ``due``/``scheduled`` (Between local days), ``overdue`` (Flag). Newest first by default.

        The search finds work orders whose number, customer requests, unit (label, serial,
        model, site), customer (name, e-mail, phone, address) or technician contain every
        word, in any case (``work_order_search``, migration 0008)."""
        with self._ctx.read() as session:
            return read_ids(session, self._ordered(query))

    @requires(P.WORK_ORDERS_VIEW)
    def first_ids(self, query: ListQuery, limit: int) -> FirstIds:
        """How many work orders ``list_ids(query)`` lists, and the first ``limit`` of them."""
        with self._ctx.read() as session:
            return read_first_ids(session, self._matching(query), self._ordered(query), limit)

    @requires(P.WORK_ORDERS_VIEW)
    def rows(self, ids: Sequence[int]) -> list[WorkOrderRow]:
        if not ids:
            return []
        stmt = self._visible(
            select(WorkOrder, Unit, DeviceModel.name, Customer.display_name, _Technician.username)
            .join(Unit, Unit.id == WorkOrder.unit_id)
            .join(DeviceModel, DeviceModel.id == Unit.device_model_id)
            .outerjoin(Customer, Customer.id == WorkOrder.customer_id)
            .outerjoin(_Technician, _Technician.id == WorkOrder.technician_id)
            .where(WorkOrder.id.in_(ids))
        )
        now = self._ctx.now()
        with self._ctx.read() as session:
            found = {
                order.id: WorkOrderRow(
                    id=order.id,
                    number=work_order_number(order.id),
                    status=order.status,
                    work_type=order.work_type,
                    unit_id=unit.id,
                    unit_label=friendly_label(unit.location, unit.serial_number, model),
                    customer_id=order.customer_id,
                    customer_name=customer_name or "",
                    technician=technician or "",
                    due_at=order.due_at,
                    scheduled_start=order.scheduled_start,
                    created_at=order.created_at,
                    overdue=_is_overdue(order, now),
                    technician_id=order.technician_id,
                    estimated_hours=order.estimated_hours,
                )
                for order, unit, model, customer_name, technician in session.execute(stmt)
            }
        return [found[i] for i in ids if i in found]

    @requires(P.WORK_ORDERS_VIEW)
    def get(self, work_order_id: int) -> WorkOrderDetail:
        with self._ctx.read() as session:
            return self._detail(session, self._load(session, work_order_id))

    @requires(P.WORK_ORDERS_VIEW)
    def job_sheet(self, work_order_id: int, out: BinaryIO) -> int:
        """Write the technician's job sheet (PDF) to ``out``; returns its page count.

        Everything on it is read in one transaction (technicians only get their own work
        orders, as with ``get``); the PDF is drawn after the transaction has closed.
        """
        with self._ctx.read() as session:
            sheet = gather_job_sheet(session, self._ctx, self._load(session, work_order_id))
        return len(render_job_sheet(sheet, out).pages)

    @requires(P.WORK_ORDERS_VIEW)
    def technicians(self) -> list[TechnicianInfo]:
        """Active technicians: who a work order can be assigned to."""
        with self._ctx.read() as session:
            users = session.scalars(select(User).where(User.active).order_by(User.username)).all()
        return [TechnicianInfo(u.id, u.username, u.full_name) for u in users if _can_be_assigned(u)]

    # ----------------------------------------------------------------- writing
    @requires(P.WORK_ORDERS_CREATE)
    def create(
        self,
        unit_id: int,
        work_type: str = "repair",
        customer_requests: str = "",
        time_window: str | None = None,
        estimated_hours: object = None,
    ) -> WorkOrderDetail:
        """A new unassigned work order on an active unit."""
        kind = _parse_type(work_type)
        with self._ctx.write() as session:
            unit = session.get(Unit, unit_id)
            if unit is None or not unit.active:
                raise ValidationError({"unit_id": "Choose an active unit."})
            order = insert_work_order(
                session,
                self._ctx,
                unit=unit,
                work_type=kind,
                customer_requests=customer_requests,
                time_window=time_window,
                estimated_hours=estimated_hours,
            )
            return self._detail(session, order)

    @requires_any(P.WORK_ORDERS_EDIT, P.WORK_ORDERS_SUPERVISE, P.WORK_ORDERS_ASSIGN)
    def act(
        self,
        work_order_id: int,
        action: str,
        expected_version: int,
        *,
        technician_id: int | None = None,
        scheduled_start: datetime | None = None,
        reason: str = "",
    ) -> WorkOrderDetail:
        """Take one lifecycle step (``domain.work_orders.Action``) on the version the user saw.

        ``assign``/``reassign`` need ``technician_id`` (and may book ``scheduled_start``);
        ``pause`` needs a ``PauseReason``. Approving moves the unit's date for the work type.
        The work order's stocked parts follow the move (``services.work_order_stock``):
        assigning reserves them, approving consumes them, cancelling releases them; a
        shortfall refuses the move and nothing is stored.
        """
        with self._ctx.write() as session:
            order = self._load(session, work_order_id, for_update=True)
            if order.version != expected_version:
                raise self._changed(session, order)
            current = WorkOrderStatus(order.status)
            assignee = self._username(session, order.technician_id)
            target = decide(action, current, self._actor(), assignee, reason)
            step = Action(action)
            changes: dict[str, list[Any]] = {"status": [current.value, target.value]}
            if step in (Action.ASSIGN, Action.REASSIGN):
                technician = self._technician(session, technician_id)
                unit = session.get_one(Unit, order.unit_id)
                check_assignable(unit.customer_id is not None)
                changes["technician_id"] = [order.technician_id, technician.id]
                changes["scheduled_start"] = [order.scheduled_start, scheduled_start]
                order.technician_id = technician.id
                order.scheduled_start = scheduled_start
                order.customer_id = unit.customer_id
            if step is Action.APPROVE:
                self._stamp_unit(session, order)
            _record_move(
                session, self._ctx, order, current, target, action=step.value, reason=reason or "", changes=changes
            )
            follow_move(session, self._ctx, order, current)  # its parts' stock: reserve, consume or release
            notification_events.work_order_moved(session, self._ctx, order, step, changes)  # e-mails, if any
            if order.quotation_id is not None:
                fulfil_when_done(session, self._ctx, order.quotation_id)  # its quotation may now be fulfilled
            return self._detail(session, order)

    @requires_any(P.WORK_ORDERS_EDIT, P.WORK_ORDERS_SUPERVISE)
    def add_note(self, work_order_id: int, body: str) -> WorkOrderDetail:
        """An internal note (author and time recorded); allowed in every status."""
        text = validate_note(body)
        with self._ctx.write() as session:
            order = self._load(session, work_order_id)
            session.add(
                WorkOrderNote(
                    work_order_id=order.id, author=self._ctx.actor.username, created_at=self._ctx.now(), body=text
                )
            )
            session.flush()
            audit.record(session, self._ctx, "work_order", order.id, "add_note", {"note": [None, text]})
            return self._detail(session, order)

    # ----------------------------------------------------------------- helpers
    def _actor(self) -> WorkOrderActor:
        return WorkOrderActor(self._ctx.actor.username, self._ctx.actor.permissions)

    def _own_only(self) -> bool:
        """A technician (edits work orders, neither supervises nor dispatches) sees only their own."""
        return sees_only_own(self._ctx.actor.permissions)

    def _matching(self, query: ListQuery) -> Any:
        """The ids ``query`` lists, unordered: the filters are on work_orders' own columns and
        the search reads ``work_order_search``, so nothing is joined."""
        stmt = apply_filters(self._visible(select(WorkOrder.id)), query, self._filters())
        terms = search_terms(query.text)
        return stmt.where(self._search(terms)) if terms else stmt

    def _ordered(self, query: ListQuery) -> Any:
        """``_matching`` in list order, joining only what the sort reads; the id breaks ties,
        so every prefix of the list is stable (``first_ids``)."""
        stmt = self._matching(query)
        if query.sort == "unit":
            stmt = stmt.join(Unit, Unit.id == WorkOrder.unit_id)
        elif query.sort == "customer":
            stmt = stmt.outerjoin(Customer, Customer.id == WorkOrder.customer_id)
        elif query.sort == "technician":
            stmt = stmt.outerjoin(_Technician, _Technician.id == WorkOrder.technician_id)
        key = _SORTS.get(query.sort, WorkOrder.id)
        descending = query.descending if query.sort in _SORTS else True
        first = key.desc() if descending else key.asc()
        if query.sort not in _NEVER_EMPTY:
            # Work without a due or booked time sorts last either way, on both databases.
            first = first.nulls_last()
        return stmt.order_by(first, WorkOrder.id.desc() if descending else WorkOrder.id.asc())

    def _search(self, terms: list[str]) -> ColumnElement[bool]:
        """Every term is a substring of the work order's search text (lower-cased).

        SQLite: terms of three characters or more through the FTS5 trigram index, shorter
        ones by ``LIKE`` over the same table. PostgreSQL: ``LIKE`` served by the
        ``pg_trgm`` index (a plain scan of the one table where the index could not be made)."""
        if self._ctx.db.dialect == "postgresql":
            pg = _SEARCH_PG
            return WorkOrder.id.in_(select(pg.c.id).where(*[_contains(pg.c.text, t) for t in terms]))
        fts = _SEARCH_SQLITE
        long = [t for t in terms if len(t) >= TRIGRAM]
        conditions = [_contains(fts.c.text, t) for t in terms if len(t) < TRIGRAM]
        if long:
            conditions.append(literal_column(fts.name).op("MATCH")(trigram_phrases(long)))
        return WorkOrder.id.in_(select(fts.c.rowid).where(*conditions))

    def _visible(self, stmt: Any) -> Any:
        if self._own_only():
            return stmt.where(WorkOrder.technician_id == self._ctx.actor.user_id)
        return stmt

    def _filters(self) -> dict[str, Any]:
        now = self._ctx.now()
        overdue: ColumnElement[bool] = and_(
            WorkOrder.due_at.is_not(None), WorkOrder.due_at < now, WorkOrder.status.in_(sorted(s.value for s in OPEN))
        )
        return {
            "status": enum_field(WorkOrder.status, {s.value for s in WorkOrderStatus}),
            "type": enum_field(WorkOrder.work_type, {t.value for t in WorkOrderType}),
            "technician": ref_field(WorkOrder.technician_id),
            "customer": ref_field(WorkOrder.customer_id),
            "unit": ref_field(WorkOrder.unit_id),
            "due": date_field(WorkOrder.due_at, timestamp=True),
            "scheduled": date_field(WorkOrder.scheduled_start, timestamp=True),
            "overdue": flag_field(overdue),
            **drill_filters(now, self._ctx.db.dialect),  # the Reports page's drill-down
        }

    def _load(self, session: Session, work_order_id: int, *, for_update: bool = False) -> WorkOrder:
        stmt = self._visible(select(WorkOrder).where(WorkOrder.id == work_order_id))
        if for_update:
            stmt = stmt.with_for_update()
        order: WorkOrder | None = session.scalar(stmt)
        if order is None:
            raise NotFound(f"Work order {work_order_number(work_order_id)} does not exist.")
        return order

    @staticmethod
    def _username(session: Session, user_id: int | None) -> str | None:
        return session.scalar(select(User.username).where(User.id == user_id)) if user_id else None

    @staticmethod
    def _technician(session: Session, technician_id: int | None) -> User:
        user = session.get(User, technician_id) if technician_id else None
        if user is None or not user.active:
            raise ValidationError({"technician_id": "Choose an active technician."})
        if not _can_be_assigned(user):
            raise ValidationError({"technician_id": f"{user.username} cannot work on work orders."})
        return user

    def _changed(self, session: Session, order: WorkOrder) -> WorkOrderChanged:
        last = session.scalars(
            select(WorkOrderHistory)
            .where(WorkOrderHistory.work_order_id == order.id)
            .order_by(WorkOrderHistory.id.desc())
            .limit(1)
        ).first()
        return WorkOrderChanged(
            work_order_number(order.id),
            last.by if last else "someone",
            WorkOrderStatus(order.status),
            self._username(session, order.technician_id) or "",
        )

    def _stamp_unit(self, session: Session, order: WorkOrder) -> None:
        """Approving moves the unit's installed / serviced / maintained date to today."""
        field = UNIT_DATE_ON_APPROVAL[WorkOrderType(order.work_type)]
        if field is None:
            return
        unit = session.get_one(Unit, order.unit_id)
        before = getattr(unit, field)
        today = self._ctx.today()
        setattr(unit, field, today)
        session.flush()
        audit.record(session, self._ctx, "unit", unit.id, "update", {field: [before, today]})

    def _detail(self, session: Session, order: WorkOrder) -> WorkOrderDetail:
        unit = session.get_one(Unit, order.unit_id)
        model = session.get_one(DeviceModel, unit.device_model_id)
        customer = session.get(Customer, order.customer_id) if order.customer_id else None
        technician = self._username(session, order.technician_id)
        history = session.scalars(
            select(WorkOrderHistory).where(WorkOrderHistory.work_order_id == order.id).order_by(WorkOrderHistory.id)
        ).all()
        notes = session.scalars(
            select(WorkOrderNote)
            .where(WorkOrderNote.work_order_id == order.id)
            .order_by(WorkOrderNote.created_at, WorkOrderNote.id)
        ).all()
        entries = [
            HistoryEntry(
                h.at,
                h.by,
                WorkOrderStatus(h.from_status) if h.from_status else None,
                WorkOrderStatus(h.to_status),
                h.reason,
            )
            for h in history
        ]
        return WorkOrderDetail(
            id=order.id,
            number=work_order_number(order.id),
            status=order.status,
            work_type=order.work_type,
            unit_id=unit.id,
            unit_label=friendly_label(unit.location, unit.serial_number, model.name),
            customer_id=order.customer_id,
            customer_name=customer.display_name if customer else "",
            request_id=order.request_id,
            technician_id=order.technician_id,
            technician=technician or "",
            customer_requests=order.customer_requests,
            due_at=order.due_at,
            scheduled_start=order.scheduled_start,
            time_window=order.time_window,
            estimated_hours=order.estimated_hours,
            created_at=order.created_at,
            created_by=order.created_by,
            time_on_site=time_on_site(entries, self._ctx.now()),
            history=tuple(WorkOrderHistoryInfo(h.at, h.by, h.from_status, h.to_status, h.reason) for h in history),
            notes=tuple(WorkOrderNoteInfo(n.author, n.created_at, n.body) for n in notes),
            actions=tuple(a.value for a in available_actions(order.status, self._actor(), technician)),
            version=order.version,
        )


def _can_be_assigned(user: User) -> bool:
    """Work goes to technicians (tuffops-rules Part 6: the assignee holds the Technician role)."""
    return user.role == Role.TECHNICIAN.value


def _is_overdue(order: WorkOrder, now: datetime) -> bool:
    return order.due_at is not None and order.due_at < now and WorkOrderStatus(order.status) in OPEN
