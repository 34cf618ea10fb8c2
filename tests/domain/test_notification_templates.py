"""E-mail templates: the defaults render, customer text is escaped in HTML and never reaches
a header, and an edited template that does not render (or tries to escape the sandbox or
the escaping) is refused."""

from __future__ import annotations

import pytest

from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.notification_templates import (
    DEFAULTS,
    FIELDS,
    SAMPLE_COMPANY,
    SUBJECT_FIELDS,
    Company,
    TemplateProblem,
    TemplateText,
    check_template,
    day_text,
    one_line,
    render_template,
    sample_context,
    setting_name,
    template_from_json,
)
from tuffops_desktop.domain.notifications import Event
from tuffops_desktop.domain.settings import SETTINGS_BY_NAME, coerce

INJECTION = "Hi\r\nBcc: victim@example.com\r\n\r\n<script>alert(1)</script> & <b>bold</b>"


@pytest.mark.parametrize("event", list(Event))
def test_every_default_renders_and_passes_its_own_check(event):
    message = render_template(event, DEFAULTS[event], sample_context(event), SAMPLE_COMPANY)
    assert message.subject and "\n" not in message.subject and "\r" not in message.subject
    assert "My Service Company" in message.text
    assert message.html.startswith("<!DOCTYPE html>") and "My Service Company" in message.html
    assert check_template(event, DEFAULTS[event].as_json()) is None
    assert set(SUBJECT_FIELDS[event]) <= set(FIELDS[event])
    # every default is a setting with that default (put-if-missing seeds it)
    spec = SETTINGS_BY_NAME[setting_name(event)]
    assert spec.kind == "json" and spec.default == DEFAULTS[event].as_json()


def test_defaults_read_well():
    message = render_template(
        Event.REQUEST_SCHEDULED,
        DEFAULTS[Event.REQUEST_SCHEDULED],
        sample_context(Event.REQUEST_SCHEDULED),
        Company("Cool Air Ltd", "+1-869-555-0100"),
    )
    assert message.subject == "Your service visit is booked for Tuesday 1 Dec 2026"
    assert "Dear Jane Smith (Harbour Hotel)," in message.text
    assert "Time: Morning (from 09:30)" in message.text
    assert message.text.rstrip().endswith("Cool Air Ltd\n+1-869-555-0100")


def test_customer_text_is_escaped_in_html_and_kept_as_typed_in_text():
    context = {**sample_context(Event.TECHNICIAN_ASSIGNED), "job": INJECTION, "customer": "O'Brien & <Sons>"}
    message = render_template(Event.TECHNICIAN_ASSIGNED, DEFAULTS[Event.TECHNICIAN_ASSIGNED], context, SAMPLE_COMPANY)
    assert "<script>" not in message.html and "&lt;script&gt;alert(1)&lt;/script&gt;" in message.html
    assert "&lt;b&gt;bold&lt;/b&gt;" in message.html and "O&#39;Brien &amp; &lt;Sons&gt;" in message.html
    assert INJECTION in message.text  # plain text is not HTML: shown exactly as the customer wrote it
    assert "victim" not in message.subject


def test_a_company_name_with_markup_is_escaped_in_the_layout_too():
    message = render_template(
        Event.TEST, DEFAULTS[Event.TEST], {}, Company("<i>Cool</i> & Co", "", "a@b.example\r\nX: y")
    )
    assert "<i>" not in message.html and "&lt;i&gt;Cool&lt;/i&gt; &amp; Co" in message.html
    assert message.subject == "Test e-mail from <i>Cool</i> & Co"  # a subject is text, not HTML


def test_a_subject_cannot_use_customer_text():
    template = DEFAULTS[Event.TECHNICIAN_ASSIGNED].as_json() | {"subject": "New job: {{ job }}"}
    problem = check_template(Event.TECHNICIAN_ASSIGNED, template)
    assert problem is not None and problem.startswith("The subject cannot use job")
    with pytest.raises(TemplateProblem):
        render_template(
            Event.TECHNICIAN_ASSIGNED,
            TemplateText(**template),
            sample_context(Event.TECHNICIAN_ASSIGNED),
            SAMPLE_COMPANY,
        )


def test_line_breaks_in_a_safe_field_never_reach_the_subject():
    context = {**sample_context(Event.REQUEST_RECEIVED), "ticket": "R-1\r\nBcc: victim@example.com\x00\x1b"}
    message = render_template(Event.REQUEST_RECEIVED, DEFAULTS[Event.REQUEST_RECEIVED], context, SAMPLE_COMPANY)
    assert message.subject == "We received your service request R-1 Bcc: victim@example.com"
    assert not any(ch in message.subject for ch in "\r\n\x00\x1b")


def test_one_line_and_dates():
    assert one_line("a\r\n b\tc\u2028d") == "a b c d"
    assert one_line("x" * 300) == "x" * 199 + "…"
    assert day_text("2026-12-01") == "Tuesday 1 Dec 2026"
    assert day_text("") == "" and day_text("soon") == "soon"


@pytest.mark.parametrize(
    ("part", "source", "words"),
    [
        ("text", "Hello {{ customer", "does not render (line 1)"),
        ("text", "Hello {{ custmer }}", "'custmer' is undefined"),
        ("subject", "{{ ticket }} {% if %}", "does not render"),
        ("html", "{{ job|safe }}", "No filter named 'safe'"),
        ("html", "{{ [job]|map('safe')|join }}", "No filter named 'safe'"),
        ("html", "{% autoescape false %}{{ job }}{% endautoescape %}", "autoescape"),
        ("text", "{{ job.__class__.__mro__ }}", "unsafe"),
        ("text", "{{ ''.__class__.__subclasses__() }}", "unsafe"),
        ("text", "{{ 'x' * 100000000 }}", "not allowed"),
        ("text", "{{ 9 ** 9999999 }}", "not allowed"),
        ("subject", "   ", "cannot be empty"),
    ],
)
def test_a_template_that_does_not_render_or_escapes_is_refused(part, source, words):
    template = DEFAULTS[Event.TECHNICIAN_ASSIGNED].as_json() | {part: source}
    problem = check_template(Event.TECHNICIAN_ASSIGNED, template)
    assert problem is not None and words in problem, problem
    spec = SETTINGS_BY_NAME[setting_name(Event.TECHNICIAN_ASSIGNED)]
    with pytest.raises(ValidationError) as caught:
        coerce(spec, template)
    assert words in caught.value.field_errors[spec.name]


def test_a_template_needs_its_three_parts_as_text():
    event = Event.INVOICE_ISSUED
    assert "exactly a subject" in (check_template(event, {"subject": "x", "text": "y"}) or "")
    assert "must be text" in (check_template(event, {"subject": "x", "text": 1, "html": "z"}) or "")
    assert "at most" in (check_template(event, DEFAULTS[event].as_json() | {"html": "x" * 20_001}) or "")
    assert (
        check_template(event, {"subject": "Invoice {{ invoice }}", "text": "Due {{ due_date }}", "html": "ok"}) is None
    )


def test_a_stored_copy_is_used_and_anything_unusable_falls_back_to_the_default():
    mine = {"subject": "Bill {{ invoice }}", "text": "Pay {{ total }}", "html": "<p>Pay {{ total }}</p>"}
    assert template_from_json(Event.INVOICE_ISSUED, mine) == TemplateText(**mine)
    assert template_from_json(Event.INVOICE_ISSUED, None) == DEFAULTS[Event.INVOICE_ISSUED]
    assert template_from_json(Event.INVOICE_ISSUED, {"subject": "x"}) == DEFAULTS[Event.INVOICE_ISSUED]
