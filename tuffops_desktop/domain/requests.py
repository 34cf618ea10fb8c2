"""Customer requests: a signal, not a contract.

A request captures intent ("the AC is dripping") from a customer who scanned a unit's
sticker, or from a phone call the office logs. It is always tied to a unit (and so to
the unit's customer), carries no price and no technician, and is triaged in the inbox:
converted to a work order, closed as resolved, or kept open/ongoing while the office
chases details. Closing is final; the same problem coming back is a new request.

Status graph (``TRANSITIONS``)::

    open ──▶ ongoing ──▶ closed
      ▲         │          ▲
      └─────────┘          │
      └────────────────────┘
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from tuffops_desktop.domain.emails import emails_match
from tuffops_desktop.domain.errors import InvalidTransition, ValidationError
from tuffops_desktop.domain.phones import PhoneDefaults, phones_match
from tuffops_desktop.i18n import N_

REQUEST_MAX = 2000
CONTACT_MAX = 200
NOTE_MAX = 1000
SCHEDULE_HORIZON_DAYS = 366
TICKET_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


class RequestStatus(StrEnum):
    OPEN = "open"
    ONGOING = "ongoing"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"open": N_("Open"), "ongoing": N_("Ongoing"), "closed": N_("Closed")}[self.value]


TRANSITIONS: dict[RequestStatus, frozenset[RequestStatus]] = {
    RequestStatus.OPEN: frozenset({RequestStatus.ONGOING, RequestStatus.CLOSED}),
    RequestStatus.ONGOING: frozenset({RequestStatus.OPEN, RequestStatus.CLOSED}),
    RequestStatus.CLOSED: frozenset(),  # final
}


def check_transition(current: RequestStatus, target: RequestStatus) -> None:
    """Raise ``InvalidTransition`` unless ``current → target`` is allowed."""
    if current == target:
        return
    if target not in TRANSITIONS[current]:
        if current is RequestStatus.CLOSED:
            raise InvalidTransition("This request is closed; closing is final. Log a new request instead.")
        raise InvalidTransition(f"A request cannot go from {current.value} to {target.value}.")


class ScheduleTime(StrEnum):
    """The customer's preferred window on ``schedule_at``."""

    ALL_DAY = "All Day"
    MORNING = "Morning"
    AFTERNOON = "Afternoon"


class RequestSource(StrEnum):
    QR = "qr"
    OFFICE = "office"


class CloseReason(StrEnum):
    CONVERTED = "converted"
    RESOLVED = "resolved"


@dataclass(frozen=True)
class RequestInput:
    """Raw request fields from the public form or the office dialog."""

    request: str = ""
    schedule_at: str | date | None = None
    schedule_time: str = ""
    contact_info: str = ""


@dataclass(frozen=True)
class RequestFields:
    request: str
    schedule_at: date
    schedule_time: ScheduleTime
    contact_info: str


def _has_forbidden_characters(text: str) -> bool:
    """Control characters (other than newline/tab) are never part of a real message."""
    return any(unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in text)


def validate_request(data: RequestInput, today: date) -> RequestFields:
    """Check a request; every problem is reported at once, per field.

    Text is kept verbatim (it is shown as plain text everywhere); only surrounding
    whitespace is trimmed and line endings are unified.
    """
    errors: dict[str, str] = {}
    text = (data.request or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        errors["request"] = "Tell us what the problem is."
    elif len(text) > REQUEST_MAX:
        errors["request"] = f"Please keep it under {REQUEST_MAX} characters (now {len(text)})."
    elif _has_forbidden_characters(text):
        errors["request"] = "The description contains characters we cannot store."
    schedule_at: date | None = None
    raw_date = data.schedule_at
    if raw_date in (None, ""):
        errors["schedule_at"] = "Choose a preferred date."
    elif isinstance(raw_date, date):
        schedule_at = raw_date
    else:
        try:
            schedule_at = date.fromisoformat(str(raw_date).strip())
        except ValueError:
            errors["schedule_at"] = "Choose a preferred date (YYYY-MM-DD)."
    if schedule_at is not None:
        if schedule_at < today:
            errors["schedule_at"] = "The preferred date cannot be in the past."
        elif schedule_at > today + timedelta(days=SCHEDULE_HORIZON_DAYS):
            errors["schedule_at"] = "Choose a date within the next year."
    window = None
    for candidate in ScheduleTime:
        if str(data.schedule_time or "").strip().casefold() in (candidate.value.casefold(), candidate.name.casefold()):
            window = candidate
    if window is None:
        errors["schedule_time"] = "Choose All Day, Morning or Afternoon."
    contact = " ".join((data.contact_info or "").split())
    if not contact:
        errors["contact_info"] = "Tell us how to reach you (phone or e-mail)."
    elif len(contact) > CONTACT_MAX:
        errors["contact_info"] = f"At most {CONTACT_MAX} characters."
    elif _has_forbidden_characters(contact):
        errors["contact_info"] = "The contact details contain characters we cannot store."
    if errors:
        raise ValidationError(errors)
    return RequestFields(text, schedule_at, window, contact)  # type: ignore[arg-type]


def validate_note(body: str) -> str:
    text = (body or "").strip()
    if not text:
        raise ValidationError({"note": "The note is empty."})
    if len(text) > NOTE_MAX:
        raise ValidationError({"note": f"Notes are limited to {NOTE_MAX} characters."})
    if _has_forbidden_characters(text):
        raise ValidationError({"note": "The note contains characters we cannot store."})
    return text


def is_verified(contact_info: str, phones: list[str], emails: list[str], defaults: PhoneDefaults) -> bool:
    """Verified when the contact matches a phone (normalised) or e-mail (any case) of the
    unit's customer. Informational only: it changes no permission and no routing."""
    if not contact_info:
        return False
    return any(emails_match(contact_info, e) for e in emails) or any(
        phones_match(contact_info, p, defaults) for p in phones
    )


def ticket_for(submission_key: str, attempt: int = 0) -> str:
    """The ticket number shown to the customer, derived from the form's one-time key.

    Random-looking (it reveals nothing about request volume), short enough to read over
    the phone, and the same for the same submission, so a double submit (refresh, back
    button) or a spooled delivery ends in the same ticket. The key is a random 128-bit
    token the server issued with the form, so the ticket cannot be guessed either.
    ``attempt`` > 0 gives another ticket for the same key, for the (1 in 10^15) clash.
    """
    salt = f":{attempt}" if attempt else ""
    digest = hashlib.sha256((submission_key + salt).encode("utf-8")).digest()
    value = int.from_bytes(digest[:7], "big") >> 6  # 50 bits → 10 base32 characters
    chars = []
    for _ in range(10):
        value, index = divmod(value, 32)
        chars.append(TICKET_ALPHABET[index])
    code = "".join(reversed(chars))
    return f"R-{code[:5]}-{code[5:]}"
