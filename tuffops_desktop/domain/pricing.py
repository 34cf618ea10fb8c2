"""The price list and the money on a work order's Items card.

The price list holds what the company bills: **services** (labour by the hour, a
call-out fee, a maintenance visit) and **materials** (filters, capacitors, refrigerant by
the kilogram), each with a unit of measure and a list price, and optionally what it costs
the company. A work order's items copy an entry's name, kind, unit and price — and the
customer's discount — when they are added, so a later price change never rewrites work
already done.

Money is ``Decimal`` throughout. Each line is worth quantity × unit price less the
customer's discount, rounded to the cent half-up **per line**; totals are the sums of the
rounded lines, so the lines on the sheet always add up to the total printed under them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.work_orders import EDIT, OPEN, WorkOrderActor, WorkOrderStatus
from tuffops_desktop.i18n import N_

NAME_MAX = 120
CENT = Decimal("0.01")
QUANTITY_STEP = Decimal("0.001")
QUANTITY_MAX = Decimal("100000")  # a typo guard: 100,000 hours or kilograms on one work order is a mistake
PRICE_MAX = Decimal("1000000")
LINE_MAX = Decimal("10000000")  # one line above ten million is a typo (and near the columns' limit)
HUNDRED = Decimal(100)


class ItemKind(StrEnum):
    """Labour and fees (service) or parts and consumables (material); the picker groups by it."""

    SERVICE = "service"
    MATERIAL = "material"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {ItemKind.SERVICE: N_("Service"), ItemKind.MATERIAL: N_("Material")}


class UnitOfMeasure(StrEnum):
    """How an entry is counted. A fixed list, so quantities read the same on every sheet."""

    EACH = "each"
    HOUR = "hour"
    VISIT = "visit"
    METRE = "m"
    FOOT = "ft"
    SQUARE_METRE = "m2"
    KILOGRAM = "kg"
    POUND = "lb"
    LITRE = "l"
    SET = "set"

    @property
    def label(self) -> str:
        return _UNIT_LABELS[self]


_UNIT_LABELS = {
    UnitOfMeasure.EACH: N_("each"),
    UnitOfMeasure.HOUR: N_("hour"),
    UnitOfMeasure.VISIT: N_("visit"),
    UnitOfMeasure.METRE: N_("m"),
    UnitOfMeasure.FOOT: N_("ft"),
    UnitOfMeasure.SQUARE_METRE: N_("m²"),
    UnitOfMeasure.KILOGRAM: N_("kg"),
    UnitOfMeasure.POUND: N_("lb"),
    UnitOfMeasure.LITRE: N_("l"),
    UnitOfMeasure.SET: N_("set"),
}


def unit_label(value: str) -> str:
    """How a stored unit reads (``m2`` → ``m²``); unknown values as they are."""
    try:
        return UnitOfMeasure(value).label
    except ValueError:
        return value


def kind_label(value: str) -> str:
    try:
        return ItemKind(value).label
    except ValueError:
        return value


# ----------------------------------------------------------------- input
_THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+")


def _number(value: object) -> Decimal | None:
    """``value`` as a Decimal (``1,5`` reads as 1.5); None when it is not a finite number.

    A comma is taken as the decimal mark only when it cannot be a thousands separator:
    ``1,000`` (a thousand in one locale, one in another) and ``1,000.50`` are refused
    rather than guessed, so a price is never stored a thousand times too small."""
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, bool) or value is None:
        return None
    else:
        text = str(value).strip()
        if "," in text and ("." in text or _THOUSANDS.fullmatch(text.lstrip("+-"))):
            return None
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            return None
    return number if number.is_finite() else None


def validate_quantity(value: object) -> Decimal:
    """How much was used: more than zero, at most three decimals (metres, kilograms), bounded."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError({"quantity": "Enter a quantity."})
    number = _number(value)
    if number is None:
        raise ValidationError(
            {"quantity": "Enter the quantity as a number without thousands separators, e.g. 1 or 2.5."}
        )
    if number <= 0:
        raise ValidationError({"quantity": "The quantity must be more than zero; remove the item instead."})
    if number > QUANTITY_MAX:
        raise ValidationError({"quantity": f"At most {QUANTITY_MAX:,} per line."})
    if number != number.quantize(QUANTITY_STEP):
        raise ValidationError({"quantity": "At most three decimal places (e.g. 1.125)."})
    return number.quantize(QUANTITY_STEP)


def validate_money(value: object, field: str = "price", *, required: bool = True) -> Decimal | None:
    """A price or cost: zero or more, whole cents, at most ``PRICE_MAX``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError({field: "Enter a price (0 for no charge)."})
        return None
    number = _number(value)
    if number is None:
        raise ValidationError({field: "Enter an amount without thousands separators, such as 45 or 1250.50."})
    if number < 0:
        raise ValidationError({field: "An amount cannot be negative."})
    if number > PRICE_MAX:
        raise ValidationError({field: f"At most {PRICE_MAX:,}."})
    if number != number.quantize(CENT):
        raise ValidationError({field: "At most two decimal places."})
    return number.quantize(CENT)


@dataclass(frozen=True)
class PriceListInput:
    """A price-list entry as typed in Settings (text fields straight from the form)."""

    name: str
    kind: str
    unit: str
    price: object
    cost: object = None


@dataclass(frozen=True)
class PriceListFields:
    """A checked, normalised price-list entry, ready to store."""

    name: str
    kind: ItemKind
    unit: UnitOfMeasure
    price: Decimal
    cost: Decimal | None


def validate_entry(data: PriceListInput) -> PriceListFields:
    """Check a price-list entry; every problem is reported at once, per field."""
    errors: dict[str, str] = {}
    name = " ".join((data.name or "").split())
    if not name:
        errors["name"] = "Enter a name, e.g. “Labour (per hour)”."
    elif len(name) > NAME_MAX:
        errors["name"] = f"At most {NAME_MAX} characters (now {len(name)})."
    kind = ItemKind.SERVICE
    try:
        kind = ItemKind(str(data.kind).strip().lower())
    except ValueError:
        errors["kind"] = "Choose Service or Material."
    unit = UnitOfMeasure.EACH
    try:
        unit = UnitOfMeasure(str(data.unit).strip().lower())
    except ValueError:
        errors["unit"] = "Choose a unit: " + ", ".join(u.value for u in UnitOfMeasure) + "."
    price: Decimal | None = Decimal(0)
    cost: Decimal | None = None
    try:
        price = validate_money(data.price, "price")
    except ValidationError as exc:
        errors.update(exc.field_errors)
    try:
        cost = validate_money(data.cost, "cost", required=False)
    except ValidationError as exc:
        errors.update(exc.field_errors)
    if errors:
        raise ValidationError(errors)
    assert price is not None  # required=True never returns None
    return PriceListFields(name=name, kind=kind, unit=unit, price=price, cost=cost)


def name_key(name: str) -> str:
    """What makes two entry names the same (case and spacing ignored)."""
    return " ".join(name.split()).casefold()


# ----------------------------------------------------------------- amounts
@dataclass(frozen=True)
class LineAmount:
    """One line's money: before discount, the discount, and what the customer pays."""

    gross: Decimal
    discount: Decimal
    net: Decimal


def line_amount(quantity: Decimal, unit_price: Decimal, discount_rate: Decimal | None) -> LineAmount:
    """quantity × unit price, less ``discount_rate`` percent, each rounded to the cent half-up.

    ``gross`` and ``net`` are rounded from the exact values and the discount is their
    difference, so gross − discount = net holds on every line to the cent.
    """
    exact = quantity * unit_price
    gross = exact.quantize(CENT, rounding=ROUND_HALF_UP)
    rate = discount_rate or Decimal(0)
    net = (exact * (HUNDRED - rate) / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
    return LineAmount(gross=gross, discount=gross - net, net=net)


def check_line_amount(quantity: Decimal, unit_price: Decimal) -> None:
    """Refuse a line worth more than ``LINE_MAX`` before discount: quantity and price may each
    be plausible (100,000 m; 1,000,000 a unit) while their product is a typo that would also
    overflow the stored amounts (12 digits) on PostgreSQL."""
    if quantity * unit_price > LINE_MAX:
        raise ValidationError(
            {"quantity": f"This line would come to {quantity * unit_price:,.2f}; at most {LINE_MAX:,} per line."}
        )


@dataclass(frozen=True)
class Totals:
    """The sums of the rounded lines, as printed under the Items card."""

    gross: Decimal
    discount: Decimal
    net: Decimal


def totals(lines: Iterable[LineAmount]) -> Totals:
    gross = discount = net = Decimal("0.00")
    for line in lines:
        gross += line.gross
        discount += line.discount
        net += line.net
    return Totals(gross=gross, discount=discount, net=net)


# ----------------------------------------------------------------- who may change items
def items_refusal(status: WorkOrderStatus | str, actor: WorkOrderActor, assignee: str | None) -> str:
    """Why ``actor`` may not change a work order's items now ("" when they may).

    Items record what was used, so they change while the work is open (not once it is
    completed, billed or cancelled: the customer signed for them and billing reads them),
    by a supervisor or by the technician assigned to the work order.
    """
    current = WorkOrderStatus(status)
    if current not in OPEN:
        return f"This work order is {current.label.lower()}; its items can no longer change."
    if actor.supervises or (EDIT in actor.permissions and assignee is not None and assignee == actor.username):
        return ""
    return "Only the assigned technician or a supervisor can change this work order's items."
