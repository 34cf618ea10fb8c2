"""Columns of the users list (sort keys are ``UserService.list_ids`` sort names)."""

from __future__ import annotations

from tuffops_desktop.domain.permissions import Role
from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.users import UserInfo
from tuffops_desktop.ui.models.columns import Column

ROLE_COLOURS = {
    Role.ADMIN.value: "#7c3aed",
    Role.OFFICE.value: "#2563eb",
    Role.TECHNICIAN.value: "#0f766e",
    Role.ESTIMATOR.value: "#be185d",  # not amber: amber means "needs attention"
    Role.READ_ONLY.value: "#6b7280",
}


def role_text(role: str) -> str:
    try:
        return _(Role(role).label)
    except ValueError:
        return role


def user_columns() -> list[Column[UserInfo]]:
    return [
        Column(_("User name"), lambda r: r.username, "username", width=150),
        Column(_("Name"), lambda r: r.full_name, "name", width=200),
        Column(_("Role"), lambda r: role_text(r.role), "role", width=160, tag=lambda r: ROLE_COLOURS.get(r.role)),
        Column(
            _("Extra permissions"),
            lambda r: ", ".join(r.extra_permissions),
            "",
            width=220,
            tooltip=lambda r: "\n".join(r.extra_permissions) or None,
        ),
        Column(_("E-mail"), lambda r: r.email, "email", width=220),
        Column(_("Status"), lambda r: _("Active") if r.active else _("Deactivated"), "", width=100),
    ]
