"""Defects found reviewing issue #11 (invoices, quotations, receivables), each pinned by a
test on SQLite and PostgreSQL: local dates at 23:30, search of accented names, the
quotation's tax rate reaching the invoice, and re-issued invoices announced."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from tests.factories import as_role, make_customer, make_model, make_unit
from tests.services.invoice_support import customer_with_unit, issued, technician_id
from tests.services.test_changes import Heard
from tuffops_desktop.domain.errors import InvalidTransition
from tuffops_desktop.domain.permissions import Role
from tuffops_desktop.domain.pricing import PriceListInput
from tuffops_desktop.domain.quotations import QuotationInput
from tuffops_desktop.services.changes import Change
from tuffops_desktop.services.invoice_documents import company_from_settings, invoice_document
from tuffops_desktop.services.listing import ListQuery
from tuffops_desktop.services.registry import Services, build_services

D = Decimal


@pytest.fixture
def st_kitts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The workstation's local time zone is St Kitts (UTC-4, no daylight saving)."""
    monkeypatch.setenv("TZ", "America/St_Kitts")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def at(services: Services, moment: datetime) -> Services:
    return build_services(replace(services.ctx, clock=lambda: moment))


def test_an_invoice_issued_and_cancelled_at_2330_local_carries_the_local_day(services, st_kitts):
    # 23:30 on 29 Nov in St Kitts is 03:30 UTC on 30 Nov
    late = at(services, datetime(2026, 11, 30, 3, 30, tzinfo=UTC))
    _customer, unit_id = customer_with_unit(late)
    invoice = late.invoices.get(issued(late, unit_id))
    assert (invoice.issued_on, invoice.due_on) == (date(2026, 11, 29), date(2026, 12, 29))
    cancelled = late.invoices.cancel(invoice.id, "Billed to the wrong customer", invoice.version)
    notes = dict(invoice_document(cancelled, company_from_settings(late.settings)).notes)
    assert notes["Cancelled"] == (
        "This invoice was cancelled on 29 Nov 2026: Billed to the wrong customer. Nothing is owed on it."
    )
    # New Year's Eve, 23:30 local: still the old year's day and number series
    eve = at(services, datetime(2027, 1, 1, 3, 30, tzinfo=UTC))
    last = eve.invoices.get(issued(eve, unit_id))
    assert (last.issued_on, last.number) == (date(2026, 12, 31), "INV-2026-00002")


def test_the_invoice_search_finds_accented_names_in_any_case(services):
    _customer, unit_id = customer_with_unit(services, first_name="Émile", last_name="Ñúñez")
    _other, other_unit = customer_with_unit(services, first_name="Bob", last_name="Browne")
    mine = issued(services, unit_id)
    issued(services, other_unit)
    for text in ("émile", "ÉMILE", "Ñúñez", "ñúñez inv-2026", "ÑÚÑEZ"):
        assert services.invoices.list_ids(ListQuery(text=text)) == [mine], text
    assert services.invoices.first_ids(ListQuery(text="ñúñez"), 10).total == 1


def _accepted_quote(services: Services, tax_rate: str, discount_rate: str) -> tuple[int, int]:
    """An accepted, converted one-unit quotation priced at ``tax_rate`` and ``discount_rate``
    (overriding the 17 % default); (quotation id, its work order id)."""
    ann = make_customer(services, emails="ann@example.com")
    unit = make_unit(services, customer_id=ann.id, model=make_model(services))
    entry = services.price_list.add(PriceListInput("Split AC 12k BTU", "material", "each", "899.99"))
    quotes = services.quotations
    q = quotes.create(QuotationInput(title="Exempt school", customer_id=ann.id))
    q = quotes.add_unit(q.id, unit.id)
    q = quotes.add_line(q.id, entry.id, "1")
    q = quotes.set_pricing(q.id, discount_rate, tax_rate, q.version)
    q = quotes.act(q.id, "send", q.version)
    q = quotes.act(q.id, "accept", q.version)
    q = quotes.convert(q.id, q.version)
    return q.id, q.work_orders[0].id


def test_the_invoice_of_a_quoted_job_bills_the_quotations_tax_rate(services):
    services.settings.update({"default_tax_rate": "17"})
    quote_id, order_id = _accepted_quote(services, tax_rate="0", discount_rate="5")
    tech = technician_id(services)
    wo = services.work_orders
    order = wo.act(order_id, "assign", wo.get(order_id).version, technician_id=tech)
    for step in ("start", "submit", "approve"):
        order = wo.act(order.id, step, order.version)
    quoted = services.quotations.get(quote_id)
    preview = services.invoices.preview(order_id)
    assert (preview.tax_rate, preview.total) == (D("0.00"), quoted.total)
    invoice = services.invoices.issue(order_id, expected_version=order.version)
    assert (invoice.tax_rate, invoice.tax, invoice.total) == (D("0.00"), D("0.00"), quoted.total)
    # the person issuing may still override it
    again = services.invoices.cancel(invoice.id, "Tax law changed", invoice.version)
    assert again.status == "cancelled"
    order = wo.get(order_id)
    taxed = services.invoices.issue(order_id, tax_rate="17", expected_version=order.version)
    assert (taxed.tax_rate, taxed.total) == (D("17.00"), taxed.net + (taxed.net * D("0.17")).quantize(D("0.01")))


def test_reissuing_after_a_cancel_is_announced_on_the_work_order(services, db_url):
    _customer, unit_id = customer_with_unit(services)
    invoice = services.invoices.get(issued(services, unit_id))
    order_id = invoice.work_order_id
    services.invoices.cancel(invoice.id, "Wrong tax rate", invoice.version)
    limit = 1.0 if services.ctx.db.dialect == "postgresql" else 2.0
    with Heard(db_url) as heard:
        order = services.work_orders.get(order_id)  # billed: the re-issue leaves its status alone
        assert order.status == "billed"
        again = services.invoices.issue(order_id, expected_version=order.version)
        heard.wait_for(Change("invoice", again.id, "issue"), limit)
        heard.wait_for(Change("work_order", order_id, "invoice_issued"), limit)


def test_a_quotation_is_not_converted_onto_a_unit_that_changed_hands_or_was_retired(services):
    ann = make_customer(services, emails="ann@example.com")
    bob = make_customer(services, first_name="Bob", last_name="Browne")
    model = make_model(services)
    lobby = make_unit(services, customer_id=ann.id, model=model, serial_number="L-1", location="Lobby AC")
    office = make_unit(services, customer_id=ann.id, model=model, serial_number="O-1", location="Office AC")
    entry = services.price_list.add(PriceListInput("Split AC 12k BTU", "material", "each", "899.99"))
    quotes = services.quotations
    q = quotes.create(QuotationInput(title="Two units", customer_id=ann.id))
    for unit in (lobby, office):
        q = quotes.add_unit(q.id, unit.id)
        q = quotes.add_line(q.id, entry.id, "1", unit_id=unit.id)
    q = quotes.act(q.id, "send", q.version)
    q = quotes.act(q.id, "accept", q.version)
    services.units.transfer(lobby.id, bob.id, services.units.get(lobby.id).version)
    with pytest.raises(InvalidTransition, match="Lobby AC.*now belongs to another customer"):
        quotes.convert(q.id, q.version)
    services.units.set_active(office.id, False, services.units.get(office.id).version)
    services.units.transfer(lobby.id, ann.id, services.units.get(lobby.id).version)
    with pytest.raises(InvalidTransition, match="Office AC.*no longer in service"):
        quotes.convert(q.id, q.version)
    after = quotes.get(q.id)
    assert (after.status, after.converted_at, after.work_orders) == ("accepted", None, ())
    services.units.set_active(office.id, True, services.units.get(office.id).version)
    done = quotes.convert(q.id, q.version)
    assert len(done.work_orders) == 2


def test_quotations_sort_by_total_only_for_those_who_see_prices(services):
    ann = make_customer(services, emails="ann@example.com")
    cheap = services.price_list.add(PriceListInput("Filter", "material", "each", "10"))
    dear = services.price_list.add(PriceListInput("Compressor", "material", "each", "900"))
    ids = []
    for entry in (cheap, dear, cheap):
        q = services.quotations.create(QuotationInput(title=f"Quote {len(ids)}", customer_id=ann.id))
        ids.append(services.quotations.add_line(q.id, entry.id, "1").id)
    by_total = ListQuery(sort="total", descending=True)
    assert services.quotations.list_ids(by_total)[0] == ids[1]
    reader = as_role(services, Role.READ_ONLY, "reader")
    newest_first = list(reversed(ids))
    assert reader.quotations.list_ids(by_total) == newest_first  # the order would give the prices away
    assert reader.quotations.first_ids(ListQuery(sort="total"), 1).ids == newest_first[:1]
