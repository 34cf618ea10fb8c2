"""The document preview window: the plan is built and painted off the GUI thread, the
pages it shows match the PDF, Save PDF writes the reportlab file whole, Print paints the
chosen pages at 100 % through the (injected) printer, and a failure is shown, not raised."""

from __future__ import annotations

import re
import subprocess
import threading
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFilter
from PySide6.QtPrintSupport import QPrinter

from tests.documents.test_priced_document import FakeSettings, make_invoice, make_lines
from tests.qrscan import rasterise, require_tools
from tuffops_desktop.documents.page_plan import DocumentPlan, write_plan_pdf
from tuffops_desktop.documents.priced_document import plan_priced_document
from tuffops_desktop.domain.invoices import InvoicingDisabled
from tuffops_desktop.services.invoice_documents import company_from_settings, invoice_document
from tuffops_desktop.ui.pdf_preview import DocumentPreviewDialog, render_plan_page


def invoice_plan(lines: int = 60) -> DocumentPlan:
    invoice = make_invoice(make_lines(lines, long_every=9), paid="20.00")
    return plan_priced_document(invoice_document(invoice, company_from_settings(FakeSettings())))


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def open_dialog(qtbot, kit, build, **kwargs) -> DocumentPreviewDialog:  # noqa: ANN001
    dialog = DocumentPreviewDialog(
        kit.ops, kit.prompts, build, title="Invoice INV-2026-00001", file_name="INV-2026-00001.pdf", **kwargs
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def wait_idle(qtbot, dialog: DocumentPreviewDialog) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: not dialog.busy, timeout=30_000)


def test_the_plan_is_built_off_the_gui_thread_and_pages_are_shown(qtbot, kit, tmp_path):
    threads = []
    plan = invoice_plan()

    def build() -> DocumentPlan:
        threads.append(threading.current_thread())
        return plan

    dialog = open_dialog(qtbot, kit, build)
    assert not dialog.print_button.isEnabled() and not dialog.save_button.isEnabled()
    with qtbot.waitSignal(dialog.plan_ready, timeout=10_000):
        pass
    assert threads and threads[0] is not threading.main_thread()
    qtbot.waitUntil(lambda: dialog.preview.image is not None and not dialog.preview.pending, timeout=10_000)
    assert dialog.preview.count == len(plan.pages) > 1
    assert dialog.preview.page_label.text() == f"Page 1 of {len(plan.pages)}"
    assert dialog.print_button.isEnabled() and dialog.save_button.isEnabled()
    assert "&" in dialog.print_button.text() and "&" in dialog.save_button.text()  # Alt+letter, given centrally
    dialog.preview.set_page(len(plan.pages) - 1)
    qtbot.waitUntil(lambda: not dialog.preview.pending, timeout=10_000)
    assert dialog.preview.next_button.isEnabled() is False
    dialog.resize(820, 900)
    dialog.grab().save(str(tmp_path / "preview.png"))


def test_painted_pages_match_the_pdf(tmp_path):
    require_tools()
    plan = invoice_plan(30)
    pdf = tmp_path / "invoice.pdf"
    write_plan_pdf(plan, pdf)
    theirs = rasterise(pdf, 100)
    assert len(theirs) == len(plan.pages)
    for page, reference in zip(plan.pages, theirs, strict=True):
        ours = tmp_path / "ours.png"
        render_plan_page(page, 100).save(str(ours))
        mine = Image.open(ours).convert("L")
        other = Image.open(reference).convert("L")
        assert mine.size == other.size == (850, 1100)  # Letter at 100 dpi: 100 %
        ink = sum(other.point(lambda v: 255 if v < 128 else 0).histogram()[255:])
        # Qt and poppler anti-alias glyph edges differently; softened by a blur, the same
        # glyphs in the same places leave (almost) nothing, a line off by a point does not
        blur = ImageFilter.GaussianBlur(1.5)
        differing = sum(ImageChops.difference(mine.filter(blur), other.filter(blur)).histogram()[64:])
        assert ink > 5000
        assert differing < ink * 0.01, (differing, ink)


def test_save_pdf_writes_the_document_whole(qtbot, kit, tmp_path):
    plan = invoice_plan()
    dialog = open_dialog(qtbot, kit, lambda: plan)
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=10_000)
    kit.prompts.save_path = tmp_path / "saved"  # no suffix: .pdf is added
    with qtbot.waitSignal(dialog.saved, timeout=30_000) as saved:
        dialog.save_pdf()
    target = tmp_path / "saved.pdf"
    assert saved.args == [str(target)]
    assert ("save_file", "Save PDF", "INV-2026-00001.pdf") in kit.prompts.calls
    require_tools()
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, check=True).stdout.decode()
    assert "INV-2026-00001" in text and "Zoë Ñúñez — Ōsaka" in text
    assert not list(tmp_path.glob(".*.part"))
    assert "Saved to" in dialog.status.text()


def test_save_pdf_to_a_missing_folder_is_reported_and_leaves_nothing(qtbot, kit, tmp_path):
    dialog = open_dialog(qtbot, kit, invoice_plan)
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=10_000)
    kit.prompts.save_path = tmp_path / "gone" / "x.pdf"
    dialog.save_pdf()
    wait_idle(qtbot, dialog)
    assert dialog.output_job.outcome == "failed"
    assert any("Cannot write" in str(text) for _kind, _title, text in kit.prompts.calls)
    assert not (tmp_path / "gone").exists()


@pytest.mark.parametrize("page_range", [None, (2, 3)])
def test_print_paints_the_chosen_pages_at_full_size(qtbot, kit, tmp_path, page_range):
    plan = invoice_plan()
    printed = tmp_path / "printed.pdf"
    asked = []

    def answer(printer: QPrinter, pages: int, parent) -> bool:  # noqa: ANN001
        asked.append(pages)
        if page_range:
            printer.setPrintRange(QPrinter.PrintRange.PageRange)
            printer.setFromTo(*page_range)
        return True

    dialog = open_dialog(qtbot, kit, lambda: plan, printer_factory=lambda: pdf_printer(printed), ask_print_setup=answer)
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=10_000)
    expected = 2 if page_range else len(plan.pages)
    with qtbot.waitSignal(dialog.printed, timeout=30_000) as done:
        dialog.print_document()
    assert asked == [len(plan.pages)]
    assert done.args == [expected]
    require_tools()
    info = subprocess.run(["pdfinfo", str(printed)], capture_output=True, check=True).stdout.decode()
    assert re.search(r"^Pages:\s+(\d+)$", info, re.M).group(1) == str(expected)
    assert "612 x 792 pts" in info  # Letter, as planned
    text = subprocess.run(["pdftotext", str(printed), "-"], capture_output=True, check=True).stdout.decode()
    first = page_range[0] if page_range else 1
    assert f"Page {first} of {len(plan.pages)}" in text


def test_a_refused_build_is_shown_and_nothing_can_be_printed(qtbot, kit):
    def build() -> DocumentPlan:
        raise InvoicingDisabled()

    dialog = open_dialog(qtbot, kit, build)
    qtbot.waitUntil(lambda: "Invoicing is turned off" in dialog.preview.message.text(), timeout=10_000)
    assert not dialog.print_button.isEnabled() and not dialog.save_button.isEnabled()
    assert dialog.print_document() is None and dialog.save_pdf() is None
