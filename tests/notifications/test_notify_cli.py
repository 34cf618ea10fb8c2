"""``tuffops notify …`` run as an administrator or a service manager would run it (real
processes): send once, serve until SIGTERM, a test e-mail, the service's role; the
password from a file or the environment; an out-of-date schema refused untouched."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from alembic import command

from tests.cli.test_cli import tuffops
from tests.conftest import new_database_url
from tests.notifications.conftest import use_smtp
from tests.notifications.smtp_server import SmtpServer
from tuffops_desktop.bootstrap import open_database, system_services
from tuffops_desktop.db.engine import make_engine
from tuffops_desktop.db.migrate import migrate
from tuffops_desktop.db.models import OutboxMessage
from tuffops_desktop.domain.notifications import Event
from tuffops_desktop.services import outbox


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    return new_database_url(request.param, request, tmp_path)


def _queue(services, subject: str = "Hi") -> int:
    with services.ctx.write() as session:
        return outbox.queue(session, services.ctx, Event.TEST, ["ann@example.com"], {"subject": subject, "text": "x"})


def test_send_delivers_what_is_due_once_with_the_password_from_a_file(url, tmp_path):
    services = system_services(open_database(url))
    with SmtpServer(tmp_path, tls="starttls", auth=("office", "pw from file")) as server:
        use_smtp(services, server, smtp_tls_mode="starttls", smtp_user="office")
        _queue(services)
        _queue(services)
        secret = tmp_path / "smtp_password"
        secret.write_text("pw from file\n")
        env_cafile = {"SSL_CERT_FILE": str(server.cert)}  # trust the test server like the system store would
        os.environ.update(env_cafile)
        try:
            result = tuffops("notify", "send", "--password-file", str(secret), data_dir=tmp_path, url=url)
            again = tuffops("notify", "send", "--password-file", str(secret), data_dir=tmp_path, url=url)
            no_password = _queue(services)
            refused = tuffops("notify", "send", data_dir=tmp_path, url=url)
        finally:
            os.environ.pop("SSL_CERT_FILE")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "tuffops notify: 2 sent"
    assert again.returncode == 0 and again.stdout.strip() == "tuffops notify: 0 sent"
    assert refused.returncode == 1 and "no password" in refused.stderr
    assert len(server.received) == 2
    with services.ctx.read() as s:
        assert s.get(OutboxMessage, no_password).status == "failed"
    services.ctx.db.engine.dispose()


def test_serve_sends_new_messages_at_once_and_stops_on_sigterm(url, tmp_path):
    services = system_services(open_database(url))
    with SmtpServer(tmp_path) as server:
        use_smtp(services, server)
        env = {**os.environ, "TUFFOPS_DATA_DIR": str(tmp_path), "TUFFOPS_DATABASE_URL": url}
        process = subprocess.Popen(
            [sys.executable, "-m", "tuffops_desktop", "notify", "serve", "--interval", "600"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        try:
            deadline = time.monotonic() + 30
            line = ""
            while "sending e-mail through" not in line and time.monotonic() < deadline:
                line = process.stderr.readline()
            time.sleep(1.0)  # the change feed is listening
            woken = _queue(services, "woken by the feed")
            while not server.received and time.monotonic() < deadline:
                time.sleep(0.05)
            process.send_signal(signal.SIGTERM)
            out, err = process.communicate(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == 0, err
    assert len(server.received) == 1  # long before the 600 s interval: the feed woke it
    with services.ctx.read() as s:
        assert s.get(OutboxMessage, woken).status == "sent"
    assert "stopped" in err
    services.ctx.db.engine.dispose()


def test_test_email_and_a_clear_error(url, tmp_path):
    services = system_services(open_database(url))
    with SmtpServer(tmp_path, refuse={"nobody@example.com"}) as server:
        use_smtp(services, server)
        ok = tuffops("notify", "test", "--to", "ann@example.com", data_dir=tmp_path, url=url)
        refused = tuffops("notify", "test", "--to", "nobody@example.com", data_dir=tmp_path, url=url)
    assert ok.returncode == 0 and "accepted by the mail server: 250" in ok.stdout, (ok.stdout, ok.stderr)
    assert refused.returncode == 1, refused.stderr
    assert refused.stderr.startswith("tuffops: The mail server refused the recipient's address."), refused.stderr
    services.ctx.db.engine.dispose()


def test_grant_role_on_postgresql_and_refused_on_sqlite(url, tmp_path):
    result = tuffops("notify", "grant-role", "mail_service", data_dir=tmp_path, url=url)
    if url.startswith("sqlite"):
        assert result.returncode == 1 and "SQLite has no roles" in result.stderr
        return
    assert result.returncode == 0, result.stderr
    assert "Role mail_service may now read" in result.stdout
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT has_table_privilege('mail_service', 'outbox', 'SELECT')").scalar()
        assert not conn.exec_driver_sql("SELECT has_table_privilege('mail_service', 'audit_log', 'SELECT')").scalar()
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP OWNED BY mail_service")
        conn.exec_driver_sql("DROP ROLE mail_service")
    engine.dispose()


def test_an_out_of_date_schema_is_refused_and_not_upgraded(request, tmp_path):
    url = new_database_url("sqlite", request, tmp_path)
    engine = make_engine(url)
    migrate(engine, lambda cfg: command.downgrade(cfg, "0013_stock_levels"))
    result = tuffops("notify", "send", data_dir=tmp_path, url=url)
    assert result.returncode == 1 and "upgrade it first with `tuffops db upgrade`" in result.stderr
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0013_stock_levels"
    engine.dispose()
