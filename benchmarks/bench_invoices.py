"""Benchmark: invoice PDFs, one (goal ≤ 50 ms) and 1,000 in a batch.

    .venv/bin/python benchmarks/bench_invoices.py [--count 1000] [--repeat 30] [--skip-qt] [--database]

Every measurement runs the path the app and ``tuffops invoice pdf`` run: an invoice as the
invoice service returns it (``services/dto/invoices.Invoice``, synthetic here, with the
amounts ``domain.invoices.invoice_totals`` computes) → ``invoice_document`` →
``plan_priced_document`` → ``write_plan_pdf`` into memory.  Measured:

* **baselines in the same run**: an empty reportlab page (``Canvas`` → ``showPage`` →
  ``save``), and one page with a line of text in the embedded DejaVu font (the font
  subset and its ToUnicode map cost the same for any document);
* **one invoice** of 8 lines (a typical work order), median of ``--repeat`` warm runs,
  split into layout (plan) and PDF writing; the same for 300 lines;
* **the first invoice of a fresh process** (what ``tuffops invoice pdf`` pays: importing
  reportlab, registering and parsing the TTF fonts), from a subprocess;
* **a batch** of ``--count`` invoices of 1–40 lines each, one process, every PDF written
  to memory: total, per invoice, pages rendered, per page;
* the desktop path (unless ``--skip-qt``): the first preview page painted at 110 dpi
  and every page of the 300-line invoice painted on a PDF ``QPrinter`` (offscreen);
* with ``--database``: an SQLite database with one real issued invoice, read back
  through ``InvoiceService.get_by_number`` and the settings (the CLI's whole path but
  the process start), median of ``--repeat``.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from tuffops_desktop.documents.fonts import register_fonts
from tuffops_desktop.documents.page_plan import DocumentPlan, write_plan_pdf
from tuffops_desktop.documents.priced_document import Company, plan_priced_document
from tuffops_desktop.domain.invoices import LineInput, invoice_totals
from tuffops_desktop.domain.pricing import line_amount
from tuffops_desktop.services.dto.invoices import Invoice, InvoiceLineInfo, PaymentInfo
from tuffops_desktop.services.invoice_documents import invoice_document

COMPANY = Company("Cool Breeze HVAC Ltd.", ("12 Bay Road", "Basseterre", "+1-869-465-1111 · office@coolbreeze.example"))
NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
NAMES = ("Ann Liburd", "Zoë Ñúñez — Ōsaka", "Küche Łódź Sp. z o.o.", "Basseterre Marine Supplies Ltd.")
ITEMS = (
    ("Labour (per hour)", "hour", "65.00"),
    ("Refrigerant R-410A", "kg", "38.50"),
    ("Run capacitor 45/5 µF", "each", "24.90"),
    ("Call-out fee", "visit", "45.00"),
    ('Copper pipe 3/8" insulated, fitted along the outside wall to the condenser', "m", "12.75"),
)


def make_invoice(number: int, line_count: int, rng: random.Random) -> Invoice:
    """An invoice as ``InvoiceService.get`` returns it, with realistic lines and one payment."""
    lines = []
    for position in range(1, line_count + 1):
        name, unit, price = ITEMS[rng.randrange(len(ITEMS))]
        quantity = Decimal(rng.choice(("1", "1.5", "2", "0.75", "3", "12.5")))
        rate = Decimal("10") if rng.random() < 0.3 else None
        amount = line_amount(quantity, Decimal(price), rate)
        lines.append(
            InvoiceLineInfo(position, "service", name, quantity, unit, Decimal(price), rate, amount.gross, amount.net)
        )
    totals = invoice_totals([LineInput(x.quantity, x.unit_price, x.discount_rate) for x in lines], Decimal("17"))
    paid = (totals.total / 3).quantize(Decimal("0.01"))
    payment = PaymentInfo(1, number, date(2026, 12, 10), paid, "bank_transfer", "TX-1", False, "", None, "", NOW, "me")
    return Invoice(
        id=number,
        number=f"INV-2026-{number:05d}",
        status="sent",
        customer_id=7,
        customer_name=NAMES[number % len(NAMES)],
        customer_address="44 Cayon Street\nBasseterre KN0101",
        customer_remote_id=None,
        work_order_id=number,
        work_order_number=f"WO-{number:06d}",
        unit_label="Server room AC",
        issued_on=date(2026, 12, 1),
        due_on=date(2026, 12, 31),
        payment_terms_days=30,
        lines=tuple(lines),
        subtotal=totals.subtotal,
        discount_total=totals.discount,
        net=totals.net,
        tax_rate=Decimal("17"),
        tax=totals.tax,
        total=totals.total,
        paid=paid,
        balance=totals.total - paid,
        overdue=False,
        days_overdue=0,
        payments=(payment,),
        cancelled_at=None,
        cancelled_by="",
        cancel_reason="",
        created_at=NOW,
        created_by="me",
        can_cancel=False,
        can_record_payment=True,
        version=1,
    )


def plan_of(invoice: Invoice) -> DocumentPlan:
    return plan_priced_document(invoice_document(invoice, COMPANY, instructions="IBAN KN00 1234 5678"))


def pdf_of(invoice: Invoice) -> tuple[DocumentPlan, int]:
    plan = plan_of(invoice)
    out = io.BytesIO()
    write_plan_pdf(plan, out)
    return plan, len(out.getvalue())


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def empty_page() -> None:
    canvas = Canvas(io.BytesIO())
    canvas.showPage()
    canvas.save()


def font_page() -> None:
    regular, _bold = register_fonts()
    canvas = Canvas(io.BytesIO())
    canvas.setFont(regular, 9)
    canvas.drawString(40, 700, "Zoë Ñúñez — Ōsaka 1,234.50")
    canvas.showPage()
    canvas.save()


FRESH_PROCESS = """
import io, random, sys, time
started = time.perf_counter()
sys.path.insert(0, {root!r})
from benchmarks.bench_invoices import make_invoice, pdf_of
pdf_of(make_invoice(1, 8, random.Random(1)))
print((time.perf_counter() - started) * 1000)
"""


def fresh_process_ms(root: Path) -> float:
    result = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS.format(root=str(root))], capture_output=True, text=True, check=True
    )
    return float(result.stdout.strip())


def bench_qt(invoice: Invoice) -> dict[str, float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtPrintSupport import QPrinter
    from PySide6.QtWidgets import QApplication

    from tuffops_desktop.ui import pdf_preview

    _app = QApplication.instance() or QApplication([])
    pdf_preview._load_fonts()
    plan = plan_of(invoice)
    started = time.perf_counter()
    pdf_preview.render_plan_page(plan.pages[0], 110)
    first = time.perf_counter() - started
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(os.path.join(tempfile.mkdtemp(prefix="bench-invoices-"), "printed.pdf"))
    pdf_preview.configure_printer(printer, plan)
    started = time.perf_counter()
    for _step in pdf_preview.print_plan_steps(printer, plan):
        pass
    printed = time.perf_counter() - started
    return {
        "preview page 1 at 110 dpi": first * 1000,
        f"print {len(plan.pages)} pages to a PDF QPrinter": printed * 1000,
        "per printed page": printed * 1000 / len(plan.pages),
    }


def bench_database(repeat: int) -> float:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the test helpers issue a real invoice
    from tests.services.invoice_support import customer_with_unit, issued
    from tuffops_desktop.bootstrap import open_database, system_services
    from tuffops_desktop.services.invoice_documents import write_invoice_pdf

    folder = Path(tempfile.mkdtemp(prefix="bench-invoices-db-"))
    db = open_database(f"sqlite:///{folder / 'bench.sqlite3'}")
    try:
        services = system_services(db)
        _customer, unit_id = customer_with_unit(services)
        number = services.invoices.get(issued(services, unit_id)).number
        return median_ms(lambda: write_invoice_pdf(services.invoices, services.settings, number, io.BytesIO()), repeat)
    finally:
        db.engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--skip-qt", action="store_true")
    parser.add_argument("--database", action="store_true", help="also read a real invoice from SQLite")
    args = parser.parse_args()
    root = Path(__file__).resolve().parents[1]
    rng = random.Random(2026)

    fresh = fresh_process_ms(root)
    typical = make_invoice(1, 8, rng)
    long = make_invoice(2, 300, rng)
    baseline_empty = median_ms(empty_page, args.repeat)
    baseline_font = median_ms(font_page, args.repeat)
    rows = []
    for name, invoice in (("8 lines", typical), ("300 lines", long)):
        plan, size = pdf_of(invoice)
        total = median_ms(lambda invoice=invoice: pdf_of(invoice), args.repeat)
        layout = median_ms(lambda invoice=invoice: plan_of(invoice), args.repeat)
        rows.append((name, len(plan.pages), total, layout, total - layout, size))

    batch = [make_invoice(n, rng.randint(1, 40), rng) for n in range(3, 3 + args.count)]
    started = time.perf_counter()
    pages = size = 0
    for invoice in batch:
        plan, written = pdf_of(invoice)
        pages += len(plan.pages)
        size += written
    batch_s = time.perf_counter() - started

    print(f"Invoice PDFs, Python {sys.version.split()[0]}, median of {args.repeat} warm runs")
    print(f"baseline: empty reportlab page {baseline_empty:.2f} ms; one line in embedded DejaVu {baseline_font:.2f} ms")
    print("| invoice | pages | whole (plan + PDF) | plan | write PDF | PDF size |")
    print("|---|---|---|---|---|---|")
    for name, page_count, total, layout, write, written in rows:
        print(
            f"| {name} | {page_count} | {total:.1f} ms | {layout:.1f} ms | {write:.1f} ms | {written / 1024:,.0f} KiB |"
        )
    print(f"first invoice in a fresh process (imports, fonts, 8 lines): {fresh:.0f} ms")
    print(
        f"batch: {args.count:,} invoices of 1-40 lines, {pages:,} pages rendered in {batch_s:.2f} s "
        f"({batch_s / args.count * 1000:.1f} ms per invoice, {batch_s / pages * 1000:.1f} ms per page, "
        f"{size / 1024 / 1024:.1f} MiB of PDF)"
    )
    if not args.skip_qt:
        for name, ms in bench_qt(long).items():
            print(f"desktop: {name} {ms:.1f} ms")
    if args.database:
        print(f"from SQLite (get_by_number + settings + plan + PDF): {bench_database(args.repeat):.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
