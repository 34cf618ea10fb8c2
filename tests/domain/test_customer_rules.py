from decimal import Decimal

import pytest

from tuffops_desktop.domain.customers import CustomerInput, CustomerType, display_name, validate_customer
from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.phones import PhoneDefaults

KN = PhoneDefaults("KN", "869")


@pytest.mark.parametrize(
    ("first", "last", "company", "expected"),
    [
        ("Ann", "Liburd", "Sugar Bay Resort", "Ann Liburd (Sugar Bay Resort)"),
        ("Ann", "Liburd", "", "Ann Liburd"),
        ("", "", "Public Works", "Public Works"),
        ("Ann", "", "Sugar Bay", "Ann (Sugar Bay)"),
        ("Ann", "", "", "Ann"),
        ("  Ann ", " van  der Berg ", "", "Ann van der Berg"),
    ],
)
def test_display_name_is_computed(first, last, company, expected):
    assert display_name(first, last, company) == expected


def test_first_name_or_company_is_required_last_name_alone_is_not_enough():
    with pytest.raises(ValidationError) as err:
        validate_customer(CustomerInput(last_name="Liburd"), KN)
    assert "first_name" in err.value.field_errors


def test_company_only_is_a_valid_customer():
    fields = validate_customer(CustomerInput(customer_type="government", company_name="Public Works"), KN)
    assert fields.customer_type is CustomerType.GOVERNMENT
    assert fields.display_name == "Public Works"


def test_every_problem_is_reported_at_once():
    with pytest.raises(ValidationError) as err:
        validate_customer(
            CustomerInput(customer_type="alien", emails="not-an-email", phones="12", discount_rate="150"), KN
        )
    assert set(err.value.field_errors) == {"customer_type", "first_name", "emails", "phones", "discount_rate"}


def test_lists_are_normalised_and_deduplicated():
    fields = validate_customer(
        CustomerInput(
            first_name="Ann",
            emails="Ann@Example.COM, ann@example.com; b@x.org",
            phones="5551234, 869-555-1234, +44 20 7946 0958",
        ),
        KN,
    )
    assert fields.emails == ["Ann@example.com", "b@x.org"]
    assert fields.phones == ["+18695551234", "+442079460958"]


@pytest.mark.parametrize(("raw", "expected"), [("10", Decimal("10.00")), ("12.5%", Decimal("12.50")), ("", None)])
def test_discount_rate_is_a_percentage(raw, expected):
    assert validate_customer(CustomerInput(first_name="A", discount_rate=raw), KN).discount_rate == expected


@pytest.mark.parametrize("raw", ["-1", "100.01", "abc", "1.234", "NaN"])
def test_bad_discount_rates_are_refused(raw):
    with pytest.raises(ValidationError) as err:
        validate_customer(CustomerInput(first_name="A", discount_rate=raw), KN)
    assert "discount_rate" in err.value.field_errors


def test_type_colours_follow_the_product_rules():
    assert CustomerType.RESIDENTIAL.colour.startswith("#2e9d")  # green
    assert CustomerType.COMMERCIAL.colour == "#2f6fd6"  # blue
    assert CustomerType.GOVERNMENT.colour == "#e0b400"  # yellow


@pytest.mark.parametrize(("raw", "expected"), [(None, None), ("", None), (" 30 ", 30), ("0", 0), (365, 365)])
def test_payment_terms_are_whole_days(raw, expected):
    data = CustomerInput(customer_type="residential", first_name="Ann", payment_terms_days=raw)
    assert validate_customer(data, KN).payment_terms_days == expected


@pytest.mark.parametrize("raw", ["-1", "366", "30.5", "net 30"])
def test_bad_payment_terms_are_refused(raw):
    with pytest.raises(ValidationError) as err:
        validate_customer(CustomerInput(customer_type="residential", first_name="Ann", payment_terms_days=raw), KN)
    assert "payment_terms_days" in err.value.field_errors
