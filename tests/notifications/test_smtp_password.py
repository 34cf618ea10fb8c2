"""Where the mail server's password comes from: a desktop's keyring (one entry per user
and server), or the service's file or environment; never a setting."""

from __future__ import annotations

import pytest

from tuffops_desktop.config.secrets import (
    MemorySecretStore,
    SecretStoreUnavailable,
    smtp_account,
    smtp_password_for_service,
)
from tuffops_desktop.domain.notifications import TlsMode
from tuffops_desktop.domain.settings import SETTINGS_BY_NAME
from tuffops_desktop.services.mail_sender import SmtpConfig, keyring_password


def _config(user: str, host: str = "smtp.example.com") -> SmtpConfig:
    return SmtpConfig(True, host, 587, TlsMode.STARTTLS, user, "office@example.com", "Co", "")


def test_the_keyring_entry_belongs_to_one_user_and_server():
    store = MemorySecretStore()
    store.set(smtp_account("office", "SMTP.example.com "), "pw")
    source = keyring_password(store)
    assert source(_config("office")) == "pw"
    assert source(_config("office", "other.example.com")) is None  # never an old password to a new server
    assert source(_config("")) is None


def test_no_keyring_means_no_password_not_a_crash():
    class Broken(MemorySecretStore):
        def get(self, account: str) -> str | None:
            raise SecretStoreUnavailable("no keyring")

    assert keyring_password(Broken())(_config("office")) is None


def test_the_service_reads_a_file_first_then_the_environment(tmp_path):
    secret = tmp_path / "pw"
    secret.write_text("from file\n")
    assert smtp_password_for_service({"TUFFOPS_SMTP_PASSWORD": "env"}, secret) == "from file"
    named = {"TUFFOPS_SMTP_PASSWORD_FILE": str(secret), "TUFFOPS_SMTP_PASSWORD": "env"}
    assert smtp_password_for_service(named) == "from file"
    assert smtp_password_for_service({"TUFFOPS_SMTP_PASSWORD": "env"}) == "env"
    assert smtp_password_for_service({}) is None
    with pytest.raises(SecretStoreUnavailable, match="Cannot read the mail password file"):
        smtp_password_for_service({}, tmp_path / "missing")


def test_no_password_setting_exists_and_the_smtp_keys_check_their_values():
    from tuffops_desktop.domain.errors import ValidationError
    from tuffops_desktop.domain.settings import coerce

    assert not [name for name in SETTINGS_BY_NAME if "password" in name]
    assert coerce(SETTINGS_BY_NAME["smtp_tls_mode"], " SSL ") == "ssl"
    for name, bad in (("smtp_port", "0"), ("smtp_tls_mode", "tls"), ("smtp_from", "not an address"),
                      ("smtp_host", "smtp.example.com\r\nX"), ("smtp_reply_to", "a@b")):  # fmt: skip
        with pytest.raises(ValidationError):
            coerce(SETTINGS_BY_NAME[name], bad)
