import uuid
from datetime import date

import pytest

from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.qr import new_guid, parse_guid_or_url, public_url, short_code
from tuffops_desktop.domain.units import (
    UnitInput,
    WarrantyState,
    add_months,
    friendly_label,
    validate_unit,
    warranty_expires_at,
    warranty_state,
)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 5, 15), 12, date(2025, 5, 15)),
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
        (date(2020, 2, 29), 48, date(2024, 2, 29)),
    ],
)
def test_add_months_clamps_the_day(start, months, expected):
    assert add_months(start, months) == expected


def test_warranty_expiry_is_computed_from_install_date_and_months():
    assert warranty_expires_at(date(2024, 3, 10), 24) == date(2026, 3, 10)
    assert warranty_expires_at(None, 24) is None
    assert warranty_expires_at(date(2024, 3, 10), None) is None


def test_warranty_state_on_a_given_day():
    installed = date(2024, 1, 1)
    assert warranty_state(installed, 12, date(2024, 6, 1)) is WarrantyState.ACTIVE
    assert warranty_state(installed, 12, date(2024, 12, 1)) is WarrantyState.EXPIRING
    assert warranty_state(installed, 12, date(2025, 1, 1)) is WarrantyState.EXPIRED
    assert warranty_state(None, 12, date(2025, 1, 1)) is WarrantyState.UNKNOWN


def test_friendly_label_prefers_location_then_serial_then_model():
    assert friendly_label("Lobby AC #2", "SN1", "MSZ") == "Lobby AC #2"
    assert friendly_label("", "SN1", "MSZ") == "SN1"
    assert friendly_label(" ", "", "MSZ") == "MSZ"


def test_unit_validation_reports_every_field():
    with pytest.raises(ValidationError) as err:
        validate_unit(
            UnitInput(installed_at="31/12/2024", warranty_months="-3", maintenance_frequency="hourly"), date(2026, 1, 1)
        )
    assert set(err.value.field_errors) == {
        "device_model_id",
        "installed_at",
        "warranty_months",
        "maintenance_frequency",
    }


def test_guids_are_random_uuid4():
    a, b = new_guid(), new_guid()
    assert a != b and uuid.UUID(a).version == 4


def test_pasted_url_or_guid_is_accepted():
    guid = new_guid()
    assert parse_guid_or_url(public_url("https://svc.example.com/", guid)) == guid
    assert parse_guid_or_url(f"  {guid.upper()} ") == guid
    assert parse_guid_or_url(f"https://svc.example.com/u/{guid}?utm=x") == guid
    assert short_code(guid) == guid.replace("-", "")[:8].upper()


@pytest.mark.parametrize("text", ["", "https://svc.example.com/u/", "hello", "https://x/u/1234", "../../etc/passwd"])
def test_garbage_is_not_a_sticker(text):
    with pytest.raises(ValidationError):
        parse_guid_or_url(text)


def test_maintenance_dates_follow_the_cadence_from_the_last_maintenance_or_the_install():
    from tuffops_desktop.domain.units import maintenance_dates

    done = date(2026, 1, 31)
    installed = date(2024, 5, 10)
    assert maintenance_dates("quarterly", done, installed) == (maintenance_dates("quarterly", done, None))
    dates = maintenance_dates("quarterly", done, installed)
    assert (dates.last, dates.next) == (done, date(2026, 4, 30))
    assert maintenance_dates("monthly", done, None).next == date(2026, 2, 28)  # day clamped
    assert maintenance_dates("annual", None, installed).next == date(2025, 5, 10)  # never maintained: from install
    assert maintenance_dates("semiannual", None, None).next is None
    assert maintenance_dates("none", done, installed) == maintenance_dates("none", done, None)
    assert maintenance_dates("none", done, installed).next is None
    assert maintenance_dates("none", done, None).last == done
    assert maintenance_dates("weekly?", done, installed).next is None  # unknown cadence: nothing due
    assert dates.overdue(date(2026, 5, 1)) and not dates.overdue(date(2026, 4, 30))
    assert not maintenance_dates("none", None, None).overdue(date(2030, 1, 1))


@pytest.mark.parametrize(
    "url",
    [
        "",
        None,
        "   ",
        "http://localhost:8765",
        "https://LOCALHOST/",
        "http://127.0.0.1:8765",
        "http://[::1]:8765",
        "http://192.168.1.20",
        "http://10.0.0.5:8080",
        "http://172.16.4.1",
        "http://169.254.10.10",
        "http://[fe80::1]",
        "http://0.0.0.0:8765",
        "http://office-pc.local",
        "http://server.lan:8765",
        "http://intake",
        "https://",
        "192.168.0.9:8765",
    ],
)
def test_internal_public_urls_are_recognised(url):
    from tuffops_desktop.domain.qr import internal_url_reason

    assert internal_url_reason(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://service.caribecooling.example",
        "https://8.8.8.8",
        "http://203.0.114.7:8765",
        "https://intake.example.com/",
        "https://[2001:4860::8888]",
    ],
)
def test_public_urls_pass(url):
    from tuffops_desktop.domain.qr import internal_url_reason

    assert internal_url_reason(url) is None
