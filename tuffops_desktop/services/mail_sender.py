"""The sender: delivers what the outbox holds, over SMTP, and records what happened.

``MailSender.send_due(limit)`` is one pass: it claims due rows, renders each (the
templates of ``services/notification_render.py``), hands it to the mail server and
marks it ``sent`` with the server's answer, or ``failed`` with the error and the time of
the next attempt (``domain.notifications.BACKOFF``), giving up after ``MAX_ATTEMPTS``
or at once when the server refuses the message for good (a 5xx answer). It runs:

* in the desktop apps: ``SenderLoop`` on the task runner, woken by the change feed;
* as ``tuffops notify serve`` on the office server (its own database role, see
  ``grant_sender_role``) and ``tuffops notify send`` (one pass, for a scheduled task);
* never in the public intake listener.

**Claiming.** One statement moves a batch of due rows to ``sending`` with this sender's
name and a lease (``claimed_until``): ``UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP
LOCKED)`` on PostgreSQL, so two senders never take the same row; SQLite has one writer
at a time, which gives the same. A sender that dies leaves its rows ``sending`` until
the lease runs out; then another sender reclaims them. The row's Message-ID is fixed at
its first claim.

**Guarantee: at least once, never two different messages for one row.** Between the
server's "250 accepted" and the commit that marks the row sent there is a window: a
sender killed there (or one whose lease ran out while the server was slow) leaves the
row to be sent again. The second copy carries the same Message-ID (and Date, From,
Subject), which receivers use to recognise a duplicate. A message is never lost: a row
leaves ``sending`` only by being marked.
"""

from __future__ import annotations

import logging
import os
import smtplib
import socket
import ssl
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.policy import SMTPUTF8 as SMTPUTF8_POLICY
from email.utils import format_datetime, formataddr
from typing import Any, Protocol

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from tuffops_desktop.config.secrets import SecretStore, SecretStoreUnavailable, smtp_account
from tuffops_desktop.db.base import table_of
from tuffops_desktop.db.engine import SessionFactories
from tuffops_desktop.db.models import OutboxMessage
from tuffops_desktop.domain.errors import DomainError, ValidationError
from tuffops_desktop.domain.notifications import (
    LEASE,
    MAX_AGE,
    MAX_ATTEMPTS,
    Event,
    OutboxStatus,
    SmtpProblem,
    TlsMode,
    check_recipients,
    domain_of,
    has_header_break,
    message_id_for,
    next_attempt_at,
)
from tuffops_desktop.domain.permissions import P
from tuffops_desktop.services import changes as change_feed
from tuffops_desktop.services.context import Actor, ServiceContext
from tuffops_desktop.services.guard import requires
from tuffops_desktop.services.notification_render import render_outbox_row
from tuffops_desktop.services.settings import read_setting

log = logging.getLogger("tuffops.mail")

SENDER_ACTOR = Actor(user_id=None, username="mail sender", full_name="Mail sender")
SMTP_TIMEOUT_S = 20.0
_TABLE = table_of(OutboxMessage)


# ----------------------------------------------------------------------------- config
@dataclass(frozen=True)
class SmtpConfig:
    """The mail server settings (Settings → E-mail) as the sender uses them."""

    enabled: bool
    host: str
    port: int
    tls_mode: TlsMode
    user: str
    from_address: str
    from_name: str
    reply_to: str
    timeout: float = SMTP_TIMEOUT_S

    @property
    def problem(self) -> str:
        """Why nothing can be sent with these settings ("" when they are complete)."""
        if not self.host:
            return "No mail server is set (Settings → E-mail)."
        if not self.from_address:
            return "No From address is set (Settings → E-mail)."
        return ""


def read_smtp_config(session: Session) -> SmtpConfig:
    """The E-mail settings inside an open transaction."""
    return SmtpConfig(
        enabled=bool(read_setting(session, "smtp_enabled")),
        host=str(read_setting(session, "smtp_host")).strip(),
        port=int(read_setting(session, "smtp_port")),
        tls_mode=TlsMode(read_setting(session, "smtp_tls_mode")),
        user=str(read_setting(session, "smtp_user")).strip(),
        from_address=str(read_setting(session, "smtp_from")).strip(),
        from_name=str(read_setting(session, "company_name")).strip(),
        reply_to=str(read_setting(session, "smtp_reply_to")).strip(),
    )


PasswordSource = Callable[[SmtpConfig], str | None]
"""Where the password comes from: the keyring (desktops) or the service's environment."""


def no_password(_config: SmtpConfig) -> str | None:
    return None


def keyring_password(store: SecretStore) -> PasswordSource:
    """The desktop's password source: the keyring entry of the configured user and host
    (``config/secrets.smtp_account``); None when there is none or no keyring at all (the
    login then fails with "no password is stored for this user")."""

    def read(config: SmtpConfig) -> str | None:
        if not config.user:
            return None
        try:
            return store.get(smtp_account(config.user, config.host))
        except SecretStoreUnavailable:
            return None

    return read


# ----------------------------------------------------------------------------- errors
class DeliveryFailed(DomainError):
    """An attempt to hand a message to the mail server failed.

    Attributes:
        problem: what kind of failure (its ``advice`` is the first sentence of the message).
        detail: the server's answer or the network error.
        permanent: the server refused for good (5xx): trying again will not help.
        connection: the connection itself failed: the rest of a batch would fail the same way.
    """

    def __init__(
        self, problem: SmtpProblem, detail: str = "", *, permanent: bool = False, connection: bool = False
    ) -> None:
        self.problem = problem
        self.detail = detail.strip()
        self.permanent = permanent
        self.connection = connection
        super().__init__(f"{problem.advice} ({self.detail})" if self.detail else problem.advice)


def _reply_text(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {' '.join(text.split())}".strip()


def _network_text(exc: BaseException) -> str:
    if isinstance(exc, socket.gaierror):
        return f"unknown host: {exc.strerror or exc}"
    if isinstance(exc, TimeoutError | socket.timeout):
        return "no answer (timed out)"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__


# ----------------------------------------------------------------------------- SMTP
@dataclass(frozen=True)
class Accepted:
    """The server took the message: its answer to DATA, and recipients it refused."""

    reply: str
    refused: dict[str, str] = field(default_factory=dict)


class SmtpConnection:
    """One session with the mail server: connect, secure, log in, send messages, quit.

    Every failure is raised as ``DeliveryFailed`` with the kind of problem named.
    """

    def __init__(self, config: SmtpConfig, password: str | None, *, ssl_context: ssl.SSLContext | None = None):
        self._config = config
        self._password = password
        self._context = ssl_context
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpConnection:
        self.open()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def open(self) -> None:
        config = self._config
        context = self._context or ssl.create_default_context()
        try:
            if config.tls_mode is TlsMode.SSL:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=context)
            else:
                smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
        except ssl.SSLError as exc:
            raise DeliveryFailed(SmtpProblem.TLS, exc.reason or str(exc), connection=True) from exc
        except smtplib.SMTPConnectError as exc:
            raise DeliveryFailed(
                SmtpProblem.UNREACHABLE, _reply_text(exc.smtp_code, exc.smtp_error), connection=True
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryFailed(SmtpProblem.UNREACHABLE, _network_text(exc), connection=True) from exc
        self._smtp = smtp
        try:
            smtp.ehlo()
            if config.tls_mode is TlsMode.STARTTLS:
                if not smtp.has_extn("starttls"):
                    raise DeliveryFailed(
                        SmtpProblem.TLS, "the server does not offer STARTTLS on this port", connection=True
                    )
                code, reply = smtp.starttls(context=context)
                if code != 220:
                    raise DeliveryFailed(SmtpProblem.TLS, _reply_text(code, reply), connection=True)
                smtp.ehlo()
            if config.user:
                self._login(smtp)
        except DeliveryFailed:
            self.close()
            raise
        except ssl.SSLError as exc:
            self.close()
            raise DeliveryFailed(SmtpProblem.TLS, exc.reason or str(exc), connection=True) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise DeliveryFailed(SmtpProblem.UNREACHABLE, _network_text(exc), connection=True) from exc

    def _login(self, smtp: smtplib.SMTP) -> None:
        if not smtp.has_extn("auth"):
            hint = " (choose STARTTLS or SSL)" if self._config.tls_mode is TlsMode.NONE else ""
            raise DeliveryFailed(
                SmtpProblem.AUTH, f"the server offers no login on this connection{hint}", connection=True
            )
        if not self._password:
            raise DeliveryFailed(SmtpProblem.AUTH, "no password is stored for this user", connection=True)
        # One mechanism, the first the server offers of PLAIN, LOGIN, CRAM-MD5 (smtplib's
        # ``login`` would try each in turn after a refusal, and some servers then hang up).
        offered = (smtp.esmtp_features.get("auth") or "").upper().split()
        mechanism = next((m for m in ("PLAIN", "LOGIN", "CRAM-MD5") if m in offered), None)
        if mechanism is None:
            raise DeliveryFailed(
                SmtpProblem.AUTH, f"the server offers no login method we know ({' '.join(offered)})", connection=True
            )
        smtp.user, smtp.password = self._config.user, self._password
        methods: dict[str, Any] = {"PLAIN": smtp.auth_plain, "LOGIN": smtp.auth_login, "CRAM-MD5": smtp.auth_cram_md5}
        method = methods[mechanism]
        try:
            code, reply = smtp.auth(mechanism, method, initial_response_ok=True)
            if code not in (235, 503):
                raise smtplib.SMTPAuthenticationError(code, reply)
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryFailed(SmtpProblem.AUTH, _reply_text(exc.smtp_code, exc.smtp_error), connection=True) from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise DeliveryFailed(SmtpProblem.AUTH, str(exc), connection=True) from exc

    def send(self, message: EmailMessage, sender: str, recipients: Sequence[str]) -> Accepted:
        """Hand one message over: MAIL FROM, RCPT TO each recipient, DATA."""
        smtp = self._smtp
        if smtp is None:
            raise DeliveryFailed(SmtpProblem.UNREACHABLE, "not connected", connection=True)
        international = not all(address.isascii() for address in (sender, *recipients))
        if international and not smtp.has_extn("smtputf8"):
            raise DeliveryFailed(
                SmtpProblem.RECIPIENT_REFUSED,
                "the mail server does not take addresses with non-ASCII letters (no SMTPUTF8)",
                permanent=True,
            )
        try:
            code, reply = smtp.mail(sender, ["SMTPUTF8"] if international else [])
            if code != 250:
                smtp.rset()
                text = _reply_text(code, reply)
                if code in (530, 535, 538):
                    raise DeliveryFailed(SmtpProblem.AUTH, text, connection=True)
                raise DeliveryFailed(SmtpProblem.SENDER_REFUSED, text, permanent=code >= 500)
            refused: dict[str, str] = {}
            permanent = True
            for address in recipients:
                code, reply = smtp.rcpt(address)
                if code not in (250, 251):
                    refused[address] = _reply_text(code, reply)
                    permanent = permanent and code >= 500
            if len(refused) == len(recipients):
                smtp.rset()
                detail = "; ".join(f"{a}: {r}" for a, r in refused.items())
                raise DeliveryFailed(SmtpProblem.RECIPIENT_REFUSED, detail, permanent=permanent)
            code, reply = smtp.data(message.as_bytes(policy=SMTPUTF8_POLICY if international else SMTP_POLICY))
            if code != 250:
                raise DeliveryFailed(SmtpProblem.REJECTED, _reply_text(code, reply), permanent=code >= 500)
            return Accepted(_reply_text(code, reply), refused)
        except DeliveryFailed:
            raise
        except UnicodeError as exc:  # an address this server cannot take (no SMTPUTF8)
            self._reset()
            raise DeliveryFailed(SmtpProblem.RECIPIENT_REFUSED, str(exc), permanent=True) from exc
        except ssl.SSLError as exc:
            self.close()
            raise DeliveryFailed(SmtpProblem.TLS, exc.reason or str(exc), connection=True) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise DeliveryFailed(SmtpProblem.UNREACHABLE, _network_text(exc), connection=True) from exc

    def _reset(self) -> None:
        """Abandon the message in hand and keep the connection for the next (RSET)."""
        if self._smtp is None:
            return
        try:
            self._smtp.rset()
        except (OSError, smtplib.SMTPException):
            self.close()

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()

    @property
    def is_open(self) -> bool:
        return self._smtp is not None


# ----------------------------------------------------------------------------- rendering
class Rendered(Protocol):
    """A rendered message (``domain.notification_templates.RenderedMessage``)."""

    @property
    def subject(self) -> str: ...

    @property
    def text(self) -> str: ...

    @property
    def html(self) -> str: ...

    @property
    def attachments(self) -> Sequence[tuple[str, bytes, str]]: ...


@dataclass(frozen=True)
class PlainMessage:
    subject: str
    text: str
    html: str = ""
    attachments: Sequence[tuple[str, bytes, str]] = ()


Renderer = Callable[[Session, OutboxMessage], Rendered]
"""Turns an outbox row into a message, inside a read transaction."""


def plain_render(session: Session, row: OutboxMessage) -> Rendered:
    """The built-in rendering: the test e-mail, and any row when no template applies.

    The subject is the context's ``subject`` or the event's name; the body lists the
    context's values. Never customer-facing prose, but always readable.
    """
    company = str(read_setting(session, "company_name"))
    context = row.context or {}
    event = Event(row.event)
    subject = str(context.get("subject") or f"{event.label} — {company}")
    body = str(context.get("text") or "")
    if not body:
        body = "\n".join(f"{key}: {value}" for key, value in context.items() if key != "subject")
    return PlainMessage(subject=subject, text=f"{body}\n\n{company}\n".lstrip())


def default_renderer() -> Renderer:
    """The templates (``services/notification_render.render_outbox_row``): the office's
    template or the default, with the attached PDF made now."""
    return render_outbox_row


def build_message(
    rendered: Rendered, config: SmtpConfig, recipients: Sequence[str], message_id: str, date: datetime
) -> EmailMessage:
    """The MIME message: plain text, HTML alternative, attachments; headers from settings
    and the rendered subject only (a line break anywhere is refused by ``email``)."""
    subject = rendered.subject
    if has_header_break(subject):
        raise DeliveryFailed(SmtpProblem.RENDER, "the subject contains a line break", permanent=True)
    message = EmailMessage(policy=SMTP_POLICY)
    message["From"] = formataddr((config.from_name, config.from_address)) if config.from_name else config.from_address
    message["To"] = ", ".join(recipients)
    if config.reply_to:
        message["Reply-To"] = config.reply_to
    message["Subject"] = subject
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies back to us
    message.set_content(rendered.text)
    if rendered.html:
        message.add_alternative(rendered.html, subtype="html")
    for name, data, mime in rendered.attachments:
        maintype, _, subtype = mime.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype or "octet-stream", filename=name)
    return message


# ----------------------------------------------------------------------------- sender
@dataclass
class SendReport:
    """What one pass did."""

    claimed: int = 0
    sent: int = 0
    retrying: int = 0  # failed, tried again later
    gave_up: int = 0  # failed for good (the Outbox page shows them)
    expired: int = 0
    lost_lease: int = 0  # sent, but another sender had reclaimed the row meanwhile
    skipped: str = ""  # why nothing was tried (sending disabled, settings incomplete)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.skipped:
            return f"nothing sent: {self.skipped}"
        parts = [f"{self.sent} sent"]
        if self.retrying:
            parts.append(f"{self.retrying} to retry")
        if self.gave_up:
            parts.append(f"{self.gave_up} failed")
        if self.expired:
            parts.append(f"{self.expired} expired")
        return ", ".join(parts)


@dataclass(frozen=True)
class _Claimed:
    id: int
    attempts: int
    message_id: str


def sender_name() -> str:
    """A name unique to this sender process (host, pid, random), stored in ``claimed_by``."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class MailSender:
    """Delivers due outbox rows; one instance per sending thread or process.

    Args:
        db: the database (its own engine: a sender never shares a session with the UI).
        password: where the SMTP password comes from (asked once per pass).
        clock: now (tests move it forward to pass the back-off and leases).
        renderer: row → message (default: the templates, ``default_renderer``).
        batch: rows per claim; ``lease``: how long a claim holds.
        ssl_context: TLS trust (default: the system's certificate store).
        after_accept: called with the outbox id after the server accepted a message and
            before the row is marked (tests use it to kill the sender in that window).
    """

    def __init__(
        self,
        db: SessionFactories,
        *,
        password: PasswordSource = no_password,
        clock: Callable[[], datetime] | None = None,
        renderer: Renderer | None = None,
        name: str | None = None,
        batch: int = 10,
        lease: timedelta = LEASE,
        ssl_context: ssl.SSLContext | None = None,
        after_accept: Callable[[int], None] | None = None,
    ) -> None:
        self._ctx = (
            ServiceContext(db=db, actor=SENDER_ACTOR)
            if clock is None
            else ServiceContext(db=db, actor=SENDER_ACTOR, clock=clock)
        )
        self._password = password
        self._renderer = renderer or default_renderer()
        self.name = name or sender_name()
        self._batch = max(1, batch)
        self._lease = lease
        self._ssl_context = ssl_context
        self._after_accept = after_accept

    def send_due(self, limit: int = 100) -> SendReport:
        """Send up to ``limit`` due messages; returns what happened."""
        report = SendReport()
        with self._ctx.read() as session:
            config = read_smtp_config(session)
        if not config.enabled:
            report.skipped = "sending e-mail is switched off (Settings → E-mail)"
            return report
        if config.problem:
            report.skipped = config.problem
            return report
        report.expired = self._expire_old()
        connection: SmtpConnection | None = None
        try:
            while report.claimed < limit:
                claimed = self._claim(min(self._batch, limit - report.claimed), config)
                if not claimed:
                    break
                report.claimed += len(claimed)
                connection = self._deliver(claimed, config, connection, report)
        finally:
            if connection is not None:
                connection.close()
        return report

    # -- claim ---------------------------------------------------------------
    @staticmethod
    def _due(now: datetime, table: Any = _TABLE) -> Any:
        """Due rows: queued or failed with their time come, or sending with a stale lease."""
        t = table.c
        return or_(
            and_(
                t.status.in_((OutboxStatus.QUEUED.value, OutboxStatus.FAILED.value)),
                t.next_attempt_at.is_not(None),
                t.next_attempt_at <= now,
            ),
            and_(t.status == OutboxStatus.SENDING.value, t.claimed_until < now),
        )

    def _claim(self, count: int, config: SmtpConfig) -> list[_Claimed]:
        """Move up to ``count`` due rows to ``sending`` under this sender's name."""
        t = _TABLE.c
        with self._ctx.write() as session:
            now = self._ctx.now()
            # A row whose senders died MAX_ATTEMPTS times while sending it is given up.
            stuck = session.execute(
                update(_TABLE)
                .where(
                    t.status == OutboxStatus.SENDING.value,
                    t.claimed_until < now,
                    t.attempts >= MAX_ATTEMPTS,
                )
                .values(
                    status=OutboxStatus.FAILED.value,
                    next_attempt_at=None,
                    claimed_until=None,
                    last_error=f"Gave up: the sender stopped {MAX_ATTEMPTS} times while sending it.",
                    updated_at=now,
                )
                .returning(t.id)
            ).all()
            for (row_id,) in stuck:
                change_feed.publish(session, "outbox", row_id, "update")
            # A separate alias, so the subquery is not correlated with the UPDATE's table.
            pick = _TABLE.alias("pick")
            candidates = (
                select(pick.c.id)
                .where(self._due(now, pick), pick.c.attempts < MAX_ATTEMPTS)
                .order_by(pick.c.next_attempt_at, pick.c.id)
                .limit(count)
            )
            if session.get_bind().dialect.name == "postgresql":
                # A materialised CTE: the rows are picked (and locked, skipping those another
                # sender holds) once; a plain IN (subquery) may be re-run by the planner.
                picked = candidates.with_for_update(skip_locked=True).cte("picked").prefix_with("MATERIALIZED")
                claim = update(_TABLE).where(t.id == picked.c.id, self._due(now))
            else:
                claim = update(_TABLE).where(t.id.in_(candidates.scalar_subquery()), self._due(now))
            rows = session.execute(
                claim.values(
                    status=OutboxStatus.SENDING.value,
                    claimed_by=self.name,
                    claimed_until=now + self._lease,
                    attempts=t.attempts + 1,
                    updated_at=now,
                ).returning(t.id, t.attempts, t.message_id, t.token)
            ).all()
            domain = domain_of(config.from_address)
            claimed: list[_Claimed] = []
            for row_id, attempts, message_id, token in sorted(rows):
                if message_id is None:  # the first claim fixes it for every later attempt
                    message_id = message_id_for(row_id, domain, token)
                    session.execute(update(_TABLE).where(t.id == row_id).values(message_id=message_id))
                claimed.append(_Claimed(row_id, attempts, message_id))
                change_feed.publish(session, "outbox", row_id, "update")
        return claimed

    def _expire_old(self) -> int:
        """Rows that waited longer than ``MAX_AGE`` without being sent are not sent any more."""
        t = _TABLE.c
        with self._ctx.write() as session:
            now = self._ctx.now()
            rows = session.execute(
                update(_TABLE)
                .where(
                    t.status.in_((OutboxStatus.QUEUED.value, OutboxStatus.FAILED.value)),
                    t.next_attempt_at.is_not(None),
                    t.updated_at < now - MAX_AGE,
                )
                .values(
                    status=OutboxStatus.FAILED.value,
                    next_attempt_at=None,
                    last_error=SmtpProblem.EXPIRED.advice,
                    updated_at=now,
                )
                .returning(t.id)
            ).all()
            for (row_id,) in rows:
                change_feed.publish(session, "outbox", row_id, "update")
        return len(rows)

    # -- deliver -------------------------------------------------------------
    def _deliver(
        self,
        claimed: list[_Claimed],
        config: SmtpConfig,
        connection: SmtpConnection | None,
        report: SendReport,
    ) -> SmtpConnection | None:
        prepared = self._prepare(claimed, config)
        for index, item in enumerate(claimed):
            failure: DeliveryFailed | None = None
            try:
                entry = prepared[item.id]
                if isinstance(entry, DeliveryFailed):
                    raise entry
                recipients, message = entry
                if connection is None or not connection.is_open:
                    connection = SmtpConnection(config, self._password(config), ssl_context=self._ssl_context)
                    connection.open()
                accepted = connection.send(message, config.from_address, recipients)
            except DeliveryFailed as exc:
                failure = exc
            except Exception as exc:  # noqa: BLE001 - a bug must not stop the pass or leave the row claimed
                log.exception("sending outbox message %s failed unexpectedly", item.id)
                failure = DeliveryFailed(SmtpProblem.OTHER, f"{type(exc).__name__}: {exc}")
                if connection is not None:
                    connection.close()  # its state is unknown
            if failure is not None:
                self._mark_failed(item, failure, report)
                if failure.connection:
                    # The server is down or refuses us: the rest of the batch would fail the
                    # same way; each gets the same attempt and back-off.
                    for rest in claimed[index + 1 :]:
                        self._mark_failed(rest, failure, report)
                    if connection is not None:
                        connection.close()
                    return None
                continue
            if self._after_accept is not None:
                self._after_accept(item.id)
            self._mark_sent(item, accepted, str(message["Subject"]), report)
        return connection

    def _prepare(
        self, claimed: list[_Claimed], config: SmtpConfig
    ) -> dict[int, tuple[tuple[str, ...], EmailMessage] | DeliveryFailed]:
        """Recipients and MIME message of each claimed row (or why it cannot be sent),
        rendered in one read transaction for the batch."""
        result: dict[int, tuple[tuple[str, ...], EmailMessage] | DeliveryFailed] = {
            item.id: DeliveryFailed(SmtpProblem.OTHER, "the row disappeared", permanent=True) for item in claimed
        }
        with self._ctx.read() as session:
            rows = session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_([i.id for i in claimed])))
            by_id = {row.id: row for row in rows}
            for item in claimed:
                row = by_id.get(item.id)
                if row is not None:
                    result[item.id] = self._prepare_one(session, row, item, config)
        return result

    def _prepare_one(
        self, session: Session, row: OutboxMessage, item: _Claimed, config: SmtpConfig
    ) -> tuple[tuple[str, ...], EmailMessage] | DeliveryFailed:
        try:
            recipients = check_recipients(list(row.recipients or ()))
        except ValidationError as exc:
            return DeliveryFailed(SmtpProblem.RECIPIENT_REFUSED, str(exc), permanent=True)
        try:
            rendered = self._renderer(session, row)
        except DeliveryFailed as failure:
            return failure
        except Exception as exc:  # noqa: BLE001 - a template or document failure is this row's, not the loop's
            log.exception("rendering outbox message %s failed", item.id)
            return DeliveryFailed(SmtpProblem.RENDER, str(exc), permanent=True)
        try:
            return recipients, build_message(rendered, config, recipients, item.message_id, row.created_at)
        except DeliveryFailed as failure:
            return failure
        except (ValueError, TypeError) as exc:
            return DeliveryFailed(SmtpProblem.RENDER, str(exc), permanent=True)

    def _mark_sent(self, item: _Claimed, accepted: Accepted, subject: str, report: SendReport) -> None:
        t = _TABLE.c
        note = accepted.reply
        if accepted.refused:
            note += " — refused: " + "; ".join(f"{a}: {r}" for a, r in accepted.refused.items())
        with self._ctx.write() as session:
            now = self._ctx.now()
            result = session.connection().execute(
                update(_TABLE)
                .where(t.id == item.id, t.status == OutboxStatus.SENDING.value, t.claimed_by == self.name)
                .values(
                    status=OutboxStatus.SENT.value,
                    sent_at=now,
                    server_reply=note[:2000],
                    subject=subject[:255],
                    last_error="",
                    next_attempt_at=None,
                    claimed_until=None,
                    updated_at=now,
                )
            )
            if result.rowcount == 0:
                # Our lease ran out and another sender took the row: it sends the same
                # message again (same Message-ID); nothing to mark here.
                log.warning("outbox message %s was reclaimed by another sender after it was sent", item.id)
                report.lost_lease += 1
            change_feed.publish(session, "outbox", item.id, "update")
        report.sent += 1

    def _mark_failed(self, item: _Claimed, failure: DeliveryFailed, report: SendReport) -> None:
        t = _TABLE.c
        with self._ctx.write() as session:
            now = self._ctx.now()
            retry_at = None if failure.permanent else next_attempt_at(item.attempts, now)
            error = str(failure)
            if retry_at is None and not failure.permanent:
                error = f"Gave up after {item.attempts} attempts. {error}"
            session.execute(
                update(_TABLE)
                .where(t.id == item.id, t.status == OutboxStatus.SENDING.value, t.claimed_by == self.name)
                .values(
                    status=OutboxStatus.FAILED.value,
                    last_error=error[:2000],
                    next_attempt_at=retry_at,
                    claimed_until=None,
                    updated_at=now,
                )
            )
            change_feed.publish(session, "outbox", item.id, "update")
        report.errors.append(f"#{item.id}: {failure}")
        if retry_at is None:
            report.gave_up += 1
        else:
            report.retrying += 1


# ----------------------------------------------------------------------------- loop
class SenderLoop:
    """The desktop's background sender: a pass now, then one every ``interval`` seconds
    or as soon as ``wake()`` is called (the change feed announced a new outbox row).

    ``run(stop)`` blocks until ``stop`` is set; run it on the task runner. A pass that
    fails (database unreachable) is logged and the loop carries on.
    """

    def __init__(
        self,
        sender: MailSender,
        *,
        interval: float = 60.0,
        limit: int = 100,
        daily: Callable[[], object] | None = None,
    ) -> None:
        self.sender = sender
        self.daily = daily  # the daily jobs (notification_events.DailyJobs.run_if_due), before each pass
        self.interval = interval
        self.limit = limit
        self.last_report: SendReport | None = None
        self.last_error: str = ""
        self._wake = threading.Event()

    def wake(self) -> None:
        self._wake.set()

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            self._wake.clear()
            self.run_once()
            for _ in self._waits(stop):
                pass

    def run_once(self) -> SendReport | None:
        if self.daily is not None:
            try:
                self.daily()
            except Exception as exc:  # noqa: BLE001 - reminders failing must not stop the mail
                log.warning("daily notification jobs failed: %s", exc)
        try:
            self.last_report = self.sender.send_due(self.limit)
            self.last_error = ""
        except Exception as exc:  # noqa: BLE001 - the loop outlives a database outage
            self.last_error = str(exc)
            log.warning("mail sender pass failed: %s", exc)
            return None
        return self.last_report

    def _waits(self, stop: threading.Event) -> Iterator[None]:
        """Wait up to ``interval``, returning early on ``wake`` or ``stop`` (short slices)."""
        waited = 0.0
        while waited < self.interval and not stop.is_set() and not self._wake.is_set():
            step = min(0.25, self.interval - waited)
            self._wake.wait(step)
            waited += step
            yield


# ----------------------------------------------------------------------------- the test e-mail
@dataclass(frozen=True)
class TestOutcome:
    """The server accepted the test e-mail: its answer."""

    recipient: str
    reply: str
    message_id: str


class MailService:
    """Settings → E-mail: "Send a test e-mail" with the settings as they are on screen."""

    def __init__(self, ctx: ServiceContext, *, ssl_context: ssl.SSLContext | None = None) -> None:
        self._ctx = ctx
        self._ssl_context = ssl_context

    @requires(P.SETTINGS_VIEW)
    def config(self) -> SmtpConfig:
        """The saved E-mail settings."""
        with self._ctx.read() as session:
            return read_smtp_config(session)

    @requires(P.SETTINGS_EDIT)
    def send_test(self, to: str, password: str | None, config: SmtpConfig | None = None) -> TestOutcome:
        """Send a short test message straight to the server (not through the outbox).

        ``config``: the settings being edited (default: the saved ones). Raises
        ``DeliveryFailed`` naming what went wrong: the host unreachable, the secure
        connection, the login, or the recipient refused. Nothing is stored.
        """
        recipient = check_recipients([to])[0]
        saved = self.config() if config is None else config
        if saved.problem:
            raise DeliveryFailed(SmtpProblem.NOT_CONFIGURED, saved.problem)
        now = self._ctx.now()
        message_id = message_id_for(0, domain_of(saved.from_address), uuid.uuid4().hex[:16])
        rendered = PlainMessage(
            subject=f"Test e-mail from {saved.from_name or 'TuffOps'}",
            text=(
                "This is a test message from TuffOps Desktop.\n\n"
                f"Mail server: {saved.host}:{saved.port} ({saved.tls_mode.value})\n"
                f"Sent by: {self._ctx.actor.username}\n"
            ),
        )
        message = build_message(rendered, saved, [recipient], message_id, now)
        with SmtpConnection(saved, password, ssl_context=self._ssl_context) as connection:
            accepted = connection.send(message, saved.from_address, [recipient])
        return TestOutcome(recipient=recipient, reply=accepted.reply, message_id=message_id)
