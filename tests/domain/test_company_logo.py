"""The company logo setting: a PNG or JPEG of sensible size, stored as base64 text."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from tests.logo_samples import logo_jpeg, logo_png, noisy_png
from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.logo import (
    LOGO_MAX_BYTES,
    LogoProblem,
    check_logo_text,
    describe_logo_text,
    inspect_logo,
    logo_bytes,
)
from tuffops_desktop.domain.settings import SETTINGS_BY_NAME, coerce

SPEC = SETTINGS_BY_NAME["company_logo"]


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def test_a_png_or_jpeg_is_stored_as_base64_text_and_read_back():
    for data, kind in ((logo_png(), "PNG"), (logo_jpeg(), "JPEG"), (logo_png(mode="P"), "PNG")):
        stored = coerce(SPEC, data)
        assert isinstance(stored, str) and logo_bytes(stored) == data
        assert coerce(SPEC, stored) == stored  # the Settings page hands back the text
        assert inspect_logo(data).format == kind
    assert inspect_logo(logo_png(400, 100)).describe() == "PNG 400 × 100 px, 1 KB"
    assert coerce(SPEC, "") == "" and coerce(SPEC, None) == ""  # no logo
    with pytest.raises(LogoProblem, match="The file is empty"):  # an empty file chosen as the logo
        inspect_logo(b"")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a" + b"\0" * 64, "must be a PNG or JPEG"),
        (b"Dear customer, here is our logo", "must be a PNG or JPEG"),
        (logo_png()[:120], "damaged or incomplete"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 200, "damaged or incomplete"),
        (logo_jpeg()[:300], "damaged or incomplete"),
        (_png(Image.new("RGB", (12, 40))), "12 × 40 pixels; each side must be 16 to 3000"),
        (_png(Image.new("L", (3001, 20))), "3001 × 20 pixels"),
        (_png(Image.new("I;16", (64, 64))), "ordinary 8-bit colour PNG"),
    ],
)
def test_what_is_not_a_usable_logo_is_refused_with_the_reason(data, message):
    with pytest.raises(LogoProblem, match=message):
        inspect_logo(data)
    with pytest.raises(ValidationError) as refused:
        coerce(SPEC, data)
    assert set(refused.value.field_errors) == {"company_logo"}
    assert message in refused.value.field_errors["company_logo"]


def test_the_size_limit_is_on_the_file_and_checked_before_decoding():
    big = noisy_png()
    assert len(big) > LOGO_MAX_BYTES
    with pytest.raises(LogoProblem, match=r"The logo is 1057 KB; at most 512 KB"):
        inspect_logo(big)
    assert (check_logo_text(base64.b64encode(big).decode()) or "").startswith("The logo is 1057 KB; at most 512 KB")
    assert check_logo_text("not base64 at all!") == "The logo must be a PNG or JPEG image."


def test_the_audit_trail_gets_a_description_not_the_image():
    text = coerce(SPEC, logo_png())
    described = describe_logo_text(text)
    assert described.startswith("PNG 400 × 100 px, 1 KB, sha256 ") and len(described) < 60
    assert describe_logo_text("") == ""
    assert logo_bytes("%%%") == b""  # a damaged stored value prints no logo rather than failing
