"""Columns of the units list (sort keys are ``UnitService.list_ids`` sort names)."""

from __future__ import annotations

from tuffops_desktop.domain.qr import short_code
from tuffops_desktop.domain.units import EXPIRING_SOON_DAYS, WarrantyState
from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.units import UnitRow
from tuffops_desktop.ui.formatting import count_text, date_text, widest_date_text
from tuffops_desktop.ui.models.columns import CENTER, Column
from tuffops_desktop.ui.pages.customers.columns import type_colour, type_label, type_legend
from tuffops_desktop.ui.theme import ERROR_TEXT, WARRANTY_COLOURS
from tuffops_desktop.ui.widgets.icons import link_icon


def warranty_label(state: str) -> str:
    try:
        return _(WarrantyState(state).label)
    except ValueError:
        return state


OVERDUE_COLOUR = ERROR_TEXT


def warranty_legend() -> str:
    """What the warranty square's colours mean."""
    return _("Green: in warranty · amber: ends within {days} days · grey: expired or no data.").format(
        days=EXPIRING_SOON_DAYS
    )


def warranty_colour(state: str) -> str:
    return WARRANTY_COLOURS.get(state, WARRANTY_COLOURS["unknown"])


def _warranty_tooltip(r: UnitRow) -> str:
    if r.warranty_expires_at is None:
        return _("No install date or no warranty months recorded.")
    return _("Warranty ends {date}").format(date=date_text(r.warranty_expires_at))


def _maintenance_tooltip(r: UnitRow) -> str:
    if r.next_maintenance_at is None:
        return _("No maintenance cadence, or no install or maintenance date recorded.")
    if r.maintenance_overdue:
        return _("Maintenance was due {date}: overdue").format(date=date_text(r.next_maintenance_at))
    return _("Next preventive maintenance due {date}").format(date=date_text(r.next_maintenance_at))


def _customer_text(r: UnitRow) -> str:
    return r.customer_name or _("(stock)")


def _customer_tooltip(r: UnitRow) -> str:
    if not r.customer_name:
        return _("Stock: not yet given to a customer")
    return f"{r.customer_name} · {type_label(r.customer_type)}"


class _LinkDecoration:
    """The chain icon, drawn once per model and only for linked units."""

    def __init__(self) -> None:
        self._icon = None

    def __call__(self, r: UnitRow) -> object:
        if not r.link_group_size:
            return None
        if self._icon is None:
            self._icon = link_icon()
        return self._icon


def unit_columns() -> list[Column[UnitRow]]:
    return [
        Column(_("Unit"), lambda r: r.label, "label", width=150, tooltip=lambda r: r.label),
        Column(_("Serial"), lambda r: r.serial_number, "serial", width=100, monospace=True),
        Column(_("Model"), lambda r: r.model, "model", width=210, tooltip=lambda r: r.model),
        Column(_("Type"), lambda r: r.device_type, "type", width=130, tooltip=lambda r: r.device_type),
        Column(
            _("Customer"),
            _customer_text,
            "customer",
            width=180,
            header_tooltip=type_legend(),
            swatch=lambda r: type_colour(r.customer_type) if r.customer_type else None,
            tooltip=_customer_tooltip,
            foreground=lambda r: None if r.customer_name else "#6b7280",
        ),
        Column(_("City"), lambda r: r.city, "city", width=92),
        Column(
            _("Installed"),
            lambda r: date_text(r.installed_at),
            "installed",
            width=88,
            fit=widest_date_text,
            sort_value=lambda r: r.installed_at,
        ),
        Column(
            _("Warranty"),
            lambda r: warranty_label(r.warranty_state),
            "warranty",
            width=124,
            tag=lambda r: warranty_colour(r.warranty_state) if r.warranty_state != "unknown" else None,
            foreground=lambda r: "#9ca3af" if r.warranty_state == "unknown" else None,
            tooltip=_warranty_tooltip,
            sort_value=lambda r: r.warranty_expires_at,
        ),
        Column(
            _("Maintained"),
            lambda r: date_text(r.maintained_at),
            "maintained",
            width=108,
            fit=widest_date_text,
            sort_value=lambda r: r.maintained_at,
            tooltip=lambda r: _("Last preventive maintenance"),
        ),
        Column(
            _("Next maintenance"),
            lambda r: date_text(r.next_maintenance_at),
            "next_maintenance",
            width=152,
            fit=widest_date_text,
            sort_value=lambda r: r.next_maintenance_at,
            foreground=lambda r: OVERDUE_COLOUR if r.maintenance_overdue else None,
            tooltip=_maintenance_tooltip,
        ),
        Column(
            _("Linked"),
            lambda r: count_text(r.link_group_size) if r.link_group_size else "",
            "",
            width=58,
            align=CENTER,
            decoration=_LinkDecoration(),
            tooltip=lambda r: (
                _("Part of a system of {n} linked units").format(n=count_text(r.link_group_size))
                if r.link_group_size
                else None
            ),
        ),
        Column(
            _("QR"),
            lambda r: short_code(r.qr_code_guid),
            "",
            width=80,
            monospace=True,
            tooltip=lambda r: r.qr_code_guid,
        ),
    ]


LABEL_COLUMN = 0
SERIAL_COLUMN = 1
MODEL_COLUMN = 2
CUSTOMER_COLUMN = 4
CITY_COLUMN = 5
QR_COLUMN = 11


def compact_unit_columns() -> list[Column[UnitRow]]:
    """The few columns shown in a customer's panel (warranty as a coloured date)."""
    return [
        Column(_("Unit"), lambda r: r.label, "label", tooltip=lambda r: f"{r.label} · {r.model}"),
        Column(
            _("Warranty"),
            lambda r: date_text(r.warranty_expires_at, "—"),
            "warranty",
            width=104,
            fit=widest_date_text,
            swatch=lambda r: warranty_colour(r.warranty_state),
            header_tooltip=warranty_legend(),
            tooltip=lambda r: warranty_label(r.warranty_state),
        ),
        Column(
            _("QR"),
            lambda r: short_code(r.qr_code_guid),
            "",
            width=80,
            monospace=True,
            tooltip=lambda r: r.qr_code_guid,
        ),
    ]
