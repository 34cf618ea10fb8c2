"""Realistic demo data: a small Caribbean HVAC company with customers of every type,
device models, units with QR GUIDs, a few blank labels, and one user per role.

Large sets (``--customers 20000``) are written with bulk inserts so benchmarks can be
prepared in seconds; each row still goes through the domain rules (names, phones).
"""

from __future__ import annotations

import random
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from tuffops_desktop.config.paths import install_root
from tuffops_desktop.db.base import table_of
from tuffops_desktop.db.models import BlankQrLabel, Customer, Unit, UnitOwnership, User
from tuffops_desktop.domain.customers import CustomerInput, CustomerType, search_text, validate_customer
from tuffops_desktop.domain.errors import DomainError, ValidationError
from tuffops_desktop.domain.permissions import Role
from tuffops_desktop.domain.phones import PhoneDefaults
from tuffops_desktop.domain.qr import new_guid
from tuffops_desktop.services import audit
from tuffops_desktop.services.catalog import CatalogService
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.demo_history import seed_year
from tuffops_desktop.services.demo_inventory import add_demo_inventory
from tuffops_desktop.services.demo_invoices import add_demo_invoices
from tuffops_desktop.services.demo_items import add_demo_items, seed_price_list
from tuffops_desktop.services.demo_quotes import add_demo_quotes
from tuffops_desktop.services.demo_work_orders import add_demo_work_orders, add_technicians, seed_week
from tuffops_desktop.services.settings import SettingsService
from tuffops_desktop.services.users import UserService

FIRST = [
    "Aaliyah",
    "Marcus",
    "Keisha",
    "Dwayne",
    "Natalie",
    "Andre",
    "Shanice",
    "Jerome",
    "Tamika",
    "Rohan",
    "Claudette",
    "Winston",
    "Zoë",
    "Łukasz",
    "Renée",
    "José",
    "Ingrid",
    "Tariq",
    "Mei",
    "Olumide",
]
LAST = [
    "Williams",
    "Browne",
    "Liburd",
    "Hendrickson",
    "Phipps",
    "Manners",
    "Richards",
    "Warner",
    "Byron",
    "Douglas",
    "Morton",
    "Powell",
    "Müller",
    "Nowak",
    "O'Connor",
    "Fernández",
    "Amory",
    "Hanley",
]
COMPANIES = [
    "Ocean Terrace Inn",
    "Sugar Bay Resort",
    "Basseterre Dental",
    "Frigate Bay Condos",
    "Island Freight Ltd",
    "Pelican Mall",
    "Caribe Bakery",
    "Nevis Medical Centre",
    "Sunrise Supermarket",
    "Harbour View Offices",
    "St. Kitts Marriott",
    "Cable & Wire Co",
]
AGENCIES = [
    "Ministry of Health",
    "Public Works Department",
    "Basseterre High School",
    "Customs & Excise",
    "Police Headquarters",
    "Nevis Island Administration",
]
CITIES = ["Basseterre", "Frigate Bay", "Sandy Point", "Cayon", "Old Road", "Charlestown", "Dieppe Bay"]
STREETS = [
    "Bay Road",
    "Fort Street",
    "Cayon Street",
    "Victoria Road",
    "Wellington Road",
    "Main Street",
    "Church Street",
    "Pond Road",
]
LOCATIONS = [
    "Lobby AC #{n}",
    "Server room split",
    "Kitchen walk-in cooler",
    "Roof condenser #{n}",
    "Bedroom {n} mini-split",
    "Office {n} cassette",
    "Pharmacy fridge",
    "Hall AHU #{n}",
    "Living room split",
    "Chiller plant #{n}",
]
MODELS = [
    ("Mitsubishi Electric", "Split AC", "MSZ-GL09NA", "1450.00", 60),
    ("Mitsubishi Electric", "Split AC", "MSZ-GL12NA", "1690.00", 60),
    ("Daikin", "Split AC", "FTXS12LVJU", "1580.00", 36),
    ("Daikin", "VRF indoor unit", "FXZQ09TVJU", "2100.00", 36),
    ("Carrier", "Packaged rooftop unit", "48FC-06", "8900.00", 12),
    ("Carrier", "Chiller", "30RB-060", "42000.00", 24),
    ("Trane", "Air handler", "TEM6A0B24", "3100.00", 12),
    ("LG", "Ceiling cassette", "LCN240HV", "2650.00", 24),
    ("True Refrigeration", "Walk-in cooler", "TWT-48", "5200.00", 12),
    ("Gree", "Split AC", "GWH18QD", "990.00", 24),
]


@dataclass(frozen=True)
class DemoResult:
    customers: int
    units: int
    blank_labels: int
    passwords: dict[str, str]
    work_orders: int = 0


def seed_demo(
    ctx: ServiceContext,
    *,
    customers: int = 60,
    blank_labels: int = 10,
    seed: int = 2026,
    technicians: int = 6,
    work_orders: int = 0,
) -> DemoResult:
    """Fill an empty database with demo data; refuses a database that already has customers.

    Adds ``technicians`` technicians with working hours and a dispatch board full of work
    orders for the current week (``services/demo_work_orders.py``), the year before it
    (requests, work orders, invoices and payments: ``demo_history.py``, ``demo_billing.py``)
    so the reports have a shape, then ``work_orders`` more spread over two years (for
    benchmarks).
    """
    if customers < 1 or customers > 200_000:
        raise ValidationError({"customers": "Between 1 and 200000 customers."})
    if technicians < 1 or technicians > 200:
        raise ValidationError({"technicians": "Between 1 and 200 technicians."})
    rng = random.Random(seed)
    with ctx.read() as session:
        if session.scalar(select(func.count()).select_from(Customer)):
            raise DomainError("This database already has customers; demo data goes into an empty database only.")
        existing_users = set(session.scalars(select(User.username)))
    with ctx.write() as session:
        SettingsService(ctx).update_in(
            session,
            {
                "company_name": "Caribe Cooling Services",
                "company_phone": "+1 869 465 2200",
                "company_email": "office@caribecooling.example",
                "company_address": "12 Bay Road, Basseterre, St Kitts",
                "company_logo": (install_root() / "resources" / "demo_logo.png").read_bytes(),
                "phone_default_region": "KN",
                "phone_default_area_code": "869",
            },
        )
        passwords: dict[str, str] = {}
        users = UserService(ctx)
        for username, role, name in (
            ("admin", Role.ADMIN, "Avery Admin"),
            ("office", Role.OFFICE, "Olivia Office"),
            ("tech", Role.TECHNICIAN, "Terrence Tech"),
            ("estimator", Role.ESTIMATOR, "Esther Estimator"),
            ("auditor", Role.READ_ONLY, "Aubrey Auditor"),
        ):
            if username in existing_users:
                continue
            password = secrets.token_urlsafe(9)
            users.add_in(session, username, password, role.value, full_name=name)
            passwords[username] = password
        passwords.update(add_technicians(session, ctx, technicians, existing_users | set(passwords)))
        defaults = PhoneDefaults("KN", "869")
        today = ctx.today()
        catalog = CatalogService(ctx)
        model_ids = []
        for maker, kind, name, cost, months in MODELS:
            model = catalog.ensure_model(
                session,
                maker,
                kind,
                name,
                default_cost=Decimal(cost),
                default_warranty_months=months,
                default_maintenance_frequency="quarterly",
            )
            model_ids.append((model.id, f"{maker} {name} {kind}", months))
        now = ctx.now()
        customer_rows = []
        for i in range(customers):
            customer_rows.append(_customer_row(rng, i, defaults, now))
        result = session.execute(
            table_of(Customer).insert().returning(table_of(Customer).c.id, sort_by_parameter_order=True),
            customer_rows,
        )
        customer_ids = [row[0] for row in result]
        unit_rows = []
        for cid, crow in zip(customer_ids, customer_rows, strict=True):
            for n in range(_units_for(rng, crow["customer_type"])):
                model_id, model_text, months = rng.choice(model_ids)
                installed = today - timedelta(days=rng.randint(20, 365 * 9))
                location = rng.choice(LOCATIONS).format(n=n + 1)
                serial = f"{rng.choice('ABCDEFGHJK')}{rng.randint(10, 99)}-{rng.randint(100000, 999999)}"
                guid = new_guid()
                unit_rows.append(
                    {
                        "qr_code_guid": guid,
                        "device_model_id": model_id,
                        "customer_id": cid,
                        "serial_number": serial,
                        "location": location,
                        "address": crow["address"],
                        "city": crow["city"],
                        "postcode": "",
                        "installed_at": installed,
                        "warranty_months": months,
                        "maintenance_frequency": rng.choice(["quarterly", "semiannual", "annual", "none"]),
                        "notes": "",
                        "active": True,
                        "search_text": search_text(location, serial, model_text, crow["address"], crow["city"], guid),
                        "created_at": now,
                        "updated_at": now,
                        "version": 1,
                    }
                )
        # A few stock units (no customer yet).
        for n in range(max(2, customers // 50)):
            model_id, model_text, months = rng.choice(model_ids)
            guid = new_guid()
            unit_rows.append(
                {
                    "qr_code_guid": guid,
                    "device_model_id": model_id,
                    "customer_id": None,
                    "serial_number": f"STK-{n + 1:05d}",
                    "location": "",
                    "address": "",
                    "city": "Basseterre",
                    "postcode": "",
                    "installed_at": None,
                    "warranty_months": months,
                    "maintenance_frequency": "none",
                    "notes": "Warehouse stock",
                    "active": True,
                    "search_text": search_text(f"STK-{n + 1:05d}", model_text, "basseterre", guid),
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            )
        for start in range(0, len(unit_rows), 5000):
            chunk = unit_rows[start : start + 5000]
            insert_units = table_of(Unit).insert().returning(table_of(Unit).c.id, sort_by_parameter_order=True)
            ids = [r[0] for r in session.execute(insert_units, chunk)]
            session.execute(
                table_of(UnitOwnership).insert(),
                [
                    {
                        "unit_id": uid,
                        "customer_id": row["customer_id"],
                        "started_at": now,
                        "ended_at": None,
                        "note": "demo data",
                        "changed_by": ctx.actor.username,
                    }
                    for uid, row in zip(ids, chunk, strict=True)
                ],
            )
        unit_total = len(unit_rows)
        session.execute(
            table_of(BlankQrLabel).insert(),
            [
                {
                    "guid": new_guid(),
                    "created_at": now,
                    "created_by": ctx.actor.username,
                    "bound_unit_id": None,
                    "bound_at": None,
                }
                for _ in range(blank_labels)
            ],
        )
        week = seed_week(session, ctx, rng) + seed_year(session, ctx, seed)  # this week, and the year before it
        seed_price_list(session, ctx)
        add_demo_items(session, ctx, rng)
        audit.record(
            session, ctx, "database", "demo", "seed_demo", {"customers": [None, customers], "units": [None, unit_total]}
        )
    invoiced = add_demo_invoices(ctx, seed=seed)  # past repairs, each with its invoice
    quoted = add_demo_quotes(ctx, seed=seed)  # a quotation in every status, two converted, one fulfilled
    add_demo_inventory(ctx, seed=seed)  # parts, warehouse and vans, stock reserved for pending work
    extra = add_demo_work_orders(ctx, work_orders, seed=seed) if work_orders else 0
    return DemoResult(
        customers=customers,
        units=unit_total,
        blank_labels=blank_labels,
        passwords=passwords,
        work_orders=week + invoiced + quoted + extra,
    )


def _units_for(rng: random.Random, customer_type: str) -> int:
    if customer_type == CustomerType.RESIDENTIAL.value:
        return rng.choice([1, 2, 2, 3, 3])
    return rng.choice([2, 3, 4, 5, 6])


def _customer_row(rng: random.Random, i: int, defaults: PhoneDefaults, now: datetime) -> dict[str, Any]:
    kind = rng.choices(list(CustomerType), weights=[6, 3, 1])[0]
    first = last = company = ""
    if kind is CustomerType.RESIDENTIAL:
        first, last = rng.choice(FIRST), rng.choice(LAST)
    elif kind is CustomerType.COMMERCIAL:
        company = rng.choice(COMPANIES) + ("" if i < len(COMPANIES) else f" #{i}")
        if rng.random() < 0.5:
            first, last = rng.choice(FIRST), rng.choice(LAST)
    else:
        company = rng.choice(AGENCIES) + ("" if i < len(AGENCIES) else f" ({rng.choice(CITIES)} {i})")
    handle = re.sub(r"[^a-z0-9]", "", (first or company).split()[0].casefold()) or "customer"
    email = f"{handle}.{i}@example.com"
    phone = f"{rng.randint(460, 769)}{rng.randint(1000, 9999)}"
    fields = validate_customer(
        CustomerInput(
            customer_type=kind.value,
            first_name=first,
            last_name=last,
            company_name=company,
            emails=email,
            phones=phone,
            address=f"{rng.randint(1, 99)} {rng.choice(STREETS)}",
            city=rng.choice(CITIES),
            country="St Kitts and Nevis",
            discount_rate="5" if kind is CustomerType.GOVERNMENT else None,
            default_sla_hours="24" if kind is not CustomerType.RESIDENTIAL else None,
        ),
        defaults,
    )
    return {
        "customer_type": fields.customer_type.value,
        "first_name": fields.first_name,
        "last_name": fields.last_name,
        "company_name": fields.company_name,
        "display_name": fields.display_name,
        "emails": ", ".join(fields.emails),
        "phones": ", ".join(fields.phones),
        "address": fields.address,
        "city": fields.city,
        "postcode": fields.postcode,
        "country": fields.country,
        "discount_rate": fields.discount_rate,
        "default_sla_hours": fields.default_sla_hours,
        "remote_id": None,
        "notes": "",
        "active": True,
        "search_text": search_text(fields.display_name, fields.emails, fields.phones, fields.city, fields.address),
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
