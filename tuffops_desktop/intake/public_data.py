"""What the public pages show, answered from memory.

Every scan of a sticker asks the same question ("which unit is this, what is the
company called?"), so the listener keeps the answers in memory for a short time
(``ttl_s``) and asks the database only when an answer is missing or old. A unit retired
in the office is refused here within ``ttl_s``; a submission for it is refused by the
database at once.

While the database is down the listener still needs to tell a real sticker from a
made-up code, so it keeps a snapshot of every active unit's public page, refreshed while
the database answers and kept on disk for a restart during an outage. With a snapshot,
an unknown code gets the usual not-found page; only when no snapshot was ever taken does
``lookup`` say ``CANNOT_CHECK`` (the caller may then accept and spool the request).

After a failed call the database is not asked again for ``retry_s`` seconds, so a hung
server costs one timeout, not one per customer.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Final

from tuffops_desktop.errors import DatabaseUnavailable
from tuffops_desktop.services.intake import CompanyInfo, IntakeGateway, PublicUnitPage

log = logging.getLogger("tuffops.intake")

CANNOT_CHECK: Final = "cannot check"  # lookup(): the database is down and no snapshot exists
_MAX_ENTRIES = 50_000


class PublicData:
    def __init__(
        self,
        gateway: IntakeGateway,
        snapshot_path: Path,
        *,
        ttl_s: float = 30.0,
        retry_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._gateway = gateway
        self._path = snapshot_path
        self._ttl = ttl_s
        self._retry = retry_s
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[PublicUnitPage | None, float]] = {}
        self._company: tuple[CompanyInfo, float] | None = None
        self._down_until = 0.0
        self._snapshot: dict[str, PublicUnitPage] | None = self._load_snapshot()

    # ----------------------------------------------------------------- questions
    def lookup(self, guid: str) -> PublicUnitPage | None | str:
        """The active unit's page, None when there is no such unit, or ``CANNOT_CHECK``."""
        now = self._clock()
        entry = self._entries.get(guid)
        if entry is not None and now - entry[1] < self._ttl:
            return entry[0]
        if now >= self._down_until:
            try:
                page = self._gateway.unit_page(guid)
            except DatabaseUnavailable:
                self.database_failed()
            else:
                self._remember(guid, page, now)
                return page
        # The database cannot answer: what was last known of this code, else the snapshot.
        if entry is not None and entry[0] is not None:
            return entry[0]
        snapshot = self._snapshot
        if snapshot is not None:
            return snapshot.get(guid)
        return None if entry is not None else CANNOT_CHECK

    def company(self) -> CompanyInfo:
        now = self._clock()
        cached = self._company
        if cached is not None and (now - cached[1] < self._ttl or now < self._down_until):
            return cached[0]
        if now >= self._down_until:
            try:
                info = self._gateway.company()
            except DatabaseUnavailable:
                self.database_failed()
            else:
                self._company = (info, now)
                return info
        return cached[0] if cached is not None else CompanyInfo(name="Service request", phone="")

    def database_down(self) -> bool:
        """True for ``retry_s`` after a failed call: skip the database, answer from memory."""
        return self._clock() < self._down_until

    def database_failed(self) -> None:
        self._down_until = self._clock() + self._retry

    def forget(self, guid: str) -> None:
        """The database said this unit is gone (retired since it was cached)."""
        with self._lock:
            self._entries.pop(guid, None)
            if self._snapshot is not None and guid in self._snapshot:
                self._snapshot = {g: p for g, p in self._snapshot.items() if g != guid}

    # ----------------------------------------------------------------- snapshot
    def refresh_snapshot(self) -> bool:
        """Take a new snapshot of every active unit's page (while the database answers)."""
        if self.database_down():
            return False
        try:
            pages = self._gateway.all_unit_pages()
        except DatabaseUnavailable:
            self.database_failed()
            return False
        snapshot = {page.guid: page for page in pages}
        if snapshot != self._snapshot:
            self._snapshot = snapshot
            self._save_snapshot(snapshot)
        return True

    def _load_snapshot(self) -> dict[str, PublicUnitPage] | None:
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
            return {guid: PublicUnitPage(guid, label, name) for guid, (label, name) in data["units"].items()}
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("ignoring an unreadable unit snapshot at %s", self._path)
            return None

    def _save_snapshot(self, snapshot: dict[str, PublicUnitPage]) -> None:
        data = {"units": {guid: [page.label, page.customer_name] for guid, page in snapshot.items()}}
        tmp = self._path.with_name(f".{self._path.name}.{uuid.uuid4().hex}.tmp")
        try:
            with open(tmp, "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False, separators=(",", ":"))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self._path)
        except OSError:
            log.exception("could not write the unit snapshot to %s", self._path)
            tmp.unlink(missing_ok=True)

    def _remember(self, guid: str, page: PublicUnitPage | None, now: float) -> None:
        with self._lock:
            if len(self._entries) >= _MAX_ENTRIES:  # a flood of made-up codes: start over
                self._entries = {}
            self._entries[guid] = (page, now)
