"""The e-mails' words: one template per event, a plain-text body, an HTML body and a subject.

Each event (``domain.notifications.Event``) has a default template here, short and
friendly, signed with the company's name from Settings. The office may edit a copy in
Settings (one setting per event, ``notify_template_<event>``: ``{"subject", "text",
"html"}``); a copy that does not render is refused when it is saved (``check_template``).

Templates are Jinja2 run in a **sandbox** (no access to Python internals, whatever an
edited template tries), with every variable required (a misspelt name is an error when
the template is saved, not a blank in a customer's mail). What may reach the customer:

* **HTML** is autoescaped: customer-entered text (the job description, a name) can never
  add markup. The ``safe`` filter and ``{% autoescape false %}`` blocks are refused, so
  an edited template cannot switch the escaping off either. The event's HTML is a
  fragment, placed inside a fixed page layout.
* **Subjects** are rendered from **safe fields only**: the company's name and the
  record's number, ticket or date (``SUBJECT_FIELDS``), never free text a customer
  typed; the result is then made one line (line breaks and control characters removed,
  length capped). A subject can therefore never carry a header injection.
* **No internal data**: the context an event stores (``services/notification_events.py``)
  holds only what the customer may read (numbers, dates, amounts, the unit's label);
  internal notes, usernames and prices of other records are never in it.

Dates are stored in the context as ISO text (``2026-12-01``) and printed as
``Tuesday 1 Dec 2026`` (``DATE_FIELDS``), the same for every reader.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateError, meta, nodes
from jinja2.environment import Template
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup

from tuffops_desktop.domain.notifications import Event
from tuffops_desktop.i18n import N_

SETTING_PREFIX = "notify_template_"
SUBJECT_MAX = 200
BODY_MAX = 20_000
PARTS = ("subject", "text", "html")


@dataclass(frozen=True)
class TemplateText:
    """One event's editable template: the subject line, the plain-text body, the HTML body."""

    subject: str
    text: str
    html: str

    def as_json(self) -> dict[str, str]:
        return {"subject": self.subject, "text": self.text, "html": self.html}


@dataclass(frozen=True)
class Company:
    """The sender as the customer reads it (from Settings)."""

    name: str
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class RenderedMessage:
    """One e-mail ready to go: the subject (one line), both bodies and the attachments
    (file name, bytes, MIME type)."""

    subject: str
    text: str
    html: str
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)


class TemplateProblem(ValueError):
    """A template that cannot be rendered; the message says which part and why."""


# ---------------------------------------------------------------------------- fields
COMMON_FIELDS = ("company", "company_phone", "company_email")

# What each event's context holds (services/notification_events.py writes exactly these).
FIELDS: dict[Event, tuple[str, ...]] = {
    Event.REQUEST_RECEIVED: ("ticket", "unit", "preferred_date", "preferred_window"),
    Event.REQUEST_SCHEDULED: ("customer", "ticket", "work_order", "unit", "date", "window", "time"),
    Event.TECHNICIAN_ASSIGNED: (
        "technician",
        "work_order",
        "work_type",
        "unit",
        "customer",
        "site",
        "date",
        "window",
        "time",
        "job",
    ),
    Event.WORK_ORDER_COMPLETED: ("customer", "work_order", "work_type", "unit", "completed_date"),
    Event.QUOTATION_SENT: ("customer", "quotation", "title", "total", "valid_until"),
    Event.INVOICE_ISSUED: ("customer", "invoice", "work_order", "total", "due_date"),
    Event.PAYMENT_RECEIVED: ("customer", "invoice", "amount", "paid_date", "balance"),
    Event.INVOICE_OVERDUE: ("customer", "invoice", "balance", "due_date", "days_overdue", "bucket"),
    Event.MAINTENANCE_DUE: ("customer", "unit", "due_date", "frequency"),
    Event.TEST: (),
}

# The only fields a subject may use: identifiers and dates the system made, never free text.
SUBJECT_FIELDS: dict[Event, tuple[str, ...]] = {
    Event.REQUEST_RECEIVED: ("ticket",),
    Event.REQUEST_SCHEDULED: ("ticket", "work_order", "date"),
    Event.TECHNICIAN_ASSIGNED: ("work_order", "work_type", "date"),
    Event.WORK_ORDER_COMPLETED: ("work_order",),
    Event.QUOTATION_SENT: ("quotation",),
    Event.INVOICE_ISSUED: ("invoice", "due_date"),
    Event.PAYMENT_RECEIVED: ("invoice",),
    Event.INVOICE_OVERDUE: ("invoice", "days_overdue"),
    Event.MAINTENANCE_DUE: ("due_date",),
    Event.TEST: (),
}

DATE_FIELDS = frozenset({"preferred_date", "date", "completed_date", "valid_until", "due_date", "paid_date"})

# Who reads each event's mail: the customer, or staff (the technician).
STAFF_EVENTS = frozenset({Event.TECHNICIAN_ASSIGNED, Event.TEST})

FIELD_HELP: dict[str, str] = {
    "company": N_("your company's name (Settings)"),
    "company_phone": N_("your company's phone (Settings)"),
    "company_email": N_("your company's e-mail (Settings)"),
    "ticket": N_("the request's ticket, e.g. R-7K2QF-9XD3M"),
    "unit": N_("the unit's label, e.g. Lobby AC #2"),
    "preferred_date": N_("the day the customer asked for"),
    "preferred_window": N_("All Day, Morning or Afternoon"),
    "customer": N_("the customer's name"),
    "work_order": N_("the work order's number, e.g. WO-000123"),
    "work_type": N_("installation, repair, maintenance, service or other"),
    "date": N_("the booked day"),
    "window": N_("the booked window: All Day, Morning or Afternoon"),
    "time": N_("the booked start time, e.g. 09:30"),
    "technician": N_("the technician's name"),
    "site": N_("the unit's site address"),
    "job": N_("what the customer asked for (their own words)"),
    "completed_date": N_("the day the work was approved as completed"),
    "quotation": N_("the quotation's number"),
    "title": N_("the quotation's reference"),
    "total": N_("the total amount"),
    "valid_until": N_("the last day the quotation is valid (may be blank)"),
    "invoice": N_("the invoice's number, e.g. INV-2026-00001"),
    "due_date": N_("the due date"),
    "amount": N_("the amount received"),
    "paid_date": N_("the day it was paid"),
    "balance": N_("what is still owed"),
    "days_overdue": N_("days past the due date"),
    "bucket": N_("how late: 1–30 days, 31–60 days, …"),
    "frequency": N_("how often the unit is maintained"),
}


# ---------------------------------------------------------------------------- defaults
_SIGN = "{{ company }}{% if company_phone %}\n{{ company_phone }}{% endif %}"
_SIGN_HTML = "<p>{{ company }}{% if company_phone %}<br>{{ company_phone }}{% endif %}</p>"

DEFAULTS: dict[Event, TemplateText] = {
    Event.REQUEST_RECEIVED: TemplateText(
        subject="We received your service request {{ ticket }}",
        text=(
            "Hello,\n\n"
            "Thank you for contacting {{ company }}. We have received your service request for "
            "{{ unit }}.\n\n"
            "Your ticket: {{ ticket }}\n"
            "Preferred day: {{ preferred_date }} ({{ preferred_window }})\n\n"
            "We will be in touch to confirm a time. Please quote your ticket if you contact us.\n\n" + _SIGN
        ),
        html=(
            "<p>Hello,</p>"
            "<p>Thank you for contacting {{ company }}. We have received your service request for "
            "<strong>{{ unit }}</strong>.</p>"
            "<p>Your ticket: <strong>{{ ticket }}</strong><br>"
            "Preferred day: {{ preferred_date }} ({{ preferred_window }})</p>"
            "<p>We will be in touch to confirm a time. Please quote your ticket if you contact us.</p>" + _SIGN_HTML
        ),
    ),
    Event.REQUEST_SCHEDULED: TemplateText(
        subject="Your service visit is booked for {{ date }}",
        text=(
            "Dear {{ customer }},\n\n"
            "Your service request {{ ticket }} is scheduled.\n\n"
            "Day: {{ date }}\n"
            "Time: {{ window }}{% if time %} (from {{ time }}){% endif %}\n"
            "Unit: {{ unit }}\n"
            "Work order: {{ work_order }}\n\n"
            "If this time does not suit you, please let us know.\n\n" + _SIGN
        ),
        html=(
            "<p>Dear {{ customer }},</p>"
            "<p>Your service request {{ ticket }} is scheduled.</p>"
            "<p>Day: <strong>{{ date }}</strong><br>"
            "Time: {{ window }}{% if time %} (from {{ time }}){% endif %}<br>"
            "Unit: {{ unit }}<br>"
            "Work order: {{ work_order }}</p>"
            "<p>If this time does not suit you, please let us know.</p>" + _SIGN_HTML
        ),
    ),
    Event.TECHNICIAN_ASSIGNED: TemplateText(
        subject="Assigned to you: {{ work_order }} ({{ work_type }}){% if date %} on {{ date }}{% endif %}",
        text=(
            "Hello {{ technician }},\n\n"
            "{{ work_order }} ({{ work_type }}) is assigned to you.\n\n"
            "Customer: {{ customer }}\n"
            "Unit: {{ unit }}\n"
            "Site: {{ site }}\n"
            "{% if date %}Booked: {{ date }}, {{ window }}{% if time %} from {{ time }}{% endif %}\n"
            "{% else %}Not booked yet.\n{% endif %}"
            "\nThe job:\n{{ job }}\n\n"
            "{{ company }}"
        ),
        html=(
            "<p>Hello {{ technician }},</p>"
            "<p><strong>{{ work_order }}</strong> ({{ work_type }}) is assigned to you.</p>"
            "<p>Customer: {{ customer }}<br>Unit: {{ unit }}<br>Site: {{ site }}<br>"
            "{% if date %}Booked: {{ date }}, {{ window }}{% if time %} from {{ time }}{% endif %}"
            "{% else %}Not booked yet.{% endif %}</p>"
            '<p>The job:</p><p style="white-space: pre-line">{{ job }}</p>'
            "<p>{{ company }}</p>"
        ),
    ),
    Event.WORK_ORDER_COMPLETED: TemplateText(
        subject="Work completed: {{ work_order }}",
        text=(
            "Dear {{ customer }},\n\n"
            "The work on {{ unit }} ({{ work_order }}) was completed on {{ completed_date }}.\n\n"
            "Thank you for choosing {{ company }}. If anything is not right, please let us know.\n\n" + _SIGN
        ),
        html=(
            "<p>Dear {{ customer }},</p>"
            "<p>The work on <strong>{{ unit }}</strong> ({{ work_order }}) was completed on "
            "{{ completed_date }}.</p>"
            "<p>Thank you for choosing {{ company }}. If anything is not right, please let us know.</p>" + _SIGN_HTML
        ),
    ),
    Event.QUOTATION_SENT: TemplateText(
        subject="Quotation {{ quotation }} from {{ company }}",
        text=(
            "Dear {{ customer }},\n\n"
            "Please find attached our quotation {{ quotation }} ({{ title }}) for {{ total }}."
            "{% if valid_until %} It is valid until {{ valid_until }}.{% endif %}\n\n"
            "To accept it or ask a question, simply reply to this e-mail.\n\n" + _SIGN
        ),
        html=(
            "<p>Dear {{ customer }},</p>"
            "<p>Please find attached our quotation <strong>{{ quotation }}</strong> ({{ title }}) for "
            "<strong>{{ total }}</strong>.{% if valid_until %} It is valid until {{ valid_until }}.{% endif %}</p>"
            "<p>To accept it or ask a question, simply reply to this e-mail.</p>" + _SIGN_HTML
        ),
    ),
    Event.INVOICE_ISSUED: TemplateText(
        subject="Invoice {{ invoice }} from {{ company }}",
        text=(
            "Dear {{ customer }},\n\n"
            "Please find attached invoice {{ invoice }} for {{ total }} (work order {{ work_order }}), "
            "due on {{ due_date }}.\n\n"
            "Thank you for your business.\n\n" + _SIGN
        ),
        html=(
            "<p>Dear {{ customer }},</p>"
            "<p>Please find attached invoice <strong>{{ invoice }}</strong> for <strong>{{ total }}</strong> "
            "(work order {{ work_order }}), due on {{ due_date }}.</p>"
            "<p>Thank you for your business.</p>" + _SIGN_HTML
        ),
    ),
    Event.PAYMENT_RECEIVED: TemplateText(
        subject="Payment received for invoice {{ invoice }}",
        text=(
            "Dear {{ customer }},\n\n"
            "Thank you: we received your payment of {{ amount }} on {{ paid_date }} for invoice {{ invoice }}.\n"
            "{% if balance != '0.00' %}Still to pay: {{ balance }}.{% else %}The invoice is now paid in full."
            "{% endif %}\n\n" + _SIGN
        ),
        html=(
            "<p>Dear {{ customer }},</p>"
            "<p>Thank you: we received your payment of <strong>{{ amount }}</strong> on {{ paid_date }} "
            "for invoice {{ invoice }}.</p>"
            "<p>{% if balance != '0.00' %}Still to pay: {{ balance }}.{% else %}The invoice is now paid in full."
            "{% endif %}</p>" + _SIGN_HTML
        ),
    ),
    Event.INVOICE_OVERDUE: TemplateText(
        subject="Reminder: invoice {{ invoice }} is {{ days_overdue }} days overdue",
        text=(
            "Dear {{ customer }},\n\n"
            "Our records show that invoice {{ invoice }} was due on {{ due_date }} and {{ balance }} is "
            "still open.\n\n"
            "If you have already paid, thank you, and please ignore this reminder. Otherwise we would be "
            "grateful for your payment. A copy of the invoice is attached.\n\n" + _SIGN
        ),
        html=(
            "<p>Dear {{ customer }},</p>"
            "<p>Our records show that invoice <strong>{{ invoice }}</strong> was due on {{ due_date }} and "
            "<strong>{{ balance }}</strong> is still open.</p>"
            "<p>If you have already paid, thank you, and please ignore this reminder. Otherwise we would be "
            "grateful for your payment. A copy of the invoice is attached.</p>" + _SIGN_HTML
        ),
    ),
    Event.MAINTENANCE_DUE: TemplateText(
        subject="Maintenance due on {{ due_date }}",
        text=(
            "Dear {{ customer }},\n\n"
            "{{ unit }} is due for maintenance ({{ frequency }}) on {{ due_date }}.\n\n"
            "Regular maintenance keeps it efficient and reliable. Reply to this e-mail or call us to book a visit.\n\n"
            + _SIGN
        ),
        html=(
            "<p>Dear {{ customer }},</p>"
            "<p><strong>{{ unit }}</strong> is due for maintenance ({{ frequency }}) on {{ due_date }}.</p>"
            "<p>Regular maintenance keeps it efficient and reliable. Reply to this e-mail or call us to book "
            "a visit.</p>" + _SIGN_HTML
        ),
    ),
    Event.TEST: TemplateText(
        subject="Test e-mail from {{ company }}",
        text="This is a test e-mail from {{ company }}. If you can read it, e-mail is set up correctly.\n",
        html="<p>This is a test e-mail from {{ company }}. If you can read it, e-mail is set up correctly.</p>",
    ),
}

# Example values: what a saved template is tried with, and the preview when there is no record yet.
SAMPLES: dict[str, str] = {
    "ticket": "R-7K2QF-9XD3M",
    "unit": "Lobby AC #2",
    "preferred_date": "2026-12-01",
    "preferred_window": "Morning",
    "customer": "Jane Smith (Harbour Hotel)",
    "work_order": "WO-000123",
    "work_type": "repair",
    "date": "2026-12-01",
    "window": "Morning",
    "time": "09:30",
    "technician": "Tess Walker",
    "site": "12 Bay Road, Basseterre",
    "job": "The AC in the lobby is dripping water.",
    "completed_date": "2026-12-02",
    "quotation": "Q-2026-00042",
    "title": "New split unit, 2nd floor",
    "total": "1,250.00",
    "valid_until": "2026-12-31",
    "invoice": "INV-2026-00017",
    "due_date": "2026-12-31",
    "amount": "500.00",
    "paid_date": "2026-12-15",
    "balance": "750.00",
    "days_overdue": "12",
    "bucket": "1–30 days",
    "frequency": "every 6 months",
}
SAMPLE_COMPANY = Company(name="My Service Company", phone="+1-869-555-1234", email="office@example.com")


def sample_context(event: Event) -> dict[str, str]:
    """An example context of ``event`` (every field it has)."""
    return {name: SAMPLES[name] for name in FIELDS[event]}


# ---------------------------------------------------------------------------- settings
def setting_name(event: Event) -> str:
    """The Settings key holding the office's copy of ``event``'s template."""
    return f"{SETTING_PREFIX}{event.value}"


def template_from_json(event: Event, stored: Any) -> TemplateText:
    """The template stored in Settings, or the default when nothing usable is stored."""
    if isinstance(stored, Mapping) and all(isinstance(stored.get(part), str) for part in PARTS):
        return TemplateText(str(stored["subject"]), str(stored["text"]), str(stored["html"]))
    return DEFAULTS[event]


def check_template(event: Event, value: Any) -> str | None:
    """Why ``value`` (``{"subject", "text", "html"}``) cannot be saved as ``event``'s
    template, or None. It must render with an example of every field the event has; the
    subject may use only the event's safe fields (``SUBJECT_FIELDS``)."""
    if not isinstance(value, Mapping) or set(value) != set(PARTS):
        return "A template has exactly a subject, a text body and an HTML body."
    for part in PARTS:
        if not isinstance(value[part], str):
            return f"The {part} must be text."
        if not value[part].strip():
            return f"The {part} cannot be empty."
    if len(value["subject"]) > SUBJECT_MAX:
        return f"The subject template is at most {SUBJECT_MAX} characters."
    for part in ("text", "html"):
        if len(value[part]) > BODY_MAX:
            return f"The {part} template is at most {BODY_MAX:,} characters."
    template = TemplateText(value["subject"], value["text"], value["html"])
    try:
        rendered = render_template(event, template, sample_context(event), SAMPLE_COMPANY)
    except TemplateProblem as exc:
        return str(exc)
    if not rendered.subject:
        return "The subject comes out empty."
    return None


# ---------------------------------------------------------------------------- rendering
class _Environment(ImmutableSandboxedEnvironment):
    """Jinja's sandbox, every variable required; the HTML one escapes and cannot be told not to.

    ``*`` and ``**`` are bounded, so an edited template cannot make a huge string or number
    (the sandbox already bounds ``range``)."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, *, html: bool) -> None:
        super().__init__(autoescape=html, undefined=StrictUndefined, keep_trailing_newline=True)
        # ``safe`` (also through ``map('safe')``) would let customer text through unescaped.
        self.filters.pop("safe", None)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        numbers = [v for v in (left, right) if isinstance(v, int)]
        if operator == "**" and any(abs(v) > _BINOP_LIMIT for v in numbers):
            raise SecurityError("numbers that large are not allowed in a template")
        repeats = operator == "*" and any(isinstance(v, (str, list, tuple)) for v in (left, right))
        if repeats and any(v > _BINOP_LIMIT for v in numbers):
            raise SecurityError("repeating text that many times is not allowed in a template")
        return super().call_binop(context, operator, left, right)


_BINOP_LIMIT = 1000


_TEXT = _Environment(html=False)
_HTML = _Environment(html=True)


@lru_cache(maxsize=256)
def _compiled(source: str, html: bool) -> Template:
    env = _HTML if html else _TEXT
    tree = env.parse(source)
    if html and any(tree.find_all((nodes.EvalContextModifier, nodes.ScopedEvalContextModifier))):
        raise TemplateError("{% autoescape %} blocks are not allowed: customer text is always escaped.")
    return env.from_string(tree)


def _render(part: str, source: str, values: Mapping[str, object], *, html: bool = False) -> str:
    try:
        return _compiled(source, html).render(values)
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)  # syntax errors know their line
        where = f" (line {line})" if line else ""
        raise TemplateProblem(f"The {part} does not render{where}: {exc.message or exc}") from None
    except (ArithmeticError, TypeError, ValueError, RecursionError) as exc:
        raise TemplateProblem(f"The {part} does not render: {exc}") from None


def day_text(iso: str) -> str:
    """``2026-12-01`` as ``Tuesday 1 Dec 2026``; anything else as it is."""
    try:
        day = date.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso
    return f"{day:%A} {day.day} {day:%b %Y}"


_CONTROL = re.compile(r"\s+")


def one_line(text: str, limit: int = SUBJECT_MAX) -> str:
    """``text`` as one header-safe line: control characters (CR, LF, …) become spaces,
    runs of space fold, and it is cut to ``limit`` characters."""
    cleaned = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)
    line = _CONTROL.sub(" ", cleaned).strip()
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _values(event: Event, context: Mapping[str, object], company: Company) -> dict[str, str]:
    values = {name: str(context.get(name, "") or "") for name in FIELDS[event]}
    for name in DATE_FIELDS.intersection(values):
        values[name] = day_text(values[name])
    values.update(company=company.name, company_phone=company.phone, company_email=company.email)
    return values


_LAYOUT = (
    "<!DOCTYPE html>\n"
    '<html><head><meta charset="utf-8"><title>{{ subject }}</title></head>\n'
    '<body style="font-family: Arial, Helvetica, sans-serif; font-size: 14px; color: #222; line-height: 1.45">\n'
    "{{ body }}\n"
    '<hr style="border: none; border-top: 1px solid #ddd">\n'
    '<p style="color: #777; font-size: 12px">{{ company }}'
    "{% if company_phone %} · {{ company_phone }}{% endif %}"
    "{% if company_email %} · {{ company_email }}{% endif %}</p>\n"
    "</body></html>\n"
)


def _check_subject_fields(event: Event, source: str, safe: Mapping[str, str]) -> None:
    try:
        used = meta.find_undeclared_variables(_TEXT.parse(source))
    except TemplateError:
        return  # the render below names the syntax error
    unsafe = sorted(name for name in used if name in FIELDS[event] and name not in safe)
    if unsafe:
        allowed = ", ".join(f"{{{{ {name} }}}}" for name in safe)
        raise TemplateProblem(
            f"The subject cannot use {', '.join(unsafe)}: only fields that are safe in an e-mail header "
            f"may go there ({allowed})."
        )


def render_template(
    event: Event, template: TemplateText, context: Mapping[str, object], company: Company
) -> RenderedMessage:
    """Render ``template`` for ``event`` with a stored ``context`` (without attachments).

    Raises ``TemplateProblem`` when a part does not render (an unknown variable, a
    subject using a field that is not safe for a header, a syntax error)."""
    values = _values(event, context, company)
    safe = {name: values[name] for name in (*SUBJECT_FIELDS[event], *COMMON_FIELDS)}
    _check_subject_fields(event, template.subject, safe)
    subject = one_line(_render("subject", template.subject, safe))
    text = _render("text body", template.text, values)
    fragment = _render("HTML body", template.html, values, html=True)
    page = _render(
        "HTML layout",
        _LAYOUT,
        {"subject": subject, "body": Markup(fragment), **{k: values[k] for k in COMMON_FIELDS}},
        html=True,
    )
    return RenderedMessage(subject=subject, text=text, html=page)
