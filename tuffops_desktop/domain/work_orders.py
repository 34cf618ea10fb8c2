"""Work orders: scheduled, tracked work on one unit.

A work order is made from a request, a quotation or by hand, always ``unassigned`` at
first. The office (``work_orders.supervise``) assigns a technician, and the technician
(``work_orders.edit``) starts, pauses, resumes and submits the work on their own work
orders; a supervisor approves it (or sends it back), and billing closes it. Every move
is one row of ``TRANSITIONS`` and writes a history row, so the time spent on site is
read from the history, never typed in.

Status graph (``TRANSITIONS``; SPEC.md, tuffops-rules.md Part 6)::

    unassigned ─assign─▶ pending ─start─▶ ongoing ⇄ paused
                  (reassign ↺)               │ submit
                                             ▼
                               ongoing ◀─send back── waiting_approval ─approve─▶ completed ─bill─▶ billed
    cancel: from unassigned, pending, ongoing, paused, waiting_approval.  Nothing leaves cancelled or billed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from tuffops_desktop.domain.errors import InvalidTransition, ValidationError
from tuffops_desktop.domain.numbers import work_order_number
from tuffops_desktop.i18n import N_

__all__ = ["work_order_number"]  # re-exported: where work orders are named

NOTE_MAX = 1000
REQUESTS_TEXT_MAX = 2000  # what the customer asked for: as long as a request may be
DEFAULT_DURATION_HOURS = Decimal("2")
DURATION_STEP_HOURS = Decimal("0.5")
DURATION_MAX_HOURS = Decimal("200")
EDIT = "work_orders.edit"
SUPERVISE = "work_orders.supervise"
ASSIGN = "work_orders.assign"


def sees_only_own(permissions: frozenset[str] | set[str]) -> bool:
    """A technician (edits work orders, neither supervises nor dispatches) reaches only the
    work orders assigned to them: on the list, the board and the items card alike."""
    return EDIT in permissions and SUPERVISE not in permissions and ASSIGN not in permissions


class WorkOrderStatus(StrEnum):
    UNASSIGNED = "unassigned"
    PENDING = "pending"
    ONGOING = "ongoing"
    PAUSED = "paused"
    WAITING_APPROVAL = "waiting_approval"
    COMPLETED = "completed"
    BILLED = "billed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    WorkOrderStatus.UNASSIGNED: N_("Unassigned"),
    WorkOrderStatus.PENDING: N_("Pending"),
    WorkOrderStatus.ONGOING: N_("Ongoing"),
    WorkOrderStatus.PAUSED: N_("Paused"),
    WorkOrderStatus.WAITING_APPROVAL: N_("Waiting for approval"),
    WorkOrderStatus.COMPLETED: N_("Completed"),
    WorkOrderStatus.BILLED: N_("Billed"),
    WorkOrderStatus.CANCELLED: N_("Cancelled"),
}
FINAL = frozenset({WorkOrderStatus.BILLED, WorkOrderStatus.CANCELLED})
OPEN = frozenset(WorkOrderStatus) - FINAL - {WorkOrderStatus.COMPLETED}


class WorkOrderType(StrEnum):
    INSTALLATION = "installation"
    REPAIR = "repair"
    MAINTENANCE = "maintenance"
    SERVICE = "service"
    OTHER = "other"


# Which of the unit's dates an approved work order of each type moves.
UNIT_DATE_ON_APPROVAL: dict[WorkOrderType, str | None] = {
    WorkOrderType.INSTALLATION: "installed_at",
    WorkOrderType.MAINTENANCE: "maintained_at",
    WorkOrderType.REPAIR: "serviced_at",
    WorkOrderType.SERVICE: "serviced_at",
    WorkOrderType.OTHER: None,
}


class PauseReason(StrEnum):
    AWAITING_PARTS = "awaiting_parts"
    CUSTOMER_ACCESS = "customer_access"
    CUSTOMER_DECISION = "customer_decision"
    ESCALATED = "escalated"
    WEATHER = "weather"
    OTHER = "other"


class Action(StrEnum):
    """What a person does to a work order (a button in the editor, a drop on the board)."""

    ASSIGN = "assign"
    REASSIGN = "reassign"
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    SUBMIT = "submit"
    SEND_BACK = "send_back"
    APPROVE = "approve"
    CANCEL = "cancel"
    BILL = "bill"

    @property
    def label(self) -> str:
        return _ACTION_LABELS[self]


_ACTION_LABELS = {
    Action.ASSIGN: N_("Assign"),
    Action.REASSIGN: N_("Reassign"),
    Action.START: N_("Start work"),
    Action.PAUSE: N_("Pause"),
    Action.RESUME: N_("Resume"),
    Action.SUBMIT: N_("Submit for approval"),
    Action.SEND_BACK: N_("Send back"),
    Action.APPROVE: N_("Approve & complete"),
    Action.CANCEL: N_("Cancel"),
    Action.BILL: N_("Mark as billed"),
}


class Who(StrEnum):
    """Whose move it is."""

    SUPERVISOR = "supervisor"  # work_orders.supervise
    DISPATCHER = "dispatcher"  # work_orders.supervise or work_orders.assign
    ASSIGNEE_OR_SUPERVISOR = "assignee"  # the assigned technician (work_orders.edit), or a supervisor


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[WorkOrderStatus]
    target: WorkOrderStatus
    who: Who
    reason_required: bool = False  # pausing asks why (a PauseReason)


S = WorkOrderStatus
TRANSITIONS: tuple[Transition, ...] = (
    Transition(Action.ASSIGN, frozenset({S.UNASSIGNED}), S.PENDING, Who.DISPATCHER),
    Transition(Action.REASSIGN, frozenset({S.PENDING}), S.PENDING, Who.DISPATCHER),
    Transition(Action.START, frozenset({S.PENDING}), S.ONGOING, Who.ASSIGNEE_OR_SUPERVISOR),
    Transition(Action.PAUSE, frozenset({S.ONGOING}), S.PAUSED, Who.ASSIGNEE_OR_SUPERVISOR, reason_required=True),
    Transition(Action.RESUME, frozenset({S.PAUSED}), S.ONGOING, Who.ASSIGNEE_OR_SUPERVISOR),
    Transition(Action.SUBMIT, frozenset({S.ONGOING}), S.WAITING_APPROVAL, Who.ASSIGNEE_OR_SUPERVISOR),
    Transition(Action.SEND_BACK, frozenset({S.WAITING_APPROVAL}), S.ONGOING, Who.SUPERVISOR),
    Transition(Action.APPROVE, frozenset({S.WAITING_APPROVAL}), S.COMPLETED, Who.SUPERVISOR),
    Transition(
        Action.CANCEL,
        frozenset({S.UNASSIGNED, S.PENDING, S.ONGOING, S.PAUSED, S.WAITING_APPROVAL}),
        S.CANCELLED,
        Who.SUPERVISOR,
    ),
    Transition(Action.BILL, frozenset({S.COMPLETED}), S.BILLED, Who.SUPERVISOR),
)
BY_ACTION: dict[Action, Transition] = {t.action: t for t in TRANSITIONS}


@dataclass(frozen=True)
class WorkOrderActor:
    """Who is acting, as the rules need it: their user name and permission keys."""

    username: str
    permissions: frozenset[str]

    @property
    def supervises(self) -> bool:
        return SUPERVISE in self.permissions


def may(transition: Transition, actor: WorkOrderActor, assignee: str | None) -> bool:
    """Whether ``actor`` may take ``transition`` on a work order assigned to ``assignee``."""
    if transition.who is Who.SUPERVISOR:
        return actor.supervises
    if transition.who is Who.DISPATCHER:
        return actor.supervises or ASSIGN in actor.permissions
    return actor.supervises or (EDIT in actor.permissions and assignee is not None and assignee == actor.username)


def decide(
    action: Action | str, status: WorkOrderStatus | str, actor: WorkOrderActor, assignee: str | None, reason: str = ""
) -> WorkOrderStatus:
    """The status after ``action``, or ``InvalidTransition`` saying plainly why not."""
    try:
        transition = BY_ACTION[Action(action)]
    except ValueError:
        raise InvalidTransition(f"“{action}” is not something one can do to a work order.") from None
    current = WorkOrderStatus(status)
    if current not in transition.sources:
        raise InvalidTransition(_refusal(transition, current))
    if not may(transition, actor, assignee):
        if transition.who is Who.ASSIGNEE_OR_SUPERVISOR:
            raise InvalidTransition(
                f"Only the assigned technician or a supervisor can {_verb(transition)} this work order."
            )
        if transition.who is Who.DISPATCHER:
            raise InvalidTransition("Only a dispatcher or supervisor can assign technicians.")
        raise InvalidTransition(f"Only a supervisor can {_verb(transition)} a work order.")
    if transition.reason_required:
        try:
            PauseReason(reason)
        except ValueError:
            raise ValidationError({"reason": "Choose why the work is paused."}) from None
    return transition.target


def available_actions(status: WorkOrderStatus | str, actor: WorkOrderActor, assignee: str | None) -> list[Action]:
    """The moves this actor may make now, in the order the editor shows them."""
    current = WorkOrderStatus(status)
    return [t.action for t in TRANSITIONS if current in t.sources and may(t, actor, assignee)]


_VERBS = {
    Action.ASSIGN: "assign",
    Action.REASSIGN: "reassign",
    Action.START: "start",
    Action.PAUSE: "pause",
    Action.RESUME: "resume",
    Action.SUBMIT: "submit",
    Action.SEND_BACK: "send back",
    Action.APPROVE: "approve",
    Action.CANCEL: "cancel",
    Action.BILL: "bill",
}


def _verb(transition: Transition) -> str:
    return _VERBS[transition.action]


def _refusal(transition: Transition, current: WorkOrderStatus) -> str:
    if current is WorkOrderStatus.CANCELLED:
        return "This work order was cancelled; nothing more can happen to it."
    if current is WorkOrderStatus.BILLED:
        return "This work order is billed; it can no longer change."
    allowed = " or ".join(s.label.lower() for s in WorkOrderStatus if s in transition.sources)
    return f"You cannot {_verb(transition)} a work order that is {current.label.lower()} (only one that is {allowed})."


# ----------------------------------------------------------------- history
@dataclass(frozen=True)
class HistoryEntry:
    """One status change: who, when, from, to, and why (a pause reason or a note)."""

    at: datetime
    by: str
    from_status: WorkOrderStatus | None  # None: created
    to_status: WorkOrderStatus
    reason: str = ""


def replay(history: Sequence[HistoryEntry]) -> WorkOrderStatus:
    """The status the history leads to; ``InvalidTransition`` if a step is not in the graph."""
    if not history or history[0].from_status is not None or history[0].to_status is not WorkOrderStatus.UNASSIGNED:
        raise InvalidTransition("A work order's history must start with its creation as unassigned.")
    current: WorkOrderStatus = history[0].to_status
    for entry in history[1:]:
        if entry.from_status is not current:
            raise InvalidTransition(f"History step from {entry.from_status} does not follow {current}.")
        if not any(entry.from_status in t.sources and entry.to_status is t.target for t in TRANSITIONS):
            raise InvalidTransition(f"{entry.from_status} → {entry.to_status} is not a work-order move.")
        current = entry.to_status
    return current


def time_on_site(history: Iterable[HistoryEntry], now: datetime) -> timedelta:
    """Time spent ``ongoing``, summed over every start/resume until the next change (or now)."""
    total = timedelta()
    since: datetime | None = None
    for entry in history:
        if since is not None:
            total += max(entry.at - since, timedelta())
            since = None
        if entry.to_status is WorkOrderStatus.ONGOING:
            since = entry.at
    if since is not None:
        total += max(now - since, timedelta())
    return total


# ----------------------------------------------------------------- fields
def validate_duration(hours: object) -> Decimal:
    """Estimated duration in hours: half-hour steps, more than zero (default 2 h)."""
    if hours in (None, ""):
        return DEFAULT_DURATION_HOURS
    try:
        value = Decimal(str(hours).strip().replace(",", "."))
    except InvalidOperation:
        raise ValidationError({"estimated_hours": "Enter the hours as a number, e.g. 1.5."}) from None
    if not value.is_finite() or value <= 0:
        raise ValidationError({"estimated_hours": "The estimate must be more than zero hours."})
    if value > DURATION_MAX_HOURS:
        raise ValidationError({"estimated_hours": f"At most {DURATION_MAX_HOURS} hours."})
    if value % DURATION_STEP_HOURS:
        raise ValidationError({"estimated_hours": "Estimate in half hours (0.5, 1, 1.5 …)."})
    return value.quantize(DURATION_STEP_HOURS)


def validate_note(text: str) -> str:
    """An internal note: trimmed, not empty, at most ``NOTE_MAX`` characters."""
    body = (text or "").strip()
    if not body:
        raise ValidationError({"notes": "The note is empty."})
    if len(body) > NOTE_MAX:
        raise ValidationError({"notes": f"At most {NOTE_MAX} characters (now {len(body)})."})
    return body


def validate_requests_text(text: str) -> str:
    """What the customer asked for (copied from a request, or typed by the office)."""
    body = (text or "").strip()
    if len(body) > REQUESTS_TEXT_MAX:
        raise ValidationError({"customer_requests": f"At most {REQUESTS_TEXT_MAX} characters (now {len(body)})."})
    return body


def sla_due(created_at: datetime, default_sla_hours: int | None) -> datetime | None:
    """When the customer's service level says the work is due (None: no service level)."""
    return created_at + timedelta(hours=default_sla_hours) if default_sla_hours else None


def check_assignable(unit_has_customer: bool) -> None:
    """A stock unit (no customer) cannot have work assigned: whose site would the technician visit?"""
    if not unit_has_customer:
        raise InvalidTransition(
            "This unit belongs to no customer yet. Give it a customer before assigning a technician."
        )


class SlaState(StrEnum):
    """How a work order stands against its due time (the dispatch board's green / amber / red)."""

    NONE = "none"  # no due time
    ON_TIME = "on_time"
    AT_RISK = "at_risk"  # less than a quarter of the time between creation and due is left
    OVERDUE = "overdue"


AT_RISK_SHARE = 0.25


def sla_state(created_at: datetime, due_at: datetime | None, now: datetime) -> SlaState:
    """Where a work order created at ``created_at`` and due at ``due_at`` stands at ``now``."""
    if due_at is None:
        return SlaState.NONE
    if now >= due_at:
        return SlaState.OVERDUE
    window = (due_at - created_at).total_seconds()
    left = (due_at - now).total_seconds()
    if window <= 0 or left < AT_RISK_SHARE * window:
        return SlaState.AT_RISK
    return SlaState.ON_TIME


def urgency_key(
    due_at: datetime | None, created_at: datetime, work_order_id: int
) -> tuple[bool, datetime, datetime, int]:
    """Sort key of the unassigned queue: the earliest due first, those without a due time last,
    then the oldest first."""
    return (due_at is None, due_at or created_at, created_at, work_order_id)
