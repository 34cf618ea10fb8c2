"""Unit use cases: add, edit, transfer to another customer (keeping history), link units
into a system, bind a pre-printed blank QR label, retire, and list/search.

Every unit gets a random QR GUID when it is created; it is the unit's only public
identifier. Binding a blank label replaces that GUID with the label's; the old one is
retired (it then answers "not found", like any unknown code) and is never reused.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, false, func, insert, literal, not_, or_, select, update
from sqlalchemy.orm import Session, aliased

from tuffops_desktop.db.models import (
    BlankQrLabel,
    Customer,
    DeviceModel,
    DeviceType,
    Manufacturer,
    RetiredQrCode,
    Unit,
    UnitLinkGroup,
    UnitOwnership,
)
from tuffops_desktop.domain.customers import CustomerType, search_text
from tuffops_desktop.domain.errors import ConcurrencyConflict, NotFound, ValidationError
from tuffops_desktop.domain.permissions import P
from tuffops_desktop.domain.qr import new_guid, parse_guid_or_url, public_url
from tuffops_desktop.domain.reports import MAINTENANCE_DUE_SOON_DAYS
from tuffops_desktop.domain.units import (
    UnitFields,
    UnitInput,
    friendly_label,
    maintenance_dates,
    validate_unit,
    warranty_expires_at,
    warranty_state,
)
from tuffops_desktop.services import audit
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.dto.units import OwnershipPeriod, UnitDetail, UnitRow
from tuffops_desktop.services.guard import requires, requires_any
from tuffops_desktop.services.listing import (
    AnyOf,
    FilterField,
    ListQuery,
    apply_filters,
    date_field,
    enum_field,
    flag_field,
    matches_all,
    ref_field,
)
from tuffops_desktop.services.maintenance import _due_by as due_by  # the due list's exact per-cadence test
from tuffops_desktop.services.settings import read_setting

MAX_BLANK_LABELS = 5000

# ``ListQuery.filters`` keys: customer (Ref; Ref(None) = stock), link_group (Ref),
# sticker_printed (Flag), installed (Between dates), customer_type (AnyOf: of the unit's
# customer; a stock unit never matches), maintenance (AnyOf ``overdue`` / ``due_soon``,
# ``_filters``), repaired (Between local days); the last three for the reports' drill-down.
_FILTERS = {
    "customer": ref_field(Unit.customer_id),
    "link_group": ref_field(Unit.link_group_id),
    "sticker_printed": flag_field(Unit.sticker_printed_at.is_not(None)),
    "installed": date_field(Unit.installed_at),
    "customer_type": enum_field(Customer.customer_type, {t.value for t in CustomerType}),
}
MAINTENANCE_STATES = frozenset({"overdue", "due_soon"})


def _filters(today: date) -> dict[str, FilterField]:
    """``_FILTERS`` and ``maintenance``: active units whose next maintenance
    (``domain.units.maintenance_dates``) is before ``today`` (``overdue``) or from today to
    today + ``MAINTENANCE_DUE_SOON_DAYS`` (``due_soon``), exact per cadence as the
    maintenance-due list selects them."""
    overdue = due_by(today - timedelta(days=1))
    states = {
        "overdue": overdue,
        "due_soon": and_(due_by(today + timedelta(days=MAINTENANCE_DUE_SOON_DAYS)), not_(overdue)),
    }

    def maintenance(value: AnyOf) -> ColumnElement[bool]:
        unknown = value.values - MAINTENANCE_STATES
        if unknown:
            raise ValidationError({"filters": f"Unknown value: {', '.join(sorted(unknown))}."})
        return and_(Unit.active.is_(True), or_(false(), *[states[v] for v in sorted(value.values)]))

    # Imported here: report_money reads stock_control, whose CSV export imports this module.
    from tuffops_desktop.services.report_money import unit_drill_filters

    return {**_FILTERS, "maintenance": FilterField(AnyOf, maintenance), **unit_drill_filters()}


_UNIT_FIELDS = (
    "device_model_id",
    "customer_id",
    "serial_number",
    "location",
    "address",
    "city",
    "postcode",
    "installed_at",
    "warranty_months",
    "maintenance_frequency",
    "notes",
)


def _values(u: Unit) -> dict[str, Any]:
    return {name: getattr(u, name) for name in _UNIT_FIELDS}


def _fields_values(f: UnitFields) -> dict[str, Any]:
    values = {name: getattr(f, name) for name in _UNIT_FIELDS}
    values["maintenance_frequency"] = f.maintenance_frequency.value
    return values


def _unit_search_text(u: Unit, model: DeviceModel) -> str:
    return search_text(
        u.location,
        u.serial_number,
        model.name,
        model.manufacturer.name,
        model.device_type.name,
        u.address,
        u.city,
        u.postcode,
        u.qr_code_guid,
        f"#{u.id}" if u.id else None,
    )


class UnitService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # ----------------------------------------------------------------- reading
    @requires(P.UNITS_VIEW)
    def get(self, unit_id: int) -> UnitDetail:
        with self._ctx.read() as session:
            return self._detail(session, self._load(session, unit_id))

    @requires(P.UNITS_VIEW)
    def get_by_guid(self, guid: str) -> UnitDetail:
        with self._ctx.read() as session:
            unit = session.scalar(select(Unit).where(Unit.qr_code_guid == parse_guid_or_url(guid)))
            if unit is None:
                raise NotFound("No unit has that QR code.")
            return self._detail(session, unit)

    @requires(P.UNITS_VIEW)
    def list_ids(self, query: ListQuery) -> list[int]:
        """Ids of the units matching ``query``, in display order (searched and sorted in SQL).

        The search words match the unit (label, serial, model, maker, type, site, QR code)
        and its customer (name, phones, e-mails), in any order. Filters: see ``_FILTERS``.
        """
        haystack = Unit.search_text.concat(literal(" ")).concat(func.coalesce(Customer.search_text, ""))
        stmt = select(Unit.id).outerjoin(Customer, Customer.id == Unit.customer_id)
        if query.text:
            stmt = stmt.where(matches_all(haystack, query.text))
        if not query.include_inactive:
            stmt = stmt.where(Unit.active.is_(True))
        stmt = apply_filters(stmt, query, _filters(self._ctx.today()))
        if query.sort in ("warranty", "next_maintenance"):
            return self._ids_by_computed_date(stmt, query.sort, query.descending)
        label = func.coalesce(func.nullif(Unit.location, ""), Unit.serial_number)
        sorts = {
            "label": label,
            "serial": Unit.serial_number,
            "customer": Customer.display_name,
            "city": Unit.city,
            "installed": Unit.installed_at,
            "maintained": Unit.maintained_at,
            "model": DeviceModel.name,
            "type": DeviceType.name,
        }
        key = sorts.get(query.sort, label)
        if query.sort in ("model", "type"):
            stmt = stmt.join(DeviceModel, DeviceModel.id == Unit.device_model_id)
            if query.sort == "type":
                stmt = stmt.join(DeviceType, DeviceType.id == DeviceModel.device_type_id)
        order = key.desc() if query.descending else key.asc()
        # Blanks (stock units, no date) last either way, on both databases; then the label,
        # so that the units of one customer read in order.
        keys = [order.nulls_last()]
        if query.sort in ("customer", "city", "installed", "maintained", "model", "type"):
            keys.append(label.desc() if query.descending else label.asc())
        keys.append(Unit.id.desc() if query.descending else Unit.id.asc())
        with self._ctx.read() as session:
            return list(session.scalars(stmt.order_by(*keys)))

    def _ids_by_computed_date(self, stmt: Select[Any], sort: str, descending: bool) -> list[int]:
        """Warranty expiry and the next maintenance are computed, not stored, so these two
        sorts happen in Python (units without the date last)."""
        rows_stmt = stmt.with_only_columns(
            Unit.id, Unit.installed_at, Unit.warranty_months, Unit.maintenance_frequency, Unit.maintained_at
        )
        with self._ctx.read() as session:
            rows = session.execute(rows_stmt).all()

        def computed(r: Any) -> date | None:
            if sort == "warranty":
                return warranty_expires_at(r[1], r[2])
            return maintenance_dates(r[3], r[4], r[1]).next

        dated = sorted(((computed(r), r[0]) for r in rows if computed(r) is not None), reverse=descending)
        blank = sorted((r[0] for r in rows if computed(r) is None), reverse=descending)
        return [unit_id for _day, unit_id in dated] + blank

    @requires(P.UNITS_VIEW)
    def rows(self, ids: Sequence[int]) -> list[UnitRow]:
        """List rows for ``ids`` in the same order."""
        if not ids:
            return []
        today = self._ctx.today()
        group_size = (
            select(Unit.link_group_id, func.count(Unit.id).label("n"))
            .where(Unit.link_group_id.is_not(None))
            .group_by(Unit.link_group_id)
            .subquery()
        )
        stmt = (
            select(
                Unit,
                DeviceModel.name,
                Manufacturer.name,
                DeviceType.name,
                Customer.display_name,
                Customer.customer_type,
                group_size.c.n,
            )
            .join(DeviceModel, DeviceModel.id == Unit.device_model_id)
            .join(Manufacturer, Manufacturer.id == DeviceModel.manufacturer_id)
            .join(DeviceType, DeviceType.id == DeviceModel.device_type_id)
            .outerjoin(Customer, Customer.id == Unit.customer_id)
            .outerjoin(group_size, group_size.c.link_group_id == Unit.link_group_id)
            .where(Unit.id.in_(ids))
        )
        with self._ctx.read() as session:
            found = {}
            for unit, model, maker, kind, cname, ctype, gsize in session.execute(stmt):
                maintenance = maintenance_dates(unit.maintenance_frequency, unit.maintained_at, unit.installed_at)
                found[unit.id] = UnitRow(
                    id=unit.id,
                    label=friendly_label(unit.location, unit.serial_number, model),
                    serial_number=unit.serial_number,
                    model=f"{maker} {model}",
                    device_type=kind,
                    customer_id=unit.customer_id,
                    customer_name=cname or "",
                    customer_type=ctype or "",
                    city=unit.city,
                    installed_at=unit.installed_at,
                    warranty_expires_at=warranty_expires_at(unit.installed_at, unit.warranty_months),
                    warranty_state=warranty_state(unit.installed_at, unit.warranty_months, today).value,
                    link_group_size=gsize or 0,
                    qr_code_guid=unit.qr_code_guid,
                    active=unit.active,
                    maintained_at=unit.maintained_at,
                    next_maintenance_at=maintenance.next,
                    maintenance_overdue=maintenance.overdue(today),
                )
        return [found[i] for i in ids if i in found]

    @requires(P.UNITS_VIEW)
    def ownership_history(self, unit_id: int) -> list[OwnershipPeriod]:
        owner = aliased(Customer)
        stmt = (
            select(UnitOwnership, owner.display_name)
            .outerjoin(owner, owner.id == UnitOwnership.customer_id)
            .where(UnitOwnership.unit_id == unit_id)
            .order_by(UnitOwnership.started_at, UnitOwnership.id)
        )
        with self._ctx.read() as session:
            return [
                OwnershipPeriod(o.customer_id, name or "(stock)", o.started_at, o.ended_at, o.note, o.changed_by)
                for o, name in session.execute(stmt)
            ]

    @requires(P.UNITS_VIEW)
    def linked_unit_ids(self, unit_id: int) -> list[int]:
        """The other units in this unit's linked group."""
        with self._ctx.read() as session:
            unit = self._load(session, unit_id)
            if unit.link_group_id is None:
                return []
            return list(
                session.scalars(
                    select(Unit.id)
                    .where(Unit.link_group_id == unit.link_group_id, Unit.id != unit.id)
                    .order_by(Unit.id)
                )
            )

    @requires(P.UNITS_VIEW)
    def count(self) -> int:
        with self._ctx.read() as session:
            return session.scalar(select(func.count()).select_from(Unit)) or 0

    # ----------------------------------------------------------------- writing
    @requires(P.UNITS_CREATE)
    def create(self, data: UnitInput) -> UnitDetail:
        fields = validate_unit(data, self._ctx.today())
        with self._ctx.write() as session:
            unit = self.create_in(session, fields)
            return self._detail(session, unit)

    @requires(P.UNITS_CREATE)
    def create_in(self, session: Session, fields: UnitFields, *, guid: str | None = None) -> Unit:
        """Insert a validated unit in an open transaction; opens its first ownership period."""
        model = self._model(session, fields.device_model_id)
        if fields.customer_id is not None:
            self._customer(session, fields.customer_id)
        unit = Unit(qr_code_guid=guid or new_guid())
        for name, value in _fields_values(fields).items():
            setattr(unit, name, value)
        session.add(unit)
        session.flush()
        unit.search_text = _unit_search_text(unit, model)
        session.flush()
        session.add(
            UnitOwnership(
                unit_id=unit.id,
                customer_id=unit.customer_id,
                started_at=self._ctx.now(),
                note="created",
                changed_by=self._ctx.actor.username,
            )
        )
        audit.record(
            session,
            self._ctx,
            "unit",
            unit.id,
            "create",
            audit.diff({}, {**_fields_values(fields), "qr_code_guid": unit.qr_code_guid}),
        )
        return unit

    @requires(P.UNITS_EDIT)
    def update(self, unit_id: int, data: UnitInput, expected_version: int) -> UnitDetail:
        """Save an edit; the owner changes only through ``transfer`` (which keeps history)."""
        fields = validate_unit(data, self._ctx.today())
        with self._ctx.write() as session:
            unit = self._load(session, unit_id, for_update=True)
            if unit.version != expected_version:
                raise ConcurrencyConflict("unit", unit_id, self._detail(session, unit))
            if fields.customer_id != unit.customer_id:
                raise ValidationError({"customer_id": "Use Transfer to give the unit to another customer."})
            model = self._model(session, fields.device_model_id)
            changes = audit.diff(_values(unit), _fields_values(fields))
            if changes:
                for name, value in _fields_values(fields).items():
                    setattr(unit, name, value)
                unit.search_text = _unit_search_text(unit, model)
                session.flush()
                audit.record(session, self._ctx, "unit", unit.id, "update", changes)
            return self._detail(session, unit)

    @requires(P.UNITS_EDIT)
    def transfer(self, unit_id: int, customer_id: int | None, expected_version: int, note: str = "") -> UnitDetail:
        """Give the unit to another customer (or back to stock), keeping its history.

        The current ownership period is closed and a new one opened. A link group is
        one customer's system, so the unit leaves its group.
        """
        if len(note) > 500:
            raise ValidationError({"note": "At most 500 characters."})
        with self._ctx.write() as session:
            unit = self._load(session, unit_id, for_update=True)
            if unit.version != expected_version:
                raise ConcurrencyConflict("unit", unit_id, self._detail(session, unit))
            if customer_id == unit.customer_id:
                raise ValidationError({"customer_id": "The unit already belongs to this customer."})
            if customer_id is not None:
                target = self._customer(session, customer_id)
                if not target.active:
                    raise ValidationError({"customer_id": "That customer is deactivated."})
            now = self._ctx.now()
            session.execute(
                update(UnitOwnership)
                .where(UnitOwnership.unit_id == unit.id, UnitOwnership.ended_at.is_(None))
                .values(ended_at=now)
            )
            session.add(
                UnitOwnership(
                    unit_id=unit.id,
                    customer_id=customer_id,
                    started_at=now,
                    note=note.strip(),
                    changed_by=self._ctx.actor.username,
                )
            )
            before = unit.customer_id
            self._leave_group(session, unit)
            unit.customer_id = customer_id
            session.flush()
            audit.record(
                session,
                self._ctx,
                "unit",
                unit.id,
                "transfer",
                {"customer_id": [before, customer_id], "note": [None, note.strip()]},
            )
            return self._detail(session, unit)

    @requires(P.UNITS_EDIT)
    def link(self, unit_id: int, other_unit_id: int) -> UnitDetail:
        """Link two units of the same customer into one system (groups merge)."""
        if unit_id == other_unit_id:
            raise ValidationError({"other_unit_id": "A unit cannot be linked to itself."})
        with self._ctx.write() as session:
            unit = self._load(session, unit_id, for_update=True)
            other = self._load(session, other_unit_id, for_update=True)
            if unit.customer_id is None or unit.customer_id != other.customer_id:
                raise ValidationError({"other_unit_id": "Only units of the same customer can be linked."})
            if unit.link_group_id is not None and unit.link_group_id == other.link_group_id:
                raise ValidationError({"other_unit_id": "These units are already linked."})
            if unit.link_group_id is None and other.link_group_id is None:
                group = UnitLinkGroup(customer_id=unit.customer_id, created_at=self._ctx.now())
                session.add(group)
                session.flush()
                unit.link_group_id = other.link_group_id = group.id
            elif unit.link_group_id is None:
                unit.link_group_id = other.link_group_id
            elif other.link_group_id is None:
                other.link_group_id = unit.link_group_id
            else:  # merge the other's group into this one
                old = other.link_group_id
                session.execute(
                    update(Unit)
                    .where(Unit.link_group_id == old)
                    .values(link_group_id=unit.link_group_id, updated_at=self._ctx.now())
                )
                session.expire_all()
                session.flush()
                session.execute(delete(UnitLinkGroup).where(UnitLinkGroup.id == old))
            session.flush()
            audit.record(session, self._ctx, "unit", unit_id, "link", {"linked_to": [None, other_unit_id]})
            return self._detail(session, self._load(session, unit_id))

    @requires(P.UNITS_EDIT)
    def unlink(self, unit_id: int) -> UnitDetail:
        with self._ctx.write() as session:
            unit = self._load(session, unit_id, for_update=True)
            if unit.link_group_id is None:
                raise ValidationError({"link_group_id": "This unit is not linked."})
            group = unit.link_group_id
            self._leave_group(session, unit)
            session.flush()
            audit.record(session, self._ctx, "unit", unit_id, "unlink", {"link_group_id": [group, None]})
            return self._detail(session, unit)

    @requires_any(P.UNITS_EDIT, P.UNITS_DELETE)
    def set_active(self, unit_id: int, active: bool, expected_version: int) -> UnitDetail:
        """Retire a unit (its QR then answers not-found) or bring it back; history is kept."""
        self._ctx.actor.require(P.UNITS_EDIT if active else P.UNITS_DELETE)
        with self._ctx.write() as session:
            unit = self._load(session, unit_id, for_update=True)
            if unit.version != expected_version:
                raise ConcurrencyConflict("unit", unit_id, self._detail(session, unit))
            if unit.active != active:
                if not active:
                    self._leave_group(session, unit)
                unit.active = active
                session.flush()
                audit.record(
                    session,
                    self._ctx,
                    "unit",
                    unit_id,
                    "reactivate" if active else "retire",
                    {"active": [not active, active]},
                )
            return self._detail(session, unit)

    @requires(P.UNITS_CREATE)
    def create_blank_labels(self, count: int) -> list[str]:
        """Reserve ``count`` new GUIDs for pre-printed stickers (bound to units later)."""
        if count < 1 or count > MAX_BLANK_LABELS:
            raise ValidationError({"count": f"Between 1 and {MAX_BLANK_LABELS} labels at a time."})
        guids = [new_guid() for _ in range(count)]
        with self._ctx.write() as session:
            now = self._ctx.now()
            session.execute(
                insert(BlankQrLabel),
                [{"guid": g, "created_at": now, "created_by": self._ctx.actor.username} for g in guids],
            )
            audit.record(session, self._ctx, "blank_qr_label", f"{guids[0]}…", "create_batch", {"count": [None, count]})
        return guids

    @requires(P.UNITS_EDIT)
    def bind_blank_label(self, unit_id: int, pasted: str, expected_version: int) -> UnitDetail:
        """Bind a pre-printed label (its URL or GUID pasted) to a unit.

        The unit answers to the label's GUID from now on; its previous GUID is retired.
        """
        guid = parse_guid_or_url(pasted)
        with self._ctx.write() as session:
            unit = self._load(session, unit_id, for_update=True)
            if unit.version != expected_version:
                raise ConcurrencyConflict("unit", unit_id, self._detail(session, unit))
            label = session.scalar(select(BlankQrLabel).where(BlankQrLabel.guid == guid).with_for_update())
            if label is None:
                if session.scalar(select(Unit.id).where(Unit.qr_code_guid == guid)) is not None:
                    raise ValidationError({"guid": "That sticker already belongs to a unit."})
                raise ValidationError({"guid": "That code is not one of our blank labels."})
            if label.bound_unit_id is not None:
                raise ValidationError({"guid": f"That label is already bound to unit #{label.bound_unit_id}."})
            old = unit.qr_code_guid
            session.add(RetiredQrCode(guid=old, unit_id=unit.id, retired_at=self._ctx.now()))
            unit.qr_code_guid = guid
            unit.search_text = _unit_search_text(unit, self._model(session, unit.device_model_id))
            label.bound_unit_id = unit.id
            label.bound_at = self._ctx.now()
            session.flush()
            audit.record(session, self._ctx, "unit", unit.id, "bind_label", {"qr_code_guid": [old, guid]})
            return self._detail(session, unit)

    # ----------------------------------------------------------------- helpers
    def _leave_group(self, session: Session, unit: Unit) -> None:
        """Take the unit out of its group; a group left with one unit is dissolved."""
        group = unit.link_group_id
        if group is None:
            return
        unit.link_group_id = None
        session.flush()
        remaining = session.scalars(select(Unit).where(Unit.link_group_id == group)).all()
        if len(remaining) < 2:
            for other in remaining:
                other.link_group_id = None
            session.flush()
            session.execute(delete(UnitLinkGroup).where(UnitLinkGroup.id == group))

    def _load(self, session: Session, unit_id: int, *, for_update: bool = False) -> Unit:
        stmt = select(Unit).where(Unit.id == unit_id)
        if for_update:
            stmt = stmt.with_for_update()
        unit = session.scalar(stmt)
        if unit is None:
            raise NotFound(f"Unit #{unit_id} does not exist.")
        return unit

    @staticmethod
    def _model(session: Session, model_id: int) -> DeviceModel:
        model = session.get(DeviceModel, model_id)
        if model is None:
            raise ValidationError({"device_model_id": "That device model does not exist."})
        return model

    @staticmethod
    def _customer(session: Session, customer_id: int) -> Customer:
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise ValidationError({"customer_id": f"Customer #{customer_id} does not exist."})
        return customer

    def _detail(self, session: Session, unit: Unit) -> UnitDetail:
        model = self._model(session, unit.device_model_id)
        customer = session.get(Customer, unit.customer_id) if unit.customer_id else None
        base = read_setting(session, "public_base_url")
        return UnitDetail(
            id=unit.id,
            qr_code_guid=unit.qr_code_guid,
            public_url=public_url(base, unit.qr_code_guid),
            device_model_id=model.id,
            model=f"{model.manufacturer.name} {model.name}",
            device_type=model.device_type.name,
            customer_id=unit.customer_id,
            customer_name=customer.display_name if customer else "",
            link_group_id=unit.link_group_id,
            serial_number=unit.serial_number,
            location=unit.location,
            label=friendly_label(unit.location, unit.serial_number, model.name),
            address=unit.address,
            city=unit.city,
            postcode=unit.postcode,
            installed_at=unit.installed_at,
            warranty_months=unit.warranty_months,
            warranty_expires_at=warranty_expires_at(unit.installed_at, unit.warranty_months),
            warranty_state=warranty_state(unit.installed_at, unit.warranty_months, self._ctx.today()).value,
            maintenance_frequency=unit.maintenance_frequency,
            serviced_at=unit.serviced_at,
            maintained_at=unit.maintained_at,
            notes=unit.notes,
            active=unit.active,
            version=unit.version,
            next_maintenance_at=maintenance_dates(
                unit.maintenance_frequency, unit.maintained_at, unit.installed_at
            ).next,
        )
