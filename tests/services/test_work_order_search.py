"""The work-orders search (``work_order_search``, migration 0008) and the list's first ids,
on SQLite (FTS5 trigram) and PostgreSQL (pg_trgm): every word must be a substring of the
work order's number, requests, unit, customer or technician, in any case and any order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from tests.factories import make_customer, make_unit
from tests.services.test_customers import _edit as customer_edit
from tests.services.test_units import _edit as unit_edit
from tuffops_desktop.services.listing import FirstIds, ListQuery, Ref, any_of


@pytest.fixture
def site(services):
    zoe = make_customer(services, first_name="Zoë", last_name="Øresund", emails=["zoe@example.kn"])
    ann = make_customer(services, first_name="Ann", last_name="Liburd", city="Basseterre")
    lobby = make_unit(services, customer_id=zoe.id, location="Lobby AC #2", serial_number="SN-ALPHA-1")
    roof = make_unit(services, customer_id=ann.id, location="Roof deck", serial_number="SN-BRAVO-2")
    tech = services.users.add("kwame", "longenough", "technician")
    wo = services.work_orders
    orders = {
        "compressor": wo.create(lobby.id, "repair", "Compressor noise at night"),
        "percent": wo.create(roof.id, "repair", "Price 50% off_tag C:\\units\\roof"),
        "filter": wo.create(roof.id, "maintenance", "Filter change, ÜBERPRÜFUNG"),
    }
    return {"zoe": zoe, "ann": ann, "lobby": lobby, "roof": roof, "tech": tech, "orders": orders}


def found(services, words: str) -> set[int]:
    return set(services.work_orders.list_ids(ListQuery(text=words)))


def test_finds_by_each_field_every_word_in_any_case_and_order(services, site):
    o = {k: v.id for k, v in site["orders"].items()}
    number = site["orders"]["percent"].number  # WO-00000n
    assert found(services, number.lower()) == {o["percent"]}
    assert found(services, number[-3:]) >= {o["percent"]}  # a part of the number
    assert found(services, "COMPRESSOR") == {o["compressor"]}  # requests text
    assert found(services, "lobby") == {o["compressor"]}  # unit location
    assert found(services, "bravo") == {o["percent"], o["filter"]}  # serial number
    assert found(services, "liburd") == {o["percent"], o["filter"]}  # customer name
    assert found(services, "basseterre liburd filter") == {o["filter"]}  # every word, any order
    assert found(services, "zoe@example") == {o["compressor"]}  # customer e-mail
    assert found(services, "lobby liburd") == set()
    assert found(services, "ro") == {o["percent"], o["filter"]}  # short words: substring too
    assert found(services, "") == set(o.values())


def test_technician_and_renames_are_searched_at_once(services, site):
    o = site["orders"]
    wo = services.work_orders
    assert found(services, "kwame") == set()
    wo.act(
        o["compressor"].id,
        "assign",
        o["compressor"].version,
        technician_id=site["tech"].id,
        scheduled_start=datetime.now(UTC) + timedelta(days=1),
    )
    assert found(services, "kwame") == {o["compressor"].id}
    services.customers.update(site["ann"].id, customer_edit(site["ann"], last_name="Hodge"), site["ann"].version)
    assert found(services, "liburd") == set()
    assert found(services, "hodge") == {o["percent"].id, o["filter"].id}
    services.units.update(site["lobby"].id, unit_edit(site["lobby"], location="Kitchen"), site["lobby"].version)
    assert found(services, "lobby") == set()
    assert found(services, "kitchen compressor") == {o["compressor"].id}
    with services.ctx.db.write.begin() as session:  # a renamed user (no screen renames yet)
        session.execute(text("UPDATE users SET username = 'kofi' WHERE id = :id"), {"id": site["tech"].id})
    assert found(services, "kwame") == set()
    assert found(services, "kofi") == {o["compressor"].id}


def test_like_wildcards_and_backslashes_are_plain_characters(services, site):
    percent = site["orders"]["percent"].id
    assert found(services, "%") == {percent}
    assert found(services, "_") == {percent}
    assert found(services, "\\") == {percent}
    assert found(services, "50%") == {percent}
    assert found(services, "off_tag") == {percent}
    assert found(services, "c:\\units\\roof") == {percent}
    assert found(services, "5%f") == set()
    assert found(services, '"roof') == set()  # an FTS5 quote is a character, not syntax
    assert found(services, "roof OR lobby") == set()  # nor are its operators


def test_non_ascii_words(services, site):
    o = site["orders"]
    assert found(services, "zoë") == {o["compressor"].id}
    assert found(services, "ØRESUND") == {o["compressor"].id}
    assert found(services, "überprüfung") == {o["filter"].id}


def test_first_ids_are_the_start_of_the_list_and_count_it(services, site):
    wo = services.work_orders
    roof = site["roof"]
    for n in range(5):
        wo.create(roof.id, "service", f"Extra job {n}")
    queries = [
        ListQuery(),
        ListQuery(sort="customer"),
        ListQuery(sort="due", descending=True),
        ListQuery(sort="status"),
        ListQuery(text="roof"),
        ListQuery(filters={"unit": Ref(roof.id)}, sort="number"),
        ListQuery(filters={"type": any_of("maintenance", "service")}, sort="type"),
    ]
    for query in queries:
        everything = wo.list_ids(query)
        for limit in (1, 3, 100):
            first = wo.first_ids(query, limit)
            assert first == FirstIds(len(everything), everything[:limit]), (query, limit)
            assert first.complete == (limit >= len(everything))
