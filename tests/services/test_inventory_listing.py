"""The Inventory page's services on both databases: the parts list (search, filters,
sorts, the low-stock flag, rows from the cached levels, costs hidden), a part's ledger in
blocks, and the edits of parts and locations with their refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.factories import as_role, make_customer, make_unit
from tuffops_desktop.db.models import AuditEntry, StockLevel, StockMovement
from tuffops_desktop.domain.errors import ConcurrencyConflict, PermissionDenied, ValidationError
from tuffops_desktop.domain.inventory import markup
from tuffops_desktop.domain.permissions import Role
from tuffops_desktop.services.listing import Flag, ListQuery, Ref, any_of
from tuffops_desktop.services.registry import Services

D = Decimal


def Q(**fields: object) -> ListQuery:  # noqa: N802 - reads like the ListQuery it makes
    """A parts-list query, by number unless told otherwise."""
    fields.setdefault("sort", "number")
    return ListQuery(**fields)  # type: ignore[arg-type]


def numbers(services: Services, query: ListQuery) -> list[str]:
    ids = services.inventory_listing.list_ids(query)
    return [r.number for r in services.inventory_listing.rows(ids)]


def set_minimum(services: Services, part_id: int, location_id: int, minimum: str | None) -> None:
    """The office's minimum for a part at a location (bin A-01)."""
    services.stock_control.set_levels(part_id, location_id, minimum, None, "A-01")


def order(services: Services, part_id: int, location_id: int, quantity: str) -> None:
    """An open supplier order (the incoming stock)."""
    services.stock_control.order(part_id, location_id, quantity, "Acme")


@pytest.fixture
def shop(services: Services) -> dict[str, int]:
    """Four parts (one deactivated), a warehouse and a van, some stock."""
    inv = services.inventory
    wh = inv.add_location("Warehouse").id
    van = inv.add_location("Van 1", "van").id
    cap = inv.add_part("CAP-35", "Run capacitor 35 uF", "each", manufacturer="Genteq", category="Electrical")
    cap = inv.update_part(
        cap.id,
        number="CAP-35",
        name="Run capacitor 35 uF",
        unit="each",
        manufacturer="Genteq",
        category="Electrical",
        price="18.00",
        cost="12.00",
        expected_version=cap.version,
    )
    flt = inv.add_part("FLT-20", "Pleated filter 20x20", "each", manufacturer="Flanders", category="Filters")
    ref = inv.add_part("R410A", "Refrigerant R-410A", "kg", manufacturer="Chemours", category="Refrigerant")
    old = inv.add_part("OLD_1", "Discontinued 100% relay", "each", category="Electrical")
    inv.receive(cap.id, wh, "10")
    inv.receive(cap.id, van, "2")
    inv.receive(flt.id, wh, "40")
    inv.receive(ref.id, van, "3.5")
    inv.set_part_active(old.id, False, services.inventory.part(old.id).version)
    return {"wh": wh, "van": van, "cap": cap.id, "flt": flt.id, "ref": ref.id, "old": old.id}


def test_search_every_word_any_field_any_case_wildcards_literal(services, shop):
    assert numbers(services, Q(text="capacitor genteq")) == ["CAP-35"]
    assert numbers(services, Q(text="FILTERS")) == ["FLT-20"]
    assert numbers(services, Q(text="r-410a chemours")) == ["R410A"]
    assert numbers(services, Q(text="capacitor flanders")) == []
    assert numbers(services, Q(text="100%")) == ["OLD_1"]
    assert numbers(services, Q(text="%")) == ["OLD_1"]  # a literal percent, not "anything"
    assert numbers(services, Q(text="d_1")) == ["OLD_1"]  # a literal underscore
    assert numbers(services, Q(text="ld_")) == ["OLD_1"]


def test_filters_category_active_location(services, shop):
    assert numbers(services, Q()) == ["CAP-35", "FLT-20", "OLD_1", "R410A"]
    assert numbers(services, Q(filters={"active": Flag(True)})) == ["CAP-35", "FLT-20", "R410A"]
    assert numbers(services, Q(filters={"active": Flag(False)})) == ["OLD_1"]
    electrical = Q(filters={"category": any_of("Electrical")})
    assert numbers(services, electrical) == ["CAP-35", "OLD_1"]
    assert numbers(services, Q(filters={"category": any_of("Filters", "Refrigerant")})) == ["FLT-20", "R410A"]
    assert numbers(services, Q(filters={"category": any_of()})) == []
    van = Q(filters={"location": Ref(shop["van"])})
    assert numbers(services, van) == ["CAP-35", "R410A"]  # only parts with a level there
    assert services.inventory_listing.categories() == ["Electrical", "Filters", "Refrigerant"]
    with pytest.raises(ValidationError):
        services.inventory_listing.list_ids(ListQuery(filters={"colour": any_of("red")}))
    with pytest.raises(ValidationError):
        services.inventory_listing.list_ids(ListQuery(sort="cost"))


def test_rows_total_every_location_or_show_the_filtered_one(services, shop):
    inv, listing = services.inventory, services.inventory_listing
    unit = make_unit(services, customer_id=make_customer(services).id)
    wo = services.work_orders.create(unit.id, "repair", "Not cooling")
    inv.reserve(shop["cap"], shop["wh"], wo.id, "3")
    order(services, shop["cap"], shop["wh"], "5")
    order(services, shop["cap"], shop["van"], "1")
    order(services, shop["cap"], shop["van"], "1")
    order(services, shop["flt"], shop["wh"], "100")
    cancelled = services.stock_control.order(shop["flt"], shop["wh"], "7")  # a cancelled order is not incoming
    services.stock_control.cancel_order(cancelled.id, cancelled.version)
    (total,) = listing.rows([shop["cap"]])
    assert (total.on_hand, total.reserved, total.available, total.incoming) == (D(12), D(3), D(9), D(7))
    (van,) = listing.rows([shop["cap"]], shop["van"])
    assert (van.on_hand, van.reserved, van.available, van.incoming) == (D(2), D(0), D(2), D(2))
    (flt,) = listing.rows([shop["flt"]])
    assert flt.incoming == D(100)
    assert total.price == D("18.00") and total.cost == D("12.00") and total.markup == D("0.5000")
    rows = listing.rows([shop["ref"], 999_999, shop["cap"]])
    assert [r.number for r in rows] == ["R410A", "CAP-35"]  # order asked, missing ids left out
    (ref,) = listing.rows([shop["ref"]])
    assert ref.unit == "kg" and ref.on_hand == D("3.5") and ref.price is None and ref.markup is None
    assert listing.rows([]) == []


def test_stock_sorts_in_sql_with_and_without_a_location(services, shop):
    on_hand = Q(sort="on_hand")
    assert numbers(services, on_hand) == ["OLD_1", "R410A", "CAP-35", "FLT-20"]  # 0, 3.5, 12, 40
    assert numbers(services, Q(sort="on_hand", descending=True)) == ["FLT-20", "CAP-35", "R410A", "OLD_1"]
    van = Q(sort="on_hand", descending=True, filters={"location": Ref(shop["van"])})
    assert numbers(services, van) == ["R410A", "CAP-35"]  # 3.5, 2
    unit = make_unit(services, customer_id=make_customer(services).id)
    wo = services.work_orders.create(unit.id, "repair", "Not cooling")
    services.inventory.reserve(shop["flt"], shop["wh"], wo.id, "39")
    # available: FLT 1, CAP 12, R410A 3.5, OLD 0
    assert numbers(services, Q(sort="available")) == ["OLD_1", "FLT-20", "R410A", "CAP-35"]
    assert numbers(services, Q(sort="name")) == ["OLD_1", "FLT-20", "R410A", "CAP-35"]
    assert numbers(services, Q(sort="category", descending=True))[:2] == ["R410A", "FLT-20"]
    assert numbers(services, Q(sort="number", descending=True)) == ["R410A", "OLD_1", "FLT-20", "CAP-35"]


def test_first_ids_count_and_prefix(services, shop):
    first = services.inventory_listing.first_ids(Q(), 2)
    assert first.total == 4 and first.ids == services.inventory_listing.list_ids(Q())[:2]
    assert not first.complete
    assert services.inventory_listing.first_ids(ListQuery(text="cap"), 10).total == 1


def test_low_stock_flag_and_filter_count_reservations_and_orders(services, shop):
    listing = services.inventory_listing
    low = Q(filters={"low": Flag(True)})
    assert numbers(services, low) == []
    set_minimum(services, shop["cap"], shop["wh"], "8")  # 10 on hand: fine
    set_minimum(services, shop["flt"], shop["van"], "5")  # a minimum where none is kept: low
    assert numbers(services, low) == ["FLT-20"]
    unit = make_unit(services, customer_id=make_customer(services).id)
    wo = services.work_orders.create(unit.id, "repair", "Not cooling")
    services.inventory.reserve(shop["cap"], shop["wh"], wo.id, "3")  # 10 − 3 = 7 < 8
    assert numbers(services, low) == ["CAP-35", "FLT-20"]
    order(services, shop["cap"], shop["wh"], "1")  # 7 + 1 on order = 8: no longer low
    assert numbers(services, low) == ["FLT-20"]
    assert [r.low for r in listing.rows(listing.list_ids(Q()))] == [False, True, False, False]
    at_warehouse = Q(filters={"low": Flag(True), "location": Ref(shop["wh"])})
    assert numbers(services, at_warehouse) == []
    assert numbers(services, Q(filters={"low": Flag(False)})) == ["CAP-35", "OLD_1", "R410A"]
    (flt_wh,) = listing.rows([shop["flt"]], shop["wh"])
    assert not flt_wh.low  # low at the van only
    # short: a count left less than is reserved (no minimum needed)
    services.inventory.reserve(shop["ref"], shop["van"], wo.id, "3")
    with services.ctx.write() as session:
        session.get_one(StockLevel, (shop["ref"], shop["van"])).on_hand = D("2")
    assert "R410A" in numbers(services, low)
    # a deactivated location is not watched
    old_van = services.inventory.add_location("Old van", "van").id
    set_minimum(services, shop["flt"], old_van, "2")
    set_minimum(services, shop["flt"], shop["van"], None)
    assert "FLT-20" in numbers(services, low)
    services.inventory.set_location_active(old_van, False)
    assert "FLT-20" not in numbers(services, low)
    assert not services.inventory.part(shop["flt"]).stock[-1].low


def test_costs_hidden_without_the_permission(services, shop):
    tech = as_role(services, Role.TECHNICIAN, "tess")
    (row,) = tech.inventory_listing.rows([shop["cap"]])
    assert row.price == D("18.00") and row.cost is None and row.markup is None
    detail = tech.inventory.part(shop["cap"])
    assert detail.cost is None and detail.markup is None and not detail.costs_shown
    office = as_role(services, Role.OFFICE, "olivia")
    assert office.inventory.part(shop["cap"]).cost == D("12.00")
    with pytest.raises(PermissionDenied):
        tech.inventory.update_part(shop["cap"], number="CAP-35", name="x", unit="each", expected_version=detail.version)


def test_markup_rule():
    assert markup(D("12.00"), D("18.00")) == D("0.5000")
    assert markup(D("3.00"), D("2.00")) == D("-0.3333")
    assert markup(None, D("2")) is None and markup(D("2"), None) is None and markup(D("0"), D("5")) is None


def test_ledger_newest_first_in_blocks_per_location(services, shop):
    inv, listing = services.inventory, services.inventory_listing
    unit = make_unit(services, customer_id=make_customer(services).id)
    wo = services.work_orders.create(unit.id, "repair", "Not cooling")
    inv.transfer(shop["cap"], shop["wh"], shop["van"], "4")
    inv.adjust(shop["cap"], shop["van"], "-1", "dropped")
    inv.reserve(shop["cap"], shop["van"], wo.id, "2")
    ids = listing.ledger_ids(shop["cap"])
    assert ids == sorted(ids, reverse=True) and len(ids) == 6
    rows = listing.ledger_rows(ids[:3])
    assert [(r.kind, r.location_name, r.quantity) for r in rows] == [
        ("reserve", "Van 1", D(2)),
        ("adjust", "Van 1", D(-1)),
        ("transfer_in", "Van 1", D(4)),
    ]
    assert rows[0].work_order_id == wo.id and rows[0].work_order_number.startswith("WO-")
    assert rows[1].reason == "dropped" and rows[1].by == "system"
    assert rows[2].other_location == "Warehouse"
    (out,) = listing.ledger_rows([ids[3]])
    assert (out.kind, out.quantity, out.other_location) == ("transfer_out", D(-4), "Van 1")
    at_wh = listing.ledger_ids(shop["cap"], shop["wh"])
    assert [r.kind for r in listing.ledger_rows(at_wh)] == ["transfer_out", "receive"]
    assert listing.ledger_rows([]) == []


def test_part_detail_stock_per_location(services, shop):
    set_minimum(services, shop["cap"], shop["wh"], "11")
    order(services, shop["cap"], shop["wh"], "2")
    order(services, shop["flt"], shop["van"], "6")  # on order where none was ever kept
    detail = services.inventory.part(shop["cap"])
    assert [(s.location_name, s.on_hand, s.incoming, s.minimum, s.bin, s.low) for s in detail.stock] == [
        ("Warehouse", D(10), D(2), D(11), "A-01", False),
        ("Van 1", D(2), D(0), None, "", False),
    ]
    assert (detail.on_hand, detail.available, detail.incoming) == (D(12), D(12), D(2))
    assert detail.markup == D("0.5000")
    flt = services.inventory.part(shop["flt"])
    assert [(s.location_name, s.on_hand, s.incoming) for s in flt.stock] == [
        ("Warehouse", D(40), D(0)),
        ("Van 1", D(0), D(6)),
    ]


def audit_rows(services: Services, entity: str, entity_id: int) -> list[tuple[str, dict]]:
    with services.ctx.read() as session:
        return [
            (a.action, a.changes)
            for a in session.scalars(
                select(AuditEntry)
                .where(AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id))
                .order_by(AuditEntry.id)
            )
        ]


def test_update_part_diff_audit_unique_number_and_versions(services, shop):
    inv = services.inventory
    before = inv.part(shop["flt"])
    after = inv.update_part(
        shop["flt"],
        number="FLT-20-1",
        name="Pleated filter 20x20x1",
        unit="each",
        manufacturer="Flanders",
        category="Filters",
        price="6.50",
        expected_version=before.version,
    )
    assert after.number == "FLT-20-1" and after.price == D("6.50") and after.version == before.version + 1
    action, changes = audit_rows(services, "part", shop["flt"])[-1]
    assert action == "update"
    assert changes == {
        "name": ["Pleated filter 20x20", "Pleated filter 20x20x1"],
        "number": ["FLT-20", "FLT-20-1"],
        "price": [None, "6.50"],
    }
    with pytest.raises(ConcurrencyConflict):  # the version seen before the edit
        inv.update_part(shop["flt"], number="X", name="Y", unit="each", expected_version=before.version)
    with pytest.raises(ValidationError) as taken:
        inv.update_part(shop["flt"], number="cap-35", name="Y", unit="each", expected_version=after.version)
    assert "already used" in taken.value.field_errors["number"]
    with pytest.raises(ValidationError) as bad:
        inv.update_part(shop["flt"], number=" ", name="Y", unit="crate", expected_version=after.version)
    assert set(bad.value.field_errors) == {"number"} or "unit" in bad.value.field_errors
    assert inv.part(shop["flt"]) == after  # nothing stored by the refusals
    same = inv.update_part(
        shop["flt"],
        number="FLT-20-1",
        name="Pleated filter 20x20x1",
        unit="each",
        manufacturer="Flanders",
        category="Filters",
        price="6.50",
        expected_version=after.version,
    )
    assert same.version == after.version  # no change, no new version, no audit row
    assert len(audit_rows(services, "part", shop["flt"])) == 3  # create, receive, update


def test_deactivating_a_part_refused_while_reserved_for_open_work_orders(services, shop):
    inv = services.inventory
    unit = make_unit(services, customer_id=make_customer(services).id)
    first = services.work_orders.create(unit.id, "repair", "Not cooling")
    second = services.work_orders.create(unit.id, "repair", "Noisy")
    inv.reserve(shop["cap"], shop["wh"], first.id, "1")
    inv.reserve(shop["cap"], shop["van"], second.id, "1")
    version = inv.part(shop["cap"]).version
    movements = ledger_count(services)
    with pytest.raises(ValidationError) as refused:
        inv.set_part_active(shop["cap"], False, version)
    assert "2 open work orders" in refused.value.message
    assert inv.part(shop["cap"]).active and ledger_count(services) == movements
    inv.release(shop["cap"], shop["wh"], first.id)
    with pytest.raises(ValidationError) as still:
        inv.set_part_active(shop["cap"], False, version)
    assert "1 open work order (WO-" in still.value.message
    inv.release(shop["cap"], shop["van"], second.id)
    off = inv.set_part_active(shop["cap"], False, version)
    assert not off.active and off.on_hand == D(12)  # keeps its stock and ledger
    assert len(services.inventory_listing.ledger_ids(shop["cap"])) == 6
    with pytest.raises(ValidationError):  # nothing more comes in for a part no longer stocked
        inv.receive(shop["cap"], shop["wh"], "1")
    on = inv.set_part_active(shop["cap"], True, off.version)
    assert on.active and audit_rows(services, "part", shop["cap"])[-1][0] == "activate"


def ledger_count(services: Services) -> int:
    with services.ctx.read() as session:
        return int(session.scalar(select(func.count()).select_from(StockMovement)) or 0)


def test_locations_edit_and_deactivate(services, shop):
    inv = services.inventory
    tess = services.users.add("tess", "longenough", "technician", full_name="Tess Tech")
    seen = next(x for x in inv.locations() if x.id == shop["van"])
    van = inv.update_location(shop["van"], "Van — Tess", "van", tess.id, seen=seen)
    assert (van.name, van.technician_id, van.technician_name) == ("Van — Tess", tess.id, "Tess Tech")
    assert audit_rows(services, "stock_location", shop["van"])[-1] == (
        "update",
        {"name": ["Van 1", "Van — Tess"], "technician_id": [None, tess.id]},
    )
    with pytest.raises(ConcurrencyConflict):  # edited meanwhile: the old view is refused
        inv.update_location(shop["van"], "Van 9", "van", None, seen=seen)
    with pytest.raises(ValidationError) as taken:
        inv.update_location(shop["van"], "warehouse", "van", None)
    assert "already" in taken.value.field_errors["name"]
    with pytest.raises(ValidationError):
        inv.update_location(shop["van"], "Van 2", "truck", None)
    with pytest.raises(ValidationError) as holds:
        inv.set_location_active(shop["van"], False)
    assert "holds stock of 2 parts" in holds.value.message
    inv.transfer(shop["cap"], shop["van"], shop["wh"], "2")
    inv.adjust(shop["ref"], shop["van"], "-3.5", "used up")
    off = inv.set_location_active(shop["van"], False)
    assert not off.active and not next(x for x in inv.locations() if x.id == shop["van"]).active
    with pytest.raises(ValidationError):
        inv.receive(shop["cap"], shop["van"], "1")
    assert inv.set_location_active(shop["van"], True).active


def test_view_only_users_cannot_edit(services, shop):
    auditor = as_role(services, Role.READ_ONLY, "aubrey")
    assert auditor.inventory_listing.list_ids(Q())
    with pytest.raises(PermissionDenied):
        auditor.inventory.set_location_active(shop["van"], False)
    with pytest.raises(PermissionDenied):
        auditor.inventory.set_part_active(shop["cap"], False, 1)
