"""Quotations as the Quotes page shows them: a list row, the whole quotation, and the
editable status list.

Money fields are None for a user without ``quotations.pricing``: the prices are recorded
all the same (lines snapshot the price list), just not shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class QuotationStatusInfo:
    """One status of the editable list (Settings → Quotation statuses)."""

    key: str
    label: str
    locks: bool  # submitted / accepted / rejected / fulfilled / cancelled
    fixed: bool  # one of the seven defaults: renamed, never removed


@dataclass(frozen=True)
class QuotationStatuses:
    """The status list and the version of the setting it was read at."""

    entries: tuple[QuotationStatusInfo, ...]
    version: int

    def label(self, key: str) -> str:
        for entry in self.entries:
            if entry.key == key:
                return entry.label
        return key.replace("_", " ").capitalize()


@dataclass(frozen=True)
class QuotationRow:
    """One line of the quotes list."""

    id: int
    number: str
    status: str
    status_label: str
    locked: bool
    title: str
    customer_id: int | None
    customer_name: str
    created_at: datetime
    valid_until: date | None
    total: Decimal | None  # with tax; None without quotations.pricing
    converted: bool


@dataclass(frozen=True)
class QuotationUnitInfo:
    unit_id: int
    label: str
    notes: str
    work_order_id: int | None  # the work order it became (after conversion)
    work_order_number: str


@dataclass(frozen=True)
class QuotationLineInfo:
    id: int
    unit_id: int | None  # the unit the line is for; None: the quotation as a whole
    unit_label: str
    price_list_item_id: int | None
    kind: str
    name: str
    unit: str  # unit of measure
    quantity: Decimal
    unit_price: Decimal | None
    discount_rate: Decimal | None
    gross: Decimal | None
    amount: Decimal | None  # after the discount
    version: int


@dataclass(frozen=True)
class QuotationNoteInfo:
    author: str
    created_at: datetime
    body: str


@dataclass(frozen=True)
class QuotationWorkOrderInfo:
    """A work order made from the quotation, and where it stands."""

    id: int
    number: str
    unit_label: str
    status: str


@dataclass(frozen=True)
class QuotationDetail:
    id: int
    number: str
    status: str
    status_label: str
    locked: bool
    title: str
    customer_id: int | None
    customer_name: str
    customer_address: str  # address lines, one per line ("" without a customer)
    customer_requests: str
    valid_until: date | None
    created_at: datetime
    created_by: str
    submitted_at: datetime | None
    submitted_by: str
    decided_at: datetime | None  # accepted or rejected (recorded for the customer)
    decided_by: str
    converted_at: datetime | None
    converted_by: str
    units: tuple[QuotationUnitInfo, ...]
    lines: tuple[QuotationLineInfo, ...]
    notes: tuple[QuotationNoteInfo, ...]
    work_orders: tuple[QuotationWorkOrderInfo, ...]
    pricing: bool  # the user sees prices (and the money below is set)
    discount_rate: Decimal | None
    tax_rate: Decimal | None
    subtotal: Decimal | None  # before discount
    discount_total: Decimal | None
    net: Decimal | None  # after discount, before tax
    tax: Decimal | None
    total: Decimal | None
    can_edit: bool  # the user may change content now (notes are always allowed with quotations.edit)
    edit_refusal: str
    actions: tuple[str, ...]  # domain.quotations.Action values this user may take now
    draft_statuses: tuple[tuple[str, str], ...]  # (key, label) a "Set status" may choose
    send_refusal: str  # why "Mark as sent" would be refused now ("" when it would not)
    can_convert: bool
    convert_refusal: str
    version: int
