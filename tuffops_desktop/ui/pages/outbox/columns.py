"""Columns of the Outbox list (sort keys are ``OutboxListingService`` sort names), and the
labels and colours of a message's status and event."""

from __future__ import annotations

from tuffops_desktop.domain.notifications import Event, OutboxStatus
from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.outbox import OutboxRow
from tuffops_desktop.ui.formatting import count_text, date_time_text, widest_date_time_text
from tuffops_desktop.ui.models.columns import RIGHT, Column
from tuffops_desktop.ui.theme import ATTENTION, ERROR_TEXT, GOOD, IN_PROGRESS, OPEN, OVER

STATUS_COLOURS = {
    "queued": OPEN,  # waiting for the sender
    "sending": IN_PROGRESS,
    "sent": GOOD,
    "failed": ATTENTION,  # will be tried again
    "cancelled": OVER,
}
GAVE_UP_COLOUR = ERROR_TEXT  # failed for good: someone has to retry or cancel it


def event_label(event: str) -> str:
    try:
        return _(Event(event).label)
    except ValueError:
        return event


def status_label(status: str, gave_up: bool = False) -> str:
    if gave_up:
        return _("Failed, not retried")
    try:
        return _(OutboxStatus(status).label)
    except ValueError:
        return status


def status_colour(status: str, gave_up: bool = False) -> str:
    return GAVE_UP_COLOUR if gave_up else STATUS_COLOURS.get(status, OVER)


def subject_text(row: OutboxRow) -> str:
    """The subject once rendered; before that, what the message is (its event)."""
    return row.subject or event_label(row.event)


def recipients_text(recipients: tuple[str, ...]) -> str:
    return ", ".join(recipients)


def when_text(row: OutboxRow) -> str:
    """Sent: when; tried and failed before: when it is tried next; otherwise nothing (a
    message not tried yet goes with the next sending round)."""
    if row.sent_at is not None:
        return date_time_text(row.sent_at)
    if row.attempts and row.status in ("queued", "failed") and row.next_attempt_at is not None:
        return _("next try {when}").format(when=date_time_text(row.next_attempt_at))
    return ""


def outbox_columns() -> list[Column[OutboxRow]]:
    return [
        Column(
            _("Queued"),
            lambda r: date_time_text(r.created_at),
            "created",
            width=134,
            fit=widest_date_time_text,
            sort_value=lambda r: r.created_at,
        ),
        Column(
            _("Status"),
            lambda r: status_label(r.status, r.gave_up),
            "status",
            width=156,
            tag=lambda r: status_colour(r.status, r.gave_up),
            tooltip=lambda r: r.last_error,
        ),
        Column(
            _("To"),
            lambda r: recipients_text(r.recipients),
            "recipients",
            width=180,
            tooltip=lambda r: "\n".join(r.recipients),
        ),
        Column(
            _("Customer"),
            lambda r: r.customer_name,
            "customer",
            width=150,
            foreground=lambda r: None if r.customer_name else "#6b7280",
        ),
        Column(
            _("Message"),
            subject_text,
            "event",
            tooltip=lambda r: f"{event_label(r.event)}: {r.subject}" if r.subject else event_label(r.event),
        ),
        Column(_("Tries"), lambda r: count_text(r.attempts), "attempts", width=50, align=RIGHT),
        Column(_("Sent / next try"), when_text, "sent", width=196, sort_value=lambda r: r.sent_at),
        Column(
            _("Error"),
            lambda r: r.last_error.splitlines()[0] if r.last_error else "",
            "",
            width=220,
            tooltip=lambda r: r.last_error,
            foreground=lambda r: ERROR_TEXT if r.last_error and r.status != "sent" else None,
        ),
    ]


SUBJECT_COLUMN = 4
