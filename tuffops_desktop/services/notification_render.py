"""Putting a queued notification together when it is sent, and the template preview.

``render(session, event, context, settings, attachment=…)`` is what the sender
(``services/mail_sender.py``) calls for each outbox row it claimed: it takes the
office's template from Settings (or the default), the company's name and phone from
Settings, the context stored with the row, and makes the subject, both bodies and the
attachment: the quotation's PDF for "quotation sent", the invoice's PDF for "invoice
issued" and for overdue reminders (``services/quote_documents.py``,
``services/invoice_documents.py``), drawn now from the record as it is now. It reads
through the session it is given and writes nothing.

A template the office edited is checked when saved (``check_template``); should one
still fail when sending (it cannot, short of a bug), the default template is used, so a
message is never lost to a template.

``NotificationTemplateService`` is what Settings → E-mail uses: the events with their
fields and templates, a preview of a template on real data (the latest matching record,
or example values when there is none yet), saving and resetting a template.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from tuffops_desktop.db.engine import make_session_factories
from tuffops_desktop.db.models import (
    CustomerRequest,
    DeviceModel,
    Invoice,
    OutboxMessage,
    Payment,
    Quotation,
    Setting,
    Unit,
    User,
    WorkOrder,
)
from tuffops_desktop.documents.page_plan import write_plan_pdf
from tuffops_desktop.domain.errors import NotFound, PermissionDenied, ValidationError
from tuffops_desktop.domain.invoices import InvoiceStatus, InvoicingDisabled
from tuffops_desktop.domain.notification_templates import (
    COMMON_FIELDS,
    DEFAULTS,
    FIELD_HELP,
    FIELDS,
    SUBJECT_FIELDS,
    Company,
    RenderedMessage,
    TemplateProblem,
    TemplateText,
    check_template,
    render_template,
    sample_context,
    setting_name,
    template_from_json,
)
from tuffops_desktop.domain.notifications import Event
from tuffops_desktop.domain.permissions import P
from tuffops_desktop.domain.units import MaintenanceFrequency, friendly_label, maintenance_dates
from tuffops_desktop.domain.work_orders import WorkOrderStatus
from tuffops_desktop.services.context import SYSTEM_ACTOR, ServiceContext
from tuffops_desktop.services.dto.quotations import QuotationDetail
from tuffops_desktop.services.guard import requires
from tuffops_desktop.services.invoice_documents import invoice_plan
from tuffops_desktop.services.invoices import InvoiceService
from tuffops_desktop.services.notification_events import (
    assigned_context,
    completed_context,
    customer_name,
    invoice_context,
    maintenance_context,
    overdue_context,
    payment_context,
    quotation_context,
    request_received_context,
    scheduled_context,
)
from tuffops_desktop.services.quotations import printable_quotation
from tuffops_desktop.services.quote_documents import quotation_plan
from tuffops_desktop.services.settings import SettingsService, read_setting

__all__ = [
    "RenderedMessage",
    "render",
    "render_outbox_row",
    "preview",
    "NotificationTemplateService",
    "TemplatePreview",
    "TemplateInfo",
]

PDF = "application/pdf"


class SettingsSource(Protocol):
    """Settings as the sender has them: ``get(name)`` (a dict of values, or ``SettingsService``)."""

    def get(self, name: str) -> Any: ...


class _Settings:
    """The settings ``render`` reads: those the caller passed, else the database's."""

    def __init__(self, session: Session, given: SettingsSource | None) -> None:
        self._session = session
        self._given = given

    def get(self, name: str) -> Any:
        value = self._given.get(name) if self._given is not None else None
        return read_setting(self._session, name) if value is None else value


@dataclass(frozen=True)
class _InTransaction(ServiceContext):
    """The system, reading inside the caller's open transaction (the sender's session):
    the invoice and quotation services' own reads run in it, so the PDF is the one their
    ``get`` describes."""

    session: Session | None = None

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        assert self.session is not None
        yield self.session


def _reader(session: Session) -> ServiceContext:
    return _InTransaction(db=make_session_factories(session.get_bind().engine), actor=SYSTEM_ACTOR, session=session)


def _company(settings: SettingsSource) -> Company:
    return Company(
        name=str(settings.get("company_name") or "").strip() or "—",
        phone=str(settings.get("company_phone") or "").strip(),
        email=str(settings.get("company_email") or "").strip(),
    )


class _PrintedQuotations:
    """Quotations as their PDF reads them, in the caller's transaction (no internal notes)."""

    def __init__(self, session: Session, ctx: ServiceContext) -> None:
        self._session = session
        self._ctx = ctx

    def get(self, quotation_id: int) -> QuotationDetail:
        return printable_quotation(self._session, self._ctx, quotation_id)


def _attachment(session: Session, settings: SettingsSource, kind: str, record_id: int) -> tuple[str, bytes, str]:
    """The document ``kind`` #``record_id`` as a PDF file (name, bytes, MIME type)."""
    ctx = _reader(session)
    if kind == "quotation":
        quotations = _PrintedQuotations(session, ctx)
        plan = quotation_plan(quotations, settings, record_id)
        name = quotations.get(record_id).number
    elif kind == "invoice":
        plan = invoice_plan(InvoiceService(ctx), settings, record_id)
        name = InvoiceService(ctx).get(record_id).number
    else:
        raise NotFound(f"A {kind} cannot be attached to an e-mail.")
    out = io.BytesIO()
    write_plan_pdf(plan, out)
    return f"{name}.pdf", out.getvalue(), PDF


def render(
    session: Session,
    event: Event | str,
    context: Mapping[str, object],
    settings: SettingsSource | None = None,
    *,
    attachment: tuple[str, int] | None = None,
) -> RenderedMessage:
    """The e-mail of one outbox row: subject, text, HTML and its attachment (if any).

    Args:
        session: an open session; only read.
        event: the row's event.
        context: the row's stored context.
        settings: settings already read (anything with ``get(name)``); what it lacks
            (``None``) is read from the database.
        attachment: the row's ``(attachment_kind, attachment_id)``.

    Raises ``TemplateProblem`` only if even the default template cannot be rendered, and
    the services' errors (``NotFound``, ``InvoicingDisabled``) when the attached record
    cannot be printed.
    """
    kind = Event(event)
    source = _Settings(session, settings)
    company = _company(source)
    template = template_from_json(kind, source.get(setting_name(kind)))
    try:
        message = render_template(kind, template, context, company)
    except TemplateProblem:
        if template == DEFAULTS[kind]:
            raise
        message = render_template(kind, DEFAULTS[kind], context, company)
    if attachment is not None:
        message.attachments.append(_attachment(session, source, attachment[0], attachment[1]))
    return message


def render_outbox_row(session: Session, row: OutboxMessage) -> RenderedMessage:
    """``render`` for one claimed outbox row (what ``services/mail_sender.py`` calls)."""
    attachment = (
        (row.attachment_kind, row.attachment_id)
        if row.attachment_kind is not None and row.attachment_id is not None
        else None
    )
    return render(session, row.event, row.context or {}, attachment=attachment)


# ---------------------------------------------------------------------------- preview
@dataclass(frozen=True)
class _Example:
    context: dict[str, str]
    source: str  # what record the values come from, in words
    attachment: tuple[str, int] | None = None


def _latest(session: Session, stmt: Any) -> Any:
    return session.execute(stmt.limit(1)).first()


def _example(session: Session, event: Event, today: date) -> _Example | None:
    """The context ``event`` would have for the latest matching record (None: no record yet)."""
    if event is Event.REQUEST_RECEIVED:
        found = _latest(session, select(CustomerRequest).order_by(CustomerRequest.id.desc()))
        if found is None:
            return None
        req = found[0]
        unit = session.execute(
            select(Unit.location, Unit.serial_number, DeviceModel.name)
            .join(DeviceModel, DeviceModel.id == Unit.device_model_id)
            .where(Unit.id == req.unit_id)
        ).one()
        label = friendly_label(unit.location, unit.serial_number, unit.name)
        return _Example(
            request_received_context(req.ticket, label, req.schedule_at, req.schedule_time), f"request {req.ticket}"
        )
    if event is Event.REQUEST_SCHEDULED:
        found = _latest(
            session,
            select(WorkOrder, CustomerRequest.ticket)
            .join(CustomerRequest, CustomerRequest.id == WorkOrder.request_id)
            .where(WorkOrder.scheduled_start.is_not(None))
            .order_by(WorkOrder.id.desc()),
        )
        if found is None:
            return None
        return _Example(scheduled_context(session, found[0], found[1]), f"request {found[1]}")
    if event is Event.TECHNICIAN_ASSIGNED:
        found = _latest(
            session,
            select(WorkOrder, User).join(User, User.id == WorkOrder.technician_id).order_by(WorkOrder.id.desc()),
        )
        if found is None:
            return None
        context = assigned_context(session, found[0], found[1])
        return _Example(context, f"work order {context['work_order']}")
    if event is Event.WORK_ORDER_COMPLETED:
        done = (WorkOrderStatus.COMPLETED.value, WorkOrderStatus.BILLED.value)
        found = _latest(session, select(WorkOrder).where(WorkOrder.status.in_(done)).order_by(WorkOrder.id.desc()))
        if found is None:
            return None
        context = completed_context(session, found[0], found[0].updated_at.astimezone().date())
        return _Example(context, f"work order {context['work_order']}")
    if event is Event.QUOTATION_SENT:
        found = _latest(
            session, select(Quotation).where(Quotation.customer_id.is_not(None)).order_by(Quotation.id.desc())
        )
        if found is None:
            return None
        quotation = found[0]
        return _Example(
            quotation_context(session, quotation), f"quotation {quotation.number}", ("quotation", quotation.id)
        )
    if event in (Event.INVOICE_ISSUED, Event.INVOICE_OVERDUE):
        stmt = select(Invoice).order_by(Invoice.id.desc())
        if event is Event.INVOICE_OVERDUE:
            # the most recent invoice that is overdue, else the most recent one
            overdue = stmt.where(
                Invoice.status == InvoiceStatus.SENT.value, Invoice.total > Invoice.paid, Invoice.due_on < today
            )
            found = _latest(session, overdue) or _latest(session, stmt)
        else:
            found = _latest(session, stmt)
        if found is None:
            return None
        invoice = found[0]
        context = invoice_context(invoice) if event is Event.INVOICE_ISSUED else overdue_context(invoice, today)
        return _Example(context, f"invoice {invoice.number}", ("invoice", invoice.id))
    if event is Event.PAYMENT_RECEIVED:
        found = _latest(
            session,
            select(Payment, Invoice)
            .join(Invoice, Invoice.id == Payment.invoice_id)
            .where(Payment.voided.is_(False))
            .order_by(Payment.id.desc()),
        )
        if found is None:
            return None
        return _Example(payment_context(found[1], found[0]), f"a payment on invoice {found[1].number}")
    if event is Event.MAINTENANCE_DUE:
        found = _latest(
            session,
            select(Unit, DeviceModel.name)
            .join(DeviceModel, DeviceModel.id == Unit.device_model_id)
            .where(Unit.customer_id.is_not(None), Unit.maintenance_frequency != MaintenanceFrequency.NONE.value)
            .order_by(Unit.id.desc()),
        )
        if found is None:
            return None
        unit, model = found
        label = friendly_label(unit.location, unit.serial_number, model)
        due_on = maintenance_dates(unit.maintenance_frequency, unit.maintained_at, unit.installed_at).next or today
        context = maintenance_context(
            customer_name(session, unit.customer_id), label, unit.maintenance_frequency, due_on
        )
        return _Example(context, f"unit {label}")
    return _Example({}, "")


@dataclass(frozen=True)
class TemplatePreview:
    """A template rendered for the Settings preview."""

    subject: str
    text: str
    html: str
    attachments: tuple[tuple[str, int], ...]  # file name, size in bytes
    source: str  # "invoice INV-2026-00017", or that example values are shown


def preview(
    session: Session,
    event: Event,
    template: TemplateText | None = None,
    *,
    today: date,
    settings: SettingsSource | None = None,
) -> TemplatePreview:
    """``template`` (the stored one when None) rendered for the latest matching record,
    attachment included; example values when there is no such record yet. A template
    that does not render raises ``TemplateProblem``."""
    source = _Settings(session, settings)
    chosen = template or template_from_json(event, source.get(setting_name(event)))
    example = _example(session, event, today)
    if example is None:
        example = _Example(sample_context(event), "example values (there is no matching record yet)")
    message = render_template(event, chosen, example.context, _company(source))
    files: tuple[tuple[str, int], ...] = ()
    described = example.source
    if example.attachment is not None:
        try:
            name, data, _mime = _attachment(session, source, *example.attachment)
        except (PermissionDenied, InvoicingDisabled):
            described += " (its PDF is not shown: you may not see it, or invoicing is off)"
        else:
            files = ((name, len(data)),)
    return TemplatePreview(message.subject, message.text, message.html, files, described)


# ---------------------------------------------------------------------------- the service
@dataclass(frozen=True)
class TemplateInfo:
    """One event's template as Settings → E-mail lists it."""

    event: Event
    label: str
    fields: tuple[tuple[str, str], ...]  # (name, what it is) the bodies may use
    subject_fields: tuple[str, ...]  # the names the subject may use
    template: TemplateText
    default: TemplateText
    version: int  # of the stored setting (0: never saved), for save's conflict check
    is_default: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "is_default", self.template == self.default)


def _event(value: Event | str) -> Event:
    try:
        return Event(value)
    except ValueError:
        raise ValidationError({"event": f"There is no e-mail for “{value}”."}) from None


def _template(value: TemplateText | Mapping[str, str]) -> dict[str, str]:
    return value.as_json() if isinstance(value, TemplateText) else dict(value)


class NotificationTemplateService:
    """The e-mail templates in Settings: list, preview, save, reset to the default."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    @requires(P.SETTINGS_VIEW)
    def templates(self) -> list[TemplateInfo]:
        """Every event's template (the office's copy, or the default) with the fields it may use."""
        with self._ctx.read() as session:
            rows = {
                row.name: row
                for row in session.scalars(select(Setting).where(Setting.name.in_([setting_name(e) for e in Event])))
            }
        result = []
        for event in Event:
            row = rows.get(setting_name(event))
            result.append(
                TemplateInfo(
                    event=event,
                    label=event.label,
                    fields=tuple((name, FIELD_HELP[name]) for name in (*FIELDS[event], *COMMON_FIELDS)),
                    subject_fields=(*SUBJECT_FIELDS[event], *COMMON_FIELDS),
                    template=template_from_json(event, row.value if row else None),
                    default=DEFAULTS[event],
                    version=row.version if row else 0,
                )
            )
        return result

    @requires(P.SETTINGS_VIEW)
    def preview(self, event: Event | str, template: TemplateText | Mapping[str, str] | None = None) -> TemplatePreview:
        """``template`` (or the saved one) rendered on the latest matching record; a
        template that does not render is refused with the reason (``ValidationError``)."""
        kind = _event(event)
        chosen: TemplateText | None = None
        if template is not None:
            value = _template(template)
            problem = check_template(kind, value)
            if problem:
                raise ValidationError({"template": problem})
            chosen = TemplateText(value["subject"], value["text"], value["html"])
        with self._ctx.read() as session:
            try:
                return preview(session, kind, chosen, today=self._ctx.today())
            except TemplateProblem as exc:
                raise ValidationError({"template": str(exc)}) from None

    @requires(P.SETTINGS_EDIT)
    def save(
        self, event: Event | str, template: TemplateText | Mapping[str, str], expected_version: int | None = None
    ) -> None:
        """Store the office's copy of ``event``'s template; one that does not render is refused."""
        kind = _event(event)
        name = setting_name(kind)
        SettingsService(self._ctx).update(
            {name: _template(template)}, {name: expected_version} if expected_version else None
        )

    @requires(P.SETTINGS_EDIT)
    def reset(self, event: Event | str) -> None:
        """Go back to the default template of ``event``."""
        kind = _event(event)
        SettingsService(self._ctx).update({setting_name(kind): DEFAULTS[kind].as_json()})
