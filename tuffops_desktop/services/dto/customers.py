"""Customers: a list row and the full record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class CustomerRow:
    """One line of the customers list."""

    id: int
    customer_type: str
    display_name: str
    emails: str
    phones: str  # display form, comma separated
    city: str
    unit_count: int
    active: bool
    address: str = ""  # street address


@dataclass(frozen=True)
class CustomerDetail:
    """Everything the customer dialog edits."""

    id: int
    customer_type: str
    first_name: str
    last_name: str
    company_name: str
    display_name: str
    emails: tuple[str, ...]
    phones: tuple[str, ...]  # E.164
    address: str
    city: str
    postcode: str
    country: str
    discount_rate: Decimal | None
    default_sla_hours: int | None
    payment_terms_days: int | None  # None: the company's default (settings)
    remote_id: str | None
    notes: str
    active: bool
    version: int
    created_at: datetime
    updated_at: datetime
    notify_opt_out: bool = False  # no e-mail notifications (services/notification_events.py)
