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

_AREAS: dict[str, tuple[str, ...]] = {
    "customers": ("view", "create", "edit", "delete"),
    "units": ("view", "create", "edit", "delete"),
    "work_orders": ("view", "create", "edit", "supervise", "delete", "assign", "pricing"),
    "quotations": ("view", "create", "edit", "delete", "send", "pricing"),
    "customer_requests": ("view", "create", "edit", "delete"),
    "invoices": ("view", "create", "edit"),
    "checklists": ("view", "create", "edit", "delete"),
    "inventory": ("view", "create", "edit", "delete"),
    "reports": ("view",),
    "settings": ("view", "edit"),
    "users": ("view", "create", "edit", "delete"),
    "photos": ("create",),
    "notes": ("create",),
    "audit": ("view",),
}

ALL_PERMISSIONS: frozenset[str] = frozenset(
    f"{area}.{action}" for area, actions in _AREAS.items() for action in actions
)


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
    chosen = actions or _AREAS[area]
    return {f"{area}.{action}" for action in chosen}


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
        | _area("inventory", "view", "create", "edit")
        | _area("reports")
        | _area("settings", "view")
        | _area("users", "view")
        | {"photos.create", "notes.create"}
    ),
    # Narrow by design: their own work orders only (the list is scoped by the service).
    Role.TECHNICIAN: frozenset(
        _area("work_orders", "view", "edit") | _area("checklists", "view") | {"photos.create", "notes.create"}
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


def effective_permissions(role: Role, extra: Iterable[str] = ()) -> frozenset[str]:
    """The role's bundle plus the user's extra permissions."""
    return ROLE_BUNDLES[role] | validate_permissions(extra)
