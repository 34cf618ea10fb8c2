"""The part label's QR payload, and reading it back from whatever a scanner types."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tuffops_desktop.domain.part_labels import PART_CODE_PREFIX, parse_part_code, part_code


def test_payload_is_the_prefix_and_the_number_as_stored():
    assert part_code("CAP-DR-45/5") == "TUFFOPS:PART:CAP-DR-45/5"
    assert PART_CODE_PREFIX == "TUFFOPS:PART:"


def test_scans_are_read_back_and_other_text_is_not_a_part():
    assert parse_part_code("TUFFOPS:PART:CAP-DR-45/5") == "CAP-DR-45/5"
    assert parse_part_code("  tuffops:part:flt-16x25x1-m8 \n") == "flt-16x25x1-m8"  # caps lock, Enter
    assert parse_part_code("TUFFOPS:PART:  ") is None
    assert parse_part_code("TUFFOPS:PART") is None
    assert parse_part_code("https://svc.example.com/u/0b5e6c52-8f0e-4c3c-9a55-3f7b1d2c9e10") is None
    assert parse_part_code("CAP-DR-45/5") is None  # a typed number is a search, not a scan
    assert parse_part_code("") is None


@given(st.text(min_size=1, max_size=40).map(lambda t: " ".join(t.split())).filter(bool))
def test_every_part_number_round_trips(number):
    assert parse_part_code(part_code(number)) == number
