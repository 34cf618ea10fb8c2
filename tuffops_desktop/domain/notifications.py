"""Notifications: the e-mails the business sends, and the outbox that makes them durable.

Every notification starts as one row in the **outbox**, written in the same transaction
as the event that causes it (a request received, an invoice issued…): if the event is
committed, so is its e-mail; if it is rolled back, no e-mail exists. A sender (in the
desktop apps, or ``tuffops notify serve`` on the office server) later claims due rows,
renders them with the templates, hands them to the SMTP server and records the server's
answer. Nothing is rendered or sent inside the triggering transaction.

Status graph (``TRANSITIONS``)::

    queued ──▶ sending ──▶ sent
      │          │  ▲
      │          ▼  │ (retry when due)
      │        failed ──▶ cancelled
      ▼                      ▲
    cancelled ◀──────────────┘

* ``queued``: waiting for its first attempt (``next_attempt_at``).
* ``sending``: claimed by one sender until its lease runs out (``claimed_until``); a
  sender that died leaves a stale lease that another sender reclaims.
* ``failed``: the last attempt failed. With a ``next_attempt_at`` it is retried when due
  (back-off, ``BACKOFF``); without one the sender gave up (``MAX_ATTEMPTS`` reached, a
  permanent refusal, or too old) and the Outbox page shows it until someone retries or
  cancels it.
* ``sent``: the SMTP server accepted it (its answer is kept). Final.
* ``cancelled``: the office decided it should not go. Final.

**Delivery guarantee: at least once, with a stable Message-ID.** Each row has one
Message-ID (``message_id_for``), fixed the first time it is claimed and reused on every
attempt. A crash after the server accepted a message but before the row was marked sent
makes the message go again with the same Message-ID, which mail clients and servers use
to drop the duplicate. Two senders never hold the same row at once (claims use
``FOR UPDATE SKIP LOCKED`` on PostgreSQL, the single writer on SQLite), and one event
never makes two rows (``dedupe_key``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from functools import lru_cache

from tuffops_desktop.domain.emails import normalize_email
from tuffops_desktop.domain.errors import InvalidTransition, ValidationError
from tuffops_desktop.i18n import N_


class Event(StrEnum):
    """What happened, that somebody is told about by e-mail."""

    REQUEST_RECEIVED = "request_received"
    REQUEST_SCHEDULED = "request_scheduled"
    TECHNICIAN_ASSIGNED = "technician_assigned"
    WORK_ORDER_COMPLETED = "work_order_completed"
    QUOTATION_SENT = "quotation_sent"
    INVOICE_ISSUED = "invoice_issued"
    PAYMENT_RECEIVED = "payment_received"
    INVOICE_OVERDUE = "invoice_overdue"
    MAINTENANCE_DUE = "maintenance_due"
    TEST = "test"

    @property
    def label(self) -> str:
        return _EVENT_LABELS[self]


_EVENT_LABELS = {
    Event.REQUEST_RECEIVED: N_("Request received"),
    Event.REQUEST_SCHEDULED: N_("Request scheduled"),
    Event.TECHNICIAN_ASSIGNED: N_("Technician assigned"),
    Event.WORK_ORDER_COMPLETED: N_("Work order completed"),
    Event.QUOTATION_SENT: N_("Quotation sent"),
    Event.INVOICE_ISSUED: N_("Invoice issued"),
    Event.PAYMENT_RECEIVED: N_("Payment received"),
    Event.INVOICE_OVERDUE: N_("Invoice overdue reminder"),
    Event.MAINTENANCE_DUE: N_("Maintenance due"),
    Event.TEST: N_("Test e-mail"),
}


class OutboxStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    OutboxStatus.QUEUED: N_("Queued"),
    OutboxStatus.SENDING: N_("Sending"),
    OutboxStatus.SENT: N_("Sent"),
    OutboxStatus.FAILED: N_("Failed"),
    OutboxStatus.CANCELLED: N_("Cancelled"),
}

TRANSITIONS: dict[OutboxStatus, frozenset[OutboxStatus]] = {
    OutboxStatus.QUEUED: frozenset({OutboxStatus.SENDING, OutboxStatus.CANCELLED}),
    # sending → sending: a stale lease reclaimed by another sender.
    OutboxStatus.SENDING: frozenset({OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.SENDING}),
    # failed → queued: "Retry now" on the Outbox page (attempts start again).
    OutboxStatus.FAILED: frozenset({OutboxStatus.SENDING, OutboxStatus.QUEUED, OutboxStatus.CANCELLED}),
    OutboxStatus.SENT: frozenset(),
    OutboxStatus.CANCELLED: frozenset(),
}

# Statuses in which a row still waits for the sender (it may still go out).
PENDING: frozenset[OutboxStatus] = frozenset({OutboxStatus.QUEUED, OutboxStatus.SENDING, OutboxStatus.FAILED})


def check_transition(current: OutboxStatus, target: OutboxStatus) -> None:
    """Raise ``InvalidTransition`` unless ``current → target`` is allowed."""
    if target in TRANSITIONS[current]:
        return
    if current is OutboxStatus.SENT:
        raise InvalidTransition("This message was already sent; it cannot be changed.")
    if current is OutboxStatus.CANCELLED:
        raise InvalidTransition("This message was cancelled; queue a new one instead.")
    if current is OutboxStatus.SENDING:
        raise InvalidTransition("This message is being sent right now; wait a moment and look again.")
    raise InvalidTransition(f"A message cannot go from {current.value} to {target.value}.")


# ---------------------------------------------------------------------------- retries
BACKOFF: tuple[timedelta, ...] = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=6),
    timedelta(hours=12),
)
"""Wait after the 1st, 2nd, … failed attempt. The attempt after the last wait is the last one."""

MAX_ATTEMPTS = len(BACKOFF) + 1
"""Attempts before the sender gives up (about 22 hours of a mail server being down)."""

MAX_AGE = timedelta(days=3)
"""A message still unsent this long after its event is not sent any more (a "your
technician comes tomorrow" mail a week late does harm): it is marked failed, and the
office may still retry it by hand."""

LEASE = timedelta(minutes=10)
"""How long a claim lasts; a sender that has not marked its rows by then is presumed dead."""


def next_attempt_at(attempts: int, now: datetime) -> datetime | None:
    """When to try again after ``attempts`` failed attempts; None: give up."""
    if attempts < 1:
        return now
    if attempts >= MAX_ATTEMPTS:
        return None
    return now + BACKOFF[attempts - 1]


# ---------------------------------------------------------------------------- headers
def message_id_for(outbox_id: int, domain: str, token: str = "") -> str:
    """The one Message-ID of outbox row ``outbox_id``: the same on every attempt.

    ``token`` is the row's random token (written when it was queued), so two databases
    (a restored backup, a demo) never give different messages the same Message-ID.
    ``domain`` is the sending domain (the From address's).
    """
    clean = (domain or "").strip().strip(".").lower()
    if not clean or not re.fullmatch(r"[a-z0-9.-]+", clean):
        clean = "tuffops.invalid"
    left = f"outbox.{outbox_id}.{token}" if token else f"outbox.{outbox_id}"
    return f"<{left}@{clean}>"


def domain_of(address: str) -> str:
    """The domain of an e-mail address (lower case); "" when there is none."""
    return address.rpartition("@")[2].strip().rstrip(">").lower() if "@" in address else ""


def has_header_break(value: str) -> bool:
    """True when ``value`` would end a mail header early (CR, LF or another control
    character): customer text must never reach a header with one."""
    return any(ch in "\r\n" or (unicodedata.category(ch) == "Cc" and ch != "\t") for ch in value)


def check_header_text(field: str, value: str) -> str:
    """Return ``value`` if it can go in a header, else raise ``ValidationError``."""
    if has_header_break(value):
        raise ValidationError({field: "A line break or control character cannot go into an e-mail header."})
    return value


MAX_RECIPIENTS = 20


@lru_cache(maxsize=4096)
def _normalized(text: str) -> str | None:
    """``normalize_email`` remembered: the same customers' addresses come back all day, and
    checking one costs about 90 µs of the < 1 ms a triggering transaction may spend."""
    try:
        return normalize_email(text)
    except ValidationError:
        return None


def check_recipients(recipients: Sequence[str]) -> tuple[str, ...]:
    """Validate and normalise a message's recipients (refused before anything is stored).

    Every address must be a plain e-mail address without line breaks (header injection),
    duplicates are dropped case-insensitively, order is kept; at least one, at most
    ``MAX_RECIPIENTS``.
    """
    if isinstance(recipients, str):
        raise ValidationError({"recipients": "Recipients must be a list of addresses."})
    result: list[str] = []
    seen: set[str] = set()
    for raw in recipients:
        text = str(raw)
        if has_header_break(text):
            raise ValidationError({"recipients": "An e-mail address cannot contain a line break."})
        if "," in text or ";" in text or "<" in text:
            raise ValidationError({"recipients": f"“{text.strip()}” must be a single plain address."})
        address = _normalized(text)
        if address is None:
            raise ValidationError({"recipients": f"“{text.strip()}” is not an e-mail address."})
        if address.casefold() not in seen:
            seen.add(address.casefold())
            result.append(address)
    if not result:
        raise ValidationError({"recipients": "A message needs at least one recipient."})
    if len(result) > MAX_RECIPIENTS:
        raise ValidationError({"recipients": f"At most {MAX_RECIPIENTS} recipients per message."})
    return tuple(result)


EMAIL_SHAPE = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")


def looks_like_email(text: str) -> bool:
    """True when free text a customer typed (a request's contact) is one e-mail address."""
    candidate = text.strip()
    if not EMAIL_SHAPE.match(candidate):
        return False
    try:
        normalize_email(candidate)
    except ValidationError:
        return False
    return True


# ---------------------------------------------------------------------------- SMTP
class TlsMode(StrEnum):
    """How the connection to the mail server is protected."""

    STARTTLS = "starttls"  # plain connect, then STARTTLS (port 587)
    SSL = "ssl"  # TLS from the first byte (port 465)
    NONE = "none"  # no encryption (a relay on the office LAN)

    @property
    def label(self) -> str:
        return {
            "starttls": N_("STARTTLS (port 587)"),
            "ssl": N_("SSL/TLS (port 465)"),
            "none": N_("None (trusted network only)"),
        }[self.value]


class SmtpProblem(StrEnum):
    """Why a delivery attempt failed, in words the office can act on."""

    UNREACHABLE = "unreachable"
    TLS = "tls"
    AUTH = "auth"
    SENDER_REFUSED = "sender_refused"
    RECIPIENT_REFUSED = "recipient_refused"
    REJECTED = "rejected"
    NOT_CONFIGURED = "not_configured"
    RENDER = "render"
    EXPIRED = "expired"
    OTHER = "other"

    @property
    def advice(self) -> str:
        return _ADVICE[self]


_ADVICE = {
    SmtpProblem.UNREACHABLE: N_(
        "Cannot reach the mail server. Check the host name and port, and that this computer may connect to it."
    ),
    SmtpProblem.TLS: N_(
        "The secure connection to the mail server failed. Check the TLS mode (STARTTLS on 587, SSL on 465) "
        "and the server's certificate."
    ),
    SmtpProblem.AUTH: N_("The mail server refused the user name or password."),
    SmtpProblem.SENDER_REFUSED: N_("The mail server refused the From address; use one this account may send as."),
    SmtpProblem.RECIPIENT_REFUSED: N_("The mail server refused the recipient's address."),
    SmtpProblem.REJECTED: N_("The mail server refused the message."),
    SmtpProblem.NOT_CONFIGURED: N_("E-mail is not set up: fill in Settings → E-mail."),
    SmtpProblem.RENDER: N_("The message could not be put together from its template."),
    SmtpProblem.EXPIRED: N_("Not sent: it waited too long for the mail server."),
    SmtpProblem.OTHER: N_("Sending failed."),
}
