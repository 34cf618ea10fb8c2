"""The public listener, driven over real HTTP. Hostile input gets nowhere."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.intake.conftest import Client, valid_fields
from tuffops_desktop.db.models import AuditEntry, CustomerRequest
from tuffops_desktop.intake.app import Limits
from tuffops_desktop.intake.server import IntakeServer


def _requests(services) -> list[CustomerRequest]:
    with services.ctx.read() as s:
        return s.scalars(select(CustomerRequest).order_by(CustomerRequest.id)).all()


def test_the_page_shows_company_and_unit_label_only(client, unit):
    page = client.get(f"/u/{unit.qr_code_guid}")
    assert page.status == 200
    assert "Caribe Cooling" in page.body and "Lobby AC #2" in page.body
    assert "Sugar Bay" not in page.body and "Liburd" not in page.body  # customer name off by default
    assert "5551234" not in page.body and "555-1234" not in page.body.replace("869-555-1234", "")  # no phone
    assert "<script" not in page.body and "http" not in page.body.split("</head>")[1]  # no external assets, no JS


def test_customer_name_only_when_the_company_allows_it(client, unit, services):
    services.settings.update({"public_page_show_customer_name": True})
    assert "Ann Liburd (Sugar Bay)" in client.get(f"/u/{unit.qr_code_guid}").body


def test_a_valid_submission_lands_in_the_inbox(client, unit, services):
    response = client.submit(unit.qr_code_guid)
    assert response.headers["location"].startswith(f"/u/{unit.qr_code_guid}/sent?receipt=")
    ticket = client.ticket_after(response)
    (stored,) = _requests(services)
    assert stored.ticket == ticket
    assert (stored.unit_id, stored.source, stored.status, stored.schedule_time) == (unit.id, "qr", "open", "Morning")
    detail = services.requests.get(stored.id)
    assert detail.verified is True and detail.customer_name == "Ann Liburd (Sugar Bay)"
    with services.ctx.read() as s:
        assert s.scalar(select(AuditEntry.username).where(AuditEntry.entity == "customer_request")) == "public form"


def test_a_double_submit_creates_one_request_with_the_same_ticket(client, unit, services):
    fields = valid_fields(client.token(unit.qr_code_guid))
    first = client.post_form(f"/u/{unit.qr_code_guid}", fields)
    second = client.post_form(f"/u/{unit.qr_code_guid}", fields)  # refresh / back button
    # the receipt is signed when answering (a second may pass between the two): the ticket is what must match
    assert client.ticket_after(first) == client.ticket_after(second)
    assert len(_requests(services)) == 1


BAD_INPUTS = [
    ({"request": "   "}, "Tell us what the problem is"),
    ({"request": "x" * 2001}, "under 2000 characters"),
    ({"schedule_at": (date.today() - timedelta(days=1)).isoformat()}, "cannot be in the past"),
    ({"schedule_at": "next tuesday"}, "preferred date"),
    ({"schedule_at": (date.today() + timedelta(days=800)).isoformat()}, "within the next year"),
    ({"schedule_time": "Midnight"}, "All Day, Morning or Afternoon"),
    ({"contact_info": ""}, "how to reach you"),
    ({"contact_info": "x" * 201}, "At most 200"),
    ({"request": "bad\x00byte"}, "cannot store"),
    ({"token": ""}, "expired"),
    ({"token": "AAAA"}, "expired"),
]


@pytest.mark.parametrize(("override", "message"), BAD_INPUTS)
def test_each_invalid_input_is_refused_with_a_message_and_nothing_stored(client, unit, services, override, message):
    response = client.submit(unit.qr_code_guid, **override)
    assert response.status == 400
    assert message in response.body
    assert "Request service" in response.body  # the form is shown again
    assert _requests(services) == []


def test_the_form_comes_back_with_the_customers_input(client, unit):
    response = client.submit(unit.qr_code_guid, schedule_time="", contact_info="tenant, flat 2")
    assert response.status == 400
    assert "The AC in the lobby is dripping water" in response.body
    assert 'value="tenant, flat 2"' in response.body


def test_a_token_for_another_unit_is_refused(client, unit, services):
    from tests.factories import make_unit as mk

    other = mk(services, serial_number="OTHER-1")
    fields = valid_fields(client.token(other.qr_code_guid))
    assert client.post_form(f"/u/{unit.qr_code_guid}", fields).status == 400
    assert _requests(services) == []


def test_malformed_bodies(client, unit, services):
    path = f"/u/{unit.qr_code_guid}"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert client.request("POST", path, b"request=%FF%FE", form).status == 400  # not UTF-8
    assert client.request("POST", path, b"a=1&a=2", form).status == 400  # repeated field
    assert client.request("POST", path, b"{}", {"Content-Type": "application/json"}).status == 415
    huge = client.request("POST", path, b"request=" + b"x" * 20000, form)
    assert huge.status == 413
    assert client.request("PUT", path, b"", form).status == 405
    assert _requests(services) == []


def test_honeypot_looks_accepted_but_stores_nothing(client, unit, services):
    response = client.submit(unit.qr_code_guid, website="http://spam.example")
    assert response.status == 303
    assert _requests(services) == []


def test_unknown_blank_retired_and_garbage_codes_get_the_same_page(client, unit, services):
    blank = services.units.create_blank_labels(1)[0]
    retired_unit = services.units.get(unit.id)
    old_guid = retired_unit.qr_code_guid
    new_label = services.units.create_blank_labels(1)[0]
    services.units.bind_blank_label(unit.id, new_label, retired_unit.version)
    bodies = set()
    for guid in (blank, old_guid, "3f0c9b4e-0000-4000-8000-000000000000", "not-a-guid", "%27%20OR%201%3D1--"):
        response = client.get(f"/u/{guid}")
        assert response.status == 404
        bodies.add(response.body)
    assert len(bodies) == 1
    assert client.get(f"/u/{new_label}").status == 200
    assert client.post_form(f"/u/{old_guid}", valid_fields("x")).status == 404
    assert _requests(services) == []


def test_only_the_intake_routes_exist(client):
    for path in ("/", "/admin", "/u/", "/static/../../etc/passwd", "/api/customers", "/favicon.ico"):
        response = client.get(path)
        assert response.status == 404, path
    css = client.get("/static/intake.css")
    assert css.status == 200 and css.headers["content-type"].startswith("text/css")


def test_security_headers_and_no_server_banner(client, unit):
    for response in (client.get(f"/u/{unit.qr_code_guid}"), client.get("/nope")):
        headers = response.headers
        assert "server" not in headers and "x-powered-by" not in headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "default-src 'none'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-content-type-options"] == "nosniff"


XSS_CORPUS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE customer_requests; --",
    "{{7*7}} ${7*7} <%= 7*7 %>",
    "<svg/onload=alert('x')>",
    "javascript:alert(document.cookie)",
    "Robert'); DELETE FROM units;--",
    "\u202eRTL override \u200b zero-width",
    "Zoë Łódź Кухня 😀",
]


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_hostile_text_is_stored_verbatim_and_rendered_escaped(client, unit, services, payload):
    shown = client.submit(unit.qr_code_guid, request="", contact_info=payload)  # re-shown form carries it back
    assert shown.status == 400
    assert "<script>alert" not in shown.body and "<img src=x" not in shown.body and "<svg/onload" not in shown.body
    response = client.submit(unit.qr_code_guid, request=payload, contact_info=payload)
    assert response.status == 303
    (stored,) = _requests(services)
    assert stored.request == payload and stored.contact_info == " ".join(payload.split())


def test_rate_limits_trip_with_a_friendly_page(db, unit, tmp_path, services):
    server = IntakeServer(
        db,
        port=0,
        data_dir=tmp_path / "rl",
        threads=2,
        limits=Limits(pages_per_minute=100, posts_per_ip=3, posts_per_unit=100),
    )
    server.start()
    try:
        client = Client(server.port)
        statuses = [client.submit(unit.qr_code_guid, request=f"try {i}").status for i in range(5)]
        assert statuses[:3] == [303, 303, 303] and statuses[3:] == [429, 429]
        limited = client.submit(unit.qr_code_guid)
        assert "Please wait a moment" in limited.body and int(limited.headers["retry-after"]) > 0
    finally:
        server.stop()
    assert len(_requests(services)) == 3
    server = IntakeServer(
        db,
        port=0,
        data_dir=tmp_path / "rl2",
        threads=2,
        limits=Limits(pages_per_minute=100, posts_per_ip=100, posts_per_unit=2),
    )
    server.start()
    try:
        client = Client(server.port)
        statuses = [client.submit(unit.qr_code_guid, request=f"unit flood {i}").status for i in range(4)]
        assert statuses == [303, 303, 429, 429]
    finally:
        server.stop()
    assert len(_requests(services)) == 5


def test_page_views_are_limited_too(db, unit, tmp_path):
    server = IntakeServer(db, port=0, data_dir=tmp_path / "pv", threads=2, limits=Limits(pages_per_minute=5))
    server.start()
    try:
        client = Client(server.port)
        statuses = [client.get(f"/u/{unit.qr_code_guid}").status for _ in range(7)]
    finally:
        server.stop()
    assert statuses == [200] * 5 + [429] * 2
