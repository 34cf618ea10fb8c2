"""User administration on both databases: list, edit role and extra permissions,
deactivate/reactivate, reset a password, and never lose the last administrator."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from tests.factories import as_role
from tuffops_desktop.bootstrap import open_database, system_services
from tuffops_desktop.db.models import AuditEntry
from tuffops_desktop.domain.errors import (
    ConcurrencyConflict,
    LastAdministrator,
    PermissionDenied,
    ValidationError,
)
from tuffops_desktop.domain.permissions import Role
from tuffops_desktop.services.listing import ListQuery, any_of
from tuffops_desktop.services.users import AuthenticationFailed


def _audit(services, user_id):
    with services.ctx.read() as s:
        return [
            e.action
            for e in s.scalars(
                select(AuditEntry)
                .where(AuditEntry.entity == "user", AuditEntry.entity_id == str(user_id))
                .order_by(AuditEntry.id)
            )
        ]


def test_list_search_filter_sort_and_rows(services):
    for name, role in (("zed", "office"), ("amy", "admin"), ("tom", "technician")):
        services.users.add(name, "longenough", role, full_name=name.title(), email=f"{name}@example.com")
    ids = services.users.list_ids(ListQuery(sort="username"))
    assert [r.username for r in services.users.rows(ids)] == ["amy", "tom", "zed"]
    assert [
        r.username for r in services.users.rows(services.users.list_ids(ListQuery(sort="username", descending=True)))
    ] == ["zed", "tom", "amy"]
    found = services.users.list_ids(ListQuery(text="ZED@example", sort="username"))
    assert [r.username for r in services.users.rows(found)] == ["zed"]
    admins = services.users.list_ids(ListQuery(sort="username", filters={"role": any_of("admin")}))
    assert [r.username for r in services.users.rows(admins)] == ["amy"]
    with pytest.raises(ValidationError):
        services.users.list_ids(ListQuery(filters={"role": any_of("wizard")}))


def test_change_role_and_extra_permissions_is_audited_and_version_checked(services):
    bob = services.users.add("bob", "longenough", "technician")
    changed = services.users.update(
        bob.id,
        full_name="Bob Builder",
        email="bob@example.com",
        role="office",
        extra_permissions=["settings.edit"],
        expected_version=bob.version,
    )
    assert (changed.role, changed.extra_permissions, changed.full_name) == ("office", ("settings.edit",), "Bob Builder")
    actor = services.users.authenticate("bob", "longenough")
    assert actor.can("settings.edit") and actor.can("customers.create")
    with pytest.raises(ConcurrencyConflict):
        services.users.update(
            bob.id, full_name="x", email="", role="office", extra_permissions=[], expected_version=bob.version
        )
    with pytest.raises(ValidationError) as err:
        services.users.update(
            bob.id,
            full_name="x",
            email="",
            role="wizard",
            extra_permissions=["nope.view"],
            expected_version=changed.version,
        )
    assert set(err.value.field_errors) == {"role", "permissions"}
    assert _audit(services, bob.id) == ["create", "update"]


def test_deactivate_reactivate_and_reset_password(services):
    eve = services.users.add("eve", "longenough", "office")
    off = services.users.set_active(eve.id, False, eve.version)
    assert not off.active
    assert services.users.list_ids(ListQuery(sort="username", text="eve")) == []
    assert services.users.list_ids(ListQuery(sort="username", text="eve", include_inactive=True)) == [eve.id]
    with pytest.raises(AuthenticationFailed):
        services.users.authenticate("eve", "longenough")
    on = services.users.set_active(eve.id, True, off.version)
    services.users.reset_password(eve.id, "brand-new-pass")
    assert services.users.authenticate("eve", "brand-new-pass").username == "eve"
    with pytest.raises(ValidationError):
        services.users.reset_password(eve.id, "short")
    assert on.active
    assert _audit(services, eve.id) == ["create", "deactivate", "reactivate", "set_password"]


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(services):
    root = services.users.add("root", "longenough", "admin")
    other = services.users.add("other", "longenough", "admin")
    as_root = as_role(services, Role.ADMIN, username="root", user_id=root.id)
    other = as_root.users.set_active(other.id, False, other.version)  # one admin left active
    with pytest.raises(LastAdministrator, match="last active administrator"):
        as_root.users.update(
            root.id, full_name="", email="", role="office", extra_permissions=[], expected_version=root.version
        )
    with pytest.raises(ValidationError, match="your own user"):
        as_root.users.set_active(root.id, False, root.version)
    as_someone = as_role(services, Role.ADMIN, username="helper", user_id=None)
    with pytest.raises(LastAdministrator):
        as_someone.users.set_active(root.id, False, root.version)
    # A deactivated admin does not count; editing the last admin's name is fine.
    renamed = as_root.users.update(
        root.id, full_name="Root", email="", role="admin", extra_permissions=[], expected_version=root.version
    )
    assert renamed.full_name == "Root"
    other = as_root.users.set_active(other.id, True, other.version)
    demoted = as_root.users.update(
        root.id, full_name="Root", email="", role="office", extra_permissions=[], expected_version=renamed.version
    )
    assert demoted.role == "office"
    assert _audit(services, root.id) == ["create", "update", "update"]


def test_user_admin_needs_users_permissions(services):
    target = services.users.add("target", "longenough", "office")
    office = as_role(services, Role.OFFICE)
    assert office.users.get(target.id).username == "target"  # office may view users
    with pytest.raises(PermissionDenied):
        office.users.update(
            target.id, full_name="", email="", role="admin", extra_permissions=[], expected_version=target.version
        )
    with pytest.raises(PermissionDenied):
        office.users.set_active(target.id, False, target.version)
    with pytest.raises(PermissionDenied):
        office.users.reset_password(target.id, "longenough")
    with pytest.raises(PermissionDenied):
        as_role(services, Role.TECHNICIAN).users.list_ids(ListQuery())


@pytest.mark.parametrize("action", ["demote", "deactivate"])
def test_two_concurrent_demotions_never_leave_zero_admins(db_url, action):
    setup = system_services(open_database(db_url))
    a = setup.users.add("admin_a", "longenough", "admin")
    b = setup.users.add("admin_b", "longenough", "admin")
    ws_a = as_role(system_services(open_database(db_url)), Role.ADMIN, username="admin_a", user_id=a.id)
    ws_b = as_role(system_services(open_database(db_url)), Role.ADMIN, username="admin_b", user_id=b.id)
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def run(name, services, target):
        barrier.wait()
        try:
            if action == "demote":
                outcomes[name] = services.users.update(
                    target.id,
                    full_name="",
                    email="",
                    role="office",
                    extra_permissions=[],
                    expected_version=target.version,
                )
            else:
                outcomes[name] = services.users.set_active(target.id, False, target.version)
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            outcomes[name] = exc

    # Each admin demotes the other at the same moment.
    threads = [threading.Thread(target=run, args=("a", ws_a, b)), threading.Thread(target=run, args=("b", ws_b, a))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    # The loser is refused as the last administrator, or, when the winner committed
    # before the loser's action began, because the loser is no longer an administrator.
    refused = [o for o in outcomes.values() if isinstance(o, LastAdministrator | PermissionDenied)]
    done = [o for o in outcomes.values() if not isinstance(o, Exception)]
    assert len(refused) == 1 and len(done) == 1, outcomes
    active_admins = [u for u in setup.users.list() if u.role == "admin" and u.active]
    assert len(active_admins) == 1
    for services in (setup, ws_a, ws_b):
        services.ctx.db.engine.dispose()
