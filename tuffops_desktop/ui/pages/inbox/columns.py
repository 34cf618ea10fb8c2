"""Columns of the inbox (sort keys are ``RequestService.list_ids`` sort names), and the
labels and colours of a request's status, source, window and Verified badge."""

from __future__ import annotations

from datetime import date

from tuffops_desktop.domain.requests import RequestStatus
from tuffops_desktop.i18n import N_, _
from tuffops_desktop.services.dto.requests import RequestRow
from tuffops_desktop.ui.formatting import date_text, date_time_text, widest_date_text, widest_date_time_text
from tuffops_desktop.ui.models.columns import Column
from tuffops_desktop.ui.pages.customers.columns import type_colour, type_label, type_legend
from tuffops_desktop.ui.theme import ATTENTION, GOOD, IN_PROGRESS, OPEN, OVER

STATUS_COLOURS = {
    "open": OPEN,
    "ongoing": IN_PROGRESS,
    "closed": OVER,
}
VERIFIED_COLOUR = GOOD
UNVERIFIED_COLOUR = ATTENTION  # check who called before acting on it

_SOURCES = {"qr": N_("QR"), "office": N_("Office")}
_SOURCES_LONG = {"qr": N_("QR sticker form"), "office": N_("Logged by the office")}
_WINDOWS = {"All Day": N_("All day"), "Morning": N_("Morning"), "Afternoon": N_("Afternoon")}


def status_label(status: str) -> str:
    try:
        return _(RequestStatus(status).label)
    except ValueError:
        return status


def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, STATUS_COLOURS["closed"])


def source_label(source: str, *, long: bool = False) -> str:
    return _((_SOURCES_LONG if long else _SOURCES).get(source, source))


def window_label(schedule_time: str) -> str:
    return _(_WINDOWS.get(schedule_time, schedule_time))


def preferred_text(schedule_at: date, schedule_time: str) -> str:
    return f"{date_text(schedule_at)} · {window_label(schedule_time)}"


def verified_label(verified: bool) -> str:
    return _("Verified") if verified else _("Unverified")


def verified_colour(verified: bool) -> str:
    return VERIFIED_COLOUR if verified else UNVERIFIED_COLOUR


def verified_tooltip(verified: bool) -> str:
    if verified:
        return _("The contact matches a phone or e-mail of the unit's customer.")
    return _("The contact matches none of the customer's phones or e-mails (informational only).")


def _customer_text(r: RequestRow) -> str:
    return r.customer_name or _("(stock)")


def _customer_tooltip(r: RequestRow) -> str:
    if not r.customer_name:
        return _("Stock: the unit has no customer yet")
    return f"{r.customer_name} · {type_label(r.customer_type)}"


def request_columns() -> list[Column[RequestRow]]:
    return [
        Column(_("Ticket"), lambda r: r.ticket, "ticket", width=116, monospace=True, tooltip=lambda r: r.excerpt),
        Column(
            _("Received"),
            lambda r: date_time_text(r.created_at),
            "received",
            width=134,
            fit=widest_date_time_text,
            sort_value=lambda r: r.created_at,
        ),
        Column(_("Unit"), lambda r: r.unit_label, "unit", width=154, tooltip=lambda r: r.unit_label),
        Column(
            _("Customer"),
            _customer_text,
            "customer",
            width=170,
            header_tooltip=type_legend(),
            swatch=lambda r: type_colour(r.customer_type) if r.customer_type else None,
            tooltip=_customer_tooltip,
            foreground=lambda r: None if r.customer_name else "#6b7280",
        ),
        Column(
            _("Preferred"),
            lambda r: preferred_text(r.schedule_at, r.schedule_time),
            "preferred",
            width=164,
            fit=lambda: f"{widest_date_text()} · {window_label('Afternoon')}",
            sort_value=lambda r: r.schedule_at,
        ),
        Column(
            _("Status"), lambda r: status_label(r.status), "status", width=98, tag=lambda r: status_colour(r.status)
        ),
        Column(
            _("Source"),
            lambda r: source_label(r.source),
            "source",
            width=66,
            tooltip=lambda r: source_label(r.source, long=True),
        ),
        Column(
            _("Verified"),
            lambda r: verified_label(r.verified),
            "",
            width=102,
            tag=lambda r: verified_colour(r.verified),
            tooltip=lambda r: verified_tooltip(r.verified),
        ),
        Column(_("Request"), lambda r: r.excerpt, "", tooltip=lambda r: r.excerpt),
    ]


TICKET_COLUMN = 0
STATUS_COLUMN = 5
REQUEST_COLUMN = 8
