"""The change feed: every write says ``(entity, id, action)``; every workstation hears it.

Publishing happens in the writing transaction (``audit.record`` calls ``publish``, and
every service write records an audit row), so a change is heard exactly when it is
committed, never when it was rolled back:

* PostgreSQL: ``pg_notify('tuffops_changes', '{"entity": …, "id": …, "action": …}')``,
  delivered by the server at commit.
* SQLite: a row in ``change_log``; feeds poll it by id four times a second.

``ChangeFeed.run`` is the blocking listener loop (LISTEN on PostgreSQL, polling on
SQLite); the UI runs it on its task runner and hops to the GUI thread. The intake
listener's database function (``intake_submit_request``, migration 0003) announces each
public request on the same channel with the same payload.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import psycopg
from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from tuffops_desktop.db.engine import CONNECT_TIMEOUT_S, SessionFactories
from tuffops_desktop.db.models import ChangeLogEntry

log = logging.getLogger("tuffops.changes")

CHANNEL = "tuffops_changes"
POLL_INTERVAL_S = 0.25
RECONNECT_DELAY_S = 2.0
KEEP_LOG = timedelta(days=1)
PRUNE_EVERY_S = 600.0
_INSERT = insert(ChangeLogEntry)


@dataclass(frozen=True)
class Change:
    """One committed write: ``entity`` (``customer``, ``unit``, ``customer_request``…),
    the record id (None: unknown, re-read the list) and the action (``create``…)."""

    entity: str
    id: int | None
    action: str

    def payload(self) -> str:
        return json.dumps({"entity": self.entity, "id": self.id, "action": self.action}, separators=(",", ":"))

    @classmethod
    def from_payload(cls, channel: str, payload: str) -> Change | None:
        try:
            data = json.loads(payload)
            return cls(str(data["entity"]), _int_or_none(data.get("id")), str(data["action"]))
        except (ValueError, KeyError, TypeError):
            log.warning("ignoring a malformed change notification: %.200s", payload)
            return None


def _int_or_none(value: object) -> int | None:
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def publish(session: Session, entity: str, entity_id: object, action: str) -> None:
    """Announce a write, inside its transaction (heard by others once it commits)."""
    change = Change(entity, _int_or_none(entity_id), action)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": change.payload()})
    else:
        session.execute(
            _INSERT, {"at": datetime.now(UTC), "entity": entity, "entity_id": str(entity_id), "action": action}
        )


class ChangeFeed:
    """Listens for committed changes of every workstation (and the intake listener).

    ``run(stop, on_changes)`` blocks until ``stop`` is set, calling ``on_changes`` with a
    batch of ``Change``s on the calling thread. ``ready`` is set once it listens (or took
    its first reading); after a reconnect it reports ``Change("*", None, "reconnect")``:
    whatever happened meanwhile was missed, so lists should re-query.
    """

    def __init__(self, db: SessionFactories) -> None:
        self._db = db
        self.ready = threading.Event()

    def run(self, stop: threading.Event, on_changes: Callable[[Sequence[Change]], None]) -> None:
        if self._db.dialect == "postgresql":
            self._listen(stop, on_changes)
        else:
            self._poll(stop, on_changes)

    # ----------------------------------------------------------------- SQLite
    def _poll(self, stop: threading.Event, on_changes: Callable[[Sequence[Change]], None]) -> None:
        last: int | None = None
        pruned_at = 0.0
        clock = 0.0
        while not stop.is_set():
            try:
                with self._db.engine.connect() as conn:
                    if last is None:
                        last = int(conn.execute(select(func.coalesce(func.max(ChangeLogEntry.id), 0))).scalar_one())
                        self.ready.set()
                    rows = conn.execute(
                        select(
                            ChangeLogEntry.id, ChangeLogEntry.entity, ChangeLogEntry.entity_id, ChangeLogEntry.action
                        )
                        .where(ChangeLogEntry.id > last)
                        .order_by(ChangeLogEntry.id)
                    ).all()
                if rows:
                    last = rows[-1][0]
                    on_changes([Change(entity, _int_or_none(eid), action) for _id, entity, eid, action in rows])
                if clock - pruned_at >= PRUNE_EVERY_S:
                    pruned_at = clock
                    self._prune()
            except Exception:  # noqa: BLE001 - database busy or gone: try again next round
                log.debug("change poll failed", exc_info=True)
            stop.wait(POLL_INTERVAL_S)
            clock += POLL_INTERVAL_S

    def _prune(self) -> None:
        cutoff = datetime.now(UTC) - KEEP_LOG
        with self._db.write.begin() as session:
            session.execute(delete(ChangeLogEntry).where(ChangeLogEntry.at < cutoff))

    # ----------------------------------------------------------------- PostgreSQL
    def _listen(self, stop: threading.Event, on_changes: Callable[[Sequence[Change]], None]) -> None:
        url = make_url(self._db.engine.url)
        conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        first = True
        while not stop.is_set():
            try:
                with psycopg.connect(
                    conninfo,
                    autocommit=True,
                    connect_timeout=CONNECT_TIMEOUT_S,
                    application_name="tuffops-feed",
                    keepalives=1,
                    keepalives_idle=10,
                    keepalives_interval=3,
                    keepalives_count=3,
                ) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    if not first:  # catch up on anything missed while disconnected
                        on_changes([Change("*", None, "reconnect")])
                    first = False
                    self.ready.set()
                    while not stop.is_set():
                        batch = [
                            c
                            for n in conn.notifies(timeout=0.5, stop_after=1)
                            if (c := Change.from_payload(n.channel, n.payload)) is not None
                        ]
                        if batch:
                            on_changes(batch)
            except psycopg.Error:
                log.debug("change feed connection lost", exc_info=True)
                stop.wait(RECONNECT_DELAY_S)
