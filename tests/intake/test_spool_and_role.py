"""A request is never lost when the database is down; the listener's role sees nothing else."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from tests.conftest import new_database_url
from tests.factories import make_customer, make_unit
from tests.intake.conftest import Client, valid_fields
from tests.pgcluster import free_port
from tuffops_desktop.bootstrap import open_database, system_services
from tuffops_desktop.db.engine import make_engine
from tuffops_desktop.db.models import CustomerRequest
from tuffops_desktop.intake.server import IntakeServer
from tuffops_desktop.services.intake import grant_intake_role

DEAD_DATABASE = "postgresql://nobody@127.0.0.1:1/nothing"


def _stored(services) -> list[CustomerRequest]:
    with services.ctx.read() as s:
        return s.scalars(select(CustomerRequest)).all()


def test_database_down_spools_and_delivers_exactly_once(services, unit, tmp_path):
    data = tmp_path / "intake"
    down = IntakeServer(open_database(DEAD_DATABASE, migrate=False), port=0, data_dir=data, threads=2)
    down.start()
    try:
        client = Client(down.port)
        page = client.get(f"/u/{unit.qr_code_guid}")
        assert page.status == 200 and "this unit" in page.body  # the form still works
        ticket = client.ticket_after(client.submit(unit.qr_code_guid))
    finally:
        down.stop()
    assert len(list((data / "spool").glob("*.json"))) == 1
    assert _stored(services) == []
    up = IntakeServer(services.ctx.db, port=0, data_dir=data, threads=2)
    assert up.app.deliver_spool() == 1
    assert up.app.deliver_spool() == 0
    (stored,) = _stored(services)
    assert stored.ticket == ticket and stored.source == "qr"
    assert list((data / "spool").glob("*.json")) == []


def test_redelivery_after_a_crash_between_insert_and_delete_is_harmless(services, unit, tmp_path):
    data = tmp_path / "intake"
    server = IntakeServer(services.ctx.db, port=0, data_dir=data, threads=2)
    spooled = data / "spool"
    from tuffops_desktop.intake.spool import SpooledSubmission

    item = SpooledSubmission(
        "ab" * 16,
        unit.qr_code_guid,
        "Leak",
        valid_fields("")["schedule_at"],
        "All Day",
        "me@example.com",
        "2026-11-24T12:00:00+00:00",
    )
    server.app._spool.put(item)
    assert server.app.deliver_spool() == 1
    server.app._spool.put(item)  # as if the file survived a crash after the insert committed
    assert server.app.deliver_spool() == 1
    assert len(_stored(services)) == 1
    assert list(spooled.glob("*.json")) == []


def test_spooled_request_for_a_unit_that_vanished_is_kept_for_review(services, unit, tmp_path):
    data = tmp_path / "intake"
    server = IntakeServer(services.ctx.db, port=0, data_dir=data, threads=2)
    from tuffops_desktop.intake.spool import SpooledSubmission

    server.app._spool.put(
        SpooledSubmission(
            "cd" * 16,
            "3f0c9b4e-0000-4000-8000-000000000000",
            "Leak",
            valid_fields("")["schedule_at"],
            "All Day",
            "me",
            "2026-11-24T12:00:00+00:00",
        )
    )
    assert server.app.deliver_spool() == 0
    assert len(list((data / "spool" / "rejected").glob("*.json"))) == 1


def _serve(url: str, port: int, data: Path) -> subprocess.Popen:
    env = {**os.environ, "TUFFOPS_DATA_DIR": str(data)}
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
            str(data / "intake"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    line = proc.stdout.readline()
    assert "listening" in line, line + proc.stdout.read()
    return proc


def test_the_spool_survives_kill_9_and_delivers_after_restart(db_url, tmp_path):
    services = system_services(open_database(db_url))
    unit = make_unit(services, customer_id=make_customer(services).id)
    port = free_port()
    proc = _serve(DEAD_DATABASE, port, tmp_path)
    try:
        client = Client(port)
        ticket = client.ticket_after(client.submit(unit.qr_code_guid))
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    assert _stored(services) == []
    proc = _serve(db_url, port, tmp_path)  # database back: delivered at start
    try:
        deadline = time.monotonic() + 20
        while not _stored(services) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    (stored,) = _stored(services)
    assert stored.ticket == ticket
    services.ctx.db.engine.dispose()


@pytest.fixture
def pg_url(request, tmp_path):
    return new_database_url("postgresql", request, tmp_path)


def test_the_listener_role_reads_unit_pages_adds_requests_and_nothing_else(pg_url, tmp_path):
    services = system_services(open_database(pg_url))
    customer = make_customer(services, company_name="Secret Corp")
    unit = make_unit(services, customer_id=customer.id)
    with services.ctx.db.engine.begin() as conn:
        grant_intake_role(conn, "tuffops_intake", "listener-pw")
    role_url = make_url(pg_url).set(username="tuffops_intake", password="listener-pw")
    restricted = make_engine(role_url.render_as_string(hide_password=False))
    for table in ("customers", "units", "work_orders", "users", "settings", "audit_log", "device_models"):
        with restricted.connect() as conn, pytest.raises(ProgrammingError, match="permission denied"):
            conn.execute(text(f"SELECT * FROM {table} LIMIT 1"))
    with restricted.connect() as conn, pytest.raises(ProgrammingError, match="permission denied"):
        conn.execute(text("SELECT request, contact_info FROM customer_requests"))
    with restricted.connect() as conn, pytest.raises(ProgrammingError, match="permission denied"):
        conn.execute(text("UPDATE customer_requests SET status = 'closed'"))
    restricted.dispose()
    server = IntakeServer(
        open_database(role_url.render_as_string(hide_password=False), migrate=False),
        port=0,
        data_dir=tmp_path / "intake",
        threads=2,
    )
    server.start()
    try:
        client = Client(server.port)
        page = client.get(f"/u/{unit.qr_code_guid}")
        assert page.status == 200 and "Secret Corp" not in page.body
        first = client.submit(unit.qr_code_guid)
        fields = valid_fields(client.token(unit.qr_code_guid))
        again = [client.post_form(f"/u/{unit.qr_code_guid}", fields) for _ in range(2)]
        assert first.status == 303 and again[0].headers["location"] == again[1].headers["location"]
    finally:
        server.stop()
    assert len(_stored(services)) == 2
    assert not list((tmp_path / "intake" / "spool").glob("*.json"))  # delivered directly, not spooled
    services.ctx.db.engine.dispose()


def test_grant_role_from_the_cli(pg_url, tmp_path):
    env = {**os.environ, "TUFFOPS_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tuffops_desktop",
            "--database-url",
            pg_url,
            "intake",
            "grant-role",
            "web_intake",
            "--password-stdin",
        ],
        input="pw-123456\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert re.search(r"Role web_intake may now", result.stdout)
