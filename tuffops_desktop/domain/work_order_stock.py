"""How a work order's stocked parts hold, use and give back stock through its life.

A material line may be a stocked part taken from one stock location (a van, a
warehouse). Its quantity is **reserved** there while the work is scheduled or under way,
so nobody else promises or moves those units; approval **consumes** what the lines say
was used and gives back whatever the order still holds; cancelling gives it all back::

    unassigned ─assign─▶ pending … ongoing ⇄ paused … waiting_approval ─approve─▶ completed
    (nothing held)       └──────── the part lines' quantities are reserved ────────┘  (consumed, rest released)
    cancel from anywhere open: everything the order holds is released.

Reassigning keeps the reservations where they are (a line reserved in the first
technician's van stays there until someone changes its location). More than is
available is refused with the shortfall named (no backorders), so the whole assign is
refused when one line is short.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.inventory import ZERO
from tuffops_desktop.domain.numbers import work_order_number
from tuffops_desktop.domain.work_orders import WorkOrderStatus

S = WorkOrderStatus

# While a work order is in one of these, its part lines' quantities are reserved.
HOLDING = frozenset({S.PENDING, S.ONGOING, S.PAUSED, S.WAITING_APPROVAL})


class StockStep(StrEnum):
    """What a status move does to the stock of the work order's part lines."""

    NONE = "none"
    RESERVE = "reserve"  # every part line's quantity, at its location
    CONSUME = "consume"  # what the lines say was used; then the rest is released
    RELEASE = "release"  # everything the work order holds


def holds_stock(status: WorkOrderStatus | str) -> bool:
    """Whether a work order in ``status`` keeps its part lines reserved (so editing a line
    reserves or releases at once)."""
    return WorkOrderStatus(status) in HOLDING


def step_for_move(current: WorkOrderStatus, target: WorkOrderStatus) -> StockStep:
    """The stock step of a move from ``current`` to ``target`` (reassign and the moves
    between held statuses change nothing)."""
    if target is S.COMPLETED:
        return StockStep.CONSUME
    if target is S.CANCELLED:
        return StockStep.RELEASE
    if current not in HOLDING and target in HOLDING:
        return StockStep.RESERVE
    return StockStep.NONE


@dataclass(frozen=True)
class Place:
    """A stock location a part could come from, and how much of it is free there."""

    location_id: int
    name: str
    available: Decimal


def default_place(quantity: Decimal, vans: Sequence[Place], warehouses: Sequence[Place]) -> int | None:
    """Where a new part line takes its stock when the user did not say.

    The assigned technician's van (``vans``: theirs, empty when unassigned) when it has the
    whole quantity free; otherwise the warehouse with the most free (the first of equals,
    in the order given); a van short of stock only when there is no warehouse at all.
    None: there is no location to take it from.
    """
    stocked = [v for v in vans if v.available >= quantity]
    if stocked:
        return max(stocked, key=lambda p: p.available).location_id
    if warehouses:
        return max(warehouses, key=lambda p: p.available).location_id
    if vans:
        return max(vans, key=lambda p: p.available).location_id
    return None


def needs_by_place(lines: Iterable[tuple[int, int, Decimal]]) -> dict[tuple[int, int], Decimal]:
    """The part lines ``(part_id, location_id, quantity)`` summed per (part, location): two
    lines of one part at one location are one reservation of their sum."""
    needs: dict[tuple[int, int], Decimal] = {}
    for part_id, location_id, quantity in lines:
        key = (part_id, location_id)
        needs[key] = needs.get(key, ZERO) + quantity
    return needs


def share_out(held: Decimal, quantities: Sequence[Decimal]) -> list[Decimal]:
    """What each of several lines of one part at one location shows as reserved: ``held``
    handed out in line order, each line up to its own quantity."""
    shares = []
    left = max(held, ZERO)
    for quantity in quantities:
        share = min(left, quantity)
        shares.append(share)
        left -= share
    return shares


def refused(work_order_id: int, action: str, reason: ValidationError) -> ValidationError:
    """A move refused for stock: ``action`` ("assigned", "approved") and why (a shortfall
    names the part number, the location, what there is and what was asked)."""
    text = " ".join(reason.field_errors.values())
    return ValidationError(
        {
            "": f"{work_order_number(work_order_id)} was not {action}. {text} "
            "Receive or transfer stock there, or take the part from another location on the Items card."
        }
    )
