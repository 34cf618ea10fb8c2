"""Every public service method declares its permission, and the declaration is enforced.

The first tests walk every public method of every service in ``services/registry.py``.
The last one calls every guarded method, on both databases, as a user who lacks the
declared permission: it must be refused with ``PermissionDenied`` and the database must be
unchanged. The same calls are then made with every permission, so each call in the table
is one that would really have read or written had the guard been missing.
"""

from __future__ import annotations

import inspect
import io
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, time
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tests.factories import make_customer, make_model, make_unit
from tests.services.invoice_support import completed_work_order
from tests.services.quotation_support import seed_quotations
from tuffops_desktop.db.base import Base
from tuffops_desktop.db.models import OutboxMessage
from tuffops_desktop.domain.customers import CustomerInput, validate_customer
from tuffops_desktop.domain.errors import PermissionDenied
from tuffops_desktop.domain.notifications import Event
from tuffops_desktop.domain.permissions import ALL_PERMISSIONS, P
from tuffops_desktop.domain.phones import PhoneDefaults
from tuffops_desktop.domain.pricing import PriceListInput
from tuffops_desktop.domain.quotations import QuotationInput
from tuffops_desktop.domain.reports import Period
from tuffops_desktop.domain.requests import RequestInput
from tuffops_desktop.domain.scheduling import WorkingHours
from tuffops_desktop.domain.units import UnitInput, validate_unit
from tuffops_desktop.services import outbox
from tuffops_desktop.services.context import Actor, ServiceContext
from tuffops_desktop.services.dto.stock_control import CountEntry
from tuffops_desktop.services.dto.users import UserInfo
from tuffops_desktop.services.guard import Access, access_of, public, requires, requires_any
from tuffops_desktop.services.listing import ListQuery
from tuffops_desktop.services.mail_sender import DeliveryFailed
from tuffops_desktop.services.registry import Services, build_services


def service_classes() -> dict[str, type]:
    """Attribute name on ``Services`` → service class, as the registry declares them."""
    hints = typing.get_type_hints(Services)
    return {name: cls for name, cls in hints.items() if cls is not ServiceContext}


def public_methods(cls: type) -> Iterator[tuple[str, Any]]:
    for name in dir(cls):
        if name.startswith("_"):
            continue
        attr = inspect.getattr_static(cls, name)
        if isinstance(attr, (staticmethod, classmethod)):
            attr = attr.__func__
        if isinstance(attr, property):
            attr = attr.fget
        if callable(attr):
            yield name, attr


def declarations() -> dict[str, Access | None]:
    return {
        f"{service}.{name}": access_of(method)
        for service, cls in service_classes().items()
        for name, method in public_methods(cls)
    }


def guarded() -> dict[str, Access]:
    return {key: access for key, access in declarations().items() if access is not None and access.kind != "public"}


def test_the_walk_sees_every_service_of_the_registry():
    assert set(service_classes()) == {
        "settings",
        "users",
        "customers",
        "units",
        "catalog",
        "csv",
        "requests",
        "stickers",
        "work_orders",
        "maintenance",
        "unit_history",
        "working_hours",
        "price_list",
        "work_order_items",
        "dispatch",
        "invoices",
        "receivables",
        "quotations",
        "accounting_export",
        "inventory",
        "stock_control",
        "inventory_listing",
        "part_labels",
        "notification_templates",
        "reports",
        "outbox",
        "outbox_listing",
        "mail",
    }
    assert len(declarations()) > 50


def test_every_public_service_method_declares_its_permission():
    undeclared = sorted(key for key, access in declarations().items() if access is None)
    assert undeclared == [], "declare @requires(...), @requires_any(...) or @public(reason) on these"


def test_declared_keys_exist_and_public_methods_say_why():
    for key, access in declarations().items():
        assert access is not None
        assert set(access.permissions) <= ALL_PERMISSIONS, key
        if access.kind == "public":
            assert access.reason.strip(), key
    publics = sorted(key for key, access in declarations().items() if access and access.kind == "public")
    assert publics == ["settings.get", "users.authenticate", "users.signed_in"]


def test_stickers_are_marked_printed_only_with_units_edit():
    access = guarded()["stickers.mark_printed"]
    assert (access.kind, access.permissions) == ("all", (P.UNITS_EDIT,))


def test_the_walk_catches_an_undeclared_method_and_the_guard_refuses():
    class Sample:
        def __init__(self, ctx: Any) -> None:
            self._ctx = ctx

        @requires(P.UNITS_EDIT)
        def edit(self) -> str:
            return "edited"

        @requires_any(P.UNITS_VIEW, P.SETTINGS_VIEW)
        def look(self) -> str:
            return "looked"

        @public("a test")
        def hello(self) -> str:
            return "hi"

        def forgot(self) -> None:
            pass

    assert {name: access_of(m) is None for name, m in public_methods(Sample)} == {
        "edit": False,
        "look": False,
        "hello": False,
        "forgot": True,
    }

    @dataclass
    class Ctx:
        actor: Actor

    viewer = Sample(Ctx(Actor(None, "v", frozenset({P.SETTINGS_VIEW.value}))))
    assert viewer.look() == "looked" and viewer.hello() == "hi"
    with pytest.raises(PermissionDenied) as refused:
        viewer.edit()
    assert refused.value.permission == "units.edit"
    with pytest.raises(PermissionDenied):
        Sample(Ctx(Actor(None, "nobody"))).look()


# ------------------------------------------------------------------ calling every guarded method


@dataclass
class Seed:
    system: Services
    customer_id: int
    other_customer_id: int
    model_id: int
    unit_id: int
    unit2_id: int
    unit3_id: int
    unit4_id: int
    request_id: int
    blank_guid: str
    work_order_id: int = 0
    technician_id: int = 0
    completed_work_order_id: int = 0
    quotations: tuple[int, int] = (0, 0)  # (draft, accepted) quotation ids
    messages: tuple[int, int] = (0, 0)  # (queued, failed) outbox ids


def _seed(services: Services) -> Seed:
    ann = make_customer(services)
    bob = make_customer(services, first_name="Bob", last_name="Browne")
    model = make_model(services)
    units = [
        make_unit(
            services,
            customer_id=ann.id,
            model=model,
            serial_number=f"SN-{n}",
            installed_at=date(2025, 1, 10),
            maintenance_frequency="quarterly",
        )
        for n in range(4)
    ]
    request = services.requests.submit_office(
        units[0].id,
        RequestInput(request="Dripping water", schedule_at=date.today(), schedule_time="morning", contact_info="Ann"),
    )
    blank = services.units.create_blank_labels(1)[0]
    services.users.add("ann", "longenough", "office")
    technician = services.users.add("tess", "longenough", "technician")
    order = services.work_orders.create(units[1].id, "maintenance", "Yearly service")
    labour = services.price_list.add(PriceListInput("Labour (per hour)", "service", "hour", "65"))
    services.work_order_items.add(order.id, labour.id, "2")
    completed = completed_work_order(services, units[1].id)
    quotations = seed_quotations(services)
    part = services.inventory.add_part("P-100", "Capacitor 35 uF")
    store = services.inventory.add_location("Warehouse")
    services.inventory.add_location("Van — Tess", "van", technician.id)
    services.inventory.receive(part.id, store.id, "10")
    messages = _messages(services, ann.id)
    return Seed(
        services,
        ann.id,
        bob.id,
        model.id,
        units[0].id,
        units[1].id,
        units[2].id,
        units[3].id,
        request.id,
        blank,
        order.id,
        technician.id,
        completed,
        quotations=quotations,
        messages=messages,
    )


def _not_set_up(call: Callable[[], object]) -> object:
    """A permitted test e-mail gets as far as "no mail server is set" (none is, here)."""
    try:
        return call()
    except DeliveryFailed as exc:
        assert "not set up" in str(exc)
        return None


def _messages(services: Services, customer_id: int) -> tuple[int, int]:
    """A queued e-mail and one the sender gave up on (for Retry)."""
    with services.ctx.write() as session:
        ids = [
            outbox.queue(session, services.ctx, Event.TEST, [f"ann{n}@example.com"], {}, customer_id=customer_id)
            for n in range(2)
        ]
        session.execute(update(OutboxMessage).where(OutboxMessage.id == ids[1]).values(status="failed"))
    assert ids[0] is not None and ids[1] is not None
    return ids[0], ids[1]


def _in_write(s: Services, work: Callable[[Session], object]) -> object:
    with s.ctx.write() as session:
        return work(session)


def _unit_input(seed: Seed, unit_id: int, **changes: object) -> UnitInput:
    u = seed.system.units.get(unit_id)
    values: dict[str, Any] = dict(
        device_model_id=u.device_model_id, customer_id=u.customer_id, serial_number=u.serial_number, location=u.location
    )
    values.update(changes)
    return UnitInput(**values)


def _ann(seed: Seed) -> UserInfo:
    return next(u for u in seed.system.users.list() if u.username == "ann")


def _entry(seed: Seed) -> Any:
    return seed.system.price_list.search(include_inactive=True)[0]


def _line(seed: Seed) -> Any:
    return seed.system.work_order_items.items(seed.work_order_id).lines[0]


def _part_line(seed: Seed) -> Any:
    """The work order's part line (its first line until ``add_part`` has run)."""
    lines = seed.system.work_order_items.items(seed.work_order_id).lines
    return next((x for x in lines if x.is_part), lines[0])


def _quote(seed: Seed, accepted: bool = False) -> Any:
    return seed.system.quotations.get(seed.quotations[1 if accepted else 0])


def _qlist(seed: Seed) -> int:
    return int(seed.system.quotations.statuses().version)


def _invoice(seed: Seed) -> Any:
    """The seeded work order's invoice once issued (None before)."""
    return seed.system.invoices.for_work_order(seed.completed_work_order_id)


def _part(seed: Seed) -> int:
    return seed.system.inventory.parts()[0].id


def _pver(seed: Seed) -> int:
    return seed.system.inventory.part(_part(seed)).version


def _loc(seed: Seed, name: str) -> int:
    return next(x.id for x in seed.system.inventory.locations() if x.name == name)


def _open_order(seed: Seed) -> tuple[int, int]:
    """The oldest open supplier order as (id, version); (1, 1) before there is one."""
    orders = seed.system.stock_control.open_orders()
    return (orders[0].id, orders[0].version) if orders else (1, 1)


def _labels(seed: Seed) -> Any:
    return seed.system.part_labels.contents(_loc(seed, "Warehouse"))


def _count(seed: Seed) -> list[CountEntry]:
    line = seed.system.stock_control.count_sheet(_loc(seed, "Warehouse")).lines[0]
    return [CountEntry(line.part_id, line.expected, "3")]


def _ver(seed: Seed, kind: str, entity_id: int) -> int:
    return int(getattr(seed.system, kind).get(entity_id).version)


NEW_CUSTOMER = CustomerInput(customer_type="residential", first_name="Dee", last_name="Phipps")
Call = Callable[[Services, Seed], object]

# One call per guarded method, in an order in which each succeeds when permitted.
CALLS: dict[str, Call] = {
    "settings.list": lambda s, d: s.settings.list(),
    "settings.update": lambda s, d: s.settings.update({"company_name": "Frigate Cooling"}),
    "settings.update_in": lambda s, d: _in_write(
        s, lambda session: s.settings.update_in(session, {"company_phone": "+1 869 465 1111"})
    ),
    "settings.set_readonly_value": lambda s, d: s.settings.set_readonly_value("customer_integration_enabled", False),
    "users.list": lambda s, d: s.users.list(),
    "users.count": lambda s, d: s.users.count(),
    "users.add": lambda s, d: s.users.add("bea", "longenough", "office"),
    "users.add_in": lambda s, d: _in_write(s, lambda session: s.users.add_in(session, "cy", "longenough", "office")),
    "users.set_password": lambda s, d: s.users.set_password("ann", "anotherlongone"),
    "users.get": lambda s, d: s.users.get(_ann(d).id),
    "users.list_ids": lambda s, d: s.users.list_ids(ListQuery()),
    "users.rows": lambda s, d: s.users.rows([_ann(d).id]),
    "users.update": lambda s, d: s.users.update(
        _ann(d).id, full_name="Ann", email="", role="office", extra_permissions=[], expected_version=_ann(d).version
    ),
    "users.set_active": lambda s, d: s.users.set_active(_ann(d).id, not _ann(d).active, _ann(d).version),
    "users.reset_password": lambda s, d: s.users.reset_password(_ann(d).id, "anotherlongone"),
    "customers.get": lambda s, d: s.customers.get(d.customer_id),
    "customers.integration_enabled": lambda s, d: s.customers.integration_enabled(),
    "customers.list_ids": lambda s, d: s.customers.list_ids(ListQuery()),
    "customers.rows": lambda s, d: s.customers.rows([d.customer_id]),
    "customers.count": lambda s, d: s.customers.count(),
    "customers.create": lambda s, d: s.customers.create(NEW_CUSTOMER),
    "customers.create_in": lambda s, d: _in_write(
        s, lambda session: s.customers.create_in(session, validate_customer(NEW_CUSTOMER, PhoneDefaults("US", "")))
    ),
    "customers.update": lambda s, d: s.customers.update(
        d.customer_id, CustomerInput(first_name="Anne", last_name="Liburd"), _ver(d, "customers", d.customer_id)
    ),
    "customers.set_active": lambda s, d: s.customers.set_active(
        d.other_customer_id, False, _ver(d, "customers", d.other_customer_id)
    ),
    "customers.upsert_external": lambda s, d: s.customers.upsert_external(
        [CustomerInput(customer_type="commercial", company_name="Sugar Bay Resort", remote_id="QB-1")]
    ),
    "catalog.manufacturers": lambda s, d: s.catalog.manufacturers(),
    "catalog.device_types": lambda s, d: s.catalog.device_types(),
    "catalog.device_models": lambda s, d: s.catalog.device_models(),
    "catalog.add_device_model": lambda s, d: s.catalog.add_device_model("Daikin", "Split AC", "FTXS12"),
    "catalog.ensure_model": lambda s, d: _in_write(
        s, lambda session: s.catalog.ensure_model(session, "LG", "Ceiling cassette", "LCN240HV")
    ),
    "units.get": lambda s, d: s.units.get(d.unit_id),
    "units.get_by_guid": lambda s, d: s.units.get_by_guid(d.system.units.get(d.unit_id).qr_code_guid),
    "units.list_ids": lambda s, d: s.units.list_ids(ListQuery()),
    "units.rows": lambda s, d: s.units.rows([d.unit_id]),
    "units.ownership_history": lambda s, d: s.units.ownership_history(d.unit_id),
    "units.linked_unit_ids": lambda s, d: s.units.linked_unit_ids(d.unit_id),
    "units.count": lambda s, d: s.units.count(),
    "units.create": lambda s, d: s.units.create(UnitInput(device_model_id=d.model_id, serial_number="NEW-1")),
    "units.create_in": lambda s, d: _in_write(
        s,
        lambda session: s.units.create_in(
            session, validate_unit(UnitInput(device_model_id=d.model_id, serial_number="NEW-2"), date.today())
        ),
    ),
    "units.update": lambda s, d: s.units.update(
        d.unit_id, _unit_input(d, d.unit_id, location="Roof"), _ver(d, "units", d.unit_id)
    ),
    "units.transfer": lambda s, d: s.units.transfer(d.unit3_id, None, _ver(d, "units", d.unit3_id)),
    "units.link": lambda s, d: s.units.link(d.unit_id, d.unit2_id),
    "units.unlink": lambda s, d: s.units.unlink(d.unit_id),
    "units.set_active": lambda s, d: s.units.set_active(d.unit4_id, False, _ver(d, "units", d.unit4_id)),
    "units.create_blank_labels": lambda s, d: s.units.create_blank_labels(2),
    "units.bind_blank_label": lambda s, d: s.units.bind_blank_label(
        d.unit_id, d.blank_guid, _ver(d, "units", d.unit_id)
    ),
    "csv.export_customers": lambda s, d: s.csv.export_customers(io.StringIO()),
    "csv.export_units": lambda s, d: s.csv.export_units(io.StringIO()),
    "csv.import_customers": lambda s, d: s.csv.import_customers(
        io.StringIO("type,first_name,last_name\nresidential,Eve,Warner\n")
    ),
    "csv.import_units": lambda s, d: s.csv.import_units(
        io.StringIO("manufacturer,device_type,model,serial_number\nGree,Split AC,GWH18QD,CSV-1\n")
    ),
    "stickers.layouts": lambda s, d: s.stickers.layouts(),
    "stickers.layout": lambda s, d: s.stickers.layout("avery-5160"),
    "stickers.offset": lambda s, d: s.stickers.offset("avery-5160"),
    "stickers.render_calibration": lambda s, d: s.stickers.render_calibration("avery-5160", io.BytesIO()),
    "stickers.save_custom_layout": lambda s, d: s.stickers.save_custom_layout(
        dict(d.system.stickers.layout("avery-5160").to_dict(), key="office-custom", name="Ours")
    ),
    "stickers.save_settings": lambda s, d: s.stickers.save_settings(
        {"company_name": "Ours Ltd"},
        {},
        [dict(d.system.stickers.layout("avery-5160").to_dict(), key="office-page", name="Ours too")],
    ),
    "stickers.set_offset": lambda s, d: s.stickers.set_offset("avery-5160", 1.0, -0.5),
    "stickers.unit_ids_for_customer": lambda s, d: s.stickers.unit_ids_for_customer(d.customer_id),
    "stickers.unit_ids_without_sticker": lambda s, d: s.stickers.unit_ids_without_sticker(),
    "stickers.unit_ids_for_guids": lambda s, d: s.stickers.unit_ids_for_guids(
        [d.system.units.get(d.unit2_id).qr_code_guid]
    ),
    "stickers.contents_for_units": lambda s, d: s.stickers.contents_for_units([d.unit2_id]),
    "stickers.blank_label_contents": lambda s, d: s.stickers.blank_label_contents(1),
    "stickers.mark_printed": lambda s, d: s.stickers.mark_printed([d.unit_id], "avery-5160"),
    "stickers.render": lambda s, d: s.stickers.render(
        d.system.stickers.contents_for_units([d.unit2_id]), "avery-5160", io.BytesIO(), unit_ids=[d.unit2_id]
    ),
    "reports.kpis": lambda s, d: s.reports.kpis(Period(date.today(), date.today())),
    "reports.drill": lambda s, d: s.reports.drill("work_orders_completed", Period(date.today(), date.today())),
    "requests.list_ids": lambda s, d: s.requests.list_ids(ListQuery()),
    "requests.rows": lambda s, d: s.requests.rows([d.request_id]),
    "requests.open_count": lambda s, d: s.requests.open_count(),
    "requests.get": lambda s, d: s.requests.get(d.request_id),
    "requests.submit_office": lambda s, d: s.requests.submit_office(
        d.unit2_id,
        RequestInput(request="Noisy fan", schedule_at=date.today(), schedule_time="afternoon", contact_info="Ann"),
    ),
    "requests.add_note": lambda s, d: s.requests.add_note(d.request_id, "Called back"),
    "requests.set_status": lambda s, d: s.requests.set_status(
        d.request_id, "ongoing", _ver(d, "requests", d.request_id)
    ),
    "requests.convert": lambda s, d: s.requests.convert(d.request_id),
    "work_orders.list_ids": lambda s, d: s.work_orders.list_ids(ListQuery()),
    "work_orders.first_ids": lambda s, d: s.work_orders.first_ids(ListQuery(), 10),
    "work_orders.rows": lambda s, d: s.work_orders.rows([d.work_order_id]),
    "work_orders.get": lambda s, d: s.work_orders.get(d.work_order_id),
    "work_orders.technicians": lambda s, d: s.work_orders.technicians(),
    "work_orders.job_sheet": lambda s, d: s.work_orders.job_sheet(d.work_order_id, io.BytesIO()),
    "work_orders.create": lambda s, d: s.work_orders.create(d.unit_id, "repair", "Noisy"),
    "work_orders.add_note": lambda s, d: s.work_orders.add_note(d.work_order_id, "Gate code 1234"),
    "work_orders.act": lambda s, d: s.work_orders.act(
        d.work_order_id, "assign", _ver(d, "work_orders", d.work_order_id), technician_id=d.technician_id
    ),
    "maintenance.due_ids": lambda s, d: s.maintenance.due_ids(ListQuery()),
    "maintenance.due_rows": lambda s, d: s.maintenance.due_rows([d.unit2_id]),
    "maintenance.create_work_orders": lambda s, d: s.maintenance.create_work_orders([d.unit2_id]),
    "unit_history.entries": lambda s, d: s.unit_history.entries(d.unit_id),
    "working_hours.get": lambda s, d: s.working_hours.get([d.technician_id]),
    "working_hours.set": lambda s, d: s.working_hours.set(d.technician_id, [WorkingHours(0, time(7), time(15))]),
    "dispatch.board": lambda s, d: s.dispatch.board(date.today(), 7),
    "price_list.search": lambda s, d: s.price_list.search("labour"),
    "price_list.get": lambda s, d: s.price_list.get(_entry(d).id),
    "price_list.add": lambda s, d: s.price_list.add(PriceListInput("Call-out fee", "service", "visit", "45")),
    "price_list.update": lambda s, d: s.price_list.update(
        _entry(d).id, PriceListInput("Labour, standard", "service", "hour", "66"), _entry(d).version
    ),
    "price_list.set_active": lambda s, d: s.price_list.set_active(_entry(d).id, True, _entry(d).version),
    "work_order_items.items": lambda s, d: s.work_order_items.items(d.work_order_id),
    "work_order_items.add": lambda s, d: s.work_order_items.add(d.work_order_id, _entry(d).id, "1.5"),
    "work_order_items.change_quantity": lambda s, d: s.work_order_items.change_quantity(
        _line(d).id, "3", _line(d).version
    ),
    "work_order_items.remove": lambda s, d: s.work_order_items.remove(_line(d).id, _line(d).version),
    "work_order_items.search_parts": lambda s, d: s.work_order_items.search_parts("P-1"),
    "work_order_items.add_part": lambda s, d: s.work_order_items.add_part(d.work_order_id, _part(d), "1"),
    "work_order_items.set_location": lambda s, d: s.work_order_items.set_location(
        _part_line(d).id, _loc(d, "Warehouse"), _part_line(d).version
    ),
    "invoices.preview": lambda s, d: s.invoices.preview(d.completed_work_order_id),
    "invoices.issue": lambda s, d: s.invoices.issue(
        d.completed_work_order_id, expected_version=_ver(d, "work_orders", d.completed_work_order_id)
    ),
    "invoices.get": lambda s, d: s.invoices.get(_invoice(d).id if _invoice(d) else 1),
    "invoices.get_by_number": lambda s, d: s.invoices.get_by_number(
        _invoice(d).number if _invoice(d) else "INV-2026-00001"
    ),
    "invoices.for_work_order": lambda s, d: s.invoices.for_work_order(d.completed_work_order_id),
    "invoices.list_ids": lambda s, d: s.invoices.list_ids(ListQuery()),
    "invoices.first_ids": lambda s, d: s.invoices.first_ids(ListQuery(), 10),
    "invoices.rows": lambda s, d: s.invoices.rows([_invoice(d).id if _invoice(d) else 1]),
    "invoices.record_payment": lambda s, d: s.invoices.record_payment(
        _invoice(d).id if _invoice(d) else 1, "10", date.today(), "cash"
    ),
    "invoices.void_payment": lambda s, d: s.invoices.void_payment(
        _invoice(d).payments[0].id if _invoice(d) else 1, "Entered twice"
    ),
    "invoices.cancel": lambda s, d: s.invoices.cancel(
        _invoice(d).id if _invoice(d) else 1, "Wrong customer", _invoice(d).version if _invoice(d) else 1
    ),
    "accounting_export.export": lambda s, d: s.accounting_export.export(date(2026, 1, 1), date.today(), io.StringIO()),
    "receivables.balances": lambda s, d: s.receivables.balances(),
    "receivables.ageing": lambda s, d: s.receivables.ageing(date.today()),
    "receivables.statement": lambda s, d: s.receivables.statement(d.customer_id, date(2026, 1, 1), date.today()),
    "inventory.add_part": lambda s, d: s.inventory.add_part("P-200", "Filter drier"),
    "inventory.parts": lambda s, d: s.inventory.parts(),
    "inventory.add_location": lambda s, d: s.inventory.add_location("Van 2", "van"),
    "inventory.locations": lambda s, d: s.inventory.locations(),
    "inventory.receive": lambda s, d: s.inventory.receive(_part(d), _loc(d, "Warehouse"), "5"),
    "inventory.stock": lambda s, d: s.inventory.stock(_part(d)),
    "inventory.transfer": lambda s, d: s.inventory.transfer(_part(d), _loc(d, "Warehouse"), _loc(d, "Van — Tess"), "2"),
    "inventory.adjust": lambda s, d: s.inventory.adjust(_part(d), _loc(d, "Warehouse"), "-1", "counted"),
    "inventory.reserve": lambda s, d: s.inventory.reserve(_part(d), _loc(d, "Van — Tess"), d.work_order_id, "1"),
    "inventory.release": lambda s, d: s.inventory.release(_part(d), _loc(d, "Van — Tess"), d.work_order_id),
    "inventory.consume": lambda s, d: s.inventory.consume(_part(d), _loc(d, "Van — Tess"), "1", d.work_order_id),
    "inventory.return_unused": lambda s, d: s.inventory.return_unused(
        _part(d), _loc(d, "Van — Tess"), "1", d.work_order_id
    ),
    "inventory.part": lambda s, d: s.inventory.part(_part(d)),
    "inventory.update_part": lambda s, d: s.inventory.update_part(
        _part(d), number="P-100", name="Capacitor 35/5 uF", unit="each", expected_version=_pver(d)
    ),
    "inventory.set_part_active": lambda s, d: s.inventory.set_part_active(_part(d), True, _pver(d)),
    "inventory.update_location": lambda s, d: s.inventory.update_location(
        _loc(d, "Van — Tess"), "Van — Tess", "van", d.technician_id
    ),
    "inventory.set_location_active": lambda s, d: s.inventory.set_location_active(_loc(d, "Van — Tess"), True),
    "inventory_listing.list_ids": lambda s, d: s.inventory_listing.list_ids(ListQuery(sort="number")),
    "inventory_listing.first_ids": lambda s, d: s.inventory_listing.first_ids(ListQuery(sort="on_hand"), 10),
    "inventory_listing.rows": lambda s, d: s.inventory_listing.rows([_part(d)]),
    "inventory_listing.categories": lambda s, d: s.inventory_listing.categories(),
    "inventory_listing.ledger_ids": lambda s, d: s.inventory_listing.ledger_ids(_part(d)),
    "inventory_listing.ledger_rows": lambda s, d: s.inventory_listing.ledger_rows(
        d.system.inventory_listing.ledger_ids(_part(d))
    ),
    "stock_control.levels": lambda s, d: s.stock_control.levels(_part(d), _loc(d, "Warehouse")),
    "stock_control.set_levels": lambda s, d: s.stock_control.set_levels(_part(d), _loc(d, "Warehouse"), "20", "5"),
    "stock_control.low_stock": lambda s, d: s.stock_control.low_stock(),
    "stock_control.low_stock_csv": lambda s, d: s.stock_control.low_stock_csv(),
    "stock_control.order": lambda s, d: s.stock_control.order(_part(d), _loc(d, "Warehouse"), "5", "Acme"),
    "stock_control.order_suggested": lambda s, d: s.stock_control.order_suggested([(_part(d), _loc(d, "Warehouse"))]),
    "stock_control.open_orders": lambda s, d: s.stock_control.open_orders(),
    "stock_control.receive_order": lambda s, d: s.stock_control.receive_order(*_open_order(d)),
    "stock_control.cancel_order": lambda s, d: s.stock_control.cancel_order(*_open_order(d)),
    "stock_control.count_sheet": lambda s, d: s.stock_control.count_sheet(_loc(d, "Warehouse")),
    "stock_control.count": lambda s, d: s.stock_control.count(_loc(d, "Warehouse"), _count(d), "Tess"),
    "stock_control.valuation": lambda s, d: s.stock_control.valuation(),
    "stock_control.valuation_csv": lambda s, d: s.stock_control.valuation_csv(),
    "part_labels.layouts": lambda s, d: s.part_labels.layouts(),
    "part_labels.part_ids": lambda s, d: s.part_labels.part_ids(["P-100"]),
    "part_labels.contents": lambda s, d: s.part_labels.contents(_loc(d, "Warehouse")),
    "part_labels.sheet": lambda s, d: s.part_labels.sheet(_labels(d), "avery-5160"),
    "part_labels.render": lambda s, d: s.part_labels.render(_labels(d), "avery-5160", io.BytesIO()),
    "quotations.statuses": lambda s, d: s.quotations.statuses(),
    "quotations.add_status": lambda s, d: s.quotations.add_status("Site visit", _qlist(d)),
    "quotations.rename_status": lambda s, d: s.quotations.rename_status("pending", "Being priced", _qlist(d)),
    "quotations.list_ids": lambda s, d: s.quotations.list_ids(ListQuery()),
    "quotations.first_ids": lambda s, d: s.quotations.first_ids(ListQuery(), 10),
    "quotations.rows": lambda s, d: s.quotations.rows(list(d.quotations)),
    "quotations.get": lambda s, d: s.quotations.get(d.quotations[0]),
    "quotations.create": lambda s, d: s.quotations.create(QuotationInput("Duct cleaning", d.customer_id)),
    "quotations.update": lambda s, d: s.quotations.update(
        d.quotations[0], QuotationInput("Shop front AC, revised", _quote(d).customer_id), _quote(d).version
    ),
    "quotations.set_pricing": lambda s, d: s.quotations.set_pricing(d.quotations[0], "5", "10", _quote(d).version),
    "quotations.add_unit": lambda s, d: s.quotations.add_unit(d.quotations[0], _quote(d, True).units[0].unit_id),
    "quotations.remove_unit": lambda s, d: s.quotations.remove_unit(d.quotations[0], _quote(d).units[-1].unit_id),
    "quotations.add_line": lambda s, d: s.quotations.add_line(d.quotations[0], _entry(d).id, "2"),
    "quotations.change_line": lambda s, d: s.quotations.change_line(
        _quote(d).lines[0].id, _quote(d).lines[0].version, quantity="3"
    ),
    "quotations.remove_line": lambda s, d: s.quotations.remove_line(_quote(d).lines[0].id, _quote(d).lines[0].version),
    "quotations.add_note": lambda s, d: s.quotations.add_note(d.quotations[0], "Customer prefers mornings"),
    "quotations.act": lambda s, d: s.quotations.act(d.quotations[0], "send", _quote(d).version),
    "quotations.convert": lambda s, d: s.quotations.convert(d.quotations[1], _quote(d, True).version),
    "notification_templates.templates": lambda s, d: s.notification_templates.templates(),
    "notification_templates.preview": lambda s, d: s.notification_templates.preview("invoice_issued"),
    "notification_templates.save": lambda s, d: s.notification_templates.save(
        "payment_received", {"subject": "Paid: {{ invoice }}", "text": "Thanks", "html": "<p>Thanks</p>"}
    ),
    "notification_templates.reset": lambda s, d: s.notification_templates.reset("payment_received"),
    "outbox.get": lambda s, d: s.outbox.get(d.messages[0]),
    "outbox.for_customer": lambda s, d: s.outbox.for_customer(d.customer_id),
    "outbox.recent": lambda s, d: s.outbox.recent(),
    "outbox.retry": lambda s, d: s.outbox.retry(d.messages[1]),
    "outbox.cancel": lambda s, d: s.outbox.cancel(d.messages[0]),
    "outbox_listing.list_ids": lambda s, d: s.outbox_listing.list_ids(ListQuery()),
    "outbox_listing.first_ids": lambda s, d: s.outbox_listing.first_ids(ListQuery(), 10),
    "outbox_listing.rows": lambda s, d: s.outbox_listing.rows(list(d.messages)),
    "outbox_listing.for_customer": lambda s, d: s.outbox_listing.for_customer(d.customer_id),
    "mail.config": lambda s, d: s.mail.config(),
    "mail.send_test": lambda s, d: _not_set_up(lambda: s.mail.send_test("office@example.com", None)),
}


def test_the_call_table_covers_every_guarded_method():
    assert sorted(CALLS) == sorted(guarded())


def _snapshot(services: Services) -> dict[str, list[str]]:
    """Every row of every table, as text: any write shows up as a difference."""
    with services.ctx.read() as session:
        return {
            table.name: sorted(repr(tuple(row)) for row in session.execute(select(table)))
            for table in Base.metadata.sorted_tables
        }


def _without(access: Access) -> list[tuple[frozenset[str], set[str]]]:
    """Permission sets that must be refused, with the keys the refusal may name."""
    if access.kind == "any":
        return [(ALL_PERMISSIONS - set(access.permissions), {" or ".join(access.permissions)})]
    return [(ALL_PERMISSIONS - {key}, {key.value}) for key in access.permissions]


def test_every_guarded_method_refuses_a_user_without_its_permission(services: Services):
    seed = _seed(services)
    before = _snapshot(services)
    problems: list[str] = []
    for key, access in guarded().items():
        for granted, named in _without(access):
            actor = Actor(user_id=None, username="lacking", permissions=granted, role="office")
            lacking = build_services(replace(services.ctx, actor=actor))
            try:
                CALLS[key](lacking, seed)
            except PermissionDenied as exc:
                if exc.permission not in named:
                    problems.append(f"{key}: refused for {exc.permission}, expected {named}")
            else:
                problems.append(f"{key}: allowed without {named}")
    assert problems == []
    assert _snapshot(services) == before, "a refused call changed the database"

    for key in CALLS:  # the same calls, permitted, go through: the table exercises real work
        CALLS[key](services, seed)
    assert _snapshot(services) != before
