"""The pure rules of a work order's stock: which moves reserve, consume or release, where
a new part line takes its stock by default, and how a shared reservation shows per line."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.work_order_stock import (
    HOLDING,
    Place,
    StockStep,
    default_place,
    holds_stock,
    needs_by_place,
    refused,
    share_out,
    step_for_move,
)
from tuffops_desktop.domain.work_orders import TRANSITIONS, WorkOrderStatus

S = WorkOrderStatus
D = Decimal


def test_every_transition_has_its_stock_step():
    steps = {(t.action.value, s): step_for_move(s, t.target) for t in TRANSITIONS for s in t.sources}
    assert steps == {
        ("assign", S.UNASSIGNED): StockStep.RESERVE,
        ("reassign", S.PENDING): StockStep.NONE,  # reservations stay where they are
        ("start", S.PENDING): StockStep.NONE,
        ("pause", S.ONGOING): StockStep.NONE,
        ("resume", S.PAUSED): StockStep.NONE,
        ("submit", S.ONGOING): StockStep.NONE,
        ("send_back", S.WAITING_APPROVAL): StockStep.NONE,
        ("approve", S.WAITING_APPROVAL): StockStep.CONSUME,
        ("cancel", S.UNASSIGNED): StockStep.RELEASE,
        ("cancel", S.PENDING): StockStep.RELEASE,
        ("cancel", S.ONGOING): StockStep.RELEASE,
        ("cancel", S.PAUSED): StockStep.RELEASE,
        ("cancel", S.WAITING_APPROVAL): StockStep.RELEASE,
        ("bill", S.COMPLETED): StockStep.NONE,
    }


def test_scheduled_and_running_work_holds_stock():
    assert {s for s in S if holds_stock(s)} == HOLDING == {S.PENDING, S.ONGOING, S.PAUSED, S.WAITING_APPROVAL}
    assert holds_stock("ongoing") and not holds_stock("unassigned") and not holds_stock("completed")


VAN = Place(1, "Van — Maria", D(2))
SMALL_STORE = Place(2, "Annex", D(5))
BIG_STORE = Place(3, "Warehouse", D(9))


@pytest.mark.parametrize(
    ("quantity", "vans", "warehouses", "chosen"),
    [
        (D(2), [VAN], [SMALL_STORE, BIG_STORE], 1),  # the technician's van has it all
        (D(3), [VAN], [SMALL_STORE, BIG_STORE], 3),  # the van is short: the warehouse with the most
        (D(1), [], [SMALL_STORE, BIG_STORE], 3),  # unassigned: a warehouse
        (D(1), [], [Place(2, "A", D(4)), Place(3, "B", D(4))], 2),  # equals: the first given
        (D(50), [], [SMALL_STORE, BIG_STORE], 3),  # nowhere enough: the most (the reserve says why)
        (D(3), [VAN], [], 1),  # no warehouse at all: the van, short or not
        (D(1), [], [], None),  # nowhere to take it from
    ],
)
def test_the_default_place_of_a_new_part_line(quantity, vans, warehouses, chosen):
    assert default_place(quantity, vans, warehouses) == chosen


def test_lines_of_one_part_at_one_place_are_one_need():
    assert needs_by_place([(7, 1, D(2)), (8, 1, D(1)), (7, 1, D("0.5")), (7, 2, D(1))]) == {
        (7, 1): D("2.5"),
        (8, 1): D(1),
        (7, 2): D(1),
    }


def test_a_shared_reservation_is_handed_out_in_line_order():
    assert share_out(D(5), [D(2), D(3)]) == [D(2), D(3)]
    assert share_out(D(3), [D(2), D(3)]) == [D(2), D(1)]
    assert share_out(D(9), [D(2), D(3)]) == [D(2), D(3)]  # more held by hand: lines show their own
    assert share_out(D(0), [D(2)]) == [D(0)]


def test_a_refusal_names_the_work_order_and_the_shortfall():
    shortfall = ValidationError({"quantity": "Only 1 of part P-100 is available at Warehouse; 2 asked."})
    message = str(refused(42, "assigned", shortfall))
    assert message.startswith("WO-000042 was not assigned. Only 1 of part P-100 is available at Warehouse; 2 asked.")
