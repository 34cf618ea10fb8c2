"""Stock rules: what each kind of stock movement does to a location's stock, and when a
movement is refused.

Stock is never stored as a number that is edited; it is the sum of an append-only
ledger of movements (``stock_movements``). For one part at one location:

* **on hand**: what is physically there (the warehouse shelf, the van);
* **reserved**: what is promised to scheduled work orders;
* **available** = on hand − reserved: what may still be promised, moved or used freely.

The ledger stores each movement's quantity **signed, as its effect**: a receive of 5 is
``+5`` on hand, a transfer out of 2 is ``−2`` on hand, a release of 1 is ``−1`` reserved.
So on hand is the sum of the on-hand kinds' quantities and reserved the sum of the
reserving kinds' quantities, one SQL aggregate (``MOVEMENT_EFFECTS`` says which kind
counts where). Only an adjustment may go either way; every other kind has one sign.

Consuming for a work order uses that order's reservation first: the service writes the
``consume`` (on hand −q) and, in the same transaction, a ``release`` of what the order
had reserved there, up to q. The rules below never let on hand, reserved or available
go below zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.pricing import QUANTITY_MAX, QUANTITY_STEP, validate_quantity

ZERO = Decimal("0.000")
REASON_MAX = 200


class MovementKind(StrEnum):
    RECEIVE = "receive"  # delivered by a supplier
    TRANSFER_OUT = "transfer_out"  # leaves a location towards another (paired by transfer group)
    TRANSFER_IN = "transfer_in"  # arrives from another location
    ADJUST = "adjust"  # a correction (count, damage, loss) — always with a reason
    RESERVE = "reserve"  # promised to a work order
    RELEASE = "release"  # a promise withdrawn (or fulfilled by consumption)
    CONSUME = "consume"  # used on site
    RETURN = "return"  # brought back unused from a site


class Balance(StrEnum):
    ON_HAND = "on_hand"
    RESERVED = "reserved"


@dataclass(frozen=True)
class Effect:
    """What one kind of movement changes: which balance, and in which direction.

    ``sign`` is +1 or −1; 0 means either way (an adjustment's quantity carries its sign)."""

    balance: Balance
    sign: int


MOVEMENT_EFFECTS: dict[MovementKind, Effect] = {
    MovementKind.RECEIVE: Effect(Balance.ON_HAND, +1),
    MovementKind.TRANSFER_OUT: Effect(Balance.ON_HAND, -1),
    MovementKind.TRANSFER_IN: Effect(Balance.ON_HAND, +1),
    MovementKind.ADJUST: Effect(Balance.ON_HAND, 0),
    MovementKind.RESERVE: Effect(Balance.RESERVED, +1),
    MovementKind.RELEASE: Effect(Balance.RESERVED, -1),
    MovementKind.CONSUME: Effect(Balance.ON_HAND, -1),
    MovementKind.RETURN: Effect(Balance.ON_HAND, +1),
}

ON_HAND_KINDS = tuple(k.value for k, e in MOVEMENT_EFFECTS.items() if e.balance is Balance.ON_HAND)
RESERVED_KINDS = tuple(k.value for k, e in MOVEMENT_EFFECTS.items() if e.balance is Balance.RESERVED)


@dataclass(frozen=True)
class Stock:
    """One part's stock at one location."""

    on_hand: Decimal = ZERO
    reserved: Decimal = ZERO

    @property
    def available(self) -> Decimal:
        """What is there and not promised; never below zero (the rules keep on hand ≥ reserved)."""
        return max(self.on_hand - self.reserved, ZERO)

    def after(self, kind: MovementKind, signed_quantity: Decimal) -> Stock:
        """The stock once a movement with this (signed) stored quantity is applied."""
        effect = MOVEMENT_EFFECTS[kind]
        if effect.sign and (signed_quantity > 0) != (effect.sign > 0):
            raise ValueError(f"a {kind.value} movement stores a quantity of sign {effect.sign}")
        if effect.balance is Balance.ON_HAND:
            return Stock(self.on_hand + signed_quantity, self.reserved)
        return Stock(self.on_hand, self.reserved + signed_quantity)


def signed(kind: MovementKind, quantity: Decimal) -> Decimal:
    """The quantity the ledger stores for a movement of ``quantity`` (> 0) of this kind."""
    sign = MOVEMENT_EFFECTS[kind].sign
    if sign == 0:
        raise ValueError("an adjustment's quantity carries its own sign")
    return quantity if sign > 0 else -quantity


def validate_adjustment(value: object) -> Decimal:
    """An adjustment: a signed quantity (−2 = two fewer than the ledger says), not zero."""
    text = str(value).strip() if value is not None else ""
    negative = text.startswith("-")
    if isinstance(value, Decimal):
        negative = value < 0
        magnitude: object = -value if negative else value
    else:
        magnitude = text[1:] if negative or text.startswith("+") else text
    try:
        number = validate_quantity(magnitude)
    except ValidationError as exc:
        if magnitude in ("0", ZERO) or exc.field_errors.get("quantity", "").startswith("The quantity must be"):
            raise ValidationError({"quantity": "An adjustment must change the stock: enter e.g. 2 or −2."}) from None
        raise
    return -number if negative else number


def validate_reason(reason: str | None) -> str:
    """An adjustment's reason (count difference, damaged, lost …): required, at most 200 characters."""
    text = " ".join((reason or "").split())
    if not text:
        raise ValidationError({"reason": "Say why the stock is adjusted (e.g. counted, damaged, lost)."})
    if len(text) > REASON_MAX:
        raise ValidationError({"reason": f"At most {REASON_MAX} characters (now {len(text)})."})
    return text


def _qty(value: Decimal) -> str:
    """A quantity as people write it: 2, 2.5, 0.125 (no trailing zeros)."""
    text = f"{value.quantize(QUANTITY_STEP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def shortfall(part: str, location: str, have: Decimal, asked: Decimal, what: str = "available") -> ValidationError:
    """The refusal when a movement would take more than there is."""
    verb = "is" if have == 1 else "are"
    return ValidationError(
        {"quantity": f"Only {_qty(have)} of part {part} {verb} {what} at {location}; {_qty(asked)} asked."}
    )


def check_take(stock: Stock, quantity: Decimal, part: str, location: str) -> None:
    """Taking ``quantity`` out of what is free (transfer out, reserve, a negative adjustment)."""
    if quantity > stock.available:
        raise shortfall(part, location, stock.available, quantity)


def check_consume(stock: Stock, quantity: Decimal, reserved_for_order: Decimal, part: str, location: str) -> None:
    """Using ``quantity`` on a work order: its own reservation there plus what is free —
    and never more than is on hand (a cycle count may have left less on the shelf than is
    reserved: the reservation then promises stock that is not there)."""
    usable = min(stock.available + reserved_for_order, stock.on_hand)
    if quantity > usable:
        raise shortfall(part, location, usable, quantity)


def check_release(reserved_for_order: Decimal, quantity: Decimal, part: str, location: str) -> None:
    """Releasing at most what the work order has reserved at that location."""
    if quantity > reserved_for_order:
        raise shortfall(part, location, reserved_for_order, quantity, "reserved for this work order")


def check_total(stock: Stock, quantity: Decimal) -> None:
    """A location never holds more than the quantity guard allows (a typo guard, like lines)."""
    if stock.on_hand + quantity > QUANTITY_MAX * 100:
        raise ValidationError({"quantity": "That would put more stock at this location than the app can hold."})


MARKUP_STEP = Decimal("0.0001")  # a hundredth of a percent


def markup(cost: Decimal | None, price: Decimal | None) -> Decimal | None:
    """What the price adds on top of the cost, as a fraction of the cost: (price − cost) / cost
    (0.25 = 25 % over cost; negative when sold below cost). None when the part has no price
    or no cost (or costs nothing: any price would be an infinite markup)."""
    if cost is None or price is None or cost <= 0:
        return None
    return ((price - cost) / cost).quantize(MARKUP_STEP, rounding=ROUND_HALF_UP)
