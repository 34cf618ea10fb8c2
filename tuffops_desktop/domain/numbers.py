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


_INVOICE_NUMBER = re.compile(r"(?:INV[-\s]?)?([0-9]{4})[-\s/]0*([0-9]{1,9})", re.IGNORECASE)


def invoice_number(year: int, sequence: int) -> str:
    """An invoice's number: ``INV-2026-00001``, the ``sequence``-th invoice issued in ``year``.

    Sequences run from 1 each year without gaps (``document_counters``); beyond 99,999 in
    a year the number simply grows a digit."""
    return f"INV-{year:04d}-{sequence:05d}"


def parse_invoice_number(text: str) -> tuple[int, int]:
    """(year, sequence) from what a person types: ``INV-2026-00001``, ``inv 2026 1``, ``2026-1``.

    Raises ``ValidationError`` for anything else (the invoice is not looked up here).
    """
    from tuffops_desktop.domain.errors import ValidationError

    body = (text or "").strip()
    match = _INVOICE_NUMBER.fullmatch(body)
    if match is None or int(match.group(2)) == 0:
        problem = f"“{body}” is not an invoice number; use e.g. INV-2026-00001."
        raise ValidationError({"number": problem}, problem)
    return int(match.group(1)), int(match.group(2))
