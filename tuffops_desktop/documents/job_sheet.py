"""The job sheet: one work order on paper, for the technician who goes out to do it.

Page one carries the company, the work order number in large type, its status, type,
due and booked times and estimate, the unit with its QR code (the same public URL its
sticker carries, so the technician can open the unit's page from the sheet), the
customer and site, the contact the customer gave in their request, what the customer
asked for, the office's internal notes, ruled lines for the technician's notes and the
signature lines.

Nothing is ever cut off: field values and running text wrap (a word too long for its
line breaks between characters, ``text_fit.wrap_paragraphs``), the running text shrinks
from 10 pt to 8.5 pt to keep the sheet on one page, and when even that is not enough the
sheet continues on further pages ("continued" header, "Page n of m" footer).  Every
mark stays inside the page margins (``JobSheetPlan.margin_box``).

As with stickers, :func:`plan_job_sheet` decides every line, stroke and code (pure data,
checked by the tests) and :func:`write_job_sheet_pdf` only draws it: text with plain
``drawString`` in the embedded DejaVu fonts, so ``<b>x</b> &amp;`` prints as typed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.pdfgen.canvas import Canvas

from tuffops_desktop.documents.fonts import register_fonts
from tuffops_desktop.documents.geometry import Box, Segment
from tuffops_desktop.documents.qr_vector import (
    QUIET_ZONE_MODULES,
    QrMatrix,
    draw_qr,
    encode,
    fit_module_size,
    snap_to_grid,
)
from tuffops_desktop.documents.text_fit import PlacedText, line_metrics, place_line, text_width, wrap_paragraphs

__all__ = [
    "PAGE_SIZES",
    "JobSheet",
    "JobSheetPlan",
    "SheetPage",
    "PlacedQr",
    "plan_job_sheet",
    "write_job_sheet_pdf",
    "render_job_sheet",
    "SheetText",
]

PAGE_SIZES: dict[str, tuple[float, float]] = {"letter": LETTER, "a4": A4}
MARGIN = 40.0  # points (14 mm): inside every office printer's printable area
BODY_SIZES = (10.0, 9.5, 9.0, 8.5)  # running text shrinks through these before a second page
QR_SIDE = 84.0  # points available for the code and its quiet zone (about 30 mm)
GREY = 0.4
RULE_GREY = 0.7
NOTE_LINE_PITCH = 22.0
MIN_NOTE_LINES = 3
SIGNATURE_HEIGHT = 84.0
FOOTER_HEIGHT = 16.0


@dataclass(frozen=True)
class JobSheet:
    """Everything the sheet prints, as text (the service formats dates and numbers).

    ``*_fields`` are ``(label, value)`` pairs; blank values are left out.  An empty
    ``customer_name`` means a stock unit without a customer; an empty
    ``request_heading`` means the work order was not made from a request.
    """

    number: str
    company_name: str
    company_details: tuple[str, ...] = ()
    facts: tuple[tuple[str, str], ...] = ()
    unit_title: str = ""
    unit_fields: tuple[tuple[str, str], ...] = ()
    qr_url: str = ""
    qr_caption: str = ""
    customer_name: str = ""
    customer_fields: tuple[tuple[str, str], ...] = ()
    request_heading: str = ""
    request_fields: tuple[tuple[str, str], ...] = ()
    customer_requests: str = ""
    notes: tuple[tuple[str, str], ...] = ()  # (who and when, text), oldest first
    footer: str = ""
    # The work order's items as (name, quantity, unit of measure): what to bring and what was
    # used. No prices: the sheet goes to the technician and is shown to the customer on site.
    items: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class PlacedQr:
    """A QR code with its quiet zone's bottom-left corner at ``(x, y)``."""

    matrix: QrMatrix
    x: float
    y: float
    module_pt: float

    @property
    def box(self) -> Box:
        side = _qr_side(self.matrix, self.module_pt)
        return Box(self.x, self.y, side, side)


@dataclass(frozen=True)
class SheetText:
    """A printed line and its grey level (0 black, 1 white)."""

    line: PlacedText
    gray: float = 0.0


@dataclass(frozen=True)
class SheetPage:
    texts: tuple[SheetText, ...]
    segments: tuple[Segment, ...]
    codes: tuple[PlacedQr, ...]


@dataclass(frozen=True)
class JobSheetPlan:
    number: str
    page_size: tuple[float, float]
    margin_box: Box
    body_size: float
    pages: tuple[SheetPage, ...]


# ------------------------------------------------------------------ rows
@dataclass
class _Text:
    text: str
    font: str
    size: float
    x: float
    down: float  # baseline, measured down from the row's top
    align: str = "left"
    gray: float = 0.0


@dataclass
class _Row:
    """A horizontal strip that is never split across pages; ``down`` offsets from its top."""

    height: float
    texts: list[_Text] = field(default_factory=list)
    rules: list[tuple[float, float, float, float, float]] = field(default_factory=list)  # x1, down1, x2, down2, w
    qr: tuple[QrMatrix, float, float, float] | None = None  # matrix, x, down to its top, module
    keep_with_next: bool = False


@dataclass(frozen=True)
class _Fonts:
    regular: str
    bold: str


def _qr_side(matrix: QrMatrix, module: float) -> float:
    """The code and its quiet zone, in points."""
    return (matrix.size + 2 * QUIET_ZONE_MODULES) * module


def _leading(size: float) -> float:
    return size * 1.28


def _line_row(text: str, font: str, size: float, x: float, *, gray: float = 0.0, align: str = "left") -> _Row:
    ascent, _ = line_metrics(font, size)
    return _Row(_leading(size), [_Text(text, font, size, x, ascent + (_leading(size) - size) / 2, align, gray)])


def _paragraph(text: str, font: str, size: float, x: float, width: float, *, gray: float = 0.0) -> list[_Row]:
    return [_line_row(line, font, size, x, gray=gray) for line in wrap_paragraphs(text, font, size, width)]


def _field_rows(
    fields: Iterable[tuple[str, str]], fonts: _Fonts, size: float, x: float, width: float, label_width: float
) -> list[_Row]:
    """``label  value`` lines; the value wraps under itself, one row per line."""
    rows: list[_Row] = []
    for label, value in fields:
        if not value.strip():
            continue
        lines = _paragraph(value, fonts.regular, size, x + label_width, width - label_width)
        if lines:
            first = lines[0]
            first.texts.append(_Text(label, fonts.bold, size * 0.8, x, first.texts[0].down, gray=GREY))
        rows.extend(lines)
    return rows


def _heading(text: str, fonts: _Fonts, x: float, width: float) -> _Row:
    row = _line_row(text.upper(), fonts.bold, 7.5, x, gray=GREY)
    row.height += 3
    row.rules.append((x, row.height - 1.5, x + width, row.height - 1.5, 0.5))
    row.keep_with_next = True
    return row


def _gap(height: float) -> _Row:
    return _Row(height)


def _stack(rows: Sequence[_Row]) -> _Row:
    """Rows one under the other as one unbreakable row."""
    merged = _Row(0.0)
    for row in rows:
        merged.texts.extend(
            _Text(t.text, t.font, t.size, t.x, t.down + merged.height, t.align, t.gray) for t in row.texts
        )
        merged.rules.extend((x1, d1 + merged.height, x2, d2 + merged.height, w) for x1, d1, x2, d2, w in row.rules)
        if row.qr is not None:
            matrix, qx, qdown, module = row.qr
            merged.qr = (matrix, qx, qdown + merged.height, module)
        merged.height += row.height
    return merged


def _side_by_side(left: Sequence[_Row], right: Sequence[_Row], min_height: float = 0.0) -> _Row:
    a, b = _stack(left), _stack(right)
    a.texts.extend(b.texts)
    a.rules.extend(b.rules)
    a.qr = b.qr or a.qr
    a.height = max(a.height, b.height, min_height)
    return a


# ------------------------------------------------------------------ sections
def _header(sheet: JobSheet, fonts: _Fonts, box: Box) -> list[_Row]:
    number_size = 26.0
    right_width = text_width(sheet.number, fonts.bold, number_size) + 4
    left_width = box.width - max(right_width, 150)
    left = _paragraph(sheet.company_name, fonts.bold, 14, box.x, left_width)
    for detail in sheet.company_details:
        left += _paragraph(detail, fonts.regular, 8.5, box.x, left_width, gray=GREY)
    title = _line_row("JOB SHEET", fonts.bold, 8, box.right, gray=GREY, align="right")
    number = _line_row(sheet.number, fonts.bold, number_size, box.right, align="right")
    header = _side_by_side(left, [title, number])
    header.height += 6
    header.rules.append((box.x, header.height, box.right, header.height, 1.2))
    return [header, _gap(10)]


def _continued_header(sheet: JobSheet, fonts: _Fonts, box: Box) -> _Row:
    row = _line_row(f"{sheet.number} (continued)", fonts.bold, 12, box.x)
    if text_width(sheet.company_name, fonts.regular, 8.5) <= box.width / 2:  # a longer one is on page one
        row.texts.append(_Text(sheet.company_name, fonts.regular, 8.5, box.right, row.texts[0].down, "right", GREY))
    row.height += 4
    row.rules.append((box.x, row.height, box.right, row.height, 0.8))
    row.height += 10
    return row


def _facts(sheet: JobSheet, fonts: _Fonts, box: Box) -> list[_Row]:
    """Status, type, due … as a grid of three cells per row: small label, bold value."""
    columns = 3
    cell = box.width / columns
    rows: list[_Row] = []
    facts = [(label, value) for label, value in sheet.facts if value.strip()]
    for start in range(0, len(facts), columns):
        cells = []
        for index, (label, value) in enumerate(facts[start : start + columns]):
            x = box.x + index * cell
            cells.append(
                [
                    _line_row(label.upper(), fonts.bold, 7, x, gray=GREY),
                    *_paragraph(value, fonts.bold, 10.5, x, cell - 10),
                ]
            )
        row = _Row(0.0)
        for lines in cells:
            row = _side_by_side([row], lines)
        row.height += 6
        rows.append(row)
    if rows:
        rows[-1].rules.append((box.x, rows[-1].height, box.right, rows[-1].height, 0.5))
        rows.append(_gap(10))
    return rows


def _customer_and_unit(sheet: JobSheet, fonts: _Fonts, box: Box, size: float) -> list[_Row]:
    """Customer on the left, the unit with its QR code on the right; stacked if too tall."""
    gap = 18.0
    left_width = (box.width - gap) * 0.45
    right_x = box.x + left_width + gap
    right_width = box.right - right_x
    customer = _customer_rows(sheet, fonts, box.x, left_width, size)
    unit, qr_row = _unit_rows(sheet, fonts, right_x, right_width, size)
    side = _side_by_side(customer, [_side_by_side(unit, [qr_row])])
    side.height += 10
    if side.height <= _body_height(box) / 2:
        return [side]
    # Extreme field lengths: full-width sections, which may break between lines.
    customer = _customer_rows(sheet, fonts, box.x, box.width, size)
    unit, qr_row = _unit_rows(sheet, fonts, box.x, box.width, size)
    return [*customer, _gap(10), _side_by_side(unit[:2], [qr_row]), *unit[2:], _gap(10)]


def _customer_rows(sheet: JobSheet, fonts: _Fonts, x: float, width: float, size: float) -> list[_Row]:
    rows = [_heading("Customer", fonts, x, width)]
    if not sheet.customer_name.strip():
        return rows + [_line_row("No customer: a stock unit", fonts.regular, size, x, gray=GREY)]
    rows += _paragraph(sheet.customer_name, fonts.bold, 11, x, width)
    return rows + _field_rows(sheet.customer_fields, fonts, size, x, width, 44)


def _unit_rows(sheet: JobSheet, fonts: _Fonts, x: float, width: float, size: float) -> tuple[list[_Row], _Row]:
    """The unit's text rows (beside the code) and a row holding the QR code and its caption."""
    qr_row = _Row(0.0)
    text_width_left = width
    if sheet.qr_url:
        matrix = encode(sheet.qr_url, "M")
        module = fit_module_size(QR_SIDE, matrix.size)
        side = _qr_side(matrix, module)
        qr_x = snap_to_grid(x + width - side, mode="floor")
        heading_height = _heading("Unit", fonts, x, width).height
        qr_row.qr = (matrix, qr_x, heading_height + 2, module)
        caption = _line_row(sheet.qr_caption, fonts.regular, 7, qr_x + side / 2, gray=GREY, align="center")
        caption_top = heading_height + 2 + side
        qr_row.texts.extend(
            _Text(t.text, t.font, t.size, t.x, t.down + caption_top, t.align, t.gray) for t in caption.texts
        )
        qr_row.height = caption_top + caption.height
        text_width_left = width - side - 8
    rows = [_heading("Unit", fonts, x, width)]
    rows += _paragraph(sheet.unit_title, fonts.bold, 11, x, text_width_left)
    rows += _field_rows(sheet.unit_fields, fonts, size, x, text_width_left, 44)
    return rows, qr_row


def _request(sheet: JobSheet, fonts: _Fonts, box: Box, size: float) -> list[_Row]:
    if not sheet.request_heading:
        return []
    return [
        _heading(sheet.request_heading, fonts, box.x, box.width),
        *_field_rows(sheet.request_fields, fonts, size, box.x, box.width, 64),
        _gap(10),
    ]


def _requests_text(sheet: JobSheet, fonts: _Fonts, box: Box, size: float) -> list[_Row]:
    rows = [_heading("Customer requests", fonts, box.x, box.width)]
    body = _paragraph(sheet.customer_requests, fonts.regular, size, box.x, box.width)
    return rows + (body or [_line_row("(nothing written)", fonts.regular, size, box.x, gray=GREY)]) + [_gap(10)]


ITEM_QTY_WIDTH = 64.0
ITEM_UNIT_WIDTH = 56.0


def _items(sheet: JobSheet, fonts: _Fonts, box: Box, size: float) -> list[_Row]:
    """Item · quantity · unit, one line each (long names wrap); nothing when there are no items
    (what is used on site goes in the technician's notes area below)."""
    if not sheet.items:
        return []
    unit_x = box.right - ITEM_UNIT_WIDTH
    qty_right = unit_x - 10
    name_width = qty_right - ITEM_QTY_WIDTH - box.x
    heading = _heading("Items", fonts, box.x, box.width)
    captions = _Row(_leading(7))
    ascent, _ = line_metrics(fonts.bold, 7)
    for text, x, align in (("ITEM", box.x, "left"), ("QTY", qty_right, "right"), ("UNIT", unit_x, "left")):
        captions.texts.append(_Text(text, fonts.bold, 7, x, ascent, align, GREY))
    captions.keep_with_next = True
    rows = [heading, captions]
    for name, quantity, unit in sheet.items:
        lines = _paragraph(name, fonts.regular, size, box.x, name_width) or [_line_row("", fonts.regular, size, box.x)]
        first = lines[0]
        down = first.texts[0].down if first.texts else 0.0
        first.texts.append(_Text(quantity, fonts.regular, size, qty_right, down, "right"))
        first.texts.append(_Text(unit, fonts.regular, size, unit_x, down))
        line = _stack(lines)
        line.height += 3
        line.rules.append((box.x, line.height - 1, box.right, line.height - 1, 0.3))
        rows.append(line)
    return rows + [_gap(10)]


def _notes(sheet: JobSheet, fonts: _Fonts, box: Box, size: float) -> list[_Row]:
    if not sheet.notes:
        return []
    rows = [_heading("Internal notes", fonts, box.x, box.width)]
    for by, body in sheet.notes:
        meta = _paragraph(by, fonts.bold, size * 0.8, box.x, box.width, gray=GREY)
        if meta:
            meta[0].keep_with_next = True
        rows += meta + _paragraph(body, fonts.regular, size, box.x, box.width) + [_gap(4)]
    return rows + [_gap(6)]


def _signatures(fonts: _Fonts, box: Box) -> _Row:
    gap = 30.0
    width = (box.width - gap) / 2
    row = _Row(SIGNATURE_HEIGHT)
    for index, who in enumerate(("Technician", "Customer")):
        x = box.x + index * (width + gap)
        row.texts.append(_Text(who.upper(), fonts.bold, 7.5, x, 10, gray=GREY))
        for down, parts in ((38.0, ((0.0, 1.0, "Name"),)), (72.0, ((0.0, 0.62, "Signature"), (0.68, 1.0, "Date")))):
            for start, end, caption in parts:
                x1, x2 = x + start * width, x + end * width
                row.rules.append((x1, down, x2, down, 0.6))
                row.texts.append(_Text(caption, fonts.regular, 7, x1, down + 8, gray=GREY))
    return row


def _body_height(box: Box) -> float:
    return box.height - FOOTER_HEIGHT


# ------------------------------------------------------------------ pages
def _paginate(sheet: JobSheet, fonts: _Fonts, box: Box, size: float) -> list[list[tuple[_Row, float]]]:
    """Rows placed on pages as ``(row, top y)``; the notes area and signatures close the last page."""
    rows = [
        *_header(sheet, fonts, box),
        *_facts(sheet, fonts, box),
        *_customer_and_unit(sheet, fonts, box, size),
        *_request(sheet, fonts, box, size),
        *_requests_text(sheet, fonts, box, size),
        *_items(sheet, fonts, box, size),
        *_notes(sheet, fonts, box, size),
    ]
    bottom = box.y + FOOTER_HEIGHT
    pages: list[list[tuple[_Row, float]]] = [[]]
    top = box.top

    def new_page() -> None:
        nonlocal top
        pages.append([])
        top = box.top
        place(_continued_header(sheet, fonts, box))

    def place(row: _Row) -> None:
        nonlocal top
        pages[-1].append((row, top))
        top -= row.height

    for index, row in enumerate(rows):
        needed = row.height
        if row.keep_with_next and index + 1 < len(rows):
            needed += rows[index + 1].height
        if top - needed < bottom and len(pages[-1]) > 1:
            new_page()
            if not row.texts and not row.rules:
                continue  # no blank gap at the top of a continued page
        place(row)
    notes_heading = _heading("Technician's notes", fonts, box.x, box.width)
    closing = notes_heading.height + MIN_NOTE_LINES * NOTE_LINE_PITCH + SIGNATURE_HEIGHT
    if top - closing < bottom:
        new_page()
    place(notes_heading)
    lines = _Row(top - bottom - SIGNATURE_HEIGHT)
    down = NOTE_LINE_PITCH
    while down <= lines.height - 4:
        lines.rules.append((box.x, down, box.right, down, 0.4))
        down += NOTE_LINE_PITCH
    place(lines)
    place(_signatures(fonts, box))
    return pages


def plan_job_sheet(sheet: JobSheet, page_size: tuple[float, float] = LETTER) -> JobSheetPlan:
    """Lay the sheet out on as few pages as it takes (one, unless the texts are very long)."""
    regular, bold = register_fonts()
    fonts = _Fonts(regular, bold)
    width, height = page_size
    box = Box(MARGIN, MARGIN, width - 2 * MARGIN, height - 2 * MARGIN)
    for size in BODY_SIZES:
        pages = _paginate(sheet, fonts, box, size)
        if len(pages) == 1:
            break
    planned = []
    for number, rows in enumerate(pages, start=1):
        texts: list[SheetText] = []
        segments: list[Segment] = []
        codes: list[PlacedQr] = []
        for row, top in rows:
            for t in row.texts:
                line = place_line(t.text, t.font, t.size, t.x, top - t.down, t.align)  # type: ignore[arg-type]
                texts.append(SheetText(line, t.gray))
            segments.extend(
                Segment(x1, top - d1, x2, top - d2, w, RULE_GREY if w < 1 else 0.0) for x1, d1, x2, d2, w in row.rules
            )
            if row.qr is not None:
                matrix, qx, qdown, module = row.qr
                side = _qr_side(matrix, module)
                codes.append(PlacedQr(matrix, qx, snap_to_grid(top - qdown - side, mode="floor"), module))
        footer_y = box.y + 2
        texts.append(
            SheetText(
                place_line(f"{sheet.number} · Page {number} of {len(pages)}", regular, 7.5, box.x, footer_y), GREY
            )
        )
        if sheet.footer and text_width(sheet.footer, regular, 7.5) < box.width * 0.6:
            texts.append(SheetText(place_line(sheet.footer, regular, 7.5, box.right, footer_y, "right"), GREY))
        planned.append(SheetPage(tuple(texts), tuple(segments), tuple(codes)))
    return JobSheetPlan(sheet.number, page_size, box, size, tuple(planned))


# ------------------------------------------------------------------ drawing
def write_job_sheet_pdf(plan: JobSheetPlan, out: str | Path | BinaryIO, *, title: str = "") -> None:
    """Draw every page of ``plan`` into a PDF at ``out`` (a path or a binary stream)."""
    canvas = Canvas(str(out) if isinstance(out, (str, Path)) else out, pagesize=plan.page_size)
    canvas.setTitle(title or f"Job sheet {plan.number}")
    canvas.setCreator("TuffOps Desktop")
    for page in plan.pages:
        for segment in page.segments:
            canvas.setLineWidth(segment.width)
            canvas.setStrokeGray(segment.gray)
            canvas.line(segment.x1, segment.y1, segment.x2, segment.y2)
        for code in page.codes:
            draw_qr(canvas, code.matrix, code.x, code.y, code.module_pt)
        for text in page.texts:
            canvas.setFillGray(text.gray)
            canvas.setFont(text.line.font, text.line.size)
            canvas.drawString(text.line.box.x, text.line.baseline, text.line.text)
        canvas.showPage()
    canvas.save()


def render_job_sheet(
    sheet: JobSheet,
    out: str | Path | BinaryIO,
    *,
    page_size: tuple[float, float] = LETTER,
) -> JobSheetPlan:
    """Plan and write the job sheet; returns the plan (its pages, the body size chosen)."""
    plan = plan_job_sheet(sheet, page_size)
    write_job_sheet_pdf(plan, out)
    return plan
