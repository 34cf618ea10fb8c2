"""Accounts receivable: what customers owe and how late it is.

An invoice owes its balance (total less non-voided payments) while it is ``sent``; paid
and cancelled invoices owe nothing. Ageing sorts each open balance by the days past its
due date on the report's date: **current** (not yet past due, including the due date
itself), **1–30**, **31–60**, **61–90** and **90+** days past due. The services compute
the same buckets in one SQL aggregate with ``BUCKETS``' bounds; ``bucket_for`` is the
rule they follow.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from tuffops_desktop.i18n import N_


class Bucket(StrEnum):
    CURRENT = "current"
    DAYS_1_30 = "days_1_30"
    DAYS_31_60 = "days_31_60"
    DAYS_61_90 = "days_61_90"
    DAYS_OVER_90 = "days_over_90"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Bucket.CURRENT: N_("Current"),
    Bucket.DAYS_1_30: N_("1–30 days"),
    Bucket.DAYS_31_60: N_("31–60 days"),
    Bucket.DAYS_61_90: N_("61–90 days"),
    Bucket.DAYS_OVER_90: N_("90+ days"),
}

# (bucket, lowest days past due, highest days past due or None for no limit), in report order.
BUCKETS: tuple[tuple[Bucket, int | None, int | None], ...] = (
    (Bucket.CURRENT, None, 0),
    (Bucket.DAYS_1_30, 1, 30),
    (Bucket.DAYS_31_60, 31, 60),
    (Bucket.DAYS_61_90, 61, 90),
    (Bucket.DAYS_OVER_90, 91, None),
)


def days_past_due(due_on: date, as_of: date) -> int:
    """How many days after its due date ``as_of`` is (negative or 0: not yet past due)."""
    return (as_of - due_on).days


def bucket_for(days: int) -> Bucket:
    """The ageing bucket of a balance ``days`` past due."""
    for bucket, low, high in BUCKETS:
        if (low is None or days >= low) and (high is None or days <= high):
            return bucket
    raise AssertionError("the buckets cover every day count")  # pragma: no cover


@dataclass(frozen=True)
class OpenItem:
    """One open balance: its due date and what is left to pay."""

    due_on: date
    balance: Decimal


def age(items: Iterable[OpenItem], as_of: date) -> dict[Bucket, Decimal]:
    """The sum of the open balances in each bucket as of ``as_of`` (every bucket present)."""
    sums = {bucket: Decimal("0.00") for bucket, _low, _high in BUCKETS}
    for item in items:
        if item.balance > 0:
            sums[bucket_for(days_past_due(item.due_on, as_of))] += item.balance
    return sums
