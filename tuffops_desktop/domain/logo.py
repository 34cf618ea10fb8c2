"""The company logo printed at the top of invoices, quotations and statements.

The logo is stored in the shared settings as the image itself (base64 text of the PNG or
JPEG file), not as a file path: several workstations share one database, and a path
would name a file that exists on one PC only.  Whatever is stored has passed
:func:`check_logo`, so every workstation can print it:

* a PNG or a JPEG (the two formats both the PDF writer and the on-screen preview read),
  told by its content, not its file name;
* at most :data:`LOGO_MAX_BYTES` (512 KB): the value travels with every settings read
  and into every document, and a logo printed 4 cm wide needs no more;
* between :data:`LOGO_MIN_PIXELS` and :data:`LOGO_MAX_PIXELS` pixels on each side, in an
  ordinary 8-bit colour mode, and the whole image decodes (a truncated file is refused
  here rather than printing as nothing later).

An empty value means "no logo".
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, UnidentifiedImageError

__all__ = [
    "LOGO_MAX_BYTES",
    "LOGO_MIN_PIXELS",
    "LOGO_MAX_PIXELS",
    "LogoImage",
    "LogoProblem",
    "inspect_logo",
    "check_logo",
    "check_logo_text",
    "logo_text",
    "logo_bytes",
    "describe_logo_text",
]

LOGO_MAX_BYTES = 512 * 1024
LOGO_MIN_PIXELS = 16
LOGO_MAX_PIXELS = 3000
# Colour modes both reportlab and Qt print faithfully (16-bit and float images are not).
_MODES = frozenset({"1", "L", "LA", "P", "PA", "RGB", "RGBA", "CMYK", "YCbCr"})
_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}


class LogoProblem(ValueError):
    """The image cannot be the company logo; the message says why, in the user's words."""


@dataclass(frozen=True)
class LogoImage:
    """A checked logo: its file content, format ("PNG" or "JPEG") and pixel size."""

    data: bytes
    format: str
    width: int
    height: int

    def describe(self) -> str:
        """A short line for people (the audit trail, the Settings page)."""
        return f"{self.format} {self.width} × {self.height} px, {_kilobytes(len(self.data))}"


def _kilobytes(size: int) -> str:
    return f"{max(1, round(size / 1024))} KB"


def _too_big(size: int) -> LogoProblem:
    return LogoProblem(
        f"The logo is {_kilobytes(size)}; at most {_kilobytes(LOGO_MAX_BYTES)} is allowed. "
        "Save it smaller (about 600 pixels wide is plenty)."
    )


def _signature(data: bytes) -> str | None:
    return next((kind for magic, kind in _SIGNATURES.items() if data.startswith(magic)), None)


def inspect_logo(data: bytes) -> LogoImage:
    """``data`` as a logo, or :class:`LogoProblem` saying what is wrong with it."""
    if not data:
        raise LogoProblem("The file is empty.")
    if len(data) > LOGO_MAX_BYTES:
        raise _too_big(len(data))
    kind = _signature(data)
    if kind is None:
        raise LogoProblem("The logo must be a PNG or JPEG image.")
    try:
        with Image.open(BytesIO(data), formats=[kind]) as image:
            width, height = image.size
            mode = image.mode
            if min(width, height) < LOGO_MIN_PIXELS or max(width, height) > LOGO_MAX_PIXELS:
                raise LogoProblem(
                    f"The logo is {width} × {height} pixels; "
                    f"each side must be {LOGO_MIN_PIXELS} to {LOGO_MAX_PIXELS} pixels."
                )
            if mode not in _MODES:
                raise LogoProblem(f"Save the logo as an ordinary 8-bit colour {kind}.")
            image.load()  # decodes every pixel: a truncated or damaged file fails here
    except LogoProblem:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise LogoProblem(f"The {kind} image is damaged or incomplete.") from None
    return LogoImage(data, kind, width, height)


def logo_text(raw: object) -> str:
    """The stored form of a logo given as file content (bytes) or stored text: base64
    text, "" for none.  Not checked here (:func:`check_logo_text` does that)."""
    if raw is None:
        return ""
    if isinstance(raw, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(raw)).decode("ascii")
    return "".join(str(raw).split())


def logo_bytes(text: str) -> bytes:
    """The image file content of a stored logo (``b""`` for none or unreadable text)."""
    if not text:
        return b""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return b""


def check_logo(text: str) -> LogoImage | None:
    """The logo a stored value holds (None when empty), or :class:`LogoProblem`."""
    if not text:
        return None
    if len(text) > (LOGO_MAX_BYTES + 2) // 3 * 4:  # refused before decoding megabytes
        raise _too_big(len(text) * 3 // 4)
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise LogoProblem("The logo must be a PNG or JPEG image.") from None
    return inspect_logo(data)


def check_logo_text(text: str) -> str | None:
    """The setting's check: None when ``text`` is empty or a usable logo, else why not."""
    try:
        check_logo(text)
    except LogoProblem as problem:
        return str(problem)
    return None


def describe_logo_text(text: object) -> str:
    """What the audit trail records of a logo value: its format, size and a fingerprint
    (never the image itself, which would copy half a megabyte into every audit row)."""
    value = str(text or "")
    if not value:
        return ""
    data = logo_bytes(value)
    try:
        described = inspect_logo(data).describe()
    except LogoProblem:
        described = _kilobytes(len(data))
    return f"{described}, sha256 {hashlib.sha256(data).hexdigest()[:12]}"
