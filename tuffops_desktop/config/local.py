"""Preferences of this computer only (not shared through the database).

Today that is the last user name typed at sign-in. The file is small JSON in the user's
data folder; a missing or damaged file simply means "no preferences yet".
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from tuffops_desktop.config.paths import user_data_dir

log = logging.getLogger(__name__)

FILE_NAME = "local-preferences.json"


class LocalConfig:
    """A tiny key → JSON value store backed by one file."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._values: dict[str, Any] = self._read()

    @classmethod
    def default(cls) -> LocalConfig:
        """The preferences file in this user's data folder."""
        return cls(user_data_dir() / FILE_NAME)

    @property
    def path(self) -> Path:
        return self._path

    def get(self, key: str, default: Any = None) -> Any:
        return self._values.get(key, default)

    def set(self, key: str, value: Any) -> None:
        """Remember ``value``; a write failure is logged, never raised (preferences are optional)."""
        self._values[key] = value
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            temp = self._path.with_name(self._path.name + ".tmp")
            with temp.open("w", encoding="utf-8") as out:
                json.dump(self._values, out, ensure_ascii=False, indent=2)
            os.replace(temp, self._path)
        except OSError as exc:
            log.warning("cannot save local preferences to %s: %s", self._path, exc)

    def _read(self) -> dict[str, Any]:
        try:
            with self._path.open("r", encoding="utf-8") as source:
                data = json.load(source)
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable local preferences %s: %s", self._path, exc)
            return {}
        return data if isinstance(data, dict) else {}
