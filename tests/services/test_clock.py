"""One clock: every timestamp a service writes comes from ``ServiceContext.clock``, on
SQLite and PostgreSQL (model defaults included, via the session's clock)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from tests.factories import make_customer, make_unit
from tuffops_desktop.db.models import AuditEntry, Customer, Unit
from tuffops_desktop.domain.customers import CustomerInput
from tuffops_desktop.services.registry import Services, build_services

START = datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC)  # nowhere near the wall clock


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def test_rows_and_audit_are_stamped_with_the_context_clock(services: Services):
    clock = Clock()
    timed = build_services(replace(services.ctx, clock=clock))
    customer = make_customer(timed)
    unit = make_unit(timed, customer_id=customer.id)
    assert customer.created_at == START and customer.updated_at == START
    clock.now = START + timedelta(hours=3)
    edited = timed.customers.update(customer.id, CustomerInput(first_name="Anne", last_name="Liburd"), customer.version)
    assert edited.created_at == START and edited.updated_at == START + timedelta(hours=3)
    with services.ctx.read() as session:
        stored = session.get(Unit, unit.id)
        assert stored is not None and stored.created_at == START and stored.updated_at == START
        assert session.get(Customer, customer.id).updated_at == START + timedelta(hours=3)  # type: ignore[union-attr]
        stamps = set(session.scalars(select(AuditEntry.at)))
    assert stamps == {START, START + timedelta(hours=3)}
    assert timed.units.ownership_history(unit.id)[0].started_at == START
