"""Helpers for the PDF tests: rasterise with poppler, decode QR codes with zbar.

``pdftoppm`` (poppler-utils) and ``zbarimg`` (zbar-tools) stand in for the printer
and the customer's phone (see ``tests/qrscan.py``); without them the scan tests fail.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from pathlib import Path

import pytest

from tests.qrscan import decode, pdf_text, rasterise, require_tools
from tuffops_desktop.documents.sticker_plan import StickerContent


class Scanner:
    """The printer-and-phone stand-in handed to tests by the ``scanner`` fixture."""

    @staticmethod
    def rasterise(
        pdf: Path, dpi: int, *, first: int | None = None, last: int | None = None, extra: tuple[str, ...] = ()
    ) -> list[Path]:
        return rasterise(pdf, dpi, first=first, last=last, extra=extra)

    @staticmethod
    def decode(png: Path) -> Counter[str]:
        return decode(png)

    @staticmethod
    def pdf_text(pdf: Path) -> str:
        return pdf_text(pdf)


@pytest.fixture
def scanner() -> Scanner:
    """Rasterise/decode helpers; fails when the tools are missing."""
    require_tools()
    return Scanner()


@pytest.fixture
def sticker_factory():
    """``make_stickers(count, seed=..., titles=..., footer=...)``."""
    return make_stickers


def make_stickers(
    count: int,
    *,
    seed: int = 0,
    titles: tuple[str, ...] = ("Lobby AC #2",),
    footer: str = "Cool Breeze HVAC · (555) 010-2030",
) -> list[StickerContent]:
    """Realistic stickers: ``https://service.example.com/u/<uuid4>`` URLs, unique."""
    rng = random.Random(seed)
    return [
        StickerContent(
            url=f"https://service.example.com/u/{uuid.UUID(int=rng.getrandbits(128), version=4)}",
            title=titles[index % len(titles)],
            code=f"TO-{index + 1:05d}",
            footer=footer,
        )
        for index in range(count)
    ]
