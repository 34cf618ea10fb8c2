"""A real intake listener on a free loopback port, on each database."""

from __future__ import annotations

import http.client
import re
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

import pytest

from tests.factories import make_customer, make_unit
from tuffops_desktop.intake.app import Limits
from tuffops_desktop.intake.server import IntakeServer

TOKEN = re.compile(r'name="token" value="([^"]+)"')
TICKET = re.compile(r'<p class="ticket">(R-[0-9A-Z]{5}-[0-9A-Z]{5})</p>')


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str


class Client:
    """A tiny HTTP client speaking to the listener like a phone browser would."""

    def __init__(self, port: int, source: str | None = None) -> None:
        self.port = port
        self.source = source  # e.g. "127.0.0.7": another customer's address on loopback

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        conn = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=15, source_address=(self.source, 0) if self.source else None
        )
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return Response(
                resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read().decode("utf-8", "replace")
            )
        finally:
            conn.close()

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict[str, str], headers: dict[str, str] | None = None) -> Response:
        return self.request(
            "POST",
            path,
            urlencode(fields).encode("utf-8"),
            {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})},
        )

    def token(self, guid: str, headers: dict[str, str] | None = None) -> str:
        page = self.request("GET", f"/u/{guid}", headers=headers)
        assert page.status == 200, page.body
        return TOKEN.search(page.body).group(1)

    def submit(self, guid: str, headers: dict[str, str] | None = None, **overrides: str) -> Response:
        fields = valid_fields(self.token(guid, headers))
        fields.update(overrides)
        return self.post_form(f"/u/{guid}", fields, headers)

    def ticket_after(self, response: Response) -> str:
        """Follow a submission's redirect to the confirmation page; the ticket it shows."""
        assert response.status == 303, (response.status, response.body)
        page = self.get(response.headers["location"])
        assert page.status == 200, page.body
        return TICKET.search(page.body).group(1)


def valid_fields(token: str) -> dict[str, str]:
    return {
        "token": token,
        "website": "",
        "request": "The AC in the lobby is dripping water",
        "schedule_at": (date.today() + timedelta(days=2)).isoformat(),
        "schedule_time": "Morning",
        "contact_info": "869-555-1234",
    }


@pytest.fixture
def unit(services):
    services.settings.update(
        {"company_name": "Caribe Cooling", "phone_default_region": "KN", "phone_default_area_code": "869"}
    )
    customer = make_customer(services, phones="5551234", company_name="Sugar Bay")
    return make_unit(services, customer_id=customer.id, location="Lobby AC #2")


@pytest.fixture
def listener(db, tmp_path):
    server = IntakeServer(
        db,
        port=0,
        data_dir=tmp_path / "intake",
        threads=4,
        limits=Limits(pages_per_minute=1000, posts_per_ip=1000, posts_per_unit=1000),
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def client(listener) -> Client:
    return Client(listener.port)
