"""Sticker printing from the desktop: the print dialog (selection, start position, offsets,
preview, Save PDF, print through an injected PDF printer, calibration page), the QPainter
path decoded by zbar and compared with the reportlab PDF, and label layouts in Settings."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFilter
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtPrintSupport import QPrinter
from sqlalchemy import select

from tests.qrscan import decode, require_tools
from tests.qrscan import rasterise as rasterise_pdf
from tuffops_desktop.db.models import AuditEntry
from tuffops_desktop.documents.calibration import plan_calibration_page
from tuffops_desktop.documents.label_layouts import MM_TO_PT, builtin_layouts
from tuffops_desktop.documents.sticker_pdf import render_calibration_page, render_sticker_sheet
from tuffops_desktop.documents.sticker_plan import StickerSheet
from tuffops_desktop.services.listing import ListQuery, Ref
from tuffops_desktop.ui.pages.customers.page import CustomersPage
from tuffops_desktop.ui.pages.settings.page import SettingsPage
from tuffops_desktop.ui.pages.units.page import UnitsPage
from tuffops_desktop.ui.stickers.grid_view import problem_positions
from tuffops_desktop.ui.stickers.jobs import StickerJob
from tuffops_desktop.ui.stickers.painter import label_rect_px, render_page_image
from tuffops_desktop.ui.stickers.print_dialog import PrintStickersDialog
from tuffops_desktop.ui.stickers.sources import BlankLabelsDialog, CustomerStickersDialog

LAYOUTS = builtin_layouts()


zbar = decode


def rasterise(pdf: Path, dpi: int) -> list[Image.Image]:
    return [Image.open(png).convert("L") for png in rasterise_pdf(pdf, dpi)]


def dark_pixels(image, rect) -> int:  # noqa: ANN001
    """Pixels darker than mid-grey inside ``rect`` (a QRectF in image pixels) of a QImage."""
    count = 0
    r = rect.toRect().adjusted(3, 3, -3, -3)
    for y in range(r.top(), r.bottom(), 2):
        for x in range(r.left(), r.right(), 2):
            if image.pixelColor(x, y).lightness() < 110:
                count += 1
    return count


@pytest.fixture
def office(demo):  # noqa: ANN001, ANN201
    return demo.services_as("office")


@pytest.fixture
def admin(demo):  # noqa: ANN001, ANN201
    return demo.services_as("admin")


def make_dialog(qtbot, services, kit, unit_ids, **options) -> PrintStickersDialog:  # noqa: ANN001
    contents = services.stickers.contents_for_units(unit_ids)
    job = StickerJob(f"{len(unit_ids)} units", tuple(contents), tuple(unit_ids))
    dialog = PrintStickersDialog(kit.ops, services, kit.prompts, job, **options)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def shown(qtbot, dialog: PrintStickersDialog) -> PrintStickersDialog:  # noqa: ANN001
    """Wait until the preview's page (planned and painted on the runner) is on screen."""
    qtbot.waitUntil(lambda: not dialog.preview.pending, timeout=10_000)
    return dialog


def finished(qtbot, job, outcome: str = "done") -> bool:  # noqa: ANN001
    """Wait for a Save PDF / Print job (and the print that follows the planning) to end."""
    assert job is not None
    dialog = job.watch.parent()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60_000)
    assert dialog.output_job.outcome == outcome
    return True


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


# --------------------------------------------------------------- selection → dialog
def test_print_selected_units_opens_the_dialog_with_those_units(qtbot, office, kit):
    page = UnitsPage(office, kit.ops, kit.prompts)
    qtbot.addWidget(page)
    page.resize(1300, 800)
    page.show()
    rows = (0, 2, 5)
    selection = page.table.selectionModel()
    for row in rows:
        selection.select(
            page.model.index(row, 0), QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        )
    expected = [page.model.row_id(row) for row in rows]
    assert page.selected_ids() == expected
    page.stickers.update_menu()
    assert page.stickers.selected_action.text() == "Selected units (3)…"
    assert page.stickers.button.isVisible()

    shown = []
    page.stickers.run_dialog = shown.append
    page.stickers.print_selected()
    (dialog,) = shown
    qtbot.addWidget(dialog)
    assert dialog.job.unit_ids == tuple(expected)
    assert [c.url for c in dialog.job.contents] == [office.units.get(i).public_url for i in expected]
    assert dialog.summary.text() == "3 stickers on 1 page"
    assert dialog.layout_key == "avery-5160"
    assert "30 per Letter sheet" in dialog.layout_combo.currentText()


def test_customer_site_and_blank_label_sources(qtbot, office, kit):
    customer_id = next(
        c
        for c in office.customers.list_ids(ListQuery(sort="name"))
        if len(office.units.list_ids(ListQuery(filters={"customer": Ref(c)}))) >= 2
    )
    name = office.customers.get(customer_id).display_name
    dialog = CustomerStickersDialog(kit.ops, office, customer=(customer_id, name, ""))
    qtbot.addWidget(dialog)
    all_ids = office.stickers.unit_ids_for_customer(customer_id)
    assert dialog.site.itemText(0).startswith(f"All sites ({len(all_ids)} units)")
    if dialog.site.count() > 1:  # pick one site
        dialog.site.setCurrentIndex(1)
        address = dialog.site.currentData()
        expected = office.stickers.unit_ids_for_customer(customer_id, address)
    else:
        expected = all_ids
    assert dialog.accept_choice()
    assert list(dialog.job.unit_ids) == expected and len(dialog.job.contents) == len(expected)

    blank = BlankLabelsDialog(kit.ops, office)
    qtbot.addWidget(blank)
    blank.count.setValue(3)
    assert blank.accept_choice()
    assert len(blank.job.contents) == 3 and blank.job.unit_ids == ()
    assert all(c.title == "Scan for service" and "/u/" in c.url for c in blank.job.contents)

    customers = CustomersPage(office, kit.ops, kit.prompts)
    qtbot.addWidget(customers)
    assert customers.table.select_id(customer_id)
    assert customers.stickers_button.isEnabled()
    assert customers._selected_customer()[0] == customer_id


# --------------------------------------------------------------- start position
def test_clicking_a_label_sets_the_start_and_the_preview_starts_there(qtbot, office, kit):
    ids = office.units.list_ids(ListQuery(sort="label"))[:5]
    dialog = make_dialog(qtbot, office, kit, ids)
    dialog.set_layout("avery-5160")
    layout = LAYOUTS["avery-5160"]
    assert dialog.offsets() == (0.0, 0.0)
    centre = dialog.picker.label_rect(7).center().toPoint()
    qtbot.mouseClick(dialog.picker, Qt.MouseButton.LeftButton, pos=centre)
    assert dialog.start_position == 7
    assert dialog.start_spin.value() == 7
    first = dialog.sheet.page(0).stickers[0]
    assert first.position == 7 and first.index == 0
    assert tuple(first.label_box) == pytest.approx(layout.label_box(7))
    assert [s.position for s in dialog.sheet.page(0).stickers] == [7, 8, 9, 10, 11]

    image, dpi = shown(qtbot, dialog).preview.image, dialog.preview.rendered_dpi
    assert image is not None
    for used in range(1, 7):  # greyed, but nothing printed there
        assert dark_pixels(image, label_rect_px(layout, used, dpi)) == 0, used
    assert dark_pixels(image, label_rect_px(layout, 7, dpi)) > 20
    assert dark_pixels(image, label_rect_px(layout, 12, dpi)) == 0

    dialog.start_spin.setValue(29)  # 2 on this sheet, 3 on the next
    assert dialog.preview.count == 2 and dialog.summary.text() == "5 stickers on 2 pages"
    assert [s.position for s in dialog.sheet.page(1).stickers] == [1, 2, 3]


# --------------------------------------------------------------- the painter, scanned
def test_painted_page_decodes_to_exactly_the_expected_urls(qtbot, office, tmp_path):
    require_tools()
    ids = office.units.list_ids(ListQuery(sort="label"))[:30]
    contents = office.stickers.contents_for_units(ids)
    for key, start in (("avery-5160", 4), ("avery-22805", 1)):
        sheet = StickerSheet(contents, LAYOUTS[key], start_position=start)
        page = sheet.page(0)
        png = tmp_path / f"{key}.png"
        assert render_page_image(page, 300, preview=True).save(str(png))
        expected = Counter(c.url for c in contents[sheet.page_slice(0)])
        assert sum(expected.values()) == LAYOUTS[key].labels_per_page - start + 1
        assert zbar(png) == expected, key


def test_page_by_page_geometry_is_the_full_pdfs_geometry(office):
    ids = office.units.list_ids(ListQuery(sort="label"))[:40]
    contents = office.stickers.contents_for_units(ids)
    layout = LAYOUTS["avery-l7160"]
    full = render_sticker_sheet(
        contents, layout, __import__("io").BytesIO(), start_position=5, offset_x_mm=0.8, offset_y_mm=-0.4
    )
    sheet = StickerSheet(contents, layout, start_position=5, offset_x_mm=0.8, offset_y_mm=-0.4)
    assert sheet.page_count == full.pages == 3
    assert [s for n in range(3) for s in sheet.page(n).stickers] == list(full.stickers)


# --------------------------------------------------------------- Save PDF / print
def test_save_pdf_writes_the_file_and_marks_the_units(qtbot, office, kit, tmp_path):
    ids = office.stickers.unit_ids_without_sticker()[:4]
    assert len(ids) == 4
    dialog = make_dialog(qtbot, office, kit, ids)
    kit.prompts.save_path = tmp_path / "stickers"
    assert finished(qtbot, dialog.save_pdf())
    pdf = tmp_path / "stickers.pdf"
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 2000
    assert dialog.marked_printed
    assert not set(ids) & set(office.stickers.unit_ids_without_sticker())
    assert "marked" in dialog.status.text()


def test_printing_through_an_injected_pdf_printer_matches_the_reportlab_pdf(qtbot, office, kit, tmp_path):
    require_tools()
    ids = office.stickers.unit_ids_without_sticker()[:12]
    asked = []
    printed = tmp_path / "qt-print.pdf"
    dialog = make_dialog(
        qtbot,
        office,
        kit,
        ids,
        printer_factory=lambda: pdf_printer(printed),
        ask_print_setup=lambda printer, pages, parent: asked.append(pages) or True,
    )
    dialog.set_layout("avery-5160")
    dialog.set_start_position(25)  # 6 on the first sheet, 6 on the second
    assert finished(qtbot, dialog.print_job())
    assert asked == [2]
    assert printed.stat().st_size > 2000
    assert dialog.marked_printed
    assert not set(ids) & set(office.stickers.unit_ids_without_sticker())

    reference = tmp_path / "reportlab.pdf"
    render_sticker_sheet(office.stickers.contents_for_units(ids), LAYOUTS["avery-5160"], reference, start_position=25)
    ours, theirs = rasterise(printed, 100), rasterise(reference, 100)
    assert len(ours) == len(theirs) == 2
    for mine, reference_page in zip(ours, theirs, strict=True):
        assert mine.size == reference_page.size == (850, 1100)  # Letter at 100 dpi: 100 % scale
        histogram = ImageChops.difference(mine, reference_page).histogram()
        assert sum(histogram[128:]) < 200  # same modules and glyphs in the same places
        assert mine.point(lambda v: 255 if v < 128 else 0).getbbox() is not None


def test_printing_a_page_range_marks_only_the_units_on_those_pages_through_the_service(qtbot, office, kit, tmp_path):
    ids = office.stickers.unit_ids_without_sticker()[:12]

    def second_page_only(printer: QPrinter, pages: int, parent) -> bool:  # noqa: ANN001
        printer.setPrintRange(QPrinter.PrintRange.PageRange)
        printer.setFromTo(2, 2)
        return True

    dialog = make_dialog(
        qtbot,
        office,
        kit,
        ids,
        printer_factory=lambda: pdf_printer(tmp_path / "p2.pdf"),
        ask_print_setup=second_page_only,
    )
    dialog.set_layout("avery-5160")
    dialog.set_start_position(25)  # units 1-6 on the first sheet, 7-12 on the second
    assert finished(qtbot, dialog.print_job())
    assert "6 stickers" in dialog.status.text()
    assert set(office.stickers.unit_ids_without_sticker()) >= set(ids[:6])
    assert not set(ids[6:]) & set(office.stickers.unit_ids_without_sticker())
    with office.ctx.read() as session:
        row = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "print_stickers").order_by(AuditEntry.id.desc())
        ).first()
    assert row is not None and row.username == "office"
    assert row.changes == {"count": [None, 6], "layout": [None, "avery-5160"]}


def test_printing_the_calibration_page_matches_the_reportlab_pdf(qtbot, admin, kit, tmp_path):
    """The painter and the PDF writer draw the same calibration plan: same pixels."""
    require_tools()
    printed = tmp_path / "qt-calibration.pdf"
    dialog = make_dialog(
        qtbot,
        admin,
        kit,
        admin.units.list_ids(ListQuery(sort="label"))[:1],
        printer_factory=lambda: pdf_printer(printed),
        ask_print_setup=lambda printer, pages, parent: True,
    )
    dialog.set_layout("avery-5160")
    dialog.set_calibration_mode(True)
    assert finished(qtbot, dialog.print_job())
    reference = tmp_path / "reportlab-calibration.pdf"
    render_calibration_page(LAYOUTS["avery-5160"], reference)
    (mine,), (theirs,) = rasterise(printed, 200), rasterise(reference, 200)
    assert mine.size == theirs.size == (1700, 2200)  # Letter at 200 dpi: 100 % scale
    dark_mine, dark_theirs = (image.point(lambda v: 255 if v < 128 else 0) for image in (mine, theirs))
    count_mine, count_theirs = dark_mine.histogram()[255], dark_theirs.histogram()[255]
    assert count_theirs > 50_000 and abs(count_mine - count_theirs) < 0.02 * count_theirs
    for one, other in ((dark_mine, dark_theirs), (dark_theirs, dark_mine)):
        # every dark pixel of one has a dark pixel of the other within 1 px; only the
        # 4.5 pt scale digits' anti-aliasing differs a little
        stray = ImageChops.subtract(one, other.filter(ImageFilter.MaxFilter(3))).histogram()[255]
        assert stray < 0.002 * count_theirs


def test_calibration_page_preview_print_and_save(qtbot, admin, kit, tmp_path):
    ids = admin.units.list_ids(ListQuery(sort="label"))[:2]
    printed = tmp_path / "calibration-print.pdf"
    dialog = make_dialog(
        qtbot,
        admin,
        kit,
        ids,
        printer_factory=lambda: pdf_printer(printed),
        ask_print_setup=lambda printer, pages, parent: True,
    )
    dialog.set_layout("avery-22805")
    dialog.set_calibration_mode(True)
    assert dialog.calibration_note.isVisible() and "100 %" in dialog.calibration_note.text()
    assert not dialog.picker.isEnabled()
    assert shown(qtbot, dialog).preview.count == 1 and dialog.preview.image is not None
    page = plan_calibration_page(LAYOUTS["avery-22805"])
    assert len(page.outlines) == 24  # every label outlined
    assert sum(1 for text in page.texts if text.text == "24") == 1
    assert finished(qtbot, dialog.print_job()) and printed.stat().st_size > 1000
    kit.prompts.save_path = tmp_path / "calibration.pdf"
    assert finished(qtbot, dialog.save_pdf()) and (tmp_path / "calibration.pdf").read_bytes().startswith(b"%PDF")
    assert not dialog.marked_printed  # a calibration page prints no unit's sticker


# --------------------------------------------------------------- offsets
def test_offset_is_saved_per_layout_and_restored(qtbot, admin, office, kit):
    ids = admin.units.list_ids(ListQuery(sort="label"))[:3]
    dialog = make_dialog(qtbot, admin, kit, ids)
    dialog.set_layout("avery-5163")
    assert dialog.offset_x.isEnabled()
    dialog.offset_x.setValue(1.5)
    dialog.offset_y.setValue(-0.7)
    qtbot.waitUntil(lambda: admin.stickers.offset("avery-5163") == (1.5, -0.7), timeout=3000)
    label = dialog.sheet.page(0).stickers[0].label_box
    nominal = LAYOUTS["avery-5163"].label_box(1)
    assert label.x == pytest.approx(nominal[0] + 1.5 * MM_TO_PT)
    assert label.y == pytest.approx(nominal[1] + 0.7 * MM_TO_PT)  # + is down the page
    assert admin.stickers.offset("avery-5160") == (0.0, 0.0)

    again = make_dialog(qtbot, office, kit, ids, layout_key="avery-5163")
    assert again.offsets() == (1.5, -0.7)
    assert not again.offset_x.isEnabled()  # office staff use it, only admins change it
    dialog.offset_x.setValue(25)  # clamped to the ±20 mm the PDF accepts
    assert dialog.apply_offsets() and admin.stickers.offset("avery-5163") == (20.0, -0.7)
    dialog.offset_x.setValue(0)
    dialog.offset_y.setValue(0)
    assert dialog.apply_offsets() and admin.stickers.offset("avery-5163") == (0.0, 0.0)


# --------------------------------------------------------------- layouts in Settings
def test_custom_layout_dialog_refuses_overlap_inline_and_the_page_saves_a_valid_one(qtbot, admin, kit):
    page = SettingsPage(admin, kit.ops, kit.prompts)
    qtbot.addWidget(page)
    section = page.layouts_section
    assert section.new_button.isVisibleTo(page) and section.table.rowCount() == len(LAYOUTS)
    dialog = section.open_dialog(None, editing=False, run=False)
    qtbot.addWidget(dialog)
    dialog.name.setText("Herma 10×3 test")
    dialog.paper.setCurrentIndex(dialog.paper.findData("a4"))
    dialog.margin_left.setValue(5)
    dialog.margin_top.setValue(10)
    dialog.label_width.setValue(70)
    dialog.label_height.setValue(25)
    dialog.pitch_x.setValue(65)  # narrower than the label: overlap
    dialog.pitch_y.setValue(25)
    dialog.columns.setValue(3)
    dialog.rows.setValue(10)
    assert "overlap side by side" in dialog.problem_text()
    assert problem_positions(dialog.grid.layout_shown())
    before = set(admin.stickers.layouts())
    dialog.problem.hide()  # the service refuses on its own too
    assert not dialog.save()
    assert "overlap" in dialog.problem_text() and set(admin.stickers.layouts()) == before
    assert kit.prompts.calls == []

    dialog.margin_left.setValue(40)
    dialog.pitch_x.setValue(70)
    assert "past the page width" in dialog.problem_text()
    dialog.margin_left.setValue(0)
    assert dialog.problem_text() == ""
    assert not problem_positions(dialog.grid.layout_shown())
    assert dialog.save()  # OK: a pending change of the page, stored by its Save changes
    section.take(dialog)
    assert page.has_unsaved_changes() and dialog.saved.key not in admin.stickers.layouts()
    assert page.save()
    saved = admin.stickers.layout(dialog.saved.key)
    assert (saved.columns, saved.rows, saved.pitch_x_mm, saved.page_width_mm) == (3, 10, 70, 210)
    section.refresh(select_key=saved.key)
    assert section.selected_key() == saved.key and section.edit_button.isEnabled()

    tiny = dict(
        saved.to_dict(),
        key="custom-tiny",
        name="Tiny dots",
        label_width_mm=8,
        label_height_mm=8,
        pitch_x_mm=10,
        pitch_y_mm=10,
        corner_radius_mm=0,
    )
    admin.stickers.save_custom_layout(tiny)
    printing = make_dialog(qtbot, admin, kit, admin.units.list_ids(ListQuery(sort="label"))[:1])
    index = printing.layout_combo.findData(saved.key)
    assert printing.layout_combo.itemText(index) == "Herma 10×3 test — 30 per page"
    printing.set_layout("custom-tiny")  # the PDF code refuses: shown in the preview, nothing to print
    shown(qtbot, printing)
    assert "too small for this QR code" in printing.preview.error
    assert not printing.print_button.isEnabled() and not printing.save_button.isEnabled()
    printing.set_layout(saved.key)
    shown(qtbot, printing)
    assert printing.preview.error == "" and printing.print_button.isEnabled()


def test_layouts_are_read_only_without_settings_edit(qtbot, office, kit):
    page = SettingsPage(office, kit.ops, kit.prompts)
    qtbot.addWidget(page)
    section = page.layouts_section
    assert section.table.rowCount() >= len(LAYOUTS)
    assert not section.new_button.isVisibleTo(page) and not section.edit_button.isVisibleTo(page)
    assert section.grid.layout_shown() is not None
