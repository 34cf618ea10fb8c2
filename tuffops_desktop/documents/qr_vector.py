"""Fast, crisp vector QR codes for sticker sheets.

A sticker's QR code is the customer's only way into the unit's public request page, so
it has to scan on the first try from a phone held at arm's length, on a sticker that may
sit on a dusty condenser for ten years.  Three things matter:

* **Quiet zone.**  A QR reader finds the code by its three finder squares, and it needs
  a white margin of at least 4 modules around the code to see where they end (ISO/IEC
  18004).  The quiet zone is part of the box this module draws into: callers must keep
  text and the label edge out of it.
* **Crisp modules.**  The module size is snapped to whole dots of a 300 dpi grid (so also
  600 and 1200 dpi), and callers snap the code's corner to the same grid.  Module edges
  then fall on printer dots instead of being smeared over two of them.
* **Speed.**  Office staff print hundreds of stickers at once.  ``qrcode`` spends ~85 %
  of its time trying the 8 mask patterns with a pure-Python penalty score.  We let it
  lay the data out once, then derive the other 7 masks with integer XORs and score them
  on whole rows at once (bit operations and regular expressions).  The score is the same
  one ``qrcode`` uses, so the chosen mask and the matrix are identical to ``qrcode``'s
  own output (the tests check this); if ``qrcode``'s internals ever change shape we
  fall back to its standard path.

Drawing merges dark modules into as few rectangles as possible (horizontal runs, and
identical runs on consecutive rows) and fills them as one path, with every dark/light
edge pulled 3 % of a module into the dark to offset toner spread (``DARK_INSET``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Protocol

import qrcode
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_Q
from qrcode.exceptions import DataOverflowError
from qrcode.util import mask_func

__all__ = [
    "ERROR_CORRECTION_LEVELS",
    "QUIET_ZONE_MODULES",
    "PRINT_GRID_DPI",
    "MIN_MODULE_DOTS",
    "QrMatrix",
    "encode",
    "normalise_level",
    "compensated_rectangles",
    "fit_module_size",
    "snap_to_grid",
    "grid_unit_pt",
    "draw_qr",
    "DARK_INSET",
]

ERROR_CORRECTION_LEVELS = {
    "L": ERROR_CORRECT_L,  # ~7 % of the code may be damaged
    "M": ERROR_CORRECT_M,  # ~15 %: the default, good for clean indoor stickers
    "Q": ERROR_CORRECT_Q,  # ~25 %
    "H": ERROR_CORRECT_H,  # ~30 %: rooftop units, grease, sun-faded labels
}

QUIET_ZONE_MODULES = 4
"""White modules reserved on every side of the code (the ISO minimum)."""

PRINT_GRID_DPI = 300
"""Module sizes and positions snap to this printer dot grid (divides 600 and 1200)."""

MIN_MODULE_DOTS = 3
"""Smallest module we print: 3 dots at 300 dpi = 0.25 mm, about what phones resolve."""

DARK_INSET = 0.03
"""Dot-gain compensation, in modules: every edge where a dark area meets a light one
moves 3 % of a module into the dark.  Toner and ink spread, and anti-aliasing
rasterisers bleed dark edges by a fraction of a pixel; left alone, light modules come
out narrower than dark ones, and zbar then misses about 1 code in 25 on a 300 dpi
rendering of a 24-up sheet (0 in 1,000 with this inset).  Edges between two dark
rectangles are never moved, so no light hairlines appear inside dark areas."""

_RUN_RE = re.compile(r"0{5,}|1{5,}")
_DARK_RUN_RE = re.compile(r"1+")


class _Canvas(Protocol):  # the part of reportlab's Canvas we use
    def saveState(self) -> None: ...
    def restoreState(self) -> None: ...
    def transform(self, a: float, b: float, c: float, d: float, e: float, f: float) -> None: ...
    def addLiteral(self, text: str) -> None: ...
    def setFillGray(self, gray: float) -> None: ...


@dataclass(frozen=True)
class QrMatrix:
    """An encoded QR symbol without quiet zone.

    ``rows[r]`` is an integer bit set: bit ``size - 1 - c`` is set when the module in
    row ``r``, column ``c`` (both from the top-left) is dark.
    """

    size: int
    rows: tuple[int, ...]
    version: int
    error_correction: str
    mask: int

    def is_dark(self, row: int, col: int) -> bool:
        return bool((self.rows[row] >> (self.size - 1 - col)) & 1)

    def to_lists(self) -> list[list[bool]]:
        """The matrix as lists of booleans (``qrcode.get_matrix()`` shape, no border)."""
        return [[self.is_dark(r, c) for c in range(self.size)] for r in range(self.size)]

    def dark_rectangles(self) -> list[tuple[int, int, int, int]]:
        """Dark modules merged into rectangles ``(col, row, width, height)``, in modules.

        Horizontal runs of dark modules become one rectangle; a run that repeats exactly
        on the next row grows that rectangle downwards (finder squares, timing lines).
        """
        rectangles: list[tuple[int, int, int, int]] = []
        open_runs: dict[tuple[int, int], int] = {}  # (start, end) -> first row
        width = self.size
        for row_index, bits in enumerate(self.rows):
            spans = {m.span() for m in _DARK_RUN_RE.finditer(format(bits, f"0{width}b"))}
            for span in [s for s in open_runs if s not in spans]:
                first = open_runs.pop(span)
                rectangles.append((span[0], first, span[1] - span[0], row_index - first))
            for span in spans:
                open_runs.setdefault(span, row_index)
        for span, first in open_runs.items():
            rectangles.append((span[0], first, span[1] - span[0], self.size - first))
        return rectangles


def normalise_level(error_correction: str) -> str:
    """The level as one of ``L M Q H``; ``ValueError`` for anything else."""
    level = error_correction.upper() if isinstance(error_correction, str) else None
    if level not in ERROR_CORRECTION_LEVELS:
        raise ValueError(
            f"unknown QR error-correction level {error_correction!r}; use one of {', '.join(ERROR_CORRECTION_LEVELS)}"
        )
    return level


def encode(data: str, error_correction: str = "M") -> QrMatrix:
    """Encode ``data`` (a URL) as the smallest QR symbol at the given level."""
    if not isinstance(data, str) or not data.strip():
        raise ValueError("cannot encode an empty QR payload")
    level = normalise_level(error_correction)
    try:
        try:
            return _encode_fast(data, level)
        except (AttributeError, TypeError, KeyError, IndexError):  # qrcode internals changed
            return _encode_standard(data, level)
    except (DataOverflowError, ValueError):  # qrcode says "Invalid version (was 41 …)"
        raise ValueError(f"{len(data.encode('utf-8'))} bytes is too long for a QR code at level {level}") from None


def _encode_standard(data: str, level: str) -> QrMatrix:
    """qrcode's public path (slow 8-mask penalty loop): the fallback and the reference."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECTION_LEVELS[level], box_size=1, border=0)
    qr.add_data(data)
    qr.make(fit=True)
    return QrMatrix(
        size=qr.modules_count,
        rows=tuple(_bits(row) for row in qr.modules),
        version=qr.version,
        error_correction=level,
        mask=-1,  # not exposed by qrcode's public API
    )


def _encode_fast(data: str, level: str) -> QrMatrix:
    qr = qrcode.QRCode(error_correction=ERROR_CORRECTION_LEVELS[level], box_size=1, border=0, mask_pattern=0)
    qr.add_data(data)
    qr.make(fit=True)
    size = qr.modules_count
    regions = _regions(qr.version)
    masked0 = [_bits(row) for row in qr.modules]
    mask0 = _mask_rows(qr.version, 0)
    # The data bits before masking, only in the data region.
    raw = [(m & d) ^ k for m, d, k in zip(masked0, regions.data, mask0, strict=True)]

    best_mask, best_score, best_rows = 0, -1, None
    for pattern in range(8):
        mask = _mask_rows(qr.version, pattern)
        # Score like qrcode does: format/version-info modules left light ("test" mode).
        candidate = [f | (r ^ k) for f, r, k in zip(regions.function, raw, mask, strict=True)]
        score = _penalty(candidate, size)
        if best_rows is None or score < best_score:
            best_mask, best_score, best_rows = pattern, score, candidate

    assert best_rows is not None  # the loop tried every one of the eight masks
    qr.setup_type_info(False, best_mask)  # write this mask's format bits into qr.modules
    info_bits = [_bits(row) & info for row, info in zip(qr.modules, regions.info, strict=True)]
    final = tuple(c | i for c, i in zip(best_rows, info_bits, strict=True))
    return QrMatrix(size=size, rows=final, version=qr.version, error_correction=level, mask=best_mask)


def _bits(row: list) -> int:
    value = 0
    for module in row:
        value = (value << 1) | (1 if module else 0)
    return value


@dataclass(frozen=True)
class _Regions:
    function: tuple[int, ...]  # dark modules of finder/timing/alignment patterns
    info: tuple[int, ...]  # format and version information modules (+ the dark module)
    data: tuple[int, ...]  # modules that carry (masked) data


@cache
def _regions(version: int) -> _Regions:
    """Which modules are fixed patterns, format info, or data, for one QR version."""
    scratch = qrcode.QRCode(version=version, box_size=1, border=0)
    size = version * 4 + 17
    scratch.modules_count = size
    scratch.modules = [[None] * size for _ in range(size)]
    scratch.setup_position_probe_pattern(0, 0)
    scratch.setup_position_probe_pattern(size - 7, 0)
    scratch.setup_position_probe_pattern(0, size - 7)
    scratch.setup_position_adjust_pattern()
    scratch.setup_timing_pattern()
    fixed = [[cell is not None for cell in row] for row in scratch.modules]
    function = tuple(_bits(row) for row in scratch.modules)
    scratch.setup_type_info(True, 0)
    if version >= 7:
        scratch.setup_type_number(True)
    info = tuple(
        _bits([cell is not None and not was_fixed for cell, was_fixed in zip(row, fixed_row, strict=True)])
        for row, fixed_row in zip(scratch.modules, fixed, strict=True)
    )
    data = tuple(_bits([cell is None for cell in row]) for row in scratch.modules)
    return _Regions(function=function, info=info, data=data)


@cache
def _mask_rows(version: int, pattern: int) -> tuple[int, ...]:
    """The mask pattern's flips, restricted to the data region, as row bit sets."""
    size = version * 4 + 17
    flips = mask_func(pattern)
    data = _regions(version).data
    return tuple(_bits([flips(r, c) for c in range(size)]) & data[r] for r in range(size))


def _penalty(rows: list[int], size: int) -> int:
    """ISO 18004 mask penalty (rules N1–N4), computed as ``qrcode.util.lost_point``."""
    row_strings = [format(bits, f"0{size}b") for bits in rows]
    # Rows and columns in one string; "|" stops runs and patterns at line ends.
    lines = "|".join(row_strings + ["".join(column) for column in zip(*row_strings, strict=True)])
    runs = _RUN_RE.findall(lines)
    score = sum(map(len, runs)) - 2 * len(runs)  # N1: 3 + (length - 5) per run
    # N3; neither pattern overlaps itself, so plain (non-overlapping) counts are exact.
    score += 40 * (lines.count("10111010000") + lines.count("00001011101"))
    full = (1 << size) - 1
    blocks = 0
    for upper, lower in zip(rows, rows[1:], strict=False):
        dark = upper & lower
        light = ~(upper | lower) & full
        blocks += (dark & (dark >> 1)).bit_count() + (light & (light >> 1)).bit_count()
    score += 3 * blocks  # N2
    percent = float(sum(bits.bit_count() for bits in rows)) / (size**2)
    score += int(abs(percent * 100 - 50) / 5) * 10  # N4
    return score


# ----------------------------------------------------------------------- geometry
def grid_unit_pt(dpi: int = PRINT_GRID_DPI) -> float:
    """One printer dot, in points."""
    return 72.0 / dpi


def snap_to_grid(value_pt: float, *, dpi: int = PRINT_GRID_DPI, mode: str = "round") -> float:
    """Move a coordinate onto the printer dot grid (``round``, ``ceil`` or ``floor``)."""
    unit = grid_unit_pt(dpi)
    steps = value_pt / unit
    if mode == "ceil":
        count = math.ceil(steps - 1e-6)
    elif mode == "floor":
        count = math.floor(steps + 1e-6)
    elif mode == "round":
        count = round(steps)
    else:
        raise ValueError(f"unknown snap mode {mode!r}")
    return count * unit


def fit_module_size(
    available_pt: float,
    symbol_size: int,
    *,
    quiet_zone: int = QUIET_ZONE_MODULES,
    dpi: int = PRINT_GRID_DPI,
    min_dots: int = MIN_MODULE_DOTS,
) -> float:
    """Largest module size (points, whole printer dots) whose code + quiet zone fits.

    Raises ``ValueError`` when the space is too small for a code phones can read.
    """
    modules = symbol_size + 2 * quiet_zone
    unit = grid_unit_pt(dpi)
    dots = math.floor(available_pt / (modules * unit) + 1e-9)
    if dots < min_dots:
        needed_mm = modules * min_dots * unit * 25.4 / 72.0
        raise ValueError(
            f"the label is too small for this QR code: it needs a {needed_mm:.1f} mm square "
            f"(including the quiet zone) but only {available_pt * 25.4 / 72.0:.1f} mm is free"
        )
    return dots * unit


def draw_qr(
    canvas: _Canvas,
    matrix: QrMatrix,
    x: float,
    y: float,
    module_pt: float,
    *,
    quiet_zone: int = QUIET_ZONE_MODULES,
    dark_inset: float = DARK_INSET,
) -> tuple[float, float, float, float]:
    """Draw ``matrix`` with its quiet zone's bottom-left corner at ``(x, y)``.

    Returns the quiet-zone box ``(x, y, w, h)``.  One path, one non-zero fill, in
    module coordinates under a transform: short operators, edges on the dot grid.
    The operators are written with ``addLiteral`` because reportlab's per-number
    formatting (pure Python without the optional ``rl_accel``) cost more than the
    whole QR encoding.
    """
    side = (matrix.size + 2 * quiet_zone) * module_pt
    operators = " ".join(
        f"{col:.6g} {row:.6g} {width:.6g} {height:.6g} re"
        for col, row, width, height in compensated_rectangles(matrix, dark_inset)
    )
    canvas.saveState()
    canvas.setFillGray(0)
    # Module units, origin at the symbol's top-left corner, rows counting downwards.
    canvas.transform(module_pt, 0, 0, -module_pt, x + quiet_zone * module_pt, y + side - quiet_zone * module_pt)
    if operators:
        canvas.addLiteral(operators + "\nf")  # f: fill the union (non-zero winding)
    canvas.restoreState()
    return x, y, side, side


def compensated_rectangles(matrix: QrMatrix, inset: float = DARK_INSET) -> list[tuple[float, float, float, float]]:
    """:meth:`QrMatrix.dark_rectangles` with dark/light edges moved ``inset`` into the dark.

    Left and right sides always border light modules (runs are maximal).  A top or
    bottom side moves only if the whole row beyond it is light over the rectangle's
    width; where it touches another dark rectangle it stays put, so the two still meet.
    """
    if not inset:
        return [tuple(map(float, rect)) for rect in matrix.dark_rectangles()]  # type: ignore[misc]
    size, rows = matrix.size, matrix.rows
    rectangles: list[tuple[float, float, float, float]] = []
    for col, row, width, height in matrix.dark_rectangles():
        span = ((1 << width) - 1) << (size - col - width)
        top = inset if row == 0 or not rows[row - 1] & span else 0.0
        bottom = inset if row + height == size or not rows[row + height] & span else 0.0
        rectangles.append((col + inset, row + top, width - 2 * inset, height - top - bottom))
    return rectangles
