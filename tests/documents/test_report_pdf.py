"""The Reports page on paper (``documents/report_pdf.py``): the company header on every
page, the figures, vector charts (no raster image but the logo), the tables with their
headings repeated, text printed as typed, and the page count the writer reports."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.logo_samples import logo_png
from tests.qrscan import rasterise, require_tools
from tuffops_desktop.documents.priced_document import Company
from tuffops_desktop.documents.report_pdf import (
    ChartSeries,
    ReportChart,
    ReportDocument,
    ReportTable,
    Tile,
    axis_step,
    render_report,
)

BLUE = (0.15, 0.39, 0.92)
VIOLET = (0.49, 0.23, 0.93)
COMPANY = Company("Caribe Cooling Services", ("12 Bay Road, Basseterre", "+1-869-555-1234 · office@caribe.example"))


def pages_of(pdf: Path) -> list[str]:
    require_tools()
    out = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8").split("\f")[:-1]


def images_of(pdf: Path) -> list[str]:
    out = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, check=True, text=True).stdout
    return [line for line in out.splitlines()[2:] if line.strip()]


def document(rows: int = 14, **changes: object) -> ReportDocument:
    weeks = tuple(f"{n + 1} Nov" for n in range(rows))
    values = dict(
        title="Report",
        period="1 Sep 2026 – 30 Nov 2026",
        company=COMPANY,
        facts=(("Customer type", "Commercial"),),
        tiles=(
            Tile("Requests received", "113", "51 by QR · 62 by the office"),
            Tile("First-time fix", "91.8 %", "5 call-backs"),
            Tile("Revenue invoiced", "$48,210.50", "$39,100.00 collected"),
        ),
        charts=(
            ReportChart(
                "Requests received per week, by source",
                "stacked",
                weeks,
                (
                    ChartSeries("QR", tuple(float(n % 5) for n in range(rows)), BLUE),
                    ChartSeries("Office", tuple(float(n % 3) for n in range(rows)), VIOLET),
                ),
            ),
            ReportChart(
                "Top customers by revenue",
                "horizontal",
                ("Łódź Küche GmbH", "Acme <b>&amp;</b> Sons"),
                (ChartSeries("Revenue", (9000.0, 4200.5), BLUE),),
                "money",
            ),
            ReportChart("Receivables by age", "bar", (), (), "money"),
        ),
        tables=(
            ReportTable(
                "Requests received per week",
                ("Week of", "QR", "Office", "Total"),
                tuple((w, str(n % 5), str(n % 3), str(n % 5 + n % 3)) for n, w in enumerate(weeks)),
                frozenset({1, 2, 3}),
                note="12 more rows are in the CSV export of this table.",
            ),
            ReportTable("Call-backs", ("Work order", "Unit"), (), empty_text="No call-backs in this period."),
        ),
    )
    values.update(changes)
    return ReportDocument(**values)  # type: ignore[arg-type]


def test_the_report_prints_its_header_figures_charts_and_tables(tmp_path):
    pdf = tmp_path / "report.pdf"
    count = render_report(document(), pdf)
    pages = pages_of(pdf)
    assert count == len(pages) >= 1
    first = pages[0]
    for text in ("Caribe Cooling Services", "12 Bay Road, Basseterre", "REPORT", "1 Sep 2026 – 30 Nov 2026"):
        assert text in first
    assert "Customer type" in first and "Commercial" in first
    assert "113" in first and "$48,210.50" in first and "51 by QR · 62 by the office" in first
    whole = "\n".join(pages)
    assert "Requests received per week, by source" in whole  # chart titles and axis labels are text
    assert "Łódź Küche GmbH" in whole and "Acme <b>&amp;</b> Sons" in whole  # printed as typed
    assert "No call-backs in this period." in whole
    assert "12 more rows are in the CSV export of this table." in whole
    assert "Nothing in this period." in whole  # the empty chart says so
    for number, page in enumerate(pages, start=1):
        assert "Caribe Cooling Services" in page  # the header on every page
        assert f"Page {number} of {len(pages)}" in page
    assert images_of(pdf) == []  # the charts are vector drawings, not pictures


def test_a_long_table_continues_on_more_pages_under_its_headings(tmp_path):
    pdf = tmp_path / "long.pdf"
    count = render_report(document(rows=120), pdf)
    pages = pages_of(pdf)
    assert count == len(pages) >= 3
    with_table = [p for p in pages if "1 Nov" in p and "Total" in p]
    assert len(with_table) >= 2
    assert all("Week of" in p for p in with_table)  # the column headings repeat
    assert "120 Nov" in pages[-1]  # the last row ends the report


def test_the_logo_prints_in_the_header_of_every_page(tmp_path):
    pdf = tmp_path / "logo.pdf"
    logo = logo_png(300, 90, mode="RGB")
    count = render_report(document(rows=120, company=Company(COMPANY.name, COMPANY.lines, logo=logo)), pdf)
    shown = images_of(pdf)
    assert len({line.split()[10] for line in shown}) == 1  # one image object, drawn on each page
    assert len(shown) == count
    png = rasterise(pdf, 40, first=1, last=1)[0]
    assert png.stat().st_size > 0


@pytest.mark.parametrize(
    ("largest", "whole", "step"),
    [(0, True, 1), (3, True, 1), (7, True, 2), (10, True, 2), (48210.5, True, 10000), (0.9, False, 0.2), (4, False, 1)],
)
def test_axis_steps_are_round_and_whole_for_counts(largest, whole, step):
    assert axis_step(largest, whole=whole) == step
