"""Stock control rules: when a part is low at a location, how much to order, what a
cycle count changes, and the life of a supplier order.

**Position.** What a location can still count on for a part is its *position*:
on hand − reserved + incoming (parts ordered from a supplier and not yet delivered).
Reservations are subtracted because that stock is already promised to scheduled work;
incoming is added because it is on its way. A part is **low** at a location when

* a minimum is set there and the position is below it, or
* the position is below zero: the work orders hold more than is there and on order (a
  cycle count found less than was reserved; reality wins, and the shortage shows here).

**Suggested quantity.** The smallest multiple of the reorder quantity (the supplier's
pack, a box of 10) that brings the position back to at least the minimum (to zero
when no minimum is set); without a reorder quantity, exactly the gap.

**Cycle count.** The counter writes down what is on the shelf. The difference between
that and what the count sheet said when it was read (``expected``) becomes an
adjustment; movements made after the sheet was read are real and stay. A count never
stores a negative on hand, but it may leave on hand below what is reserved.

**Supplier orders** (``stock_orders``)::

    open ──▶ received     (delivered: a receive movement, the quantity as delivered)
      └────▶ cancelled    (called off)

Both ends are final.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal
from enum import StrEnum

from tuffops_desktop.domain.errors import InvalidTransition, ValidationError
from tuffops_desktop.domain.pricing import QUANTITY_MAX, QUANTITY_STEP, validate_quantity
from tuffops_desktop.i18n import N_

ZERO = Decimal("0.000")
BIN_MAX = 20
SUPPLIER_MAX = 120
REFERENCE_MAX = 60
COUNTER_MAX = 80
COUNT_REASON = "Cycle count — counted by {name}"


# ----------------------------------------------------------------- low stock and reordering


def position(on_hand: Decimal, reserved: Decimal, incoming: Decimal) -> Decimal:
    """What the location can still count on: on hand − reserved + incoming."""
    return on_hand - reserved + incoming


def is_low(on_hand: Decimal, reserved: Decimal, incoming: Decimal, minimum: Decimal | None) -> bool:
    """Below the minimum (when one is set), or promised beyond what is there and on order."""
    where = position(on_hand, reserved, incoming)
    return where < 0 or (minimum is not None and where < minimum)


def suggested_quantity(
    on_hand: Decimal,
    reserved: Decimal,
    incoming: Decimal,
    minimum: Decimal | None,
    reorder_quantity: Decimal | None,
) -> Decimal:
    """How much to order so the position reaches the minimum (zero without one).

    In whole reorder quantities when one is set (the smallest multiple that is enough),
    else exactly the gap; zero when the part is not low."""
    target = minimum if minimum is not None else ZERO
    gap = target - position(on_hand, reserved, incoming)
    if gap <= 0:
        return ZERO
    if reorder_quantity is None or reorder_quantity <= 0:
        return gap.quantize(QUANTITY_STEP)
    packs = (gap / reorder_quantity).to_integral_value(rounding=ROUND_CEILING)
    return (packs * reorder_quantity).quantize(QUANTITY_STEP)


def quantity_text(value: Decimal) -> str:
    """A quantity as people write it: 2, 2.5, 0.125, −3 (no trailing zeros)."""
    text = f"{value.quantize(QUANTITY_STEP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# ----------------------------------------------------------------- the office's settings


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_zero(value: object) -> bool:
    try:
        return Decimal(str(value).strip().replace(",", ".")) == 0
    except ArithmeticError:
        return False


def _amount(value: object, field: str, *, zero_ok: bool, below_zero: str) -> Decimal:
    """A quantity checked like a line's (three decimals, bounded), reported on ``field``;
    ``zero_ok``: zero is a valid answer here; ``below_zero``: the message for less."""
    if zero_ok and _is_zero(value):
        return ZERO
    try:
        return validate_quantity(value)
    except ValidationError as exc:
        message = exc.field_errors.get("quantity", exc.message)
        if message.startswith("The quantity must be"):
            message = below_zero
        elif "per line" in message:
            message = f"At most {QUANTITY_MAX:,}."
        raise ValidationError({field: message}) from None


def validate_minimum(value: object) -> Decimal | None:
    """The minimum to keep at a location: empty (not watched), zero or more."""
    if _blank(value):
        return None
    return _amount(value, "minimum", zero_ok=True, below_zero="The minimum cannot be negative (0 or more, or empty).")


def validate_reorder_quantity(value: object) -> Decimal | None:
    """The pack size ordered at once: empty (order exactly the gap) or more than zero."""
    if _blank(value):
        return None
    return _amount(
        value, "reorder_quantity", zero_ok=False, below_zero="The reorder quantity must be more than zero (or empty)."
    )


def validate_bin(value: str | None) -> str:
    """The shelf or bin code at the location (on the label), at most 20 characters."""
    text = " ".join((value or "").split())
    if len(text) > BIN_MAX:
        raise ValidationError({"bin": f"At most {BIN_MAX} characters (now {len(text)})."})
    return text


def validate_text(value: str | None, field: str, limit: int) -> str:
    """A short optional text (supplier, order reference): spaces tidied, length bounded."""
    text = " ".join((value or "").split())
    if len(text) > limit:
        raise ValidationError({field: f"At most {limit} characters (now {len(text)})."})
    return text


# ----------------------------------------------------------------- cycle count


def validate_counted(value: object, part: str) -> Decimal:
    """What the counter found on the shelf: zero or more, at most three decimals."""
    if _blank(value):
        raise ValidationError({"counted": f"Part {part}: enter the quantity counted."})
    try:
        return _amount(value, "counted", zero_ok=True, below_zero="A count cannot be negative.")
    except ValidationError as exc:
        raise ValidationError({"counted": f"Part {part}: {exc.field_errors['counted']}"}) from None


def validate_counter(name: str | None) -> str:
    """Who counted (required: the adjustment's reason names them)."""
    text = " ".join((name or "").split())
    if not text:
        raise ValidationError({"counted_by": "Say who counted."})
    if len(text) > COUNTER_MAX:
        raise ValidationError({"counted_by": f"At most {COUNTER_MAX} characters (now {len(text)})."})
    return text


def count_reason(counted_by: str) -> str:
    """The reason on a count's adjustment movements."""
    return COUNT_REASON.format(name=counted_by)


def count_difference(expected: Decimal, counted: Decimal) -> Decimal:
    """The adjustment a count line makes: counted − what the sheet said (signed)."""
    return (counted - expected).quantize(QUANTITY_STEP)


def check_count(on_hand_now: Decimal, difference: Decimal, part: str, location: str) -> None:
    """A count never stores a negative on hand. It can only try to when stock was taken
    after the sheet was read: the counter saw those units, so the count is stale."""
    if on_hand_now + difference < 0:
        raise ValidationError(
            {
                "counted": (
                    f"Part {part} at {location}: stock was taken since the count sheet was read "
                    f"(on hand is now {quantity_text(on_hand_now)}), so this count would leave "
                    f"{quantity_text(on_hand_now + difference)}. Count it again on a fresh sheet."
                )
            }
        )


# ----------------------------------------------------------------- supplier orders


class OrderStatus(StrEnum):
    OPEN = "open"
    RECEIVED = "received"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {"open": N_("On order"), "received": N_("Received"), "cancelled": N_("Cancelled")}[self.value]


ORDER_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.OPEN: frozenset({OrderStatus.RECEIVED, OrderStatus.CANCELLED}),
    OrderStatus.RECEIVED: frozenset(),  # final: the stock is in the ledger
    OrderStatus.CANCELLED: frozenset(),  # final: order again instead
}


def check_order_transition(current: OrderStatus, target: OrderStatus) -> None:
    """Raise ``InvalidTransition`` unless the order may go from ``current`` to ``target``."""
    if target not in ORDER_TRANSITIONS[current]:
        if current is OrderStatus.RECEIVED:
            raise InvalidTransition("This order has already been received.")
        if current is OrderStatus.CANCELLED:
            raise InvalidTransition("This order was cancelled; place a new order instead.")
        raise InvalidTransition(f"An order cannot go from {current.value} to {target.value}.")
