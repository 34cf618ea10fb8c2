"""Company settings: every key declared once, with its type, default and whether the
office may edit it.

Settings live in the shared database (one row per key, a typed JSON value, a read-only
flag), so every workstation and the intake listener see the same values. Defaults are
written put-if-missing: a new database gets the baseline and an edited value is never
overwritten by an upgrade. Read-only keys (infrastructure such as the customer
integration switch) exist and are used in code but are hidden from the Settings page.
The company logo is a setting too: the image itself (``domain/logo.py``), so every
workstation prints the same one.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

import phonenumbers

from tuffops_desktop.domain.emails import normalize_email
from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.logo import check_logo_text, describe_logo_text, logo_text
from tuffops_desktop.domain.notification_templates import DEFAULTS as TEMPLATE_DEFAULTS
from tuffops_desktop.domain.notification_templates import check_template, setting_name
from tuffops_desktop.domain.notifications import Event, TlsMode
from tuffops_desktop.domain.quotations import DEFAULT_STATUSES, check_status_list
from tuffops_desktop.i18n import N_


@dataclass(frozen=True)
class SettingSpec:
    """One declared setting."""

    name: str
    kind: str  # "str" | "bool" | "decimal" | "int" | "json" | "image" (base64 PNG/JPEG, "" for none)
    default: Any
    title: str
    readonly: bool = False
    group: str = "Company"
    max_length: int = 200
    check: Callable[[Any], str | None] | None = None
    normalize: Callable[[str], str] | None = None  # applied to "str" values before the checks
    # How an editor offers the value (the checks above still decide): a fixed list of
    # (value, label) choices, or a number range with its step and unit.
    choices: tuple[tuple[str, str], ...] = ()
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    step: Decimal | None = None
    unit: str = ""
    # What the audit trail records of a value, when not the value itself (a logo's
    # format, size and fingerprint rather than half a megabyte of image).
    audited: Callable[[Any], Any] | None = None


def _check_region(value: str) -> str | None:
    if value.upper() not in phonenumbers.SUPPORTED_REGIONS:
        return "Use a two-letter country code such as US, CA, GB or KN."
    return None


def _check_area_code(value: str) -> str | None:
    if value and (not value.isdigit() or len(value) > 5):
        return "Digits only, e.g. 869 (leave blank if local numbers include it)."
    return None


def _check_url(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "Use a full address such as https://service.example.com."
    if parts.query or parts.fragment:
        return "The base address cannot contain ? or #."
    return None


def _without_trailing_slash(value: str) -> str:
    return value.rstrip("/")


def _check_rate(value: Decimal) -> str | None:
    if value < 0 or value > 100:
        return "A percentage from 0 to 100."
    return None


def _check_terms(value: int) -> str | None:
    if value < 0 or value > 365:
        return "Whole days from 0 (due on receipt) to 365."
    return None


def _check_duration(value: Decimal) -> str | None:
    if value <= 0 or value > 24 or (value * 2) != int(value * 2):
        return "Hours in steps of 0.5, up to 24."
    return None


def _check_port(value: int) -> str | None:
    if not 1 <= value <= 65535:
        return "A port number from 1 to 65535 (usually 587, 465 or 25)."
    return None


def _check_host(value: str) -> str | None:
    if value and not all(ch.isalnum() or ch in ".-:[]_" for ch in value):
        return "A host name such as smtp.example.com, or an IP address."
    return None


def _check_optional_email(value: str) -> str | None:
    if not value:
        return None
    try:
        normalize_email(value)
    except ValidationError:
        return f"“{value}” is not an e-mail address."
    return None


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("company_name", "str", "My Service Company", N_("Company name")),
    SettingSpec("company_phone", "str", "", N_("Company phone")),
    SettingSpec("company_email", "str", "", N_("Company e-mail")),
    SettingSpec("company_address", "str", "", N_("Company address"), max_length=400),
    SettingSpec(
        "company_logo",
        "image",
        "",
        N_("Logo"),
        check=check_logo_text,
        audited=describe_logo_text,
    ),
    SettingSpec(
        "phone_default_region",
        "str",
        "US",
        N_("Default country for phone numbers"),
        group="Phones",
        max_length=2,
        check=_check_region,
        normalize=str.upper,
    ),
    SettingSpec(
        "phone_default_area_code",
        "str",
        "",
        N_("Default area code"),
        group="Phones",
        max_length=5,
        check=_check_area_code,
    ),
    SettingSpec(
        "public_base_url",
        "str",
        "http://localhost:8765",
        N_("Public base URL of QR stickers"),
        group="QR intake",
        check=_check_url,
        normalize=_without_trailing_slash,
    ),
    SettingSpec(
        "public_page_show_customer_name",
        "bool",
        False,
        N_("Show the customer's name on the public unit page"),
        group="QR intake",
    ),
    SettingSpec(
        "customer_integration_enabled",
        "bool",
        False,
        N_("Customers are owned by an external system"),
        readonly=True,
        group="Integration",
    ),
    SettingSpec("feature_flag_invoices_enabled", "bool", True, N_("Invoicing enabled"), group="Features"),
    SettingSpec(
        "default_tax_rate",
        "decimal",
        Decimal("0.00"),
        N_("Default tax rate (%)"),
        group="Billing",
        check=_check_rate,
        minimum=Decimal(0),
        maximum=Decimal(100),
        step=Decimal("0.01"),
        unit="%",
    ),
    SettingSpec(
        "default_payment_terms_days",
        "int",
        30,
        N_("Payment terms (days)"),
        group="Billing",
        check=_check_terms,
        minimum=Decimal(0),
        maximum=Decimal(365),
        step=Decimal(1),
        unit="days",
    ),
    SettingSpec(
        "invoice_payment_instructions",
        "str",
        "",
        N_("Payment instructions"),
        group="Billing",
        max_length=400,
    ),
    SettingSpec(
        "default_work_order_duration_hours",
        "decimal",
        Decimal("2.0"),
        N_("Default estimated work-order duration (hours)"),
        group="Work orders",
        check=_check_duration,
        minimum=Decimal("0.5"),
        maximum=Decimal(24),
        step=Decimal("0.5"),
        unit="h",
    ),
    # Settings → Quotation statuses (its own section): the seven defaults, renamed and added to.
    SettingSpec(
        "quotation_statuses",
        "json",
        DEFAULT_STATUSES,
        N_("Quotation statuses"),
        group="Quotations",
        check=check_status_list,
    ),
    # Edited on their own screens (sticker printing), not on the general Settings page.
    SettingSpec("label_layouts_custom", "json", [], N_("Custom label layouts"), group="Stickers"),
    SettingSpec("label_offsets", "json", {}, N_("Printer offsets per label layout (mm)"), group="Stickers"),
    SettingSpec(
        "sticker_error_correction",
        "str",
        "M",
        N_("QR error correction on stickers"),
        group="Stickers",
        max_length=1,
        check=lambda v: None if v in ("L", "M", "Q", "H") else "Choose L, M, Q or H.",
        choices=(
            ("L", N_("L: smallest code, survives 7 % damage")),
            ("M", N_("M: survives 15 % damage (recommended)")),
            ("Q", N_("Q: survives 25 % damage")),
            ("H", N_("H: survives 30 % damage, densest code")),
        ),
    ),
    # Settings → E-mail: the mail server the outbox sender uses (services/mail_sender.py).
    # The password is not a setting: it lives in each computer's keyring, or in the
    # environment / a file of the ``tuffops notify serve`` service (config/secrets.py).
    SettingSpec("smtp_enabled", "bool", False, N_("Send e-mail"), group="E-mail"),
    SettingSpec(
        "smtp_host", "str", "", N_("Mail server (SMTP host)"), group="E-mail", max_length=253, check=_check_host
    ),
    SettingSpec(
        "smtp_port",
        "int",
        587,
        N_("Port"),
        group="E-mail",
        check=_check_port,
        minimum=Decimal(1),
        maximum=Decimal(65535),
        step=Decimal(1),
    ),
    SettingSpec(
        "smtp_tls_mode",
        "str",
        TlsMode.STARTTLS.value,
        N_("Encryption"),
        group="E-mail",
        max_length=10,
        check=lambda v: None if v in {m.value for m in TlsMode} else "Choose STARTTLS, SSL or none.",
        normalize=str.lower,
        choices=tuple((mode.value, mode.label) for mode in TlsMode),
    ),
    SettingSpec("smtp_user", "str", "", N_("User name"), group="E-mail", max_length=254),
    SettingSpec(
        "smtp_from",
        "str",
        "",
        N_("From address"),
        group="E-mail",
        max_length=254,
        check=_check_optional_email,
        normalize=str.strip,
    ),
    SettingSpec(
        "smtp_reply_to",
        "str",
        "",
        N_("Reply-To address"),
        group="E-mail",
        max_length=254,
        check=_check_optional_email,
        normalize=str.strip,
    ),
    # Settings → E-mail → Templates: the office's copy of each e-mail (``notify_template_<event>``,
    # {"subject", "text", "html"}); one that does not render is refused (domain/notification_templates.py).
    *(
        SettingSpec(
            setting_name(event),
            "json",
            TEMPLATE_DEFAULTS[event].as_json(),
            event.label,
            group="E-mail templates",
            check=functools.partial(check_template, event),
        )
        for event in Event
    ),
)

SETTINGS_BY_NAME: dict[str, SettingSpec] = {spec.name: spec for spec in SETTINGS}


def coerce(spec: SettingSpec, raw: Any) -> Any:
    """Turn user input into the setting's type, or raise ``ValidationError``."""
    try:
        if spec.kind == "bool":
            if isinstance(raw, bool):
                value: Any = raw
            elif str(raw).strip().lower() in ("1", "true", "yes", "on"):
                value = True
            elif str(raw).strip().lower() in ("0", "false", "no", "off", ""):
                value = False
            else:
                raise ValueError
        elif spec.kind == "decimal":
            value = Decimal(str(raw).strip())
            if not value.is_finite():
                raise ValueError
        elif spec.kind == "int":
            value = int(str(raw).strip())
        elif spec.kind == "json":
            value = raw
        elif spec.kind == "image":
            value = logo_text(raw)
        else:
            value = " ".join(str(raw if raw is not None else "").split())
            if spec.normalize is not None:
                value = spec.normalize(value)
            if len(value) > spec.max_length:
                raise ValidationError({spec.name: f"At most {spec.max_length} characters."})
    except (ValueError, InvalidOperation):
        raise ValidationError({spec.name: f"“{raw}” is not a valid value."}) from None
    if spec.check is not None:
        problem = spec.check(value)
        if problem:
            raise ValidationError({spec.name: problem})
    return value


def to_json(spec: SettingSpec, value: Any) -> Any:
    """JSON form for storage: decimals as strings so no float ever touches money or rates."""
    if spec.kind == "decimal":
        return str(value)
    return value


def from_json(spec: SettingSpec, stored: Any) -> Any:
    """Typed value from its stored JSON form."""
    if spec.kind == "decimal":
        return Decimal(str(stored))
    if spec.kind == "bool":
        return bool(stored)
    return stored
