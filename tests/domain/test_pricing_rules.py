"""Price-list entries and the money on a work order's items: per-line rounding, the
customer's discount, totals (hypothesis), and readable refusals of bad input."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.pricing import (
    QUANTITY_MAX,
    ItemKind,
    LineAmount,
    PriceListInput,
    UnitOfMeasure,
    line_amount,
    name_key,
    totals,
    validate_entry,
    validate_money,
    validate_quantity,
)

D = Decimal


# ------------------------------------------------------------------ lines
def test_line_is_quantity_times_price_less_discount_rounded_half_up():
    assert line_amount(D("2"), D("45.00"), None) == LineAmount(D("90.00"), D("0.00"), D("90.00"))
    # 1.5 h × 65.00 = 97.50, 10 % off = 87.75
    assert line_amount(D("1.5"), D("65.00"), D("10")) == LineAmount(D("97.50"), D("9.75"), D("87.75"))
    # 0.125 kg × 0.20 = 0.025 → 0.03 (half up, not banker's 0.02)
    assert line_amount(D("0.125"), D("0.20"), None).net == D("0.03")
    # 3 × 9.99 = 29.97, 12.5 % off: 26.22375 → 26.22, discount 3.75
    line = line_amount(D("3"), D("9.99"), D("12.5"))
    assert (line.net, line.discount) == (D("26.22"), D("3.75"))


def test_full_discount_and_free_items():
    assert line_amount(D("4"), D("12.00"), D("100")).net == D("0.00")
    assert line_amount(D("4"), D("0"), D("15")) == LineAmount(D("0.00"), D("0.00"), D("0.00"))


quantities = st.decimals(min_value=D("0.001"), max_value=QUANTITY_MAX, places=3)
prices = st.decimals(min_value=D("0"), max_value=D("99999.99"), places=2)
rates = st.one_of(st.none(), st.decimals(min_value=D("0"), max_value=D("100"), places=2))


@given(st.lists(st.tuples(quantities, prices, rates), max_size=25))
def test_totals_are_sums_of_rounded_lines_and_add_up(rows):
    lines = [line_amount(q, p, r) for q, p, r in rows]
    result = totals(lines)
    assert result.gross == sum((line.gross for line in lines), D("0"))
    assert result.net == sum((line.net for line in lines), D("0"))
    assert result.gross - result.discount == result.net
    assert D("0") <= result.net <= result.gross
    for line, (q, p, r) in zip(lines, rows, strict=True):
        assert line.gross == line.gross.quantize(D("0.01")) and line.net == line.net.quantize(D("0.01"))
        assert abs(line.gross - q * p) <= D("0.005")
        assert line.discount >= 0
        if not r:
            assert line.net == line.gross
    assert totals(reversed(lines)) == result


@given(quantities, prices, rates, rates)
def test_a_bigger_discount_never_costs_more(q, p, r1, r2):
    low, high = sorted([r1 or D(0), r2 or D(0)])
    assert line_amount(q, p, high).net <= line_amount(q, p, low).net


def test_no_lines_total_zero():
    assert totals([]).net == D("0.00")


# ------------------------------------------------------------------ input
@pytest.mark.parametrize(
    ("text", "expected"), [("1", D("1.000")), ("2,5", D("2.500")), (" 0.125 ", D("0.125")), (D("3"), D("3.000"))]
)
def test_quantities_accepted(text, expected):
    assert validate_quantity(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter a quantity"),
        ("abc", "as a number"),
        ("0", "more than zero"),
        ("-1", "more than zero"),
        ("1.2345", "three decimal places"),
        ("100001", "At most 100,000"),
        ("NaN", "as a number"),
        ("Infinity", "as a number"),
        ("1,000", "without thousands separators"),
        ("1,000.5", "without thousands separators"),
    ],
)
def test_bad_quantities_refused_readably(text, message):
    with pytest.raises(ValidationError) as err:
        validate_quantity(text)
    assert message in err.value.field_errors["quantity"]


def test_money():
    assert validate_money("12.5") == D("12.50")
    assert validate_money("", "cost", required=False) is None
    for bad, message in (
        ("-1", "negative"),
        ("1.005", "two decimal"),
        ("x", "without thousands"),
        ("", "Enter a price"),
    ):
        with pytest.raises(ValidationError) as err:
            validate_money(bad)
        assert message in err.value.field_errors["price"]


def test_a_thousands_separator_is_refused_not_read_as_a_decimal_mark():
    """``1,000`` is a thousand in one locale and one in another: refused, never stored as 1.00."""
    for text in ("1,000", "12,500", "1,000,000", "1,250.50", "-1,000"):
        with pytest.raises(ValidationError):
            validate_money(text)
    assert validate_money("12,5") == D("12.50")
    assert validate_money("1250.50") == D("1250.50")


def test_entry_normalised_and_every_error_reported_at_once():
    fields = validate_entry(PriceListInput("  Labour   (per hour) ", "Service", "HOUR", "65", "30.5"))
    assert (fields.name, fields.kind, fields.unit, fields.price, fields.cost) == (
        "Labour (per hour)",
        ItemKind.SERVICE,
        UnitOfMeasure.HOUR,
        D("65.00"),
        D("30.50"),
    )
    with pytest.raises(ValidationError) as err:
        validate_entry(PriceListInput("", "part", "bucket", "-3", "x"))
    assert set(err.value.field_errors) == {"name", "kind", "unit", "price", "cost"}
    assert "each, hour" in err.value.field_errors["unit"]


def test_name_key_ignores_case_and_spacing():
    assert name_key("Air  Filter ") == name_key("air filter")


# ------------------------------------------------------------------ who may change items
def test_items_change_while_open_by_the_assignee_or_a_supervisor():
    from tuffops_desktop.domain.pricing import items_refusal
    from tuffops_desktop.domain.work_orders import WorkOrderActor, WorkOrderStatus

    tom = WorkOrderActor("tom", frozenset({"work_orders.edit"}))
    boss = WorkOrderActor("olga", frozenset({"work_orders.supervise"}))
    viewer = WorkOrderActor("vic", frozenset({"work_orders.view"}))
    assert items_refusal("ongoing", tom, "tom") == ""
    assert items_refusal("waiting_approval", boss, "tom") == ""
    assert "assigned technician" in items_refusal("ongoing", tom, "bob")
    assert "assigned technician" in items_refusal("ongoing", viewer, "vic")
    for final in (WorkOrderStatus.COMPLETED, WorkOrderStatus.BILLED, WorkOrderStatus.CANCELLED):
        assert "can no longer change" in items_refusal(final, boss, "tom")


def test_a_line_above_ten_million_is_refused_as_a_typo():
    from tuffops_desktop.domain.pricing import check_line_amount

    check_line_amount(D("1000"), D("10000"))  # exactly ten million is allowed
    with pytest.raises(ValidationError) as err:
        check_line_amount(D("100000"), D("1000000"))  # each within its own bound
    assert "at most 10,000,000 per line" in err.value.field_errors["quantity"]
