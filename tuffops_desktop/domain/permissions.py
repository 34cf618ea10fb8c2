"""Permissions: ``area.action`` keys; roles are only bundles of keys.

Access is decided by permissions, never by role names. A user has one role plus optional
extra permissions. The UI hides what a user may not do and the service refuses it anyway.
The bundles are defined here in code (there is no role editor), following the TuffOps
role templates: admin, office, technician, estimator, plus a read-only role for auditors.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.i18n import N_


class Permission(StrEnum):
    """Every permission key, as a constant: services declare them (``@requires(P.UNITS_EDIT)``)."""

    CUSTOMERS_VIEW = "customers.view"
    CUSTOMERS_CREATE = "customers.create"
    CUSTOMERS_EDIT = "customers.edit"
    CUSTOMERS_DELETE = "customers.delete"
    UNITS_VIEW = "units.view"
    UNITS_CREATE = "units.create"
    UNITS_EDIT = "units.edit"
    UNITS_DELETE = "units.delete"
    WORK_ORDERS_VIEW = "work_orders.view"
    WORK_ORDERS_CREATE = "work_orders.create"
    WORK_ORDERS_EDIT = "work_orders.edit"
    WORK_ORDERS_SUPERVISE = "work_orders.supervise"
    WORK_ORDERS_DELETE = "work_orders.delete"
    WORK_ORDERS_ASSIGN = "work_orders.assign"
    WORK_ORDERS_PRICING = "work_orders.pricing"
    QUOTATIONS_VIEW = "quotations.view"
    QUOTATIONS_CREATE = "quotations.create"
    QUOTATIONS_EDIT = "quotations.edit"
    QUOTATIONS_DELETE = "quotations.delete"
    QUOTATIONS_SEND = "quotations.send"
    QUOTATIONS_PRICING = "quotations.pricing"
    CUSTOMER_REQUESTS_VIEW = "customer_requests.view"
    CUSTOMER_REQUESTS_CREATE = "customer_requests.create"
    CUSTOMER_REQUESTS_EDIT = "customer_requests.edit"
    CUSTOMER_REQUESTS_DELETE = "customer_requests.delete"
    INVOICES_VIEW = "invoices.view"
    INVOICES_CREATE = "invoices.create"
    INVOICES_EDIT = "invoices.edit"
    CHECKLISTS_VIEW = "checklists.view"
    CHECKLISTS_CREATE = "checklists.create"
    CHECKLISTS_EDIT = "checklists.edit"
    CHECKLISTS_DELETE = "checklists.delete"
    INVENTORY_VIEW = "inventory.view"
    INVENTORY_CREATE = "inventory.create"
    INVENTORY_EDIT = "inventory.edit"
    INVENTORY_DELETE = "inventory.delete"
    INVENTORY_COSTS = "inventory.costs"  # part costs, markup and the stock valuation
    REPORTS_VIEW = "reports.view"
    SETTINGS_VIEW = "settings.view"
    SETTINGS_EDIT = "settings.edit"
    USERS_VIEW = "users.view"
    USERS_CREATE = "users.create"
    USERS_EDIT = "users.edit"
    USERS_DELETE = "users.delete"
    PHOTOS_CREATE = "photos.create"
    NOTES_CREATE = "notes.create"
    AUDIT_VIEW = "audit.view"

    @property
    def area(self) -> str:
        return self.value.partition(".")[0]


P = Permission
"""Short name used in service declarations."""

ALL_PERMISSIONS: frozenset[str] = frozenset(p.value for p in Permission)


class Role(StrEnum):
    """Role templates; each is a bundle of permission keys."""

    ADMIN = "admin"
    OFFICE = "office"
    TECHNICIAN = "technician"
    ESTIMATOR = "estimator"
    READ_ONLY = "read_only"

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]


_ROLE_LABELS = {
    Role.ADMIN: N_("Administrator"),
    Role.OFFICE: N_("Office / dispatcher"),
    Role.TECHNICIAN: N_("Technician"),
    Role.ESTIMATOR: N_("Estimator"),
    Role.READ_ONLY: N_("Read-only"),
}


def _area(area: str, *actions: str) -> set[str]:
    """Keys of ``area``: the actions named, or all of the area's keys."""
    if not actions:
        return {p.value for p in Permission if p.area == area}
    keys = {f"{area}.{action}" for action in actions}
    if not keys <= ALL_PERMISSIONS:
        raise ValueError(f"unknown permission keys in a role bundle: {sorted(keys - ALL_PERMISSIONS)}")
    return keys


ROLE_BUNDLES: dict[Role, frozenset[str]] = {
    Role.ADMIN: ALL_PERMISSIONS,
    # Runs the office: customers, units, the inbox, dispatch and billing; no user admin or
    # settings edits (configuration is the admin's job).
    Role.OFFICE: frozenset(
        _area("customers", "view", "create", "edit")
        | _area("units", "view", "create", "edit")
        | _area("work_orders", "view", "create", "edit", "supervise", "assign", "pricing")
        | _area("quotations", "view", "create", "edit", "send", "pricing")
        | _area("customer_requests", "view", "create", "edit")
        | _area("invoices")
        | _area("checklists", "view")
        | _area("inventory", "view", "create", "edit", "costs")
        | _area("reports")
        | _area("settings", "view")
        | _area("users", "view")
        | {"photos.create", "notes.create"}
    ),
    # Narrow by design: their own work orders only (the list is scoped by the service).
    Role.TECHNICIAN: frozenset(
        _area("work_orders", "view", "edit")
        | _area("checklists", "view")
        | _area("inventory", "view")  # the stock of the vans and the warehouse, no costs
        | {"photos.create", "notes.create"}
    ),
    # Builds quotes: reads customers and units, writes quotations.
    Role.ESTIMATOR: frozenset(
        _area("customers", "view", "create", "edit")
        | _area("units", "view", "create", "edit")
        | _area("quotations")
        | _area("work_orders", "view")
        | _area("customer_requests", "view")
        | _area("inventory", "view")
        | {"notes.create"}
    ),
    # Auditors and trainees: every view, nothing else.
    Role.READ_ONLY: frozenset(p for p in ALL_PERMISSIONS if p.endswith(".view")),
}


def parse_role(text: str) -> Role:
    """Role from user input (``office``, ``read-only`` …) or ``ValidationError``."""
    key = (text or "").strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return Role(key)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise ValidationError({"role": f"Unknown role “{text}”. Choose one of: {choices}."}) from None


def validate_permissions(keys: Iterable[str]) -> frozenset[str]:
    """Check extra permission keys; unknown keys are refused, not ignored."""
    chosen = frozenset(k.strip() for k in keys if k.strip())
    unknown = sorted(chosen - ALL_PERMISSIONS)
    if unknown:
        raise ValidationError({"permissions": f"Unknown permission(s): {', '.join(unknown)}."})
    return chosen


def removes_last_admin(active_admin_ids: Iterable[int], user_id: int, *, admin_after: bool) -> bool:
    """Would ``user_id`` stop being an active administrator (``admin_after`` False: demoted
    or deactivated) while being the only one? Changes to other users never count."""
    admins = set(active_admin_ids)
    return not admin_after and user_id in admins and admins <= {user_id}


def effective_permissions(role: Role, extra: Iterable[str] = ()) -> frozenset[str]:
    """The role's bundle plus the user's extra permissions."""
    return ROLE_BUNDLES[role] | validate_permissions(extra)
