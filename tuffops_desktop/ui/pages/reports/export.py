"""The Reports page to files: each table as CSV, the whole page as a PDF.

Both are written on the runner (``ui.csv_transfer.export_csv`` for CSV, ``Ops.run`` for
the PDF), whole or not at all (``files.whole_file``). CSV cells go through the
spreadsheet guard (``services.csv_io.SpreadsheetSafeWriter``: a customer called
``=HYPERLINK(…)`` stays text), numbers as plain numbers with a point, dates as ISO 8601,
so any spreadsheet reads them whatever its locale. The PDF is drawn by
``documents.report_pdf`` (reportlab's own vector charts) with the company header read
from Settings on the runner.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from tuffops_desktop.documents.priced_document import Company
from tuffops_desktop.documents.report_pdf import (
    ChartSeries,
    ReportChart,
    ReportDocument,
    ReportTable,
    Tile,
    render_report,
)
from tuffops_desktop.domain.progress import Progress, Steps
from tuffops_desktop.files import whole_file
from tuffops_desktop.i18n import _
from tuffops_desktop.services.csv_io import SpreadsheetSafeWriter
from tuffops_desktop.services.invoice_documents import SettingsSource, company_from_settings
from tuffops_desktop.ui.formatting import count_text
from tuffops_desktop.ui.pages.reports.view import Cell, ReportView, TableSpec, period_text

PDF_TABLE_ROWS = 40  # rows of a table on paper; a longer one (the call-backs) says where the rest is


def csv_cell(value: Cell) -> str | int | float:
    """A value as a CSV cell: numbers plain, dates ISO, nothing as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def write_table_csv(out: TextIO, table: TableSpec, progress: Progress | None = None) -> int:
    """``table``'s columns and raw rows to ``out``; returns the number of rows."""
    writer = SpreadsheetSafeWriter(out)
    writer.writerow(table.columns)
    steps = Steps(progress, len(table.raw), every=200)
    steps.start()
    for row in table.raw:
        writer.writerow([csv_cell(v) for v in row])
        steps.advance()
    return len(table.raw)


def _rgb(colour: str) -> tuple[float, float, float]:
    colour = colour.lstrip("#")
    red, green, blue = (int(colour[n : n + 2], 16) / 255 for n in (0, 2, 4))
    return red, green, blue


def report_document(view: ReportView, facts: tuple[tuple[str, str], ...]) -> ReportDocument:
    """The PDF's content for ``view`` (the company is filled in on the runner)."""
    return ReportDocument(
        title=_("Report"),
        period=period_text(view.period),
        company=Company(name=""),
        facts=facts,
        tiles=tuple(Tile(t.title, t.value, t.detail) for t in view.tiles),
        charts=tuple(
            ReportChart(
                c.title,
                c.kind,
                tuple(
                    label if not label.startswith("\u200b") else "" for label in (c.short_categories or c.categories)
                ),
                tuple(ChartSeries(s.name, s.values, _rgb(s.colour)) for s in c.series),
                c.value_kind,
                c.legend,
            )
            for c in view.charts
        ),
        tables=tuple(_printed_table(t) for t in view.tables),
    )


def _printed_table(table: TableSpec) -> ReportTable:
    """A table as printed: at most ``PDF_TABLE_ROWS`` rows, the rest named under it."""
    rows = table.text[:PDF_TABLE_ROWS]
    left = len(table.text) - len(rows)
    note = _("{count} more rows are in the CSV export of this table.").format(count=count_text(left)) if left else ""
    return ReportTable(table.title, table.columns, rows, table.right, _("Nothing in this period."), note)


def write_report_pdf(settings: SettingsSource, document: ReportDocument, path: Path) -> int:
    """On the runner: the company header from Settings, then the PDF at ``path`` (whole or
    not at all); returns its page count."""
    company = company_from_settings(settings)
    with whole_file(path) as temp:
        return render_report(replace(document, company=company), temp)
