"""Helpers for the PDF tests: rasterise with poppler, decode QR codes with zbar.

``pdftoppm`` (poppler-utils) and ``zbarimg`` (zbar-tools) stand in for the printer
and the customer's phone.  Where they are missing the scan tests are skipped locally,
but fail under CI (``CI`` set), so a machine without them cannot pass silently.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import uuid
from collections import Counter
from pathlib import Path

import pytest

from tuffops_desktop.documents.stickers import StickerContent

TOOLS = ("pdftoppm", "zbarimg", "pdftotext")


def _require_tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        message = f"missing {', '.join(missing)} (apt-get install poppler-utils zbar-tools)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


class Scanner:
    """The printer-and-phone stand-in handed to tests by the ``scanner`` fixture."""

    @staticmethod
    def rasterise(pdf: Path, dpi: int, *, first: int | None = None, last: int | None = None,
                  extra: tuple[str, ...] = ()) -> list[Path]:
        return rasterise(pdf, dpi, first=first, last=last, extra=extra)

    @staticmethod
    def decode(png: Path) -> Counter[str]:
        return decode(png)

    @staticmethod
    def pdf_text(pdf: Path) -> str:
        return pdf_text(pdf)


@pytest.fixture
def scanner() -> Scanner:
    """Rasterise/decode helpers; skips (or fails on CI) when the tools are missing."""
    _require_tools()
    return Scanner()


@pytest.fixture
def sticker_factory():
    """``make_stickers(count, seed=..., titles=..., footer=...)``."""
    return make_stickers


def rasterise(pdf: Path, dpi: int, *, first: int | None = None, last: int | None = None,
              extra: tuple[str, ...] = ()) -> list[Path]:
    """Render PDF pages to PNGs (1-based ``first``/``last``), in page order."""
    prefix = pdf.with_suffix("")
    command = ["pdftoppm", "-r", str(dpi), "-png", *extra]
    if first is not None:
        command += ["-f", str(first)]
    if last is not None:
        command += ["-l", str(last)]
    subprocess.run([*command, str(pdf), str(prefix)], check=True, capture_output=True, timeout=120)
    pages = sorted(pdf.parent.glob(f"{prefix.name}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return pages


def decode(png: Path) -> Counter[str]:
    """Every QR payload zbar finds in one image, with how often it was found."""
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
        capture_output=True, text=True, encoding="utf-8", timeout=120,
    )
    # Exit status 4 means "no symbol found"; stderr carries dbus noise on headless boxes.
    assert result.returncode in (0, 4), result.stderr
    return Counter(line for line in result.stdout.splitlines() if line)


def pdf_text(pdf: Path) -> str:
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
                            capture_output=True, check=True, timeout=60)
    return result.stdout.decode("utf-8")


def make_stickers(count: int, *, seed: int = 0, titles: tuple[str, ...] = ("Lobby AC #2",),
                  footer: str = "Cool Breeze HVAC · (555) 010-2030") -> list[StickerContent]:
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
