"""Customer use cases: add, edit, find, deactivate, and upsert from an external system.

When ``customer_integration_enabled`` is on, an external system (typically QuickBooks)
owns customers: the office cannot add them, the fields the external system owns are
read-only, and records arrive through ``upsert_external`` keyed by ``remote_id``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, replace
from typing import Any

from sqlalchemy import SQLColumnExpression, func, select
from sqlalchemy.orm import Session

from tuffops_desktop.db.models import Customer, Unit
from tuffops_desktop.domain.customers import (
    CustomerFields,
    CustomerInput,
    CustomerType,
    search_text,
    validate_customer,
)
from tuffops_desktop.domain.errors import (
    ConcurrencyConflict,
    IntegrationOwnsCustomers,
    NotFound,
    ValidationError,
)
from tuffops_desktop.domain.permissions import P
from tuffops_desktop.domain.phones import format_phone, split_list
from tuffops_desktop.services import audit
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.dto.customers import CustomerDetail, CustomerRow
from tuffops_desktop.services.guard import requires, requires_any
from tuffops_desktop.services.listing import FilterField, ListQuery, apply_filters, date_field, enum_field, matches_all
from tuffops_desktop.services.settings import phone_defaults, read_setting

# Fields the external system owns when the integration is on; the rest stay editable.
EXTERNALLY_OWNED_FIELDS = (
    "customer_type",
    "first_name",
    "last_name",
    "company_name",
    "emails",
    "phones",
    "address",
    "city",
    "postcode",
    "country",
    "remote_id",
)

_SORTS = {
    "name": Customer.display_name,
    "type": Customer.customer_type,
    "city": Customer.city,
    "address": Customer.address,
    "emails": Customer.emails,
    "phones": Customer.phones,
    "created": Customer.created_at,
}

# ``ListQuery.filters`` keys: type (AnyOf customer types), created (Between dates),
# invoiced (the Reports page's drill-down: ``report_money.customer_drill_filters``).
_FILTERS = {
    "type": enum_field(Customer.customer_type, {t.value for t in CustomerType}),
    "created": date_field(Customer.created_at, timestamp=True),
}


def _filters() -> dict[str, FilterField]:
    """``_FILTERS`` and the drill-down's ``invoiced``."""
    # Imported here: report_money reads stock_control, whose CSV export imports this module.
    from tuffops_desktop.services.report_money import customer_drill_filters

    return {**_FILTERS, **customer_drill_filters()}


def _stored_values(c: Customer) -> dict[str, Any]:
    return {
        "customer_type": c.customer_type,
        "first_name": c.first_name,
        "last_name": c.last_name,
        "company_name": c.company_name,
        "emails": split_list(c.emails),
        "phones": split_list(c.phones),
        "address": c.address,
        "city": c.city,
        "postcode": c.postcode,
        "country": c.country,
        "discount_rate": c.discount_rate,
        "default_sla_hours": c.default_sla_hours,
        "payment_terms_days": c.payment_terms_days,
        "remote_id": c.remote_id,
        "notes": c.notes,
        "notify_opt_out": c.notify_opt_out,
    }


def _apply(c: Customer, fields: CustomerFields) -> None:
    c.customer_type = fields.customer_type.value
    c.first_name = fields.first_name
    c.last_name = fields.last_name
    c.company_name = fields.company_name
    c.display_name = fields.display_name
    c.emails = ", ".join(fields.emails)
    c.phones = ", ".join(fields.phones)
    c.address = fields.address
    c.city = fields.city
    c.postcode = fields.postcode
    c.country = fields.country
    c.discount_rate = fields.discount_rate
    c.default_sla_hours = fields.default_sla_hours
    c.payment_terms_days = fields.payment_terms_days
    c.remote_id = fields.remote_id
    c.notes = fields.notes
    c.notify_opt_out = fields.notify_opt_out
    c.search_text = search_text(
        fields.display_name,
        fields.emails,
        fields.phones,
        fields.city,
        fields.address,
        fields.postcode,
        fields.remote_id,
        f"#{c.id}" if c.id else None,
    )


def _fields_dict(fields: CustomerFields) -> dict[str, Any]:
    values = asdict(fields)
    values.pop("display_name")
    values["customer_type"] = fields.customer_type.value
    return values


def detail(c: Customer) -> CustomerDetail:
    return CustomerDetail(
        id=c.id,
        customer_type=c.customer_type,
        first_name=c.first_name,
        last_name=c.last_name,
        company_name=c.company_name,
        display_name=c.display_name,
        emails=tuple(split_list(c.emails)),
        phones=tuple(split_list(c.phones)),
        address=c.address,
        city=c.city,
        postcode=c.postcode,
        country=c.country,
        discount_rate=c.discount_rate,
        default_sla_hours=c.default_sla_hours,
        payment_terms_days=c.payment_terms_days,
        remote_id=c.remote_id,
        notes=c.notes,
        active=c.active,
        version=c.version,
        created_at=c.created_at,
        updated_at=c.updated_at,
        notify_opt_out=c.notify_opt_out,
    )


class CustomerService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # ----------------------------------------------------------------- reading
    @requires(P.CUSTOMERS_VIEW)
    def get(self, customer_id: int) -> CustomerDetail:
        with self._ctx.read() as session:
            return detail(self._load(session, customer_id))

    @requires(P.CUSTOMERS_VIEW)
    def integration_enabled(self) -> bool:
        with self._ctx.read() as session:
            return bool(read_setting(session, "customer_integration_enabled"))

    @requires(P.CUSTOMERS_VIEW)
    def list_ids(self, query: ListQuery) -> list[int]:
        """Ids of the customers matching ``query``, in display order."""
        stmt = select(Customer.id).where(matches_all(Customer.search_text, query.text))
        stmt = apply_filters(stmt, query, _filters())
        if not query.include_inactive:
            stmt = stmt.where(Customer.active.is_(True))
        key: SQLColumnExpression[Any]
        if query.sort == "units":
            key = (
                select(func.count(Unit.id))
                .where(Unit.customer_id == Customer.id, Unit.active.is_(True))
                .correlate(Customer)
                .scalar_subquery()
            )
        else:
            key = _SORTS.get(query.sort, Customer.display_name)
        order = key.desc() if query.descending else key.asc()
        tie = Customer.id.desc() if query.descending else Customer.id.asc()
        stmt = stmt.order_by(order, tie)
        with self._ctx.read() as session:
            return list(session.scalars(stmt))

    @requires(P.CUSTOMERS_VIEW)
    def rows(self, ids: Sequence[int]) -> list[CustomerRow]:
        """Full list rows for ``ids``, in the same order (ids gone since are skipped)."""
        if not ids:
            return []
        unit_counts = (
            select(Unit.customer_id, func.count(Unit.id).label("n"))
            .where(Unit.customer_id.in_(ids), Unit.active.is_(True))
            .group_by(Unit.customer_id)
        )
        with self._ctx.read() as session:
            counts = {cid: n for cid, n in session.execute(unit_counts)}
            found = {c.id: c for c in session.scalars(select(Customer).where(Customer.id.in_(ids)))}
        return [
            CustomerRow(
                id=c.id,
                customer_type=c.customer_type,
                display_name=c.display_name,
                emails=c.emails,
                phones=", ".join(format_phone(p) for p in split_list(c.phones)),
                city=c.city,
                unit_count=counts.get(c.id, 0),
                active=c.active,
                address=c.address,
            )
            for c in (found.get(i) for i in ids)
            if c is not None
        ]

    @requires(P.CUSTOMERS_VIEW)
    def count(self) -> int:
        with self._ctx.read() as session:
            return session.scalar(select(func.count()).select_from(Customer)) or 0

    # ----------------------------------------------------------------- writing
    @requires(P.CUSTOMERS_CREATE)
    def create(self, data: CustomerInput) -> CustomerDetail:
        with self._ctx.write() as session:
            if read_setting(session, "customer_integration_enabled"):
                raise IntegrationOwnsCustomers()
            customer = self.create_in(session, validate_customer(data, phone_defaults(session)))
            return detail(customer)

    @requires(P.CUSTOMERS_CREATE)
    def create_in(self, session: Session, fields: CustomerFields, action: str = "create") -> Customer:
        """Insert a validated customer inside an open transaction (used by imports too)."""
        if fields.remote_id:
            self._check_remote_id_free(session, fields.remote_id, None)
        customer = Customer(display_name=fields.display_name)
        _apply(customer, fields)
        session.add(customer)
        session.flush()
        _apply(customer, fields)  # now that the id is known, it is searchable as "#id"
        session.flush()
        audit.record(session, self._ctx, "customer", customer.id, action, audit.diff({}, _fields_dict(fields)))
        return customer

    @requires(P.CUSTOMERS_EDIT)
    def update(self, customer_id: int, data: CustomerInput, expected_version: int) -> CustomerDetail:
        """Save an edit made on a record read at ``expected_version``.

        If another workstation saved the customer since, the edit is refused with
        ``ConcurrencyConflict`` (carrying the current record), never silently applied.
        """
        with self._ctx.write() as session:
            customer = self._load(session, customer_id, for_update=True)
            if customer.version != expected_version:
                raise ConcurrencyConflict("customer", customer_id, detail(customer))
            fields = validate_customer(data, phone_defaults(session))
            before = _stored_values(customer)
            if read_setting(session, "customer_integration_enabled"):
                owned_changes = [
                    name
                    for name in EXTERNALLY_OWNED_FIELDS
                    if audit.json_safe(before[name]) != audit.json_safe(_fields_dict(fields)[name])
                ]
                if owned_changes:
                    raise ValidationError({name: "Managed by the external system." for name in owned_changes})
            if fields.remote_id and fields.remote_id != customer.remote_id:
                self._check_remote_id_free(session, fields.remote_id, customer.id)
            changes = audit.diff(before, _fields_dict(fields))
            if not changes:
                return detail(customer)
            _apply(customer, fields)
            session.flush()
            audit.record(session, self._ctx, "customer", customer.id, "update", changes)
            return detail(customer)

    @requires_any(P.CUSTOMERS_EDIT, P.CUSTOMERS_DELETE)
    def set_active(self, customer_id: int, active: bool, expected_version: int) -> CustomerDetail:
        """Deactivate (hide from lists, keep history) or reactivate a customer."""
        self._ctx.actor.require(P.CUSTOMERS_EDIT if active else P.CUSTOMERS_DELETE)
        with self._ctx.write() as session:
            customer = self._load(session, customer_id, for_update=True)
            if customer.version != expected_version:
                raise ConcurrencyConflict("customer", customer_id, detail(customer))
            if customer.active != active:
                customer.active = active
                session.flush()
                audit.record(
                    session,
                    self._ctx,
                    "customer",
                    customer.id,
                    "reactivate" if active else "deactivate",
                    {"active": [not active, active]},
                )
            return detail(customer)

    @requires(P.CUSTOMERS_EDIT)
    def upsert_external(self, records: Iterable[CustomerInput]) -> tuple[int, int]:
        """Apply records from the external system, keyed by ``remote_id``.

        Existing ``remote_id`` → update; new → insert; never a duplicate. All or nothing.
        Returns (created, updated).
        """
        created = updated = 0
        with self._ctx.write() as session:
            defaults = phone_defaults(session)
            for record in records:
                if not (record.remote_id or "").strip():
                    raise ValidationError({"remote_id": "Every external record needs its remote_id."})
                fields = validate_customer(record, defaults)
                existing = session.scalar(
                    select(Customer).where(Customer.remote_id == fields.remote_id).with_for_update()
                )
                if existing is None:
                    self.create_in(session, fields, action="sync_create")
                    created += 1
                    continue
                keep_local = replace(
                    fields,
                    discount_rate=existing.discount_rate,
                    default_sla_hours=existing.default_sla_hours,
                    payment_terms_days=existing.payment_terms_days,
                    notes=existing.notes,
                    notify_opt_out=existing.notify_opt_out,  # the customer's wish, told to the office
                )
                changes = audit.diff(_stored_values(existing), _fields_dict(keep_local))
                if changes:
                    _apply(existing, keep_local)
                    session.flush()
                    audit.record(session, self._ctx, "customer", existing.id, "sync_update", changes)
                    updated += 1
        return created, updated

    # ----------------------------------------------------------------- helpers
    def _load(self, session: Session, customer_id: int, *, for_update: bool = False) -> Customer:
        stmt = select(Customer).where(Customer.id == customer_id)
        if for_update:
            stmt = stmt.with_for_update()
        customer = session.scalar(stmt)
        if customer is None:
            raise NotFound(f"Customer #{customer_id} does not exist.")
        return customer

    @staticmethod
    def _check_remote_id_free(session: Session, remote_id: str, own_id: int | None) -> None:
        other = session.scalar(select(Customer.id).where(Customer.remote_id == remote_id))
        if other is not None and other != own_id:
            raise ValidationError({"remote_id": f"Customer #{other} already has the external id “{remote_id}”."})
