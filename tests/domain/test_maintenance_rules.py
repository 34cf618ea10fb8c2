"""Preventive maintenance and working-hours rules (pure): the due-by threshold the database
compares against is exact, the next due date follows the cadence, bookings fit the hours."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.maintenance import (
    cadence_months,
    latest_start_due_by,
    validate_within_days,
    work_order_text,
)
from tuffops_desktop.domain.scheduling import STANDARD_WEEK, WorkingHours, validate_working_hours, within_working_hours
from tuffops_desktop.domain.units import MaintenanceFrequency, add_months, maintenance_dates

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
cadences = st.sampled_from(sorted(cadence_months().items()))


@given(horizon=days, cadence=cadences)
def test_the_due_by_threshold_is_the_last_start_that_is_due(horizon, cadence):
    frequency, months = cadence
    start = latest_start_due_by(horizon, months)
    assert maintenance_dates(frequency, start, None).next <= horizon
    assert maintenance_dates(frequency, start + timedelta(days=1), None).next > horizon


@given(start=days, other=days, horizon=days, cadence=cadences)
def test_a_start_is_due_by_the_horizon_exactly_when_it_is_on_or_before_the_threshold(start, other, horizon, cadence):
    frequency, months = cadence
    due = maintenance_dates(frequency, start, other).next  # the last maintenance wins over the install
    assert (due <= horizon) == (start <= latest_start_due_by(horizon, months))


@given(installed=days, cadence=cadences)
def test_never_maintained_counts_from_the_install_and_a_maintenance_moves_the_date(installed, cadence):
    frequency, months = cadence
    first = maintenance_dates(frequency, None, installed).next
    assert first == add_months(installed, months) and first > installed
    done = first + timedelta(days=3)
    assert maintenance_dates(frequency, done, installed).next == add_months(done, months) > first


@pytest.mark.parametrize(
    ("horizon", "months", "threshold"),
    [
        (date(2026, 2, 28), 1, date(2026, 1, 31)),  # 29, 30 and 31 January are all due on 28 February
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2028, 2, 29), 12, date(2027, 2, 28)),
        (date(2026, 5, 15), 3, date(2026, 2, 15)),
    ],
)
def test_month_ends_are_clamped_like_the_cadence(horizon, months, threshold):
    assert latest_start_due_by(horizon, months) == threshold


def test_look_ahead_and_work_order_text():
    assert validate_within_days(0) == 0 and validate_within_days(366) == 366
    for bad in (-1, 367):
        with pytest.raises(ValidationError):
            validate_within_days(bad)
    assert work_order_text("quarterly", date(2026, 3, 1)) == "Preventive maintenance (quarterly) due 2026-03-01."
    assert MaintenanceFrequency.NONE.value not in cadence_months()


def test_working_hours_are_one_period_per_day_starting_before_they_end():
    week = validate_working_hours([WorkingHours(2, time(7), time(15)), WorkingHours(0, time(8), time(12))])
    assert [p.weekday for p in week] == [0, 2]
    with pytest.raises(ValidationError, match="twice"):
        validate_working_hours([WorkingHours(1, time(8), time(9)), WorkingHours(1, time(10), time(12))])
    with pytest.raises(ValidationError, match="before it ends"):
        validate_working_hours([WorkingHours(4, time(17), time(8))])
    with pytest.raises(ValidationError):
        validate_working_hours([WorkingHours(7, time(8), time(9))])


def test_a_booking_fits_when_it_starts_and_ends_inside_that_days_period():
    monday = datetime(2026, 11, 30, 8, 0)
    assert within_working_hours(STANDARD_WEEK, monday, timedelta(hours=9))
    assert not within_working_hours(STANDARD_WEEK, monday, timedelta(hours=9, minutes=30))
    assert not within_working_hours(STANDARD_WEEK, monday.replace(hour=7, minute=30), timedelta(hours=1))
    assert not within_working_hours(STANDARD_WEEK, monday + timedelta(days=5, hours=2), timedelta(hours=1))  # Sat


@given(
    start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 1, 1)),
    hours=st.integers(min_value=1, max_value=20),
)
def test_a_fitting_booking_lies_inside_one_period(start, hours):
    duration = timedelta(minutes=30 * hours)
    fits = within_working_hours(STANDARD_WEEK, start, duration)
    inside = (
        start.weekday() < 5
        and start.time() >= time(8)
        and (start + duration) <= start.replace(hour=17, minute=0, second=0, microsecond=0)
    )
    assert fits == inside
