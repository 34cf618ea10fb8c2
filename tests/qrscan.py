"""The printer-and-phone stand-ins of the tests: poppler rasterises PDFs, zbar reads QR codes.

``./dev.sh test`` installs poppler-utils and zbar-tools; a machine without them fails the
scan tests (never skips them), so a green run always means the codes really decoded.
"""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

TOOLS = ("pdftoppm", "zbarimg", "pdftotext")


def require_tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"missing {', '.join(missing)} (apt-get install poppler-utils zbar-tools)", pytrace=False)


def rasterise(
    pdf: Path, dpi: int, *, first: int | None = None, last: int | None = None, extra: tuple[str, ...] = ()
) -> list[Path]:
    """Render PDF pages to PNGs (1-based ``first``/``last``), in page order."""
    require_tools()
    prefix = pdf.with_suffix("")
    command = ["pdftoppm", "-r", str(dpi), "-png", *extra]
    if first is not None:
        command += ["-f", str(first)]
    if last is not None:
        command += ["-l", str(last)]
    subprocess.run([*command, str(pdf), str(prefix)], check=True, capture_output=True, timeout=120)
    return sorted(pdf.parent.glob(f"{prefix.name}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def decode(png: Path) -> Counter[str]:
    """Every QR payload zbar finds in one image, with how often it was found."""
    require_tools()
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    # Exit status 4 means "no symbol found"; stderr carries dbus noise on headless boxes.
    assert result.returncode in (0, 4), result.stderr
    return Counter(line for line in result.stdout.splitlines() if line)


def decode_pdf(pdf: Path, dpi: int = 300) -> list[str]:
    """All payloads of all pages of a PDF, in page order."""
    codes: list[str] = []
    for png in rasterise(pdf, dpi):
        codes.extend(decode(png).elements())
    return codes


def pdf_text(pdf: Path) -> str:
    require_tools()
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True, timeout=60)
    return result.stdout.decode("utf-8")
