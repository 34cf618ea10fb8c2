"""Stock control rules: when a part is low, how much to order (property-tested), count
lines, the office's settings, and the supplier order's status table."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuffops_desktop.domain.errors import InvalidTransition, ValidationError
from tuffops_desktop.domain.stock_control import (
    ORDER_TRANSITIONS,
    OrderStatus,
    check_count,
    check_order_transition,
    count_difference,
    count_reason,
    is_low,
    position,
    quantity_text,
    suggested_quantity,
    validate_bin,
    validate_counted,
    validate_counter,
    validate_minimum,
    validate_reorder_quantity,
)

D = Decimal

# Quantities as stored: multiples of 0.001, within the app's bounds.
quantities = st.integers(min_value=0, max_value=10_000_000).map(lambda n: D(n) / 1000)
packs = st.integers(min_value=1, max_value=500_000).map(lambda n: D(n) / 1000)


def test_low_means_below_the_minimum_or_promised_beyond_stock():
    assert is_low(D(3), D(0), D(0), D(5))
    assert not is_low(D(5), D(0), D(0), D(5))  # at the minimum is enough
    assert not is_low(D(3), D(0), D(2), D(5))  # incoming counts
    assert is_low(D(6), D(2), D(0), D(5))  # reservations count
    assert not is_low(D(3), D(0), D(0), None)  # not watched
    assert is_low(D(1), D(3), D(0), None)  # reserved beyond on hand, even unwatched
    assert not is_low(D(1), D(3), D(2), None)  # … unless it is on its way
    assert is_low(D(0), D(0), D(0), D("0.001"))
    assert not is_low(D(0), D(0), D(0), D(0))


def test_suggested_examples():
    assert suggested_quantity(D(3), D(0), D(0), D(5), D(10)) == D(10)
    assert suggested_quantity(D(3), D(0), D(0), D(5), None) == D(2)
    assert suggested_quantity(D(3), D(0), D(0), D(13), D(5)) == D(10)  # 2 packs cover a gap of 10
    assert suggested_quantity(D(3), D(0), D(0), D(14), D(5)) == D(15)
    assert suggested_quantity(D(1), D(4), D(0), None, D(6)) == D(6)  # short by 3: one pack
    assert suggested_quantity(D(1), D(4), D(0), None, None) == D(3)
    assert suggested_quantity(D(8), D(0), D(0), D(5), D(10)) == D(0)
    assert suggested_quantity(D("0.2"), D(0), D(0), D("1.5"), D("0.25")) == D("1.500")


@given(on_hand=quantities, reserved=quantities, incoming=quantities, minimum=st.none() | quantities, pack=packs)
def test_the_suggestion_is_the_smallest_multiple_of_the_pack_that_is_enough(on_hand, reserved, incoming, minimum, pack):
    suggested = suggested_quantity(on_hand, reserved, incoming, minimum, pack)
    target = minimum if minimum is not None else D(0)
    where = position(on_hand, reserved, incoming)
    if not is_low(on_hand, reserved, incoming, minimum):
        assert suggested == 0
        return
    assert suggested > 0
    assert suggested % pack == 0  # whole packs
    assert where + suggested >= target  # enough: the part is no longer low once it is ordered
    assert not is_low(on_hand, reserved, incoming + suggested, minimum)
    assert where + suggested - pack < target  # one pack fewer would not be


@given(on_hand=quantities, reserved=quantities, incoming=quantities, minimum=st.none() | quantities)
def test_without_a_pack_the_suggestion_is_exactly_the_gap(on_hand, reserved, incoming, minimum):
    suggested = suggested_quantity(on_hand, reserved, incoming, minimum, None)
    if is_low(on_hand, reserved, incoming, minimum):
        target = minimum if minimum is not None else D(0)
        assert position(on_hand, reserved, incoming) + suggested == target
    else:
        assert suggested == 0


def test_level_settings_validation():
    assert validate_minimum("") is None and validate_minimum(None) is None
    assert validate_minimum("0") == D(0) and validate_minimum("2,5") == D("2.5")
    assert validate_reorder_quantity(" ") is None and validate_reorder_quantity("12") == D(12)
    for bad, field in [("-1", "minimum"), ("abc", "minimum"), ("1.0001", "minimum")]:
        with pytest.raises(ValidationError) as exc:
            validate_minimum(bad)
        assert set(exc.value.field_errors) == {field}
    with pytest.raises(ValidationError, match="more than zero"):
        validate_reorder_quantity("0")
    with pytest.raises(ValidationError, match="At most 100,000"):
        validate_reorder_quantity("100001")
    assert validate_bin("  A-1   top ") == "A-1 top"
    with pytest.raises(ValidationError, match="At most 20"):
        validate_bin("x" * 21)


def test_count_lines():
    assert validate_counted("0", "P-1") == D(0) and validate_counted("4.5", "P-1") == D("4.5")
    assert count_difference(D(7), D(6)) == D(-1) and count_difference(D(2), D("2.000")) == D(0)
    with pytest.raises(ValidationError, match="P-1: A count cannot be negative"):
        validate_counted("-1", "P-1")
    with pytest.raises(ValidationError, match="P-1: enter the quantity counted"):
        validate_counted("", "P-1")
    assert validate_counter("  Ann   Smith ") == "Ann Smith"
    assert count_reason("Ann Smith") == "Cycle count — counted by Ann Smith"
    with pytest.raises(ValidationError, match="Say who counted"):
        validate_counter(" ")
    check_count(D(5), D(-5), "P-1", "Warehouse")  # to zero is fine
    with pytest.raises(ValidationError, match="Part P-1 at Warehouse: stock was taken since the count sheet"):
        check_count(D(2), D(-3), "P-1", "Warehouse")


def test_order_status_table():
    assert ORDER_TRANSITIONS[OrderStatus.OPEN] == {OrderStatus.RECEIVED, OrderStatus.CANCELLED}
    assert not ORDER_TRANSITIONS[OrderStatus.RECEIVED] and not ORDER_TRANSITIONS[OrderStatus.CANCELLED]
    check_order_transition(OrderStatus.OPEN, OrderStatus.RECEIVED)
    with pytest.raises(InvalidTransition, match="already been received"):
        check_order_transition(OrderStatus.RECEIVED, OrderStatus.CANCELLED)
    with pytest.raises(InvalidTransition, match="was cancelled"):
        check_order_transition(OrderStatus.CANCELLED, OrderStatus.RECEIVED)
    with pytest.raises(InvalidTransition):
        check_order_transition(OrderStatus.OPEN, OrderStatus.OPEN)
    assert [s.label for s in OrderStatus] == ["On order", "Received", "Cancelled"]


def test_quantity_text():
    assert [quantity_text(D(x)) for x in ("2.000", "2.500", "0.125", "-3", "10")] == ["2", "2.5", "0.125", "-3", "10"]
