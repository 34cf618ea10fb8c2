import pytest

from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.phones import PhoneDefaults, format_phone, normalize_phone, phones_match

KN = PhoneDefaults("KN", "869")


def test_the_documented_example_local_number_gets_country_and_area_code():
    e164 = normalize_phone("5551234", KN)
    assert e164 == "+18695551234"
    assert format_phone(e164) == "+1-869-555-1234"


@pytest.mark.parametrize("raw", ["869 555 1234", "(869) 555-1234", "869.555.1234", "+1 869 555 1234"])
def test_separators_are_ignored(raw):
    assert normalize_phone(raw, KN) == "+18695551234"


def test_possible_but_invalid_555_numbers_are_accepted():
    # phonenumbers' is_valid_number rejects 555 numbers; the product accepts possible numbers.
    assert normalize_phone("+1 869 555 0000", KN) == "+18695550000"


def test_international_numbers_need_a_plus():
    assert normalize_phone("+44 20 7946 0958", KN) == "+442079460958"
    with pytest.raises(ValidationError, match="must start with \\+"):
        normalize_phone("0044 20 7946 0958", KN)


@pytest.mark.parametrize("raw", ["12", "abc", "", "5551234567890123", "+1"])
def test_impossible_numbers_are_refused(raw):
    with pytest.raises(ValidationError):
        normalize_phone(raw, KN)


def test_without_area_code_a_seven_digit_number_is_not_possible():
    with pytest.raises(ValidationError):
        normalize_phone("5551234", PhoneDefaults("US", ""))


def test_matching_free_text_against_a_stored_number():
    assert phones_match("869-555-1234", "+18695551234", KN)
    assert phones_match("555 1234", "+18695551234", KN)
    assert not phones_match("555 1235", "+18695551234", KN)
    assert not phones_match("call me maybe", "+18695551234", KN)
