"""The Reports page on paper: KPI figures, charts and their tables, with the company header.

Charts are drawn with reportlab's own chart library (``reportlab.graphics.charts``), so
they are vector graphics in the PDF (sharp at any zoom, text searchable) and no Qt is
needed here.  The page is laid out with platypus: the figures as a grid of boxes, the
charts two to a row, then one table per chart with the numbers behind it.

The header is the one every office document has (logo, company name and details on the
left; the title, the period and the facts on the right; a rule under it): it is planned
by the shared renderer (``documents/priced_document.plan_document`` of a document with
no tables) and drawn at the top of every page; each page ends with "Report · Page N of M".

Input is plain data: every value arrives as text already formatted by the caller (the
app formats in the user's locale), except the numbers a chart plots, which are floats
used only to draw bars (the printed numbers are the caller's text).  Text is never
parsed as markup: ``<b>`` and ``&`` print as typed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from math import ceil, floor, log10
from pathlib import Path
from typing import Any, BinaryIO, Literal
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from tuffops_desktop.documents.fonts import register_fonts
from tuffops_desktop.documents.page_plan import DocumentPlan, PlanPage, Rgb
from tuffops_desktop.documents.priced_document import FOOTER_HEIGHT, MARGIN, Company, TabularDocument, plan_document

__all__ = [
    "Tile",
    "ChartSeries",
    "ReportChart",
    "ReportTable",
    "ReportDocument",
    "render_report",
    "axis_step",
]

GREY: Rgb = (0.4, 0.4, 0.4)
TILE_BORDER: Rgb = (0.82, 0.84, 0.87)
BAND: Rgb = (0.925, 0.935, 0.95)
CHART_HEIGHT = 190.0  # points: a chart's drawing, title and legend included
CHART_GAP = 14.0
TILES_PER_ROW = 4
MAX_CATEGORY_LABEL = 30  # characters of a bar's label before it is shortened with "…"
LEGEND_SIZE = 7.0
LEGEND_ROW = 12.0

ValueKind = Literal["count", "money", "hours", "percent"]


# ------------------------------------------------------------------ the input
@dataclass(frozen=True)
class Tile:
    """One key figure: its name, its value and a small line under it (a comparison)."""

    label: str
    value: str
    detail: str = ""


@dataclass(frozen=True)
class ChartSeries:
    """One set of bars: its name (in the legend), a value per category and its colour."""

    name: str
    values: tuple[float, ...]
    color: Rgb


@dataclass(frozen=True)
class ReportChart:
    """A bar chart as on the page.

    ``kind``: "bar" (series side by side), "stacked" (series on top of each other) or
    "horizontal" (one bar per category, longest first as given, for rankings).
    ``value_kind``: how the value axis is labelled: whole numbers ("count"), amounts
    ("money", no cents), hours, or percentages.
    """

    title: str
    kind: Literal["bar", "stacked", "horizontal"]
    categories: tuple[str, ...]
    series: tuple[ChartSeries, ...]
    value_kind: ValueKind = "count"
    legend: bool = True  # drawn when there are several series


@dataclass(frozen=True)
class ReportTable:
    """The numbers behind a chart (or a list such as the call-backs): a title, column
    headings (``right`` marks the number columns) and rows of text."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    right: frozenset[int] = frozenset()
    empty_text: str = "Nothing in this period."
    note: str = ""  # a line under the table (rows left out, where to find them)


@dataclass(frozen=True)
class ReportDocument:
    """The whole Reports page as printed.

    Args:
        title: printed large at the top right ("Report").
        period: the period in words, under the title ("1 Nov 2026 – 30 Nov 2026").
        company: the sender block (``services.invoice_documents.company_from_settings``).
        facts: ``(label, value)`` lines under the period: the filters, when printed.
        tiles: the key figures, four to a row.
        charts: two to a row, in this order.
        tables: one after the other, after the charts.
    """

    title: str
    period: str
    company: Company
    facts: tuple[tuple[str, str], ...] = ()
    tiles: tuple[Tile, ...] = ()
    charts: tuple[ReportChart, ...] = ()
    tables: tuple[ReportTable, ...] = field(default=())


# ------------------------------------------------------------------ numbers on axes
def axis_step(largest: float, ticks: int = 5, *, whole: bool = True) -> float:
    """A round step (1, 2, 2.5, 5 × 10ⁿ) that covers ``largest`` in about ``ticks`` steps;
    at least 1 for whole numbers, so a count axis never shows 0.5."""
    if largest <= 0:
        return 1.0
    raw = largest / ticks
    magnitude = 10 ** floor(log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if whole:
        step = max(1.0, float(ceil(step)))
    return float(step)


def _axis_text(kind: ValueKind) -> Callable[[float], str]:
    if kind == "percent":
        return lambda v: f"{v:,.0f}%"
    if kind == "hours":
        return lambda v: f"{v:,.0f} h"
    return lambda v: f"{v:,.0f}"


def _short(text: str, limit: int = MAX_CATEGORY_LABEL) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# ------------------------------------------------------------------ charts
def _color(rgb: Rgb) -> colors.Color:
    return colors.Color(*rgb)


def _legend_layout(chart: ReportChart, width: float, font: str) -> tuple[int, float]:
    """Rows of the legend (0: none) and the width of one entry, so that every series'
    name fits across ``width``."""
    if len(chart.series) < 2 or not chart.legend:
        return 0, 0.0
    entry = max(stringWidth(s.name, font, LEGEND_SIZE) for s in chart.series) + 6 + 14  # swatch and gap
    per_row = max(1, int(width // entry))
    return ceil(len(chart.series) / per_row), entry


def chart_drawing(chart: ReportChart, width: float, height: float = CHART_HEIGHT) -> Drawing:
    """``chart`` as a vector drawing of ``width`` × ``height`` points: title, bars, axes
    with whole-number steps and a legend when there is more than one series."""
    regular, bold = register_fonts()
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 11, chart.title, fontName=bold, fontSize=9.5, fillColor=colors.black))
    legend_rows, entry_width = _legend_layout(chart, width, regular)
    legend_height = legend_rows * LEGEND_ROW + 2 if legend_rows else 0.0
    top = height - 20 - legend_height
    if not chart.categories or not chart.series:
        drawing.add(
            String(0, top - 20, "Nothing in this period.", fontName=regular, fontSize=8, fillColor=_color(GREY))
        )
        return drawing
    horizontal = chart.kind == "horizontal"
    longest_label = max((len(_short(c)) for c in chart.categories), default=0)
    bars: VerticalBarChart | HorizontalBarChart
    if horizontal:
        bars = HorizontalBarChart()
        label_room = min(width * 0.42, 8 + 4.3 * longest_label)
        bars.x, bars.y = label_room, 16
        bars.width, bars.height = width - label_room - 12, top - 22
    else:
        bars = VerticalBarChart()
        bars.x, bars.y = 40, 30
        bars.width, bars.height = width - 46, top - 36
    bars.data = [list(s.values) for s in chart.series]
    bars.categoryAxis.categoryNames = [_short(c) for c in chart.categories]
    for axis in (bars.categoryAxis, bars.valueAxis):
        axis.labels.fontName = regular
        axis.labels.fontSize = 6.5
        axis.strokeColor = _color(TILE_BORDER)
    if chart.kind == "stacked":
        bars.categoryAxis.style = "stacked"
        largest = max((sum(s.values[i] for s in chart.series) for i in range(len(chart.categories))), default=0.0)
    else:
        largest = max((max(s.values, default=0.0) for s in chart.series), default=0.0)
    step = axis_step(largest, whole=chart.value_kind != "percent" or largest > 5)
    bars.valueAxis.valueMin = 0
    bars.valueAxis.valueMax = max(step, ceil(largest / step) * step)
    bars.valueAxis.valueStep = step
    bars.valueAxis.labelTextFormat = _axis_text(chart.value_kind)
    bars.valueAxis.visibleGrid = True
    bars.valueAxis.gridStrokeColor = colors.Color(0.9, 0.91, 0.93)
    bars.valueAxis.gridStrokeWidth = 0.5
    if horizontal:
        bars.categoryAxis.labels.boxAnchor = "e"
        bars.categoryAxis.labels.dx = -3
        bars.categoryAxis.reverseDirection = True  # the first category (the largest) on top
    elif len(chart.categories) > 8:
        bars.categoryAxis.labels.angle = 35
        bars.categoryAxis.labels.boxAnchor = "ne"
        bars.categoryAxis.labels.dy = -2
    bars.barSpacing = 1
    count = len(chart.categories)
    # a ranking of two or three keeps slim bars instead of two slabs, as on screen
    bars.groupSpacing = 4 if count > 10 else (8 if count > 4 or not horizontal else 8 * (6 - count))
    for index, series in enumerate(chart.series):
        bars.bars[index].fillColor = _color(series.color)
        bars.bars[index].strokeColor = None
    drawing.add(bars)
    if legend_rows:
        legend = Legend()
        legend.x, legend.y = 0, height - 18
        legend.fontName = regular
        legend.fontSize = LEGEND_SIZE
        legend.alignment = "right"
        legend.columnMaximum = legend_rows  # entries fill each column top-down
        legend.deltax = entry_width
        legend.deltay = LEGEND_ROW
        legend.dx = legend.dy = 6
        legend.boxAnchor = "nw"
        legend.colorNamePairs = [(_color(s.color), s.name) for s in chart.series]
        drawing.add(legend)
    return drawing


# ------------------------------------------------------------------ the page's parts
@dataclass(frozen=True)
class _Styles:
    regular: str
    bold: str

    def paragraph(self, size: float, *, bold: bool = False, color: Rgb = (0, 0, 0), align: int = 0) -> ParagraphStyle:
        return ParagraphStyle(
            f"p{size}{bold}{color}{align}",
            fontName=self.bold if bold else self.regular,
            fontSize=size,
            leading=size * 1.25,
            textColor=_color(color),
            alignment=align,
        )


def _text(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text: markup characters print as typed."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _tiles(tiles: Sequence[Tile], width: float, styles: _Styles) -> Table:
    cells: list[Any] = [
        [
            _text(tile.value, styles.paragraph(15, bold=True)),
            _text(tile.label, styles.paragraph(7.5, color=GREY)),
            *([_text(tile.detail, styles.paragraph(7, color=GREY))] if tile.detail else []),
        ]
        for tile in tiles
    ]
    rows = [cells[n : n + TILES_PER_ROW] for n in range(0, len(cells), TILES_PER_ROW)]
    rows[-1] += [""] * (TILES_PER_ROW - len(rows[-1]))
    column = width / TILES_PER_ROW
    table = Table(rows, colWidths=[column] * TILES_PER_ROW, hAlign="LEFT")
    style: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 7),
        ("RIGHTPADDING", (0, 0), (-1, -1), 7),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
    ]
    for row_index, row in enumerate(rows):
        for col_index, cell in enumerate(row):
            if cell != "":
                style.append(("BOX", (col_index, row_index), (col_index, row_index), 0.75, _color(TILE_BORDER)))
    table.setStyle(TableStyle(style))
    return table


def _charts(charts: Sequence[ReportChart], width: float) -> list[Flowable]:
    """Charts two to a row (a last odd one alone, full width)."""
    out: list[Flowable] = []
    half = (width - CHART_GAP) / 2
    for n in range(0, len(charts), 2):
        pair = charts[n : n + 2]
        if len(pair) == 2:
            row = Table(
                [[chart_drawing(pair[0], half), chart_drawing(pair[1], half)]],
                colWidths=[half + CHART_GAP / 2, half + CHART_GAP / 2],
                hAlign="LEFT",
            )
            row.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
            out.append(row)
        else:
            out.append(chart_drawing(pair[0], width))
        out.append(Spacer(1, 12))
    return out


def _table(table: ReportTable, width: float, styles: _Styles) -> list[Flowable]:
    heading = _text(table.title, styles.paragraph(10, bold=True))
    if not table.rows:
        return [KeepTogether([heading, Spacer(1, 3), _text(table.empty_text, styles.paragraph(8, color=GREY))])]
    head = [
        _text(c, styles.paragraph(7.5, bold=True, align=2 if i in table.right else 0))
        for i, c in enumerate(table.columns)
    ]
    body = [
        [_text(v, styles.paragraph(8, align=2 if i in table.right else 0)) for i, v in enumerate(row)]
        for row in table.rows
    ]
    grid = Table([head, *body], colWidths=_column_widths(table, width, styles), repeatRows=1, hAlign="LEFT")
    grid.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), _color(BAND)),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, _color(TILE_BORDER)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    note = [Spacer(1, 3), _text(table.note, styles.paragraph(7.5, color=GREY))] if table.note else []
    return [CondPageBreak(60), heading, Spacer(1, 4), grid, *note]


def _column_widths(table: ReportTable, width: float, styles: _Styles) -> list[float]:
    """Each column as wide as its widest text (plus padding) when they all fit, the spare
    width shared out; otherwise the narrow columns keep their width and the wide ones
    share the rest (their text wraps)."""
    pad = 13.0
    need = [
        max(
            stringWidth(title, styles.bold, 7.5),
            *(stringWidth(row[i], styles.regular, 8) for row in table.rows if i < len(row)),
        )
        + pad
        for i, title in enumerate(table.columns)
    ]
    if sum(need) <= width:
        return [n * width / sum(need) for n in need]
    fair = width / len(need)
    narrow = sum(n for n in need if n <= fair)
    wide = sum(n for n in need if n > fair)
    return [n if n <= fair else n * (width - narrow) / wide for n in need]


# ------------------------------------------------------------------ header and pages
def _header_plan(doc: ReportDocument, page_size: tuple[float, float]) -> tuple[PlanPage, float]:
    """The shared office-document header for ``doc`` (without the renderer's footer),
    and the height it takes from the top margin."""
    plan: DocumentPlan = plan_document(
        TabularDocument(title=doc.title, number=doc.period, company=doc.company, facts=doc.facts), page_size
    )
    page = plan.pages[0]
    bottom_zone = plan.margin_box.y + FOOTER_HEIGHT
    texts = tuple(t for t in page.texts if t.line.baseline > bottom_zone)
    rule = min((s.y1 for s in page.segments), default=plan.margin_box.top)
    header = PlanPage(page.size_pt, texts, page.segments, page.fills, page.images)
    return header, plan.margin_box.top - rule + 12


def _draw_header(canvas: Canvas, header: PlanPage, readers: dict[bytes, ImageReader]) -> None:
    for fill in header.fills:
        canvas.setFillColorRGB(*fill.color)
        canvas.rect(fill.box.x, fill.box.y, fill.box.width, fill.box.height, stroke=0, fill=1)
    for segment in header.segments:
        canvas.setLineWidth(segment.width)
        canvas.setStrokeGray(segment.gray)
        canvas.line(segment.x1, segment.y1, segment.x2, segment.y2)
    for image in header.images:
        reader = readers.get(image.data)
        if reader is None:
            reader = readers[image.data] = ImageReader(BytesIO(image.data))
        box = image.box
        canvas.drawImage(
            reader, box.x, box.y, box.width, box.height, preserveAspectRatio=True, anchor="sw", mask="auto"
        )
    for text in header.texts:
        canvas.setFillColorRGB(*text.color)
        canvas.setFont(text.line.font, text.line.size)
        canvas.drawString(text.line.box.x, text.line.baseline, text.line.text)


def _numbered_canvas(footer: Callable[[Canvas, int, int], None]) -> type[Canvas]:
    """A canvas that holds its pages back until the end, so each page can say "of M"."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                footer(self, number, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def render_report(doc: ReportDocument, out: str | Path | BinaryIO, *, page_size: tuple[float, float] = LETTER) -> int:
    """Write ``doc`` as a PDF to ``out`` (a path or a binary stream); returns the page count."""
    regular, bold = register_fonts()
    styles = _Styles(regular, bold)
    header, header_height = _header_plan(doc, page_size)
    width, height = page_size
    frame = Frame(
        MARGIN,
        MARGIN + FOOTER_HEIGHT,
        width - 2 * MARGIN,
        height - 2 * MARGIN - FOOTER_HEIGHT - header_height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    readers: dict[bytes, ImageReader] = {}
    pages = [0]

    def on_page(canvas: Canvas, _doc: Any) -> None:
        pages[0] += 1
        _draw_header(canvas, header, readers)

    def footer(canvas: Canvas, number: int, total: int) -> None:
        canvas.setFillColorRGB(*GREY)
        canvas.setFont(regular, 7.5)
        canvas.drawString(MARGIN, MARGIN + 2, f"{doc.title} · {doc.period} · Page {number} of {total}")

    target = str(out) if isinstance(out, (str, Path)) else out
    template = BaseDocTemplate(
        target,
        pagesize=page_size,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"{doc.title} {doc.period}",
        creator="TuffOps Desktop",
    )
    template.addPageTemplates([PageTemplate(id="report", frames=[frame], onPage=on_page)])
    body_width = frame._width
    story: list[Flowable] = []
    if doc.tiles:
        story += [_tiles(doc.tiles, body_width, styles), Spacer(1, 14)]
    story += _charts(doc.charts, body_width)
    for table in doc.tables:
        story += _table(table, body_width, styles)
        story.append(Spacer(1, 12))
    if not story:
        story.append(_text("Nothing to report.", styles.paragraph(9, color=GREY)))
    template.build(story, canvasmaker=_numbered_canvas(footer))
    return pages[0]
