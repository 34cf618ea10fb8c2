"""How records are named to people (printed on sheets, read over the phone)."""

from __future__ import annotations


def work_order_number(work_order_id: int) -> str:
    """A work order's number: ``WO-000042`` (its id, so converted work orders keep theirs)."""
    return f"WO-{work_order_id:06d}"
