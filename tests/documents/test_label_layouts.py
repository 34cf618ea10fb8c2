"""Label layouts: the built-in catalogue matches the published specs, and bad layouts
are refused with a message that says what is wrong."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest

from tuffops_desktop.documents.label_layouts import MM_TO_PT, LabelLayout, LayoutError, builtin_layouts

INCH = 72.0
LETTER = (8.5 * INCH, 11 * INCH)
A4 = (210 * MM_TO_PT, 297 * MM_TO_PT)


def _custom(**changes) -> LabelLayout:
    base = dict(
        key="custom",
        name="Custom 2×3",
        page_width_mm=100.0,
        page_height_mm=100.0,
        margin_left_mm=5.0,
        margin_top_mm=5.0,
        label_width_mm=40.0,
        label_height_mm=25.0,
        pitch_x_mm=45.0,
        pitch_y_mm=30.0,
        columns=2,
        rows=3,
        corner_radius_mm=1.0,
        kind="sheet",
        padding_mm=1.0,
    )
    base.update(changes)
    return LabelLayout(**base)


# ----------------------------------------------------------------- built-ins
EXPECTED = {
    # key: (labels, columns, rows, label w × h in points, page size in points)
    "avery-5160": (30, 3, 10, (2.625 * INCH, 1 * INCH), LETTER),
    "avery-8160": (30, 3, 10, (2.625 * INCH, 1 * INCH), LETTER),
    "avery-5163": (10, 2, 5, (4 * INCH, 2 * INCH), LETTER),
    "avery-22805": (24, 4, 6, (1.5 * INCH, 1.5 * INCH), LETTER),
    "avery-l7160": (21, 3, 7, (63.5 * MM_TO_PT, 38.1 * MM_TO_PT), A4),
    "avery-l7163": (14, 2, 7, (99.1 * MM_TO_PT, 38.1 * MM_TO_PT), A4),
    "roll-2.25x1.25in": (1, 1, 1, (2.25 * INCH, 1.25 * INCH), (2.25 * INCH, 1.25 * INCH)),
    "tape-62mm-x-29mm": (1, 1, 1, (62 * MM_TO_PT, 29 * MM_TO_PT), (62 * MM_TO_PT, 29 * MM_TO_PT)),
}


def test_builtin_catalogue_has_the_promised_stock() -> None:
    layouts = builtin_layouts()
    assert list(layouts) == list(EXPECTED)
    for key, (count, columns, rows, label_size, page_size) in EXPECTED.items():
        layout = layouts[key]
        assert layout.key == key
        assert (layout.labels_per_page, layout.columns, layout.rows) == (count, columns, rows), key
        box = layout.label_box(1)
        assert box[2:] == pytest.approx(label_size, abs=0.01), key
        assert layout.page_size_pt == pytest.approx(page_size, abs=0.01), key
        assert layout.kind == ("roll" if count == 1 else "sheet")


def test_avery_5160_positions_match_the_published_template() -> None:
    layout = builtin_layouts()["avery-5160"]
    # Top-left: 3/16 in from the left, 1/2 in from the top.
    assert layout.label_box(1) == pytest.approx((0.1875 * INCH, 11 * INCH - 0.5 * INCH - INCH, 2.625 * INCH, INCH))
    # Position 2 is one horizontal pitch (2.75 in) to the right.
    assert layout.label_box(2)[0] == pytest.approx((0.1875 + 2.75) * INCH)
    # Position 4 starts the second row, one inch lower.
    assert layout.label_box(4)[:2] == pytest.approx((0.1875 * INCH, 11 * INCH - 0.5 * INCH - 2 * INCH))
    # Last label: third column, bottom row, 1/2 in above the bottom edge.
    assert layout.label_box(30)[:2] == pytest.approx(((0.1875 + 5.5) * INCH, 0.5 * INCH))


@pytest.mark.parametrize("key", [k for k, v in EXPECTED.items() if v[0] > 1])
def test_sheet_builtins_are_centred_on_the_page(key: str) -> None:
    """Avery sheets are symmetric: equal left/right and top/bottom margins (±0.5 mm).

    A typo in a margin or pitch shows up here as a lopsided sheet.
    """
    layout = builtin_layouts()[key]
    right_margin = layout.page_width_mm - (
        layout.margin_left_mm + (layout.columns - 1) * layout.pitch_x_mm + layout.label_width_mm
    )
    bottom_margin = layout.page_height_mm - (
        layout.margin_top_mm + (layout.rows - 1) * layout.pitch_y_mm + layout.label_height_mm
    )
    assert right_margin == pytest.approx(layout.margin_left_mm, abs=0.5)
    assert bottom_margin == pytest.approx(layout.margin_top_mm, abs=0.5)


@pytest.mark.parametrize("key", list(EXPECTED))
def test_builtin_labels_never_overlap_and_stay_on_the_page(key: str) -> None:
    layout = builtin_layouts()[key]
    width, height = layout.page_size_pt
    boxes = [layout.label_box(p) for p in range(1, layout.labels_per_page + 1)]
    for x, y, w, h in boxes:
        assert x >= -1e-6 and y >= -1e-6 and x + w <= width + 1e-6 and y + h <= height + 1e-6
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            overlap_x = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
            overlap_y = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
            assert overlap_x <= 1e-6 or overlap_y <= 1e-6


def test_positions_count_row_major_from_the_top_left() -> None:
    layout = builtin_layouts()["avery-l7163"]  # 2 columns × 7 rows
    first, second, third = (layout.label_box(p) for p in (1, 2, 3))
    assert second[1] == pytest.approx(first[1]) and second[0] > first[0]
    assert third[0] == pytest.approx(first[0]) and third[1] < first[1]


@pytest.mark.parametrize("position", [0, 31, -1, True, 1.0, "1"])
def test_label_box_rejects_positions_outside_the_sheet(position) -> None:
    with pytest.raises(ValueError, match="position"):
        builtin_layouts()["avery-5160"].label_box(position)


# -------------------------------------------------------------- serialisation
def test_to_dict_is_json_safe_and_round_trips() -> None:
    for layout in builtin_layouts().values():
        data = layout.to_dict()
        text = json.dumps(data, ensure_ascii=False)
        assert LabelLayout.from_dict(json.loads(text)) == layout


def test_from_dict_ignores_unknown_keys_and_fills_defaults() -> None:
    data = _custom().to_dict()
    data["added_in_a_later_version"] = "ignored"
    del data["padding_mm"], data["corner_radius_mm"], data["kind"]
    layout = LabelLayout.from_dict(data)
    assert (layout.padding_mm, layout.corner_radius_mm, layout.kind) == (1.0, 0.0, "sheet")


def test_from_dict_accepts_whole_floats_for_counts() -> None:
    data = _custom().to_dict() | {"columns": 2.0}
    assert LabelLayout.from_dict(data).columns == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"label_width_mm": "40"}, "label_width_mm must be a number"),
        ({"columns": 2.5}, "columns must be a whole number"),
        ({"columns": True}, "columns must be a whole number"),
        ({"name": 7}, "name must be text"),
    ],
)
def test_from_dict_rejects_wrong_types(change, message) -> None:
    with pytest.raises(LayoutError, match=message):
        LabelLayout.from_dict(_custom().to_dict() | change)


def test_from_dict_names_missing_fields() -> None:
    data = _custom().to_dict()
    del data["pitch_x_mm"], data["rows"]
    with pytest.raises(LayoutError, match="missing pitch_x_mm, rows"):
        LabelLayout.from_dict(data)


def test_from_dict_validates() -> None:
    with pytest.raises(LayoutError, match="overlap"):
        LabelLayout.from_dict(_custom(pitch_x_mm=30.0).to_dict())


# ----------------------------------------------------------------- validation
def test_valid_custom_layout_passes() -> None:
    layout = _custom()
    assert layout.validate() is layout


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pitch_x_mm": 39.0}, "overlap side by side"),
        ({"pitch_y_mm": 24.0}, "overlap top to bottom"),
        ({"margin_left_mm": 20.0}, "last column ends at 105.00 mm, past the page width"),
        ({"margin_top_mm": 20.0}, "last row ends at 105.00 mm, past the page height"),
        ({"label_width_mm": 0.0}, "label_width_mm must be greater than 0"),
        ({"page_height_mm": -5.0}, "page_height_mm must be greater than 0"),
        ({"margin_top_mm": -1.0}, "margin_top_mm must not be negative"),
        ({"pitch_x_mm": math.nan}, "pitch_x_mm must be a number"),
        ({"pitch_y_mm": math.inf}, "pitch_y_mm must be a number"),
        ({"columns": 0}, "columns must be a whole number ≥ 1"),
        ({"rows": 2.0}, "rows must be a whole number ≥ 1"),
        ({"kind": "laser"}, "kind must be one of"),
        ({"key": " "}, "non-empty key"),
        ({"name": ""}, "non-empty name"),
        ({"corner_radius_mm": 13.0}, "corner radius 13.0 mm is more than half"),
        ({"padding_mm": 12.5}, "padding 12.5 mm leaves no printable space"),
    ],
)
def test_validate_explains_what_is_wrong(change, message) -> None:
    layout = _custom(**change)
    with pytest.raises(LayoutError, match=message):
        layout.validate()


def test_single_column_layout_may_use_any_horizontal_pitch() -> None:
    """Pitch only matters between labels; a one-column roll's pitch is not an overlap."""
    _custom(columns=1, pitch_x_mm=1.0).validate()


def test_layout_error_is_a_value_error() -> None:
    assert issubclass(LayoutError, ValueError)


def test_layouts_are_immutable() -> None:
    layout = builtin_layouts()["avery-5160"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        layout.columns = 4  # type: ignore[misc]
