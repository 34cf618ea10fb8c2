"""``GET /healthz`` over real HTTP: ``ok`` for this machine's own monitoring only; from any
other address, or relayed by a proxy (even one the listener trusts), the same 404 as any
unknown path."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.intake.conftest import Client
from tuffops_desktop.bootstrap import open_database
from tuffops_desktop.intake.app import Limits
from tuffops_desktop.intake.health import is_local_request
from tuffops_desktop.intake.server import IntakeServer, ListenerOptions

DEAD_DATABASE = "postgresql://nobody@127.0.0.1:1/nothing"


def _listener(db, folder: Path, **options) -> IntakeServer:  # noqa: ANN001
    server = IntakeServer(db, data_dir=folder, limits=Limits(), options=ListenerOptions(port=0, threads=2, **options))
    server.start()
    return server


def test_a_local_monitor_is_told_ok(listener):
    client = Client(listener.port)
    answer = client.get("/healthz")
    assert (answer.status, answer.body) == (200, "ok\n")
    assert answer.headers["content-type"] == "text/plain; charset=utf-8"
    assert answer.headers["x-content-type-options"] == "nosniff" and answer.headers["cache-control"] == "no-store"
    head = client.request("HEAD", "/healthz")
    assert (head.status, head.body) == (200, "")
    assert client.request("POST", "/healthz", b"").status == 404
    assert client.get("/healthz/").status == 404 and client.get("/healthz?x=1").status == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Forwarded-For": "203.0.113.9"},
        {"X-Forwarded-For": "127.0.0.1"},  # a client pretending to be the machine itself
        {"Forwarded": "for=198.51.100.7;proto=https"},
        {"X-Forwarded-Proto": "https"},
        {"X-Forwarded-Host": "service.example.com"},
        {"X-Real-IP": "203.0.113.9"},
        {"Via": "1.1 caddy"},
    ],
)
def test_through_a_proxy_it_is_not_found(listener, headers):
    answer = Client(listener.port).request("GET", "/healthz", headers=headers)
    assert answer.status == 404 and "ok" not in answer.body


def test_through_a_trusted_proxy_on_this_machine_it_is_not_found(db, tmp_path):
    """The usual set-up (Caddy on the same machine, --trusted-proxy 127.0.0.1): the proxy
    connects from 127.0.0.1 and adds X-Forwarded-For, whatever the client sent."""
    server = _listener(db, tmp_path / "intake", trusted_proxy="127.0.0.1")
    try:
        client = Client(server.port)
        for forwarded in ("203.0.113.9", "127.0.0.1", "127.0.0.1, 127.0.0.1"):
            assert client.request("GET", "/healthz", headers={"X-Forwarded-For": forwarded}).status == 404
        assert client.get("/healthz").status == 200  # the machine's own monitor, no proxy
    finally:
        server.stop()


def test_another_address_is_not_found(db, tmp_path):
    """A peer that is not 127.0.0.1 (here 127.0.0.2, which Linux routes like any other
    address to a listener on all interfaces) gets the listener's plain 404."""
    server = _listener(db, tmp_path / "intake", host="0.0.0.0")
    try:
        assert Client(server.port, source="127.0.0.2").get("/healthz").status == 404
        assert Client(server.port).get("/healthz").status == 200
    finally:
        server.stop()


def test_the_database_down_is_reported_to_the_local_monitor_only(tmp_path):
    down = _listener(open_database(DEAD_DATABASE, migrate=False), tmp_path / "intake")
    try:
        answer = Client(down.port).get("/healthz")
        assert (answer.status, answer.body) == (503, "database unreachable\n")
        relayed = Client(down.port).request("GET", "/healthz", headers={"X-Forwarded-For": "203.0.113.9"})
        assert relayed.status == 404
    finally:
        down.stop()


@pytest.mark.parametrize(
    ("peer", "local"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("127.0.0.2", False),
        ("192.168.1.20", False),
        ("203.0.113.9", False),
        ("fe80::1%eth0", False),
        ("", False),
        ("localhost", False),
    ],
)
def test_which_peers_count_as_this_machine(peer, local):
    assert is_local_request({"REMOTE_ADDR": peer}) is local
    assert is_local_request({"REMOTE_ADDR": peer, "HTTP_X_FORWARDED_FOR": ""}) is False
