"""The fast QR encoder gives exactly qrcode's symbols; the drawing covers exactly the
dark modules; module sizes snap to printer dots."""

from __future__ import annotations

import io
import random
import re

import pytest
from reportlab.pdfgen.canvas import Canvas

from tuffops_desktop.documents import qr_vector
from tuffops_desktop.documents.qr_vector import (
    DARK_INSET,
    ERROR_CORRECTION_LEVELS,
    QrMatrix,
    compensated_rectangles,
    draw_qr,
    encode,
    fit_module_size,
    grid_unit_pt,
    snap_to_grid,
)


def _payloads() -> list[str]:
    rng = random.Random(2024)
    payloads = [
        "https://service.example.com/u/0b9f1c2e-8a7d-4c39-9a51-0f3c2b7d6e14",
        "HTTPS://SERVICE.EXAMPLE.COM/U/0B9F1C2E-8A7D-4C39-9A51-0F3C2B7D6E14",  # alphanumeric
        "12345678901234567890123456789012345",  # numeric mode
        "Küche Łódź Кухня #3",  # UTF-8 bytes
        "x",
        "https://e.example/" + "a" * 250,  # version ≥ 7: version-information blocks
        "https://e.example/" + "9" * 900,  # large version, many alignment patterns
    ]
    for _ in range(24):
        length = rng.randint(1, 180)
        payloads.append("".join(rng.choice("abcXYZ019 -./:%é") for _ in range(length)))
    return payloads


@pytest.mark.parametrize("level", list(ERROR_CORRECTION_LEVELS))
def test_fast_encoder_matches_qrcode_exactly(level) -> None:
    """Same version, same mask choice, same modules as qrcode's own (slow) path."""
    versions = set()
    for payload in _payloads():
        fast = qr_vector._encode_fast(payload, level)
        reference = qr_vector._encode_standard(payload, level)
        assert (fast.size, fast.version) == (reference.size, reference.version), payload
        assert fast.rows == reference.rows, (payload, fast.mask)
        versions.add(fast.version)
    assert max(versions) >= 7 and min(versions) <= 2  # the sample spans small and large symbols


def test_mask_choice_varies() -> None:
    """The penalty scoring actually picks masks (not stuck on one pattern)."""
    masks = {encode(payload).mask for payload in _payloads()}
    assert len(masks) >= 4


def test_encode_falls_back_to_qrcode_when_internals_change(monkeypatch) -> None:
    def broken(*_args):
        raise AttributeError("qrcode changed")

    monkeypatch.setattr(qr_vector, "_encode_fast", broken)
    matrix = encode("https://service.example.com/u/1")
    assert matrix.rows == qr_vector._encode_standard("https://service.example.com/u/1", "M").rows


@pytest.mark.parametrize("bad", ["", "   ", None, 42])
def test_encode_refuses_empty_payloads(bad) -> None:
    with pytest.raises(ValueError, match="empty QR payload"):
        encode(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("level", ["X", "MM", "", None, 1])
def test_encode_refuses_unknown_levels(level) -> None:
    with pytest.raises(ValueError, match="use one of L, M, Q, H"):
        encode("https://e.example/", level)  # type: ignore[arg-type]


def test_payload_too_long_for_any_version_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="too long for a QR code at level H"):
        encode("https://e.example/" + "x" * 4000, "H")


def test_levels_are_case_insensitive() -> None:
    assert encode("https://e.example/", "q").error_correction == "Q"


def _grid_from(rectangles, size) -> list[list[int]]:
    grid = [[0] * size for _ in range(size)]
    for col, row, width, height in rectangles:
        for r in range(row, row + height):
            for c in range(col, col + width):
                grid[r][c] += 1
    return grid


@pytest.mark.parametrize("payload", _payloads()[:8])
def test_dark_rectangles_cover_each_dark_module_exactly_once(payload) -> None:
    matrix = encode(payload)
    rectangles = matrix.dark_rectangles()
    grid = _grid_from(rectangles, matrix.size)
    assert grid == [[int(cell) for cell in row] for row in matrix.to_lists()]
    dark = sum(map(sum, matrix.to_lists()))
    assert len(rectangles) < 0.6 * dark  # merging runs actually saves operators


def test_compensation_shrinks_dark_only_where_it_meets_light() -> None:
    matrix = encode("https://service.example.com/u/0b9f1c2e-8a7d-4c39-9a51-0f3c2b7d6e14")
    exact = matrix.dark_rectangles()
    shrunk = compensated_rectangles(matrix)
    assert len(exact) == len(shrunk)
    for (c, r, w, h), (x, y, sw, sh) in zip(exact, shrunk, strict=True):
        assert x == pytest.approx(c + DARK_INSET) and sw == pytest.approx(w - 2 * DARK_INSET)
        assert r <= y <= r + DARK_INSET and y + sh <= r + h
        assert sh >= h - 2 * DARK_INSET - 1e-9
    # Where two dark rectangles touch vertically, their compensated edges still meet:
    # no light hairline inside a dark area.
    by_edge = {}
    for (c, r, w, h), (_x, y, _sw, sh) in zip(exact, shrunk, strict=True):
        by_edge.setdefault(("bottom", r + h), []).append((c, w, y + sh))
        by_edge.setdefault(("top", r), []).append((c, w, y))
    touching = 0
    for (side, line), items in by_edge.items():
        if side != "bottom":
            continue
        for c1, w1, edge1 in items:
            for c2, w2, edge2 in by_edge.get(("top", line), []):
                if c1 < c2 + w2 and c2 < c1 + w1:  # columns overlap
                    touching += 1
                    assert edge1 == pytest.approx(line) and edge2 == pytest.approx(line)
    assert touching > 10


def test_no_compensation_when_inset_is_zero() -> None:
    matrix = encode("https://e.example/")
    assert compensated_rectangles(matrix, 0) == [tuple(map(float, r)) for r in matrix.dark_rectangles()]


def test_fit_module_size_uses_whole_printer_dots() -> None:
    unit = grid_unit_pt(300)
    module = fit_module_size(72.0, 37)  # 1 in for a 37-module symbol + quiet zone
    assert module / unit == pytest.approx(round(module / unit))
    assert (37 + 8) * module <= 72.0
    assert (37 + 8) * (module + unit) > 72.0  # the largest that fits


def test_fit_module_size_refuses_unreadably_small_codes() -> None:
    with pytest.raises(ValueError, match="too small for this QR code"):
        fit_module_size(20.0, 37)


def test_snap_to_grid_modes() -> None:
    unit = grid_unit_pt(300)
    assert snap_to_grid(1.01 * unit, mode="ceil") == pytest.approx(2 * unit)
    assert snap_to_grid(1.99 * unit, mode="floor") == pytest.approx(unit)
    assert snap_to_grid(1.4 * unit) == pytest.approx(unit)
    assert snap_to_grid(3 * unit, mode="ceil") == pytest.approx(3 * unit)  # already on grid
    with pytest.raises(ValueError):
        snap_to_grid(1.0, mode="sideways")


def test_draw_qr_is_one_path_with_one_fill() -> None:
    matrix = encode("https://service.example.com/u/0b9f1c2e-8a7d-4c39-9a51-0f3c2b7d6e14")
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(200, 200), pageCompression=0)
    box = draw_qr(canvas, matrix, 10, 20, 2.4)
    canvas.save()
    content = out.getvalue()
    assert box == pytest.approx((10, 20, (matrix.size + 8) * 2.4, (matrix.size + 8) * 2.4))
    assert content.count(b" re") == len(matrix.dark_rectangles())
    streams = re.findall(rb"stream\n(.*?)endstream", content, re.S)
    (page,) = [stream for stream in streams if b" re" in stream]
    fills = re.findall(rb"\s(f\*?|F|B\*?|b\*?)\s", page)
    assert fills == [b"f"]  # one non-zero-winding fill, no stroke


def test_matrix_helpers() -> None:
    matrix = QrMatrix(size=2, rows=(0b10, 0b01), version=1, error_correction="M", mask=0)
    assert matrix.to_lists() == [[True, False], [False, True]]
    assert matrix.is_dark(0, 0) and not matrix.is_dark(0, 1)
    assert sorted(matrix.dark_rectangles()) == [(0, 0, 1, 1), (1, 1, 1, 1)]
