"""The listener attacked from outside, over real HTTP, as a hostile client would.

Each test here reproduces a defect an outside attack test found in the first listener
(issue #7) and fails on that code.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import select

from tests.factories import make_customer, make_unit
from tests.intake.conftest import Client, valid_fields
from tests.pgcluster import free_port
from tuffops_desktop.bootstrap import open_database, system_services
from tuffops_desktop.db.models import CustomerRequest
from tuffops_desktop.intake.app import Limits
from tuffops_desktop.intake.security import FormTokens
from tuffops_desktop.intake.server import IntakeServer, ListenerOptions, load_secret, summarise_queue_warnings

DEAD_DATABASE = "postgresql://nobody@127.0.0.1:1/nothing"
NOT_FOUND = "Sticker not recognised"


def _requests(services) -> list[CustomerRequest]:
    with services.ctx.read() as s:
        return s.scalars(select(CustomerRequest).order_by(CustomerRequest.id)).all()


def _listener(db, folder: Path, limits: Limits | None = None, **options) -> IntakeServer:
    server = IntakeServer(
        db, data_dir=folder, limits=limits or Limits(), options=ListenerOptions(port=0, threads=4, **options)
    )
    server.start()
    return server


# ------------------------------------------------------------------ 1. idle CPU
def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def test_an_idle_listener_uses_almost_no_cpu(tmp_path):
    url = f"sqlite:///{(tmp_path / 'idle.sqlite3').as_posix()}"
    services = system_services(open_database(url))
    unit = make_unit(services, customer_id=make_customer(services).id)
    services.ctx.db.engine.dispose()
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tuffops_desktop",
            "--database-url",
            url,
            "intake",
            "serve",
            "--port",
            str(port),
            "--data-dir",
            str(tmp_path / "intake"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "TUFFOPS_DATA_DIR": str(tmp_path)},
    )
    try:
        assert "listening" in proc.stdout.readline()
        assert Client(port).get(f"/u/{unit.qr_code_guid}").status == 200  # it serves, then rests
        time.sleep(1.0)
        before = _cpu_seconds(proc.pid)
        time.sleep(5.0)
        used = _cpu_seconds(proc.pid) - before
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert used < 0.05 * 5.0, f"an idle listener used {used:.2f} s of CPU in 5 s"


# ------------------------------------------------------------------ 2. invalid posts and the unit limit
def test_invalid_submissions_do_not_use_up_the_units_limit(db, unit, services, tmp_path):
    server = _listener(db, tmp_path / "intake")  # production limits: 5 posts per address, 20 per unit
    try:
        for n in range(4):
            attacker = Client(server.port, source=f"127.0.0.{10 + n}")
            for _ in range(5):
                response = attacker.submit(unit.qr_code_guid, request="")
                assert response.status == 400 and "Tell us what the problem is" in response.body
        customer = Client(server.port, source="127.0.0.99")
        response = customer.submit(unit.qr_code_guid)
        assert response.status == 303, response.body
    finally:
        server.stop()
    assert len(_requests(services)) == 1


def test_the_unit_limit_still_counts_stored_requests(db, unit, services, tmp_path):
    server = _listener(db, tmp_path / "intake", Limits(posts_per_ip=100, posts_per_unit=3))
    try:
        statuses = [
            Client(server.port, source=f"127.0.0.{20 + n}").submit(unit.qr_code_guid, request=f"r {n}").status
            for n in range(5)
        ]
    finally:
        server.stop()
    assert statuses == [303, 303, 303, 429, 429]
    assert len(_requests(services)) == 3


# ------------------------------------------------------------------ 4. the whole segment is the GUID
@pytest.mark.parametrize("suffix", ["0", "%00", "'%20OR%20'1'='1", "%20", "/", "x/sent"])
def test_anything_after_a_valid_guid_is_not_found(client, unit, services, suffix):
    guid = unit.qr_code_guid
    path = f"/u/{guid}{suffix}"
    if suffix == "/":
        assert client.get(path).status == 200  # a trailing slash is still the unit's page
        return
    unknown = client.get("/u/3f0c9b4e-0000-4000-8000-000000000000")
    got = client.get(path)
    assert got.status == 404 and got.body == unknown.body
    fields = valid_fields(client.token(guid))
    posted = client.post_form(path, fields)
    assert posted.status == 404 and NOT_FOUND in posted.body
    assert _requests(services) == []


def test_the_tolerant_spellings_of_a_guid_still_work(client, unit):
    guid = unit.qr_code_guid
    for spelling in (guid.upper(), guid.replace("-", ""), "{" + guid + "}", quote("{" + guid + "}")):
        assert client.get(f"/u/{spelling}").status == 200, spelling


# ------------------------------------------------------------------ 5. the confirmation page
def test_the_confirmation_page_shows_only_tickets_it_issued(client, unit, services, tmp_path):
    forged = client.get("/u/3f0c9b4e-0000-4000-8000-000000000000/sent?ticket=R-AAAAA-AAAAA")
    assert forged.status == 404 and "Thank you" not in forged.body
    assert client.get(f"/u/{unit.qr_code_guid}/sent?ticket=R-AAAAA-AAAAA").status == 404
    other_secret = FormTokens(b"not the listener's secret 123456")
    assert (
        client.get(
            f"/u/{unit.qr_code_guid}/sent?receipt={other_secret.receipt(unit.qr_code_guid, 'R-AAAAA-AAAAA')}"
        ).status
        == 404
    )
    response = client.submit(unit.qr_code_guid)
    genuine = response.headers["location"]
    ticket = client.ticket_after(response)
    assert ticket == _requests(services)[0].ticket
    # the same receipt on another unit's address is refused
    elsewhere = genuine.replace(unit.qr_code_guid, "3f0c9b4e-0000-4000-8000-000000000000")
    assert client.get(elsewhere).status == 404
    tampered = genuine[:-2] + ("AA" if not genuine.endswith("AA") else "BB")
    assert client.get(tampered).status == 404


# ------------------------------------------------------------------ 6. unknown codes while the database is down
def test_with_a_snapshot_an_unknown_code_is_refused_while_the_database_is_down(db, unit, services, tmp_path):
    folder = tmp_path / "intake"
    up = IntakeServer(db, port=0, data_dir=folder)
    assert up.public.refresh_snapshot()  # what the background loop does every few minutes
    assert (folder / "units-snapshot.json").exists()
    down = _listener(open_database(DEAD_DATABASE, migrate=False), folder)  # a restart during an outage
    try:
        client = Client(down.port)
        page = client.get(f"/u/{unit.qr_code_guid}")
        assert page.status == 200 and "Lobby AC #2" in page.body  # the label comes from the snapshot
        unknown = "3f0c9b4e-0000-4000-8000-000000000000"
        assert client.get(f"/u/{unknown}").status == 404
        token = FormTokens(load_secret(folder)).issue(unknown)  # even with a genuine token
        refused = client.post_form(f"/u/{unknown}", valid_fields(token))
        assert refused.status == 404 and NOT_FOUND in refused.body
        assert list((folder / "spool").glob("*.json")) == []
        accepted = client.submit(unit.qr_code_guid)
        ticket = client.ticket_after(accepted)
    finally:
        down.stop()
    assert len(list((folder / "spool").glob("*.json"))) == 1
    assert up.app.deliver_spool() == 1
    assert [r.ticket for r in _requests(services)] == [ticket]


def test_without_a_snapshot_an_unchecked_code_is_spooled_and_sorted_out_later(db, services, tmp_path):
    folder = tmp_path / "intake"
    down = _listener(open_database(DEAD_DATABASE, migrate=False), folder)
    unknown = "3f0c9b4e-0000-4000-8000-000000000000"
    try:
        client = Client(down.port)
        assert client.submit(unknown).status == 303  # cannot be checked: the customer is not turned away
    finally:
        down.stop()
    up = IntakeServer(db, port=0, data_dir=folder)
    assert up.app.deliver_spool() == 0
    assert len(list((folder / "spool" / "rejected").glob("*.json"))) == 1
    assert _requests(services) == []


# ------------------------------------------------------------------ 7. behind a reverse proxy
def _post_as(port: int, guid: str, forwarded_for: str) -> int:
    return Client(port).submit(guid, headers={"X-Forwarded-For": forwarded_for}).status


def test_forwarded_for_is_ignored_unless_the_proxy_is_trusted(db, unit, tmp_path):
    limits = Limits(posts_per_ip=2, posts_per_unit=100)
    plain = _listener(db, tmp_path / "a", limits)
    try:  # a client cannot pick its own bucket by sending the header
        statuses = [_post_as(plain.port, unit.qr_code_guid, f"203.0.113.{n}") for n in range(3)]
    finally:
        plain.stop()
    assert statuses == [303, 303, 429]
    behind_proxy = _listener(db, tmp_path / "b", Limits(posts_per_ip=2, posts_per_unit=100), trusted_proxy="127.0.0.1")
    try:  # behind a trusted proxy each customer has a bucket of their own
        statuses = [_post_as(behind_proxy.port, unit.qr_code_guid, f"203.0.113.{n}") for n in range(3)]
        statuses += [_post_as(behind_proxy.port, unit.qr_code_guid, "203.0.113.50") for _ in range(3)]
        # a client that is not the proxy cannot use the header
        sneaky = Client(behind_proxy.port, source="127.0.0.5")
        statuses += [
            sneaky.submit(unit.qr_code_guid, headers={"X-Forwarded-For": f"198.51.100.{n}"}).status for n in range(3)
        ]
    finally:
        behind_proxy.stop()
    assert statuses == [303, 303, 303, 303, 303, 429, 303, 303, 429]


# ------------------------------------------------------------------ 8. slow clients
def _trickle(sockets: list[socket.socket], stop: threading.Event) -> None:
    while not stop.wait(0.5):
        for sock in sockets:
            with contextlib.suppress(OSError):  # the server may have cut it already
                sock.send(b"X")


def _closed_by_server(sock: socket.socket) -> bool:
    sock.settimeout(0.01)
    try:
        return sock.recv(1) == b""
    except TimeoutError:
        return False
    except OSError:
        return True


def test_trickling_connections_are_cut_and_do_not_lock_out_customers(db, unit, tmp_path):
    server = _listener(db, tmp_path / "intake", Limits(pages_per_minute=1000), request_deadline_s=3)
    slow: list[socket.socket] = []
    stop = threading.Event()
    try:
        for n in range(150):
            sock = socket.create_connection(("127.0.0.1", server.port), source_address=(f"127.0.1.{n % 50 + 1}", 0))
            sock.sendall(b"POST /u/" + unit.qr_code_guid.encode() + b" HTTP/1.1\r\nHost: x\r\nContent-Length: 900\r\n")
            slow.append(sock)
        trickler = threading.Thread(target=_trickle, args=(slow, stop), daemon=True)
        trickler.start()
        started = time.monotonic()
        page = Client(server.port, source="127.0.0.200").get(f"/u/{unit.qr_code_guid}")
        assert page.status == 200 and time.monotonic() - started < 2.0
        time.sleep(5.0)  # past the deadline, though every connection sent a byte every 0.5 s
        closed = sum(_closed_by_server(sock) for sock in slow)
        assert closed == len(slow), f"only {closed} of {len(slow)} slow connections were closed"
    finally:
        stop.set()
        for sock in slow:
            sock.close()
        server.stop()


# ------------------------------------------------------------------ 9. waitress's own refusals
def _raw(port: int, data: bytes) -> tuple[int, dict[str, str], str]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:] if ":" in line)}
    return int(lines[0].split()[1]), headers, body.decode("utf-8", "replace")


def test_oversize_and_malformed_requests_get_our_page_and_headers(client, listener, unit):
    guid = unit.qr_code_guid.encode()
    cases = {
        431: b"GET /u/" + guid + b" HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n",
        400: b"GET /u/" + guid + b" HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n",
        413: b"POST /u/" + guid + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n" + (b"8000\r\n" + b"a" * 0x8000 + b"\r\n") * 4 + b"0\r\n\r\n",
    }
    for expected, data in cases.items():
        status, headers, body = _raw(listener.port, data)
        assert status == expected, (expected, body)
        assert "generated by" not in body and "We could not read that" in body
        assert "default-src 'none'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY" and "server" not in headers
    declared = client.request(
        "POST",
        f"/u/{unit.qr_code_guid}",
        b"request=" + b"x" * 20000,
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert declared.status == 413 and "more text than this form accepts" in declared.body


def test_queue_depth_warnings_are_summarised(caplog):
    summarise_queue_warnings()  # what every IntakeServer does when it starts
    logger = logging.getLogger("waitress.queue")
    with caplog.at_level(logging.WARNING, logger="waitress.queue"):
        for depth in range(1000):
            logger.warning("Task queue depth is %d", depth)
    assert len([r for r in caplog.records if r.name == "waitress.queue"]) <= 1


# ------------------------------------------------------------------ served from memory, still correct
def test_a_unit_retired_after_its_page_was_cached_gets_no_request(client, unit, services):
    token = client.token(unit.qr_code_guid)  # the page is now in the listener's memory
    detail = services.units.get(unit.id)
    services.units.bind_blank_label(unit.id, services.units.create_blank_labels(1)[0], detail.version)
    refused = client.post_form(f"/u/{unit.qr_code_guid}", valid_fields(token))
    assert refused.status == 404 and NOT_FOUND in refused.body
    assert client.get(f"/u/{unit.qr_code_guid}").status == 404  # and it is forgotten at once
    assert _requests(services) == []


def test_each_form_gets_its_own_token_though_the_page_is_cached(client, unit):
    tokens = {client.token(unit.qr_code_guid) for _ in range(5)}
    assert len(tokens) == 5


def test_concurrent_double_submits_store_each_request_once(db, unit, services):
    """Eight threads send the same five forms at once (SQLite: through the group-commit writer)."""
    from datetime import UTC, date, datetime, timedelta

    from tuffops_desktop.domain.requests import RequestInput, validate_request
    from tuffops_desktop.services.intake import IntakeGateway

    gateway = IntakeGateway(db)
    fields = validate_request(
        RequestInput("Leak", date.today() + timedelta(days=1), "Morning", "me@example.com"), date.today()
    )
    keys = [f"{n:032x}" for n in range(5)]
    seen: dict[str, set[str]] = {key: set() for key in keys}
    lock = threading.Lock()

    def send() -> None:
        for key in keys:
            ticket = gateway.submit(unit.qr_code_guid, fields, key, datetime.now(UTC))
            with lock:
                seen[key].add(ticket)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    stored = {r.submission_key: r.ticket for r in _requests(services)}
    assert sorted(stored) == keys
    assert all(seen[key] == {stored[key]} for key in keys)
