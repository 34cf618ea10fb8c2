"""Preventive maintenance through the service, on SQLite and PostgreSQL: the due list, bulk
creation (one open work order per unit and due date, also from two workstations at once),
and approval moving the next due date."""

from __future__ import annotations

import threading
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.factories import as_role, make_customer, make_model, make_unit
from tuffops_desktop.bootstrap import open_database, system_services
from tuffops_desktop.db.base import table_of
from tuffops_desktop.db.models import AuditEntry, WorkOrder
from tuffops_desktop.domain.errors import PermissionDenied, ValidationError
from tuffops_desktop.domain.permissions import Role
from tuffops_desktop.domain.units import add_months
from tuffops_desktop.services.listing import Flag, ListQuery, Ref


@pytest.fixture
def fleet(services):
    """Units of two customers at two sites, due at known distances from today."""
    today = date.today()
    ann = make_customer(services)
    bob = make_customer(services, first_name="Bob", last_name="Browne")
    model = make_model(services)

    def unit(name, customer, frequency, *, installed=None, city="Basseterre", **extra):
        return make_unit(
            services,
            customer_id=customer.id,
            model=model,
            serial_number=name,
            location=name,
            maintenance_frequency=frequency,
            installed_at=installed,
            city=city,
            address="12 Bay Road",
            **extra,
        ).id

    ids = {
        # installed three months and ten days ago, never maintained, quarterly: about ten days overdue
        "overdue": unit("overdue", ann, "quarterly", installed=add_months(today, -3) - timedelta(days=10)),
        # never maintained, installed a year minus five days ago, annual: due in five days
        "soon": unit("soon", ann, "annual", installed=add_months(today, -12) + timedelta(days=5)),
        # monthly, installed today: due in a month (outside 14 days, inside 40)
        "later": unit("later", bob, "monthly", installed=today, city="Frigate Bay"),
        "no_cadence": unit("no_cadence", bob, "none", installed=today - timedelta(days=900)),
        "no_dates": unit("no_dates", bob, "quarterly"),
    }
    return {"ids": ids, "ann": ann, "bob": bob, "today": today}


def due(services, within=14, **kwargs):
    return services.maintenance.due_ids(ListQuery(**kwargs), within_days=within)


def test_the_due_list_is_overdue_and_due_soon_soonest_first(services, fleet):
    ids, today = fleet["ids"], fleet["today"]
    assert due(services) == [ids["overdue"], ids["soon"]]
    assert due(services, within=40) == [ids["overdue"], ids["soon"], ids["later"]]
    assert due(services, within=0) == [ids["overdue"]]
    assert due(services, within=40, descending=True) == [ids["later"], ids["soon"], ids["overdue"]]
    rows = services.maintenance.due_rows(due(services, within=40))
    assert [(r.unit_label, r.due_on, r.overdue) for r in rows] == [
        ("overdue", add_months(add_months(today, -3) - timedelta(days=10), 3), True),
        ("soon", today + timedelta(days=5), False),
        ("later", add_months(today, 1), False),
    ]
    assert rows[0].customer_name == "Ann Liburd" and rows[2].city == "Frigate Bay"
    assert rows[0].open_work_order_id is None and rows[0].open_work_order_number == ""
    assert services.maintenance.due_rows([ids["no_cadence"], ids["no_dates"]]) == []
    with pytest.raises(ValidationError):
        due(services, within=-1)


def test_the_due_list_filters_by_customer_site_overdue_and_planned(services, fleet):
    ids = fleet["ids"]
    assert due(services, within=40, filters={"customer": Ref(fleet["bob"].id)}) == [ids["later"]]
    assert due(services, within=40, text="frigate") == [ids["later"]]
    assert due(services, within=40, text="bay road basseterre") == [ids["overdue"], ids["soon"]]
    assert due(services, within=40, filters={"overdue": Flag(True)}) == [ids["overdue"]]
    assert due(services, within=40, filters={"overdue": Flag(False)}) == [ids["soon"], ids["later"]]
    services.maintenance.create_work_orders([ids["soon"]])
    assert due(services, within=40, filters={"planned": Flag(True)}) == [ids["soon"]]
    assert due(services, within=40, filters={"planned": Flag(False)}) == [ids["overdue"], ids["later"]]


def test_retired_units_are_not_due(services, fleet):
    unit = services.units.get(fleet["ids"]["overdue"])
    services.units.set_active(unit.id, False, unit.version)
    assert due(services) == [fleet["ids"]["soon"]]


def test_bulk_creation_makes_one_open_work_order_per_unit_and_period(services, fleet):
    ids = fleet["ids"]
    office = as_role(services, Role.OFFICE, "olga")
    wanted = [ids["overdue"], ids["soon"], ids["no_cadence"], 999_999]
    result = office.maintenance.create_work_orders(wanted)
    assert [c[0] for c in result.created] == [ids["overdue"], ids["soon"]]
    assert dict(result.skipped) == {
        ids["no_cadence"]: "No maintenance is scheduled for this unit.",
        999_999: "This unit does not exist.",
    }
    first = office.work_orders.get(result.created[0][1])
    assert (first.work_type, first.status, first.created_by) == ("maintenance", "unassigned", "olga")
    assert "due " + result.created[0][3].isoformat() in first.customer_requests
    end_of_due_day = datetime.combine(result.created[0][3] + timedelta(days=1), time.min).astimezone()
    assert first.due_at == end_of_due_day
    assert [(h.from_status, h.to_status) for h in first.history] == [(None, "unassigned")]
    rows = office.maintenance.due_rows([ids["overdue"]])
    assert rows[0].open_work_order_number == first.number

    again = office.maintenance.create_work_orders([ids["overdue"], ids["soon"]])
    assert again.created == ()
    assert [reason for _uid, reason in again.skipped] == [
        f"{first.number} is already open for the maintenance due {result.created[0][3].isoformat()}.",
        f"{result.created[1][2]} is already open for the maintenance due {result.created[1][3].isoformat()}.",
    ]
    with services.ctx.read() as s:
        audits = s.scalars(
            select(AuditEntry.changes).where(AuditEntry.entity == "work_order", AuditEntry.action == "create")
        ).all()
    assert sorted(a["maintenance_due_on"][1] for a in audits) == sorted(c[3].isoformat() for c in result.created)

    # Cancelled work no longer counts as open: the period can be planned again.
    office.work_orders.act(first.id, "cancel", first.version)
    redo = office.maintenance.create_work_orders([ids["overdue"]])
    assert [c[0] for c in redo.created] == [ids["overdue"]]


def test_bulk_creation_needs_work_orders_create(services, fleet):
    with pytest.raises(PermissionDenied):
        as_role(services, Role.TECHNICIAN, "tom").maintenance.create_work_orders([fleet["ids"]["soon"]])
    with pytest.raises(PermissionDenied):
        as_role(services, Role.TECHNICIAN, "tom").maintenance.due_ids(ListQuery())


def test_approving_the_maintenance_moves_the_next_due_date(services, fleet):
    ids, today = fleet["ids"], fleet["today"]
    tom = services.users.add("tom", "longenough", "technician")
    as_tom = as_role(services, Role.TECHNICIAN, "tom", tom.id)
    office = as_role(services, Role.OFFICE, "olga")
    before = services.units.get(ids["overdue"]).next_maintenance_at
    assert before is not None and before < today
    order_id = office.maintenance.create_work_orders([ids["overdue"]]).created[0][1]
    order = office.work_orders.get(order_id)
    order = office.work_orders.act(order.id, "assign", order.version, technician_id=tom.id)
    for step in ("start", "submit"):
        order = as_tom.work_orders.act(order.id, step, order.version)
    assert services.units.get(ids["overdue"]).next_maintenance_at == before  # not yet approved
    office.work_orders.act(order.id, "approve", order.version)
    unit = services.units.get(ids["overdue"])
    assert unit.maintained_at == today and unit.next_maintenance_at == add_months(today, 3)
    assert ids["overdue"] not in due(services, within=40)
    # The next period is a new one: a work order for it is allowed while the completed one stays.
    later = services.maintenance.due_ids(ListQuery(), within_days=100)
    assert ids["overdue"] in later
    assert services.maintenance.create_work_orders([ids["overdue"]]).created[0][3] == add_months(today, 3)


def test_the_database_refuses_a_second_open_work_order_for_one_period(services, fleet):
    unit_id = fleet["ids"]["soon"]
    created = services.maintenance.create_work_orders([unit_id]).created[0]
    with services.ctx.read() as s:
        row = s.execute(select(table_of(WorkOrder)).where(WorkOrder.id == created[1])).mappings().one()
    copy = {k: v for k, v in row.items() if k != "id"}
    with pytest.raises(IntegrityError), services.ctx.write() as s:
        s.execute(table_of(WorkOrder).insert(), copy)
    with services.ctx.write() as s:  # a cancelled (not open) one for the same period is fine
        s.execute(table_of(WorkOrder).insert(), dict(copy, status="cancelled"))


def test_two_workstations_creating_at_once_make_no_duplicates(db_url):
    stations = [open_database(db_url), open_database(db_url)]
    services = system_services(stations[0])
    customer = make_customer(services)
    model = make_model(services)
    installed = date.today() - timedelta(days=400)
    unit_ids = [
        make_unit(
            services,
            customer_id=customer.id,
            model=model,
            serial_number=f"SN-{n}",
            installed_at=installed,
            maintenance_frequency="annual",
        ).id
        for n in range(12)
    ]
    barrier = threading.Barrier(2)
    outcome: dict[int, object] = {}

    def run(n: int) -> None:
        station = as_role(system_services(stations[n]), Role.OFFICE, f"office{n}")
        barrier.wait()
        try:
            outcome[n] = station.maintenance.create_work_orders(unit_ids if n == 0 else unit_ids[::-1])
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcome[n] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    created = [c for result in outcome.values() for c in result.created]  # type: ignore[union-attr]
    skipped = [s for result in outcome.values() for s in result.skipped]  # type: ignore[union-attr]
    assert sorted(c[0] for c in created) == sorted(unit_ids)
    assert len(skipped) == len(unit_ids) and all("already open" in reason for _uid, reason in skipped)
    with services.ctx.read() as s:
        per_unit = s.execute(select(WorkOrder.unit_id, func.count()).group_by(WorkOrder.unit_id)).all()
    assert sorted(per_unit) == [(uid, 1) for uid in sorted(unit_ids)]
    for station in stations:
        station.engine.dispose()
