"""A real SMTP server in the test process (aiosmtpd), configurable per test.

``SmtpServer(tmp_path, tls="starttls", auth=("user", "secret"), refuse={"x@example.com"})``
starts on a free port of 127.0.0.1 (aiosmtpd cannot pick port 0 itself, stack-notes
§11), records every accepted message, and can be stopped and started again on the same
port (the mail server going down and coming back).
"""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 / localhost (key, certificate)."""
    key, cert = folder / "server.key", folder / "server.crt"
    if not cert.exists():
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
    return key, cert


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes


@dataclass
class Recorder:
    """The handler: accepts mail, refuses the listed recipients, optionally slowly."""

    refuse: set[str] = field(default_factory=set)
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, ANN201, N802
        if address.lower() in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        if self.delay:
            time.sleep(self.delay)
        raw = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed, raw))
            number = len(self.received)
        return f"250 2.0.0 Ok: queued as Q{number}"


class SmtpServer:
    """aiosmtpd on 127.0.0.1:``port``.

    Args:
        tls: "none", "starttls" (offered, with a self-signed certificate) or "ssl" (implicit).
        auth: (user, password) the server requires before MAIL FROM; None: no login.
    """

    def __init__(
        self,
        folder: Path,
        *,
        tls: str = "none",
        auth: tuple[str, str] | None = None,
        refuse: set[str] | None = None,
        port: int | None = None,
        delay: float = 0.0,
    ) -> None:
        self.port = port or free_port()
        self.tls = tls
        self.auth = auth
        self.recorder = Recorder(refuse={a.lower() for a in refuse or ()}, delay=delay)
        self.key, self.cert = make_certificate(folder)
        self._controller: Controller | None = None

    @property
    def received(self) -> list[Received]:
        return self.recorder.received

    def client_context(self) -> ssl.SSLContext:
        """A client context that trusts this server's certificate."""
        return ssl.create_default_context(cafile=str(self.cert))

    def _server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(self.cert), str(self.key))
        return context

    def _authenticate(self, server, session, envelope, mechanism, auth_data):  # noqa: ANN001, ANN202
        ok = (
            isinstance(auth_data, LoginPassword)
            and self.auth is not None
            and (auth_data.login.decode(), auth_data.password.decode()) == self.auth
        )
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535

    def start(self) -> SmtpServer:
        kwargs: dict[str, object] = {"hostname": "127.0.0.1", "port": self.port, "server_hostname": "mail.test"}
        if self.tls == "starttls":
            kwargs["tls_context"] = self._server_context()
        elif self.tls == "ssl":
            kwargs["ssl_context"] = self._server_context()
        if self.auth is not None:
            kwargs.update(
                auth_required=True, authenticator=self._authenticate, auth_require_tls=self.tls == "starttls"
            )  # aiosmtpd: implicit TLS counts as none
        controller = Controller(self.recorder, **kwargs)
        if self.tls == "ssl":
            # The controller's readiness probe connects without our CA; trust it for the probe.
            controller._trigger_server = lambda: _probe(self.port, self.client_context())  # noqa: SLF001
        controller.start()
        self._controller = controller
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SmtpServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def _probe(port: int, context: ssl.SSLContext) -> None:
    with (
        socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        tls.recv(1024)
