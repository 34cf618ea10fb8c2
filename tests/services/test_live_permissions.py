"""Permissions are decided with the database as it is at the time of the action (issue #9
§4): a user demoted or deactivated by an administrator on another workstation is refused
at once, with a clear message, and nothing is stored. Both databases."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import event, func, select

from tuffops_desktop.bootstrap import open_database, services_for, system_services
from tuffops_desktop.db.engine import SessionFactories
from tuffops_desktop.db.models import AuditEntry, Customer
from tuffops_desktop.domain.customers import CustomerInput
from tuffops_desktop.domain.errors import PermissionDenied
from tuffops_desktop.services.context import PermissionRevoked
from tuffops_desktop.services.listing import ListQuery
from tuffops_desktop.services.registry import Services


@dataclass
class TwoDesks:
    """Bob signed in on one workstation, the administrator on another (own engines)."""

    admin: Services
    bob: Services
    bob_id: int


@pytest.fixture
def desks(db_url: str) -> Iterator[TwoDesks]:
    admin_db, bob_db = open_database(db_url), open_database(db_url)
    admin = system_services(admin_db)
    bob = admin.users.add("bob", "longenough", "office", full_name="Bob Office")
    actor = services_for(bob_db, system_services(bob_db).ctx.actor).users.authenticate("bob", "longenough")
    yield TwoDesks(admin=admin, bob=services_for(bob_db, actor), bob_id=bob.id)
    admin_db.engine.dispose()
    bob_db.engine.dispose()


def _counts(services: Services) -> tuple[int, int]:
    with services.ctx.read() as session:
        customers = session.scalar(select(func.count()).select_from(Customer)) or 0
        audits = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    return customers, audits


def _set_role(desks: TwoDesks, role: str, extra: tuple[str, ...] = ()) -> None:
    user = desks.admin.users.get(desks.bob_id)
    desks.admin.users.update(
        user.id,
        full_name=user.full_name,
        email=user.email,
        role=role,
        extra_permissions=list(extra),
        expected_version=user.version,
    )


def test_a_demoted_user_is_refused_at_once_and_nothing_is_stored(desks):
    desks.bob.customers.create(CustomerInput(first_name="Before"))  # allowed while office
    _set_role(desks, "technician")  # from the administrator's workstation
    before = _counts(desks.admin)
    with pytest.raises(PermissionRevoked) as refused:
        desks.bob.customers.create(CustomerInput(first_name="After"))
    assert isinstance(refused.value, PermissionDenied)  # the UI shows it as "Not allowed"
    assert refused.value.permission == "customers.create"
    assert "administrator has changed your permissions" in refused.value.message
    assert "customers.create" in refused.value.message
    assert _counts(desks.admin) == before
    with pytest.raises(PermissionRevoked):  # reading what a technician may not see
        desks.bob.customers.list_ids(ListQuery())
    assert desks.bob.work_orders.list_ids(ListQuery()) == []  # what a technician may do still works


def test_a_withdrawn_extra_permission_counts_too(desks):
    _set_role(desks, "office", ("settings.edit",))
    bob = services_for(desks.bob.ctx.db, desks.bob.users.signed_in())  # his window re-read it
    bob.settings.update({"company_name": "Granted Ltd"})
    _set_role(desks, "office")
    with pytest.raises(PermissionRevoked) as refused:
        bob.settings.update({"company_name": "Withdrawn Ltd"})
    assert refused.value.permission == "settings.edit"
    assert desks.admin.settings.get("company_name") == "Granted Ltd"


def test_a_deactivated_user_is_refused_with_its_own_message(desks):
    user = desks.admin.users.get(desks.bob_id)
    desks.admin.users.set_active(user.id, False, user.version)
    before = _counts(desks.admin)
    with pytest.raises(PermissionRevoked) as refused:
        desks.bob.customers.create(CustomerInput(first_name="Ghost"))
    assert "deactivated by an administrator" in refused.value.message
    with pytest.raises(PermissionRevoked):
        desks.bob.customers.list_ids(ListQuery())
    assert _counts(desks.admin) == before
    assert desks.bob.users.signed_in() is None  # what the window asks when told of the change


def test_signed_in_reads_the_user_as_stored_now(desks):
    assert desks.bob.users.signed_in().role == "office"
    _set_role(desks, "read_only")
    now = desks.bob.users.signed_in()
    assert now is not None and now.role == "read_only" and now.user_id == desks.bob_id
    assert not now.can("customers.create") and now.can("customers.view")
    assert desks.admin.users.signed_in() is desks.admin.ctx.actor  # the system actor has no row


def test_a_session_never_gains_rights_until_it_reads_them_again(desks):
    """Promotion reaches the session when its window re-reads the user (signed_in)."""
    _set_role(desks, "admin")
    with pytest.raises(PermissionDenied):
        desks.bob.users.add("carol", "longenough", "office")
    promoted = services_for(desks.bob.ctx.db, desks.bob.users.signed_in())
    assert promoted.users.add("carol", "longenough", "office").username == "carol"


def _statements(db: SessionFactories) -> list[str]:
    seen: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


def test_the_check_is_one_query_inside_the_actions_own_transaction(desks):
    seen = _statements(desks.bob.ctx.db)
    desks.bob.customers.create(CustomerInput(first_name="Counted"))
    user_reads = [s for s in seen if "FROM users" in s]
    assert len(user_reads) == 1, user_reads
    assert "users.id =" in user_reads[0] and "users.active" in user_reads[0]
    seen.clear()
    desks.bob.stickers.layout("avery-5160")  # a guarded call nested in another: still one read
    assert len([s for s in seen if "FROM users" in s]) == 1


def test_the_reports_figures_read_in_parallel_are_refused_too(desks):
    """``ReportService.kpis`` reads its figures in three transactions at once (two on worker
    threads): each of them refuses a user an administrator has just demoted, so no figure
    reaches him, whichever transaction happens to start first."""
    from datetime import date, timedelta

    from tuffops_desktop.domain.reports import Period

    period = Period(date.today() - timedelta(days=30), date.today())
    assert desks.bob.reports.kpis(period).period == period  # office sees reports
    _set_role(desks, "technician", ())
    with pytest.raises(PermissionRevoked) as refused:
        desks.bob.reports.kpis(period)
    assert refused.value.permission == "reports.view"
    user = desks.admin.users.get(desks.bob_id)
    desks.admin.users.set_active(user.id, False, user.version)
    with pytest.raises(PermissionRevoked) as refused:
        desks.bob.reports.kpis(period)
    assert "deactivated by an administrator" in refused.value.message
