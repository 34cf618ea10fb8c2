"""Quotations: a priced proposal for a customer, sent for approval, then turned into work.

A quotation names a customer, the units it covers and priced lines (snapshots of the
price list, like a work order's items), with the customer's discount and a tax rate. It
is freely edited while it is a draft; **sending it locks it**, so the version the
customer is asked to approve is exactly the version they saw (tuffops-rules 1.8). Notes
may still be added to a locked quotation; anything else needs a new quotation.

Statuses are a list the company edits (Settings → Quotation statuses): the seven
defaults below, renamed at will, plus statuses of its own. Five keys are fixed, because
the rules hang off them, and lock the quotation: ``submitted``, ``accepted``,
``rejected``, ``fulfilled`` and ``cancelled``. Every other status, a custom one
included, is a draft status and leaves the quotation editable.

Status moves (``TRANSITIONS``; tuffops-rules Part 6 "Quotation")::

    draft statuses (pending, ready_to_review, custom) ⇄ one another     quotations.edit
    draft ─send─▶ submitted                                              quotations.send  (locks)
    submitted ─accept─▶ accepted | ─reject─▶ rejected                    quotations.send
    draft | submitted ─cancel─▶ cancelled ("withdrawn before acceptance") quotations.edit
    accepted ─(all its work orders completed / billed / cancelled)─▶ fulfilled   automatic

The customer answers a quotation; there is no public quotation link in this product, so
whoever deals with the customer about it (``quotations.send``) records their answer on
their behalf, and the history says so. Converting an accepted quotation makes one
work order per unit (``work_orders.create``) and leaves it ``accepted``: SPEC.md decides
the Part 7 conflict for the concept page, ``fulfilled`` when every one of those work
orders is done.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from tuffops_desktop.domain.errors import InvalidTransition, ValidationError
from tuffops_desktop.domain.invoices import InvoiceTotals, LineInput, invoice_totals
from tuffops_desktop.domain.pricing import HUNDRED, validate_money
from tuffops_desktop.i18n import N_

TITLE_MAX = 120
NOTE_MAX = 1000
STATUS_LABEL_MAX = 40
STATUS_KEY_MAX = 40
STATUSES_MAX = 30
UNIT_NOTE_MAX = 200
EDIT = "quotations.edit"
SEND = "quotations.send"
PRICING = "quotations.pricing"


class QuotationStatus(StrEnum):
    """The default statuses; the last five are fixed keys that lock the quotation."""

    PENDING = "pending"
    READY_TO_REVIEW = "ready_to_review"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"


S = QuotationStatus
LOCKING: frozenset[str] = frozenset({S.SUBMITTED, S.ACCEPTED, S.REJECTED, S.FULFILLED, S.CANCELLED})
FINAL: frozenset[str] = frozenset({S.REJECTED, S.FULFILLED, S.CANCELLED})
DEFAULT_LABELS: dict[str, str] = {
    S.PENDING: N_("Draft"),
    S.READY_TO_REVIEW: N_("Ready to review"),
    S.SUBMITTED: N_("Submitted"),
    S.ACCEPTED: N_("Accepted"),
    S.REJECTED: N_("Rejected"),
    S.FULFILLED: N_("Fulfilled"),
    S.CANCELLED: N_("Cancelled"),
}
DEFAULT_STATUSES: list[dict[str, str]] = [{"key": k.value, "label": DEFAULT_LABELS[k]} for k in QuotationStatus]
"""The ``quotation_statuses`` setting's default (a JSON list of ``{"key", "label"}``)."""


def locks(status: str) -> bool:
    """Whether a quotation in ``status`` is locked (only notes may still be added)."""
    return status in LOCKING


# ----------------------------------------------------------------- the editable status list
@dataclass(frozen=True)
class StatusEntry:
    """One status of the list: its stored key, the name people see, and whether it locks."""

    key: str
    label: str

    @property
    def locks(self) -> bool:
        return locks(self.key)

    @property
    def fixed(self) -> bool:
        """One of the seven defaults: it can be renamed but never removed."""
        return self.key in DEFAULT_LABELS


def check_status_list(value: Any) -> str | None:
    """The ``quotation_statuses`` setting's check: what is wrong with ``value`` (None if fine).

    A list of ``{"key", "label"}``; every default key present (they are renamed, never
    removed: quotations and rules refer to them); keys and names unique; names not empty."""
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        return "The quotation statuses must be a list of statuses."
    if len(value) > STATUSES_MAX:
        return f"At most {STATUSES_MAX} quotation statuses."
    keys: set[str] = set()
    names: set[str] = set()
    for item in value:
        key, label = item.get("key"), item.get("label")
        if not isinstance(key, str) or not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", key):
            return f"“{key}” is not a status key (lower-case letters, digits and _)."
        if not isinstance(label, str) or not label.strip():
            return "Every quotation status needs a name."
        if len(label) > STATUS_LABEL_MAX:
            return f"A status name has at most {STATUS_LABEL_MAX} characters."
        if key in keys:
            return f"The status key “{key}” appears twice."
        if label.strip().casefold() in names:
            return f"Two quotation statuses are called “{label.strip()}”."
        keys.add(key)
        names.add(label.strip().casefold())
    missing = [DEFAULT_LABELS[k] for k in DEFAULT_LABELS if k not in keys]
    if missing:
        return "These statuses cannot be removed: " + ", ".join(missing) + "."
    return None


def status_entries(value: Any) -> list[StatusEntry]:
    """The status list from the stored setting (the defaults if it is unusable)."""
    if check_status_list(value) is not None:
        value = DEFAULT_STATUSES
    return [StatusEntry(str(v["key"]), str(v["label"]).strip()) for v in value]


def status_label(entries: Iterable[StatusEntry], key: str) -> str:
    """What a status is called (its key, tidied, if the list no longer has it)."""
    for entry in entries:
        if entry.key == key:
            return entry.label
    return DEFAULT_LABELS.get(key, key.replace("_", " ").capitalize())


def _label(text: str) -> str:
    label = " ".join((text or "").split())
    if not label:
        raise ValidationError({"label": "Enter a name for the status."})
    if len(label) > STATUS_LABEL_MAX:
        raise ValidationError({"label": f"At most {STATUS_LABEL_MAX} characters (now {len(label)})."})
    return label


def _slug(label: str) -> str:
    plain = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")
    if not slug or not slug[0].isalpha():
        slug = "status_" + slug
    return slug[: STATUS_KEY_MAX - 4].rstrip("_")


def _as_setting(entries: Sequence[StatusEntry]) -> list[dict[str, str]]:
    return [{"key": e.key, "label": e.label} for e in entries]


def _unique_name(entries: Sequence[StatusEntry], label: str, skip: str = "") -> None:
    if any(e.label.casefold() == label.casefold() and e.key != skip for e in entries):
        raise ValidationError({"label": f"There is already a status called “{label}”."})


def add_status(entries: Sequence[StatusEntry], label: str) -> list[dict[str, str]]:
    """The list with a new draft status called ``label`` (its key made from the name)."""
    name = _label(label)
    _unique_name(entries, name)
    if len(entries) >= STATUSES_MAX:
        raise ValidationError({"label": f"At most {STATUSES_MAX} quotation statuses."})
    base = _slug(name)
    keys = {e.key for e in entries}
    key, n = base, 2
    while key in keys:
        key, n = f"{base}_{n}", n + 1
    return _as_setting([*entries, StatusEntry(key, name)])


def rename_status(entries: Sequence[StatusEntry], key: str, label: str) -> list[dict[str, str]]:
    """The list with status ``key`` called ``label`` (the key, and so every quotation, stays)."""
    name = _label(label)
    if key not in {e.key for e in entries}:
        raise ValidationError({"label": "This status is no longer on the list; reload it."})
    _unique_name(entries, name, skip=key)
    return _as_setting([StatusEntry(e.key, name if e.key == key else e.label) for e in entries])


# ----------------------------------------------------------------- moves
class Action(StrEnum):
    """What a person does to a quotation's status (a button on the Quotes page)."""

    MOVE = "move"  # to another draft status (pending, ready_to_review or a custom one)
    SEND = "send"
    ACCEPT = "accept"
    REJECT = "reject"
    CANCEL = "cancel"
    FULFIL = "fulfil"  # not a button: follows from the work orders

    @property
    def label(self) -> str:
        return _ACTION_LABELS[self]


_ACTION_LABELS = {
    Action.MOVE: N_("Set status"),
    Action.SEND: N_("Mark as sent"),
    Action.ACCEPT: N_("Customer accepted"),
    Action.REJECT: N_("Customer rejected"),
    Action.CANCEL: N_("Cancel quotation"),
    Action.FULFIL: N_("Fulfilled"),
}
DRAFT = "draft"  # any status that does not lock


@dataclass(frozen=True)
class Transition:
    """One move: from ``sources`` (``DRAFT``: any draft status) to ``target`` (None: the
    draft status chosen), by a holder of ``permission`` ("" = the system, never a person)."""

    action: Action
    sources: frozenset[str]
    target: str | None
    permission: str


TRANSITIONS: tuple[Transition, ...] = (
    Transition(Action.MOVE, frozenset({DRAFT}), None, EDIT),
    Transition(Action.SEND, frozenset({DRAFT}), S.SUBMITTED, SEND),
    Transition(Action.ACCEPT, frozenset({S.SUBMITTED}), S.ACCEPTED, SEND),
    Transition(Action.REJECT, frozenset({S.SUBMITTED}), S.REJECTED, SEND),
    Transition(Action.CANCEL, frozenset({DRAFT, S.SUBMITTED}), S.CANCELLED, EDIT),
    Transition(Action.FULFIL, frozenset({S.ACCEPTED}), S.FULFILLED, ""),
)
BY_ACTION: dict[Action, Transition] = {t.action: t for t in TRANSITIONS}


def _from(transition: Transition, status: str) -> bool:
    return status in transition.sources or (DRAFT in transition.sources and not locks(status))


def decide(
    action: Action | str,
    status: str,
    permissions: frozenset[str],
    entries: Sequence[StatusEntry],
    target: str | None = None,
) -> str:
    """The status after ``action`` (``target``: the draft status chosen for a move), or
    ``InvalidTransition`` saying plainly why not."""
    try:
        transition = BY_ACTION[Action(action)]
    except ValueError:
        raise InvalidTransition(f"“{action}” is not something one can do to a quotation.") from None
    if transition.action is Action.FULFIL:
        raise InvalidTransition(
            "A quotation becomes fulfilled by itself when all its work orders are completed, billed or cancelled."
        )
    label = status_label(entries, status)
    if not _from(transition, status):
        raise InvalidTransition(_refusal(transition, status, label))
    if transition.permission not in permissions:
        raise InvalidTransition(_who(transition))
    if transition.target is not None:
        return transition.target
    keys = {e.key for e in entries}
    if target is None or target not in keys:
        raise ValidationError({"status": "Choose a status from the list."})
    if locks(target):
        raise InvalidTransition(
            f"“{status_label(entries, target)}” is not set by hand: use the quotation's own action for it."
        )
    if target == status:
        raise InvalidTransition(f"The quotation is already “{label}”.")
    return target


def available_actions(status: str, permissions: frozenset[str]) -> list[Action]:
    """The moves a holder of ``permissions`` may make now, in the order the page shows them."""
    return [
        t.action
        for t in TRANSITIONS
        if t.permission and t.permission in permissions and _from(t, status) and t.action is not Action.FULFIL
    ]


def _who(transition: Transition) -> str:
    if transition.permission == SEND:
        if transition.action is Action.SEND:
            return "Only someone who may send quotations can mark one as sent."
        return "Only someone who may send quotations can record the customer's answer."
    return "Only someone who may edit quotations can change its status."


def _refusal(transition: Transition, status: str, label: str) -> str:
    if status == S.CANCELLED:
        return "This quotation was cancelled; to quote again, make a new quotation."
    if status == S.REJECTED:
        return "The customer rejected this quotation; to quote again, make a new quotation."
    if status == S.FULFILLED:
        return "This quotation is fulfilled: all its work is done."
    if transition.action is Action.SEND:
        return f"This quotation is “{label}”; it was already sent and cannot be sent again."
    if transition.action in (Action.ACCEPT, Action.REJECT):
        return f"Only a sent quotation can be accepted or rejected (this one is “{label}”)."
    if transition.action is Action.CANCEL:
        return f"An accepted quotation cannot be cancelled (this one is “{label}”)."
    return f"This quotation is “{label}” and locked; its status follows the customer's answer and its work."


def edit_refusal(status: str, label: str) -> str:
    """Why a quotation's content cannot change now ("" when it can)."""
    if locks(status):
        return f"This quotation is “{label}” and locked: only notes can be added. Make a new quotation to change it."
    return ""


def send_refusal(has_customer: bool, has_contact: bool, line_count: int) -> str:
    """Why a draft cannot be sent yet ("" when it can): the customer must be known and
    reachable, and there must be something to quote."""
    if not has_customer:
        return "Choose the customer before sending the quotation."
    if not has_contact:
        return "The customer has no e-mail address or phone number to send the quotation to."
    if line_count == 0:
        return "Add at least one line before sending the quotation."
    return ""


def convert_refusal(status: str, label: str, unit_count: int, converted: bool) -> str:
    """Why a quotation cannot be turned into work orders ("" when it can)."""
    if converted:
        return "This quotation was already converted into work orders."
    if status != S.ACCEPTED:
        return f"Only an accepted quotation can be converted into work orders (this one is “{label}”)."
    if unit_count == 0:
        return "Add the units the work is for: a quotation without units cannot be converted."
    return ""


DONE_WORK = frozenset({"completed", "billed", "cancelled"})


def all_work_done(work_order_statuses: Iterable[str]) -> bool:
    """Whether an accepted quotation's work is over: it made work orders and every one of
    them is completed, billed or cancelled."""
    statuses = list(work_order_statuses)
    return bool(statuses) and all(s in DONE_WORK for s in statuses)


# ----------------------------------------------------------------- fields
@dataclass(frozen=True)
class QuotationInput:
    """A quotation's head as typed on the Quotes page (text straight from the form)."""

    title: str
    customer_id: int | None = None
    customer_requests: str = ""
    valid_until: date | None = None


def validate_title(text: str) -> str:
    title = " ".join((text or "").split())
    if not title:
        raise ValidationError({"title": "Give the quotation a name, e.g. “Two split ACs for the lobby”."})
    if len(title) > TITLE_MAX:
        raise ValidationError({"title": f"At most {TITLE_MAX} characters (now {len(title)})."})
    return title


def validate_valid_until(value: date | None, today: date) -> date | None:
    """Until when the prices hold (optional); not a day already past."""
    if value is not None and value < today:
        raise ValidationError({"valid_until": "The quotation cannot be valid only until a day already past."})
    return value


def validate_note(text: str) -> str:
    """A note on a quotation: trimmed, not empty, at most ``NOTE_MAX`` characters."""
    body = (text or "").strip()
    if not body:
        raise ValidationError({"note": "The note is empty."})
    if len(body) > NOTE_MAX:
        raise ValidationError({"note": f"At most {NOTE_MAX} characters (now {len(body)})."})
    return body


def validate_unit_note(text: str) -> str:
    body = " ".join((text or "").split())
    if len(body) > UNIT_NOTE_MAX:
        raise ValidationError({"unit_note": f"At most {UNIT_NOTE_MAX} characters (now {len(body)})."})
    return body


def validate_rate(value: object, field: str) -> Decimal | None:
    """A percentage (discount or tax) from 0 to 100 with at most two decimals; blank = none."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = validate_money(value, field)
    except ValidationError:
        raise ValidationError({field: "Enter a percentage such as 10 or 12.5 (at most two decimals)."}) from None
    assert number is not None  # required: blank was handled above
    if number > HUNDRED:
        raise ValidationError({field: "A percentage from 0 to 100."})
    return number


# ----------------------------------------------------------------- lines per work order
Line = TypeVar("Line")


def distribute(lines: Sequence[tuple[int | None, Line]], unit_ids: Sequence[int]) -> dict[int, list[Line]]:
    """Which lines each unit's work order gets: a line tied to a unit goes to that unit's
    work order; a line tied to no unit goes to the **first** unit's work order only (with a
    single unit, that is every line), so the work orders together bill exactly what was
    quoted, never a general line once per unit. ``lines`` are ``(unit_id, line)`` pairs in
    quotation order; lines of a unit no longer on the quotation go to the first unit too."""
    if not unit_ids:
        return {}
    plan: dict[int, list[Line]] = {unit_id: [] for unit_id in unit_ids}
    for unit_id, line in lines:
        plan[unit_id if unit_id in plan else unit_ids[0]].append(line)
    return plan


# ----------------------------------------------------------------- money
def quotation_totals(lines: Iterable[LineInput], tax_rate: Decimal) -> InvoiceTotals:
    """A quotation's money exactly as an invoice of the same lines would be: each line
    rounded with its discount (``domain.pricing.line_amount``), tax once on the net sum,
    half-up (``domain.invoices.invoice_totals``), so the accepted price is what is billed."""
    return invoice_totals(lines, tax_rate)


def quotation_number(year: int, sequence: int) -> str:
    """A quotation's number: ``Q-2026-00001``, the ``sequence``-th quotation made in ``year``
    (the per-year counter invoices use, ``document_counters`` kind ``quotation``)."""
    return f"Q-{year:04d}-{sequence:05d}"
