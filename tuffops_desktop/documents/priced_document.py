"""Priced documents on paper: invoices, quotations and customer statements.

One renderer lays out every document the customer receives with money on it.  Callers
describe a document with plain dataclasses and get a :class:`DocumentPlan` (pages of
placed text, strokes and bands; ``documents/page_plan.py``) that the PDF writer, the
preview and the printer all draw:

* :class:`PricedDocument` — an invoice or a quotation: company, bill-to, dates,
  references (work order, unit), itemised lines (description, quantity, unit, unit
  price, discount, amount), subtotal, discount, tax, total and, for an invoice, the
  amount paid and the balance due; payment instructions or terms; an optional stamp
  such as "CANCELLED".  :func:`plan_priced_document` / :func:`render_priced_document`.
* :class:`TabularDocument` — the general form underneath: a header, party blocks, one or
  more tables each followed by its summary rows, and notes.  The customer statement
  (``documents/statement_pdf.py``) is built on it; any new priced paper should be too.

Layout rules (the same for every kind):

* the **header** (logo, company name and details on the left; the document's title,
  number and dates on the right; an optional stamp) is repeated at the top of every
  page, and so are a table's **column headings** when the table continues;
* the party blocks (bill-to, references) print once, on page one;
* long descriptions **wrap** inside their column (``text_fit.wrap_paragraphs``: nothing
  is cut, a very long word breaks between characters); numbers shrink to fit their
  column rather than overflow it;
* a table's summary rows (subtotal … balance due) stay together and follow the table's
  last line, so the **totals are only on the last page** of the table, never alone on a
  page without a line;
* every page ends with "NUMBER · Page N of M"; every mark stays inside the margins.

Text is never parsed as markup: ``<b>x</b> & "y"`` prints as typed, in the bundled DejaVu
fonts, so names in any script print (``documents/fonts.py``).  Money is ``Decimal`` and
prints with :func:`page_plan.money_print` (2 places, thousands separated).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import BinaryIO, Literal

from PIL import Image
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.utils import ImageReader

from tuffops_desktop.documents.fonts import register_fonts
from tuffops_desktop.documents.geometry import Box, Segment
from tuffops_desktop.documents.page_plan import (
    BLACK,
    DocumentPlan,
    Fill,
    PlacedImage,
    PlanPage,
    PlanText,
    Rgb,
    money_print,
    percent_print,
    quantity_print,
    write_plan_pdf,
)
from tuffops_desktop.documents.text_fit import line_metrics, place_line, text_width, wrap_paragraphs

__all__ = [
    "MARGIN",
    "Company",
    "Party",
    "Column",
    "SummaryRow",
    "Table",
    "TabularDocument",
    "PricedLine",
    "PricedDocument",
    "priced_table",
    "plan_document",
    "plan_priced_document",
    "render_priced_document",
    "render_document",
]

MARGIN = 40.0  # points (14 mm): inside every office printer's printable area
FOOTER_HEIGHT = 18.0
BODY_SIZE = 9.0
SMALL = 7.5
GREY: Rgb = (0.4, 0.4, 0.4)
ACCENT: Rgb = (0.13, 0.22, 0.36)
STAMP_RED: Rgb = (0.74, 0.1, 0.1)
BAND: Rgb = (0.925, 0.935, 0.95)
RULE_GREY = 0.75
LOGO_MAX = (120.0, 54.0)  # width, height in points
LOGO_DPI = 300  # a logo with more pixels than this needs in the box is scaled down
MIN_NUMBER_SIZE = 5.0

Align = Literal["left", "right"]


# ------------------------------------------------------------------ the input
@dataclass(frozen=True)
class Company:
    """Who sends the document: the company settings.

    ``lines`` are printed under the name as given (address lines, "phone · e-mail");
    ``logo`` is the content of a PNG or JPEG file (the Settings logo), printed left of
    the name, scaled to fit the header (at most ``LOGO_MAX`` points) with its aspect
    ratio kept; ``logo_path`` names an image file instead, for callers without the bytes.
    A logo that cannot be read is left out, so it never stops a document.
    """

    name: str
    lines: tuple[str, ...] = ()
    logo_path: str = ""
    logo: bytes = field(default=b"", repr=False)


@dataclass(frozen=True)
class Party:
    """A block on page one: "Bill to" with the customer's name and address, or
    "Reference" with ``(label, value)`` lines such as the work order and the unit."""

    heading: str
    name: str = ""
    lines: tuple[str, ...] = ()
    fields: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Column:
    """A table column: ``width`` in points, or 0 for the one column that takes the rest
    (the description, which wraps); the other columns keep one line and shrink to fit."""

    title: str
    width: float = 0.0
    align: Align = "left"


@dataclass(frozen=True)
class SummaryRow:
    """A line under a table: ``label`` and ``value`` right-aligned; ``strong`` prints it
    bold and larger with a rule above (the total, the balance due)."""

    label: str
    value: str
    strong: bool = False


@dataclass(frozen=True)
class Table:
    """Rows of text cells (one per column) and the summary rows that close the table."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    summary: tuple[SummaryRow, ...] = ()
    heading: str = ""
    empty_text: str = "No lines."


@dataclass(frozen=True)
class TabularDocument:
    """The general priced document: what :func:`plan_document` lays out.

    Args:
        title: the kind, printed large at the top right ("Invoice", "Statement").
        number: the document's number (or a short identifier), on every page.
        facts: ``(label, value)`` lines under the number: dates, the period.
        parties: at most two blocks side by side on page one.
        tables: one after the other, each with its summary rows.
        notes: ``(heading, text)`` sections after the tables (payment instructions).
        stamp: a word printed in red in every page's header ("CANCELLED"), or "".
        footer: a short line at the bottom right of every page, or "".
    """

    title: str
    number: str
    company: Company
    facts: tuple[tuple[str, str], ...] = ()
    parties: tuple[Party, ...] = ()
    tables: tuple[Table, ...] = ()
    notes: tuple[tuple[str, str], ...] = ()
    stamp: str = ""
    footer: str = ""


@dataclass(frozen=True)
class PricedLine:
    """One itemised line; ``amount`` is what the customer pays for it, after the line's
    discount (``domain.pricing.line_amount(...).net``), as the service computed it: it is
    printed, never recomputed."""

    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    discount_rate: Decimal | None
    amount: Decimal


@dataclass(frozen=True)
class PricedDocument:
    """An invoice or a quotation, as the customer reads it.

    Every amount is a ``Decimal`` computed by the services; dates and references come
    as text (the mapping formats them).  ``subtotal`` is the lines before discount and
    ``discount_total`` their discounts, so the printed lines (after discount) add up to
    the "Subtotal" row (= subtotal − discount); with a discount, "Before discount" and
    "Discount" print above it.  Tax and total follow.  ``paid`` and ``balance`` are ``None`` on a
    quotation (nothing is owed yet); on an invoice they print under the total.
    ``discount_total`` prints only when it is not zero; the discount column only when a
    line has a discount.  ``currency`` (a code or a symbol, "" for none) prints on the
    total and the balance due.

    Args:
        kind: "Invoice" or "Quotation": the title.
        dates: e.g. ``(("Invoice date", "1 Dec 2026"), ("Due date", "31 Dec 2026"))``.
        references: e.g. ``(("Work order", "WO-000012"), ("Unit", "Server room AC"))``.
        notes: ``(heading, text)``, e.g. ``("Payment instructions", "…")``.
    """

    kind: str
    number: str
    company: Company
    bill_to: Party
    lines: tuple[PricedLine, ...]
    subtotal: Decimal
    discount_total: Decimal
    tax_rate: Decimal
    tax: Decimal
    total: Decimal
    dates: tuple[tuple[str, str], ...] = ()
    references: tuple[tuple[str, str], ...] = ()
    paid: Decimal | None = None
    balance: Decimal | None = None
    notes: tuple[tuple[str, str], ...] = ()
    stamp: str = ""
    currency: str = ""
    footer: str = ""


def priced_table(doc: PricedDocument) -> TabularDocument:
    """The invoice/quotation as a :class:`TabularDocument` (one table, its totals)."""
    with_discount = any(line.discount_rate for line in doc.lines) or doc.discount_total != 0
    columns = [
        Column("Description"),
        Column("Qty", 46, "right"),
        Column("Unit", 40),
        Column("Unit price", 70, "right"),
    ]
    if with_discount:
        columns.append(Column("Disc.", 40, "right"))
    columns.append(Column("Amount", 78, "right"))
    rows = []
    for line in doc.lines:
        cells = [line.description, quantity_print(line.quantity), line.unit, money_print(line.unit_price)]
        if with_discount:
            cells.append(percent_print(line.discount_rate))
        cells.append(money_print(line.amount))
        rows.append(tuple(cells))
    summary = []
    if doc.discount_total != 0:
        summary.append(SummaryRow("Before discount", money_print(doc.subtotal)))
        summary.append(SummaryRow("Discount", money_print(-doc.discount_total)))
    summary.append(SummaryRow("Subtotal", money_print(doc.subtotal - doc.discount_total)))
    tax_label = f"Tax ({percent_print(doc.tax_rate)})" if doc.tax_rate else "Tax"
    summary.append(SummaryRow(tax_label, money_print(doc.tax)))
    summary.append(SummaryRow("Total", money_print(doc.total, doc.currency), strong=True))
    if doc.paid is not None:
        summary.append(SummaryRow("Amount paid", money_print(doc.paid)))
    if doc.balance is not None:
        summary.append(SummaryRow("Balance due", money_print(doc.balance, doc.currency), strong=True))
    parties = [doc.bill_to]
    if doc.references:
        parties.append(Party("Reference", fields=doc.references))
    return TabularDocument(
        title=doc.kind,
        number=doc.number,
        company=doc.company,
        facts=doc.dates,
        parties=tuple(parties),
        tables=(Table(tuple(columns), tuple(rows), tuple(summary)),),
        notes=doc.notes,
        stamp=doc.stamp,
        footer=doc.footer,
    )


# ------------------------------------------------------------------ rows
@dataclass
class _Text:
    text: str
    font: str
    size: float
    x: float
    down: float  # baseline, measured down from the row's top
    align: Literal["left", "center", "right"] = "left"
    color: Rgb = BLACK


@dataclass
class _Row:
    """A strip never split across pages; ``down`` values measure from its top."""

    height: float
    texts: list[_Text] = field(default_factory=list)
    rules: list[tuple[float, float, float, float, float, float]] = field(default_factory=list)  # x1 d1 x2 d2 w grey
    bands: list[tuple[float, float, float, float, Rgb]] = field(default_factory=list)  # x, down, width, height
    images: list[tuple[bytes, float, float, float, float]] = field(default_factory=list)  # data, x, down, w, h
    keep_with_next: bool = False
    table: int | None = None  # the table this row continues (its headings repeat on a new page)

    def shifted(self, by: float) -> _Row:
        """This row's content moved ``by`` points down (for stacking)."""
        return _Row(
            self.height,
            [_Text(t.text, t.font, t.size, t.x, t.down + by, t.align, t.color) for t in self.texts],
            [(x1, d1 + by, x2, d2 + by, w, g) for x1, d1, x2, d2, w, g in self.rules],
            [(x, d + by, w, h, c) for x, d, w, h, c in self.bands],
            [(p, x, d + by, w, h) for p, x, d, w, h in self.images],
        )


@dataclass(frozen=True)
class _Fonts:
    regular: str
    bold: str


def _leading(size: float) -> float:
    return size * 1.3


def _line(text: str, font: str, size: float, x: float, *, color: Rgb = BLACK, align: Align = "left") -> _Row:
    ascent, _ = line_metrics(font, size)
    return _Row(_leading(size), [_Text(text, font, size, x, ascent + (_leading(size) - size) / 2, align, color)])


def _paragraph(text: str, font: str, size: float, x: float, width: float, *, color: Rgb = BLACK) -> list[_Row]:
    return [_line(line, font, size, x, color=color) for line in wrap_paragraphs(text, font, size, width)]


def _stack(rows: Sequence[_Row]) -> _Row:
    merged = _Row(0.0)
    for row in rows:
        moved = row.shifted(merged.height)
        merged.texts += moved.texts
        merged.rules += moved.rules
        merged.bands += moved.bands
        merged.images += moved.images
        merged.height += row.height
    return merged


def _side_by_side(*columns: Sequence[_Row]) -> _Row:
    merged = _Row(0.0)
    for rows in columns:
        stacked = _stack(rows)
        merged.texts += stacked.texts
        merged.rules += stacked.rules
        merged.bands += stacked.bands
        merged.images += stacked.images
        merged.height = max(merged.height, stacked.height)
    return merged


def _fitting_size(text: str, font: str, size: float, width: float) -> float:
    """``size``, or the smaller size at which ``text`` fits ``width`` (a number never wraps)."""
    needed = text_width(text, font, size)
    if needed <= width or needed == 0:
        return size
    return max(MIN_NUMBER_SIZE, size * width / needed * 0.999)


# ------------------------------------------------------------------ sections
def _logo(company: Company) -> tuple[bytes, float, float] | None:
    """The company's logo image and its printed width and height within ``LOGO_MAX``, or
    None when there is none or it cannot be read."""
    try:
        data = company.logo or (Path(company.logo_path).read_bytes() if company.logo_path else b"")
    except OSError:
        return None
    printable = _printable_logo(data) if data else None
    if printable is None:
        return None
    data, width, height = printable
    scale = min(LOGO_MAX[0] / width, LOGO_MAX[1] / height)
    return data, width * scale, height * scale


@lru_cache(maxsize=4)
def _printable_logo(data: bytes) -> tuple[bytes, int, int] | None:
    """The logo as it goes into documents, with its size in pixels; None if unreadable.

    A logo with more pixels than the header box shows at ``LOGO_DPI`` is scaled down to
    that once per process, rather than re-encoded at full size into every invoice of a
    batch (reportlab writes image data through a pure-Python ASCII85 encoder: a 470 KB
    logo costs about 0.1 s per PDF)."""
    try:
        with Image.open(BytesIO(data)) as image:
            width, height = image.size
            need = (round(LOGO_MAX[0] * LOGO_DPI / 72), round(LOGO_MAX[1] * LOGO_DPI / 72))
            if width <= need[0] and height <= need[1]:
                ImageReader(BytesIO(data)).getSize()  # reportlab reads it too
                return (data, width, height) if width > 0 and height > 0 else None
            kind = image.format
            small = image.convert("RGBA" if kind == "PNG" and image.mode not in ("RGB", "L") else image.mode)
            small.thumbnail(need, Image.Resampling.LANCZOS)
            out = BytesIO()
            small.save(out, "JPEG" if kind == "JPEG" else "PNG", quality=90)
            return out.getvalue(), small.width, small.height
    except Exception:  # noqa: BLE001 - a missing or broken logo prints no logo
        return None


def _header(doc: TabularDocument, fonts: _Fonts, box: Box) -> _Row:
    """Company on the left, title, number and facts on the right; repeated on every page."""
    facts = [(label, value) for label, value in doc.facts if value.strip()]
    value_width = max((text_width(v, fonts.regular, BODY_SIZE) for _, v in facts), default=0.0)
    label_width = max((text_width(label, fonts.regular, SMALL) for label, _ in facts), default=0.0)
    title_width = text_width(doc.title.upper(), fonts.bold, 18)
    number_width = text_width(doc.number, fonts.bold, 11)
    right_width = min(max(value_width + label_width + 10, title_width, number_width), box.width * 0.45)
    left_width = box.width - right_width - 18
    left_x = box.x
    logo = _logo(doc.company)
    if logo is not None:
        data, logo_width, logo_height = logo
        logo_row = _Row(logo_height + 6)
        logo_row.images.append((data, box.x, 0.0, logo_width, logo_height))
        left_x = box.x + logo_width + 10
        left_width -= logo_width + 10
    company = _paragraph(doc.company.name, fonts.bold, 13, left_x, left_width)
    for detail in doc.company.lines:
        company += _paragraph(detail, fonts.regular, 8.5, left_x, left_width, color=GREY)
    right = [
        _line(doc.title.upper(), fonts.bold, 18, box.right, color=ACCENT, align="right"),
        _line(doc.number, fonts.bold, 11, box.right, align="right"),
        _Row(3.0),
    ]
    value_x = box.right
    for label, value in facts:
        row = _line(value, fonts.regular, BODY_SIZE, value_x, align="right")
        row.texts[0].size = _fitting_size(value, fonts.regular, BODY_SIZE, right_width - label_width - 10)
        row.texts.append(_Text(label, fonts.regular, SMALL, box.right - right_width, row.texts[0].down, "left", GREY))
        right.append(row)
    columns: list[Sequence[_Row]] = [company, right]
    if logo is not None:
        columns.insert(0, [logo_row])
    header = _side_by_side(*columns)
    if doc.stamp:
        header = _with_stamp(header, doc.stamp, fonts, box, right_width)
    header.height += 6
    header.rules.append((box.x, header.height, box.right, header.height, 1.0, 0.0))
    header.height += 12
    return header


def _with_stamp(header: _Row, stamp: str, fonts: _Fonts, box: Box, right_width: float) -> _Row:
    """A framed word in red under the company block, left of the title column."""
    size = 15.0
    width = min(text_width(stamp, fonts.bold, size), box.width - right_width - 60)
    size = _fitting_size(stamp, fonts.bold, size, width)
    ascent, descent = line_metrics(fonts.bold, size)
    pad = 5.0
    frame_h = ascent + descent + 2 * pad
    top = header.height + 6
    x = box.x
    w = text_width(stamp, fonts.bold, size) + 2 * pad
    for bx, bd, bw, bh in ((x, top, w, 1.5), (x, top + frame_h - 1.5, w, 1.5), (x, top, 1.5, frame_h)):
        header.bands.append((bx, bd, bw, bh, STAMP_RED))
    header.bands.append((x + w - 1.5, top, 1.5, frame_h, STAMP_RED))
    header.texts.append(_Text(stamp, fonts.bold, size, x + pad, top + pad + ascent, "left", STAMP_RED))
    header.height = top + frame_h
    return header


def _parties(doc: TabularDocument, fonts: _Fonts, box: Box) -> list[_Row]:
    if not doc.parties:
        return []
    gap = 24.0
    count = min(len(doc.parties), 2)
    width = (box.width - gap * (count - 1)) / count
    blocks = []
    for index, party in enumerate(doc.parties[:2]):
        x = box.x + index * (width + gap)
        rows = [_heading(party.heading, fonts, x, width)]
        if party.name.strip():
            rows += _paragraph(party.name, fonts.bold, 10.5, x, width)
        for line in party.lines:
            rows += _paragraph(line, fonts.regular, BODY_SIZE, x, width)
        label_width = max((text_width(label, fonts.regular, SMALL) for label, _ in party.fields), default=0.0) + 8
        for label, value in party.fields:
            if not value.strip():
                continue
            lines = _paragraph(value, fonts.regular, BODY_SIZE, x + label_width, width - label_width)
            lines[0].texts.append(_Text(label, fonts.regular, SMALL, x, lines[0].texts[0].down, "left", GREY))
            rows += lines
        blocks.append(rows)
    row = _side_by_side(*blocks)
    row.height += 14
    return [row]


def _heading(text: str, fonts: _Fonts, x: float, width: float) -> _Row:
    row = _line(text.upper(), fonts.bold, SMALL, x, color=GREY)
    row.height += 3
    row.rules.append((x, row.height - 1.5, x + width, row.height - 1.5, 0.5, RULE_GREY))
    row.height += 2
    return row


@dataclass(frozen=True)
class _Grid:
    """Where a table's columns sit: left edge and width of each, the gap between them."""

    lefts: tuple[float, ...]
    widths: tuple[float, ...]


CELL_GAP = 8.0


def _grid(table: Table, box: Box) -> _Grid:
    fixed = sum(c.width for c in table.columns if c.width > 0)
    flexible = [c for c in table.columns if c.width <= 0]
    spare = box.width - fixed - CELL_GAP * (len(table.columns) - 1)
    if flexible:
        flex_width = max(spare / len(flexible), 40.0)
        scale = 1.0
    else:
        flex_width = 0.0
        scale = min(1.0, (box.width - CELL_GAP * (len(table.columns) - 1)) / fixed) if fixed else 1.0
    lefts, widths = [], []
    x = box.x
    for column in table.columns:
        width = column.width * scale if column.width > 0 else flex_width
        lefts.append(x)
        widths.append(width)
        x += width + CELL_GAP
    if flexible and x - CELL_GAP > box.right + 0.01:  # too many fixed columns: shrink them all
        squeeze = (box.right - box.x) / (x - CELL_GAP - box.x)
        lefts = [box.x + (left - box.x) * squeeze for left in lefts]
        widths = [w * squeeze for w in widths]
    return _Grid(tuple(lefts), tuple(widths))


def _column_headings(table: Table, index: int, grid: _Grid, fonts: _Fonts, box: Box) -> _Row:
    height = _leading(SMALL) + 6
    row = _Row(height, table=index, keep_with_next=True)
    row.bands.append((box.x, 0.0, box.width, height, BAND))
    ascent, _ = line_metrics(fonts.bold, SMALL)
    down = 3 + ascent + (_leading(SMALL) - SMALL) / 2
    for column, left, width in zip(table.columns, grid.lefts, grid.widths, strict=True):
        x = left + width if column.align == "right" else left
        title = column.title.upper()
        size = _fitting_size(title, fonts.bold, SMALL, width)
        row.texts.append(_Text(title, fonts.bold, size, x, down, column.align, GREY))
    row.height += 3
    return row


def _table_rows(table: Table, index: int, grid: _Grid, fonts: _Fonts, box: Box) -> list[_Row]:
    """One strip per printed line; the lines of one table row keep together unless the row
    is longer than a third of a page (then it breaks between its lines)."""
    rows: list[_Row] = []
    leading = _leading(BODY_SIZE)
    ascent, _ = line_metrics(fonts.regular, BODY_SIZE)
    down = ascent + (leading - BODY_SIZE) / 2 + 2
    if not table.rows:
        empty = _line(table.empty_text, fonts.regular, BODY_SIZE, box.x, color=GREY)
        empty.table = index
        return [empty]
    for cells in table.rows:
        per_column: list[list[str]] = []
        for column, width, cell in zip(table.columns, grid.widths, cells, strict=True):
            if column.width <= 0:
                per_column.append(wrap_paragraphs(cell, fonts.regular, BODY_SIZE, width) or [""])
            else:
                per_column.append([" ".join(cell.split())])
        count = max(len(lines) for lines in per_column)
        strips = [_Row(leading, table=index, keep_with_next=True) for _ in range(count)]
        strips[0].height += 2  # air above the row
        for column, left, width, lines in zip(table.columns, grid.lefts, grid.widths, per_column, strict=True):
            x = left + width if column.align == "right" else left
            for number, text in enumerate(lines):
                if not text:
                    continue
                size = _fitting_size(text, fonts.regular, BODY_SIZE, width)
                strips[number].texts.append(
                    _Text(text, fonts.regular, size, x, down if number == 0 else down - 2, column.align)
                )
        last = strips[-1]
        last.height += 3
        last.rules.append((box.x, last.height - 0.5, box.right, last.height - 0.5, 0.3, RULE_GREY))
        last.keep_with_next = False
        if count * leading > (box.height - FOOTER_HEIGHT) / 3:
            for strip in strips:
                strip.keep_with_next = False
        rows += strips
    return rows


def _summary(table: Table, fonts: _Fonts, box: Box) -> list[_Row]:
    """The summary rows as one block at the right, kept with the table's last line."""
    if not table.summary:
        return []
    value_width = max(
        text_width(row.value, fonts.bold if row.strong else fonts.regular, 10.5 if row.strong else BODY_SIZE)
        for row in table.summary
    )
    value_width = max(value_width, 78.0)
    label_right = box.right - value_width - 14
    block_left = max(box.x + box.width * 0.4, label_right - 150)
    rows: list[_Row] = [_Row(4.0)]
    for summary in table.summary:
        size = 10.5 if summary.strong else BODY_SIZE
        font = fonts.bold if summary.strong else fonts.regular
        row = _line(summary.value, font, size, box.right, align="right")
        row.texts[0].size = _fitting_size(summary.value, font, size, box.right - label_right - 8)
        label_size = _fitting_size(summary.label, font, size, label_right - block_left)
        row.texts.append(_Text(summary.label, font, label_size, label_right, row.texts[0].down, "right"))
        if summary.strong:
            row = _stack([_Row(3.0), row])
            row.rules.append((block_left, 1.5, box.right, 1.5, 0.8, 0.0))
            row.height += 2
        rows.append(row)
    return [_stack(rows)]


def _notes(doc: TabularDocument, fonts: _Fonts, box: Box) -> list[_Row]:
    rows: list[_Row] = []
    for heading, text in doc.notes:
        if not text.strip():
            continue
        title = _heading(heading, fonts, box.x, box.width)
        title.keep_with_next = True
        rows += [_Row(10.0), title]
        body = _paragraph(text, fonts.regular, BODY_SIZE, box.x, box.width)
        for line in body[:2]:
            line.keep_with_next = True  # a heading never ends a page alone
        if body:
            body[-1].keep_with_next = False
        rows += body
    return rows


# ------------------------------------------------------------------ pages
def _paginate(doc: TabularDocument, fonts: _Fonts, box: Box) -> list[list[tuple[_Row, float]]]:
    """Rows placed on pages as ``(row, top y)``."""
    header = _header(doc, fonts, box)
    grids = [_grid(table, box) for table in doc.tables]
    headings = [_column_headings(table, i, grids[i], fonts, box) for i, table in enumerate(doc.tables)]
    flow: list[_Row] = [*_parties(doc, fonts, box)]
    for index, table in enumerate(doc.tables):
        if table.heading:
            title = _heading(table.heading, fonts, box.x, box.width)
            title.keep_with_next = True
            flow.append(title)
        flow.append(headings[index])
        lines = _table_rows(table, index, grids[index], fonts, box)
        summary = _summary(table, fonts, box)
        if summary:
            lines[-1].keep_with_next = True  # the totals never stand alone
        flow += lines + summary
        if index + 1 < len(doc.tables):
            flow.append(_Row(16.0))
    flow += _notes(doc, fonts, box)

    bottom = box.y + FOOTER_HEIGHT
    pages: list[list[tuple[_Row, float]]] = []
    top = box.top
    fresh = 0

    def place(row: _Row) -> None:
        nonlocal top
        pages[-1].append((row, top))
        top -= row.height

    def new_page(continuing: int | None) -> None:
        nonlocal fresh
        pages.append([])
        nonlocal top
        top = box.top
        place(header)
        if continuing is not None:
            place(headings[continuing])
        fresh = len(pages[-1])

    new_page(None)
    capacity = box.top - bottom - header.height - max((h.height for h in headings), default=0.0)
    for index, row in enumerate(flow):
        needed = row.height
        follow = index
        while flow[follow].keep_with_next and follow + 1 < len(flow):
            follow += 1
            needed += flow[follow].height
        if needed > capacity:
            needed = row.height  # a chain longer than a page breaks where it must
        if top - needed < bottom - 0.01 and len(pages[-1]) > fresh:
            continuing = row.table if row.table is not None and row is not headings[row.table] else None
            new_page(continuing)
            if not row.texts and not row.rules and not row.bands:
                continue  # no blank gap at the top of a page
        place(row)
    return pages


def plan_document(doc: TabularDocument, page_size: tuple[float, float] = LETTER) -> DocumentPlan:
    """Lay ``doc`` out on as many pages as its tables take."""
    regular, bold = register_fonts()
    fonts = _Fonts(regular, bold)
    width, height = page_size
    box = Box(MARGIN, MARGIN, width - 2 * MARGIN, height - 2 * MARGIN)
    pages = _paginate(doc, fonts, box)
    planned = []
    for number, rows in enumerate(pages, start=1):
        texts: list[PlanText] = []
        segments: list[Segment] = []
        fills: list[Fill] = []
        images: list[PlacedImage] = []
        for row, top in rows:
            for t in row.texts:
                texts.append(PlanText(place_line(t.text, t.font, t.size, t.x, top - t.down, t.align), t.color))
            segments += [Segment(x1, top - d1, x2, top - d2, w, g) for x1, d1, x2, d2, w, g in row.rules]
            fills += [Fill(Box(x, top - d - h, w, h), c) for x, d, w, h, c in row.bands]
            images += [PlacedImage(p, Box(x, top - d - h, w, h)) for p, x, d, w, h in row.images]
        footer_y = box.y + 2
        page_text = f"{doc.number} · Page {number} of {len(pages)}"
        texts.append(PlanText(place_line(page_text, regular, SMALL, box.x, footer_y), GREY))
        if doc.footer:
            room = box.width - text_width(page_text, regular, SMALL) - 24
            size = _fitting_size(doc.footer, regular, SMALL, room)
            texts.append(PlanText(place_line(doc.footer, regular, size, box.right, footer_y, "right"), GREY))
        planned.append(PlanPage(page_size, tuple(texts), tuple(segments), tuple(fills), tuple(images)))
    title = f"{doc.title} {doc.number}".strip()
    return DocumentPlan(title, page_size, box, tuple(planned))


def plan_priced_document(doc: PricedDocument, page_size: tuple[float, float] = LETTER) -> DocumentPlan:
    """Lay out an invoice or a quotation."""
    return plan_document(priced_table(doc), page_size)


def render_document(
    doc: TabularDocument, out: str | Path | BinaryIO, *, page_size: tuple[float, float] = LETTER
) -> DocumentPlan:
    """Plan ``doc`` and write it as a PDF; returns the plan (its pages)."""
    plan = plan_document(doc, page_size)
    write_plan_pdf(plan, out)
    return plan


def render_priced_document(
    doc: PricedDocument, out: str | Path | BinaryIO, *, page_size: tuple[float, float] = LETTER
) -> DocumentPlan:
    """Plan an invoice or a quotation and write it as a PDF; returns the plan."""
    return render_document(priced_table(doc), out, page_size=page_size)
