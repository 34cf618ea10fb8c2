"""Stock rules: the effect table, readable refusals, and — for random sequences of
movements — on hand, reserved and available never below zero when the rules accept."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.inventory import (
    MOVEMENT_EFFECTS,
    ON_HAND_KINDS,
    RESERVED_KINDS,
    MovementKind,
    Stock,
    check_consume,
    check_release,
    check_take,
    signed,
    validate_adjustment,
    validate_reason,
)

D = Decimal


def test_every_kind_has_an_effect_on_exactly_one_balance():
    assert set(MOVEMENT_EFFECTS) == set(MovementKind)
    assert set(ON_HAND_KINDS) | set(RESERVED_KINDS) == {k.value for k in MovementKind}
    assert not set(ON_HAND_KINDS) & set(RESERVED_KINDS)
    assert RESERVED_KINDS == ("reserve", "release")
    assert signed(MovementKind.CONSUME, D(2)) == D(-2) and signed(MovementKind.RETURN, D(2)) == D(2)
    with pytest.raises(ValueError):
        signed(MovementKind.ADJUST, D(1))
    with pytest.raises(ValueError):
        Stock(D(5)).after(MovementKind.RECEIVE, D(-1))  # a wrongly signed ledger row


def test_refusals_name_part_place_and_shortfall():
    with pytest.raises(ValidationError) as exc:
        check_take(Stock(D(3), D(1)), D(3), "P-100", "Van — Maria")
    assert str(exc.value) == "quantity: Only 2 of part P-100 are available at Van — Maria; 3 asked."
    with pytest.raises(ValidationError, match="Only 1 of part P-7 is available at Warehouse; 1.5 asked"):
        check_take(Stock(D(1)), D("1.5"), "P-7", "Warehouse")
    with pytest.raises(ValidationError, match="reserved for this work order"):
        check_release(D(1), D(2), "P-7", "Warehouse")


@pytest.mark.parametrize(("text", "value"), [("2", D(2)), ("-2", D(-2)), ("+0.5", D("0.5")), (D("-1.25"), D("-1.25"))])
def test_adjustments_are_signed(text, value):
    assert validate_adjustment(text) == value


@pytest.mark.parametrize("text", ["0", "-0", "", "abc", "--1"])
def test_bad_adjustments(text):
    with pytest.raises(ValidationError):
        validate_adjustment(text)


def test_reason_is_required():
    with pytest.raises(ValidationError):
        validate_reason("  ")
    assert validate_reason(" counted  twice ") == "counted twice"


quantities = st.integers(min_value=1, max_value=5000).map(lambda n: D(n) / 1000)
steps = st.lists(
    st.tuples(
        st.sampled_from(["receive", "take", "adjust_down", "reserve", "release", "consume_wo", "consume"]), quantities
    ),
    max_size=40,
)


@given(steps)
def test_random_movements_accepted_by_the_rules_never_go_below_zero(sequence):
    """One location, one work order: apply what the rules accept, as the service does."""
    stock, for_order = Stock(), D(0)
    for action, q in sequence:
        try:
            if action == "receive":
                stock = stock.after(MovementKind.RECEIVE, q)
            elif action in ("take", "adjust_down"):
                check_take(stock, q, "P", "L")
                stock = stock.after(MovementKind.TRANSFER_OUT if action == "take" else MovementKind.ADJUST, -q)
            elif action == "reserve":
                check_take(stock, q, "P", "L")
                stock, for_order = stock.after(MovementKind.RESERVE, q), for_order + q
            elif action == "release":
                check_release(for_order, q, "P", "L")
                stock, for_order = stock.after(MovementKind.RELEASE, -q), for_order - q
            elif action == "consume_wo":
                check_consume(stock, q, for_order, "P", "L")
                used = min(q, for_order)
                stock = (
                    stock.after(MovementKind.CONSUME, -q).after(MovementKind.RELEASE, -used)
                    if used
                    else stock.after(MovementKind.CONSUME, -q)
                )
                for_order -= used
            else:
                check_consume(stock, q, D(0), "P", "L")
                stock = stock.after(MovementKind.CONSUME, -q)
        except ValidationError:
            continue
        assert stock.on_hand >= 0 and stock.reserved >= 0
        assert stock.on_hand - stock.reserved >= 0  # available is never clamped: it really is >= 0
        assert 0 <= for_order <= stock.reserved


def test_consuming_a_reservation_never_takes_more_than_is_on_hand():
    """A cycle count found 1 on the shelf while a work order holds 3 reserved: it may use
    the 1 that is there, not the 3 it was promised (found by test_stock_levels_agree)."""
    short = Stock(D("1"), D("3"))
    check_consume(short, D("1"), D("3"), "P-100", "Van")
    with pytest.raises(ValidationError) as refused:
        check_consume(short, D("2"), D("3"), "P-100", "Van")
    assert refused.value.field_errors["quantity"] == "Only 1 of part P-100 is available at Van; 2 asked."
