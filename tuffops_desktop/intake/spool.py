"""Durable local spool: a customer's request is never lost, even with the database down.

Each submission is written to its own file (written to a temporary name, flushed and
fsync'd, then renamed into place), so a crash or ``kill -9`` leaves either the whole
submission or nothing. A delivery loop inserts spooled submissions when the database is
back and deletes each file only after its insert committed. Re-delivery after a crash
between the two is harmless: the submission key is unique, so it lands exactly once.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class SpooledSubmission:
    submission_key: str
    guid: str
    request: str
    schedule_at: str
    schedule_time: str
    contact_info: str
    received_at: str  # ISO 8601, UTC


class Spool:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "rejected").mkdir(exist_ok=True)

    def put(self, item: SpooledSubmission) -> Path:
        target = self.folder / f"{item.submission_key}.json"
        tmp = self.folder / f".{item.submission_key}.{uuid.uuid4().hex}.tmp"
        data = json.dumps(asdict(item), ensure_ascii=False).encode("utf-8")
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
        _fsync_folder(self.folder)
        return target

    def pending(self) -> list[tuple[Path, SpooledSubmission]]:
        items = []
        for path in sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                items.append((path, SpooledSubmission(**data)))
            except (ValueError, TypeError, OSError):
                self._reject(path)
        return items

    def deliver(self, insert: Callable[[SpooledSubmission], bool]) -> int:
        """Offer every pending submission to ``insert``; returns how many were delivered.

        ``insert`` returns True when the submission is in the database (or already was),
        False when it can never be (its unit vanished): that file moves to ``rejected/``
        for a person to look at. An exception (database still down) stops the round.
        """
        delivered = 0
        for path, item in self.pending():
            if insert(item):
                path.unlink(missing_ok=True)
                delivered += 1
            else:
                self._reject(path)
        if delivered:
            _fsync_folder(self.folder)
        return delivered

    def _reject(self, path: Path) -> None:
        os.replace(path, self.folder / "rejected" / path.name)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable where the platform allows it (not on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
