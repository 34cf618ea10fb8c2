"""The job sheet PDF: every field printed as typed, the unit's QR code scans, nothing is
drawn outside the margins, long texts shrink and then continue on further pages."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from html import unescape
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageOps

from tests.qrscan import decode, pdf_text, rasterise, require_tools
from tuffops_desktop.documents.fonts import FONT_REGULAR, register_fonts
from tuffops_desktop.documents.geometry import Box
from tuffops_desktop.documents.job_sheet import (
    BODY_SIZES,
    MARGIN,
    PAGE_SIZES,
    JobSheet,
    plan_job_sheet,
    render_job_sheet,
)
from tuffops_desktop.documents.text_fit import text_width, wrap_paragraphs

URL = "https://service.example.com/u/3f2b8c1e-9a4d-4e6b-8f1a-2c3d4e5f6a7b"
HOSTILE = "<b>x</b> &amp; ' \" \\ 😀 Łódź"
REQUESTS = (
    "The unit in the server room drips water onto the floor and rattles when it starts.\n"
    "Please also check the outdoor unit on the roof; the gate code is 4411."
)


def sheet(**changes: object) -> JobSheet:
    base = JobSheet(
        number="WO-000012",
        company_name="Cool Breeze HVAC Ltd.",
        company_details=("+1-869-465-1111 · office@coolbreeze.example", "12 Bay Road, Basseterre"),
        facts=(
            ("Status", "Pending"),
            ("Type", "Repair"),
            ("Technician", "Tess Morton (tess)"),
            ("Due", "Tue 1 Dec 2026, 09:00"),
            ("Booked", "Mon 30 Nov 2026, 14:00 · Afternoon"),
            ("Estimated time", "2.5 h"),
        ),
        unit_title="Server room AC",
        unit_fields=(
            ("Model", "Mitsubishi Electric MSZ-GL09NA (Split AC)"),
            ("Serial", "A12-345678"),
            ("Site", "44 Cayon Street, Basseterre KN0101"),
        ),
        qr_url=URL,
        qr_caption="3F2B8C1E",
        customer_name="Ann Liburd",
        customer_fields=(
            ("Address", "44 Cayon Street, Basseterre"),
            ("Phone", "+1-869-555-1234"),
            ("E-mail", "ann@example.com"),
        ),
        request_heading="From request R-000034",
        request_fields=(("Contact", "Ann, after 5 pm"), ("Preferred", "Mon 30 Nov 2026 · Afternoon")),
        customer_requests=REQUESTS,
        notes=(("olga · Mon 30 Nov 2026, 10:12", "Customer has a dog; ring twice."),),
        footer="Printed Mon 30 Nov 2026, 10:15 by olga",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def flat(text: str) -> str:
    return " ".join(text.split())


def printed(pdf: Path) -> str:
    return flat(pdf_text(pdf))


def words_in_order(words: list[str], text: str) -> bool:
    """Whether ``words`` appear in ``text`` in this order (other text may come between)."""
    stream = iter(text.split())
    return all(any(word == got for got in stream) for word in words)


def word_boxes(pdf: Path) -> list[tuple[int, Box, str]]:
    """(page, box in PDF points with origin bottom-left, word) from ``pdftotext -bbox``."""
    require_tools()
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True, timeout=60
    ).stdout.decode("utf-8")
    boxes: list[tuple[int, Box, str]] = []
    for page, chunk in enumerate(html.split("<page ")[1:], start=1):
        height = float(re.search(r'height="([\d.]+)"', chunk).group(1))  # type: ignore[union-attr]
        for x0, y0, x1, y1, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', chunk
        ):
            boxes.append(
                (page, Box(float(x0), height - float(y1), float(x1) - float(x0), float(y1) - float(y0)), unescape(word))
            )
    return boxes


def assert_ink_inside_margins(png: Path, page_size: tuple[float, float], dpi: int) -> None:
    """Every non-white pixel of the page lies inside the margin box (give or take half a
    point of anti-aliasing at a mark that starts exactly on the margin)."""
    image = Image.open(png).convert("L")
    scale = dpi / 72.0
    assert abs(image.width - page_size[0] * scale) <= 2 and abs(image.height - page_size[1] * scale) <= 2
    ink = ImageOps.invert(image).point(lambda v: 255 if v > 12 else 0).getbbox()
    assert ink is not None, "an empty page"
    left, top, right, bottom = ink
    limit = (MARGIN - 0.5) * scale
    assert left >= limit and top >= limit, ink
    assert right <= image.width - limit and bottom <= image.height - limit, ink


# ------------------------------------------------------------------ content


def test_a_normal_sheet_prints_every_field_on_one_page_and_its_code_scans(tmp_path):
    pdf = tmp_path / "sheet.pdf"
    plan = render_job_sheet(sheet(), pdf)
    assert len(plan.pages) == 1 and plan.body_size == BODY_SIZES[0]
    text = printed(pdf)
    data = sheet()
    expected = [
        data.number,
        data.company_name,
        *data.company_details,
        data.unit_title,
        data.qr_caption,
        data.customer_name,
        data.request_heading.upper(),
        data.notes[0][0],
        data.notes[0][1],
        data.footer,
        *(v for _, v in data.facts + data.unit_fields + data.customer_fields + data.request_fields),
    ]
    missing = [value for value in expected if flat(value) not in text]
    assert missing == []
    assert flat(REQUESTS) in text
    for heading in ("CUSTOMER REQUESTS", "INTERNAL NOTES", "TECHNICIAN'S NOTES", "Signature", "Page 1 of 1"):
        assert heading in text
    [png] = rasterise(pdf, 300)
    assert decode(png) == {URL: 1}
    assert_ink_inside_margins(png, PAGE_SIZES["letter"], 300)


def test_hostile_text_prints_exactly_as_typed_everywhere(tmp_path):
    pdf = tmp_path / "hostile.pdf"
    render_job_sheet(
        sheet(
            company_name=HOSTILE,
            unit_title=HOSTILE,
            customer_name=HOSTILE,
            customer_fields=(("Address", HOSTILE),),
            request_fields=(("Contact", HOSTILE),),
            customer_requests=f"{HOSTILE}\n{HOSTILE}",
            notes=((HOSTILE, HOSTILE),),
        ),
        pdf,
    )
    text = pdf_text(pdf)
    assert text.count(HOSTILE) == 9  # company, unit, customer, address, contact, two request lines, note by + text
    assert "&lt;" not in text and "<b>x</b> &amp;" in text and "😀" in text


def test_a_stock_unit_without_customer_and_without_request(tmp_path):
    pdf = tmp_path / "stock.pdf"
    render_job_sheet(
        sheet(
            customer_name="", customer_fields=(), request_heading="", request_fields=(), notes=(), customer_requests=""
        ),
        pdf,
    )
    text = printed(pdf)
    assert "No customer: a stock unit" in text and "(nothing written)" in text
    assert "Ann Liburd" not in text and "From request" not in text.title() and "INTERNAL NOTES" not in text
    [png] = rasterise(pdf, 300)
    assert decode(png) == {URL: 1}


def test_a4_paper_keeps_the_margins_too(tmp_path):
    pdf = tmp_path / "a4.pdf"
    render_job_sheet(sheet(), pdf, page_size=PAGE_SIZES["a4"])
    [png] = rasterise(pdf, 100)
    assert_ink_inside_margins(png, PAGE_SIZES["a4"], 100)


# ------------------------------------------------------------------ long texts


def test_a_long_request_shrinks_to_stay_on_one_page(tmp_path):
    text = ("Loud rattle and dripping water near the fan coil. " * 40).strip()  # 2,000 characters
    pdf = tmp_path / "long.pdf"
    plan = render_job_sheet(sheet(customer_requests=text), pdf)
    assert len(plan.pages) == 1 and plan.body_size < BODY_SIZES[0]
    assert flat(text) in printed(pdf)


def test_very_long_texts_continue_on_more_pages_and_nothing_is_cut(tmp_path):
    requests = ("Loud rattle and dripping water near the fan coil. " * 40).strip()
    unbreakable = "https://photos.example.com/" + "x" * 180  # one word wider than the page
    notes = tuple(
        (f"olga · note {n}", f"Note {n}: " + ("gate code 4411, dog in the yard, " * 30).strip()) for n in range(12)
    )
    pdf = tmp_path / "many.pdf"
    plan = render_job_sheet(sheet(customer_requests=f"{requests}\n{unbreakable}", notes=notes), pdf)
    pages = len(plan.pages)
    assert pages >= 3 and plan.body_size == BODY_SIZES[-1]
    text = printed(pdf)
    assert words_in_order(requests.split(), text)
    for by, body in notes:
        assert words_in_order([*by.split(), *body.split()], text)
    assert (
        "".join(t.line.text for page in plan.pages for t in page.texts if t.line.text[:1] in "hx").count("x" * 180) == 1
    )  # the long word is broken between characters, every character kept
    for number in range(1, pages + 1):
        assert f"Page {number} of {pages}" in text
    assert text.count("WO-000012 (continued)") == pages - 1
    assert text.count("TECHNICIAN'S NOTES") == 1 and text.index("TECHNICIAN'S NOTES") > text.rindex("(continued)")
    for index, png in enumerate(rasterise(pdf, 72), start=1):
        assert_ink_inside_margins(png, PAGE_SIZES["letter"], 72), index
    inner = Box(MARGIN, MARGIN, PAGE_SIZES["letter"][0] - 2 * MARGIN, PAGE_SIZES["letter"][1] - 2 * MARGIN)
    outside = [(page, word) for page, box, word in word_boxes(pdf) if not inner.contains(box, tolerance=0.5)]
    assert outside == []


def test_long_field_values_wrap_instead_of_being_cut(tmp_path):
    long_name = "Sugar Bay Resort & Spa — Facilities Management Department, Building C, " * 4
    pdf = tmp_path / "fields.pdf"
    plan = render_job_sheet(
        sheet(
            customer_name=long_name, unit_title="Rooftop unit " * 9, customer_fields=(("Address", "Long Street " * 16),)
        ),
        pdf,
    )
    text = printed(pdf)
    assert words_in_order(long_name.split(), text) and words_in_order(("Long Street " * 16).split(), text)
    assert all(not t.line.text.endswith("…") for page in plan.pages for t in page.texts)


# ------------------------------------------------------------------ the plan, for any text


printable = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=printable,
    title=printable,
    requests=st.text(max_size=2000),
    note=printable,
    size=st.sampled_from(sorted(PAGE_SIZES)),
)
def test_every_mark_of_the_plan_stays_inside_the_margins(name, title, requests, note, size):
    page_size = PAGE_SIZES[size]
    plan = plan_job_sheet(
        sheet(
            customer_name=name,
            unit_title=title,
            customer_requests=requests,
            notes=((note, note),) if note.strip() else (),
        ),
        page_size,
    )
    box = plan.margin_box
    assert box == Box(MARGIN, MARGIN, page_size[0] - 2 * MARGIN, page_size[1] - 2 * MARGIN)
    for page in plan.pages:
        for text in page.texts:
            assert box.contains(text.line.box, tolerance=0.01), text
        for s in page.segments:
            assert box.contains(
                Box(min(s.x1, s.x2), min(s.y1, s.y2) - s.width / 2, abs(s.x2 - s.x1), abs(s.y2 - s.y1) + s.width),
                tolerance=0.01,
            ), s
        for code in page.codes:
            assert box.contains(code.box)
    assert len(plan.pages[0].codes) == 1


@pytest.mark.parametrize("text", ["", "\n\n", "one", "a\n\n\n\nb", "x" * 500, "  spaced   words\there  "])
def test_wrapped_paragraphs_keep_every_character(text):
    register_fonts()
    lines = wrap_paragraphs(text, FONT_REGULAR, 10, 120)
    assert all(text_width(line, FONT_REGULAR, 10) <= 120 for line in lines)
    assert "".join("".join(lines).split()) == "".join(text.split())
    assert "" not in (lines[:1] + lines[-1:])  # no blank line at either end
