"""Columns of the quotes list (sort keys are ``QuotationService.list_ids`` sort names) and
the colours of a quotation's status.

The total is right-aligned money (``ui.formatting``) and sorts as a number in SQL; it is
left out for users without ``quotations.pricing``.
"""

from __future__ import annotations

from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.quotations import QuotationRow
from tuffops_desktop.ui.formatting import date_text, date_time_text, money_text, widest_date_text, widest_date_time_text
from tuffops_desktop.ui.models.columns import RIGHT, Column
from tuffops_desktop.ui.theme import ATTENTION, ERROR_TEXT, GOOD, IN_PROGRESS, MUTED_TEXT, OPEN, OVER

# The theme's colour language: blue is a draft someone is pricing, amber waits for a
# reviewer, violet is with the customer, green accepted, red declined, grey over.
STATUS_COLOURS = {
    "pending": OPEN,
    "ready_to_review": ATTENTION,
    "submitted": IN_PROGRESS,
    "accepted": GOOD,
    "rejected": ERROR_TEXT,
    "fulfilled": OVER,
    "cancelled": OVER,
}
WIDEST_MONEY = 1_234_567


def status_colour(status: str) -> str:
    """A custom status is a draft status: it shares the draft's blue."""
    return STATUS_COLOURS.get(status, OPEN)


def quote_columns(pricing: bool) -> list[Column[QuotationRow]]:
    columns: list[Column[QuotationRow]] = [
        Column(_("Number"), lambda r: r.number, "number", width=124, monospace=True, sort_value=lambda r: r.id),
        Column(_("Status"), lambda r: r.status_label, "status", width=150, tag=lambda r: status_colour(r.status)),
        Column(_("Quotation"), lambda r: r.title, "title", width=190, tooltip=lambda r: r.title),
        Column(
            _("Customer"),
            lambda r: r.customer_name or _("(no customer yet)"),
            "customer",
            width=170,
            tooltip=lambda r: r.customer_name,
            foreground=lambda r: None if r.customer_name else MUTED_TEXT,
        ),
    ]
    if pricing:
        columns.append(
            Column(
                _("Total"),
                lambda r: money_text(r.total) if r.total is not None else "",
                "total",
                align=RIGHT,
                width=100,
                fit=lambda: money_text(WIDEST_MONEY),
                sort_value=lambda r: r.total,
            )
        )
    columns += [
        Column(
            _("Valid until"),
            lambda r: date_text(r.valid_until),
            "valid_until",
            width=110,
            fit=widest_date_text,
            sort_value=lambda r: r.valid_until,
        ),
        Column(
            _("Created"),
            lambda r: date_time_text(r.created_at),
            "created",
            width=150,
            fit=widest_date_time_text,
            sort_value=lambda r: r.created_at,
        ),
        Column(
            _("Work orders"),
            lambda r: _("Converted") if r.converted else "",
            "",
            width=96,
        ),
    ]
    return columns


TITLE_COLUMN = 2
