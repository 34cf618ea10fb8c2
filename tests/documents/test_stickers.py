"""QR sticker sheets: every built-in layout prints codes that scan, text stays inside the
labels, the quiet zone stays white, start position and offsets do what staff expect."""

from __future__ import annotations

import io
import math
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw
from reportlab.lib.fonts import tt2ps
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate

from tuffops_desktop.documents.fonts import FONT_BOLD, FONT_FAMILY, FONT_REGULAR, register_fonts
from tuffops_desktop.documents.geometry import Box
from tuffops_desktop.documents.label_layouts import MM_TO_PT, LabelLayout, builtin_layouts
from tuffops_desktop.documents.qr_vector import QUIET_ZONE_MODULES, grid_unit_pt
from tuffops_desktop.documents.sticker_pdf import render_calibration_page, render_sticker_sheet
from tuffops_desktop.documents.sticker_plan import StickerContent, StickerSheetPlan

LAYOUTS = builtin_layouts()
SHEETS = [key for key, layout in LAYOUTS.items() if layout.kind == "sheet"]
ROLLS = [key for key, layout in LAYOUTS.items() if layout.kind == "roll"]

TITLES = (
    "Küche Łódź Кухня #3",
    "Lobby AC #2",
    '<b>x</b> & "y"',
    "Rooftop unit RTU-7 above the east stairwell, Building C",
    "Walk-in freezer",
)
NASTY_TITLES = TITLES + (
    "W" * 120,  # one unbreakable word far wider than any label
    "Überlänge " * 15,
    "",
)


def _pixels_per_point(dpi: int) -> float:
    return dpi / 72.0


def _to_pixels(box: Box, page_height: float, dpi: int, grow: float = 0.0) -> tuple[int, int, int, int]:
    """A PDF box as a PIL rectangle (top-left origin), grown by ``grow`` pixels."""
    k = _pixels_per_point(dpi)
    return (
        math.floor(box.x * k - grow),
        math.floor((page_height - box.top) * k - grow),
        math.ceil(box.right * k + grow),
        math.ceil((page_height - box.y) * k + grow),
    )


def _ink(png: Path, threshold: int = 160) -> Image.Image:
    """255 where the page is printed on (darker than ``threshold``), 0 elsewhere."""
    return Image.open(png).convert("L").point(lambda value: 255 if value < threshold else 0)


def _has_ink(ink: Image.Image, rectangle: tuple[int, int, int, int]) -> bool:
    return ink.crop(rectangle).getbbox() is not None


# --------------------------------------------------------------- scanning
@pytest.mark.parametrize("key", list(LAYOUTS))
def test_every_builtin_layout_prints_codes_that_scan(key, tmp_path, scanner, sticker_factory) -> None:
    """300 dpi rendering → zbar: each page decodes to exactly its stickers' URLs."""
    layout = LAYOUTS[key]
    per_page = layout.labels_per_page
    if layout.kind == "sheet":
        start, count = 2, 2 * per_page - 1  # a partly used first sheet, then a full one
        expected_pages = [slice(0, per_page - 1), slice(per_page - 1, count)]
    else:
        start, count = 1, 3
        expected_pages = [slice(0, 1), slice(1, 2), slice(2, 3)]
    stickers = sticker_factory(count, seed=len(key), titles=TITLES)
    pdf = tmp_path / f"{key}.pdf"

    result = render_sticker_sheet(stickers, layout, pdf, start_position=start)

    assert result.pages == len(expected_pages)
    pngs = scanner.rasterise(pdf, 300)
    assert len(pngs) == len(expected_pages)
    for page, (png, expected) in enumerate(zip(pngs, expected_pages, strict=True)):
        wanted = Counter(sticker.url for sticker in stickers[expected])
        assert Counter(s.url for s in result.on_page(page)) == wanted
        assert scanner.decode(png) == wanted, f"{key} page {page + 1}"


@pytest.mark.parametrize("ecc", ["L", "H"])
def test_other_error_correction_levels_scan(ecc, tmp_path, scanner, sticker_factory) -> None:
    stickers = sticker_factory(10, seed=99)
    pdf = tmp_path / "ecc.pdf"
    result = render_sticker_sheet(stickers, LAYOUTS["avery-5163"], pdf, error_correction=ecc)
    (png,) = scanner.rasterise(pdf, 300)
    assert scanner.decode(png) == Counter(s.url for s in stickers)
    assert result.pages == 1


def test_higher_error_correction_needs_more_modules(sticker_factory) -> None:
    stickers = sticker_factory(1)
    low = render_sticker_sheet(stickers, LAYOUTS["avery-5163"], io.BytesIO(), error_correction="L")
    high = render_sticker_sheet(stickers, LAYOUTS["avery-5163"], io.BytesIO(), error_correction="H")
    # Same label, bigger symbol at H → smaller (or equal) modules.
    assert high.stickers[0].module_pt <= low.stickers[0].module_pt
    assert high.stickers[0].qr_box.width <= high.stickers[0].label_box.height


# --------------------------------------------------------------- geometry
def _nasty_stickers(count: int, sticker_factory) -> list[StickerContent]:
    base = sticker_factory(count, seed=5, titles=NASTY_TITLES)
    footers = ["Cool Breeze HVAC · (555) 010-2030", "", "Ääkkönen Ilmastointi Oy — " * 6]
    codes = ["TO-00042", "SN-" + "9" * 60, ""]
    return [
        StickerContent(s.url, s.title, codes[i % len(codes)], footers[i % len(footers)]) for i, s in enumerate(base)
    ]


@pytest.mark.parametrize("key", list(LAYOUTS))
def test_text_and_code_stay_inside_the_label(key, sticker_factory) -> None:
    layout = LAYOUTS[key]
    stickers = _nasty_stickers(max(len(NASTY_TITLES) * 2, layout.labels_per_page), sticker_factory)

    result = render_sticker_sheet(stickers, layout, io.BytesIO())

    assert len(result.stickers) == len(stickers)
    padding = layout.padding_mm * MM_TO_PT
    for placed, sticker in zip(result.stickers, stickers, strict=True):
        printable = placed.label_box.inset(padding)
        assert printable.contains(placed.qr_box), (key, placed.position)
        qr = placed.qr_box
        assert qr.width == pytest.approx(qr.height)
        for line in placed.texts:
            assert printable.contains(line.box), (key, placed.position, line)
            # Text never enters the QR's quiet zone.
            apart = line.box.x >= qr.right or line.box.right <= qr.x or line.box.top <= qr.y or line.box.y >= qr.top
            assert apart, (key, placed.position, line)
            assert line.size >= 5.0
        if sticker.title.strip():
            assert placed.texts and placed.texts[0].font == FONT_BOLD


@pytest.mark.parametrize("key", list(LAYOUTS))
def test_qr_modules_sit_on_the_printer_dot_grid(key, sticker_factory) -> None:
    """Module size = whole 1/300 in dots; the code's corner on the dot grid from the
    page's top-left corner, so module edges land between printer dots."""
    layout = LAYOUTS[key]
    page_height = layout.page_size_pt[1]
    unit = grid_unit_pt(300)
    result = render_sticker_sheet(sticker_factory(3), layout, io.BytesIO(), offset_x_mm=0.37)
    for placed in result.stickers:
        for value in (placed.module_pt, placed.qr_box.x, page_height - placed.qr_box.top):
            assert value / unit == pytest.approx(round(value / unit), abs=1e-6)
        symbol_modules = placed.qr_box.width / placed.module_pt - 2 * QUIET_ZONE_MODULES
        assert symbol_modules == pytest.approx(round(symbol_modules)) and round(symbol_modules) >= 21
        assert placed.module_pt >= 3 * unit


@pytest.mark.parametrize("key", ["avery-5160", "avery-22805", "avery-l7160", "roll-2.25x1.25in"])
def test_no_ink_outside_labels_and_quiet_zone_stays_white(key, tmp_path, scanner, sticker_factory) -> None:
    """On the rendered page, every dark pixel is inside a label, and nothing but the
    code itself is drawn inside the code's quiet-zone box."""
    layout = LAYOUTS[key]
    dpi = 150
    stickers = _nasty_stickers(layout.labels_per_page, sticker_factory)
    pdf = tmp_path / "ink.pdf"
    result = render_sticker_sheet(stickers, layout, pdf)
    png = scanner.rasterise(pdf, dpi, first=1, last=1)[0]
    ink = _ink(png)
    page_height = layout.page_size_pt[1]

    allowed = Image.new("L", ink.size, 0)
    quiet_zones = Image.new("L", ink.size, 0)
    draw_allowed, draw_quiet = ImageDraw.Draw(allowed), ImageDraw.Draw(quiet_zones)
    for placed in result.on_page(0):
        draw_allowed.rectangle(_to_pixels(placed.label_box, page_height, dpi, grow=1), fill=255)
        qr = placed.qr_box
        margin = QUIET_ZONE_MODULES * placed.module_pt
        symbol = Box(qr.x + margin, qr.y + margin, qr.width - 2 * margin, qr.height - 2 * margin)
        draw_quiet.rectangle(_to_pixels(qr, page_height, dpi, grow=-1), fill=255)
        draw_quiet.rectangle(_to_pixels(symbol, page_height, dpi, grow=1), fill=0)
        assert _has_ink(ink, _to_pixels(symbol, page_height, dpi)), "the code itself was not drawn"
        if placed.texts:
            assert _has_ink(ink, _to_pixels(placed.texts[0].box, page_height, dpi)), "no title ink"

    assert ImageChops.subtract(ink, allowed).getbbox() is None, "ink outside every label"
    assert ImageChops.multiply(ink, quiet_zones).getbbox() is None, "ink in a quiet zone"


# --------------------------------------------------------------- start position, offsets
def test_start_position_leaves_earlier_slots_empty_on_the_first_page_only(tmp_path, scanner, sticker_factory) -> None:
    layout = LAYOUTS["avery-5160"]
    stickers = sticker_factory(30)
    pdf = tmp_path / "partial.pdf"

    result = render_sticker_sheet(stickers, layout, pdf, start_position=7)

    assert result.pages == 2
    assert [s.position for s in result.on_page(0)] == list(range(7, 31))
    assert [s.position for s in result.on_page(1)] == list(range(1, 7))
    assert [s.url for s in result.stickers] == [s.url for s in stickers]  # order kept

    dpi = 72
    page_height = layout.page_size_pt[1]
    first, second = (_ink(png) for png in scanner.rasterise(pdf, dpi))
    for position in range(1, 31):
        box = Box(*layout.label_box(position))
        rectangle = _to_pixels(box, page_height, dpi)
        assert _has_ink(first, rectangle) == (position >= 7), f"page 1, label {position}"
        assert _has_ink(second, rectangle) == (position < 7), f"page 2, label {position}"


def test_offsets_shift_everything(sticker_factory) -> None:
    layout = LAYOUTS["avery-l7160"]
    stickers = sticker_factory(5, titles=TITLES)
    plain = render_sticker_sheet(stickers, layout, io.BytesIO())
    shifted = render_sticker_sheet(stickers, layout, io.BytesIO(), offset_x_mm=1.5, offset_y_mm=2.0)
    dx, dy = 1.5 * MM_TO_PT, -2.0 * MM_TO_PT  # + y offset moves down the page
    unit = grid_unit_pt(300)
    for a, b in zip(plain.stickers, shifted.stickers, strict=True):
        assert b.label_box.x - a.label_box.x == pytest.approx(dx)
        assert b.label_box.y - a.label_box.y == pytest.approx(dy)
        assert abs(b.qr_box.x - a.qr_box.x - dx) <= unit / 2 + 1e-9
        assert abs(b.qr_box.y - a.qr_box.y - dy) <= unit / 2 + 1e-9
        for line_a, line_b in zip(a.texts, b.texts, strict=True):
            assert line_b.box.y - line_a.box.y == pytest.approx(dy)
            assert abs(line_b.box.x - line_a.box.x - dx) <= unit


# --------------------------------------------------------------- text
def test_markup_and_unicode_print_literally(tmp_path, scanner) -> None:
    titles = ['<b>x</b> & "y"', "Küche Łódź Кухня #3", "&amp; <br/> <font color=red>red</font>"]
    stickers = [
        StickerContent(f"https://service.example.com/u/{i}", title, f"Код-{i}", "Żółw & Co <i>")
        for i, title in enumerate(titles)
    ]
    pdf = tmp_path / "literal.pdf"
    render_sticker_sheet(stickers, LAYOUTS["avery-5163"], pdf)
    text = " ".join(scanner.pdf_text(pdf).split())
    for sticker in stickers:
        assert " ".join(sticker.title.split()) in text
        assert sticker.code in text
    assert "Żółw & Co <i>" in text
    raw = pdf.read_bytes()
    assert b"DejaVuSans-Bold" in raw and b"DejaVuSans" in raw  # embedded TTF, not Helvetica


def test_long_text_is_cut_with_an_ellipsis(sticker_factory) -> None:
    sticker = StickerContent("https://service.example.com/u/x", "W" * 200, "SN-" + "7" * 80, "Short")
    result = render_sticker_sheet([sticker], LAYOUTS["avery-5160"], io.BytesIO())
    texts = result.stickers[0].texts
    assert texts[0].text.endswith("…") and texts[0].text.startswith("WWW")
    assert any(line.text.startswith("SN-") and line.text.endswith("…") for line in texts)
    assert texts[-1].text == "Short"


def test_control_characters_and_newlines_become_spaces() -> None:
    sticker = StickerContent("https://service.example.com/u/x", "Lobby\nAC\t#2\x00", "TO-1", "  Cool\r\nBreeze ")
    texts = render_sticker_sheet([sticker], LAYOUTS["avery-5163"], io.BytesIO()).stickers[0].texts
    assert [line.text for line in texts] == ["Lobby AC #2", "TO-1", "Cool Breeze"]


def test_short_titles_print_large_and_on_one_line(sticker_factory) -> None:
    sticker = StickerContent("https://service.example.com/u/x", "Boiler", "TO-1", "Cool Breeze")
    result = render_sticker_sheet([sticker], LAYOUTS["avery-5160"], io.BytesIO())
    title, code, footer = result.stickers[0].texts
    assert title.text == "Boiler" and title.size >= 10
    assert title.size >= code.size >= footer.size


def test_footer_wraps_at_a_separator_to_keep_the_phone_number_whole() -> None:
    sticker = StickerContent(
        "https://service.example.com/u/x", "Boiler", "TO-1", "Cool Breeze Heating and Air · (555) 010-2030"
    )
    result = render_sticker_sheet([sticker], LAYOUTS["avery-l7160"], io.BytesIO())
    lines = [line.text for line in result.stickers[0].texts]
    assert "(555) 010-2030" in lines


def test_stacked_layout_on_square_labels() -> None:
    """On 1½ in squares the code sits on top, centred, with the text underneath."""
    sticker = StickerContent("https://service.example.com/u/x", "Lobby AC #2", "TO-1", "Cool Breeze")
    placed = render_sticker_sheet([sticker], LAYOUTS["avery-22805"], io.BytesIO()).stickers[0]
    label, qr = placed.label_box, placed.qr_box
    assert abs((qr.x - label.x) - (label.right - qr.right)) <= grid_unit_pt(300) + 1e-9
    assert all(line.box.top <= qr.y for line in placed.texts)
    assert qr.width >= 0.6 * label.width


# --------------------------------------------------------------- arguments
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start_position": 0}, "start position must be between 1 and 30"),
        ({"start_position": 31}, "start position must be between 1 and 30"),
        ({"start_position": True}, "start position"),
        ({"start_position": "3"}, "start position"),
        ({"error_correction": "X"}, "error-correction level 'X'"),
        ({"error_correction": None}, "error-correction level"),
        ({"offset_x_mm": 25}, "offset_x_mm = 25 mm is more than"),
        ({"offset_y_mm": math.nan}, "offset_y_mm must be a number"),
    ],
)
def test_bad_arguments_are_refused_clearly(kwargs, message, sticker_factory) -> None:
    with pytest.raises(ValueError, match=message):
        render_sticker_sheet(sticker_factory(2), LAYOUTS["avery-5160"], io.BytesIO(), **kwargs)


@pytest.mark.parametrize(
    ("stickers", "message"),
    [
        ([], "no stickers"),
        ([StickerContent("", "Boiler", "TO-1", "x")], "sticker 1 .*empty URL"),
        ([StickerContent("   ", "Boiler", "TO-1", "x")], "empty URL"),
        (["https://service.example.com/u/1"], "not StickerContent"),
        ("https://service.example.com/u/1", "sequence of StickerContent"),
        ([StickerContent("https://e.com/u/1", None, "TO-1", "x")], "title must be text"),  # type: ignore[arg-type]
    ],
)
def test_bad_stickers_are_refused_clearly(stickers, message) -> None:
    with pytest.raises(ValueError, match=message):
        render_sticker_sheet(stickers, LAYOUTS["avery-5160"], io.BytesIO())


def test_invalid_layout_is_refused(sticker_factory) -> None:
    broken = LabelLayout.from_dict(LAYOUTS["avery-5160"].to_dict())
    broken = LabelLayout(**(broken.to_dict() | {"pitch_x_mm": 10.0}))
    with pytest.raises(ValueError, match="overlap"):
        render_sticker_sheet(sticker_factory(1), broken, io.BytesIO())


def test_label_too_small_for_a_code_is_refused(sticker_factory) -> None:
    tiny = LabelLayout("tiny", "Tiny", 20, 10, 0, 0, 20, 10, 20, 10, 1, 1, 0, "roll", 0.5)
    with pytest.raises(ValueError, match="too small for this QR code"):
        render_sticker_sheet(sticker_factory(1), tiny, io.BytesIO())


def test_output_to_path_string_and_stream(tmp_path, sticker_factory) -> None:
    stickers = sticker_factory(2)
    stream = io.BytesIO()
    render_sticker_sheet(stickers, LAYOUTS["tape-62mm-x-29mm"], stream)
    assert stream.getvalue().startswith(b"%PDF")
    as_path = tmp_path / "a.pdf"
    as_text = tmp_path / "b.pdf"
    result = render_sticker_sheet(stickers, LAYOUTS["tape-62mm-x-29mm"], as_path)
    render_sticker_sheet(stickers, LAYOUTS["tape-62mm-x-29mm"], str(as_text))
    assert as_path.read_bytes().startswith(b"%PDF") and as_text.read_bytes().startswith(b"%PDF")
    assert isinstance(result, StickerSheetPlan) and result.pages == 2


# --------------------------------------------------------------- calibration page
def test_calibration_page_outlines_every_label(tmp_path, scanner) -> None:
    layout = LAYOUTS["avery-5160"]
    pdf = tmp_path / "calibration.pdf"
    boxes = render_calibration_page(layout, pdf, offset_x_mm=1.0, offset_y_mm=2.0)

    assert len(boxes) == 30
    assert boxes[0].x == pytest.approx(layout.label_box(1)[0] + 1.0 * MM_TO_PT)
    assert boxes[0].y == pytest.approx(layout.label_box(1)[1] - 2.0 * MM_TO_PT)
    text = scanner.pdf_text(pdf)
    assert "Label calibration" in text and "offset x +1.0 mm, y +2.0 mm" in text
    assert "100 mm" in text
    numbers = set(text.split())
    assert {str(n) for n in range(1, 31)} <= numbers

    dpi = 100
    (png,) = scanner.rasterise(pdf, dpi)
    ink = _ink(png, threshold=235)  # hairline outlines rasterise light grey
    page_height = layout.page_size_pt[1]
    k = _pixels_per_point(dpi)
    for box in boxes:  # the middle of each label's top and bottom outline is drawn
        x = round((box.x + box.width / 2) * k)
        for edge_y in (box.top, box.y):
            y = round((page_height - edge_y) * k)
            assert _has_ink(ink, (x - 2, y - 2, x + 3, y + 3)), (box, edge_y)


@pytest.mark.parametrize("key", list(LAYOUTS))
def test_calibration_page_renders_for_every_layout(key) -> None:
    out = io.BytesIO()
    boxes = render_calibration_page(LAYOUTS[key], out)
    assert len(boxes) == LAYOUTS[key].labels_per_page
    assert out.getvalue().startswith(b"%PDF")


def test_calibration_page_refuses_absurd_offsets() -> None:
    with pytest.raises(ValueError, match="offset_y_mm"):
        render_calibration_page(LAYOUTS["avery-5160"], io.BytesIO(), offset_y_mm=-30)


# --------------------------------------------------------------- fonts
def test_fonts_register_once_and_bold_maps_to_the_bold_face() -> None:
    assert register_fonts() == (FONT_REGULAR, FONT_BOLD)
    assert register_fonts() == (FONT_REGULAR, FONT_BOLD)  # idempotent
    assert tt2ps(FONT_FAMILY, 1, 0) == FONT_BOLD
    assert tt2ps(FONT_FAMILY, 0, 0) == FONT_REGULAR


def test_paragraph_bold_markup_uses_the_bold_ttf() -> None:
    """Without registerFontFamily, <b> in a Paragraph silently prints regular."""
    register_fonts()
    out = io.BytesIO()
    style = ParagraphStyle("body", fontName=FONT_REGULAR, fontSize=10)
    SimpleDocTemplate(out).build([Paragraph("Total <b>Łódź</b>", style)])
    assert b"DejaVuSans-Bold" in out.getvalue()
