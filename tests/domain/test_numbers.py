"""Work order numbers as people type them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.numbers import parse_work_order_number, work_order_number


@pytest.mark.parametrize("text", ["WO-000012", "wo-000012", "12", "000012", " WO 12 ", "WO12"])
def test_the_forms_people_type_name_the_same_work_order(text):
    assert parse_work_order_number(text) == 12


@pytest.mark.parametrize(
    "text", ["", "  ", "WO-", "0", "WO-000000", "12a", "WO-12-3", "-12", "1.5", "R-000012", "1234567890"]
)
def test_anything_else_is_refused_with_an_example(text):
    with pytest.raises(ValidationError, match="use e.g. WO-000012 or 12"):
        parse_work_order_number(text)


@given(st.integers(min_value=1, max_value=999_999_999))
def test_a_printed_number_reads_back(work_order_id):
    assert parse_work_order_number(work_order_number(work_order_id)) == work_order_id
