from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.factories import as_role, make_customer, make_unit
from tuffops_desktop.db.models import AuditEntry, Customer
from tuffops_desktop.domain.customers import CustomerInput
from tuffops_desktop.domain.errors import ConcurrencyConflict, PermissionDenied, ValidationError
from tuffops_desktop.domain.permissions import Role
from tuffops_desktop.services.customers import IntegrationOwnsCustomers
from tuffops_desktop.services.listing import ListQuery, any_of


def _audit(services, entity="customer"):
    with services.ctx.read() as s:
        return s.scalars(select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id)).all()


def _edit(detail, **changes):
    values = dict(
        customer_type=detail.customer_type,
        first_name=detail.first_name,
        last_name=detail.last_name,
        company_name=detail.company_name,
        emails=list(detail.emails),
        phones=list(detail.phones),
        address=detail.address,
        city=detail.city,
        postcode=detail.postcode,
        country=detail.country,
        discount_rate=detail.discount_rate,
        default_sla_hours=detail.default_sla_hours,
        payment_terms_days=detail.payment_terms_days,
        remote_id=detail.remote_id or "",
        notes=detail.notes,
    )
    values.update(changes)
    return CustomerInput(**values)


def test_create_normalises_phones_with_company_defaults_and_writes_audit(services):
    services.settings.update({"phone_default_region": "KN", "phone_default_area_code": "869"})
    c = make_customer(services, phones="5551234", emails="Ann@Example.com", company_name="Sugar Bay")
    assert c.phones == ("+18695551234",)
    assert c.display_name == "Ann Liburd (Sugar Bay)"
    entry = _audit(services)[-1]
    assert (entry.action, entry.entity_id, entry.username) == ("create", str(c.id), "system")
    assert entry.changes["phones"] == [None, ["+18695551234"]]


def test_invalid_customer_stores_nothing(services):
    with pytest.raises(ValidationError):
        services.customers.create(CustomerInput(last_name="Only"))
    assert services.customers.count() == 0
    assert _audit(services) == []


def test_update_records_before_and_after(services):
    c = make_customer(services)
    updated = services.customers.update(c.id, _edit(c, city="Basseterre", discount_rate="10"), c.version)
    assert updated.city == "Basseterre" and updated.discount_rate == Decimal("10.00")
    assert updated.version == c.version + 1
    last = _audit(services)[-1]
    assert last.action == "update"
    assert last.changes == {"city": ["", "Basseterre"], "discount_rate": [None, "10.00"]}


def test_stale_edit_from_a_second_workstation_is_refused_not_applied(services):
    c = make_customer(services)
    first = services.customers.update(c.id, _edit(c, city="Cayon"), c.version)
    with pytest.raises(ConcurrencyConflict) as err:
        services.customers.update(c.id, _edit(c, city="Sandy Point"), c.version)  # opened before the first save
    assert err.value.current.city == "Cayon"
    assert services.customers.get(c.id).city == "Cayon"
    assert services.customers.get(c.id).version == first.version


def test_permissions_are_enforced_by_the_service(services):
    c = make_customer(services)
    reader = as_role(services, Role.READ_ONLY)
    assert reader.customers.get(c.id).id == c.id
    with pytest.raises(PermissionDenied):
        reader.customers.create(CustomerInput(first_name="X"))
    with pytest.raises(PermissionDenied):
        reader.customers.update(c.id, _edit(c, city="X"), c.version)
    with pytest.raises(PermissionDenied):
        as_role(services, Role.TECHNICIAN).customers.get(c.id)
    with pytest.raises(PermissionDenied):
        as_role(services, Role.OFFICE).customers.set_active(c.id, False, c.version)


def test_search_matches_words_in_any_order_and_phone_digits(services):
    services.settings.update({"phone_default_region": "KN", "phone_default_area_code": "869"})
    ann = make_customer(services, first_name="Ann", last_name="Liburd", phones="5551234", city="Basseterre")
    bob = make_customer(services, first_name="Bob", last_name="Browne", company_name="Sugar Bay", emails="bob@sugar.kn")
    ids = lambda text: services.customers.list_ids(ListQuery(text=text))  # noqa: E731
    assert ids("liburd ann") == [ann.id]
    assert ids("555 1234") == [ann.id]
    assert ids("SUGAR.KN") == [bob.id]
    assert ids("bay sugar") == [bob.id]
    assert ids("100%") == []  # LIKE wildcards are literal
    assert ids("") == sorted([ann.id, bob.id], key=lambda i: {ann.id: "Ann", bob.id: "Bob"}[i])


def test_sort_and_filter_happen_in_sql(services):
    a = make_customer(services, first_name="Zed", customer_type="commercial")
    b = make_customer(services, first_name="Amy", customer_type="residential")
    c = make_customer(services, first_name="Mia", customer_type="commercial")
    make_unit(services, customer_id=c.id)
    make_unit(services, customer_id=c.id, serial_number="B2")
    assert services.customers.list_ids(ListQuery(sort="name")) == [b.id, c.id, a.id]
    assert services.customers.list_ids(ListQuery(sort="name", descending=True)) == [a.id, c.id, b.id]
    assert services.customers.list_ids(ListQuery(filters={"type": any_of("commercial")})) == [c.id, a.id]
    assert services.customers.list_ids(ListQuery(sort="units", descending=True))[0] == c.id
    rows = services.customers.rows([a.id, c.id])
    assert [r.id for r in rows] == [a.id, c.id] and rows[1].unit_count == 2


def test_deactivated_customers_leave_the_list_but_keep_their_record(services):
    c = make_customer(services)
    services.customers.set_active(c.id, False, c.version)
    assert services.customers.list_ids(ListQuery()) == []
    assert services.customers.list_ids(ListQuery(include_inactive=True)) == [c.id]
    assert services.customers.get(c.id).active is False


def test_integration_owns_customers(services):
    c = make_customer(services, remote_id="QB-1")
    services.settings.set_readonly_value("customer_integration_enabled", True)
    with pytest.raises(IntegrationOwnsCustomers):
        services.customers.create(CustomerInput(first_name="New"))
    with pytest.raises(ValidationError) as err:
        services.customers.update(c.id, _edit(c, first_name="Renamed"), c.version)
    assert "first_name" in err.value.field_errors
    # Locally owned fields stay editable.
    assert services.customers.update(c.id, _edit(c, notes="Gate code 1234"), c.version).notes == "Gate code 1234"


def test_readonly_setting_cannot_be_edited_from_the_settings_page(services):
    with pytest.raises(ValidationError):
        services.settings.update({"customer_integration_enabled": True})
    assert "customer_integration_enabled" not in [s.name for s in services.settings.list()]


def test_upsert_by_remote_id_never_duplicates(services):
    records = [
        CustomerInput(first_name="Ann", remote_id="QB-1"),
        CustomerInput(company_name="Pelican Mall", remote_id="QB-2"),
    ]
    assert services.customers.upsert_external(records) == (2, 0)
    assert services.customers.upsert_external(
        [CustomerInput(first_name="Ann", last_name="Liburd", remote_id="QB-1")]
    ) == (0, 1)
    assert services.customers.upsert_external(records[1:]) == (0, 0)
    with services.ctx.read() as s:
        assert s.scalar(select(Customer).where(Customer.remote_id == "QB-1")).display_name == "Ann Liburd"
        assert len(s.scalars(select(Customer)).all()) == 2


def test_remote_id_is_unique(services):
    make_customer(services, remote_id="QB-7")
    with pytest.raises(ValidationError) as err:
        make_customer(services, first_name="Other", remote_id="QB-7")
    assert "remote_id" in err.value.field_errors
    assert services.customers.count() == 1


def test_payment_terms_are_kept_checked_and_audited(services):
    """A customer's own terms (net N days, 0 = on receipt); empty means the company default."""
    c = make_customer(services, payment_terms_days="45")
    assert services.customers.get(c.id).payment_terms_days == 45
    with pytest.raises(ValidationError) as err:
        services.customers.update(c.id, _edit(c, payment_terms_days="-1"), c.version)
    assert "payment_terms_days" in err.value.field_errors
    assert services.customers.get(c.id).payment_terms_days == 45
    c = services.customers.update(c.id, _edit(services.customers.get(c.id), payment_terms_days="0"), c.version)
    assert c.payment_terms_days == 0
    c = services.customers.update(c.id, _edit(c, payment_terms_days=None), c.version)
    assert c.payment_terms_days is None
    with services.ctx.read() as s:
        changes = [e.changes for e in s.scalars(select(AuditEntry).where(AuditEntry.entity == "customer"))]
    assert {"payment_terms_days": [45, 0]} in [
        {k: v for k, v in ch.items() if k == "payment_terms_days"} for ch in changes
    ]
