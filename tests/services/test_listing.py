"""Typed list filters (enum sets, date ranges, foreign keys, yes/no) composed in SQL, on
SQLite and PostgreSQL, for the customers, units and inbox lists."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.factories import make_customer, make_model, make_unit
from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.requests import RequestInput
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.listing import AnyOf, Between, Flag, ListQuery, Ref, any_of
from tuffops_desktop.services.registry import build_services

TOMORROW = date.today() + timedelta(days=1)


def at(services, when: datetime):  # noqa: ANN001, ANN201
    """The same services with the clock stopped at ``when``."""
    ctx = services.ctx
    return build_services(ServiceContext(db=ctx.db, actor=ctx.actor, clock=lambda: when))


def test_query_filters_compare_by_value_whatever_the_order():
    a = ListQuery(filters={"status": any_of("open", "ongoing"), "unit": Ref(3)})
    b = ListQuery(filters={"unit": Ref(3), "status": any_of("ongoing", "open")})
    assert a == b and hash(a) == hash(b)
    assert a.filter("unit") == Ref(3) and a.filter("nope") is None
    assert a.with_filter("unit", None) == ListQuery(filters={"status": any_of("open", "ongoing")})
    assert a.with_filter("unit", Ref(4)).filter("unit") == Ref(4)


def test_inbox_status_set_by_unit_by_received_range(services):
    model = make_model(services)
    ann = make_customer(services)
    bob = make_customer(services, first_name="Bob")
    u1 = make_unit(services, customer_id=ann.id, model=model)
    u2 = make_unit(services, customer_id=bob.id, model=model, serial_number="B-2")
    old = datetime(2026, 1, 10, 15, 0, tzinfo=UTC)
    new = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)

    def submit(svc, unit_id):  # noqa: ANN001, ANN202
        return svc.requests.submit_office(unit_id, RequestInput("Fan noise", TOMORROW, "Morning", "tenant"))

    r_old = submit(at(services, old), u1.id)
    r_new = submit(at(services, new), u1.id)
    r_other = submit(at(services, new), u2.id)
    ongoing = services.requests.set_status(r_new.id, "ongoing", r_new.version)
    ids = lambda **f: sorted(services.requests.list_ids(ListQuery(filters=f)))  # noqa: E731

    assert ids(status=any_of("open", "ongoing")) == sorted([r_old.id, r_new.id, r_other.id])
    assert ids(status=any_of("ongoing")) == [ongoing.id]
    assert ids(status=any_of("open"), unit=Ref(u1.id)) == [r_old.id]
    assert ids(customer=Ref(bob.id)) == [r_other.id]
    assert ids(received=Between(date(2026, 3, 1), None)) == sorted([r_new.id, r_other.id])
    assert ids(received=Between(None, date(2026, 1, 31)), status=any_of("open", "ongoing")) == [r_old.id]
    assert ids(received=Between(date(2026, 2, 1), date(2026, 2, 28))) == []
    assert ids(preferred=Between(TOMORROW, TOMORROW), source=any_of("office")) == ids()
    assert ids(status=AnyOf(frozenset())) == []  # an empty set matches nothing


def test_units_by_customer_stock_sticker_flag_and_install_dates(services):
    ann = make_customer(services)
    model = make_model(services)
    owned = make_unit(services, customer_id=ann.id, model=model, installed_at=date(2025, 5, 1))
    stock = make_unit(services, model=model, serial_number="S-1")
    printed = make_unit(services, customer_id=ann.id, model=model, serial_number="P-1", installed_at=date(2024, 1, 1))
    services.stickers.mark_printed([printed.id], "avery-5160")
    ids = lambda **f: sorted(services.units.list_ids(ListQuery(filters=f)))  # noqa: E731

    assert ids(customer=Ref(ann.id)) == sorted([owned.id, printed.id])
    assert ids(customer=Ref(None)) == [stock.id]
    assert ids(sticker_printed=Flag(True)) == [printed.id]
    assert ids(sticker_printed=Flag(False), customer=Ref(ann.id)) == [owned.id]
    assert ids(installed=Between(date(2025, 1, 1), None)) == [owned.id]
    assert ids(installed=Between(None, date(2025, 5, 1)), sticker_printed=Flag(False)) == [owned.id]


def test_customers_by_type_set_and_creation_day(services):
    gov = make_customer(services, customer_type="government", company_name="Ministry")
    com = make_customer(services, customer_type="commercial", company_name="Hotel")
    res = make_customer(services)
    ids = lambda **f: sorted(services.customers.list_ids(ListQuery(filters=f)))  # noqa: E731
    assert ids(type=any_of("government", "commercial")) == sorted([gov.id, com.id])
    assert ids(type=any_of("residential")) == [res.id]
    today = datetime.now(UTC).astimezone().date()
    assert ids(created=Between(today, today)) == sorted([gov.id, com.id, res.id])
    assert ids(created=Between(today + timedelta(days=1), None)) == []


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"colour": any_of("red")}, "cannot be filtered by “colour”"),
        ({"type": Ref(1)}, "takes AnyOf"),
        ({"type": any_of("martian")}, "Unknown value: martian"),
    ],
)
def test_unknown_filters_and_values_are_refused(services, filters, message):
    with pytest.raises(ValidationError) as refused:
        services.customers.list_ids(ListQuery(filters=filters))
    assert message in refused.value.message
