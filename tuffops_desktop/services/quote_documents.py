"""Quotations as printed documents, through the one priced-document renderer.

Maps what ``QuotationService.get`` returns and the company settings onto the shared
renderer's inputs (``documents/priced_document.py``), as ``services/invoice_documents.py``
does for invoices (its company block and date format are reused), and plans or writes
the PDF. Reading goes through the guarded service calls, so the permission checks are
theirs; planning and writing run after they have returned, outside any transaction.

What prints: the company (logo and details from Settings), "Quotation for" with the
customer's name and address, the quotation's date and validity, what the customer asked
for, the units it covers, the lines (after each line's discount, with the unit a line is
for), before-discount, discount, subtotal, tax at the quotation's rate and the total. A
quotation in a draft status is stamped "DRAFT" and a cancelled or rejected one says so,
so a paper copy is never mistaken for the offer the customer accepted.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import BinaryIO, Protocol

from tuffops_desktop.documents.page_plan import DocumentPlan, join_nonblank, write_plan_pdf
from tuffops_desktop.documents.priced_document import Company, Party, PricedDocument, PricedLine, plan_priced_document
from tuffops_desktop.domain.errors import PermissionDenied
from tuffops_desktop.domain.pricing import unit_label
from tuffops_desktop.domain.quotations import QuotationStatus, locks
from tuffops_desktop.services.dto.quotations import QuotationDetail
from tuffops_desktop.services.invoice_documents import SettingsSource, company_from_settings, day_text

__all__ = ["QuotationSource", "quotation_document", "quotation_plan", "write_quotation_pdf"]


class QuotationSource(Protocol):
    """What is read of ``QuotationService``."""

    def get(self, quotation_id: int) -> QuotationDetail: ...


ZERO = Decimal("0.00")
_STAMPS = {QuotationStatus.CANCELLED.value: "CANCELLED", QuotationStatus.REJECTED.value: "REJECTED"}


def quotation_document(quote: QuotationDetail, company: Company) -> PricedDocument:
    """The quotation as the customer reads it. Needs the prices: a detail read without
    ``quotations.pricing`` has none, and is refused rather than printed blank."""
    if not quote.pricing or quote.total is None:
        raise PermissionDenied("quotations.pricing")
    assert quote.subtotal is not None and quote.discount_total is not None
    assert quote.tax_rate is not None and quote.tax is not None
    dates = [("Date", day_text(quote.created_at.astimezone().date()))]
    if quote.valid_until is not None:
        dates.append(("Valid until", day_text(quote.valid_until)))
    notes: list[tuple[str, str]] = []
    if quote.customer_requests.strip():
        notes.append(("Your request", quote.customer_requests.strip()))
    if quote.units:
        notes.append(
            ("Equipment", "\n".join(join_nonblank([u.label, u.notes], " — ") for u in quote.units)),
        )
    return PricedDocument(
        kind="Quotation",
        number=quote.number,
        company=company,
        bill_to=Party(
            "Quotation for",
            quote.customer_name or "—",
            tuple(line for line in quote.customer_address.splitlines() if line.strip()),
        ),
        dates=tuple(dates),
        references=(("Reference", quote.title),),
        lines=tuple(
            PricedLine(
                description=join_nonblank([line.name, line.unit_label], " — "),
                quantity=line.quantity,
                unit=unit_label(line.unit),
                unit_price=line.unit_price if line.unit_price is not None else ZERO,
                discount_rate=line.discount_rate,
                amount=line.amount if line.amount is not None else ZERO,
            )
            for line in quote.lines
        ),
        subtotal=quote.subtotal,
        discount_total=quote.discount_total,
        tax_rate=quote.tax_rate,
        tax=quote.tax,
        total=quote.total,
        notes=tuple(notes),
        stamp=_STAMPS.get(quote.status, "" if locks(quote.status) else "DRAFT"),
        footer=join_nonblank([company.name, *company.lines[-1:]]),
    )


def quotation_plan(quotations: QuotationSource, settings: SettingsSource, quotation_id: int) -> DocumentPlan:
    """The pages of quotation ``quotation_id`` (for a preview, the printer or a PDF)."""
    return plan_priced_document(quotation_document(quotations.get(quotation_id), company_from_settings(settings)))


def write_quotation_pdf(
    quotations: QuotationSource, settings: SettingsSource, quotation_id: int, out: str | Path | BinaryIO
) -> int:
    """Write quotation ``quotation_id`` as a PDF to ``out``; returns its page count."""
    plan = quotation_plan(quotations, settings, quotation_id)
    write_plan_pdf(plan, out)
    return len(plan.pages)
