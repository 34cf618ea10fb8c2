"""Where things live on disk, on Windows and elsewhere.

Per-user data (the embedded SQLite database, the intake spool, logs) goes in the platform's
user data folder (``%LOCALAPPDATA%\\TuffOps\\TuffOps Desktop`` on Windows). ``TUFFOPS_DATA_DIR``
overrides it (portable installs, tests). Bundled read-only files (migrations, fonts,
layouts) come from the source tree or, in the frozen app, from PyInstaller's folder.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from tuffops_desktop import APP_NAME, ORG_NAME


def install_root() -> Path:
    """Folder holding ``migrations/`` and ``resources/`` (source checkout or frozen bundle)."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parents[2]


def migrations_dir() -> Path:
    return install_root() / "migrations"


def user_data_dir() -> Path:
    """Per-user writable folder; created on first use."""
    override = os.environ.get("TUFFOPS_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, ORG_NAME))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database_path() -> Path:
    """The embedded single-PC database file (it may not exist yet)."""
    return user_data_dir() / "tuffops.sqlite3"


def default_database_url() -> str:
    """The embedded single-PC database: an SQLite file in the user data folder."""
    return f"sqlite:///{default_database_path().as_posix()}"
