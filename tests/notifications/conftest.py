"""Fixtures of the notification tests: a real SMTP server and the E-mail settings."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.notifications.smtp_server import SmtpServer


@pytest.fixture
def smtp(tmp_path) -> Iterator[SmtpServer]:
    """A plain SMTP server (no TLS, no login) that accepts everything."""
    with SmtpServer(tmp_path) as server:
        yield server


def use_smtp(services, server: SmtpServer, **overrides: object) -> None:
    """Point the E-mail settings at ``server`` and switch sending on."""
    values: dict[str, object] = {
        "smtp_enabled": True,
        "smtp_host": "127.0.0.1",
        "smtp_port": server.port,
        "smtp_tls_mode": "none",
        "smtp_user": "",
        "smtp_from": "office@coolair.example.com",
        "smtp_reply_to": "help@coolair.example.com",
        "company_name": "Cool Air Ltd",
    }
    values.update(overrides)
    services.settings.update(values)
