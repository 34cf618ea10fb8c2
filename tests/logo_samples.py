"""Logo images for tests, made with Pillow: a two-colour mark so a rendered page shows
where the logo landed (a blue block with an orange bar)."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw

LOGO_BLUE = (20, 90, 160)
LOGO_ORANGE = (240, 140, 20)


def logo_png(width: int = 400, height: int = 100, *, mode: str = "RGBA") -> bytes:
    image = Image.new("RGBA", (width, height), (*LOGO_BLUE, 255))
    ImageDraw.Draw(image).rectangle((0, height * 2 // 3, width - 1, height - 1), fill=(*LOGO_ORANGE, 255))
    buffer = io.BytesIO()
    image.convert(mode).save(buffer, "PNG")
    return buffer.getvalue()


def logo_jpeg(width: int = 300, height: int = 300) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), LOGO_BLUE).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def noisy_png(side: int = 600) -> bytes:
    """A PNG of random pixels: about a megabyte, over the logo limit, though a sensible size."""
    rng = random.Random(11)
    image = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
