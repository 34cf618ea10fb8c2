"""The dispatch board's rules: SLA state, queue order, overlapping bookings, working hours, snapping."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tuffops_desktop.domain.scheduling import (
    STANDARD_WEEK,
    Slot,
    WorkingHours,
    first_free_start,
    overlapping,
    snap,
    within_working_hours,
)
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


def test_the_week_view_books_a_dropped_job_at_the_first_free_half_hour_of_the_working_day():
    monday = datetime(2026, 11, 30, tzinfo=UTC)
    hours = [WorkingHours(0, time(8), time(17))]

    def at(hour: float) -> datetime:
        return monday + timedelta(hours=hour)

    two = timedelta(hours=2)
    assert first_free_start(hours, [], monday, two) == at(8)
    booked = [Slot(1, at(8), at(9.25)), Slot(2, at(10), at(12)), Slot(3, at(13), at(14))]
    # 09:15 is taken until 09:30 on the half-hour grid, then 10:00-12:00 is booked; 12:00-13:00 is too short
    assert first_free_start(hours, booked, monday, two) == at(14)
    assert first_free_start(hours, booked, monday, timedelta(minutes=30)) == at(9.5)
    assert first_free_start(hours, booked, monday, timedelta(hours=4)) is None  # no room left that day
    assert first_free_start(hours, [], monday + timedelta(days=5), two) is None  # Saturday: a day off
    # today: not before now (rounded up to the next half hour)
    assert first_free_start(hours, [], monday, two, not_before=at(10.1)) == at(10.5)
    assert first_free_start(hours, [], monday, two, not_before=at(15.5)) is None


@given(
    st.lists(st.tuples(st.integers(0, 47), st.integers(1, 8)), max_size=8),
    st.integers(1, 10),
    st.sampled_from([time(7), time(8, 15), time(9)]),
)
def test_the_first_free_start_lies_inside_the_hours_and_overlaps_nothing(bookings, half_hours, opens):
    midnight = datetime(2026, 12, 1, tzinfo=UTC)  # a Tuesday
    hours = [WorkingHours(1, opens, time(17, 30))]
    slots = [
        Slot(n, midnight + timedelta(minutes=30 * s), midnight + timedelta(minutes=30 * (s + length)))
        for n, (s, length) in enumerate(bookings)
    ]
    length = timedelta(minutes=30 * half_hours)
    found = first_free_start(hours, slots, midnight, length)
    if found is None:
        # no start on the grid (or at the opening time) fits
        candidates = [midnight.replace(hour=opens.hour, minute=opens.minute)] + [
            midnight + timedelta(minutes=30 * n) for n in range(48)
        ]
        assert not any(
            within_working_hours(hours, c, length) and not overlapping(slots, c, c + length) for c in candidates
        )
    else:
        assert within_working_hours(hours, found, length)
        assert overlapping(slots, found, found + length) == []
        earlier = [
            midnight + timedelta(minutes=30 * n) for n in range(48) if midnight + timedelta(minutes=30 * n) < found
        ]
        assert not any(
            within_working_hours(hours, c, length) and not overlapping(slots, c, c + length) for c in earlier
        )


def test_an_opening_time_off_the_grid_goes_on_to_the_next_grid_point():
    """Found by hypothesis: opening 08:15 with a booking until 08:30 gave 08:45, though 08:30 was free."""
    midnight = datetime(2026, 12, 1, tzinfo=UTC)
    hours = [WorkingHours(1, time(8, 15), time(17, 30))]
    busy = [Slot(1, midnight + timedelta(hours=8), midnight + timedelta(hours=8, minutes=30))]
    found = first_free_start(hours, busy, midnight, timedelta(hours=1))
    assert found == midnight + timedelta(hours=8, minutes=30)
