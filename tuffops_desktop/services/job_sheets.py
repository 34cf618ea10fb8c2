"""What a work order's job sheet prints, read in the caller's transaction.

``WorkOrderService.job_sheet`` loads the work order (technicians only their own), calls
:func:`gather_job_sheet` in the same read transaction and renders the PDF after it
closes (``documents/job_sheet.py``).  Dates print in this computer's time zone with the
month as a word, so "Tue 1 Dec 2026, 09:00" reads the same to everyone.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tuffops_desktop.db.models import (
    Customer,
    CustomerRequest,
    DeviceModel,
    Unit,
    User,
    WorkOrder,
    WorkOrderItem,
    WorkOrderNote,
)
from tuffops_desktop.documents.job_sheet import JobSheet
from tuffops_desktop.domain.numbers import work_order_number
from tuffops_desktop.domain.phones import format_phone, split_list
from tuffops_desktop.domain.pricing import unit_label
from tuffops_desktop.domain.qr import public_url, short_code
from tuffops_desktop.domain.units import friendly_label
from tuffops_desktop.domain.work_orders import WorkOrderStatus
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.settings import read_setting


def gather_job_sheet(session: Session, ctx: ServiceContext, order: WorkOrder) -> JobSheet:
    """The job sheet of ``order`` (already checked visible to the user)."""
    unit = session.get_one(Unit, order.unit_id)
    model = session.get_one(DeviceModel, unit.device_model_id)
    customer = (
        session.get(Customer, order.customer_id or unit.customer_id)
        if (order.customer_id or unit.customer_id)
        else None
    )
    request = session.get(CustomerRequest, order.request_id) if order.request_id else None
    technician = session.get(User, order.technician_id) if order.technician_id else None
    notes = session.scalars(
        select(WorkOrderNote)
        .where(WorkOrderNote.work_order_id == order.id)
        .order_by(WorkOrderNote.created_at, WorkOrderNote.id)
    ).all()
    items = session.scalars(
        select(WorkOrderItem)
        .where(WorkOrderItem.work_order_id == order.id)
        .order_by(WorkOrderItem.position, WorkOrderItem.id)
    ).all()
    company = read_setting(session, "company_name")
    details = (
        _joined(" · ", read_setting(session, "company_phone"), read_setting(session, "company_email")),
        read_setting(session, "company_address"),
    )
    title = friendly_label(unit.location, unit.serial_number, model.name)
    return JobSheet(
        number=work_order_number(order.id),
        company_name=company,
        company_details=tuple(d for d in details if d),
        facts=(
            ("Status", WorkOrderStatus(order.status).label),
            ("Type", order.work_type.capitalize()),
            ("Technician", _person(technician) if technician else "Not assigned"),
            ("Due", _when(order.due_at) if order.due_at else "No due date"),
            (
                "Booked",
                _joined(" · ", _when(order.scheduled_start) if order.scheduled_start else "", order.time_window or "")
                or "Not booked",
            ),
            ("Estimated time", _hours(order.estimated_hours)),
        ),
        unit_title=title,
        unit_fields=(
            ("Model", _joined(" ", model.manufacturer.name, model.name) + f" ({model.device_type.name})"),
            ("Serial", unit.serial_number),
            ("Location", unit.location if unit.location.strip() != title else ""),
            ("Site", _joined(", ", unit.address, _joined(" ", unit.city, unit.postcode))),
        ),
        qr_url=public_url(read_setting(session, "public_base_url"), unit.qr_code_guid),
        qr_caption=short_code(unit.qr_code_guid),
        customer_name=customer.display_name if customer else "",
        customer_fields=(
            (
                "Address",
                _joined(", ", customer.address, _joined(" ", customer.city, customer.postcode), customer.country),
            ),
            ("Phone", " · ".join(format_phone(p) for p in split_list(customer.phones))),
            ("E-mail", " · ".join(split_list(customer.emails))),
        )
        if customer
        else (),
        request_heading=f"From request {request.ticket}" if request else "",
        request_fields=(
            ("Contact", request.contact_info),
            ("Preferred", _joined(" · ", _day(request.schedule_at), request.schedule_time)),
            ("Received", _when(request.created_at)),
        )
        if request
        else (),
        customer_requests=order.customer_requests,
        notes=tuple((f"{note.author} · {_when(note.created_at)}", note.body) for note in notes),
        items=tuple((item.name, _quantity(item.quantity), unit_label(item.unit)) for item in items),
        footer=f"Printed {_when(ctx.now())} by {ctx.actor.username}",
    )


def _joined(separator: str, *parts: str) -> str:
    return separator.join(p.strip() for p in parts if p and p.strip())


def _person(user: User) -> str:
    return f"{user.full_name} ({user.username})" if user.full_name.strip() else user.username


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _when(moment: datetime) -> str:
    local = moment.astimezone()
    return f"{_day(local.date())}, {local:%H:%M}"


def _hours(hours: Decimal) -> str:
    text = f"{hours:f}".rstrip("0").rstrip(".") if "." in f"{hours:f}" else f"{hours:f}"
    return f"{text} hour" if hours == 1 else f"{text} hours"


def _quantity(quantity: Decimal) -> str:
    """1.500 → "1.5", 2.000 → "2"."""
    text = f"{quantity:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
