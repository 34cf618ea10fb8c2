"""The price list: the services and materials a work order's items are picked from.

Not the device catalogue (``services/catalog.py``). Maintained in Settings by whoever may
change settings (``settings.edit``); technicians and the office search it when they add
items (the picker), and see the prices only with ``work_orders.pricing``. An entry is
never deleted, only deactivated: the work-order lines that used it keep their snapshot,
and it can no longer be added. Rules: ``domain/pricing.py``.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tuffops_desktop.db.models import PriceListItem
from tuffops_desktop.domain.errors import ConcurrencyConflict, NotFound, ValidationError
from tuffops_desktop.domain.permissions import P
from tuffops_desktop.domain.pricing import PriceListFields, PriceListInput, name_key, validate_entry
from tuffops_desktop.services import audit
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.dto.work_orders import PriceListEntry
from tuffops_desktop.services.guard import requires, requires_any
from tuffops_desktop.services.listing import like_escape

SEARCH_LIMIT = 200  # the picker shows the best matches; a longer list means the user should type more


def sees_prices(ctx: ServiceContext) -> bool:
    """Prices are shown to those who may see work-order or quotation pricing or maintain the price list."""
    return any(ctx.actor.can(p.value) for p in (P.WORK_ORDERS_PRICING, P.QUOTATIONS_PRICING, P.SETTINGS_EDIT))


def entry_info(item: PriceListItem, pricing: bool) -> PriceListEntry:
    return PriceListEntry(
        id=item.id,
        kind=item.kind,
        name=item.name,
        unit=item.unit,
        price=item.price if pricing else None,
        cost=item.cost if pricing else None,
        active=item.active,
        version=item.version,
    )


def active_entry(session: Session, entry_id: int) -> PriceListItem:
    """The entry a user picked to add as a line (work-order item or quotation line);
    refused unless it exists and is still active."""
    entry = session.get(PriceListItem, entry_id)
    if entry is None:
        raise ValidationError({"price_list_item_id": "Choose an entry from the price list."})
    if not entry.active:
        raise ValidationError(
            {"price_list_item_id": f"“{entry.name}” is no longer on the price list; choose another entry."}
        )
    return entry


class PriceListService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # ----------------------------------------------------------------- reading
    @requires_any(P.WORK_ORDERS_EDIT, P.WORK_ORDERS_SUPERVISE, P.SETTINGS_VIEW, P.QUOTATIONS_EDIT)
    def search(
        self, text: str = "", *, include_inactive: bool = False, kind: str | None = None
    ) -> list[PriceListEntry]:
        """Entries whose name holds every word of ``text`` (any order, any case), services
        first, then by name; at most ``SEARCH_LIMIT``. Inactive ones only when asked (Settings)."""
        stmt = select(PriceListItem)
        if not include_inactive:
            stmt = stmt.where(PriceListItem.active.is_(True))
        if kind:
            stmt = stmt.where(PriceListItem.kind == kind)
        for word in (text or "").casefold().split()[:8]:
            stmt = stmt.where(func.lower(PriceListItem.name).like(f"%{like_escape(word)}%", escape="\\"))
        stmt = stmt.order_by(PriceListItem.kind.desc(), func.lower(PriceListItem.name), PriceListItem.id)
        pricing = sees_prices(self._ctx)
        with self._ctx.read() as session:
            return [entry_info(item, pricing) for item in session.scalars(stmt.limit(SEARCH_LIMIT))]

    @requires_any(P.WORK_ORDERS_EDIT, P.WORK_ORDERS_SUPERVISE, P.SETTINGS_VIEW)
    def get(self, entry_id: int) -> PriceListEntry:
        with self._ctx.read() as session:
            return entry_info(self._load(session, entry_id), sees_prices(self._ctx))

    # ----------------------------------------------------------------- writing
    @requires(P.SETTINGS_EDIT)
    def add(self, data: PriceListInput) -> PriceListEntry:
        """A new, active entry; its name must differ from every other entry's (case ignored)."""
        fields = validate_entry(data)
        with self._ctx.write() as session:
            self._check_name_free(session, fields.name, None)
            item = PriceListItem(
                kind=fields.kind.value,
                name=fields.name,
                unit=fields.unit.value,
                price=fields.price,
                cost=fields.cost,
                active=True,
            )
            session.add(item)
            _flush_unique_name(session, fields.name)
            audit.record(session, self._ctx, "price_list_item", item.id, "create", _values(fields))
            return entry_info(item, True)

    @requires(P.SETTINGS_EDIT)
    def update(self, entry_id: int, data: PriceListInput, expected_version: int) -> PriceListEntry:
        """Change an entry. Work orders keep the price their items were added at."""
        fields = validate_entry(data)
        with self._ctx.write() as session:
            item = self._load(session, entry_id, for_update=True)
            if item.version != expected_version:
                raise ConcurrencyConflict("price-list entry", item.name, entry_info(item, True))
            self._check_name_free(session, fields.name, item.id)
            before = {"name": item.name, "kind": item.kind, "unit": item.unit, "price": item.price, "cost": item.cost}
            item.name, item.kind, item.unit = fields.name, fields.kind.value, fields.unit.value
            item.price, item.cost = fields.price, fields.cost
            changes = audit.diff(before, _values(fields, flat=True))
            if changes:
                _flush_unique_name(session, fields.name)
                audit.record(session, self._ctx, "price_list_item", item.id, "update", changes)
            return entry_info(item, True)

    @requires(P.SETTINGS_EDIT)
    def set_active(self, entry_id: int, active: bool, expected_version: int) -> PriceListEntry:
        """Deactivate (no longer offered in the picker; existing lines keep it) or bring back."""
        with self._ctx.write() as session:
            item = self._load(session, entry_id, for_update=True)
            if item.version != expected_version:
                raise ConcurrencyConflict("price-list entry", item.name, entry_info(item, True))
            if item.active != active:
                item.active = active
                session.flush()
                audit.record(
                    session,
                    self._ctx,
                    "price_list_item",
                    item.id,
                    "activate" if active else "deactivate",
                    {"active": [not active, active]},
                )
            return entry_info(item, True)

    # ----------------------------------------------------------------- helpers
    @staticmethod
    def _load(session: Session, entry_id: int, *, for_update: bool = False) -> PriceListItem:
        stmt = select(PriceListItem).where(PriceListItem.id == entry_id)
        if for_update:
            stmt = stmt.with_for_update()
        item = session.scalar(stmt)
        if item is None:
            raise NotFound("This price-list entry does not exist.")
        return item

    @staticmethod
    def _check_name_free(session: Session, name: str, own_id: int | None) -> None:
        key = name_key(name)
        for other_id, other_name in session.execute(
            select(PriceListItem.id, PriceListItem.name).where(func.lower(PriceListItem.name) == name.lower())
        ):
            if other_id != own_id and name_key(other_name) == key:
                raise ValidationError({"name": f"“{other_name}” is already on the price list."})


def _flush_unique_name(session: Session, name: str) -> None:
    """Flush; the name's unique constraint, hit when another workstation stored the same
    name a moment ago (after our check), reads as the same message as the check."""
    try:
        session.flush()
    except IntegrityError:
        raise ValidationError({"name": f"“{name}” is already on the price list."}) from None


def _values(fields: PriceListFields, *, flat: bool = False) -> dict[str, object]:
    values: dict[str, object] = {
        "name": fields.name,
        "kind": fields.kind.value,
        "unit": fields.unit.value,
        "price": fields.price,
        "cost": fields.cost,
    }
    return values if flat else {key: [None, value] for key, value in values.items()}
