"""What a part label's QR code says, and reading it back from a scan.

A part (or bin) label carries the QR payload ``TUFFOPS:PART:<part number>``, the part
number exactly as stored (``TUFFOPS:PART:CAP-DR-45/5``). Not a URL: parts are internal,
so there is no public page behind them, and a customer's phone that scans one only shows
the text. The prefix tells a part label from a unit sticker (``…/u/<guid>``) and from a
typed search when a keyboard-wedge scanner types it into the Open-by-scan box. Upper-case
part numbers keep the whole payload in the QR alphanumeric set, so the code stays small.

The same label goes on the part's bin at every location: the bin code and the location
are printed on it, not encoded, so a label never goes stale when a part moves bins.
"""

from __future__ import annotations

PART_CODE_PREFIX = "TUFFOPS:PART:"


def part_code(number: str) -> str:
    """The QR payload of the part numbered ``number``."""
    return PART_CODE_PREFIX + number


def parse_part_code(text: str) -> str | None:
    """The part number a scanned part label carries (any case of the prefix, spaces
    around it ignored), or None when ``text`` is not a part label."""
    stripped = (text or "").strip()
    if stripped[: len(PART_CODE_PREFIX)].upper() != PART_CODE_PREFIX:
        return None
    number = stripped[len(PART_CODE_PREFIX) :].strip()
    return number or None
