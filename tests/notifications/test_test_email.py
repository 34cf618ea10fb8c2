"""Settings → E-mail → "Send a test e-mail": a clear message for each way it can fail,
against a real SMTP server configured for it (login required, TLS, a refused recipient)
and a closed port. Nothing is stored either way."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.notifications.smtp_server import SmtpServer, free_port
from tuffops_desktop.db.models import OutboxMessage
from tuffops_desktop.domain.errors import PermissionDenied
from tuffops_desktop.domain.notifications import SmtpProblem, TlsMode
from tuffops_desktop.domain.permissions import Role
from tuffops_desktop.services.mail_sender import DeliveryFailed, MailService, SmtpConfig

USER, PASSWORD = "office", "s3cret-pass"
# aiosmtpd counts implicit TLS (port 465 style) as "no TLS" and warns about the login on it.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def _config(port: int, tls: TlsMode = TlsMode.NONE, user: str = "") -> SmtpConfig:
    return SmtpConfig(
        enabled=True,
        host="127.0.0.1",
        port=port,
        tls_mode=tls,
        user=user,
        from_address="office@coolair.example.com",
        from_name="Cool Air Ltd",
        reply_to="",
        timeout=5,
    )


@pytest.fixture
def mail(services):
    return lambda server=None: MailService(services.ctx, ssl_context=server.client_context() if server else None)


def test_starttls_with_login_delivers_and_names_the_servers_answer(services, mail, tmp_path):
    with SmtpServer(tmp_path, tls="starttls", auth=(USER, PASSWORD)) as server:
        outcome = mail(server).send_test("ann@example.com", PASSWORD, _config(server.port, TlsMode.STARTTLS, USER))
    assert outcome.reply.startswith("250 2.0.0 Ok")
    [got] = server.received
    assert got.message["Message-ID"] == outcome.message_id and got.message["Subject"] == "Test e-mail from Cool Air Ltd"
    with services.ctx.read() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_implicit_ssl_with_login_delivers(mail, tmp_path):
    with SmtpServer(tmp_path, tls="ssl", auth=(USER, PASSWORD)) as server:
        mail(server).send_test("ann@example.com", PASSWORD, _config(server.port, TlsMode.SSL, USER))
    assert len(server.received) == 1


def test_host_unreachable(mail):
    with pytest.raises(DeliveryFailed) as caught:
        mail().send_test("ann@example.com", None, _config(free_port()))
    assert caught.value.problem is SmtpProblem.UNREACHABLE
    assert str(caught.value).startswith("Cannot reach the mail server.") and "connection refused" in str(caught.value)


def test_unknown_host(mail):
    config = _config(587)
    config = SmtpConfig(**{**config.__dict__, "host": "no-such-host.invalid"})
    with pytest.raises(DeliveryFailed) as caught:
        mail().send_test("ann@example.com", None, config)
    assert caught.value.problem is SmtpProblem.UNREACHABLE and "unknown host" in str(caught.value)


def test_tls_failures_untrusted_certificate_no_starttls_and_ssl_on_a_plain_port(mail, tmp_path):
    with SmtpServer(tmp_path, tls="starttls") as server, pytest.raises(DeliveryFailed) as caught:
        mail().send_test("ann@example.com", None, _config(server.port, TlsMode.STARTTLS))  # system trust only
    assert caught.value.problem is SmtpProblem.TLS and "CERTIFICATE_VERIFY_FAILED" in str(caught.value)
    assert str(caught.value).startswith("The secure connection to the mail server failed.")
    with SmtpServer(tmp_path) as server:
        with pytest.raises(DeliveryFailed) as caught:
            mail(server).send_test("ann@example.com", None, _config(server.port, TlsMode.STARTTLS))
        assert caught.value.problem is SmtpProblem.TLS and "does not offer STARTTLS" in str(caught.value)
        with pytest.raises(DeliveryFailed) as caught:
            mail(server).send_test("ann@example.com", None, _config(server.port, TlsMode.SSL))
        assert caught.value.problem is SmtpProblem.TLS
    assert server.received == []


def test_authentication_refused_or_missing(mail, tmp_path):
    with SmtpServer(tmp_path, tls="starttls", auth=(USER, PASSWORD)) as server:
        with pytest.raises(DeliveryFailed) as caught:
            mail(server).send_test("ann@example.com", "wrong", _config(server.port, TlsMode.STARTTLS, USER))
        assert caught.value.problem is SmtpProblem.AUTH
        assert str(caught.value).startswith("The mail server refused the user name or password.")
        assert "535" in str(caught.value)
        with pytest.raises(DeliveryFailed) as caught:  # no user set, but the server requires a login
            mail(server).send_test("ann@example.com", None, _config(server.port, TlsMode.STARTTLS))
        assert caught.value.problem is SmtpProblem.AUTH and "530" in str(caught.value)
        with pytest.raises(DeliveryFailed) as caught:  # a user, but no password stored
            mail(server).send_test("ann@example.com", None, _config(server.port, TlsMode.STARTTLS, USER))
        assert caught.value.problem is SmtpProblem.AUTH and "no password" in str(caught.value)
    assert server.received == []


def test_recipient_refused(mail, tmp_path):
    with SmtpServer(tmp_path, refuse={"nobody@example.com"}) as server, pytest.raises(DeliveryFailed) as caught:
        mail(server).send_test("nobody@example.com", None, _config(server.port))
    assert caught.value.problem is SmtpProblem.RECIPIENT_REFUSED and caught.value.permanent
    assert str(caught.value).startswith("The mail server refused the recipient's address.") and "550" in str(
        caught.value
    )


def test_incomplete_settings_and_bad_address_are_refused_before_connecting(mail):
    config = SmtpConfig(**{**_config(25).__dict__, "host": ""})
    with pytest.raises(DeliveryFailed) as caught:
        mail().send_test("ann@example.com", None, config)
    assert caught.value.problem is SmtpProblem.NOT_CONFIGURED
    with pytest.raises(Exception, match="line break"):
        mail().send_test("ann@example.com\r\nBcc: x@example.com", None, _config(25))


def test_only_settings_editors_may_send_a_test(services, smtp):
    from tests.factories import as_role

    office = as_role(services, Role.OFFICE)
    with pytest.raises(PermissionDenied):
        MailService(office.ctx).send_test("ann@example.com", None, _config(smtp.port))
    assert smtp.received == []
