"""Quotations through the services, on SQLite and PostgreSQL: numbers, prices, the lock,
notes while locked, the customer's answer, conversion into one work order per unit,
fulfilment when that work is done, the editable status list and permissions."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.factories import as_role, make_customer, make_model, make_unit
from tuffops_desktop.db.models import AuditEntry, ChangeLogEntry, Quotation, QuotationLine, WorkOrder
from tuffops_desktop.domain.errors import (
    ConcurrencyConflict,
    InvalidTransition,
    PermissionDenied,
    ValidationError,
)
from tuffops_desktop.domain.permissions import Role
from tuffops_desktop.domain.pricing import PriceListInput
from tuffops_desktop.domain.quotations import QuotationInput
from tuffops_desktop.services.listing import Between, ListQuery, Ref, any_of

D = Decimal


@pytest.fixture
def shop(services):
    """A customer with a 10 % discount and two units, another customer, a price list,
    a 17 % default tax rate, a technician and the office."""
    services.settings.update({"default_tax_rate": "17"})
    ann = make_customer(services, discount_rate="10", emails="ann@example.com")
    bob = make_customer(services, first_name="Bob", last_name="Browne", emails="bob@example.com")
    model = make_model(services)
    lobby = make_unit(services, customer_id=ann.id, model=model, location="Lobby AC", serial_number="L-1")
    office_ac = make_unit(services, customer_id=ann.id, model=model, location="Office AC", serial_number="O-1")
    bobs = make_unit(services, customer_id=bob.id, model=model, location="Bob's AC", serial_number="B-1")
    labour = services.price_list.add(PriceListInput("Labour (per hour)", "service", "hour", "65.00"))
    split = services.price_list.add(PriceListInput("Split AC 12k BTU", "material", "each", "899.99"))
    tess = services.users.add("tess", "longenough", "technician")
    services.users.add("olga", "longenough", "office")
    return {
        "ann": ann,
        "bob": bob,
        "lobby": lobby,
        "office_ac": office_ac,
        "bobs": bobs,
        "labour": labour,
        "split": split,
        "tess": tess,
        "office": as_role(services, Role.OFFICE, "olga"),
    }


def _quote(services, shop, title="Two split ACs", **fields):
    return services.quotations.create(QuotationInput(title=title, customer_id=shop["ann"].id, **fields))


def _priced(services, shop):
    """Ann's quote for both units: an AC each, labour for the whole job."""
    q = _quote(services, shop, customer_requests="Install before the season")
    q = services.quotations.add_unit(q.id, shop["lobby"].id, "Above the door")
    q = services.quotations.add_unit(q.id, shop["office_ac"].id)
    q = services.quotations.add_line(q.id, shop["split"].id, "1", unit_id=shop["lobby"].id)
    q = services.quotations.add_line(q.id, shop["split"].id, "1", unit_id=shop["office_ac"].id)
    return services.quotations.add_line(q.id, shop["labour"].id, "3.5")


def _accepted(services, shop):
    q = _priced(services, shop)
    q = services.quotations.act(q.id, "send", q.version)
    return services.quotations.act(q.id, "accept", q.version)


def _count(services, model) -> int:
    with services.ctx.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_numbers_per_year_discount_and_tax_snapshots_and_totals(services, shop):
    first = _quote(services, shop)
    year = date.today().year
    assert first.number == f"Q-{year}-00001" and first.status == "pending" and first.status_label == "Draft"
    assert _quote(services, shop, title="Filter service").number == f"Q-{year}-00002"
    q = _priced(services, shop)
    assert q.number == f"Q-{year}-00003"
    assert (q.discount_rate, q.tax_rate) == (D("10.00"), D("17.00"))
    # 899.99 - 10 % = 809.991 -> 809.99 (twice); 3.5 x 65 = 227.50 - 10 % = 204.75
    assert [(x.name, x.unit_label, x.gross, x.amount) for x in q.lines] == [
        ("Split AC 12k BTU", "Lobby AC", D("899.99"), D("809.99")),
        ("Split AC 12k BTU", "Office AC", D("899.99"), D("809.99")),
        ("Labour (per hour)", "", D("227.50"), D("204.75")),
    ]
    # discount per line, then tax once on the subtotal: 1824.73 x 17 % = 310.2041 -> 310.20
    assert (q.subtotal, q.discount_total, q.net, q.tax, q.total) == (
        D("2027.48"),
        D("202.75"),
        D("1824.73"),
        D("310.20"),
        D("2134.93"),
    )
    assert services.quotations.rows([q.id])[0].total == D("2134.93")
    # a pricing override: every line takes the new discount, tax follows
    q = services.quotations.set_pricing(q.id, "0", "12.5", q.version)
    assert [x.discount_rate for x in q.lines] == [D("0.00")] * 3
    assert (q.net, q.tax, q.total) == (D("2027.48"), D("253.44"), D("2280.92"))


def test_a_sent_quotation_is_locked_but_takes_notes(services, shop):
    q = _priced(services, shop)
    assert q.can_edit and q.actions == ("move", "send", "cancel")
    q = services.quotations.act(q.id, "send", q.version)
    assert (q.status, q.locked, q.can_edit, q.submitted_by) == ("submitted", True, False, "system")
    assert "locked" in q.edit_refusal
    lines_before = _count(services, QuotationLine)
    line = q.lines[0]
    for attempt in (
        lambda: services.quotations.update(
            q.id, QuotationInput(title="Cheaper", customer_id=shop["ann"].id), q.version
        ),
        lambda: services.quotations.add_line(q.id, shop["labour"].id, "1"),
        lambda: services.quotations.change_line(line.id, line.version, quantity="2"),
        lambda: services.quotations.remove_line(line.id, line.version),
        lambda: services.quotations.set_pricing(q.id, "50", "0", q.version),
        lambda: services.quotations.remove_unit(q.id, shop["lobby"].id),
        lambda: services.quotations.act(q.id, "send", q.version),
    ):
        with pytest.raises(InvalidTransition):
            attempt()
    assert _count(services, QuotationLine) == lines_before
    again = services.quotations.get(q.id)
    assert (again.title, again.total, again.version) == (q.title, q.total, q.version)
    q = services.quotations.add_note(q.id, "Customer asked for a second visit to measure.")
    assert [n.body for n in q.notes] == ["Customer asked for a second visit to measure."]
    assert q.locked


def test_sending_needs_a_reachable_customer_and_a_line(services, shop):
    q = services.quotations.create(QuotationInput(title="No customer yet"))
    assert q.customer_id is None and q.discount_rate is None
    with pytest.raises(InvalidTransition, match="Choose the customer"):
        services.quotations.act(q.id, "send", q.version)
    silent = make_customer(services, first_name="Sam", last_name="Silent")
    q = services.quotations.update(q.id, QuotationInput(title="No customer yet", customer_id=silent.id), q.version)
    assert "no e-mail address or phone" in q.send_refusal
    with pytest.raises(InvalidTransition, match="no e-mail address or phone"):
        services.quotations.act(q.id, "send", q.version)
    q = services.quotations.update(q.id, QuotationInput(title="No customer yet", customer_id=shop["bob"].id), q.version)
    with pytest.raises(InvalidTransition, match="at least one line"):
        services.quotations.act(q.id, "send", q.version)
    assert services.quotations.get(q.id).status == "pending"


def test_the_customers_answer_is_recorded_for_them_and_cancel_only_before_acceptance(services, shop):
    q = _priced(services, shop)
    with pytest.raises(InvalidTransition, match="Only a sent quotation"):
        services.quotations.act(q.id, "accept", q.version)
    q = services.quotations.act(q.id, "send", q.version)
    assert q.actions == ("accept", "reject", "cancel")
    accepted = services.quotations.act(q.id, "accept", q.version)
    assert (accepted.status, accepted.decided_by) == ("accepted", "system")
    with pytest.raises(InvalidTransition, match="accepted quotation cannot be cancelled"):
        services.quotations.act(q.id, "cancel", accepted.version)
    with services.ctx.read() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.entity == "quotation", AuditEntry.action == "accept"))
        assert [a.changes["recorded_for"] for a in audit] == [[None, "the customer"]]

    other = _priced(services, shop)
    other = services.quotations.act(other.id, "send", other.version)
    other = services.quotations.act(other.id, "reject", other.version)
    assert other.status == "rejected" and other.actions == ()
    with pytest.raises(InvalidTransition, match="make a new quotation"):
        services.quotations.act(other.id, "cancel", other.version)
    draft = _quote(services, shop)
    assert services.quotations.act(draft.id, "cancel", draft.version).status == "cancelled"


def test_converting_makes_one_work_order_per_unit_with_the_lines_for_it_exactly_once(services, shop):
    q = _accepted(services, shop)
    assert q.can_convert
    done = services.quotations.convert(q.id, q.version, "installation")
    assert done.status == "accepted" and done.converted_by == "system" and not done.can_convert
    assert [(w.unit_label, w.status) for w in done.work_orders] == [
        ("Lobby AC", "unassigned"),
        ("Office AC", "unassigned"),
    ]
    assert [u.work_order_number for u in done.units] == [w.number for w in done.work_orders]
    first, second = (services.work_orders.get(w.id) for w in done.work_orders)
    assert first.customer_requests == second.customer_requests == "Install before the season"
    assert first.work_type == "installation" and first.customer_id == shop["ann"].id
    # the unit's own lines go to its work order; the line for the whole job to the first one
    items = [services.work_order_items.items(w.id) for w in done.work_orders]
    assert [[(x.name, x.quantity, x.unit_price, x.discount_rate) for x in card.lines] for card in items] == [
        [
            ("Split AC 12k BTU", D("1.000"), D("899.99"), D("10.00")),
            ("Labour (per hour)", D("3.500"), D("65.00"), D("10.00")),
        ],
        [("Split AC 12k BTU", D("1.000"), D("899.99"), D("10.00"))],
    ]
    assert sum(card.total for card in items) == done.net  # the work orders bill what was quoted
    with services.ctx.read() as s:
        assert set(s.scalars(select(WorkOrder.quotation_id))) == {q.id}
    with pytest.raises(ConcurrencyConflict):
        services.quotations.convert(q.id, q.version)
    with pytest.raises(InvalidTransition, match="already converted"):
        services.quotations.convert(q.id, done.version)
    assert _count(services, WorkOrder) == 2


def test_only_an_accepted_quotation_with_units_converts(services, shop):
    q = _priced(services, shop)
    with pytest.raises(InvalidTransition, match="Only an accepted quotation"):
        services.quotations.convert(q.id, q.version)
    bare = _quote(services, shop)
    bare = services.quotations.add_line(bare.id, shop["labour"].id, "1")
    bare = services.quotations.act(bare.id, "send", bare.version)
    bare = services.quotations.act(bare.id, "accept", bare.version)
    assert "without units" in bare.convert_refusal
    with pytest.raises(InvalidTransition, match="without units"):
        services.quotations.convert(bare.id, bare.version)
    assert _count(services, WorkOrder) == 0


def _finish(services, work_order_id: int, technician_id: int, *, cancel: bool = False) -> None:
    wo = services.work_orders
    order = wo.get(work_order_id)
    if cancel:
        wo.act(order.id, "cancel", order.version)
        return
    order = wo.act(order.id, "assign", order.version, technician_id=technician_id)
    for step in ("start", "submit", "approve"):
        order = wo.act(order.id, step, order.version)


def test_fulfilled_when_all_its_work_orders_are_completed_billed_or_cancelled(services, shop):
    q = _accepted(services, shop)
    q = services.quotations.convert(q.id, q.version)
    first, second = q.work_orders
    _finish(services, first.id, shop["tess"].id)
    assert services.quotations.get(q.id).status == "accepted"  # one still open
    _finish(services, second.id, shop["tess"].id, cancel=True)
    done = services.quotations.get(q.id)
    assert (done.status, done.status_label, done.locked, done.actions) == ("fulfilled", "Fulfilled", True, ())
    assert [w.status for w in done.work_orders] == ["completed", "cancelled"]
    with services.ctx.read() as s:
        fulfil = s.scalars(select(AuditEntry).where(AuditEntry.entity == "quotation", AuditEntry.action == "fulfil"))
        assert [a.changes["status"] for a in fulfil] == [["accepted", "fulfilled"]]
        announced = s.scalars(select(ChangeLogEntry.action).where(ChangeLogEntry.entity == "quotation")).all()
        if services.ctx.db.dialect == "sqlite":
            assert "fulfil" in announced
    # billing a completed work order later changes nothing more
    order = services.work_orders.get(first.id)
    services.work_orders.act(order.id, "bill", order.version)
    assert services.quotations.get(q.id).status == "fulfilled"


def test_a_custom_status_leaves_the_quotation_editable_and_renames_show_everywhere(services, shop):
    listed = services.quotations.statuses()
    assert [(e.key, e.locks) for e in listed.entries] == [
        ("pending", False),
        ("ready_to_review", False),
        ("submitted", True),
        ("accepted", True),
        ("rejected", True),
        ("fulfilled", True),
        ("cancelled", True),
    ]
    listed = services.quotations.add_status("Waiting for site visit", listed.version)
    custom = listed.entries[-1]
    assert (custom.key, custom.label, custom.locks, custom.fixed) == (
        "waiting_for_site_visit",
        "Waiting for site visit",
        False,
        False,
    )
    with pytest.raises(ConcurrencyConflict):
        services.quotations.add_status("Stale", 0)
    with pytest.raises(ValidationError, match="already a status"):
        services.quotations.add_status("waiting FOR site visit", listed.version)
    listed = services.quotations.rename_status("pending", "Being priced", listed.version)
    q = _priced(services, shop)
    assert q.status_label == "Being priced"
    assert ("waiting_for_site_visit", "Waiting for site visit") in q.draft_statuses
    q = services.quotations.act(q.id, "move", q.version, status="waiting_for_site_visit")
    assert (q.status, q.status_label, q.locked, q.can_edit) == (
        "waiting_for_site_visit",
        "Waiting for site visit",
        False,
        True,
    )
    q = services.quotations.add_line(q.id, shop["labour"].id, "1")  # still editable
    with pytest.raises(InvalidTransition, match="not set by hand"):
        services.quotations.act(q.id, "move", q.version, status="accepted")
    q = services.quotations.act(q.id, "send", q.version)  # a custom status sends like a draft
    assert q.status == "submitted"
    assert services.quotations.rows([q.id])[0].status_label == "Submitted"
    # the setting refuses a list without a default status
    with pytest.raises(ValidationError, match="cannot be removed"):
        services.settings.update({"quotation_statuses": [{"key": "pending", "label": "Draft"}]})


def test_units_must_be_the_customers_and_a_new_customer_brings_their_discount(services, shop):
    q = _quote(services, shop)
    with pytest.raises(ValidationError, match="quotation's customer"):
        services.quotations.add_unit(q.id, shop["bobs"].id)
    q = services.quotations.add_unit(q.id, shop["lobby"].id)
    with pytest.raises(ValidationError, match="already on the quotation"):
        services.quotations.add_unit(q.id, shop["lobby"].id)
    q = services.quotations.add_line(q.id, shop["labour"].id, "1", unit_id=shop["lobby"].id)
    with pytest.raises(ValidationError, match="another customer"):
        services.quotations.update(q.id, QuotationInput(title=q.title, customer_id=shop["bob"].id), q.version)
    with pytest.raises(ValidationError, match="lines are for this unit"):
        services.quotations.remove_unit(q.id, shop["lobby"].id)
    line = q.lines[0]
    q = services.quotations.change_line(line.id, line.version, unit_id=None)
    q = services.quotations.remove_unit(q.id, shop["lobby"].id)
    q = services.quotations.update(q.id, QuotationInput(title=q.title, customer_id=shop["bob"].id), q.version)
    assert q.discount_rate is None and q.lines[0].discount_rate is None and q.lines[0].amount == D("65.00")
    with pytest.raises(ValidationError):
        services.quotations.update(
            q.id, QuotationInput(title=q.title, valid_until=date.today() - timedelta(days=1)), q.version
        )
    with pytest.raises(ValidationError):
        services.quotations.update(q.id, QuotationInput(title="  "), q.version)
    with pytest.raises(ConcurrencyConflict):
        services.quotations.update(q.id, QuotationInput(title="Stale"), q.version - 1)
    assert services.quotations.get(q.id).title == "Two split ACs"


def test_prices_need_quotations_pricing_and_conversion_needs_work_orders_create(services, shop):
    q = _priced(services, shop)
    read_only = as_role(services, Role.READ_ONLY, "reader")
    seen = read_only.quotations.get(q.id)
    assert not seen.pricing and seen.total is None and all(x.unit_price is None for x in seen.lines)
    assert not seen.can_edit and seen.actions == ()
    assert read_only.quotations.rows([q.id])[0].total is None
    with pytest.raises(PermissionDenied):
        read_only.quotations.add_line(q.id, shop["labour"].id, "1")
    estimator = as_role(services, Role.ESTIMATOR, "est")
    line = q.lines[0]
    q = estimator.quotations.change_line(line.id, line.version, unit_price="850")
    assert q.lines[0].unit_price == D("850.00")
    q = estimator.quotations.act(q.id, "send", q.version)
    q = estimator.quotations.act(q.id, "accept", q.version)
    assert not q.can_convert and "create work orders" in q.convert_refusal
    with pytest.raises(PermissionDenied):
        estimator.quotations.convert(q.id, q.version)
    technician = as_role(services, Role.TECHNICIAN, "tess")
    with pytest.raises(PermissionDenied):
        technician.quotations.get(q.id)
    done = shop["office"].quotations.convert(q.id, q.version)
    assert len(done.work_orders) == 2
    # an office user without pricing may still add lines; the prices stay hidden
    no_prices = as_role(services, Role.OFFICE, "olga")
    draft = no_prices.quotations.create(QuotationInput(title="Filters", customer_id=shop["ann"].id))
    assert draft.pricing  # the office role has quotations.pricing
    with pytest.raises(PermissionDenied):
        read_only.quotations.set_pricing(draft.id, "5", "0", draft.version)


def test_the_list_filters_searches_and_sorts_in_sql(services, shop):
    a = _priced(services, shop)
    b = services.quotations.create(QuotationInput(title="Duct cleaning", customer_id=shop["bob"].id))
    c = _quote(services, shop, title="Thermostat upgrade")
    services.quotations.act(c.id, "cancel", c.version)
    quotes = services.quotations
    assert quotes.list_ids(ListQuery(sort="")) == [c.id, b.id, a.id]  # newest first by default
    assert quotes.list_ids(ListQuery(sort="number")) == [a.id, b.id, c.id]
    assert quotes.list_ids(ListQuery(filters={"status": any_of("cancelled")})) == [c.id]
    assert quotes.list_ids(ListQuery(filters={"customer": Ref(shop["bob"].id)})) == [b.id]
    assert quotes.list_ids(ListQuery(text="browne duct")) == [b.id]
    assert quotes.list_ids(ListQuery(text=a.number.lower())) == [a.id]
    assert quotes.list_ids(ListQuery(text="thermostat", filters={"status": any_of("pending")})) == []
    today = date.today()
    assert len(quotes.list_ids(ListQuery(filters={"created": Between(today, today)}))) == 3
    assert quotes.list_ids(ListQuery(filters={"created": Between(end=today - timedelta(days=1))})) == []
    assert quotes.list_ids(ListQuery(sort="total", descending=True))[0] == a.id
    first = quotes.first_ids(ListQuery(sort="title"), 2)
    assert (first.total, first.ids) == (3, [b.id, c.id])
    assert [r.customer_name for r in quotes.rows([b.id, a.id])] == ["Bob Browne", "Ann Liburd"]
    with pytest.raises(ValidationError):
        quotes.list_ids(ListQuery(filters={"technician": Ref(1)}))


def test_bad_input_is_refused_and_nothing_is_stored(services, shop):
    with pytest.raises(ValidationError):
        services.quotations.create(QuotationInput(title=""))
    with pytest.raises(ValidationError):
        services.quotations.create(QuotationInput(title="Ok", customer_id=999_999))
    assert _count(services, Quotation) == 0
    q = _quote(services, shop)
    for bad in ("0", "-1", "abc", "1,000"):
        with pytest.raises(ValidationError):
            services.quotations.add_line(q.id, shop["labour"].id, bad)
    with pytest.raises(ValidationError):
        services.quotations.add_line(q.id, shop["labour"].id, "1", unit_id=shop["lobby"].id)  # not on it
    with pytest.raises(ValidationError):
        services.quotations.set_pricing(q.id, "101", "0", q.version)
    with pytest.raises(ValidationError):
        services.quotations.add_note(q.id, "   ")
    assert _count(services, QuotationLine) == 0
    assert services.quotations.get(q.id).version == q.version
