"""Benchmark: 1,000 QR stickers to PDF on Avery 5160, fast vector path vs alternatives.

    .venv/bin/python benchmarks/bench_stickers.py [--count 1000] [--skip-widget]

Every variant runs the same ``render_sticker_sheet`` (same layout, same text fitting);
only the QR step is swapped:

* ``fast vector``: our path (qrcode lays the data out once, masks scored with integer
  bit operations, dark runs merged into one path).
* ``qrcode standard + vector``: same drawing, but qrcode's own 8-mask penalty loop.
* ``fast encode + PNG drawImage``: the stack-notes alternative (PIL image, box 8,
  border 4), fed by our encoder.
* ``reportlab QrCodeWidget``: the widget drawn through ``renderPDF.draw`` (stack-notes:
  22.5 s for 1,000).  The widget encodes internally, so this variant skips our encoder.

The fast path is also split into its two steps: planning (``plan_sticker_sheet``: QR
encoding, label geometry, text fitting) and writing the PDF from the plan.  The desktop
path (unless ``--skip-qt``) plans the same job page by page (``StickerSheet``) and paints
it with ``ui/stickers/painter.py``: the first page's preview image, every page's plan, and
every page painted onto a PDF ``QPrinter`` (offscreen), each once in a fresh process.

Afterwards a sample of pages of the fast-path PDF is rasterised at 300 dpi with
``pdftoppm`` and decoded with ``zbarimg``; each page must decode to exactly its URLs.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.utils import ImageReader

from tuffops_desktop.documents import qr_vector, sticker_pdf, sticker_plan
from tuffops_desktop.documents.label_layouts import LabelLayout, builtin_layouts
from tuffops_desktop.documents.qr_vector import QUIET_ZONE_MODULES, QrMatrix
from tuffops_desktop.documents.sticker_pdf import render_sticker_sheet
from tuffops_desktop.documents.sticker_plan import StickerContent, StickerSheetPlan


def make_stickers(count: int, seed: int = 1) -> list[StickerContent]:
    rng = random.Random(seed)
    titles = ["Lobby AC #2", "Küche Łódź Кухня #3", "Rooftop unit RTU-7", "Walk-in freezer compressor"]
    return [
        StickerContent(
            url=f"https://service.example.com/u/{uuid.UUID(int=rng.getrandbits(128), version=4)}",
            title=titles[index % len(titles)],
            code=f"TO-{index + 1:05d}",
            footer="Cool Breeze HVAC · (555) 010-2030",
        )
        for index in range(count)
    ]


# ------------------------------------------------------------------ QR step variants
def _draw_png(canvas, matrix: QrMatrix, x: float, y: float, module_pt: float, **_ignored):
    modules = matrix.size + 2 * QUIET_ZONE_MODULES
    box = 8
    image = Image.new("1", (modules * box, modules * box), 1)
    for row in range(matrix.size):
        for col in range(matrix.size):
            if matrix.is_dark(row, col):
                left, top = (col + QUIET_ZONE_MODULES) * box, (row + QUIET_ZONE_MODULES) * box
                image.paste(0, (left, top, left + box, top + box))
    side = modules * module_pt
    canvas.drawImage(ImageReader(image), x, y, side, side)
    return x, y, side, side


def _draw_widget(canvas, matrix: QrMatrix, x: float, y: float, module_pt: float, **_ignored):
    side = (matrix.size + 2 * QUIET_ZONE_MODULES) * module_pt
    widget = QrCodeWidget(matrix.payload, barLevel="M", barBorder=QUIET_ZONE_MODULES)  # type: ignore[attr-defined]
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(side, side, transform=[side / (right - left), 0, 0, side / (top - bottom), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)
    return x, y, side, side


class _PayloadOnly(QrMatrix):
    """Stands in for an encoded symbol when the widget does the encoding itself.

    All benchmark URLs have the same length, so they share one symbol size (version 5
    at level M); the layout only needs that size.
    """


def _no_encode(size: int) -> Callable[[str, str], QrMatrix]:
    def encode(payload: str, error_correction: str = "M") -> QrMatrix:
        matrix = _PayloadOnly(size=size, rows=(), version=0, error_correction=error_correction, mask=-1)
        object.__setattr__(matrix, "payload", payload)
        return matrix

    return encode


@contextmanager
def _patched(**replacements) -> Iterator[None]:
    saved = {}
    for dotted, value in replacements.items():
        module_name, attribute = dotted.split(".")
        module = {"sticker_pdf": sticker_pdf, "sticker_plan": sticker_plan, "qr_vector": qr_vector}[module_name]
        saved[(module, attribute)] = getattr(module, attribute)
        setattr(module, attribute, value)
    try:
        yield
    finally:
        for (module, attribute), value in saved.items():
            setattr(module, attribute, value)


def _variants(symbol_size: int) -> dict[str, dict[str, object]]:
    return {
        "fast vector (ours)": {},
        "qrcode standard + vector": {"qr_vector._encode_fast": qr_vector._encode_standard},
        "fast encode + PNG drawImage": {"sticker_pdf.draw_qr": _draw_png},
        "reportlab QrCodeWidget": {"sticker_pdf.draw_qr": _draw_widget, "sticker_plan.encode": _no_encode(symbol_size)},
    }


# ------------------------------------------------------------------ decoding
def decode_sample(pdf: Path, result: StickerSheetPlan, pages: list[int], workdir: Path) -> tuple[int, int]:
    """Decode the given 0-based pages at 300 dpi; return (decoded as expected, expected)."""
    good = total = 0
    for page in pages:
        prefix = workdir / f"page{page}"
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "300",
                "-png",
                "-f",
                str(page + 1),
                "-l",
                str(page + 1),
                "-singlefile",
                str(pdf),
                str(prefix),
            ],
            check=True,
            capture_output=True,
        )
        found = subprocess.run(
            ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(prefix.with_suffix(".png"))],
            capture_output=True,
            text=True,
        ).stdout
        decoded = Counter(line for line in found.splitlines() if line)
        expected = Counter(sticker.url for sticker in result.on_page(page))
        good += sum((decoded & expected).values())
        total += sum(expected.values())
        if decoded != expected:
            print(f"  page {page + 1}: decoded {sum(decoded.values())}, expected {sum(expected.values())}")
    return good, total


# ------------------------------------------------------------------ desktop path
def bench_desktop(stickers: list[StickerContent], layout: LabelLayout, workdir: Path) -> dict[str, float]:
    """Plan and paint the job as the print dialog does (offscreen Qt)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtPrintSupport import QPrinter
    from PySide6.QtWidgets import QApplication

    from tuffops_desktop.ui.stickers.painter import print_pages, render_page_image

    app = QApplication.instance() or QApplication([])  # noqa: F841 - painting needs one
    timings: dict[str, float] = {}
    started = time.perf_counter()
    sheet = sticker_plan.StickerSheet(stickers, layout)
    render_page_image(sheet.page(0), 96)
    timings["first page preview"] = time.perf_counter() - started
    started = time.perf_counter()
    pages = list(sheet.pages())
    timings["plan of every page"] = time.perf_counter() - started
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(workdir / "qt-print.pdf"))
    started = time.perf_counter()
    if not print_pages(printer, pages):
        raise RuntimeError("the PDF printer did not start")
    timings["paint every page to a PDF QPrinter"] = time.perf_counter() - started
    return timings


# ------------------------------------------------------------------ main
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--layout", default="avery-5160")
    parser.add_argument("--skip-widget", action="store_true", help="skip the slow widget variant")
    parser.add_argument("--decode-pages", type=int, default=6, help="pages to decode at 300 dpi")
    parser.add_argument("--skip-qt", action="store_true", help="skip the desktop (Qt painter) path")
    args = parser.parse_args()

    layout = builtin_layouts()[args.layout]
    stickers = make_stickers(args.count)
    symbol_size = qr_vector.encode(stickers[0].url).size
    render_sticker_sheet(stickers[:3], layout, Path(tempfile.gettempdir()) / "warmup.pdf")  # fonts, caches

    workdir = Path(tempfile.mkdtemp(prefix="bench-stickers-"))
    rows = []
    fast_pdf = fast_result = None
    for name, replacements in _variants(symbol_size).items():
        if args.skip_widget and "Widget" in name:
            continue
        pdf = workdir / f"variant{len(rows)}.pdf"
        with _patched(**replacements):
            started = time.perf_counter()
            result = render_sticker_sheet(stickers, layout, pdf)
            elapsed = time.perf_counter() - started
        rows.append((name, elapsed, pdf.stat().st_size, result.pages))
        if fast_pdf is None:
            fast_pdf, fast_result = pdf, result
        print(f"{name:26s} {elapsed:7.2f} s", flush=True)

    started = time.perf_counter()
    plan = sticker_plan.plan_sticker_sheet(stickers, layout)
    planned = time.perf_counter() - started
    started = time.perf_counter()
    sticker_pdf.write_sticker_pdf(plan, workdir / "from-plan.pdf")
    written = time.perf_counter() - started
    desktop = {} if args.skip_qt else bench_desktop(stickers, layout, workdir)

    started = time.perf_counter()
    for sticker in stickers:
        qr_vector._encode_fast(sticker.url, "M")
    encode_fast = time.perf_counter() - started
    started = time.perf_counter()
    for sticker in stickers:
        qr_vector._encode_standard(sticker.url, "M")
    encode_standard = time.perf_counter() - started

    print()
    print(f"{args.count} stickers on {layout.name}, Python {sys.version.split()[0]}")
    print("| method | total | per sticker | PDF size | pages |")
    print("|---|---|---|---|---|")
    for name, elapsed, size, pages in rows:
        print(f"| {name} | {elapsed:.2f} s | {elapsed / args.count * 1000:.2f} ms | {size / 1024:,.0f} KiB | {pages} |")
    print(
        f"\nencode only: fast {encode_fast / args.count * 1000:.2f} ms/code, "
        f"qrcode standard {encode_standard / args.count * 1000:.2f} ms/code"
    )
    print(f"fast path in two steps: plan {planned:.2f} s, write PDF from the plan {written:.2f} s")
    if desktop:
        print("desktop path: " + ", ".join(f"{name} {seconds * 1000:,.0f} ms" for name, seconds in desktop.items()))

    if shutil.which("pdftoppm") and shutil.which("zbarimg") and fast_result is not None:
        count = min(args.decode_pages, fast_result.pages)
        step = max(1, (fast_result.pages - 1) // max(1, count - 1))
        sample = sorted({min(fast_result.pages - 1, i * step) for i in range(count)})
        good, total = decode_sample(fast_pdf, fast_result, sample, workdir)
        print(f"decode (fast vector, 300 dpi, pages {', '.join(str(p + 1) for p in sample)}): {good}/{total} URLs")
        return 0 if good == total else 1
    print("decode skipped: pdftoppm/zbarimg not installed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
