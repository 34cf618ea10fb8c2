"""Phone numbers: normalised on save, stored as E.164, shown as ``+1-869-555-1234``.

The office types numbers the way customers say them. A local number gets the company's
configured country and area code (``5551234`` with KN / 869 becomes ``+1-869-555-1234``);
an international number must start with ``+`` so it is never misread as a local one.

We accept a number when ``phonenumbers`` finds it possible (and not only as a local number). ``is_valid_number`` is
stricter and rejects fictional 555 numbers, including the product documentation's own example.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from tuffops_desktop.domain.errors import ValidationError

_SEPARATORS = re.compile(r"[\s().\-/]")
_LIST_SPLIT = re.compile(r"[,;\n]")


@dataclass(frozen=True)
class PhoneDefaults:
    """The company's phone defaults (settings ``phone_default_region`` / ``_area_code``)."""

    region: str = "US"
    area_code: str = ""


def normalize_phone(raw: str, defaults: PhoneDefaults) -> str:
    """Return ``raw`` as E.164 (``+18695551234``) or raise ``ValidationError``."""
    text = raw.strip()
    if not text:
        raise ValidationError({"phone": "A phone number cannot be empty."})
    compact = _SEPARATORS.sub("", text)
    if compact.startswith("+"):
        candidate = compact
        region = None
    else:
        if not compact.isdigit():
            raise ValidationError({"phone": f"“{text}” is not a phone number."})
        if compact.startswith("00") or compact.startswith("011"):
            raise ValidationError(
                {"phone": f"“{text}”: international numbers must start with + (e.g. +44 20 7946 0958)."}
            )
        candidate = compact
        region = defaults.region.upper()
        local_length = _local_subscriber_length(region)
        if defaults.area_code and local_length and len(compact) == local_length:
            candidate = defaults.area_code + compact
    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        raise ValidationError({"phone": f"“{text}” is not a phone number."}) from None
    if region is not None:
        expected_code = phonenumbers.country_code_for_region(region)
        if number.country_code != expected_code:
            raise ValidationError({"phone": f"“{text}”: international numbers must start with +."})
    # IS_POSSIBLE_LOCAL_ONLY (a 7-digit number with no area code) is not enough: it
    # would be stored as a number nobody can dial from elsewhere.
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        hint = (
            " Add the area code, or set a default area code in Settings."
            if (reason == phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY)
            else ""
        )
        raise ValidationError({"phone": f"“{text}” has the wrong number of digits.{hint}"})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """Display form: ``+18695551234`` → ``+1-869-555-1234`` (RFC 3966 without ``tel:``)."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.RFC3966).removeprefix("tel:")


def split_list(text: str) -> list[str]:
    """Split a comma/semicolon/newline separated field into trimmed, non-empty parts."""
    return [part.strip() for part in _LIST_SPLIT.split(text or "") if part.strip()]


def normalize_phone_list(text: str | list[str], defaults: PhoneDefaults) -> list[str]:
    """Normalise every number of a list; duplicates are dropped, order is kept.

    Raises ``ValidationError`` naming every bad number at once.
    """
    parts = split_list(text) if isinstance(text, str) else [p.strip() for p in text if p.strip()]
    result: list[str] = []
    problems: list[str] = []
    for part in parts:
        try:
            e164 = normalize_phone(part, defaults)
        except ValidationError as exc:
            problems.append(exc.field_errors["phone"])
            continue
        if e164 not in result:
            result.append(e164)
    if problems:
        raise ValidationError({"phones": " ".join(problems)})
    return result


def phones_match(contact_text: str, e164: str, defaults: PhoneDefaults) -> bool:
    """True when free text a customer typed is the same number as ``e164``."""
    try:
        return normalize_phone(contact_text, defaults) == e164
    except ValidationError:
        return False


def _local_subscriber_length(region: str) -> int | None:
    """Digits of a subscriber number without area code, for regions that use area codes.

    NANP countries (US, CA, KN, …) dial 7 digits locally; elsewhere we do not guess.
    """
    if phonenumbers.country_code_for_region(region) == 1:
        return 7
    return None
