"""The e-mails as they arrive at a real SMTP server (aiosmtpd) through the sender and the
templates, on SQLite and PostgreSQL: every address of the customer, the quotation's and
the invoice's PDF attached (its number found in it by pdftotext), no header injection;
the template editor's preview on real data, saving and refusing templates."""

from __future__ import annotations

import subprocess
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from tests.factories import make_customer, make_unit
from tests.notifications.conftest import use_smtp
from tests.services.invoice_support import completed_work_order
from tuffops_desktop.db.models import OutboxMessage, Setting
from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.notification_templates import DEFAULTS, TemplateText, setting_name
from tuffops_desktop.domain.notifications import Event
from tuffops_desktop.domain.pricing import PriceListInput
from tuffops_desktop.domain.quotations import QuotationInput
from tuffops_desktop.domain.requests import RequestInput
from tuffops_desktop.services import outbox
from tuffops_desktop.services.mail_sender import MailSender
from tuffops_desktop.services.notification_render import render

BOTH = ["ann@example.com", "Accounts@harbour.example.com"]


@pytest.fixture
def shop(services):
    customer = make_customer(
        services, first_name="Ann", last_name="O'Hara <Bay>", emails="ann@example.com, Accounts@Harbour.Example.com"
    )
    unit = make_unit(services, customer_id=customer.id, location="Lobby AC #2")
    services.users.add("tess", "longenough", "technician", full_name="Tess Walker", email="tess@coolair.example")
    return customer, unit


def _send(services) -> None:
    report = MailSender(services.ctx.db).send_due()
    assert report.gave_up == 0 and report.retrying == 0, report


def _by_subject(smtp, start: str):
    found = [r for r in smtp.received if str(r.message["Subject"]).startswith(start)]
    assert len(found) == 1, [str(r.message["Subject"]) for r in smtp.received]
    return found[0]


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "attached.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_invoice_and_quotation_arrive_at_every_address_with_their_pdf(services, smtp, shop, tmp_path):
    customer, unit = shop
    use_smtp(services, smtp)
    order_id = completed_work_order(services, unit.id)
    version = services.work_orders.get(order_id).version
    invoice = services.invoices.issue(order_id, expected_version=version)
    entry = services.price_list.add(PriceListInput("Split AC install", "service", "each", "1250"))
    quote = services.quotations.create(QuotationInput(title="New split unit", customer_id=customer.id))
    services.quotations.add_unit(quote.id, unit.id)
    quote = services.quotations.add_line(quote.id, entry.id, "1")
    quote = services.quotations.act(quote.id, "send", quote.version)
    _send(services)

    got = _by_subject(smtp, f"Invoice {invoice.number} from Cool Air Ltd")
    assert got.rcpt_tos == BOTH
    assert got.message["To"] == ", ".join(BOTH)
    body = got.message.get_body(("plain",)).get_content()
    assert f"Please find attached invoice {invoice.number} for {invoice.total:,.2f}" in body
    assert "Dear Ann O'Hara <Bay>," in body
    html = got.message.get_body(("html",)).get_content()
    assert "Dear Ann O&#39;Hara &lt;Bay&gt;," in html and "<Bay>" not in html
    [attached] = list(got.message.iter_attachments())
    assert attached.get_filename() == f"{invoice.number}.pdf" and attached.get_content_type() == "application/pdf"
    data = attached.get_content()
    assert data.startswith(b"%PDF")
    assert invoice.number in _pdf_text(data, tmp_path)

    got = _by_subject(smtp, f"Quotation {quote.number} from Cool Air Ltd")
    assert got.rcpt_tos == BOTH
    [attached] = list(got.message.iter_attachments())
    assert attached.get_filename() == f"{quote.number}.pdf"
    assert attached.get_content().startswith(b"%PDF")
    assert quote.number in _pdf_text(attached.get_content(), tmp_path)

    # The rest of the job's mail went too: the technician, the completion; nothing twice.
    assert _by_subject(smtp, "Assigned to you:").rcpt_tos == ["tess@coolair.example"]
    assert _by_subject(smtp, "Work completed:").rcpt_tos == BOTH
    with services.ctx.read() as session:
        assert set(session.scalars(select(OutboxMessage.status))) == {"sent"}
    _send(services)
    assert len(smtp.received) == 4


def test_customer_text_never_reaches_a_header(services, smtp, shop):
    _customer, unit = shop
    use_smtp(services, smtp)
    evil = "walkin@example.org"  # anyone may type any address on the public form
    services.requests.submit_office(
        unit.id,
        RequestInput(
            request="Broken\r\nBcc: victim@example.com\r\nSubject: win a prize",
            schedule_at=date.today() + timedelta(days=1),
            schedule_time="Afternoon",
            contact_info=evil,
        ),
    )
    # A stored context forged with line breaks in a "safe" field still makes one line.
    with services.ctx.write() as session:
        outbox.queue(
            session,
            services.ctx,
            Event.REQUEST_RECEIVED,
            ["ann@example.com"],
            {"ticket": "R-1\r\nBcc: victim@example.com", "unit": "x", "preferred_date": "", "preferred_window": ""},
        )
    _send(services)
    assert len(smtp.received) == 2
    for got in smtp.received:
        assert "victim@example.com" not in got.rcpt_tos
        assert got.message["Bcc"] is None and "prize" not in str(got.message["Subject"])
        unfolded = got.raw.split(b"\r\n\r\n", 1)[0].replace(b"\r\n ", b" ").replace(b"\r\n\t", b" ")
        names = [line.split(b":", 1)[0].lower() for line in unfolded.split(b"\r\n")]
        assert b"bcc" not in names and names.count(b"subject") == 1 and names.count(b"to") == 1
    forged = _by_subject(smtp, "We received your service request R-1")
    assert str(forged.message["Subject"]) == "We received your service request R-1 Bcc: victim@example.com"
    # and the request's own text is not in the confirmation at all (the public form is open to anyone)
    [ours] = [r for r in smtp.received if r.rcpt_tos == [evil]]
    for part in ("plain", "html"):
        assert "prize" not in ours.message.get_body((part,)).get_content()


def test_an_edited_template_is_used_and_one_broken_behind_the_checks_falls_back(services, smtp, shop):
    _customer, unit = shop
    use_smtp(services, smtp)
    services.notification_templates.save(
        "work_order_completed",
        {"subject": "Done: {{ work_order }}", "text": "All done, {{ customer }}.", "html": "<p>All done.</p>"},
    )
    completed_work_order(services, unit.id)
    _send(services)
    got = _by_subject(smtp, "Done: WO-")
    assert got.message.get_body(("plain",)).get_content().startswith("All done, Ann O'Hara <Bay>.")

    with services.ctx.write() as session:  # as if written by an older version, past the checks
        session.get_one(Setting, setting_name(Event.WORK_ORDER_COMPLETED)).value = {
            "subject": "{{ nope }",
            "text": "x",
            "html": "y",
        }
    completed_work_order(services, unit.id)
    _send(services)
    assert len([r for r in smtp.received if str(r.message["Subject"]).startswith("Work completed: WO-")]) == 1


def test_saving_a_broken_or_unsafe_template_is_refused_and_nothing_is_stored(services):
    before = services.notification_templates.templates()
    for template in (
        {"subject": "{{ customer }}", "text": "x", "html": "y"},  # customer text in a header
        {"subject": "ok", "text": "{{ custmer }}", "html": "y"},  # does not render
        {"subject": "ok", "text": "x", "html": "{{ customer|safe }}"},  # escaping switched off
    ):
        with pytest.raises(ValidationError):
            services.notification_templates.save("invoice_issued", template)
    assert services.notification_templates.templates() == before
    assert all(info.is_default for info in before)
    with pytest.raises(ValidationError):
        services.notification_templates.preview("nonsense")


def test_the_preview_uses_the_latest_record_and_its_attachment(services, shop):
    _customer, unit = shop
    empty = services.notification_templates.preview("invoice_issued")
    assert empty.source.startswith("example values") and "INV-2026-00017" in empty.subject
    order_id = completed_work_order(services, unit.id)
    version = services.work_orders.get(order_id).version
    invoice = services.invoices.issue(order_id, expected_version=version)

    shown = services.notification_templates.preview("invoice_issued")
    assert shown.source == f"invoice {invoice.number}"
    assert shown.subject == f"Invoice {invoice.number} from My Service Company"
    [(name, size)] = shown.attachments
    assert name == f"{invoice.number}.pdf" and size > 1000

    draft = TemplateText("Bill {{ invoice }}", "Pay {{ total }} by {{ due_date }}", "<p>{{ customer }}</p>")
    edited = services.notification_templates.preview("invoice_issued", draft)
    assert edited.subject == f"Bill {invoice.number}"
    assert edited.text.startswith(f"Pay {invoice.total:,.2f} by ")
    with pytest.raises(ValidationError) as caught:
        services.notification_templates.preview("invoice_issued", {"subject": "{{ x", "text": "t", "html": "h"})
    assert "does not render" in caught.value.field_errors["template"]
    assert services.notification_templates.preview("test").subject == "Test e-mail from My Service Company"


def test_save_and_reset(services):
    mine = {"subject": "Paid: {{ invoice }}", "text": "Thanks", "html": "<p>Thanks</p>"}
    services.notification_templates.save(Event.PAYMENT_RECEIVED, mine)
    info = {i.event: i for i in services.notification_templates.templates()}[Event.PAYMENT_RECEIVED]
    assert info.template == TemplateText(**mine) and not info.is_default and info.version > 0
    assert ("invoice", "the invoice's number, e.g. INV-2026-00001") in info.fields
    assert "customer" not in info.subject_fields
    services.notification_templates.reset(Event.PAYMENT_RECEIVED)
    info = {i.event: i for i in services.notification_templates.templates()}[Event.PAYMENT_RECEIVED]
    assert info.template == DEFAULTS[Event.PAYMENT_RECEIVED] and info.is_default


def test_render_reads_the_settings_given_first(services, shop):
    _customer, unit = shop
    start = datetime.combine(date.today(), time(14, 0)).astimezone()
    order = services.work_orders.create(unit.id, "repair", "Noisy fan")
    tech = [t for t in services.work_orders.technicians() if t.username == "tess"][0]
    services.work_orders.act(order.id, "assign", order.version, technician_id=tech.id, scheduled_start=start)
    with services.ctx.read() as session:
        row = session.scalars(select(OutboxMessage)).one()
        message = render(session, row.event, row.context, {"company_name": "Given Co"})
    assert message.subject.startswith(f"Assigned to you: {order.number} (repair) on ")
    assert "Booked: " in message.text and "Afternoon from 14:00" in message.text
    assert message.text.rstrip().endswith("Given Co") and message.attachments == []
