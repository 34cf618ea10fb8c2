"""Tell a workstation when the inbox changed, within about a second.

On PostgreSQL a dedicated connection LISTENs on the inbox channel that every new request
NOTIFYs (from the listener or another workstation). SQLite has no notifications, so the
watcher polls a cheap fingerprint (newest id, count, sum of row versions) once a second. Either way the
callback runs on the watcher's thread: the UI must hop to its own thread (a queued
signal) before touching widgets.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import psycopg
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from tuffops_desktop.db.engine import SessionFactories
from tuffops_desktop.db.models import CustomerRequest
from tuffops_desktop.services.request_writer import INBOX_CHANNEL

log = logging.getLogger("tuffops.inbox")
POLL_INTERVAL_S = 1.0
RECONNECT_DELAY_S = 3.0


class InboxWatcher:
    def __init__(self, db: SessionFactories, on_change: Callable[[], None]) -> None:
        self._db = db
        self._on_change = on_change
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.ready = threading.Event()  # set once the watcher is listening / has its first reading

    def start(self) -> None:
        target = self._listen if self._db.dialect == "postgresql" else self._poll
        self._thread = threading.Thread(target=target, name="inbox-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _fingerprint(self) -> tuple[int, int, int]:
        """(newest id, count, sum of versions): changes on every new request and every
        status change or conversion (each bumps the row's version)."""
        with self._db.engine.connect() as conn:
            newest, total, versions = conn.execute(
                select(func.coalesce(func.max(CustomerRequest.id), 0), func.count(CustomerRequest.id),
                       func.coalesce(func.sum(CustomerRequest.version), 0))
            ).one()
        return int(newest), int(total), int(versions)

    def _poll(self) -> None:
        last = None
        while not self._stop.is_set():
            try:
                current = self._fingerprint()
                if last is not None and current != last:
                    self._on_change()
                last = current
                self.ready.set()
            except Exception:  # database busy or gone: try again next round
                log.debug("inbox poll failed", exc_info=True)
            self._stop.wait(POLL_INTERVAL_S)

    def _listen(self) -> None:
        url = make_url(self._db.engine.url)
        conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        while not self._stop.is_set():
            try:
                with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {INBOX_CHANNEL}")
                    self._on_change()  # catch up on anything missed while disconnected
                    self.ready.set()
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=0.5, stop_after=1):
                            self._on_change()
            except psycopg.Error:
                log.debug("inbox listen connection lost", exc_info=True)
                self._stop.wait(RECONNECT_DELAY_S)
