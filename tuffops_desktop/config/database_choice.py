"""Which database the desktop app opens on this computer, remembered between starts.

The first-run wizard asks once: **This computer only** (an embedded SQLite file in the
user's data folder) or **Office server** (PostgreSQL: host, port, database, user). The
choice is kept in this computer's preferences (``config/local.py``) *without* the
password; an office server's password lives in the OS keyring (``config/secrets.py``),
or, on a computer without one, is asked at each start. ``--database-url`` and
``TUFFOPS_DATABASE_URL`` still override all of this.

A computer that has never been through the wizard but already has the default embedded
database (``./dev.sh app``, ``tuffops demo``, an earlier version of the app) is treated
as having chosen "This computer only": the wizard is only for a first start.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL

from tuffops_desktop.config.local import LocalConfig
from tuffops_desktop.config.paths import default_database_path

log = logging.getLogger(__name__)

PREFERENCE_KEY = "database"
DEFAULT_PORT = 5432
DEFAULT_NAME = "tuffops"


@dataclass(frozen=True)
class EmbeddedChoice:
    """This computer only: an SQLite file."""

    path: Path

    def url(self, password: str | None = None) -> str:
        return f"sqlite:///{self.path.as_posix()}"

    @property
    def label(self) -> str:
        return f"This computer only · {self.path}"


@dataclass(frozen=True)
class ServerChoice:
    """The office PostgreSQL server; the password is never part of it."""

    host: str
    port: int = DEFAULT_PORT
    database: str = DEFAULT_NAME
    user: str = DEFAULT_NAME

    def url(self, password: str | None = None) -> str:
        return URL.create(
            "postgresql+psycopg",
            username=self.user,
            password=password or None,
            host=self.host,
            port=self.port,
            database=self.database,
        ).render_as_string(hide_password=False)

    @property
    def secret_account(self) -> str:
        """The keyring entry holding this connection's password."""
        return f"database:{self.user}@{self.host}:{self.port}/{self.database}"

    @property
    def label(self) -> str:
        return f"Office server · {self.user}@{self.host}:{self.port}/{self.database}"

    def problems(self) -> dict[str, str]:
        """Field name → what is wrong (empty when the choice can be tried)."""
        errors: dict[str, str] = {}
        if not self.host or any(c.isspace() for c in self.host) or "/" in self.host:
            errors["host"] = "Enter the server's name or IP address (for example office-server or 192.168.1.10)."
        if not 1 <= self.port <= 65535:
            errors["port"] = "The port is a number from 1 to 65535 (PostgreSQL's usual port is 5432)."
        if not self.database or any(c.isspace() for c in self.database):
            errors["database"] = "Enter the database name (usually tuffops)."
        if not self.user or any(c.isspace() for c in self.user):
            errors["user"] = "Enter the database user name your administrator gave you."
        return errors


DatabaseChoice = EmbeddedChoice | ServerChoice


def default_embedded() -> EmbeddedChoice:
    return EmbeddedChoice(default_database_path())


def remembered(local: LocalConfig) -> DatabaseChoice | None:
    """The choice saved on this computer, or None (a damaged entry counts as none)."""
    value: Any = local.get(PREFERENCE_KEY)
    if not isinstance(value, dict):
        return None
    try:
        if value.get("kind") == "embedded":
            return EmbeddedChoice(Path(str(value["path"])))
        if value.get("kind") == "server":
            return ServerChoice(
                host=str(value["host"]),
                port=int(value.get("port", DEFAULT_PORT)),
                database=str(value.get("database", DEFAULT_NAME)),
                user=str(value.get("user", DEFAULT_NAME)),
            )
    except (KeyError, TypeError, ValueError):
        log.warning("ignoring an unreadable remembered database choice: %r", value)
    return None


def remember(local: LocalConfig, choice: DatabaseChoice) -> None:
    """Save the choice (never a password) for the next start."""
    if isinstance(choice, EmbeddedChoice):
        local.set(PREFERENCE_KEY, {"kind": "embedded", "path": str(choice.path)})
    else:
        local.set(
            PREFERENCE_KEY,
            {
                "kind": "server",
                "host": choice.host,
                "port": choice.port,
                "database": choice.database,
                "user": choice.user,
            },
        )


def startup_choice(local: LocalConfig) -> DatabaseChoice | None:
    """What to open when no address was given: the remembered choice; else the default
    embedded database if it already exists; else None (the wizard asks)."""
    choice = remembered(local)
    if choice is not None:
        return choice
    embedded = default_embedded()
    return embedded if embedded.path.is_file() else None
