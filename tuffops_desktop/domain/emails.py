"""Customer e-mail lists: the first address is the default for quotes and reports.

Addresses are checked for shape only (no DNS look-up: the office may be offline), the
domain is lower-cased, duplicates are dropped case-insensitively, and order is kept.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.phones import split_list


def normalize_email(raw: str) -> str:
    """Return a normalised address or raise ``ValidationError``."""
    text = raw.strip()
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise ValidationError({"email": f"“{text}” is not an e-mail address."}) from None
    return result.normalized


def normalize_email_list(text: str | list[str]) -> list[str]:
    """Normalise a comma-separated list; every bad address is named in one error."""
    parts = split_list(text) if isinstance(text, str) else [p.strip() for p in text if p.strip()]
    result: list[str] = []
    seen: set[str] = set()
    problems: list[str] = []
    for part in parts:
        try:
            address = normalize_email(part)
        except ValidationError as exc:
            problems.append(exc.field_errors["email"])
            continue
        if address.casefold() not in seen:
            seen.add(address.casefold())
            result.append(address)
    if problems:
        raise ValidationError({"emails": " ".join(problems)})
    return result


def emails_match(contact_text: str, address: str) -> bool:
    """True when free text a customer typed is this address (case-insensitive)."""
    return contact_text.strip().casefold() == address.strip().casefold()
