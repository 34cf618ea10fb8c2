"""``tuffops notify …``: the e-mail sender outside the desktop app.

``tuffops notify serve [--interval S] [--password-file FILE]``  send continuously (a service)
``tuffops notify send [--limit N] [--password-file FILE]``      send what is due once (a scheduled task)
``tuffops notify test --to ADDRESS [--password-file FILE]``      send a test e-mail with the saved settings
``tuffops notify grant-role [ROLE] [--password-stdin]``          the service's restricted PostgreSQL role

``serve`` and ``send`` never change the schema (their role may not): an out-of-date
database is refused with the command that upgrades it. The SMTP password comes from
``--password-file``, ``TUFFOPS_SMTP_PASSWORD_FILE`` or ``TUFFOPS_SMTP_PASSWORD``
(``config/secrets.py``), never from the command line. Set-up: ``docs/notifications.md``.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tuffops_desktop.config.secrets import smtp_password_for_service
from tuffops_desktop.errors import KnownError

EXIT_OK, EXIT_FAILED = 0, 1
log = logging.getLogger("tuffops.notify")


def add_parser(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """The ``notify`` command and its subcommands."""
    notify = sub.add_parser("notify", help="the e-mail sender (outbox)")
    notify_sub = notify.add_subparsers(dest="notify_command", required=True, parser_class=parser_class)
    serve = notify_sub.add_parser("serve", help="send queued e-mail continuously (run as a service)")
    serve.add_argument("--interval", type=float, default=30.0, help="seconds between passes (default 30)")
    send = notify_sub.add_parser("send", help="send what is due once and exit (for a scheduled task)")
    send.add_argument("--limit", type=int, default=500, help="at most this many messages (default 500)")
    test = notify_sub.add_parser("test", help="send a test e-mail with the saved E-mail settings")
    test.add_argument("--to", required=True, metavar="ADDRESS")
    for command in (serve, send, test):
        command.add_argument(
            "--password-file", metavar="FILE", help="file holding the mail server's password (else the environment)"
        )
    grant = notify_sub.add_parser("grant-role", help="create/update the mail service's restricted PostgreSQL role")
    grant.add_argument("role", nargs="?", default="tuffops_sender")
    grant.add_argument("--password-stdin", action="store_true", help="read the role's password from standard input")


def run(args: argparse.Namespace, url: str) -> int:
    """Run one ``notify`` subcommand against ``url``."""
    if args.notify_command == "grant-role":
        return _grant_role(args, url)
    from tuffops_desktop.bootstrap import open_database

    db = open_database(url, migrate=False)
    try:
        _require_current_schema(db.engine)
        password = smtp_password_for_service(os.environ, Path(args.password_file) if args.password_file else None)
        if args.notify_command == "send":
            return _send(db, password, args.limit)
        if args.notify_command == "serve":
            return _serve(db, password, args.interval)
        if args.notify_command == "test":
            return _test(db, password, args.to)
    finally:
        db.engine.dispose()
    return EXIT_FAILED


def _require_current_schema(engine: Any) -> None:
    from tuffops_desktop.db.migrate import current_revision, head_revision
    from tuffops_desktop.services.context import database_errors

    with database_errors(), engine.connect() as conn:
        current = current_revision(conn)
    if current != head_revision():
        raise KnownError(
            f"The database schema is {current or 'empty'}, this program needs {head_revision()}: "
            "upgrade it first with `tuffops db upgrade` (as the database owner)."
        )


def _sender(db: Any, password: str | None) -> Any:
    from tuffops_desktop.services.mail_sender import MailSender

    return MailSender(db, password=lambda _config: password)


def _send(db: Any, password: str | None, limit: int) -> int:
    report = _sender(db, password).send_due(limit)
    print(f"tuffops notify: {report.summary()}")
    for line in report.errors:
        print(f"  {line}", file=sys.stderr)
    if report.skipped and "switched off" not in report.skipped:
        return EXIT_FAILED
    return EXIT_FAILED if report.errors else EXIT_OK


def _serve(db: Any, password: str | None, interval: float) -> int:
    """Send until SIGTERM/SIGINT: a pass every ``interval`` seconds, and at once when the
    change feed announces a new outbox row."""
    from tuffops_desktop.services.changes import Change, ChangeFeed
    from tuffops_desktop.services.mail_sender import SenderLoop, read_smtp_config

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    with db.read.begin() as session:
        config = read_smtp_config(session)
    if config.user and not password:
        raise KnownError(
            f"The mail server wants a login ({config.user}) but no password was given: set "
            "TUFFOPS_SMTP_PASSWORD or TUFFOPS_SMTP_PASSWORD_FILE in the service, or pass --password-file."
        )
    loop = SenderLoop(_sender(db, password), interval=interval)
    stop = threading.Event()

    def on_signal(_number: int, _frame: object) -> None:
        stop.set()
        loop.wake()

    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, on_signal)

    def on_changes(changes: Sequence[Change]) -> None:
        if any(c.entity == "outbox" and c.action == "create" or c.entity == "*" for c in changes):
            loop.wake()

    feed = threading.Thread(target=ChangeFeed(db).run, args=(stop, on_changes), name="notify-feed", daemon=True)
    feed.start()
    log.info("sending e-mail through %s:%s as %s (every %ss)", config.host, config.port, loop.sender.name, interval)
    if not config.enabled:
        log.info("sending is switched off in Settings → E-mail; waiting until it is switched on")
    loop.run(stop)
    feed.join(5)
    log.info("stopped")
    return EXIT_OK


def _test(db: Any, password: str | None, to: str) -> int:
    from tuffops_desktop.services.context import SYSTEM_ACTOR, ServiceContext
    from tuffops_desktop.services.mail_sender import MailService

    outcome = MailService(ServiceContext(db=db, actor=SYSTEM_ACTOR)).send_test(to, password)
    print(f"Test e-mail to {outcome.recipient} accepted by the mail server: {outcome.reply}")
    return EXIT_OK


def _grant_role(args: argparse.Namespace, url: str) -> int:
    from tuffops_desktop.bootstrap import open_database
    from tuffops_desktop.services.sender_role import grant_sender_role

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
    db = open_database(url)
    try:
        with db.engine.begin() as conn:
            report = grant_sender_role(conn, args.role, password)
    finally:
        db.engine.dispose()
    print(
        f"Role {report.role} may now read what e-mails are made from and mark the outbox in "
        f"{report.database}, nothing else. Run the service with: tuffops notify serve "
        f"--database-url postgresql+psycopg://{report.role}@<server>/{report.database}"
    )
    return EXIT_OK
