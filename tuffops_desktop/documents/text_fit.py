"""Fit text into a box: pick a size in a range, wrap, end in "…", never leave the box.

Printed documents have fixed boxes (a sticker's text column, an invoice's address block,
a job sheet's description cell) and text of any length.  This module decides, from font
metrics alone, which lines to print at which size so that every line stays inside its
box; it draws nothing.  Callers draw the :class:`PlacedText` it returns with reportlab
(``canvas.drawString(line.box.x, line.baseline, line.text)``) or Qt.

* :func:`fit_in_box`: one string into one box.
* :func:`fit_block`: several strings stacked in one box (a title, a code, a footer),
  shrinking together; :meth:`TextBlock.place` positions the lines.
* :func:`fit_text`, :func:`wrap`, :func:`ellipsize`, :func:`text_width`: the steps.
* :func:`wrap_paragraphs`: running text (a job sheet's requests) into as many lines as it
  takes, paragraphs kept, nothing cut: the caller continues on the next page instead.

Sizes are in points; a :class:`TextStyle` says how large a text may print, how small it
may shrink and into how many lines it may wrap.  Below the smallest size, text is cut
and ends in "…".  Widths are reportlab's advance widths (``stringWidth``, no kerning) of
fonts registered with reportlab (``documents.fonts.register_fonts``).  Text is never
parsed as markup: ``<b>x</b> & "y"`` prints exactly as typed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth

from tuffops_desktop.documents.geometry import Box

__all__ = [
    "ELLIPSIS",
    "LINE_GAP",
    "HorizontalAlign",
    "VerticalAlign",
    "TextStyle",
    "FittedLine",
    "PlacedText",
    "TextBlock",
    "fit_in_box",
    "fit_block",
    "fit_text",
    "wrap",
    "wrap_paragraphs",
    "ellipsize",
    "single_line",
    "text_width",
    "line_metrics",
    "place_line",
]

ELLIPSIS = "…"
LINE_GAP = 0.18
"""Space between two lines, as a fraction of the smaller of their font sizes."""

HorizontalAlign = Literal["left", "center", "right"]
VerticalAlign = Literal["top", "middle", "bottom"]

_SHRINK_STEP = 0.93  # each attempt is 7 % smaller than the last
_SEPARATORS = (" · ", " | ", " — ", " – ", " - ", ", ")


@dataclass(frozen=True)
class TextStyle:
    """How one text may be set.

    Args:
        font: a font name registered with reportlab.
        largest: the size to print at when the text fits (points).
        smallest: the size below which the text is cut with "…" instead of shrinking.
        max_lines: how many lines it may wrap into.
        extra_line_factor: each extra line must make the text larger by more than
            ``1 / extra_line_factor`` to be chosen (so "Lobby AC #2" does not stack word
            by word); 0 wraps only when one line would be below ``smallest``.
        keep_parts_whole: break two lines at a separator (" · ", ", ") rather than
            mid-phrase, e.g. to keep a phone number on one line.
    """

    font: str
    largest: float
    smallest: float
    max_lines: int = 1
    extra_line_factor: float = 0.8
    keep_parts_whole: bool = False

    def __post_init__(self) -> None:
        if not 0 < self.smallest <= self.largest:
            raise ValueError(f"text sizes must satisfy 0 < smallest ≤ largest, got {self.smallest}, {self.largest}")
        if self.max_lines < 1:
            raise ValueError(f"max_lines must be at least 1, got {self.max_lines}")
        if not 0 <= self.extra_line_factor <= 1:
            raise ValueError(f"extra_line_factor must be between 0 and 1, got {self.extra_line_factor}")


@dataclass(frozen=True)
class FittedLine:
    """One line chosen by the fitting, not yet positioned."""

    text: str
    font: str
    size: float

    @property
    def width(self) -> float:
        return text_width(self.text, self.font, self.size)


@dataclass(frozen=True)
class PlacedText:
    """One printed line: its text, font, size, baseline and the box its glyphs occupy.

    ``box`` spans the advance width and the font's ascent to descent; ``baseline`` is
    the ``y`` to draw at (``box.x`` is the ``x``).
    """

    text: str
    font: str
    size: float
    box: Box
    baseline: float


# ------------------------------------------------------------------- metrics
@lru_cache(maxsize=4096)
def _unit_width(text: str, font: str) -> float:
    """Width of ``text`` at 1 pt; widths scale linearly with the font size."""
    return stringWidth(text, font, 1.0)


def text_width(text: str, font: str, size: float) -> float:
    """Advance width of ``text`` in points (reportlab's ``stringWidth``)."""
    return _unit_width(text, font) * size


def line_metrics(font: str, size: float) -> tuple[float, float]:
    """``(ascent, descent)`` of ``font`` at ``size``, both positive, in points."""
    ascent, descent = getAscentDescent(font, size)
    return ascent, -descent


def single_line(text: str) -> str:
    """One printable line: tabs, newlines and control characters become single spaces."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def place_line(
    text: str, font: str, size: float, x: float, baseline: float, align: HorizontalAlign = "left"
) -> PlacedText:
    """A line drawn at ``baseline``; ``x`` is its left edge, centre or right edge by ``align``."""
    width = text_width(text, font, size)
    left = x - width / 2 if align == "center" else x - width if align == "right" else x
    ascent, descent = line_metrics(font, size)
    return PlacedText(text, font, size, Box(left, baseline - descent, width, ascent + descent), baseline)


# ------------------------------------------------------------------- one line
def ellipsize(text: str, font: str, size: float, width: float) -> str:
    """``text`` if it fits ``width``, else its longest start that fits with "…" appended.

    Returns "…" alone, or "" when not even that fits.
    """
    if text_width(text, font, size) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # largest k with text[:k] + … fitting
        middle = (low + high + 1) // 2
        if text_width(text[:middle].rstrip() + ELLIPSIS, font, size) <= width:
            low = middle
        else:
            high = middle - 1
    if low == 0:
        return ELLIPSIS if text_width(ELLIPSIS, font, size) <= width else ""
    return text[:low].rstrip() + ELLIPSIS


def wrap(text: str, font: str, size: float, width: float, max_lines: int, *, truncate: bool) -> list[str] | None:
    """Greedy word wrap into at most ``max_lines`` lines of ``width``.

    Without ``truncate``: ``None`` when the text does not fit.  With it: whatever does
    not fit is cut, the last line ends in "…", and a single word wider than the line is
    cut on its own line.
    """
    words = text.split()
    lines: list[str] = []
    current = ""
    index = 0
    while index < len(words):
        word = words[index]
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, font, size) <= width:
            current = candidate
            index += 1
            continue
        if not truncate:
            if not current or len(lines) == max_lines - 1:
                return None  # a word wider than the line, or more lines than allowed
            lines.append(current)
            current = ""
            continue
        if len(lines) == max_lines - 1:  # last allowed line: cut here
            rest = " ".join(([current] if current else []) + words[index:])
            return lines + [ellipsize(rest, font, size, width)]
        if current:
            lines.append(current)
            current = ""
        else:  # a single word wider than the line
            lines.append(ellipsize(word, font, size, width))
            index += 1
    if current:
        lines.append(current)
    return lines


def wrap_paragraphs(text: str, font: str, size: float, width: float) -> list[str]:
    """Every character of ``text`` in lines no wider than ``width``; nothing is cut.

    Line breaks in ``text`` start new lines (several blank lines count as one, blank
    lines at either end are dropped); within a paragraph, words wrap greedily and a word
    wider than the line is broken between characters.  Tabs and control characters count
    as spaces.  ``""`` in the result is a blank line between paragraphs.
    """
    lines: list[str] = []
    for paragraph in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        words = single_line(paragraph).split()
        if not words:
            if lines and lines[-1]:
                lines.append("")
            continue
        current = ""
        for word in words:
            candidate = f"{current} {word}" if current else word
            if text_width(candidate, font, size) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            current = word
            while text_width(current, font, size) > width and len(current) > 1:
                cut = _longest_start(current, font, size, width)
                lines.append(current[:cut])
                current = current[cut:]
        lines.append(current)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _longest_start(word: str, font: str, size: float, width: float) -> int:
    """How many leading characters of ``word`` fit ``width`` (at least one)."""
    low, high = 1, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if text_width(word[:middle], font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def _split_at_separator(text: str, font: str, size: float, width: float) -> list[str] | None:
    """Two lines split at the last separator where both halves fit, if any."""
    for separator in _SEPARATORS:
        cut = text.rfind(separator)
        while cut > 0:
            keep = "," if separator == ", " else ""
            first, second = text[:cut] + keep, text[cut + len(separator) :]
            if second and text_width(first, font, size) <= width and text_width(second, font, size) <= width:
                return [first, second]
            cut = text.rfind(separator, 0, cut)
    return None


def fit_text(text: str, style: TextStyle, width: float, *, ceiling: float | None = None) -> tuple[float, list[str]]:
    """The size (≤ ``ceiling``, default ``style.largest``) and lines that show ``text`` best.

    One line is preferred; each extra line must buy text larger by more than
    ``1 / style.extra_line_factor``.  Two-line breaks try a separator such as " · " first,
    so "Cool Breeze HVAC · (555) 010-2030" keeps its phone number whole (the separator
    itself is not printed; a comma stays at the end of the first line).  When nothing
    fits even at the smallest size, the text is cut at that size and ends in "…".
    Every returned line fits ``width`` (an empty list when not even "…" does).
    """
    ceiling = max(style.largest if ceiling is None else ceiling, style.smallest)
    one_line = width / max(_unit_width(text, style.font), 1e-9)
    if one_line >= ceiling:
        return ceiling, [text]
    best: tuple[float, float, list[str]] | None = None  # (score, size, lines)
    if one_line >= style.smallest:
        best = (one_line, one_line, [text])
    for line_count in range(2, style.max_lines + 1):
        fit = _largest_wrap(text, style, min(ceiling, line_count * one_line), width, line_count)
        if fit is None:
            continue
        score = fit[0] * style.extra_line_factor ** (line_count - 1)
        if best is None or score > best[0]:
            best = (score, fit[0], fit[1])
    if best is not None:
        return best[1], best[2]
    lines = wrap(text, style.font, style.smallest, width, style.max_lines, truncate=True) or []
    return style.smallest, [line for line in lines if line]


def _largest_wrap(
    text: str, style: TextStyle, start: float, width: float, line_count: int
) -> tuple[float, list[str]] | None:
    """Largest size from ``start`` down to the smallest at which ``line_count`` lines fit.

    With ``keep_parts_whole`` a two-line break at a separator wins even if it needs a
    smaller size than a plain word wrap would.
    """

    def at_separator(size: float) -> list[str] | None:
        return _split_at_separator(text, style.font, size, width) if line_count == 2 else None

    def at_words(size: float) -> list[str] | None:
        return at_separator(size) or wrap(text, style.font, size, width, line_count, truncate=False)

    if style.keep_parts_whole and line_count == 2:
        found = _descend(style, start, at_separator)
        if found is not None:
            return found
    return _descend(style, start, at_words)


def _descend(
    style: TextStyle, start: float, attempt: Callable[[float], list[str] | None]
) -> tuple[float, list[str]] | None:
    """Try ``attempt(size)`` from ``start`` down to the style's smallest size."""
    size = max(start, style.smallest)
    while True:
        lines = attempt(size)
        if lines is not None:
            return size, lines
        if size <= style.smallest:
            return None
        size = max(style.smallest, size * _SHRINK_STEP)


# ------------------------------------------------------------------- blocks
@dataclass(frozen=True)
class TextBlock:
    """Lines stacked top-down with a gap of ``line_gap`` × the smaller size between two."""

    lines: tuple[FittedLine, ...]
    line_gap: float = LINE_GAP

    @property
    def height(self) -> float:
        return _block_height(self.lines, self.line_gap)

    def place(
        self, box: Box, *, align: HorizontalAlign = "left", valign: VerticalAlign = "middle"
    ) -> tuple[PlacedText, ...]:
        """Position the lines in ``box``, which the block was fitted to."""
        free = box.height - self.height
        top = box.top - (free / 2 if valign == "middle" else free if valign == "bottom" else 0.0)
        placed: list[PlacedText] = []
        previous_size: float | None = None
        for line in self.lines:
            ascent, descent = line_metrics(line.font, line.size)
            if previous_size is not None:
                top -= self.line_gap * min(line.size, previous_size)
            baseline = top - ascent
            width = line.width
            x = (
                box.x + (box.width - width) / 2
                if align == "center"
                else (box.right - width if align == "right" else box.x)
            )
            placed.append(
                PlacedText(
                    line.text, line.font, line.size, Box(x, baseline - descent, width, ascent + descent), baseline
                )
            )
            top = baseline - descent
            previous_size = line.size
        return tuple(placed)


def _block_height(lines: Sequence[FittedLine], line_gap: float) -> float:
    total = 0.0
    for index, line in enumerate(lines):
        ascent, descent = line_metrics(line.font, line.size)
        total += ascent + descent
        if index:
            total += line_gap * min(line.size, lines[index - 1].size)
    return total


def fit_block(
    items: Sequence[tuple[str, TextStyle]], width: float, height: float, *, line_gap: float = LINE_GAP
) -> TextBlock:
    """Choose sizes and line breaks so every line fits ``width`` and the block ``height``.

    Items are stacked in order; blank ones are left out.  Each takes the largest size
    that fits the width, never larger than the item above it (the hierarchy stays, as
    long as no item's smallest size is larger than the one above it); if
    the block is too tall, all sizes come down together.  At the smallest sizes,
    wrapped lines are given up (down to one line each) and then items are dropped from
    the bottom, rather than print outside the box.  The block is empty when nothing fits.
    """
    present = [(text, style) for text, style in items if text.strip()]
    if not present or width <= 0 or height <= 0:
        return TextBlock((), line_gap)
    scale = 1.0
    while True:
        block = _block_at(present, scale, width)
        if _block_height(block, line_gap) <= height:
            return TextBlock(tuple(block), line_gap)
        if all(style.largest * scale <= style.smallest for _, style in present):
            break
        scale *= _SHRINK_STEP
    for keep in range(len(present), 0, -1):
        for max_lines in range(max(style.max_lines for _, style in present), 0, -1):
            squeezed = [
                (text, TextStyle(style.font, style.smallest, style.smallest, min(style.max_lines, max_lines)))
                for text, style in present[:keep]
            ]
            block = _block_at(squeezed, 1.0, width)
            if block and _block_height(block, line_gap) <= height:
                return TextBlock(tuple(block), line_gap)
    return TextBlock((), line_gap)


def _block_at(items: Sequence[tuple[str, TextStyle]], scale: float, width: float) -> list[FittedLine]:
    """Lay out every item at its largest fitting size under ``largest × scale``."""
    block: list[FittedLine] = []
    previous_size: float | None = None
    for text, style in items:
        ceiling = style.largest * scale
        if previous_size is not None:  # keep the hierarchy: never larger than the line above
            ceiling = min(ceiling, previous_size)
        size, lines = fit_text(text, style, width, ceiling=ceiling)
        previous_size = size
        block.extend(FittedLine(line, style.font, size) for line in lines)
    return block


def fit_in_box(
    text: str,
    style: TextStyle,
    box: Box,
    *,
    align: HorizontalAlign = "left",
    valign: VerticalAlign = "top",
    line_gap: float = LINE_GAP,
) -> tuple[PlacedText, ...]:
    """``text`` set in ``style`` inside ``box``: shrunk, wrapped or cut so it never leaves it.

    Newlines and control characters count as spaces (see :func:`single_line`).
    """
    block = fit_block([(single_line(text), style)], box.width, box.height, line_gap=line_gap)
    return block.place(box, align=align, valign=valign)
