"""The company logo on paper: given as the image's bytes (the Settings logo), it is
embedded once as an image XObject, drawn in the header of every page scaled into the
logo box with its aspect ratio kept, and visible where the plan puts it."""

from __future__ import annotations

import base64
import io
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from tests.documents.test_priced_document import FakeSettings, make_invoice, make_lines, render_invoice
from tests.logo_samples import LOGO_BLUE, LOGO_ORANGE, logo_jpeg, logo_png
from tests.qrscan import rasterise, require_tools
from tuffops_desktop.documents.priced_document import LOGO_MAX, Company, plan_priced_document
from tuffops_desktop.services.invoice_documents import invoice_document


def _with_logo(data: bytes) -> FakeSettings:
    return FakeSettings(company_logo=base64.b64encode(data).decode())


def _images(pdf: Path) -> list[dict[str, str]]:
    """``pdfimages -list`` as rows (page, type, width, height, object)."""
    require_tools()
    out = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    return [{"page": r[0], "type": r[2], "width": r[3], "height": r[4], "enc": r[8], "object": r[10]} for r in rows]


def _near(pixel: tuple[int, ...], colour: tuple[int, int, int], tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


def test_an_invoice_with_the_settings_logo_embeds_it_on_page_one_and_shows_it(tmp_path):
    png = logo_png(400, 120, mode="RGB")
    plan, pdf = render_invoice(make_invoice(make_lines(3)), tmp_path, _with_logo(png))
    (image,) = plan.pages[0].images
    assert image.data == png
    assert image.box.width == pytest.approx(LOGO_MAX[0]) and image.box.height == pytest.approx(36)
    name = next(t for t in plan.pages[0].texts if t.line.text == "Cool Breeze HVAC Ltd.")
    assert name.line.box.x >= image.box.right  # the company name beside it, not under it
    rows = _images(pdf)
    assert [(r["page"], r["type"], r["width"], r["height"]) for r in rows] == [("1", "image", "400", "120")]

    (page_png,) = rasterise(pdf, 60, first=1, last=1)
    rendered = Image.open(page_png).convert("RGB")
    scale = 60 / 72
    height_pt = plan.pages[0].size_pt[1]
    left = image.box.x * scale
    top = (height_pt - image.box.top) * scale
    width, height = image.box.width * scale, image.box.height * scale
    # the blue upper two thirds and the orange lower third, where the plan put them
    assert _near(rendered.getpixel((round(left + width / 2), round(top + height * 0.3))), LOGO_BLUE)
    assert _near(rendered.getpixel((round(left + width / 2), round(top + height * 0.85))), LOGO_ORANGE)
    assert _near(rendered.getpixel((round(left + width / 2), round(top - 6))), (255, 255, 255))  # nothing above


def test_the_logo_is_stored_once_and_drawn_on_every_page_of_a_long_invoice(tmp_path):
    plan, pdf = render_invoice(make_invoice(make_lines(120)), tmp_path, _with_logo(logo_png()))
    assert len(plan.pages) >= 4
    assert all(len(page.images) == 1 for page in plan.pages)
    rows = _images(pdf)
    colour = [row for row in rows if row["type"] == "image"]
    assert [row["page"] for row in colour] == [str(n) for n in range(1, len(plan.pages) + 1)]
    assert len({row["object"] for row in colour}) == 1  # one XObject, referenced from each page
    assert {row["type"] for row in rows} == {"image", "smask"}  # the PNG's transparency kept


def test_a_jpeg_logo_is_embedded_as_it_is_and_a_tall_one_fits_the_box_by_height(tmp_path):
    plan, pdf = render_invoice(make_invoice(make_lines(2)), tmp_path, _with_logo(logo_jpeg(100, 200)))
    (image,) = plan.pages[0].images
    assert image.box.height == pytest.approx(LOGO_MAX[1]) and image.box.width == pytest.approx(LOGO_MAX[1] / 2)
    assert [(row["width"], row["height"], row["enc"]) for row in _images(pdf)] == [("100", "200", "jpeg")]


def test_unreadable_logo_bytes_print_no_logo():
    doc = invoice_document(make_invoice(make_lines(1)), Company("Cool Breeze", logo=b"\x89PNG\r\n\x1a\nbroken"))
    assert plan_priced_document(doc).pages[0].images == ()
    assert plan_priced_document(invoice_document(make_invoice(make_lines(1)), Company("No logo"))).pages[0].images == ()


def test_a_logo_far_bigger_than_the_box_needs_is_scaled_down_once_for_print(tmp_path):
    big = logo_png(2400, 800)
    plan, pdf = render_invoice(make_invoice(make_lines(2)), tmp_path, _with_logo(big))
    (image,) = plan.pages[0].images
    assert image.box.width == pytest.approx(LOGO_MAX[0]) and image.box.height == pytest.approx(40, abs=0.1)
    with Image.open(io.BytesIO(image.data)) as printed:
        assert printed.format == "PNG" and printed.size == (500, 167)  # the 120-point box at 300 dpi
    assert [(row["width"], row["height"]) for row in _images(pdf) if row["type"] == "image"] == [("500", "167")]
    again = plan_priced_document(invoice_document(make_invoice(make_lines(1)), Company("X", logo=big)))
    assert again.pages[0].images[0].data is image.data  # prepared once, reused by the next document
