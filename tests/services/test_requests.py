import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import as_role, make_customer, make_unit
from tuffops_desktop.bootstrap import open_database, system_services
from tuffops_desktop.db.models import AuditEntry, WorkOrder
from tuffops_desktop.domain.errors import ConcurrencyConflict, InvalidTransition, PermissionDenied, ValidationError
from tuffops_desktop.domain.permissions import Role
from tuffops_desktop.domain.requests import RequestInput
from tuffops_desktop.services.listing import ListQuery, any_of
from tuffops_desktop.services.requests import AlreadyConverted

TOMORROW = (date.today() + timedelta(days=1)).isoformat()


def _request(**fields):
    values = dict(
        request="AC dripping water in the lobby",
        schedule_at=TOMORROW,
        schedule_time="Morning",
        contact_info="869-555-1234",
    )
    values.update(fields)
    return RequestInput(**values)


@pytest.fixture
def unit(services):
    services.settings.update({"phone_default_region": "KN", "phone_default_area_code": "869"})
    customer = make_customer(services, phones="5551234", emails="Ann@Example.com", default_sla_hours="24")
    return make_unit(services, customer_id=customer.id)


def test_office_request_lands_open_with_a_ticket_and_verified_badge(services, unit):
    req = services.requests.submit_office(unit.id, _request())
    assert req.status == "open" and req.source == "office"
    assert req.ticket.startswith("R-") and len(req.ticket) == 13
    assert req.verified is True
    assert req.customer_name == "Ann Liburd"
    assert services.requests.open_count() == 1
    open_ids = services.requests.list_ids(ListQuery(filters={"status": any_of("open")}))
    assert services.requests.rows(open_ids)[0].ticket == req.ticket


@pytest.mark.parametrize(
    ("contact", "verified"),
    [
        ("ann@example.COM", True),
        ("(869) 555 1234", True),
        ("5551234", True),
        ("555 9999", False),
        ("a tenant, flat 2", False),
        ("bob@example.com", False),
    ],
)
def test_verified_badge_matches_phones_and_emails_of_the_units_customer(services, unit, contact, verified):
    assert services.requests.submit_office(unit.id, _request(contact_info=contact)).verified is verified


def test_stock_unit_requests_are_unverified(services):
    stock = make_unit(services)
    assert services.requests.submit_office(stock.id, _request()).verified is False


def test_every_field_is_required_and_nothing_is_stored(services, unit):
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    for bad in (
        _request(request="   "),
        _request(request="x" * 2001),
        _request(schedule_at=yesterday),
        _request(schedule_at="tomorrow"),
        _request(schedule_time="Evening"),
        _request(contact_info=""),
        _request(contact_info="x" * 201),
        _request(request="null\x00byte"),
    ):
        with pytest.raises(ValidationError):
            services.requests.submit_office(unit.id, bad)
    assert services.requests.list_ids(ListQuery()) == []


def test_open_ongoing_open_then_closed_is_final(services, unit):
    req = services.requests.submit_office(unit.id, _request())
    req = services.requests.set_status(req.id, "ongoing", req.version, note="Called back, no answer")
    req = services.requests.set_status(req.id, "open", req.version)
    req = services.requests.set_status(req.id, "closed", req.version, note="Customer fixed the breaker")
    assert req.close_reason == "resolved" and req.closed_by == "system"
    assert [n.body for n in req.notes] == ["Called back, no answer", "Customer fixed the breaker"]
    with pytest.raises(InvalidTransition, match="final"):
        services.requests.set_status(req.id, "open", req.version)
    with pytest.raises(AlreadyConverted):
        services.requests.convert(req.id)


def test_convert_creates_one_unassigned_work_order_and_links_both_ways(services, unit):
    req = services.requests.submit_office(unit.id, _request(request="Noisy fan <b>&amp;</b>"))
    order = services.requests.convert(req.id)
    assert order.status == "unassigned" and order.unit_id == unit.id
    assert order.customer_requests == "Noisy fan <b>&amp;</b>"
    assert order.request_id == req.id
    # due = conversion time + the customer's default_sla_hours (24)
    assert order.due_at is not None
    assert abs((order.due_at - datetime.now(UTC)) - timedelta(hours=24)) < timedelta(minutes=5)
    after = services.requests.get(req.id)
    assert (after.status, after.close_reason, after.work_order_id) == ("closed", "converted", order.id)


def test_the_convert_audit_row_names_the_status_it_left(services, unit):
    req = services.requests.submit_office(unit.id, _request())
    services.requests.set_status(req.id, "ongoing", req.version)
    services.requests.convert(req.id)
    with services.ctx.read() as s:
        changes = s.scalars(
            select(AuditEntry.changes).where(AuditEntry.entity == "customer_request", AuditEntry.action == "convert")
        ).one()
    assert changes["status"] == ["ongoing", "closed"]


def test_stale_status_change_is_refused(services, unit):
    req = services.requests.submit_office(unit.id, _request())
    services.requests.set_status(req.id, "ongoing", req.version)
    with pytest.raises(ConcurrencyConflict):
        services.requests.set_status(req.id, "closed", req.version)


def test_permissions(services, unit):
    req = services.requests.submit_office(unit.id, _request())
    with pytest.raises(PermissionDenied):
        as_role(services, Role.TECHNICIAN).requests.list_ids(ListQuery())
    with pytest.raises(PermissionDenied):
        as_role(services, Role.READ_ONLY).requests.convert(req.id)
    with pytest.raises(PermissionDenied):
        as_role(services, Role.ESTIMATOR).requests.add_note(req.id, "hi")
    assert as_role(services, Role.OFFICE).requests.add_note(req.id, "called").notes[0].author == "office"


def test_search_the_inbox(services, unit):
    a = services.requests.submit_office(unit.id, _request(request="Compressor trips the breaker"))
    services.requests.submit_office(unit.id, _request(request="Water leak", contact_info="tenant upstairs"))
    assert services.requests.list_ids(ListQuery(text="breaker compressor")) == [a.id]
    assert services.requests.list_ids(ListQuery(text=a.ticket.lower())) == [a.id]
    assert len(services.requests.list_ids(ListQuery(text="liburd"))) == 2


def test_two_dispatchers_converting_at_once_make_exactly_one_work_order(db_url, request):
    ws1 = system_services(open_database(db_url))
    ws2 = system_services(open_database(db_url))
    request.addfinalizer(ws1.ctx.db.engine.dispose)
    request.addfinalizer(ws2.ctx.db.engine.dispose)
    unit = make_unit(ws1, customer_id=make_customer(ws1).id)
    req = ws1.requests.submit_office(unit.id, _request(contact_info="someone"))
    barrier = threading.Barrier(2)
    outcomes = []

    def convert(services):
        barrier.wait()
        try:
            outcomes.append(services.requests.convert(req.id))
        except AlreadyConverted as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=convert, args=(s,)) for s in (ws1, ws2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    orders = [o for o in outcomes if not isinstance(o, AlreadyConverted)]
    refused = [o for o in outcomes if isinstance(o, AlreadyConverted)]
    assert len(orders) == 1 and len(refused) == 1
    assert refused[0].work_order_id == orders[0].id and "system" in str(refused[0])
    with ws1.ctx.read() as s:
        assert s.scalar(select(func.count()).select_from(WorkOrder)) == 1
