"""QR GUIDs: the unit's only public identifier.

A sticker encodes ``<public_base_url>/u/<guid>``. The GUID is a random UUID4 (128 bits,
opaque, not guessable, one reveals nothing about the next) and it stays with the unit
for life. Blank labels are printed before any unit exists and are bound later by pasting
the URL or the GUID.
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from urllib.parse import urlsplit

from tuffops_desktop.domain.errors import ValidationError

_GUID_IN_TEXT = re.compile(r"([0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12})")


def new_guid() -> str:
    """A fresh random GUID in canonical lower-case form."""
    return str(uuid.uuid4())


def canonical_guid(text: str) -> str | None:
    """Canonical form of a GUID string, or None if it is not one (no exceptions)."""
    try:
        return str(uuid.UUID(text.strip()))
    except (ValueError, AttributeError):
        return None


_CANONICAL = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_PUBLIC_SEGMENT = re.compile(r"[0-9a-fA-F]{8}(-?)[0-9a-fA-F]{4}\1[0-9a-fA-F]{4}\1[0-9a-fA-F]{4}\1[0-9a-fA-F]{12}")


def parse_public_guid(segment: str) -> str | None:
    """The canonical GUID of a sticker URL's last path segment, or None.

    The whole segment must be the GUID: upper or lower case, with or without hyphens
    (all four or none), optionally in braces. Nothing may follow or precede it, so
    ``<guid>0``, ``<guid>%00`` or ``<guid>' OR '1'='1`` are not GUIDs.
    """
    if _CANONICAL.fullmatch(segment):  # how our stickers print it: nothing to convert
        return segment
    inner = segment[1:-1] if segment.startswith("{") and segment.endswith("}") else segment
    if not _PUBLIC_SEGMENT.fullmatch(inner):
        return None
    return str(uuid.UUID(inner))


def parse_guid_or_url(text: str) -> str:
    """Accept a pasted sticker URL (``https://…/u/<guid>``) or a bare GUID."""
    stripped = (text or "").strip()
    if not stripped:
        raise ValidationError({"guid": "Paste the sticker URL or its code."})
    if "/u/" in stripped:
        stripped = stripped.rsplit("/u/", 1)[1].split("?", 1)[0].split("#", 1)[0].strip("/")
    match = _GUID_IN_TEXT.fullmatch(stripped)
    guid = canonical_guid(match.group(1)) if match else None
    if guid is None:
        raise ValidationError({"guid": "That is not a TuffOps sticker URL or code."})
    return guid


def public_url(base_url: str, guid: str) -> str:
    """The address printed in a unit's QR code."""
    return f"{base_url.rstrip('/')}/u/{guid}"


INTERNAL_SUFFIXES = (".local", ".lan", ".localhost", ".internal", ".home.arpa")


def internal_url_reason(base_url: str | None) -> str | None:
    """Why QR codes printed with ``base_url`` would not open on a customer's phone out in
    the world, or None when the address looks public.

    Internal: unset, ``localhost``, a private, loopback, link-local or unspecified IP
    address, a ``.local``/``.lan`` (and similar) name, or a one-word host name, which
    only the office network resolves.
    """
    text = (base_url or "").strip()
    if not text:
        return "The public address for QR codes is not set."
    host = (urlsplit(text if "://" in text else f"//{text}").hostname or "").rstrip(".").lower()
    if not host:
        return "The public address for QR codes has no host name."
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None:
        if address.is_loopback:
            return f"{host} is this computer's own address."
        if address.is_private or address.is_link_local or address.is_unspecified:
            return f"{host} is an address inside the office network."
        return None
    if host == "localhost" or host.endswith(INTERNAL_SUFFIXES):
        return f"{host} is a name only the office network knows."
    if "." not in host:
        return f"“{host}” is a one-word name that only the office network knows."
    return None


def short_code(guid: str) -> str:
    """Eight characters printed under the QR so a person can read the code out loud."""
    return guid.replace("-", "")[:8].upper()
