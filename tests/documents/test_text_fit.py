"""Text fitting: whatever the string and the box, every line stays inside the box, sizes stay
in the style's range, nothing is lost without an "…", and short text is left alone.

The properties are checked with hypothesis over strings (unicode, markup, separators,
unbreakable words, control characters), boxes (down to zero size) and styles."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuffops_desktop.documents.fonts import FONT_BOLD, FONT_REGULAR, register_fonts
from tuffops_desktop.documents.geometry import Box
from tuffops_desktop.documents.text_fit import (
    ELLIPSIS,
    TextStyle,
    ellipsize,
    fit_block,
    fit_in_box,
    fit_text,
    line_metrics,
    place_line,
    single_line,
    text_width,
    wrap,
)

register_fonts()

WORDS = (
    "Lobby",
    "AC",
    "#2",
    "Küche",
    "Łódź",
    "Кухня",
    "Rooftop",
    "unit",
    "RTU-7",
    "·",
    "(555)",
    "010-2030",
    "<b>x</b>",
    "&",
    '"y"',
    "Überlänge",
    "W" * 40,
    "Ääkkönen",
    "Oy",
    "—",
    ",",
    "Invoice",
    "1,234.50",
    "東京",
    "a",
    "I",
    "",
    " ",
    "\t",
    "\n",
)
FONTS = st.sampled_from((FONT_REGULAR, FONT_BOLD))

words = st.sampled_from(WORDS) | st.text(max_size=12)
texts = st.builds(
    lambda parts, separator: separator.join(parts),
    st.lists(words, max_size=30),
    st.sampled_from((" ", " · ", ", ", "  ", " | ")),
)
styles = st.builds(
    lambda font, smallest, ratio, max_lines, factor, whole: TextStyle(
        font, smallest * ratio, smallest, max_lines, extra_line_factor=factor, keep_parts_whole=whole
    ),
    FONTS,
    st.floats(3.0, 9.0),
    st.floats(1.0, 3.0),
    st.integers(1, 4),
    st.sampled_from((0.0, 0.5, 0.8, 1.0)),
    st.booleans(),
)
boxes = st.builds(Box, st.floats(-50, 300), st.floats(-50, 500), st.floats(0, 250), st.floats(0, 120))
aligns = st.sampled_from(("left", "center", "right"))
valigns = st.sampled_from(("top", "middle", "bottom"))


def words_of(lines: list[str]) -> list[str]:
    return " ".join(lines).split()


def content_words(text: str) -> list[str]:
    """The words, without the separators a two-line break may take out (" · " etc.)."""
    return [word for word in text.split() if word not in {"·", "|", "—", "–", "-"}]


# --------------------------------------------------------------- properties
@given(texts, styles, boxes, aligns, valigns)
def test_fit_in_box_never_leaves_the_box_and_keeps_sizes_in_range(text, style, box, align, valign) -> None:
    placed = fit_in_box(text, style, box, align=align, valign=valign)

    assert len(placed) <= style.max_lines
    for line in placed:
        assert box.contains(line.box)
        assert style.smallest - 1e-9 <= line.size <= style.largest + 1e-9
        assert line.font == style.font and line.text and "\n" not in line.text
        assert line.box.width == pytest.approx(text_width(line.text, line.font, line.size))
        ascent, descent = line_metrics(line.font, line.size)
        assert line.baseline == pytest.approx(line.box.y + descent)
        assert line.box.height == pytest.approx(ascent + descent)
    assert len({line.size for line in placed}) <= 1  # one string, one size
    for upper, lower in zip(placed, placed[1:], strict=False):  # top-down, no overlap
        assert lower.box.top <= upper.box.y + 1e-9
    cut = any(line.text.endswith(ELLIPSIS) for line in placed)
    room_for_ellipsis = text_width(ELLIPSIS, style.font, style.smallest) <= box.width
    if placed and not cut and room_for_ellipsis:  # nothing is lost without a "…"
        assert content_words(" ".join(line.text for line in placed)) == content_words(single_line(text))


@given(texts, st.floats(0, 200))
def test_nothing_is_dropped_when_the_box_is_big_enough(text, spare) -> None:
    """In a roomy box every word prints, in order, and no line is cut."""
    text = single_line(text)
    style = TextStyle(FONT_REGULAR, 10.0, 6.0, max_lines=40)
    longest = max((text_width(word, FONT_REGULAR, 10.0) for word in text.split()), default=0.0)
    placed = fit_in_box(text, style, Box(0, 0, longest + spare, 2000))
    assert content_words(" ".join(line.text for line in placed)) == content_words(text)
    assert all(6.0 <= line.size <= 10.0 for line in placed)


@given(texts, FONTS, st.floats(4, 16), st.floats(0, 300))
def test_ellipsize_returns_the_longest_start_that_fits(text, font, size, width) -> None:
    text = single_line(text) or "x"
    cut = ellipsize(text, font, size, width)
    if cut == text:
        assert text_width(text, font, size) <= width
        return
    assert text_width(cut, font, size) <= width + 1e-9
    if cut in ("", ELLIPSIS):
        assert text_width(text[:1] + ELLIPSIS, font, size) > width
        return
    kept = cut[: -len(ELLIPSIS)]
    assert cut.endswith(ELLIPSIS) and text.startswith(kept)
    longer = text[: len(kept) + 1].rstrip() + ELLIPSIS
    if len(longer) > len(cut):  # one more character would not fit
        assert text_width(longer, font, size) > width


@given(texts, st.floats(5, 14), st.floats(10, 250), st.integers(1, 4))
def test_wrap_keeps_every_word_or_says_it_cannot(text, size, width, max_lines) -> None:
    text = single_line(text)
    lines = wrap(text, FONT_REGULAR, size, width, max_lines, truncate=False)
    if lines is not None:
        assert len(lines) <= max_lines and words_of(lines) == text.split()
        assert all(text_width(line, FONT_REGULAR, size) <= width for line in lines)
    cut = wrap(text, FONT_REGULAR, size, width, max_lines, truncate=True)
    assert cut is not None and len(cut) <= max_lines
    assert all(text_width(line, FONT_REGULAR, size) <= width + 1e-9 for line in cut)
    if lines is not None:
        assert cut == lines


@given(st.lists(st.tuples(texts, styles), min_size=1, max_size=4), st.floats(0, 200), st.floats(0, 100))
def test_a_block_keeps_its_hierarchy_and_fits_its_height(items, width, height) -> None:
    """Items whose smallest sizes do not grow down the block never print larger than the
    item above them."""
    items = sorted(items, key=lambda item: -item[1].smallest)
    block = fit_block(items, width, height)
    assert block.height <= height + 1e-9
    assert all(line.width <= width + 1e-9 for line in block.lines)
    sizes = [line.size for line in block.lines]
    assert sizes == sorted(sizes, reverse=True)  # never larger than the line above
    box = Box(0, 0, width, height)
    assert all(box.contains(line.box) for line in block.place(box))


# --------------------------------------------------------------- behaviour
def test_short_text_prints_at_the_largest_size_unchanged() -> None:
    style = TextStyle(FONT_BOLD, 16.0, 6.0, max_lines=3)
    (line,) = fit_in_box('<b>x</b> & "y"', style, Box(10, 10, 200, 40))
    assert (line.text, line.size, line.font) == ('<b>x</b> & "y"', 16.0, FONT_BOLD)
    assert line.box.x == 10 and line.box.top == pytest.approx(50)  # valign top by default


def test_text_shrinks_before_it_wraps_and_wraps_before_it_is_cut() -> None:
    style = TextStyle(FONT_REGULAR, 12.0, 6.0, max_lines=2)
    text = "Rooftop unit above the east stairwell"
    full = text_width(text, FONT_REGULAR, 12.0)
    size, lines = fit_text(text, style, full * 0.9)  # a little too wide: shrink
    assert lines == [text] and size == pytest.approx(12.0 * 0.9)
    size, lines = fit_text(text, style, full * 0.4)  # far too wide: two lines
    assert len(lines) == 2 and words_of(lines) == text.split() and size >= 6.0
    size, lines = fit_text(text, style, full * 0.1)  # hopeless: cut at the smallest size
    assert size == 6.0 and lines[-1].endswith(ELLIPSIS)


def test_two_line_breaks_prefer_a_separator_when_asked() -> None:
    footer = "Cool Breeze Heating and Air · (555) 010-2030"
    style = TextStyle(FONT_REGULAR, 8.0, 5.0, max_lines=2, extra_line_factor=0.0, keep_parts_whole=True)
    width = text_width("Cool Breeze Heating and Air", FONT_REGULAR, 8.0) + 1
    _, lines = fit_text(footer, style, width)
    assert lines == ["Cool Breeze Heating and Air", "(555) 010-2030"]


def test_blank_items_are_left_out_and_a_hopeless_box_gets_nothing() -> None:
    style = TextStyle(FONT_REGULAR, 10.0, 5.0)
    block = fit_block([("  ", style), ("Boiler", style), ("", style)], 100, 40)
    assert [line.text for line in block.lines] == ["Boiler"]
    assert fit_in_box("Boiler", style, Box(0, 0, 100, 2)) == ()  # not even one line is tall enough
    assert fit_in_box("Boiler", style, Box(0, 0, 0, 40)) == ()


def test_lines_are_dropped_from_the_bottom_when_the_box_is_too_short() -> None:
    title, footer = TextStyle(FONT_BOLD, 10.0, 8.0), TextStyle(FONT_REGULAR, 8.0, 8.0)
    one_line = sum(line_metrics(FONT_BOLD, 8.0))
    block = fit_block([("Title", title), ("Footer", footer)], 200, one_line + 1)
    assert [line.text for line in block.lines] == ["Title"]


@pytest.mark.parametrize("align", ["left", "center", "right"])
def test_alignment(align: str) -> None:
    style = TextStyle(FONT_REGULAR, 10.0, 10.0)
    box = Box(10, 0, 200, 30)
    (line,) = fit_in_box("Invoice", style, box, align=align, valign="bottom")  # type: ignore[arg-type]
    width = text_width("Invoice", FONT_REGULAR, 10.0)
    x = {"left": 10.0, "center": 10 + (200 - width) / 2, "right": 210 - width}[align]
    assert line.box.x == pytest.approx(x) and line.box.y == pytest.approx(0.0)


def test_place_line_anchors_left_centre_or_right() -> None:
    width = text_width("+5", FONT_REGULAR, 4.5)
    assert place_line("+5", FONT_REGULAR, 4.5, 100, 50).box.x == 100
    assert place_line("+5", FONT_REGULAR, 4.5, 100, 50, "center").box.x == pytest.approx(100 - width / 2)
    assert place_line("+5", FONT_REGULAR, 4.5, 100, 50, "right").box.right == pytest.approx(100)
    assert place_line("+5", FONT_REGULAR, 4.5, 100, 50).baseline == 50


def test_single_line_turns_control_characters_into_spaces() -> None:
    assert single_line("Lobby\nAC\t#2\x00  ") == "Lobby AC #2"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"largest": 5.0, "smallest": 6.0}, "smallest ≤ largest"),
        ({"largest": 5.0, "smallest": 0.0}, "0 < smallest"),
        ({"largest": 5.0, "smallest": 4.0, "max_lines": 0}, "max_lines"),
        ({"largest": 5.0, "smallest": 4.0, "extra_line_factor": 1.5}, "extra_line_factor"),
    ],
)
def test_bad_styles_are_refused(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TextStyle(FONT_REGULAR, **kwargs)
