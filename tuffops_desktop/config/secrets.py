"""Where "Remember me on this computer" keeps passwords: the operating system's keyring.

Windows has its Credential Manager, macOS its Keychain, Linux desktops a Secret Service.
A headless or locked-down machine may have none; then ``KeyringSecretStore`` raises
``SecretStoreUnavailable`` and the sign-in dialog says so and asks for the password each
time. We never fall back to writing the password in a file.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

import keyring
import keyring.errors

from tuffops_desktop.errors import KnownError

log = logging.getLogger(__name__)


class SecretStoreUnavailable(KnownError):
    """This computer has no usable secure password store."""


class SecretStore(Protocol):
    """Secrets by account name; every method may raise ``SecretStoreUnavailable``."""

    def get(self, account: str) -> str | None: ...

    def set(self, account: str, secret: str) -> None: ...

    def delete(self, account: str) -> None: ...


class KeyringSecretStore:
    """The OS keyring through the ``keyring`` package, under one service name."""

    def __init__(self, service: str) -> None:
        self._service = service

    def get(self, account: str) -> str | None:
        try:
            return keyring.get_password(self._service, account)
        except Exception as exc:  # noqa: BLE001 - any backend failure means "no store", never a crash
            raise self._unavailable(exc) from exc

    def set(self, account: str, secret: str) -> None:
        try:
            keyring.set_password(self._service, account, secret)
        except Exception as exc:  # noqa: BLE001
            raise self._unavailable(exc) from exc

    def delete(self, account: str) -> None:
        try:
            keyring.delete_password(self._service, account)
        except keyring.errors.PasswordDeleteError:
            return  # nothing was stored: that is the state we wanted
        except Exception as exc:  # noqa: BLE001
            raise self._unavailable(exc) from exc

    @staticmethod
    def _unavailable(exc: Exception) -> SecretStoreUnavailable:
        if not isinstance(exc, keyring.errors.KeyringError):
            log.warning("keyring backend failed: %s: %s", exc.__class__.__name__, exc)
        return SecretStoreUnavailable("No secure password store on this computer; you will be asked each time.")


class MemorySecretStore:
    """In-memory store for tests (and a stand-in where no keyring may be used)."""

    def __init__(self) -> None:
        self.secrets: dict[str, str] = {}

    def get(self, account: str) -> str | None:
        return self.secrets.get(account)

    def set(self, account: str, secret: str) -> None:
        self.secrets[account] = secret

    def delete(self, account: str) -> None:
        self.secrets.pop(account, None)


# ---------------------------------------------------------------------------- SMTP
SMTP_PASSWORD_ENV = "TUFFOPS_SMTP_PASSWORD"
"""``tuffops notify serve``: the mail server's password in the service's environment."""

SMTP_PASSWORD_FILE_ENV = "TUFFOPS_SMTP_PASSWORD_FILE"
"""``tuffops notify serve``: a file holding the password (e.g. a systemd credential)."""


def smtp_account(user: str, host: str) -> str:
    """The keyring account of the mail server's password on a desktop: one per user and
    server, so changing either never sends an old password to a new server."""
    return f"smtp:{user.strip()}@{host.strip().lower()}"


def smtp_password_for_service(environ: Mapping[str, str], password_file: Path | None = None) -> str | None:
    """The mail server's password of the ``notify serve`` service, or None when none is given.

    In order: the file named on the command line (``--password-file``), the file named
    by ``TUFFOPS_SMTP_PASSWORD_FILE``, the variable ``TUFFOPS_SMTP_PASSWORD``. A file
    holds the password alone; one trailing line break is ignored. A named file that
    cannot be read raises ``SecretStoreUnavailable`` (a service that starts without its
    password would fail every message).
    """
    named = password_file or (Path(environ[SMTP_PASSWORD_FILE_ENV]) if environ.get(SMTP_PASSWORD_FILE_ENV) else None)
    if named is not None:
        try:
            text = named.read_text(encoding="utf-8")
        except OSError as exc:
            raise SecretStoreUnavailable(f"Cannot read the mail password file {named}: {exc.strerror or exc}") from exc
        return text[:-1] if text.endswith("\n") else text
    value = environ.get(SMTP_PASSWORD_ENV)
    return value if value else None
