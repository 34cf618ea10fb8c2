from decimal import Decimal

import pytest

from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.permissions import ALL_PERMISSIONS, ROLE_BUNDLES, Role, effective_permissions, parse_role
from tuffops_desktop.domain.settings import SETTINGS_BY_NAME, coerce


def test_every_key_has_the_area_action_form():
    assert all(key.count(".") == 1 for key in ALL_PERMISSIONS)
    assert {"customers.view", "work_orders.supervise", "invoices.edit", "quotations.send"} <= ALL_PERMISSIONS
    assert "invoices.delete" not in ALL_PERMISSIONS  # invoices are never deleted


def test_role_bundles():
    assert ROLE_BUNDLES[Role.ADMIN] == ALL_PERMISSIONS
    tech = ROLE_BUNDLES[Role.TECHNICIAN]
    assert {"work_orders.view", "work_orders.edit"} <= tech
    assert "work_orders.supervise" not in tech and "customers.view" not in tech
    assert all(p.endswith(".view") for p in ROLE_BUNDLES[Role.READ_ONLY])
    assert "customers.create" not in ROLE_BUNDLES[Role.READ_ONLY]
    assert "settings.edit" not in ROLE_BUNDLES[Role.OFFICE]
    assert "quotations.send" in ROLE_BUNDLES[Role.ESTIMATOR]
    for bundle in ROLE_BUNDLES.values():
        assert bundle <= ALL_PERMISSIONS


def test_extra_permissions_add_to_the_role_and_unknown_keys_are_refused():
    assert "customers.view" in effective_permissions(Role.TECHNICIAN, ["customers.view"])
    with pytest.raises(ValidationError):
        effective_permissions(Role.TECHNICIAN, ["customers.fly"])


def test_role_names_from_user_input():
    assert parse_role("Read-Only") is Role.READ_ONLY
    with pytest.raises(ValidationError):
        parse_role("wizard")


def test_settings_are_typed_and_checked():
    assert coerce(SETTINGS_BY_NAME["phone_default_region"], "kn") == "KN"
    assert coerce(SETTINGS_BY_NAME["default_tax_rate"], "17") == Decimal("17")
    assert coerce(SETTINGS_BY_NAME["public_base_url"], "https://svc.example.com/") == "https://svc.example.com"
    for name, bad in [
        ("phone_default_region", "ZZ"),
        ("phone_default_area_code", "8a9"),
        ("public_base_url", "svc.example.com"),
        ("default_tax_rate", "101"),
        ("default_work_order_duration_hours", "0.3"),
        ("public_page_show_customer_name", "maybe"),
    ]:
        with pytest.raises(ValidationError):
            coerce(SETTINGS_BY_NAME[name], bad)


def test_removes_last_admin_only_when_the_only_active_admin_stops_being_one():
    from tuffops_desktop.domain.permissions import removes_last_admin

    assert removes_last_admin({7}, 7, admin_after=False)
    assert not removes_last_admin({7}, 7, admin_after=True)  # renaming the last admin is fine
    assert not removes_last_admin({7, 8}, 7, admin_after=False)
    assert not removes_last_admin({7}, 9, admin_after=False)  # not an admin: nothing lost
    assert not removes_last_admin(set(), 9, admin_after=False)
