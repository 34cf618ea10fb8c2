from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.factories import as_role, make_customer, make_model, make_unit
from tuffops_desktop.db.models import AuditEntry, RetiredQrCode
from tuffops_desktop.domain.errors import ConcurrencyConflict, PermissionDenied, ValidationError
from tuffops_desktop.domain.permissions import Role
from tuffops_desktop.domain.units import UnitInput
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.listing import ListQuery, Ref
from tuffops_desktop.services.registry import build_services


def _edit(u, **changes):
    values = dict(
        device_model_id=u.device_model_id,
        customer_id=u.customer_id,
        serial_number=u.serial_number,
        location=u.location,
        address=u.address,
        city=u.city,
        postcode=u.postcode,
        installed_at=u.installed_at,
        warranty_months=u.warranty_months,
        maintenance_frequency=u.maintenance_frequency,
        notes=u.notes,
    )
    values.update(changes)
    return UnitInput(**values)


def test_new_unit_gets_a_random_guid_and_public_url(services):
    services.settings.update({"public_base_url": "https://svc.example.com/"})
    u = make_unit(services, customer_id=make_customer(services).id)
    assert u.public_url == f"https://svc.example.com/u/{u.qr_code_guid}"
    assert make_unit(services).qr_code_guid != u.qr_code_guid


def test_warranty_expiry_is_computed_not_stored(services):
    fixed = build_services(
        ServiceContext(
            db=services.ctx.db, actor=services.ctx.actor, clock=lambda: datetime(2026, 11, 24, 12, tzinfo=UTC)
        )
    )
    u = make_unit(fixed, installed_at=date(2024, 1, 31), warranty_months=36)
    assert u.warranty_expires_at == date(2027, 1, 31)
    assert u.warranty_state == "active"
    u2 = fixed.units.update(u.id, _edit(u, warranty_months=24), u.version)
    assert u2.warranty_expires_at == date(2026, 1, 31) and u2.warranty_state == "expired"


def test_stock_unit_then_transfer_keeps_history(services):
    ann, bob = make_customer(services), make_customer(services, first_name="Bob")
    u = make_unit(services)  # stock
    u = services.units.transfer(u.id, ann.id, u.version, note="sold")
    u = services.units.transfer(u.id, bob.id, u.version, note="house sold")
    history = services.units.ownership_history(u.id)
    assert [h.customer_name for h in history] == ["(stock)", "Ann Liburd", "Bob Liburd"]
    assert history[0].ended_at is not None and history[1].ended_at is not None and history[2].ended_at is None
    assert history[2].note == "house sold"
    assert services.units.get(u.id).customer_id == bob.id


def test_customer_changes_only_through_transfer(services):
    ann, bob = make_customer(services), make_customer(services, first_name="Bob")
    u = make_unit(services, customer_id=ann.id)
    with pytest.raises(ValidationError):
        services.units.update(u.id, _edit(u, customer_id=bob.id), u.version)


def test_stale_unit_edit_is_refused(services):
    u = make_unit(services)
    services.units.update(u.id, _edit(u, location="Roof"), u.version)
    with pytest.raises(ConcurrencyConflict):
        services.units.update(u.id, _edit(u, location="Basement"), u.version)
    assert services.units.get(u.id).location == "Roof"


def test_linking_forms_one_group_and_merges_groups(services):
    c = make_customer(services)
    a, b, x, y = (make_unit(services, customer_id=c.id, serial_number=s) for s in "ABXY")
    services.units.link(a.id, b.id)
    services.units.link(x.id, y.id)
    services.units.link(b.id, x.id)  # merges the two groups
    assert sorted(services.units.linked_unit_ids(a.id)) == sorted([b.id, x.id, y.id])
    rows = services.units.rows([a.id])
    assert rows[0].link_group_size == 4
    services.units.unlink(y.id)
    assert sorted(services.units.linked_unit_ids(a.id)) == sorted([b.id, x.id])
    group = services.units.get(a.id).link_group_id
    assert services.units.list_ids(ListQuery(filters={"link_group": Ref(group)})) == sorted([a.id, b.id, x.id])


def test_links_are_for_one_customers_units_only(services):
    a = make_unit(services, customer_id=make_customer(services).id)
    b = make_unit(services, customer_id=make_customer(services, first_name="Bob").id)
    stock = make_unit(services)
    with pytest.raises(ValidationError):
        services.units.link(a.id, b.id)
    with pytest.raises(ValidationError):
        services.units.link(stock.id, a.id)
    with pytest.raises(ValidationError):
        services.units.link(a.id, a.id)


def test_transfer_takes_the_unit_out_of_its_group(services):
    c, other = make_customer(services), make_customer(services, first_name="Bob")
    a, b = make_unit(services, customer_id=c.id), make_unit(services, customer_id=c.id, serial_number="B")
    services.units.link(a.id, b.id)
    a = services.units.get(a.id)
    services.units.transfer(a.id, other.id, a.version)
    assert services.units.get(a.id).link_group_id is None
    assert services.units.get(b.id).link_group_id is None  # a group of one dissolves


def test_binding_a_blank_label_retires_the_old_guid(services):
    u = make_unit(services)
    old = u.qr_code_guid
    guid = services.units.create_blank_labels(3)[0]
    bound = services.units.bind_blank_label(u.id, f"https://svc.example.com/u/{guid}", u.version)
    assert bound.qr_code_guid == guid
    assert services.units.get_by_guid(guid).id == u.id
    with services.ctx.read() as s:
        assert s.get(RetiredQrCode, old).unit_id == u.id
    other = make_unit(services, serial_number="Z")
    with pytest.raises(ValidationError, match="already bound"):
        services.units.bind_blank_label(other.id, guid, other.version)
    with pytest.raises(ValidationError, match="not one of our blank labels"):
        services.units.bind_blank_label(other.id, "5a0a0a0a-0000-4000-8000-000000000000", other.version)
    with pytest.raises(ValidationError, match="already belongs to a unit"):
        services.units.bind_blank_label(other.id, other.qr_code_guid, other.version)


def test_search_finds_units_by_customer_phone_serial_label_and_guid(services):
    services.settings.update({"phone_default_region": "KN", "phone_default_area_code": "869"})
    ann = make_customer(services, phones="5551234", address="12 Bay Road")
    u = make_unit(services, customer_id=ann.id, serial_number="QX-998877", location="Kitchen cooler")
    other = make_unit(services, serial_number="ZZ-1", location="Roof")
    find = lambda t: services.units.list_ids(ListQuery(text=t))  # noqa: E731
    assert find("555 1234") == [u.id]
    assert find("qx-998877") == [u.id]
    assert find("cooler kitchen") == [u.id]
    assert find(u.qr_code_guid[:13]) == [u.id]
    assert find("liburd") == [u.id]
    assert find("stock") == []
    assert services.units.list_ids(ListQuery(filters={"customer": Ref(None)})) == [other.id]


def test_warranty_sort_uses_the_computed_expiry(services):
    m = make_model(services)
    late = make_unit(services, model=m, installed_at=date(2025, 1, 1), warranty_months=12, serial_number="L")
    early = make_unit(services, model=m, installed_at=date(2020, 1, 1), warranty_months=60, serial_number="E")
    none = make_unit(services, model=m, serial_number="N")
    # 2020 + 60 months = 2025-01-01 < 2025 + 12 months = 2026-01-01
    assert services.units.list_ids(ListQuery(sort="warranty")) == [early.id, late.id, none.id]


def test_retired_unit_is_hidden_and_audited(services):
    u = make_unit(services)
    services.units.set_active(u.id, False, u.version)
    assert services.units.list_ids(ListQuery()) == []
    with services.ctx.read() as s:
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.entity == "unit")).all()
    assert actions == ["create", "retire"]


def test_unit_permissions(services):
    u = make_unit(services)
    with pytest.raises(PermissionDenied):
        as_role(services, Role.READ_ONLY).units.update(u.id, _edit(u, location="x"), u.version)
    with pytest.raises(PermissionDenied):
        as_role(services, Role.TECHNICIAN).units.list_ids(ListQuery())
    with pytest.raises(PermissionDenied):
        as_role(services, Role.OFFICE).units.set_active(u.id, False, u.version)


def test_default_sort_tells_units_apart_customer_then_label_stock_last(services):
    m = make_model(services)
    zoe = make_customer(services, first_name="Zoe", last_name="Zed")
    amy = make_customer(services, first_name="Amy", last_name="Able")
    z_b = make_unit(services, zoe.id, model=m, location="B roof")
    a_c = make_unit(services, amy.id, model=m, location="C kitchen")
    stock = make_unit(services, None, model=m, location="A shelf")
    a_a = make_unit(services, amy.id, model=m, location="A lobby")
    z_a = make_unit(services, zoe.id, model=m, location="A hall")
    assert services.units.list_ids(ListQuery(sort="customer")) == [a_a.id, a_c.id, z_a.id, z_b.id, stock.id]
    assert services.units.list_ids(ListQuery(sort="customer", descending=True)) == [
        z_b.id,
        z_a.id,
        a_c.id,
        a_a.id,
        stock.id,
    ]


def test_last_and_next_maintenance_in_rows_detail_and_sort(services):
    from tuffops_desktop.db.models import Unit

    m = make_model(services)
    quarterly = make_unit(
        services, model=m, location="Q", maintenance_frequency="quarterly", installed_at=date(2025, 1, 15)
    )
    yearly = make_unit(services, model=m, location="Y", maintenance_frequency="annual", installed_at=date(2025, 6, 1))
    never = make_unit(services, model=m, location="N")
    with services.ctx.write() as session:
        session.get(Unit, quarterly.id).maintained_at = date(2026, 3, 1)
    rows = {r.id: r for r in services.units.rows([quarterly.id, yearly.id, never.id])}
    assert (rows[quarterly.id].maintained_at, rows[quarterly.id].next_maintenance_at) == (
        date(2026, 3, 1),
        date(2026, 6, 1),
    )
    assert (rows[yearly.id].maintained_at, rows[yearly.id].next_maintenance_at) == (None, date(2026, 6, 1))
    assert rows[never.id].next_maintenance_at is None
    assert services.units.get(quarterly.id).next_maintenance_at == date(2026, 6, 1)
    ordered = services.units.list_ids(ListQuery(sort="next_maintenance"))
    assert ordered.index(never.id) == len(ordered) - 1  # nothing due: last
    assert ordered.index(quarterly.id) < ordered.index(never.id) and ordered.index(yearly.id) < ordered.index(never.id)
    assert services.units.list_ids(ListQuery(sort="maintained"))[0] == quarterly.id  # dated first, blanks last
    assert rows[quarterly.id].maintenance_overdue == (services.ctx.today() > date(2026, 6, 1))
    assert not rows[never.id].maintenance_overdue
