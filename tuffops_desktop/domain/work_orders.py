"""Work orders: the rules that exist so far (how one is named to people)."""

from __future__ import annotations


def work_order_number(work_order_id: int) -> str:
    """How a work order is named to people: ``WO-000042``."""
    return f"WO-{work_order_id:06d}"
