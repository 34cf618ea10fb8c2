"""Benchmark: the notification outbox — what ``queue`` adds to the triggering transaction,
and how many messages per second the sender delivers to a local SMTP server.

    .venv/bin/python -m benchmarks.bench_outbox [--messages 1000] [--repeat 300] [--skip-postgresql]

Both databases: an SQLite file (WAL) and a throwaway PostgreSQL cluster (durable
settings, like bench_intake). Measured:

* **cost added by ``queue``**: the office's "log a request" transaction (BEGIN
  IMMEDIATE on SQLite, the request row, its audit row, the change notification,
  COMMIT), median of ``--repeat`` runs, **with and without** one ``outbox.queue`` call
  inside it, alternating so both see the same load; the difference is what the event pays.
  Also the PostgreSQL listener's function ``intake_submit_request`` with a phone contact
  (no message) and with an e-mail contact (it queues "request received");
* **throughput**: ``--messages`` queued messages delivered by ``MailSender.send_due`` to
  aiosmtpd on 127.0.0.1 (plain SMTP, one connection per pass), with the built-in
  rendering and with the templates (``services/notification_render.py``);
  the **baseline in the same run** is raw ``smtplib`` sending the same number of
  equivalent ``EmailMessage``s over one connection, nothing else.
"""

from __future__ import annotations

import argparse
import secrets
import smtplib
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from tests.factories import make_customer, make_unit  # noqa: E402
from tests.notifications.smtp_server import SmtpServer  # noqa: E402
from tests.pgcluster import start_cluster  # noqa: E402
from tuffops_desktop.bootstrap import open_database, system_services  # noqa: E402
from tuffops_desktop.domain.notifications import Event  # noqa: E402
from tuffops_desktop.domain.requests import RequestInput, RequestSource, ticket_for, validate_request  # noqa: E402
from tuffops_desktop.services import outbox  # noqa: E402
from tuffops_desktop.services.mail_sender import MailSender, default_renderer, plain_render  # noqa: E402
from tuffops_desktop.services.registry import Services  # noqa: E402
from tuffops_desktop.services.request_writer import insert_request  # noqa: E402


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _quartile_ms(samples: list[float]) -> float:
    """The first quartile: the quiet-box figure when other jobs share the cores."""
    return sorted(samples)[len(samples) // 4] * 1000


def request_create_cost(services: Services, unit_id: int, repeat: int) -> tuple[float, float, float]:
    """Median ms of the office's request transaction without and with ``queue``, and the
    difference of their first quartiles."""
    # A phone contact: the request writer queues nothing by itself, so "without" has no
    # message and "with" has exactly the one ``queue`` call below.
    fields = validate_request(
        RequestInput("The AC drips on the floor", date.today() + timedelta(days=2), "Morning", "555-0100"),
        date.today(),
    )
    ctx = services.ctx

    def create(with_message: bool) -> float:
        key = secrets.token_hex(16)
        start = time.perf_counter()
        with ctx.write() as session:
            request_id = insert_request(
                session,
                ctx,
                unit_id=unit_id,
                fields=fields,
                submission_key=key,
                ticket=ticket_for(key),
                source=RequestSource.OFFICE,
            )
            if with_message:
                outbox.queue(
                    session,
                    ctx,
                    Event.REQUEST_RECEIVED,
                    ["ann@example.com"],
                    {"ticket": ticket_for(key), "unit": "Lobby AC #2", "preferred_date": "2026-12-03"},
                    dedupe_key=f"request_received:{request_id}",
                )
        return time.perf_counter() - start

    for _ in range(20):  # warm the statement caches and the pool
        create(False)
        create(True)
    without: list[float] = []
    with_: list[float] = []
    for _ in range(repeat):
        without.append(create(False))
        with_.append(create(True))
    return _median_ms(without), _median_ms(with_), _quartile_ms(with_) - _quartile_ms(without)


def function_cost(services: Services, guid: str, repeat: int) -> tuple[float, float]:
    """PostgreSQL: ``intake_submit_request`` with a phone contact and with an e-mail contact (median ms)."""
    engine = services.ctx.db.engine
    call = text("SELECT intake_submit_request(:guid, :key, :ticket, 'Dripping', :day, 'Morning', :contact, now())")

    def submit(contact: str) -> float:
        key = secrets.token_hex(16)
        start = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(
                call,
                {"guid": guid, "key": key, "ticket": ticket_for(key), "day": date.today() + timedelta(days=2),
                 "contact": contact},
            )  # fmt: skip
        return time.perf_counter() - start

    for _ in range(20):
        submit("555-0100")
        submit("ann@example.com")
    phone, email = [], []
    for _ in range(repeat):
        phone.append(submit("555-0100"))
        email.append(submit("ann@example.com"))
    return _median_ms(phone), _median_ms(email)


def queue_messages(services: Services, count: int) -> None:
    with services.ctx.write() as session:
        for n in range(count):
            outbox.queue(
                session,
                services.ctx,
                Event.TEST,
                [f"customer{n}@example.com"],
                {"subject": f"Your invoice INV-2026-{n:05d}", "text": "Thank you for your business.\n" * 10},
            )


def sender_rate(services: Services, count: int, renderer: Callable | None) -> float:
    """Messages per second delivered by the sender (all ``count`` in passes of 200)."""
    queue_messages(services, count)
    sender = MailSender(services.ctx.db, renderer=renderer, batch=50)
    start = time.perf_counter()
    sent = 0
    while sent < count:
        report = sender.send_due(200)
        if report.claimed == 0:
            raise RuntimeError(f"only {sent} of {count} sent: {report}")
        sent += report.sent
    return count / (time.perf_counter() - start)


def raw_smtplib_rate(port: int, count: int) -> float:
    """Baseline: smtplib alone, one connection, ``count`` similar messages."""
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=20) as smtp:
        for n in range(count):
            message = EmailMessage()
            message["From"] = "Cool Air Ltd <office@coolair.example.com>"
            message["To"] = f"customer{n}@example.com"
            message["Subject"] = f"Your invoice INV-2026-{n:05d}"
            message["Message-ID"] = f"<raw.{n}@coolair.example.com>"
            message.set_content("Thank you for your business.\n" * 10)
            smtp.send_message(message)
    return count / (time.perf_counter() - start)


def bench(url: str, label: str, args: argparse.Namespace, work: Path) -> list[str]:
    db = open_database(url)
    services = system_services(db)
    unit = make_unit(services, customer_id=make_customer(services, emails="ann@example.com").id)
    rows = []
    without, with_, p25 = request_create_cost(services, unit.id, args.repeat)
    rows.append(
        f"| {label} | request create, no message | {without:.2f} ms | | |\n"
        f"| {label} | request create + `queue` | {with_:.2f} ms | **+{with_ - without:.2f} ms** | first "
        f"quartiles: +{p25:.2f} ms |"
    )
    if label == "PostgreSQL":
        phone, email = function_cost(services, unit.qr_code_guid, args.repeat)
        rows.append(
            f"| {label} | `intake_submit_request`, phone contact | {phone:.2f} ms | | |\n"
            f"| {label} | `intake_submit_request`, e-mail contact (queues) | {email:.2f} ms | "
            f"**+{email - phone:.2f} ms** | |"
        )
    with SmtpServer(work) as server:
        services.settings.update(
            {
                "smtp_enabled": True,
                "smtp_host": "127.0.0.1",
                "smtp_port": server.port,
                "smtp_tls_mode": "none",
                "smtp_from": "office@coolair.example.com",
                "company_name": "Cool Air Ltd",
            }
        )
        raw = statistics.median(raw_smtplib_rate(server.port, args.messages) for _ in range(3))
        plain = sender_rate(services, args.messages, plain_render)
        templates = sender_rate(services, args.messages, default_renderer())
        raw_after = raw_smtplib_rate(server.port, args.messages)
    rows.append(
        f"| {label} | raw smtplib, one connection (baseline) | {raw:,.0f} msg/s | | after the runs: "
        f"{raw_after:,.0f} msg/s |\n"
        f"| {label} | `send_due`, built-in rendering | {plain:,.0f} msg/s | {plain / raw:.2f} × baseline | |"
    )
    rows.append(
        f"| {label} | `send_due`, templates (text + HTML) | {templates:,.0f} msg/s | "
        f"{templates / raw:.2f} × baseline | |"
    )
    db.engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=1000)
    parser.add_argument("--skip-postgresql", action="store_true")
    args = parser.parse_args()
    rows: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rows += bench(f"sqlite:///{(work / 'bench.sqlite3').as_posix()}", "SQLite", args, work)
        if not args.skip_postgresql:
            cluster = start_cluster(durable=True)
            try:
                rows += bench(cluster.create_database("bench"), "PostgreSQL", args, work)
            finally:
                cluster.stop()
    print(f"{args.messages} messages per throughput run, medians of {args.repeat} transactions")
    print("| database | what | result | added / ratio | note |")
    print("|---|---|---:|---:|---|")
    for row in rows:
        print(row)


if __name__ == "__main__":
    main()
