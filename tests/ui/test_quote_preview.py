"""The quotation panel's Preview… and Print…: the quote is read and laid out on the runner
and shown in the shared document preview (ui/pdf_preview), and Print… sends the laid-out
pages to the printer (a PDF printer here, instead of the system print dialog)."""

from __future__ import annotations

import subprocess
import threading

import pytest
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication

from tests.factories import make_customer, make_unit
from tuffops_desktop.domain.quotations import QuotationInput
from tuffops_desktop.ui import pdf_preview
from tuffops_desktop.ui.pages.quotes import editor as editor_module
from tuffops_desktop.ui.pages.quotes.page import QuotesPage
from tuffops_desktop.ui.pdf_preview import DocumentPreviewDialog


@pytest.fixture
def office(demo):  # noqa: ANN001, ANN201
    return demo.services_as("office")


@pytest.fixture
def priced_quote(demo, office):  # noqa: ANN001, ANN201
    """A draft for Harbour Lights Hotel with one unit and two priced lines."""
    admin = demo.services_as("admin")
    customer = make_customer(admin, company_name="Harbour Lights Hotel")
    unit = make_unit(admin, customer_id=customer.id, serial_number=f"QP-{customer.id}", location="Lobby cassette")
    q = office.quotations.create(QuotationInput(title="New lobby unit", customer_id=customer.id))
    q = office.quotations.add_unit(q.id, unit.id)
    for name, quantity in (("Labour (per hour)", "2"), ("Installation, split unit up to 18,000 BTU", "1")):
        entry = next(e.id for e in office.price_list.search(name) if e.name == name)
        q = office.quotations.add_line(q.id, entry, quantity)
    return q


def panel(qtbot, services, kit, quote):  # noqa: ANN001, ANN201
    page = QuotesPage(services, kit.ops, kit.prompts)
    qtbot.addWidget(page)
    page.resize(1280, 820)
    page.show()
    page._after_change(quote)
    qtbot.waitUntil(lambda: page.editor.detail is not None and page.editor.detail.id == quote.id, timeout=5000)
    return page.editor


def open_previews() -> list[DocumentPreviewDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, DocumentPreviewDialog) and w.isVisible()]


def plan_text(dialog: DocumentPreviewDialog) -> str:
    assert dialog.plan is not None
    return "\n".join(t.line.text for page in dialog.plan.pages for t in page.texts)


def money(amount) -> str:  # noqa: ANN001
    return f"{amount:,.2f}"


def test_preview_is_laid_out_off_the_gui_thread_and_shows_the_quote(
    qtbot, kit, office, priced_quote, monkeypatch, tmp_path
):
    threads: list[threading.Thread] = []
    real = editor_module.quotation_plan

    def recording_plan(*args):  # noqa: ANN002, ANN202
        threads.append(threading.current_thread())
        return real(*args)

    monkeypatch.setattr(editor_module, "quotation_plan", recording_plan)
    editor = panel(qtbot, office, kit, priced_quote)
    assert editor.preview_button.isVisible() and editor.print_button.isVisible() and editor.pdf_button.isVisible()
    editor.preview_button.click()
    previews = open_previews()
    assert len(previews) == 1
    dialog = previews[0]
    assert dialog.windowTitle() == f"Quotation {priced_quote.number}"
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=10_000)
    assert threads and all(t is not threading.main_thread() for t in threads)
    quote = office.quotations.get(priced_quote.id)
    text = plan_text(dialog)
    assert quote.number in text and "Harbour Lights Hotel" in text
    for amount in (*(line.amount for line in quote.lines), quote.total):
        assert money(amount) in text
    qtbot.waitUntil(lambda: dialog.preview.image is not None and not dialog.preview.pending, timeout=10_000)
    assert dialog.print_button.isEnabled() and dialog.save_button.isEnabled()
    dialog.grab().save(str(tmp_path / "quote-preview.png"))
    dialog.close()


def test_print_sends_the_laid_out_quote_to_the_printer(qtbot, kit, office, priced_quote, monkeypatch, tmp_path):
    printed = tmp_path / "printed.pdf"
    asked: list[int] = []

    def pdf_printer() -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        return printer

    def answer(printer: QPrinter, pages: int, parent) -> bool:  # noqa: ANN001
        asked.append(pages)
        return True

    # the system print dialog and printer are the only things replaced
    monkeypatch.setattr(pdf_preview, "_new_printer", pdf_printer)
    monkeypatch.setattr(pdf_preview, "_ask_with_print_dialog", answer)
    editor = panel(qtbot, office, kit, priced_quote)
    dialog = editor.print_document()
    assert dialog is not None and dialog in open_previews()
    with qtbot.waitSignal(dialog.printed, timeout=30_000) as done:
        pass  # printing starts by itself once the quote is laid out
    assert dialog.plan is not None
    assert asked == [len(dialog.plan.pages)] and done.args == [len(dialog.plan.pages)]
    assert "Sent 1 page(s) to the printer." in dialog.status.text()
    quote = office.quotations.get(priced_quote.id)
    text = subprocess.run(
        ["pdftotext", "-layout", str(printed), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert quote.number in text and "Harbour Lights Hotel" in text and "DRAFT" in text
    assert money(quote.total) in text
    dialog.close()


def test_a_reader_without_prices_has_no_document_buttons(qtbot, demo, kit, priced_quote):
    editor = panel(qtbot, demo.services_as("auditor"), kit, priced_quote)
    assert not any(b.isVisible() for b in (editor.preview_button, editor.print_button, editor.pdf_button))
