"""The work-order lifecycle: the table, its guards, history replay and time on site."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuffops_desktop.domain.errors import InvalidTransition, ValidationError
from tuffops_desktop.domain.work_orders import (
    BY_ACTION,
    FINAL,
    TRANSITIONS,
    Action,
    HistoryEntry,
    PauseReason,
    Who,
    WorkOrderActor,
    WorkOrderStatus,
    available_actions,
    check_assignable,
    decide,
    replay,
    time_on_site,
    validate_duration,
)

S = WorkOrderStatus
TECH = WorkOrderActor("tom", frozenset({"work_orders.view", "work_orders.edit"}))
OTHER_TECH = WorkOrderActor("bob", frozenset({"work_orders.view", "work_orders.edit"}))
SUPERVISOR = WorkOrderActor("sue", frozenset({"work_orders.view", "work_orders.edit", "work_orders.supervise"}))
DISPATCHER = WorkOrderActor("dan", frozenset({"work_orders.view", "work_orders.assign"}))
VIEWER = WorkOrderActor("vic", frozenset({"work_orders.view"}))
ACTORS = [TECH, OTHER_TECH, SUPERVISOR, DISPATCHER, VIEWER]

# SPEC.md "Work orders": the whole graph, written out by hand.
SPEC_GRAPH = {
    (S.UNASSIGNED, S.PENDING),
    (S.PENDING, S.PENDING),
    (S.PENDING, S.ONGOING),
    (S.ONGOING, S.PAUSED),
    (S.PAUSED, S.ONGOING),
    (S.ONGOING, S.WAITING_APPROVAL),
    (S.WAITING_APPROVAL, S.ONGOING),
    (S.WAITING_APPROVAL, S.COMPLETED),
    (S.COMPLETED, S.BILLED),
    (S.UNASSIGNED, S.CANCELLED),
    (S.PENDING, S.CANCELLED),
    (S.ONGOING, S.CANCELLED),
    (S.PAUSED, S.CANCELLED),
    (S.WAITING_APPROVAL, S.CANCELLED),
}


def test_the_table_is_exactly_the_specs_graph():
    assert {(source, t.target) for t in TRANSITIONS for source in t.sources} == SPEC_GRAPH


def test_technicians_move_only_their_own_work_orders_and_never_approve():
    assert decide(Action.START, S.PENDING, TECH, "tom") is S.ONGOING
    with pytest.raises(InvalidTransition, match="assigned technician or a supervisor"):
        decide(Action.START, S.PENDING, OTHER_TECH, "tom")
    for action, status in (
        (Action.APPROVE, S.WAITING_APPROVAL),
        (Action.SEND_BACK, S.WAITING_APPROVAL),
        (Action.CANCEL, S.ONGOING),
        (Action.BILL, S.COMPLETED),
    ):
        with pytest.raises(InvalidTransition, match="Only a supervisor"):
            decide(action, status, TECH, "tom")
    with pytest.raises(InvalidTransition, match="dispatcher or supervisor"):
        decide(Action.ASSIGN, S.UNASSIGNED, TECH, None)
    assert decide(Action.ASSIGN, S.UNASSIGNED, DISPATCHER, None) is S.PENDING
    assert decide(Action.START, S.PENDING, SUPERVISOR, "tom") is S.ONGOING


def test_pausing_needs_a_reason():
    with pytest.raises(ValidationError, match="why"):
        decide(Action.PAUSE, S.ONGOING, TECH, "tom")
    assert decide(Action.PAUSE, S.ONGOING, TECH, "tom", PauseReason.AWAITING_PARTS) is S.PAUSED


def test_nothing_leaves_cancelled_or_billed():
    for status in FINAL:
        for action in Action:
            with pytest.raises(InvalidTransition, match="cancelled|billed"):
                decide(action, status, SUPERVISOR, "tom", PauseReason.OTHER)
        assert available_actions(status, SUPERVISOR, "tom") == []


def test_the_editor_offers_exactly_the_allowed_moves():
    assert available_actions(S.ONGOING, TECH, "tom") == [Action.PAUSE, Action.SUBMIT]
    assert available_actions(S.ONGOING, OTHER_TECH, "tom") == []
    assert available_actions(S.WAITING_APPROVAL, SUPERVISOR, "tom") == [Action.SEND_BACK, Action.APPROVE, Action.CANCEL]
    assert available_actions(S.UNASSIGNED, DISPATCHER, None) == [Action.ASSIGN]


def test_a_stock_unit_cannot_be_assigned():
    with pytest.raises(InvalidTransition, match="no customer"):
        check_assignable(False)
    check_assignable(True)


@pytest.mark.parametrize(
    ("raw", "hours"),
    [(None, Decimal("2")), ("", Decimal("2")), ("1.5", Decimal("1.5")), ("0,5", Decimal("0.5")), (3, Decimal("3.0"))],
)
def test_durations_in_half_hours(raw, hours):
    assert validate_duration(raw) == hours


@pytest.mark.parametrize("raw", ["0", "-1", "1.25", "abc", "NaN", "201", "Infinity"])
def test_bad_durations_are_refused(raw):
    with pytest.raises(ValidationError) as info:
        validate_duration(raw)
    assert set(info.value.field_errors) == {"estimated_hours"}


# ----------------------------------------------------------------- random walks
steps = st.lists(
    st.tuples(
        st.sampled_from(list(Action)),
        st.sampled_from(ACTORS),
        st.sampled_from([*PauseReason, ""]),
        st.integers(min_value=0, max_value=600),
    ),
    max_size=40,
)


@settings(max_examples=300)
@given(steps=steps, assignee=st.sampled_from(["tom", "bob", None]))
def test_random_walks_stay_in_the_graph_and_history_replays(steps, assignee):
    t0 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    status = S.UNASSIGNED
    history = [HistoryEntry(t0, "office", None, S.UNASSIGNED)]
    now = t0
    for action, actor, reason, minutes in steps:
        now += timedelta(minutes=minutes)
        transition = BY_ACTION[action]
        before = status
        expected = _spec_allows(action, before, actor, assignee, reason)
        try:
            after = decide(action, status, actor, assignee, reason)
        except (InvalidTransition, ValidationError) as refusal:
            assert expected is None, f"{action} from {before} by {actor.username} was refused: {refusal}"
            assert refusal.message and "WorkOrderStatus" not in refusal.message and "Action." not in refusal.message
            continue
        assert after is expected
        assert (before, after) in SPEC_GRAPH
        assert before not in FINAL
        if transition.who is Who.SUPERVISOR:
            assert actor.supervises  # no technician ever makes a supervisor's move
        if transition.who is Who.ASSIGNEE_OR_SUPERVISOR and not actor.supervises:
            assert actor.username == assignee
        history.append(HistoryEntry(now, actor.username, before, after, reason))
        status = after
        assert replay(history) is status
    elapsed = now - t0
    on_site = time_on_site(history, now)
    assert timedelta() <= on_site <= elapsed
    if all(entry.to_status is not S.ONGOING for entry in history):
        assert on_site == timedelta()


# The rules again, written from SPEC.md independently of the table: (sources, target, who).
SPEC_MOVES = {
    Action.ASSIGN: ({S.UNASSIGNED}, S.PENDING, "dispatch"),
    Action.REASSIGN: ({S.PENDING}, S.PENDING, "dispatch"),
    Action.START: ({S.PENDING}, S.ONGOING, "tech"),
    Action.PAUSE: ({S.ONGOING}, S.PAUSED, "tech"),
    Action.RESUME: ({S.PAUSED}, S.ONGOING, "tech"),
    Action.SUBMIT: ({S.ONGOING}, S.WAITING_APPROVAL, "tech"),
    Action.SEND_BACK: ({S.WAITING_APPROVAL}, S.ONGOING, "supervise"),
    Action.APPROVE: ({S.WAITING_APPROVAL}, S.COMPLETED, "supervise"),
    Action.CANCEL: ({S.UNASSIGNED, S.PENDING, S.ONGOING, S.PAUSED, S.WAITING_APPROVAL}, S.CANCELLED, "supervise"),
    Action.BILL: ({S.COMPLETED}, S.BILLED, "supervise"),
}


def _spec_allows(action, before, actor, assignee, reason):
    sources, target, who = SPEC_MOVES[action]
    perms = actor.permissions
    allowed_actor = {
        "supervise": "work_orders.supervise" in perms,
        "dispatch": "work_orders.supervise" in perms or "work_orders.assign" in perms,
        "tech": "work_orders.supervise" in perms or ("work_orders.edit" in perms and assignee == actor.username),
    }[who]
    if before not in sources or not allowed_actor:
        return None
    if action is Action.PAUSE and reason not in {r.value for r in PauseReason}:
        return None
    return target


def test_time_on_site_sums_the_ongoing_periods():
    t = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    history = [
        HistoryEntry(t, "office", None, S.UNASSIGNED),
        HistoryEntry(t + timedelta(minutes=5), "sue", S.UNASSIGNED, S.PENDING),
        HistoryEntry(t + timedelta(hours=1), "tom", S.PENDING, S.ONGOING),
        HistoryEntry(t + timedelta(hours=2), "tom", S.ONGOING, S.PAUSED, "awaiting_parts"),
        HistoryEntry(t + timedelta(hours=5), "tom", S.PAUSED, S.ONGOING),
        HistoryEntry(t + timedelta(hours=5, minutes=30), "tom", S.ONGOING, S.WAITING_APPROVAL),
    ]
    assert replay(history) is S.WAITING_APPROVAL
    assert time_on_site(history, t + timedelta(days=1)) == timedelta(hours=1, minutes=30)
    assert time_on_site(history[:5], t + timedelta(hours=6)) == timedelta(hours=2)  # still on site since 13:00


def test_a_history_with_a_jump_does_not_replay():
    t = datetime(2026, 11, 30, tzinfo=UTC)
    with pytest.raises(InvalidTransition):
        replay([HistoryEntry(t, "x", None, S.UNASSIGNED), HistoryEntry(t, "x", S.UNASSIGNED, S.COMPLETED)])
    with pytest.raises(InvalidTransition):
        replay([HistoryEntry(t, "x", None, S.PENDING)])
