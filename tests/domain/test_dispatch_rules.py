"""The dispatch board's rules: SLA state, queue order, overlapping bookings, working hours, snapping."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from tuffops_desktop.domain.scheduling import STANDARD_WEEK, Slot, WorkingHours, overlapping, snap, within_working_hours
from tuffops_desktop.domain.work_orders import SlaState, sla_state, urgency_key

T0 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # a Monday


def test_sla_state_is_green_then_amber_in_the_last_quarter_then_red():
    due = T0 + timedelta(hours=8)
    assert sla_state(T0, due, T0) is SlaState.ON_TIME
    assert sla_state(T0, due, T0 + timedelta(hours=6)) is SlaState.ON_TIME  # exactly 25 % left
    assert sla_state(T0, due, T0 + timedelta(hours=6, minutes=1)) is SlaState.AT_RISK
    assert sla_state(T0, due, due - timedelta(seconds=1)) is SlaState.AT_RISK
    assert sla_state(T0, due, due) is SlaState.OVERDUE
    assert sla_state(T0, due, due + timedelta(days=3)) is SlaState.OVERDUE
    assert sla_state(T0, None, T0 + timedelta(days=300)) is SlaState.NONE
    assert sla_state(T0, T0, T0 - timedelta(hours=1)) is SlaState.AT_RISK  # due at creation: no window at all


def test_the_queue_puts_the_earliest_due_first_and_those_without_due_last_then_the_oldest():
    old, new = T0 - timedelta(days=2), T0
    items = [
        (5, None, new),
        (4, None, old),
        (3, T0 + timedelta(hours=9), old),
        (2, T0 + timedelta(hours=3), new),
        (1, T0 + timedelta(hours=3), old),
    ]
    ordered = sorted(items, key=lambda i: urgency_key(i[1], i[2], i[0]))
    assert [i[0] for i in ordered] == [1, 2, 3, 4, 5]


def test_overlapping_bookings_share_time_and_touching_ends_do_not():
    slots = [Slot(1, T0, T0 + timedelta(hours=2)), Slot(2, T0 + timedelta(hours=3), T0 + timedelta(hours=4))]
    assert overlapping(slots, T0 + timedelta(hours=2), T0 + timedelta(hours=3)) == []
    assert overlapping(slots, T0 + timedelta(hours=1), T0 + timedelta(hours=3, minutes=30)) == [1, 2]
    assert overlapping(slots, T0 - timedelta(hours=1), T0 + timedelta(hours=5)) == [1, 2]
    assert overlapping(slots, T0 + timedelta(minutes=30), T0 + timedelta(hours=1)) == [1]
    assert overlapping(slots, T0, T0 + timedelta(hours=2), ignore=1) == []  # moving a block within itself


def test_working_hours_hold_the_whole_booking_on_a_working_day():
    monday = datetime(2026, 11, 30, 8, 0)
    assert within_working_hours(STANDARD_WEEK, monday, timedelta(hours=9))
    assert not within_working_hours(STANDARD_WEEK, monday, timedelta(hours=9, minutes=30))
    assert not within_working_hours(STANDARD_WEEK, monday - timedelta(minutes=30), timedelta(hours=1))
    assert not within_working_hours(STANDARD_WEEK, monday + timedelta(days=5), timedelta(hours=1))  # Saturday
    weekend = (WorkingHours(5, time(10), time(14)),)
    assert within_working_hours(weekend, monday + timedelta(days=5, hours=2), timedelta(hours=4))
    assert not within_working_hours(weekend, monday, timedelta(hours=1))


def test_a_drop_snaps_to_the_nearest_half_hour():
    assert snap(8 * 60 + 14) == 8 * 60
    assert snap(8 * 60 + 16) == 8 * 60 + 30
    assert snap(0) == 0
    assert snap(17 * 60 + 50) == 18 * 60
