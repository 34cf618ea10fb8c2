"""The job sheet through the service, on SQLite and PostgreSQL: what the database holds is
what the sheet prints, the code scans to the unit's public URL, technicians print only
their own work orders, and everything is read in one transaction."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event

from tests.documents.test_job_sheet import HOSTILE, flat
from tests.factories import as_role, make_customer, make_unit
from tests.qrscan import decode, pdf_text, rasterise
from tuffops_desktop.domain.errors import NotFound, PermissionDenied
from tuffops_desktop.domain.permissions import Role
from tuffops_desktop.domain.phones import format_phone
from tuffops_desktop.domain.qr import public_url, short_code
from tuffops_desktop.domain.requests import RequestInput
from tuffops_desktop.services.context import Actor
from tuffops_desktop.services.job_sheets import _when
from tuffops_desktop.services.registry import build_services


@pytest.fixture
def shop(services):
    services.settings.update(
        {
            "company_name": "Cool Breeze HVAC",
            "company_phone": "+1 869 465 1111",
            "public_base_url": "https://service.example.com",
        }
    )
    customer = make_customer(
        services, phones="869 555 1234", emails="ann@example.com", address="44 Cayon Street", city="Basseterre"
    )
    unit = make_unit(
        services,
        customer_id=customer.id,
        location="Server room AC",
        address="44 Cayon Street",
        city="Basseterre",
        postcode="KN0101",
    )
    tess = services.users.add("tess", "longenough", "technician", full_name="Tess Morton")
    bob = services.users.add("bob", "longenough", "technician")
    return {
        "customer": customer,
        "unit": unit,
        "tess": tess,
        "bob": bob,
        "as_tess": as_role(services, Role.TECHNICIAN, "tess", tess.id),
        "as_bob": as_role(services, Role.TECHNICIAN, "bob", bob.id),
    }


def _sheet(services, work_order_id: int, tmp_path: Path, name: str = "sheet.pdf") -> tuple[Path, int]:
    buffer = io.BytesIO()
    pages = services.work_orders.job_sheet(work_order_id, buffer)
    pdf = tmp_path / name
    pdf.write_bytes(buffer.getvalue())
    return pdf, pages


def test_the_sheet_prints_the_work_order_as_stored(services, shop, tmp_path):
    req = services.requests.submit_office(
        shop["unit"].id,
        RequestInput(
            f"Water drips onto the floor. {HOSTILE}",
            date.today() + timedelta(days=2),
            "Afternoon",
            "Ann, call after 5 pm",
        ),
    )
    order_id = services.requests.convert(req.id, "repair").id
    order = services.work_orders.add_note(order_id, "Gate code 4411 & the dog is friendly")
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=1)
    order = services.work_orders.act(
        order_id, "assign", order.version, technician_id=shop["tess"].id, scheduled_start=start
    )

    pdf, pages = _sheet(services, order_id, tmp_path)
    assert pages == 1
    text = flat(pdf_text(pdf))
    unit = services.units.get(shop["unit"].id)
    expected = [
        order.number,
        "Cool Breeze HVAC",
        "+1 869 465 1111",
        "Pending",
        "Repair",
        "Tess Morton (tess)",
        _when(start),
        "Afternoon",
        "2 hours",
        "Server room AC",
        unit.serial_number,
        "MSZ-GL09NA",
        "44 Cayon Street, Basseterre KN0101",
        short_code(unit.qr_code_guid),
        "Ann Liburd",
        format_phone("+18695551234"),
        "ann@example.com",
        f"From request {req.ticket}".upper(),
        "Ann, call after 5 pm",
        f"Water drips onto the floor. {HOSTILE}",
        "Gate code 4411 & the dog is friendly",
        "Printed",
        "by system",
    ]
    assert [value for value in expected if value not in text] == [], text
    [png] = rasterise(pdf, 300)
    assert decode(png) == {public_url("https://service.example.com", unit.qr_code_guid): 1}


def test_a_stock_unit_without_a_request_still_prints(services, shop, tmp_path):
    stock = make_unit(services, serial_number="STOCK-1", location="")
    order = services.work_orders.create(stock.id, "installation", "")
    pdf, _ = _sheet(services, order.id, tmp_path)
    text = flat(pdf_text(pdf))
    assert "No customer: a stock unit" in text and "Not assigned" in text and "Not booked" in text
    assert "STOCK-1" in text and "FROM REQUEST" not in text and "INTERNAL NOTES" not in text
    assert decode(rasterise(pdf, 300)[0]) == {public_url("https://service.example.com", stock.qr_code_guid): 1}


def test_technicians_print_only_their_own_work_orders(services, shop, tmp_path):
    order = services.work_orders.create(shop["unit"].id, "maintenance", "Yearly service")
    order = services.work_orders.act(order.id, "assign", order.version, technician_id=shop["tess"].id)
    pdf, _ = _sheet(shop["as_tess"], order.id, tmp_path)
    assert order.number in pdf_text(pdf)
    buffer = io.BytesIO()
    with pytest.raises(NotFound, match=order.number):
        shop["as_bob"].work_orders.job_sheet(order.id, buffer)
    with pytest.raises(NotFound, match="WO-000999"):
        services.work_orders.job_sheet(999, buffer)
    without_view = build_services(replace(services.ctx, actor=Actor(None, "nobody", frozenset({"units.view"}))))
    with pytest.raises(PermissionDenied):
        without_view.work_orders.job_sheet(order.id, buffer)
    assert buffer.getvalue() == b""


def test_everything_is_read_in_one_transaction(services, shop, tmp_path):
    req = services.requests.submit_office(shop["unit"].id, RequestInput("Noisy fan", date.today(), "Morning", "Ann"))
    order_id = services.requests.convert(req.id).id
    services.work_orders.add_note(order_id, "Bring a ladder")
    begun: list[object] = []

    def count(connection: object) -> None:
        begun.append(connection)

    engine = services.ctx.db.engine
    event.listen(engine, "begin", count)
    try:
        _sheet(services, order_id, tmp_path)
    finally:
        event.remove(engine, "begin", count)
    assert len(begun) == 1
