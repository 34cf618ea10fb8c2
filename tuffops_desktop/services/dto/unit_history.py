"""A unit's history as the unit page shows it: its requests and work orders, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class UnitHistoryEntry:
    kind: str  # "request" or "work_order"
    id: int
    number: str  # the request's ticket or the work order's number
    status: str
    at: datetime  # when it was made
    text: str  # the start of what was asked, on one line
