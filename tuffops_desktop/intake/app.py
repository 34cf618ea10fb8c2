"""The public intake listener as a WSGI application.

It serves exactly: ``GET /u/<guid>`` (the unit's form), ``POST /u/<guid>`` (submit),
``GET /u/<guid>/sent?ticket=…`` (confirmation) and ``GET /static/intake.css``. Everything
else is a plain 404. Every byte is treated as hostile: bodies are capped, fields are
validated by the same domain rules as the office, all output is escaped by the template
engine, and every response carries security headers and no server banner.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

from jinja2 import Environment, FileSystemLoader, select_autoescape

from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.qr import canonical_guid
from tuffops_desktop.domain.requests import (
    CONTACT_MAX,
    REQUEST_MAX,
    SCHEDULE_HORIZON_DAYS,
    RequestInput,
    ScheduleTime,
    ticket_for,
    validate_request,
)
from tuffops_desktop.errors import DatabaseUnavailable
from tuffops_desktop.intake.security import FormTokens, RateLimiter, TokenError
from tuffops_desktop.intake.spool import Spool, SpooledSubmission
from tuffops_desktop.services.intake import CompanyInfo, IntakeGateway, PublicUnitPage

log = logging.getLogger("tuffops.intake")

MAX_BODY_BYTES = 16 * 1024
_HERE = Path(__file__).resolve().parent
_UNIT_PATH = re.compile(r"^/u/([^/]{1,64})(/sent)?/?$")
_TICKET = re.compile(r"^R-[0-9A-Z]{5}-[0-9A-Z]{5}$")
SECURITY_HEADERS = [
    ("Content-Security-Policy",
     "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; "
     "frame-ancestors 'none'"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Content-Type-Options", "nosniff"),
    ("Cache-Control", "no-store"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
]

StartResponse = Callable[..., Any]


class Limits:
    """Rate limits: per client address and per unit (a flood on one sticker)."""

    def __init__(self, *, pages_per_minute: int = 60, posts_per_ip: int = 5, post_window_s: float = 600,
                 posts_per_unit: int = 20, unit_window_s: float = 3600) -> None:
        self.pages = RateLimiter(pages_per_minute, 60)
        self.posts_ip = RateLimiter(posts_per_ip, post_window_s)
        self.posts_unit = RateLimiter(posts_per_unit, unit_window_s)


class IntakeApp:
    def __init__(self, gateway: IntakeGateway, spool: Spool, tokens: FormTokens, *, limits: Limits | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> None:
        self._gateway = gateway
        self._spool = spool
        self._tokens = tokens
        self._limits = limits or Limits()
        self._clock = clock
        self._company = CompanyInfo(name="Service request", phone="")
        self._templates = Environment(
            loader=FileSystemLoader(str(_HERE / "templates")),
            autoescape=select_autoescape(default=True, default_for_string=True),
        )
        self._css = (_HERE / "static" / "intake.css").read_bytes()

    # ----------------------------------------------------------------- WSGI
    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            status, headers, body = self._route(environ)
        except Exception:  # never leak a traceback to the internet
            log.exception("intake request failed")
            status, headers, body = self._page("500 Internal Server Error", "message.html",
                                               heading="Something went wrong",
                                               text="Please try again in a minute, or call us.")
        start_response(status, headers + SECURITY_HEADERS + [("Content-Length", str(len(body)))])
        return [body] if environ.get("REQUEST_METHOD") != "HEAD" else [b""]

    def _route(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "")
        if path == "/static/intake.css" and method in ("GET", "HEAD"):
            return "200 OK", [("Content-Type", "text/css; charset=utf-8")], self._css
        match = _UNIT_PATH.match(path)
        if not match:
            return _plain("404 Not Found", "Not found")
        raw_guid, sent = match.group(1), match.group(2)
        client = environ.get("REMOTE_ADDR", "?")
        if method in ("GET", "HEAD"):
            if not self._limits.pages.allow(client):
                return self._too_many(self._limits.pages.retry_after(client))
            if sent:
                return self._sent(raw_guid, environ.get("QUERY_STRING", ""))
            return self._show_form(raw_guid)
        if method == "POST" and not sent:
            if not self._limits.posts_ip.allow(client):
                return self._too_many(self._limits.posts_ip.retry_after(client))
            return self._submit(raw_guid, environ)
        return _plain("405 Method Not Allowed", "Method not allowed", [("Allow", "GET, POST")])

    # ----------------------------------------------------------------- pages
    def _show_form(self, raw_guid: str) -> tuple[str, list[tuple[str, str]], bytes]:
        guid = canonical_guid(raw_guid)
        try:
            page = self._gateway.unit_page(guid or raw_guid)
            self._refresh_company()
        except DatabaseUnavailable:
            if guid is None:
                return self._not_found()
            page = PublicUnitPage(unit_id=0, guid=guid, label="this unit", customer_name=None)
        if page is None:
            return self._not_found()
        return self._form("200 OK", page, values={}, errors={})

    def _submit(self, raw_guid: str, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        guid = canonical_guid(raw_guid)
        if guid is None:
            return self._not_found()
        form = self._read_form(environ)
        if isinstance(form, tuple):
            return form
        values = {name: form.get(name, "") for name in ("request", "schedule_at", "schedule_time", "contact_info")}
        database_up = True
        try:
            page = self._gateway.unit_page(guid)
        except DatabaseUnavailable:
            database_up = False
            page = PublicUnitPage(unit_id=0, guid=guid, label="this unit", customer_name=None)
        if page is None:
            return self._not_found()
        try:
            key = self._tokens.verify(form.get("token", ""), guid)
        except TokenError:
            return self._form("400 Bad Request", page, values, {},
                              notice="This form had expired. Please check your details and send it again.")
        if form.get("website"):  # honeypot: only bots fill it; answer as if accepted, store nothing
            return _redirect(f"/u/{guid}/sent?ticket={quote(ticket_for(key))}")
        if not self._limits.posts_unit.allow(guid):
            return self._too_many(self._limits.posts_unit.retry_after(guid))
        now = self._clock()
        try:
            fields = validate_request(RequestInput(**values), now.astimezone().date())
        except ValidationError as exc:
            return self._form("400 Bad Request", page, values, exc.field_errors)
        ticket = None
        if database_up:
            try:
                ticket = self._gateway.submit(page.unit_id, fields, key, now)
            except DatabaseUnavailable:
                ticket = None
        if ticket is None:
            self._spool.put(SpooledSubmission(
                submission_key=key, guid=guid, request=fields.request, schedule_at=fields.schedule_at.isoformat(),
                schedule_time=fields.schedule_time.value, contact_info=fields.contact_info,
                received_at=now.isoformat(),
            ))
            ticket = ticket_for(key)
        return _redirect(f"/u/{guid}/sent?ticket={quote(ticket)}")

    def _sent(self, raw_guid: str, query: str) -> tuple[str, list[tuple[str, str]], bytes]:
        ticket = parse_qs(query[:200]).get("ticket", [""])[0]
        if canonical_guid(raw_guid) is None or not _TICKET.match(ticket):
            return self._not_found()
        return self._page("200 OK", "sent.html", ticket=ticket)

    # ----------------------------------------------------------------- helpers
    def _read_form(self, environ: dict[str, Any]) -> dict[str, str] | tuple[str, list[tuple[str, str]], bytes]:
        content_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            return self._error("415 Unsupported Media Type", "Please send the form from the page.")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return self._error("400 Bad Request", "Please send the form from the page.")
        if length > MAX_BODY_BYTES or length < 0:
            return self._error("413 Content Too Large", "That is more text than this form accepts.")
        body = environ["wsgi.input"].read(length) if length else b""
        try:
            parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False, max_num_fields=12)
        except (UnicodeDecodeError, ValueError):
            return self._error("400 Bad Request", "Please send the form from the page.")
        form = {}
        for name, items in parsed.items():
            if len(items) != 1:
                return self._error("400 Bad Request", "Please send the form from the page.")
            form[name] = items[0]
        limits = {"request": REQUEST_MAX * 2, "contact_info": CONTACT_MAX * 2}
        for name, value in form.items():
            if len(value) > limits.get(name, 300):
                return self._error("413 Content Too Large", "That is more text than this form accepts.")
        return form

    def _form(self, status: str, page: PublicUnitPage, values: dict[str, str], errors: dict[str, str],
              notice: str = "") -> tuple[str, list[tuple[str, str]], bytes]:
        today = self._clock().astimezone().date()
        return self._page(
            status, "form.html", guid=page.guid, label=page.label, customer_name=page.customer_name,
            token=self._tokens.issue(page.guid), values=values, errors=errors, notice=notice,
            windows=[w.value for w in ScheduleTime], today=today.isoformat(),
            max_date=(today + timedelta(days=SCHEDULE_HORIZON_DAYS)).isoformat(),
        )

    def _not_found(self) -> tuple[str, list[tuple[str, str]], bytes]:
        return self._page("404 Not Found", "message.html", heading="Sticker not recognised",
                          text="We could not find equipment for this code. Please call us instead.")

    def _too_many(self, retry_after: int) -> tuple[str, list[tuple[str, str]], bytes]:
        status, headers, body = self._page("429 Too Many Requests", "message.html", heading="Please wait a moment",
                                           text="We received several requests in a short time. Please try again "
                                                "in a few minutes, or call us if it is urgent.")
        return status, headers + [("Retry-After", str(retry_after))], body

    def _error(self, status: str, text: str) -> tuple[str, list[tuple[str, str]], bytes]:
        return self._page(status, "message.html", heading="We could not read that", text=text)

    def _page(self, status: str, template: str, **context: Any) -> tuple[str, list[tuple[str, str]], bytes]:
        html = self._templates.get_template(template).render(company=self._company, **context)
        return status, [("Content-Type", "text/html; charset=utf-8")], html.encode("utf-8")

    def _refresh_company(self) -> None:
        try:
            self._company = self._gateway.company()
        except DatabaseUnavailable:
            pass

    def deliver_spool(self) -> int:
        """Insert spooled submissions now that the database answers (exactly once each)."""

        def insert(item: SpooledSubmission) -> bool:
            page = self._gateway.unit_page(item.guid)
            if page is None:
                log.warning("spooled request %s: unit %s no longer exists", item.submission_key, item.guid)
                return False
            fields = validate_request(
                RequestInput(item.request, item.schedule_at, item.schedule_time, item.contact_info),
                datetime.fromisoformat(item.received_at).astimezone().date(),
            )
            self._gateway.submit(page.unit_id, fields, item.submission_key, datetime.fromisoformat(item.received_at))
            return True

        try:
            return self._spool.deliver(insert)
        except DatabaseUnavailable:
            return 0


def _plain(status: str, text: str, extra: list[tuple[str, str]] | None = None) -> tuple[str, list[tuple[str, str]], bytes]:
    return status, [("Content-Type", "text/plain; charset=utf-8")] + (extra or []), text.encode("utf-8")


def _redirect(location: str) -> tuple[str, list[tuple[str, str]], bytes]:
    return "303 See Other", [("Location", location), ("Content-Type", "text/plain; charset=utf-8")], b""


def new_secret() -> bytes:
    return secrets.token_bytes(32)
