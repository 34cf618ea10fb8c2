"""The sticker sheet plan and the calibration plan: pure data, computed without a canvas or
a window, and the one source both the PDF writer and the Qt painter draw from."""

from __future__ import annotations

import ast
import dataclasses
import math
from pathlib import Path

import pytest

from tuffops_desktop.documents.calibration import plan_calibration_page
from tuffops_desktop.documents.fonts import FONT_BOLD
from tuffops_desktop.documents.geometry import Box
from tuffops_desktop.documents.label_layouts import MM_TO_PT, LabelLayout, builtin_layouts
from tuffops_desktop.documents.qr_vector import QUIET_ZONE_MODULES, encode
from tuffops_desktop.documents.sticker_plan import (
    StickerContent,
    StickerSheet,
    offset_label_box,
    plan_sticker_sheet,
)

LAYOUTS = builtin_layouts()
DOCUMENTS = Path(__file__).resolve().parents[2] / "tuffops_desktop" / "documents"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("module", ["geometry", "text_fit", "sticker_plan", "calibration"])
def test_plans_draw_nothing(module: str) -> None:
    """Planning uses font metrics only: no reportlab canvas, no Qt, no file output."""
    imports = _imports(DOCUMENTS / f"{module}.py")
    assert not {
        name
        for name in imports
        if name.startswith(("reportlab.pdfgen", "reportlab.platypus", "reportlab.graphics", "PySide6"))
    }
    assert "tuffops_desktop.documents.sticker_pdf" not in imports


# --------------------------------------------------------------- which sticker goes where
@pytest.mark.parametrize("key", ["avery-5160", "avery-22805", "tape-62mm-x-29mm"])
@pytest.mark.parametrize("count", [1, 7, 30, 61])
@pytest.mark.parametrize("start", [1, 2, 30])
def test_every_sticker_lands_once_in_label_order(key: str, count: int, start: int, sticker_factory) -> None:
    layout = LAYOUTS[key]
    per_page = layout.labels_per_page
    start = min(start, per_page)
    sheet = StickerSheet(sticker_factory(count), layout, start_position=start)

    slots = [divmod(start - 1 + index, per_page) for index in range(count)]  # (page, slot) by counting
    assert sheet.page_count == slots[-1][0] + 1
    placed = [sticker for page in sheet.pages() for sticker in page.stickers]
    assert [(s.page, s.position - 1) for s in placed] == slots
    assert [s.index for s in placed] == list(range(count))
    assert [s.url for s in placed] == [c.url for c in sheet.contents]
    for number in range(sheet.page_count):
        page = sheet.page(number)
        assert [s.index for s in page.stickers] == list(range(count))[sheet.page_slice(number)]
        assert page.first_position == (start if number == 0 else 1)
        assert page.size_pt == layout.page_size_pt


def test_pages_are_planned_lazily_and_match_the_whole_plan(sticker_factory) -> None:
    contents = sticker_factory(70, seed=4)
    layout = LAYOUTS["avery-l7160"]
    sheet = StickerSheet(contents, layout, start_position=5, offset_x_mm=0.8, offset_y_mm=-0.4)
    last = sheet.page(sheet.page_count - 1)  # the last page first: no earlier page is needed
    assert sheet._pages.keys() == {sheet.page_count - 1}
    whole = plan_sticker_sheet(contents, layout, start_position=5, offset_x_mm=0.8, offset_y_mm=-0.4)
    assert whole.pages == sheet.page_count == 4
    assert whole.page_plans[-1] == last
    assert whole.stickers == tuple(s for page in sheet.pages() for s in page.stickers)
    assert whole.on_page(1) == list(sheet.page(1).stickers)
    with pytest.raises(IndexError):
        sheet.page(4)


def test_a_sticker_holds_its_code_and_text_inside_its_label(sticker_factory) -> None:
    layout = LAYOUTS["avery-5163"]
    contents = [StickerContent("https://service.example.com/u/1", "Lobby AC #2", "S/N 4711", "Cool Breeze")]
    (sticker,) = plan_sticker_sheet(contents, layout, error_correction="Q").stickers
    assert sticker.matrix == encode(contents[0].url, "Q")
    side = (sticker.matrix.size + 2 * QUIET_ZONE_MODULES) * sticker.module_pt
    assert sticker.qr_box.width == pytest.approx(side) == sticker.qr_box.height
    printable = sticker.label_box.inset(layout.padding_mm * MM_TO_PT)
    assert printable.contains(sticker.qr_box)
    assert [line.text for line in sticker.texts] == ["Lobby AC #2", "S/N 4711", "Cool Breeze"]
    assert sticker.texts[0].font == FONT_BOLD
    for line in sticker.texts:
        assert printable.contains(line.box) and line.box.x >= sticker.qr_box.right


def test_the_plan_is_deterministic_data(sticker_factory) -> None:
    contents = sticker_factory(12, seed=8)
    first = plan_sticker_sheet(contents, LAYOUTS["avery-5160"], start_position=3)
    again = plan_sticker_sheet(contents, LAYOUTS["avery-5160"], start_position=3)
    assert first == again and hash(first.page_plans[0].stickers[0]) == hash(again.page_plans[0].stickers[0])
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.page_plans[0].stickers[0].position = 1  # type: ignore[misc]


def test_offsets_move_labels_right_and_down() -> None:
    layout = LAYOUTS["avery-5160"]
    box = offset_label_box(layout, 4, 1.5, 2.0)
    nominal = Box(*layout.label_box(4))
    assert box.x == pytest.approx(nominal.x + 1.5 * MM_TO_PT)
    assert box.y == pytest.approx(nominal.y - 2.0 * MM_TO_PT)  # + y is down the page
    assert (box.width, box.height) == (nominal.width, nominal.height)


def test_arguments_are_refused_before_anything_is_planned(sticker_factory) -> None:
    contents = sticker_factory(2)
    with pytest.raises(ValueError, match="start position must be between 1 and 30"):
        StickerSheet(contents, LAYOUTS["avery-5160"], start_position=31)
    with pytest.raises(ValueError, match="error-correction level"):
        StickerSheet(contents, LAYOUTS["avery-5160"], error_correction="Z")
    with pytest.raises(ValueError, match="offset_x_mm"):
        StickerSheet(contents, LAYOUTS["avery-5160"], offset_x_mm=math.inf)
    with pytest.raises(ValueError, match="no stickers"):
        StickerSheet([], LAYOUTS["avery-5160"])
    tiny = LabelLayout("tiny", "Tiny", 20, 10, 0, 0, 20, 10, 20, 10, 1, 1, 0, "roll", 0.5)
    sheet = StickerSheet(contents, tiny)  # only planning a page finds the label too small
    with pytest.raises(ValueError, match="too small for this QR code"):
        sheet.page(0)


# --------------------------------------------------------------- calibration
@pytest.mark.parametrize("key", list(LAYOUTS))
def test_calibration_plan_outlines_numbers_and_scales_every_layout(key: str) -> None:
    layout = LAYOUTS[key]
    plan = plan_calibration_page(layout, offset_x_mm=1.0, offset_y_mm=-0.5)
    per_page = layout.labels_per_page
    assert len(plan.label_boxes) == len(plan.outlines) == per_page
    assert [outline.box for outline in plan.outlines] == list(plan.label_boxes)
    assert plan.label_boxes[0] == offset_label_box(layout, 1, 1.0, -0.5)
    texts = [text.text for text in plan.texts]
    assert all(texts.count(str(n)) >= 1 for n in range(1, per_page + 1))
    assert texts.count("+5") >= 2 and texts.count("-5") >= 2  # two scales at least
    width, height = plan.size_pt
    page = Box(0, 0, width, height)
    assert all(page.contains(text.box) for text in plan.texts)
    assert all(
        page.contains(Box(min(s.x1, s.x2), min(s.y1, s.y2), abs(s.x2 - s.x1), abs(s.y2 - s.y1)), 0.5)
        for s in plan.segments
    )


def test_calibration_plan_on_a_sheet_has_title_bar_and_instructions() -> None:
    plan = plan_calibration_page(LAYOUTS["avery-5160"], offset_x_mm=1.0, offset_y_mm=2.0)
    texts = " ".join(text.text for text in plan.texts)
    assert "offset x +1.0 mm, y +2.0 mm" in texts and "100 mm" in texts
    bar = [s for s in plan.segments if s.y1 == s.y2 and math.isclose(s.x2 - s.x1, 100 * MM_TO_PT)]
    assert len(bar) == 1
