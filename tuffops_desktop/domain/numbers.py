"""How records are named to people (printed on sheets, read over the phone)."""

from __future__ import annotations

import re

_WORK_ORDER_NUMBER = re.compile(r"(?:WO[-\s]?)?0*([0-9]{1,9})", re.IGNORECASE)


def work_order_number(work_order_id: int) -> str:
    """A work order's number: ``WO-000042`` (its id, so converted work orders keep theirs)."""
    return f"WO-{work_order_id:06d}"


def parse_work_order_number(text: str) -> int:
    """The work order id from what a person types: ``WO-000012``, ``wo 12``, ``000012`` or ``12``.

    Raises ``ValidationError`` for anything else (the id is not looked up here).
    """
    from tuffops_desktop.domain.errors import ValidationError  # errors names work orders with this module

    body = (text or "").strip()
    match = _WORK_ORDER_NUMBER.fullmatch(body)
    if match is None or int(match.group(1)) == 0:
        problem = f"“{body}” is not a work order number; use e.g. WO-000012 or 12."
        raise ValidationError({"number": problem}, problem)
    return int(match.group(1))
