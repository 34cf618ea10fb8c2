"""Property-based tests (hypothesis) of the domain rules: phone numbers, the customer name
rule, request validation and the request status table."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

import phonenumbers
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tuffops_desktop.domain.customers import NAME_MAX, CustomerInput, display_name, validate_customer
from tuffops_desktop.domain.errors import InvalidTransition, ValidationError
from tuffops_desktop.domain.phones import PhoneDefaults, format_phone, normalize_phone
from tuffops_desktop.domain.requests import (
    CONTACT_MAX,
    REQUEST_MAX,
    SCHEDULE_HORIZON_DAYS,
    TRANSITIONS,
    RequestInput,
    RequestStatus,
    ScheduleTime,
    check_transition,
    validate_request,
)

KN = PhoneDefaults("KN", "869")
US = PhoneDefaults("US", "")
TODAY = date(2026, 11, 30)

# ------------------------------------------------------------------ phone numbers

digits = st.sampled_from("0123456789")
nanp_numbers = st.tuples(
    st.sampled_from("23456789"),
    st.text(digits, min_size=2, max_size=2),
    st.sampled_from("23456789"),
    st.text(digits, min_size=2, max_size=2),
    st.text(digits, min_size=4, max_size=4),
).map(lambda p: "+1" + "".join(p))
separators = st.sampled_from([" ", "-", ".", "", "  ", "/"])
# Regions whose example numbers phonenumbers ships; each is a real, possible number.
regions = st.sampled_from(["GB", "DE", "FR", "NL", "JM", "TT", "BB", "KN", "CA", "AU", "IN", "BR", "MX", "ZA"])


@given(nanp_numbers)
def test_a_stored_number_normalises_to_itself_and_back_from_its_display_form(e164):
    assert normalize_phone(e164, US) == e164
    assert normalize_phone(format_phone(e164), US) == e164
    assert normalize_phone(format_phone(e164), KN) == e164


@given(nanp_numbers, st.lists(separators, min_size=3, max_size=3), st.booleans())
def test_separators_and_brackets_do_not_change_the_number(e164, seps, brackets):
    area, exchange, line = e164[2:5], e164[5:8], e164[8:]
    area_text = f"({area})" if brackets else area
    typed = f"{area_text}{seps[0]}{exchange}{seps[1]}{line}"
    assert normalize_phone(typed, US) == e164
    assert normalize_phone(f"+1{seps[2]}{typed}", KN) == e164


@given(st.text(digits, min_size=7, max_size=7).filter(lambda t: t[0] in "23456789"))
def test_a_seven_digit_local_number_gets_the_default_area_code(local):
    assert normalize_phone(local, KN) == "+1869" + local
    with pytest.raises(ValidationError):
        normalize_phone(local, US)  # no default area code: not dialable from elsewhere


@given(regions, st.sampled_from([phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE]))
def test_international_numbers_round_trip_through_the_display_form(region, kind):
    example = phonenumbers.example_number_for_type(region, kind)
    assume(example is not None)
    e164 = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
    assert normalize_phone(e164, KN) == e164
    assert normalize_phone(format_phone(e164), US) == e164


@given(st.text(max_size=30))
def test_normalising_never_fails_with_anything_but_a_validation_error(text):
    try:
        e164 = normalize_phone(text, KN)
    except ValidationError:
        return
    assert e164.startswith("+") and e164[1:].isdigit()
    assert normalize_phone(e164, KN) == e164


# ------------------------------------------------------------------ the customer name rule

name_text = st.text(st.sampled_from(list("AaZzÉéŁłÖö' -.&") + [" ", "\t", "\n"]), max_size=40)


def _clean(text: str) -> str:
    return " ".join(text.split())


@given(name_text, name_text, name_text)
def test_a_name_needs_a_first_name_or_a_company(first, last, company):
    data = CustomerInput(first_name=first, last_name=last, company_name=company)
    if not _clean(first) and not _clean(company):
        with pytest.raises(ValidationError) as refused:
            validate_customer(data, US)
        assert "first_name" in refused.value.field_errors
        return
    fields = validate_customer(data, US)
    assert (fields.first_name, fields.last_name, fields.company_name) == (_clean(first), _clean(last), _clean(company))
    assert fields.display_name == display_name(first, last, company)


@given(name_text, name_text, name_text)
def test_the_display_name_is_computed_from_the_parts(first, last, company):
    shown = display_name(first, last, company)
    assert shown == _clean(shown)  # no doubled, leading or trailing spaces
    person = _clean(f"{first} {last}")
    if person and _clean(company):
        assert shown == f"{person} ({_clean(company)})"
    else:
        assert shown == (person or _clean(company))


@given(st.integers(min_value=NAME_MAX - 2, max_value=NAME_MAX + 3))
def test_names_longer_than_the_limit_are_refused(length):
    data = CustomerInput(first_name="A" * length)
    if length <= NAME_MAX:
        assert validate_customer(data, US).first_name == "A" * length
    else:
        with pytest.raises(ValidationError):
            validate_customer(data, US)


# ------------------------------------------------------------------ request validation

windows = st.sampled_from(
    [w.value for w in ScheduleTime] + [w.name for w in ScheduleTime] + ["all day", "MORNING", "", "Evening", "noon"]
)
request_text = st.text(max_size=60) | st.sampled_from(
    ["", "   ", "x" * REQUEST_MAX, "x" * (REQUEST_MAX + 1), "Leak\r\nsince Monday", "bell\x07"]
)
contact_text = st.text(max_size=40) | st.sampled_from(["", "  ", "y" * CONTACT_MAX, "y" * (CONTACT_MAX + 1)])
schedule = (
    st.none()
    | st.dates(TODAY - timedelta(days=10), TODAY + timedelta(days=SCHEDULE_HORIZON_DAYS + 10))
    | st.sampled_from(["", "2026-13-01", "tomorrow", (TODAY + timedelta(days=3)).isoformat()])
)


def _control(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in text)


def expected_errors(data: RequestInput) -> set[str]:
    """The rules of the request form, restated field by field."""
    errors = set()
    text = data.request.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text or len(text) > REQUEST_MAX or _control(text):
        errors.add("request")
    when = data.schedule_at
    if isinstance(when, str):
        try:
            when = date.fromisoformat(when.strip()) if when.strip() else None
        except ValueError:
            when = None
    if when is None or not TODAY <= when <= TODAY + timedelta(days=SCHEDULE_HORIZON_DAYS):
        errors.add("schedule_at")
    if data.schedule_time.strip().casefold() not in {v.casefold() for w in ScheduleTime for v in (w.value, w.name)}:
        errors.add("schedule_time")
    contact = _clean(data.contact_info)
    if not contact or len(contact) > CONTACT_MAX or _control(contact):
        errors.add("contact_info")
    return errors


@settings(max_examples=300)
@given(request_text, schedule, windows, contact_text)
def test_request_validation_reports_exactly_the_broken_fields(text, when, window, contact):
    data = RequestInput(request=text, schedule_at=when, schedule_time=window, contact_info=contact)
    expected = expected_errors(data)
    try:
        fields = validate_request(data, TODAY)
    except ValidationError as exc:
        assert set(exc.field_errors) == expected
        return
    assert expected == set()
    assert fields.request == text.replace("\r\n", "\n").replace("\r", "\n").strip()
    assert "\r" not in fields.request and 0 < len(fields.request) <= REQUEST_MAX
    assert TODAY <= fields.schedule_at <= TODAY + timedelta(days=SCHEDULE_HORIZON_DAYS)
    assert fields.contact_info == _clean(contact)
    assert (
        fields.schedule_time.value.casefold() == window.strip().casefold()
        or fields.schedule_time.name.casefold() == window.strip().casefold()
    )


# ------------------------------------------------------------------ the request status table

statuses = st.sampled_from(list(RequestStatus))


@given(statuses, statuses)
def test_a_move_is_allowed_exactly_when_the_table_says_so(current, target):
    allowed = current == target or target in TRANSITIONS[current]
    if allowed:
        check_transition(current, target)
    else:
        with pytest.raises(InvalidTransition):
            check_transition(current, target)


@given(st.lists(statuses, max_size=12))
def test_closing_is_final_on_any_path(targets):
    current = RequestStatus.OPEN
    for target in targets:
        try:
            check_transition(current, target)
        except InvalidTransition:
            assert current is RequestStatus.CLOSED and target is not RequestStatus.CLOSED
            continue
        assert current is not RequestStatus.CLOSED or target is RequestStatus.CLOSED
        current = target


def test_the_table_covers_every_status_and_closed_is_reachable_from_each():
    assert set(TRANSITIONS) == set(RequestStatus)
    assert TRANSITIONS[RequestStatus.CLOSED] == frozenset()
    for status in RequestStatus:
        assert status not in TRANSITIONS[status]
        assert status is RequestStatus.CLOSED or RequestStatus.CLOSED in TRANSITIONS[status]
