"""Customers: whoever the company bills.

A customer is a homeowner, a property manager, a hotel, a public works department. The
type (Residential / Commercial / Government) is not a hard wall; it colours the index and
groups reports. A name needs a First Name or a Company Name (a Last Name alone is not
enough), and the display name is computed, never picked: ``First Last (Company)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from tuffops_desktop.domain.emails import normalize_email_list
from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.phones import PhoneDefaults, normalize_phone_list
from tuffops_desktop.i18n import N_


class CustomerType(StrEnum):
    """The three customer types and the colour tag each shows in lists."""

    RESIDENTIAL = "residential"
    COMMERCIAL = "commercial"
    GOVERNMENT = "government"

    @property
    def label(self) -> str:
        return _TYPE_LABELS[self]

    @property
    def colour(self) -> str:
        """Tag colour (hex) used in the index and on badges."""
        return _TYPE_COLOURS[self]


_TYPE_LABELS = {
    CustomerType.RESIDENTIAL: N_("Residential"),
    CustomerType.COMMERCIAL: N_("Commercial"),
    CustomerType.GOVERNMENT: N_("Government"),
}
_TYPE_COLOURS = {
    CustomerType.RESIDENTIAL: "#2e9d4f",  # green
    CustomerType.COMMERCIAL: "#2f6fd6",  # blue
    CustomerType.GOVERNMENT: "#e0b400",  # yellow
}

NAME_MAX = 100
ADDRESS_MAX = 200
NOTES_MAX = 4000
REMOTE_ID_MAX = 100


def display_name(first: str | None, last: str | None, company: str | None) -> str:
    """The computed display name.

    ``First Last (Company)`` when all three are set; otherwise what is present:
    ``First Last``, ``First (Company)``, ``Company``, ``First``. Extra spaces are folded.
    """
    person = " ".join(part for part in (_clean(first), _clean(last)) if part)
    company_name = _clean(company)
    if person and company_name:
        return f"{person} ({company_name})"
    return person or company_name


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


@dataclass(frozen=True)
class CustomerInput:
    """What a form, an import row or the CLI gives us for one customer (raw text)."""

    customer_type: str = CustomerType.RESIDENTIAL.value
    first_name: str = ""
    last_name: str = ""
    company_name: str = ""
    emails: str | list[str] = ""
    phones: str | list[str] = ""
    address: str = ""
    city: str = ""
    postcode: str = ""
    country: str = ""
    discount_rate: str | Decimal | None = None
    default_sla_hours: str | int | None = None
    payment_terms_days: str | int | None = None
    remote_id: str = ""
    notes: str = ""
    notify_opt_out: bool = False  # the customer asked for no e-mail from us


@dataclass(frozen=True)
class CustomerFields:
    """A validated, normalised customer, ready to store."""

    customer_type: CustomerType
    first_name: str
    last_name: str
    company_name: str
    display_name: str
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    address: str = ""
    city: str = ""
    postcode: str = ""
    country: str = ""
    discount_rate: Decimal | None = None
    default_sla_hours: int | None = None
    payment_terms_days: int | None = None
    remote_id: str | None = None
    notes: str = ""
    notify_opt_out: bool = False


def validate_customer(data: CustomerInput, phone_defaults: PhoneDefaults) -> CustomerFields:
    """Check and normalise a customer; every problem is reported at once, per field."""
    errors: dict[str, str] = {}
    try:
        ctype = CustomerType(str(data.customer_type).strip().lower())
    except ValueError:
        errors["customer_type"] = "Choose Residential, Commercial or Government."
        ctype = CustomerType.RESIDENTIAL
    first, last, company = _clean(data.first_name), _clean(data.last_name), _clean(data.company_name)
    if not first and not company:
        errors["first_name"] = "Enter a First Name or a Company Name."
    for name, value in (("first_name", first), ("last_name", last), ("company_name", company)):
        if len(value) > NAME_MAX:
            errors[name] = f"At most {NAME_MAX} characters."
    emails: list[str] = []
    phones: list[str] = []
    try:
        emails = normalize_email_list(data.emails)
    except ValidationError as exc:
        errors.update(exc.field_errors)
    try:
        phones = normalize_phone_list(data.phones, phone_defaults)
    except ValidationError as exc:
        errors.update(exc.field_errors)
    discount = _parse_discount(data.discount_rate, errors)
    sla = _parse_sla(data.default_sla_hours, errors)
    terms = _parse_terms(data.payment_terms_days, errors)
    for name in ("address", "city", "postcode", "country"):
        if len(_clean(getattr(data, name))) > ADDRESS_MAX:
            errors[name] = f"At most {ADDRESS_MAX} characters."
    notes = (data.notes or "").strip()
    if len(notes) > NOTES_MAX:
        errors["notes"] = f"At most {NOTES_MAX} characters."
    remote_id = _clean(data.remote_id) or None
    if remote_id and len(remote_id) > REMOTE_ID_MAX:
        errors["remote_id"] = f"At most {REMOTE_ID_MAX} characters."
    if errors:
        raise ValidationError(errors)
    return CustomerFields(
        customer_type=ctype,
        first_name=first,
        last_name=last,
        company_name=company,
        display_name=display_name(first, last, company),
        emails=emails,
        phones=phones,
        address=_clean(data.address),
        city=_clean(data.city),
        postcode=_clean(data.postcode),
        country=_clean(data.country),
        discount_rate=discount,
        default_sla_hours=sla,
        payment_terms_days=terms,
        remote_id=remote_id,
        notes=notes,
        notify_opt_out=bool(data.notify_opt_out),
    )


def _parse_discount(value: object, errors: dict[str, str]) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        rate = Decimal(str(value).strip().rstrip("%").strip())
    except InvalidOperation:
        errors["discount_rate"] = "Enter a percentage such as 10 or 12.5."
        return None
    if not rate.is_finite() or rate < 0 or rate > 100:
        errors["discount_rate"] = "The discount is a percentage from 0 to 100."
        return None
    if rate != rate.quantize(Decimal("0.01")):
        errors["discount_rate"] = "At most two decimal places."
        return None
    return rate.quantize(Decimal("0.01"))


def _parse_sla(value: object, errors: dict[str, str]) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        hours = int(str(value).strip())
    except ValueError:
        errors["default_sla_hours"] = "Enter whole hours, e.g. 24."
        return None
    if hours <= 0 or hours > 24 * 365:
        errors["default_sla_hours"] = "Between 1 hour and one year."
        return None
    return hours


def _parse_terms(value: object, errors: dict[str, str]) -> int | None:
    """Days from an invoice's date to its due date (net 30 = 30); None: the company's default."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        days = int(str(value).strip())
    except ValueError:
        errors["payment_terms_days"] = "Enter whole days, e.g. 30 (0: due on receipt)."
        return None
    if days < 0 or days > 365:
        errors["payment_terms_days"] = "Between 0 (due on receipt) and 365 days."
        return None
    return days


def search_text(*parts: object) -> str:
    """Lower-cased haystack that list searches match terms against.

    Phone numbers are added twice, as stored and as bare digits, so ``555 1234`` finds
    ``+18695551234``.
    """
    words: list[str] = []
    for part in parts:
        if part is None:
            continue
        if isinstance(part, (list, tuple)):
            for item in part:
                words.append(str(item))
                digits = "".join(ch for ch in str(item) if ch.isdigit())
                if digits and str(item).startswith("+"):
                    words.append(digits)
        else:
            words.append(str(part))
    return " ".join(" ".join(words).casefold().split())
