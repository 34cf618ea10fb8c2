import pytest
from sqlalchemy import select

from tests.factories import as_role
from tuffops_desktop.db.models import AuditEntry, User
from tuffops_desktop.domain.errors import ConcurrencyConflict, PermissionDenied, ValidationError
from tuffops_desktop.domain.permissions import Role
from tuffops_desktop.services.users import AuthenticationFailed


def test_settings_update_is_typed_audited_and_version_checked(services):
    before = {s.name: s for s in services.settings.list()}
    services.settings.update(
        {"company_name": "  Caribe   Cooling ", "default_tax_rate": "17"},
        {"company_name": before["company_name"].version},
    )
    assert services.settings.get("company_name") == "Caribe Cooling"
    assert str(services.settings.get("default_tax_rate")) == "17"
    with pytest.raises(ConcurrencyConflict):
        services.settings.update({"company_name": "Other"}, {"company_name": before["company_name"].version})
    with pytest.raises(ValidationError) as err:
        services.settings.update({"phone_default_region": "ZZ", "public_base_url": "nope"})
    assert set(err.value.field_errors) == {"phone_default_region", "public_base_url"}
    assert services.settings.get("phone_default_region") == "US"
    with services.ctx.read() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.entity == "setting")).all()
    assert {e.entity_id for e in entries} == {"company_name", "default_tax_rate"}


def test_settings_edit_needs_permission(services):
    with pytest.raises(PermissionDenied):
        as_role(services, Role.OFFICE).settings.update({"company_name": "X"})


def test_users_sign_in_with_argon2_hashes(services):
    services.users.add("Olivia", "correct horse", "office", full_name="Olivia Office")
    with services.ctx.read() as s:
        stored = s.scalar(select(User).where(User.username == "olivia"))
    assert stored.password_hash.startswith("$argon2") and "correct horse" not in stored.password_hash
    actor = services.users.authenticate("OLIVIA ", "correct horse")
    assert actor.username == "olivia" and actor.can("customers.create") and not actor.can("settings.edit")
    for name, password in [("olivia", "wrong"), ("nobody", "correct horse"), ("olivia", "")]:
        with pytest.raises(AuthenticationFailed):
            services.users.authenticate(name, password)


def test_user_rules(services):
    with pytest.raises(ValidationError) as err:
        services.users.add("a b", "short", "wizard")
    assert set(err.value.field_errors) == {"username", "password", "role"}
    services.users.add("tech1", "longenough", "technician")
    with pytest.raises(ValidationError, match="taken"):
        services.users.add("tech1", "longenough", "technician")
    services.users.set_password("tech1", "another-one")
    assert services.users.authenticate("tech1", "another-one").role == "technician"
    with pytest.raises(PermissionDenied):
        as_role(services, Role.OFFICE).users.add("x1", "longenough", "office")
