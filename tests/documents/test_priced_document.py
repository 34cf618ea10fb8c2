"""Invoice, quotation and statement PDFs: every amount printed, Unicode names, long
invoices breaking across pages with the header repeated and the totals on the last page.

The text is read back with ``pdftotext -layout`` (poppler) page by page, as a customer's
viewer would; the plans are checked for marks outside the margins.
"""

from __future__ import annotations

import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from tests.qrscan import require_tools
from tuffops_desktop.documents.page_plan import DocumentPlan, money_print, percent_print, quantity_print
from tuffops_desktop.documents.priced_document import (
    Company,
    Party,
    PricedDocument,
    PricedLine,
    plan_priced_document,
    render_priced_document,
)
from tuffops_desktop.documents.statement_pdf import render_statement
from tuffops_desktop.domain.invoices import invoice_totals
from tuffops_desktop.domain.pricing import line_amount
from tuffops_desktop.services.dto.invoices import (
    AgeingBuckets,
    Invoice,
    InvoiceLineInfo,
    PaymentInfo,
    Statement,
    StatementEntry,
    StatementInvoice,
)
from tuffops_desktop.services.invoice_documents import company_from_settings, invoice_document, statement_document

UNICODE_NAME = "Zoë Ñúñez — Ōsaka"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class FakeSettings:
    """Company settings as ``SettingsService.get`` returns them (a plain dict here: the
    mapping is pure; the CLI test reads the real settings)."""

    def __init__(self, **values: object) -> None:
        self.values = {
            "company_name": "Cool Breeze HVAC Ltd.",
            "company_address": "12 Bay Road\nBasseterre",
            "company_phone": "+1-869-465-1111",
            "company_email": "office@coolbreeze.example",
            "invoice_payment_instructions": "",
            "company_logo": "",
            "feature_flag_invoices_enabled": True,
            **values,
        }

    def get(self, name: str) -> object:
        return self.values[name]


def make_lines(count: int, *, long_every: int = 0) -> tuple[InvoiceLineInfo, ...]:
    lines = []
    for index in range(count):
        quantity = Decimal("1.5") + index % 3
        price = Decimal("45.00") + index
        rate = Decimal("10") if index % 4 == 0 else None
        amount = line_amount(quantity, price, rate)
        description = f"Item {index + 1:03d} labour on the rooftop unit"
        if long_every and index % long_every == 0:
            description += " with refrigerant recovery, a pressure test and a new capacitor fitted " * 3
        lines.append(
            InvoiceLineInfo(
                position=index + 1,
                kind="service",
                description=description,
                quantity=quantity,
                unit="hour",
                unit_price=price,
                discount_rate=rate,
                gross=amount.gross,
                amount=amount.net,
            )
        )
    return tuple(lines)


def payment(amount: str, *, voided: bool = False, pid: int = 1) -> PaymentInfo:
    return PaymentInfo(
        id=pid,
        invoice_id=1,
        paid_on=date(2026, 12, 10),
        amount=Decimal(amount),
        method="bank_transfer",
        reference=f"TX-{pid}",
        voided=voided,
        void_reason="bounced" if voided else "",
        voided_at=NOW if voided else None,
        voided_by="office" if voided else "",
        created_at=NOW,
        created_by="office",
    )


def make_invoice(lines: tuple[InvoiceLineInfo, ...], *, paid: str = "0.00", **changes: object) -> Invoice:
    from tuffops_desktop.domain.invoices import LineInput

    tax_rate = Decimal("17.00")
    totals = invoice_totals([LineInput(line.quantity, line.unit_price, line.discount_rate) for line in lines], tax_rate)
    payments = (payment(paid),) if Decimal(paid) else ()
    invoice = Invoice(
        id=1,
        number="INV-2026-00001",
        status="sent",
        customer_id=7,
        customer_name=UNICODE_NAME,
        customer_address="44 Cayon Street\nBasseterre KN0101",
        customer_remote_id=None,
        work_order_id=12,
        work_order_number="WO-000012",
        unit_label="Server room AC",
        issued_on=date(2026, 12, 1),
        due_on=date(2026, 12, 31),
        payment_terms_days=30,
        lines=lines,
        subtotal=totals.subtotal,
        discount_total=totals.discount,
        net=totals.net,
        tax_rate=tax_rate,
        tax=totals.tax,
        total=totals.total,
        paid=Decimal(paid),
        balance=totals.total - Decimal(paid),
        overdue=False,
        days_overdue=0,
        payments=payments,
        cancelled_at=None,
        cancelled_by="",
        cancel_reason="",
        created_at=NOW,
        created_by="office",
        can_cancel=False,
        can_record_payment=True,
        version=1,
    )
    return replace(invoice, **changes)  # type: ignore[arg-type]


def render_invoice(invoice: Invoice, tmp_path: Path, settings: FakeSettings | None = None) -> tuple[DocumentPlan, Path]:
    settings = settings or FakeSettings()
    doc = invoice_document(
        invoice, company_from_settings(settings), instructions=str(settings.get("invoice_payment_instructions"))
    )
    pdf = tmp_path / f"{invoice.number}.pdf"
    return render_priced_document(doc, pdf), pdf


def page_texts(pdf: Path) -> list[str]:
    """``pdftotext -layout`` of each page."""
    require_tools()
    result = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True, timeout=60
    )
    pages = result.stdout.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def assert_inside_margins(plan: DocumentPlan) -> None:
    for page in plan.pages:
        for text in page.texts:
            assert plan.margin_box.contains(text.line.box, tolerance=0.01), text.line.text
        for fill in page.fills:
            assert plan.margin_box.contains(fill.box, tolerance=0.01)


# ----------------------------------------------------------------- printed numbers
def test_money_quantity_and_percent_print_as_on_paper():
    assert money_print(Decimal("1234.5")) == "1,234.50"
    assert money_print(Decimal("-7")) == "-7.00"
    assert money_print(Decimal("0.005")) == "0.01"  # half up
    assert money_print(Decimal("1000000"), "USD") == "USD 1,000,000.00"
    assert money_print(Decimal("12.3"), "$") == "$12.30"
    assert quantity_print(Decimal("2.000")) == "2"
    assert quantity_print(Decimal("10.000")) == "10"
    assert quantity_print(Decimal("1.500")) == "1.5"
    assert quantity_print(Decimal("1250.125")) == "1,250.125"
    assert percent_print(Decimal("12.50")) == "12.5%"
    assert percent_print(None) == percent_print(Decimal(0)) == ""
    with pytest.raises(TypeError):
        money_print(1.5)  # type: ignore[arg-type]


# ----------------------------------------------------------------- one invoice
def test_every_amount_of_an_invoice_is_printed(tmp_path):
    invoice = make_invoice(make_lines(6), paid="100.00")
    plan, pdf = render_invoice(invoice, tmp_path)
    assert len(plan.pages) == 1
    assert_inside_margins(plan)
    text = page_texts(pdf)[0]
    flat = " ".join(text.split())
    for line in invoice.lines:
        assert money_print(line.amount) in text
        assert money_print(line.unit_price) in text
    assert "10%" in text  # the discount column shows the rate
    assert f"Before discount {money_print(invoice.subtotal)}" in flat
    assert f"Discount {money_print(-invoice.discount_total)}" in flat
    assert f"Subtotal {money_print(invoice.net)}" in flat
    assert f"Tax (17%) {money_print(invoice.tax)}" in flat
    assert f"Total {money_print(invoice.total)}" in flat
    assert f"Amount paid {money_print(invoice.paid)}" in flat
    assert f"Balance due {money_print(invoice.balance)}" in flat
    # the printed line amounts add up to the printed subtotal
    assert sum(line.amount for line in invoice.lines) == invoice.net
    for fact in ("INV-2026-00001", "1 Dec 2026", "31 Dec 2026", "WO-000012", "Server room AC", "Net 30 days"):
        assert fact in text
    assert UNICODE_NAME in text
    assert "Cool Breeze HVAC Ltd." in text and "Basseterre" in text and "office@coolbreeze.example" in text
    assert "Payments received" in text.replace("PAYMENTS RECEIVED", "Payments received")
    assert "TX-1" in text
    assert f"Please pay {money_print(invoice.balance)} by 31 Dec 2026, quoting INV-2026-00001." in flat


def test_invoice_without_discount_or_payment_prints_no_empty_rows(tmp_path):
    lines = tuple(replace(line, discount_rate=None, amount=line.gross) for line in make_lines(3))
    invoice = make_invoice(lines)
    _plan, pdf = render_invoice(invoice, tmp_path, FakeSettings(invoice_payment_instructions="IBAN KN00 1234"))
    flat = " ".join(page_texts(pdf)[0].split())
    assert "DISC." not in flat and "Before discount" not in flat and "Discount" not in flat
    assert f"Subtotal {money_print(invoice.subtotal)}" in flat
    assert f"Amount paid {money_print(Decimal(0))}" in flat
    assert f"Balance due {money_print(invoice.total)}" in flat
    assert "IBAN KN00 1234" in flat


def test_cancelled_invoice_is_stamped_and_says_why(tmp_path):
    invoice = make_invoice(make_lines(2), status="cancelled", cancelled_at=NOW, cancel_reason="Billed twice")
    invoice = replace(invoice, balance=Decimal("0.00"))
    _plan, pdf = render_invoice(invoice, tmp_path)
    flat = " ".join(page_texts(pdf)[0].split())
    assert "CANCELLED" in flat
    assert "cancelled on 1 Dec 2026: Billed twice" in flat
    assert "PAYMENT INSTRUCTIONS" not in flat


def test_voided_payments_are_not_listed_as_received(tmp_path):
    invoice = make_invoice(make_lines(2), payments=(payment("50.00", voided=True, pid=9),))
    _plan, pdf = render_invoice(invoice, tmp_path)
    assert "TX-9" not in page_texts(pdf)[0]


def test_markup_and_characters_beyond_latin1_print_as_typed(tmp_path):
    lines = (replace(make_lines(1)[0], description='<b>Łódź</b> & "Küche" 😀 Кондиционер'),)
    _plan, pdf = render_invoice(make_invoice(lines), tmp_path)
    assert '<b>Łódź</b> & "Küche" 😀 Кондиционер' in page_texts(pdf)[0]


def test_a_quotation_has_no_paid_or_balance_rows():
    doc = PricedDocument(
        kind="Quotation",
        number="Q-2026-00003",
        company=Company("Cool Breeze HVAC Ltd."),
        bill_to=Party("Prepared for", UNICODE_NAME),
        lines=(PricedLine("Install", Decimal(1), "each", Decimal("500.00"), None, Decimal("500.00")),),
        subtotal=Decimal("500.00"),
        discount_total=Decimal("0.00"),
        tax_rate=Decimal("0"),
        tax=Decimal("0.00"),
        total=Decimal("500.00"),
        dates=(("Date", "1 Dec 2026"), ("Valid until", "31 Dec 2026")),
    )
    text = plan_priced_document(doc).pages[0].text()
    assert "QUOTATION" in text and "Valid until" in text and "500.00" in text
    assert "Balance due" not in text and "Amount paid" not in text


def test_logo_prints_left_of_the_company_and_a_missing_one_is_left_out(tmp_path):
    logo = tmp_path / "logo.png"
    Image.new("RGB", (400, 100), (20, 90, 160)).save(logo)
    invoice = make_invoice(make_lines(1))
    doc = invoice_document(invoice, Company("Cool Breeze", ("Basseterre",), logo_path=str(logo)))
    plan = render_priced_document(doc, tmp_path / "with-logo.pdf")
    (image,) = plan.pages[0].images
    assert image.box.width == pytest.approx(120) and image.box.height == pytest.approx(30)
    name = next(t for t in plan.pages[0].texts if t.line.text == "Cool Breeze")
    assert name.line.box.x >= image.box.right
    assert_inside_margins(plan)
    missing = replace(doc, company=Company("Cool Breeze", logo_path=str(tmp_path / "gone.png")))
    assert plan_priced_document(missing).pages[0].images == ()


# ----------------------------------------------------------------- long invoices
def test_a_300_line_invoice_breaks_across_pages_with_the_header_repeated(tmp_path):
    invoice = make_invoice(make_lines(300, long_every=7), paid="250.00")
    plan, pdf = render_invoice(invoice, tmp_path)
    pages = page_texts(pdf)
    count = len(pages)
    assert count == len(plan.pages) >= 10
    assert_inside_margins(plan)
    for number, text in enumerate(pages, start=1):
        # the header and the column headings on every page
        assert "Cool Breeze HVAC Ltd." in text and "INVOICE" in text and "INV-2026-00001" in text
        assert "DESCRIPTION" in text and "AMOUNT" in text
        assert f"Page {number} of {count}" in text
        # the totals on the last page only, and that page also has lines
        has_totals = "Balance due" in text or "Subtotal" in text
        assert has_totals == (number == count)
    assert "BILL TO" in pages[0] and all("BILL TO" not in text for text in pages[1:])
    assert "Item 300" in pages[-1]
    everything = "\n".join(pages)
    for index in range(300):
        assert everything.count(f"Item {index + 1:03d} ") == 1, index + 1
    flat = " ".join(pages[-1].split())
    assert f"Total {money_print(invoice.total)}" in flat
    assert f"Balance due {money_print(invoice.balance)}" in flat


def test_a_description_longer_than_a_page_continues_on_the_next(tmp_path):
    long_text = " ".join(f"word{n:04d}" for n in range(1500))
    lines = (replace(make_lines(1)[0], description=long_text), *make_lines(3)[1:])
    plan, pdf = render_invoice(make_invoice(lines), tmp_path)
    assert len(plan.pages) >= 2
    assert_inside_margins(plan)
    everything = " ".join(page_texts(pdf))
    for n in (0, 749, 1499):
        assert f"word{n:04d}" in everything


def test_totals_carry_the_last_line_with_them(tmp_path):
    """However many lines, the totals never start a page alone."""
    for count in range(20, 32):
        plan = plan_priced_document(
            invoice_document(make_invoice(make_lines(count)), company_from_settings(FakeSettings()))
        )
        texts = [page.text() for page in plan.pages]
        (with_totals,) = [n for n, text in enumerate(texts) if "Balance due" in text]
        assert f"Item {count:03d}" in texts[with_totals], count
        assert not any("Item " in text for text in texts[with_totals + 1 :])  # only notes may follow


# ----------------------------------------------------------------- the statement
def test_statement_prints_balances_movements_and_ageing(tmp_path):
    def entry(day: int, kind: str, number: int, text: str, debit: str, credit: str, balance: str) -> StatementEntry:
        amounts = (Decimal(debit), Decimal(credit), Decimal(balance))
        return StatementEntry(date(2026, 11, day), kind, number, f"INV-2026-0000{number}", text, *amounts)

    entries = (
        entry(3, "invoice", 1, "WO-000012", "627.33", "0", "727.33"),
        entry(20, "payment", 1, "Payment · Bank transfer", "0", "300.00", "427.33"),
        entry(28, "invoice", 2, "WO-000019", "1250.00", "0", "1677.33"),
    )
    buckets = AgeingBuckets(Decimal("1250.00"), Decimal("327.33"), Decimal(0), Decimal(0), Decimal("100.00"))
    statement = Statement(
        customer_id=7,
        customer_name=UNICODE_NAME,
        customer_address="44 Cayon Street\nBasseterre",
        customer_remote_id=None,
        start=date(2026, 11, 1),
        end=date(2026, 11, 30),
        opening_balance=Decimal("100.00"),
        entries=entries,
        closing_balance=Decimal("1677.33"),
        open_invoices=(
            StatementInvoice(
                9,
                "INV-2026-00000",
                date(2026, 7, 1),
                date(2026, 7, 31),
                Decimal("100.00"),
                Decimal(0),
                Decimal("100.00"),
                122,
            ),
            StatementInvoice(
                1,
                "INV-2026-00001",
                date(2026, 11, 3),
                date(2026, 11, 3),
                Decimal("627.33"),
                Decimal("300.00"),
                Decimal("327.33"),
                27,
            ),
            StatementInvoice(
                2,
                "INV-2026-00002",
                date(2026, 11, 28),
                date(2026, 12, 28),
                Decimal("1250.00"),
                Decimal(0),
                Decimal("1250.00"),
                0,
            ),
        ),  # fmt: skip
        ageing=buckets,
    )
    doc = statement_document(statement, company_from_settings(FakeSettings()), date(2026, 12, 1))
    pdf = tmp_path / "statement.pdf"
    plan = render_statement(doc, pdf)
    assert_inside_margins(plan)
    text = "\n".join(page_texts(pdf))
    flat = " ".join(text.split())
    assert "STATEMENT" in text and UNICODE_NAME in text and "1 Nov 2026 – 30 Nov 2026" in flat
    assert "Opening balance 100.00" in flat
    assert "Charges 1,877.33" in flat
    assert "Payments -300.00" in flat
    assert "Closing balance 1,677.33" in flat
    for running in ("727.33", "427.33", "1,677.33"):
        assert running in text
    assert "Total due 1,677.33" in flat
    assert "INV-2026-00000 1 Jul 2026 31 Jul 2026 122 days 100.00 0.00 100.00" in flat  # one line, nothing wrapped
    assert "INV-2026-00001 3 Nov 2026 3 Nov 2026 27 days 627.33 300.00 327.33" in flat
    for amount in ("1,250.00", "327.33", "100.00", "0.00"):
        assert amount in text
    assert sum(i.balance for i in statement.open_invoices) == statement.closing_balance == buckets.total


# ----------------------------------------------------------------- any input
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    descriptions=st.lists(st.text(min_size=0, max_size=400), min_size=0, max_size=45),
    name=st.text(min_size=1, max_size=120),
)
def test_any_lines_stay_inside_the_margins_and_the_totals_close_the_table(descriptions, name):
    numbered = zip(make_lines(len(descriptions)), descriptions, strict=True)
    lines = tuple(replace(line, description=text) for line, text in numbered)
    invoice = make_invoice(lines, customer_name=name)
    plan = plan_priced_document(invoice_document(invoice, company_from_settings(FakeSettings())))
    assert_inside_margins(plan)
    texts = [page.text() for page in plan.pages]
    (with_totals,) = [n for n, text in enumerate(texts) if "Balance due" in text]
    assert all("Item " not in text for text in texts[with_totals + 1 :])
    printed = "\n".join(texts)
    for line in lines:
        assert money_print(line.amount) in printed
    if not lines:
        assert "No lines." in printed
