"""Quotations: write one, price it, send it, record the customer's answer, turn it into work.

The rules are in ``domain/quotations.py``; this module applies them, one transaction per
user action. The quotation row is locked (``FOR UPDATE`` on PostgreSQL, the write
transaction on SQLite) and its version compared with the one the user saw, so two people
editing or converting the same quotation never silently overwrite each other. Every
action writes an audit row on the quotation (entity ``quotation``), which announces it
on the change feed.

* Content (head, units, lines, discount and tax) changes only while the status is a
  draft status; notes may be added in every status.
* A line snapshots a price-list entry (name, kind, unit, price) and the quotation's
  discount; ``total`` is recomputed in the same transaction as every change.
* Prices are recorded for everyone but shown, and overridden, only with
  ``quotations.pricing``.
* Converting an accepted quotation makes one ``unassigned`` work order per unit through
  ``services.work_orders.insert_work_order`` (numbers, history, audit, change feed),
  each with the quotation's customer requests and the lines for its unit as items
  (``domain.quotations.distribute``: lines tied to no unit go on the first unit's work
  order). ``services.quotation_fulfilment`` marks it fulfilled when they are all done.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session

from tuffops_desktop.db.models import (
    Customer,
    DeviceModel,
    Quotation,
    QuotationLine,
    QuotationNote,
    QuotationUnit,
    Setting,
    Unit,
    WorkOrder,
    WorkOrderItem,
)
from tuffops_desktop.domain.errors import ConcurrencyConflict, InvalidTransition, NotFound, ValidationError
from tuffops_desktop.domain.invoices import LineInput, validate_tax_rate
from tuffops_desktop.domain.numbers import work_order_number
from tuffops_desktop.domain.permissions import P
from tuffops_desktop.domain.phones import split_list
from tuffops_desktop.domain.pricing import check_line_amount, line_amount, validate_money, validate_quantity
from tuffops_desktop.domain.quotations import (
    Action,
    QuotationInput,
    QuotationStatus,
    StatusEntry,
    add_status,
    available_actions,
    convert_refusal,
    decide,
    distribute,
    edit_refusal,
    locks,
    quotation_number,
    quotation_totals,
    rename_status,
    send_refusal,
    status_entries,
    status_label,
    validate_note,
    validate_rate,
    validate_title,
    validate_unit_note,
    validate_valid_until,
)
from tuffops_desktop.domain.units import friendly_label
from tuffops_desktop.domain.work_orders import WorkOrderType, validate_requests_text
from tuffops_desktop.services import audit, notification_events
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.dto.quotations import (
    QuotationDetail,
    QuotationLineInfo,
    QuotationNoteInfo,
    QuotationRow,
    QuotationStatuses,
    QuotationStatusInfo,
    QuotationUnitInfo,
    QuotationWorkOrderInfo,
)
from tuffops_desktop.services.guard import requires, requires_any
from tuffops_desktop.services.invoices import address_block, next_number
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
)
from tuffops_desktop.services.price_list import active_entry
from tuffops_desktop.services.settings import SettingsService, read_setting
from tuffops_desktop.services.work_orders import insert_work_order

COUNTER_KIND = "quotation"  # document_counters.kind of quotation numbers
STATUSES_SETTING = "quotation_statuses"

_SORTS: dict[str, Any] = {
    "number": Quotation.id,  # numbers are given in creation order
    "status": Quotation.status,
    "title": Quotation.title,
    "customer": Customer.display_name,
    "created": Quotation.created_at,
    "valid_until": Quotation.valid_until,
    "total": Quotation.total,
}
_NEVER_EMPTY = frozenset({"number", "status", "title", "created", "total"})


class QuotationService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # ----------------------------------------------------------------- the status list
    @requires_any(P.QUOTATIONS_VIEW, P.SETTINGS_VIEW)
    def statuses(self) -> QuotationStatuses:
        """The editable status list (Settings → Quotation statuses, the Quotes page's names)."""
        with self._ctx.read() as session:
            return self._statuses(session)

    @requires(P.SETTINGS_EDIT)
    def add_status(self, label: str, expected_version: int) -> QuotationStatuses:
        """A new draft status (it leaves quotations editable) called ``label``."""
        with self._ctx.write() as session:
            current = self._statuses_for_update(session, expected_version)
            self._store_statuses(session, add_status(current, label))
            return self._statuses(session)

    @requires(P.SETTINGS_EDIT)
    def rename_status(self, key: str, label: str, expected_version: int) -> QuotationStatuses:
        """Call status ``key`` ``label`` from now on (quotations keep the key, so all of them follow)."""
        with self._ctx.write() as session:
            current = self._statuses_for_update(session, expected_version)
            self._store_statuses(session, rename_status(current, key, label))
            return self._statuses(session)

    # ----------------------------------------------------------------- reading
    @requires(P.QUOTATIONS_VIEW)
    def list_ids(self, query: ListQuery) -> list[int]:
        """Ids in list order. Filters: ``status`` (AnyOf keys), ``customer`` (Ref), ``created``
        and ``valid_until`` (Between local days), ``converted`` (Flag). Newest first by default.

        The search finds quotations whose number, title, customer requests or customer
        (name, e-mail, phone, address) contain every word, in any case."""
        with self._ctx.read() as session:
            return read_ids(session, self._ordered(query))

    @requires(P.QUOTATIONS_VIEW)
    def first_ids(self, query: ListQuery, limit: int) -> FirstIds:
        """How many quotations ``list_ids(query)`` lists, and the first ``limit`` of them."""
        with self._ctx.read() as session:
            return read_first_ids(session, self._matching(query), self._ordered(query), limit)

    @requires(P.QUOTATIONS_VIEW)
    def rows(self, ids: Sequence[int]) -> list[QuotationRow]:
        if not ids:
            return []
        pricing = self._pricing()
        stmt = (
            select(Quotation, Customer.display_name)
            .outerjoin(Customer, Customer.id == Quotation.customer_id)
            .where(Quotation.id.in_(ids))
        )
        with self._ctx.read() as session:
            entries = self._entries(session)
            found = {
                q.id: QuotationRow(
                    id=q.id,
                    number=q.number,
                    status=q.status,
                    status_label=status_label(entries, q.status),
                    locked=locks(q.status),
                    title=q.title,
                    customer_id=q.customer_id,
                    customer_name=name or "",
                    created_at=q.created_at,
                    valid_until=q.valid_until,
                    total=q.total if pricing else None,
                    converted=q.converted_at is not None,
                )
                for q, name in session.execute(stmt)
            }
        return [found[i] for i in ids if i in found]

    @requires(P.QUOTATIONS_VIEW)
    def get(self, quotation_id: int) -> QuotationDetail:
        with self._ctx.read() as session:
            return self._detail(session, self._load(session, quotation_id))

    # ----------------------------------------------------------------- writing the head
    @requires(P.QUOTATIONS_CREATE)
    def create(self, data: QuotationInput) -> QuotationDetail:
        """A new draft (``pending``) quotation, numbered ``Q-<year>-<n>``; the customer's
        discount and the default tax rate are taken as they are now."""
        title = validate_title(data.title)
        requests = validate_requests_text(data.customer_requests)
        valid_until = validate_valid_until(data.valid_until, self._ctx.today())
        with self._ctx.write() as session:
            customer = self._customer(session, data.customer_id)
            year = self._ctx.today().year
            sequence = next_number(session, COUNTER_KIND, year)
            number = quotation_number(year, sequence)
            quotation = Quotation(
                number=number,
                year=year,
                sequence=sequence,
                customer_id=customer.id if customer else None,
                title=title,
                status=QuotationStatus.PENDING.value,
                customer_requests=requests,
                discount_rate=customer.discount_rate if customer else None,
                tax_rate=read_setting(session, "default_tax_rate"),
                valid_until=valid_until,
                total=Decimal("0.00"),
                created_by=self._ctx.actor.username,
            )
            _index(quotation)
            session.add(quotation)
            session.flush()
            audit.record(
                session,
                self._ctx,
                "quotation",
                quotation.id,
                "create",
                {
                    "number": [None, number],
                    "title": [None, title],
                    "customer_id": [None, quotation.customer_id],
                    "status": [None, quotation.status],
                },
            )
            return self._detail(session, quotation)

    @requires(P.QUOTATIONS_EDIT)
    def update(self, quotation_id: int, data: QuotationInput, expected_version: int) -> QuotationDetail:
        """Change the head (name, customer, requests, validity) of a draft. A new customer
        brings their discount to the quotation and its lines; the units must then be theirs."""
        title = validate_title(data.title)
        requests = validate_requests_text(data.customer_requests)
        valid_until = validate_valid_until(data.valid_until, self._ctx.today())
        with self._ctx.write() as session:
            quotation = self._editable(session, quotation_id, expected_version)
            customer = self._customer(session, data.customer_id)
            new_customer = customer.id if customer else None
            before = _head(quotation)
            if new_customer != quotation.customer_id:
                foreign = session.scalar(
                    select(func.count())
                    .select_from(QuotationUnit)
                    .join(Unit, Unit.id == QuotationUnit.unit_id)
                    .where(QuotationUnit.quotation_id == quotation.id)
                    .where(or_(Unit.customer_id.is_(None), Unit.customer_id != new_customer))
                )
                if foreign:
                    raise ValidationError(
                        {"customer_id": "The quotation's units belong to another customer; remove them first."}
                    )
                quotation.customer_id = new_customer
                self._set_discount(session, quotation, customer.discount_rate if customer else None)
            quotation.title = title
            quotation.customer_requests = requests
            quotation.valid_until = valid_until
            _index(quotation)
            self._touch(session, quotation, "update", audit.diff(before, _head(quotation)))
            return self._detail(session, quotation)

    @requires(P.QUOTATIONS_EDIT, P.QUOTATIONS_PRICING)
    def set_pricing(
        self, quotation_id: int, discount_rate: object, tax_rate: object, expected_version: int
    ) -> QuotationDetail:
        """Override the discount (percent, blank for none; every line takes it) and the tax rate."""
        discount = validate_rate(discount_rate, "discount_rate")
        tax = validate_tax_rate(tax_rate)
        with self._ctx.write() as session:
            quotation = self._editable(session, quotation_id, expected_version)
            before = {"discount_rate": quotation.discount_rate, "tax_rate": quotation.tax_rate}
            self._set_discount(session, quotation, discount)
            quotation.tax_rate = tax
            self._retotal(session, quotation)
            self._touch(
                session,
                quotation,
                "set_pricing",
                audit.diff(before, {"discount_rate": discount, "tax_rate": tax}),
            )
            return self._detail(session, quotation)

    # ----------------------------------------------------------------- units
    @requires(P.QUOTATIONS_EDIT)
    def add_unit(self, quotation_id: int, unit_id: int, notes: str = "") -> QuotationDetail:
        """Add one of the customer's active units (a work order each on conversion)."""
        text = validate_unit_note(notes)
        with self._ctx.write() as session:
            quotation = self._editable(session, quotation_id)
            if quotation.customer_id is None:
                raise ValidationError({"unit_id": "Choose the customer first; the units are theirs."})
            unit = session.get(Unit, unit_id)
            if unit is None or not unit.active or unit.customer_id != quotation.customer_id:
                raise ValidationError({"unit_id": "Choose an active unit of the quotation's customer."})
            exists = session.scalar(
                select(QuotationUnit.id).where(
                    QuotationUnit.quotation_id == quotation.id, QuotationUnit.unit_id == unit.id
                )
            )
            if exists:
                raise ValidationError({"unit_id": "This unit is already on the quotation."})
            last = session.scalar(
                select(func.max(QuotationUnit.position)).where(QuotationUnit.quotation_id == quotation.id)
            )
            session.add(QuotationUnit(quotation_id=quotation.id, unit_id=unit.id, position=(last or 0) + 1, notes=text))
            self._touch(session, quotation, "add_unit", {"unit_id": [None, unit.id]})
            return self._detail(session, quotation)

    @requires(P.QUOTATIONS_EDIT)
    def remove_unit(self, quotation_id: int, unit_id: int) -> QuotationDetail:
        """Take a unit off the quotation (its own lines must go, or be moved, first)."""
        with self._ctx.write() as session:
            quotation = self._editable(session, quotation_id)
            row = session.scalar(
                select(QuotationUnit).where(
                    QuotationUnit.quotation_id == quotation.id, QuotationUnit.unit_id == unit_id
                )
            )
            if row is None:
                raise NotFound("This unit is no longer on the quotation. Reload it to see it now.")
            tied = session.scalar(
                select(func.count())
                .select_from(QuotationLine)
                .where(QuotationLine.quotation_id == quotation.id, QuotationLine.unit_id == unit_id)
            )
            if tied:
                raise ValidationError({"unit_id": "Some lines are for this unit; remove them or move them first."})
            session.delete(row)
            self._touch(session, quotation, "remove_unit", {"unit_id": [unit_id, None]})
            return self._detail(session, quotation)

    # ----------------------------------------------------------------- lines
    @requires(P.QUOTATIONS_EDIT)
    def add_line(
        self, quotation_id: int, price_list_item_id: int, quantity: object = "1", unit_id: int | None = None
    ) -> QuotationDetail:
        """Add an active price-list entry at ``quantity`` as the last line, for one of the
        quotation's units or (``unit_id`` None) for the quotation as a whole."""
        amount = validate_quantity(quantity)
        with self._ctx.write() as session:
            quotation = self._editable(session, quotation_id)
            self._check_unit_on(session, quotation, unit_id)
            entry = active_entry(session, price_list_item_id)
            last = session.scalar(
                select(func.max(QuotationLine.position)).where(QuotationLine.quotation_id == quotation.id)
            )
            check_line_amount(amount, entry.price)
            session.add(
                QuotationLine(
                    quotation_id=quotation.id,
                    unit_id=unit_id,
                    price_list_item_id=entry.id,
                    kind=entry.kind,
                    name=entry.name,
                    unit=entry.unit,
                    unit_price=entry.price,
                    quantity=amount,
                    discount_rate=quotation.discount_rate,
                    position=(last or 0) + 1,
                    created_by=self._ctx.actor.username,
                )
            )
            session.flush()
            self._retotal(session, quotation)
            self._touch(
                session,
                quotation,
                "add_line",
                {
                    "item": [None, entry.name],
                    "quantity": [None, amount],
                    "unit_price": [None, entry.price],
                    "unit_id": [None, unit_id],
                },
            )
            return self._detail(session, quotation)

    @requires(P.QUOTATIONS_EDIT)
    def change_line(
        self,
        line_id: int,
        expected_version: int,
        *,
        quantity: object = None,
        unit_price: object = None,
        unit_id: int | None | str = "keep",
    ) -> QuotationDetail:
        """Change a line's quantity, its price (``quotations.pricing`` only: a quoted price
        may differ from the list) or the unit it is for (``"keep"`` leaves it)."""
        amount = validate_quantity(quantity) if quantity is not None else None
        price = validate_money(unit_price, "unit_price") if unit_price is not None else None
        if price is not None:
            self._ctx.actor.require(P.QUOTATIONS_PRICING.value)
        with self._ctx.write() as session:
            line, quotation = self._line(session, line_id, expected_version)
            changes: dict[str, list[Any]] = {}
            if amount is not None and amount != line.quantity:
                changes["quantity"] = [line.quantity, amount]
                line.quantity = amount
            if price is not None and price != line.unit_price:
                changes["unit_price"] = [line.unit_price, price]
                line.unit_price = price
            if unit_id != "keep" and unit_id != line.unit_id:
                target = unit_id if isinstance(unit_id, int) else None
                self._check_unit_on(session, quotation, target)
                changes["unit_id"] = [line.unit_id, target]
                line.unit_id = target
            check_line_amount(line.quantity, line.unit_price)
            if changes:
                session.flush()
                self._retotal(session, quotation)
                self._touch(session, quotation, "change_line", {"item": [line.name, line.name], **changes})
            return self._detail(session, quotation)

    @requires(P.QUOTATIONS_EDIT)
    def remove_line(self, line_id: int, expected_version: int) -> QuotationDetail:
        """Take a line off the quotation (the audit row keeps what it was)."""
        with self._ctx.write() as session:
            line, quotation = self._line(session, line_id, expected_version)
            gone = {"item": [line.name, None], "quantity": [line.quantity, None], "unit_price": [line.unit_price, None]}
            session.delete(line)
            session.flush()
            self._retotal(session, quotation)
            self._touch(session, quotation, "remove_line", gone)
            return self._detail(session, quotation)

    # ----------------------------------------------------------------- notes, status, conversion
    @requires(P.QUOTATIONS_EDIT)
    def add_note(self, quotation_id: int, body: str) -> QuotationDetail:
        """A note (author and time recorded); allowed in every status, locked ones included."""
        text = validate_note(body)
        with self._ctx.write() as session:
            quotation = self._load(session, quotation_id, for_update=True)
            session.add(
                QuotationNote(
                    quotation_id=quotation.id, author=self._ctx.actor.username, created_at=self._ctx.now(), body=text
                )
            )
            session.flush()
            audit.record(session, self._ctx, "quotation", quotation.id, "add_note", {"note": [None, text]})
            return self._detail(session, quotation)

    @requires_any(P.QUOTATIONS_EDIT, P.QUOTATIONS_SEND)
    def act(
        self, quotation_id: int, action: str, expected_version: int, *, status: str | None = None
    ) -> QuotationDetail:
        """One status move (``domain.quotations.Action``) on the version the user saw.

        ``move`` takes the draft ``status`` chosen; ``send`` locks the quotation (it needs a
        reachable customer and at least one line); ``accept``/``reject`` record the
        customer's answer on their behalf (who recorded it and when are kept)."""
        with self._ctx.write() as session:
            quotation = self._load(session, quotation_id, for_update=True)
            self._check_version(quotation, expected_version)
            entries = self._entries(session)
            current = quotation.status
            target = decide(action, current, self._ctx.actor.permissions, entries, status)
            step = Action(action)
            now = self._ctx.now()
            changes: dict[str, list[Any]] = {"status": [current, target]}
            if step is Action.SEND:
                refusal = self._send_refusal(session, quotation)
                if refusal:
                    raise InvalidTransition(refusal)
                quotation.submitted_at = now
                quotation.submitted_by = self._ctx.actor.username
                notification_events.quotation_sent(session, self._ctx, quotation)  # to the customer, PDF attached
            if step in (Action.ACCEPT, Action.REJECT):
                quotation.decided_at = now
                quotation.decided_by = self._ctx.actor.username
                changes["recorded_for"] = [None, "the customer"]
            quotation.status = target
            self._touch(session, quotation, step.value, changes)
            return self._detail(session, quotation)

    @requires(P.QUOTATIONS_VIEW, P.WORK_ORDERS_CREATE)
    def convert(self, quotation_id: int, expected_version: int, work_type: str = "installation") -> QuotationDetail:
        """Make one ``unassigned`` work order per unit of an accepted quotation, in one
        transaction, exactly once (the quotation row is locked and re-checked).

        Each gets the quotation's customer requests and its share of the lines as items
        (snapshots as quoted: price and discount); the quotation stays ``accepted`` until
        all of them are completed, billed or cancelled."""
        try:
            kind = WorkOrderType(work_type)
        except ValueError:
            raise ValidationError(
                {"work_type": "Choose installation, repair, maintenance, service or other."}
            ) from None
        with self._ctx.write() as session:
            quotation = self._load(session, quotation_id, for_update=True)
            self._check_version(quotation, expected_version)
            units = self._units(session, quotation.id)
            label = status_label(self._entries(session), quotation.status)
            refusal = convert_refusal(quotation.status, label, len(units), quotation.converted_at is not None)
            if refusal:
                raise InvalidTransition(refusal)
            self._check_units_still_quoted(session, quotation, units)
            lines = self._lines(session, quotation.id)
            plan = distribute([(line.unit_id, line) for line in lines], [u.unit_id for u in units])
            made: list[int] = []
            for link in units:
                unit = session.get_one(Unit, link.unit_id)
                order = insert_work_order(
                    session,
                    self._ctx,
                    unit=unit,
                    work_type=kind,
                    customer_requests=quotation.customer_requests,
                    quotation_id=quotation.id,
                )
                for position, line in enumerate(plan[link.unit_id], start=1):
                    session.add(
                        WorkOrderItem(
                            work_order_id=order.id,
                            price_list_item_id=line.price_list_item_id,
                            kind=line.kind,
                            name=line.name,
                            unit=line.unit,
                            unit_price=line.unit_price,
                            quantity=line.quantity,
                            discount_rate=line.discount_rate,
                            position=position,
                            created_by=self._ctx.actor.username,
                        )
                    )
                    session.flush()
                    audit.record(
                        session,
                        self._ctx,
                        "work_order",
                        order.id,
                        "add_item",
                        {
                            "item": [None, line.name],
                            "quantity": [None, line.quantity],
                            "unit": [None, line.unit],
                            "unit_price": [None, line.unit_price],
                            "discount_rate": [None, line.discount_rate],
                            "quotation": [None, quotation.number],
                        },
                    )
                made.append(order.id)
            quotation.converted_at = self._ctx.now()
            quotation.converted_by = self._ctx.actor.username
            self._touch(
                session,
                quotation,
                "convert",
                {"work_orders": [None, [work_order_number(i) for i in made]], "work_type": [None, kind.value]},
            )
            return self._detail(session, quotation)

    # ----------------------------------------------------------------- helpers
    @staticmethod
    def _check_units_still_quoted(session: Session, quotation: Quotation, units: Sequence[QuotationUnit]) -> None:
        """Refuse to convert while a quoted unit has since gone to another customer or out of
        service: its work order would bill someone else, or a retired unit, at this price."""
        for link in units:
            unit = session.get_one(Unit, link.unit_id)
            model = session.get(DeviceModel, unit.device_model_id)
            label = friendly_label(unit.location, unit.serial_number, model.name if model else None)
            if unit.customer_id != quotation.customer_id:
                raise InvalidTransition(
                    f"{label} now belongs to another customer; make a new quotation without it to convert the rest."
                )
            if not unit.active:
                raise InvalidTransition(
                    f"{label} is no longer in service; put it back in service or make a new quotation without it."
                )

    def _pricing(self) -> bool:
        return self._ctx.actor.can(P.QUOTATIONS_PRICING.value)

    def _entries(self, session: Session) -> list[StatusEntry]:
        return status_entries(read_setting(session, STATUSES_SETTING))

    def _statuses(self, session: Session) -> QuotationStatuses:
        row = session.get(Setting, STATUSES_SETTING)
        return QuotationStatuses(
            tuple(QuotationStatusInfo(e.key, e.label, e.locks, e.fixed) for e in self._entries(session)),
            row.version if row else 0,
        )

    def _statuses_for_update(self, session: Session, expected_version: int) -> list[StatusEntry]:
        row = session.get(Setting, STATUSES_SETTING, with_for_update=True)
        if (row.version if row else 0) != expected_version:
            raise ConcurrencyConflict("status list", STATUSES_SETTING)
        return self._entries(session)

    def _store_statuses(self, session: Session, value: list[dict[str, str]]) -> None:
        """Through the settings' one writer (checked, audited, announced as ``setting``)."""
        SettingsService(self._ctx).update_in(session, {STATUSES_SETTING: value})
        session.flush()  # the new version, for the list returned

    def _matching(self, query: ListQuery) -> Any:
        stmt = apply_filters(select(Quotation.id), query, self._filters())
        terms = search_terms(query.text)
        if terms:
            stmt = stmt.outerjoin(Customer, Customer.id == Quotation.customer_id).where(*[_contains(t) for t in terms])
        return stmt

    def _ordered(self, query: ListQuery) -> Any:
        if query.sort == "total" and not self._pricing():
            query = replace(query, sort="")  # newest first: the order by total would show the prices
        stmt = self._matching(query)
        if query.sort == "customer" and not search_terms(query.text):
            stmt = stmt.outerjoin(Customer, Customer.id == Quotation.customer_id)
        key = _SORTS.get(query.sort, Quotation.id)
        descending = query.descending if query.sort in _SORTS else True
        first = key.desc() if descending else key.asc()
        if query.sort not in _NEVER_EMPTY:
            first = first.nulls_last()
        return stmt.order_by(first, Quotation.id.desc() if descending else Quotation.id.asc())

    def _filters(self) -> dict[str, Any]:
        return {
            "status": enum_field(Quotation.status),
            "customer": ref_field(Quotation.customer_id),
            "created": date_field(Quotation.created_at, timestamp=True),
            "valid_until": date_field(Quotation.valid_until),
            "converted": flag_field(Quotation.converted_at.is_not(None)),
        }

    def _load(self, session: Session, quotation_id: int, *, for_update: bool = False) -> Quotation:
        stmt = select(Quotation).where(Quotation.id == quotation_id)
        if for_update:
            stmt = stmt.with_for_update()
        quotation = session.scalar(stmt)
        if quotation is None:
            raise NotFound(f"Quotation #{quotation_id} does not exist.")
        return quotation

    @staticmethod
    def _check_version(quotation: Quotation, expected_version: int | None) -> None:
        if expected_version is not None and quotation.version != expected_version:
            raise ConcurrencyConflict("quotation", quotation.number)

    def _editable(self, session: Session, quotation_id: int, expected_version: int | None = None) -> Quotation:
        """The quotation, locked, as the user saw it, and still a draft."""
        quotation = self._load(session, quotation_id, for_update=True)
        self._check_version(quotation, expected_version)
        refusal = edit_refusal(quotation.status, status_label(self._entries(session), quotation.status))
        if refusal:
            raise InvalidTransition(refusal)
        return quotation

    def _line(self, session: Session, line_id: int, expected_version: int) -> tuple[QuotationLine, Quotation]:
        quotation_id = session.scalar(select(QuotationLine.quotation_id).where(QuotationLine.id == line_id))
        if quotation_id is None:
            raise NotFound("This line was removed from the quotation meanwhile. Reload it to see the lines now.")
        quotation = self._editable(session, quotation_id)
        line = session.scalar(select(QuotationLine).where(QuotationLine.id == line_id).with_for_update())
        if line is None:
            raise NotFound("This line was removed from the quotation meanwhile. Reload it to see the lines now.")
        if line.version != expected_version:
            raise ConcurrencyConflict("line", line.name)
        return line, quotation

    @staticmethod
    def _customer(session: Session, customer_id: int | None) -> Customer | None:
        if customer_id is None:
            return None
        customer = session.get(Customer, customer_id)
        if customer is None or not customer.active:
            raise ValidationError({"customer_id": "Choose an active customer."})
        return customer

    @staticmethod
    def _check_unit_on(session: Session, quotation: Quotation, unit_id: int | None) -> None:
        if unit_id is None:
            return
        on = session.scalar(
            select(QuotationUnit.id).where(QuotationUnit.quotation_id == quotation.id, QuotationUnit.unit_id == unit_id)
        )
        if on is None:
            raise ValidationError({"unit_id": "Choose one of the quotation's units (or none for the whole quotation)."})

    def _set_discount(self, session: Session, quotation: Quotation, discount: Decimal | None) -> None:
        """The quotation's discount, and every line's with it (lines carry it to work orders)."""
        quotation.discount_rate = discount
        session.execute(
            update(QuotationLine)
            .where(QuotationLine.quotation_id == quotation.id)
            .values(discount_rate=discount, version=QuotationLine.version + 1)
            .execution_options(synchronize_session="fetch")
        )
        self._retotal(session, quotation)

    def _retotal(self, session: Session, quotation: Quotation) -> None:
        lines = self._lines(session, quotation.id)
        sums = quotation_totals(
            (LineInput(x.quantity, x.unit_price, x.discount_rate) for x in lines), quotation.tax_rate
        )
        quotation.total = sums.total

    def _touch(self, session: Session, quotation: Quotation, action: str, changes: Mapping[str, Any]) -> None:
        """Stamp, bump the version (also when only its units or lines changed) and audit."""
        quotation.updated_at = self._ctx.now()
        session.flush()
        audit.record(session, self._ctx, "quotation", quotation.id, action, changes)

    @staticmethod
    def _units(session: Session, quotation_id: int) -> list[QuotationUnit]:
        return list(
            session.scalars(
                select(QuotationUnit)
                .where(QuotationUnit.quotation_id == quotation_id)
                .order_by(QuotationUnit.position, QuotationUnit.id)
            )
        )

    @staticmethod
    def _lines(session: Session, quotation_id: int) -> list[QuotationLine]:
        return list(
            session.scalars(
                select(QuotationLine)
                .where(QuotationLine.quotation_id == quotation_id)
                .order_by(QuotationLine.position, QuotationLine.id)
            )
        )

    def _send_refusal(self, session: Session, quotation: Quotation) -> str:
        customer = session.get(Customer, quotation.customer_id) if quotation.customer_id else None
        reachable = customer is not None and bool(split_list(customer.emails) or split_list(customer.phones))
        count = session.scalar(
            select(func.count()).select_from(QuotationLine).where(QuotationLine.quotation_id == quotation.id)
        )
        return send_refusal(customer is not None, reachable, int(count or 0))

    def _detail(self, session: Session, quotation: Quotation, *, internal_notes: bool = True) -> QuotationDetail:
        entries = self._entries(session)
        label = status_label(entries, quotation.status)
        pricing = self._pricing()
        perms = self._ctx.actor.permissions
        customer = session.get(Customer, quotation.customer_id) if quotation.customer_id else None
        unit_rows = session.execute(
            select(QuotationUnit, Unit, DeviceModel.name)
            .join(Unit, Unit.id == QuotationUnit.unit_id)
            .join(DeviceModel, DeviceModel.id == Unit.device_model_id)
            .where(QuotationUnit.quotation_id == quotation.id)
            .order_by(QuotationUnit.position, QuotationUnit.id)
        ).all()
        labels = {unit.id: friendly_label(unit.location, unit.serial_number, model) for _link, unit, model in unit_rows}
        orders = session.execute(
            select(WorkOrder.id, WorkOrder.unit_id, WorkOrder.status)
            .where(WorkOrder.quotation_id == quotation.id)
            .order_by(WorkOrder.id)
        ).all()
        order_of = {unit_id: order_id for order_id, unit_id, _status in orders}
        lines = self._lines(session, quotation.id)
        amounts = [line_amount(x.quantity, x.unit_price, x.discount_rate) for x in lines]
        sums = quotation_totals(
            (LineInput(x.quantity, x.unit_price, x.discount_rate) for x in lines), quotation.tax_rate
        )
        notes = (
            session.scalars(
                select(QuotationNote)
                .where(QuotationNote.quotation_id == quotation.id)
                .order_by(QuotationNote.created_at, QuotationNote.id)
            ).all()
            if internal_notes
            else ()
        )
        refusal = edit_refusal(quotation.status, label)
        if not refusal and not self._ctx.actor.can(P.QUOTATIONS_EDIT.value):
            refusal = "You may look at this quotation but not change it."
        converted = quotation.converted_at is not None
        conversion = convert_refusal(quotation.status, label, len(unit_rows), converted)
        if not conversion and not self._ctx.actor.can(P.WORK_ORDERS_CREATE.value):
            conversion = "Only someone who may create work orders can convert a quotation."

        def money(value: Decimal | None) -> Decimal | None:
            return value if pricing else None

        return QuotationDetail(
            id=quotation.id,
            number=quotation.number,
            status=quotation.status,
            status_label=label,
            locked=locks(quotation.status),
            title=quotation.title,
            customer_id=quotation.customer_id,
            customer_name=customer.display_name if customer else "",
            customer_address=address_block(customer) if customer else "",
            customer_requests=quotation.customer_requests,
            valid_until=quotation.valid_until,
            created_at=quotation.created_at,
            created_by=quotation.created_by,
            submitted_at=quotation.submitted_at,
            submitted_by=quotation.submitted_by,
            decided_at=quotation.decided_at,
            decided_by=quotation.decided_by,
            converted_at=quotation.converted_at,
            converted_by=quotation.converted_by,
            units=tuple(
                QuotationUnitInfo(
                    unit.id,
                    labels[unit.id],
                    link.notes,
                    order_of.get(unit.id),
                    work_order_number(order_of[unit.id]) if unit.id in order_of else "",
                )
                for link, unit, _model in unit_rows
            ),
            lines=tuple(
                QuotationLineInfo(
                    id=line.id,
                    unit_id=line.unit_id,
                    unit_label=labels.get(line.unit_id, "") if line.unit_id else "",
                    price_list_item_id=line.price_list_item_id,
                    kind=line.kind,
                    name=line.name,
                    unit=line.unit,
                    quantity=Decimal(line.quantity),
                    unit_price=money(line.unit_price),
                    discount_rate=money(line.discount_rate),
                    gross=money(amount.gross),
                    amount=money(amount.net),
                    version=line.version,
                )
                for line, amount in zip(lines, amounts, strict=True)
            ),
            notes=tuple(QuotationNoteInfo(n.author, n.created_at, n.body) for n in notes),
            work_orders=tuple(
                QuotationWorkOrderInfo(order_id, work_order_number(order_id), labels.get(unit_id, ""), status)
                for order_id, unit_id, status in orders
            ),
            pricing=pricing,
            discount_rate=money(quotation.discount_rate),
            tax_rate=money(quotation.tax_rate),
            subtotal=money(sums.subtotal),
            discount_total=money(sums.discount),
            net=money(sums.net),
            tax=money(sums.tax),
            total=money(sums.total),
            can_edit=not refusal,
            edit_refusal=refusal,
            actions=tuple(a.value for a in available_actions(quotation.status, perms)),
            draft_statuses=tuple((e.key, e.label) for e in entries if not e.locks and e.key != quotation.status),
            send_refusal=self._send_refusal(session, quotation) if not locks(quotation.status) else "",
            can_convert=not conversion,
            convert_refusal=conversion,
            version=quotation.version,
        )


def printable_quotation(session: Session, ctx: ServiceContext, quotation_id: int) -> QuotationDetail:
    """Quotation ``quotation_id`` as its PDF needs it, read in the caller's transaction and
    without its internal notes (the e-mail sender attaches it; its database role may not
    read notes). ``ctx`` decides what is shown, as for ``get`` (prices need
    ``quotations.pricing``)."""
    quotation = session.get(Quotation, quotation_id)
    if quotation is None:
        raise NotFound(f"Quotation #{quotation_id} does not exist.")
    return QuotationService(ctx)._detail(session, quotation, internal_notes=False)


def _contains(term: str) -> ColumnElement[bool]:
    pattern = f"%{like_escape(term)}%"
    return or_(
        Quotation.search_text.like(pattern, escape="\\"),
        and_(Customer.id.is_not(None), Customer.search_text.like(pattern, escape="\\")),
    )


def _index(quotation: Quotation) -> None:
    quotation.search_text = " ".join((quotation.number, quotation.title, quotation.customer_requests)).casefold()


def _head(quotation: Quotation) -> dict[str, Any]:
    return {
        "title": quotation.title,
        "customer_id": quotation.customer_id,
        "customer_requests": quotation.customer_requests,
        "valid_until": quotation.valid_until,
        "discount_rate": quotation.discount_rate,
    }
