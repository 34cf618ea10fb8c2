"""The public intake listener as a WSGI application.

It serves exactly: ``GET /u/<guid>`` (the unit's form), ``POST /u/<guid>`` (submit),
``GET /u/<guid>/sent?receipt=…`` (confirmation) and ``GET /static/intake.css``. Everything
else is a plain 404. Every byte is treated as hostile: the GUID must be a whole UUID,
bodies are capped, fields are validated by the same domain rules as the office, all
output is escaped by the template engine, and every response carries security headers
and no server banner.

The form page is the same for every scan of a unit except its one-time token, so it is
rendered once per unit and day and served from memory with a fresh token spliced in.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

from jinja2 import Environment, FileSystemLoader, select_autoescape

from tuffops_desktop.domain.errors import UnknownUnit, ValidationError
from tuffops_desktop.domain.qr import parse_public_guid
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
from tuffops_desktop.intake.public_data import CANNOT_CHECK, PublicData
from tuffops_desktop.intake.security import FormTokens, RateLimiter, TokenError
from tuffops_desktop.intake.spool import Spool, SpooledSubmission
from tuffops_desktop.services.intake import CompanyInfo, IntakeGateway, PublicUnitPage

log = logging.getLogger("tuffops.intake")

MAX_BODY_BYTES = 16 * 1024
_HERE = Path(__file__).resolve().parent
_UNIT_PATH = re.compile(r"^/u/([^/]{1,64})(/sent)?/?$")
_TOKEN_MARK = "TUFFOPS-FORM-TOKEN-MARK"
_MAX_CACHED_FORMS = 20_000
SECURITY_HEADERS = [
    (
        "Content-Security-Policy",
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; "
        "frame-ancestors 'none'",
    ),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Content-Type-Options", "nosniff"),
    ("Cache-Control", "no-store"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
]
_HTML = ("Content-Type", "text/html; charset=utf-8")

StartResponse = Callable[..., Any]
Response = tuple[str, list[tuple[str, str]], bytes]


class Limits:
    """Rate limits: per client address and per unit (a flood on one sticker)."""

    def __init__(
        self,
        *,
        pages_per_minute: int = 60,
        posts_per_ip: int = 5,
        post_window_s: float = 600,
        posts_per_unit: int = 20,
        unit_window_s: float = 3600,
    ) -> None:
        self.pages = RateLimiter(pages_per_minute, 60)
        self.posts_ip = RateLimiter(posts_per_ip, post_window_s)
        self.posts_unit = RateLimiter(posts_per_unit, unit_window_s)


class IntakeApp:
    def __init__(
        self,
        gateway: IntakeGateway,
        public: PublicData,
        spool: Spool,
        tokens: FormTokens,
        *,
        limits: Limits | None = None,
    ) -> None:
        self._gateway = gateway
        self._public = public
        self._spool = spool
        self._tokens = tokens
        self._limits = limits or Limits()
        self._clock = gateway.now
        self._templates = Environment(
            loader=FileSystemLoader(str(_HERE / "templates")),
            autoescape=select_autoescape(default=True, default_for_string=True),
        )
        self._css = (_HERE / "static" / "intake.css").read_bytes()
        # guid → (what the page was rendered from, the bytes before and after the token)
        self._forms: dict[str, tuple[tuple[object, ...], bytes, bytes]] = {}

    # ----------------------------------------------------------------- WSGI
    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            status, headers, body = self._route(environ)
        except Exception:  # never leak a traceback to the internet
            log.exception("intake request failed")
            status, headers, body = self.error_page(500)
        start_response(status, headers + SECURITY_HEADERS + [("Content-Length", str(len(body)))])
        return [body] if environ.get("REQUEST_METHOD") != "HEAD" else [b""]

    def _route(self, environ: dict[str, Any]) -> Response:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "")
        if path == "/static/intake.css" and method in ("GET", "HEAD"):
            return "200 OK", [("Content-Type", "text/css; charset=utf-8")], self._css
        match = _UNIT_PATH.match(path)
        if not match:
            return _plain("404 Not Found", "Not found")
        guid = parse_public_guid(match.group(1))  # the whole segment: nothing after it, nothing before
        client = environ.get("REMOTE_ADDR", "?")
        if method in ("GET", "HEAD"):
            if not self._limits.pages.allow(client):
                return self._too_many(self._limits.pages.retry_after(client))
        elif method == "POST" and guid is not None and not match.group(2):
            if not self._limits.posts_ip.allow(client):  # every POST counts against its address
                return self._too_many(self._limits.posts_ip.retry_after(client))
        elif guid is not None:
            return _plain("405 Method Not Allowed", "Method not allowed", [("Allow", "GET, POST")])
        if guid is None:
            return self._not_found()
        if match.group(2):
            return self._sent(guid, environ.get("QUERY_STRING", ""))
        if method == "POST":
            return self._submit(guid, environ)
        return self._show_form(guid)

    # ----------------------------------------------------------------- pages
    def _unit(self, guid: str) -> PublicUnitPage | None:
        found = self._public.lookup(guid)
        if found == CANNOT_CHECK:  # database down, no snapshot yet: accept, the spool decides later
            return PublicUnitPage(guid=guid, label="this unit", customer_name=None)
        return found if isinstance(found, PublicUnitPage) else None

    def _show_form(self, guid: str) -> Response:
        page = self._unit(guid)
        if page is None:
            return self._not_found()
        company = self._public.company()
        today = self._clock().astimezone().date()
        key = (page, company, today)
        cached = self._forms.get(guid)
        if cached is None or cached[0] != key:
            html = self._render_form(page, company, today, values={}, errors={}, token=_TOKEN_MARK)
            before, _, after = html.partition(_TOKEN_MARK.encode("ascii"))
            if len(self._forms) >= _MAX_CACHED_FORMS:
                self._forms = {}
            cached = self._forms[guid] = (key, before, after)
        return "200 OK", [_HTML], b"".join((cached[1], self._tokens.issue(guid).encode("ascii"), cached[2]))

    def _submit(self, guid: str, environ: dict[str, Any]) -> Response:
        form = self._read_form(environ)
        if isinstance(form, tuple):
            return form
        values = {name: form.get(name, "") for name in ("request", "schedule_at", "schedule_time", "contact_info")}
        page = self._unit(guid)
        if page is None:
            return self._not_found()
        try:
            key = self._tokens.verify(form.get("token", ""), guid)
        except TokenError:
            return self._form(
                "400 Bad Request",
                page,
                values,
                {},
                notice="This form had expired. Please check your details and send it again.",
            )
        if form.get("website"):  # honeypot: only bots fill it; answer as if accepted, store nothing
            return self._receipt_redirect(guid, ticket_for(key))
        now = self._clock()
        try:
            fields = validate_request(RequestInput(**values), now.astimezone().date())
        except ValidationError as exc:
            return self._form("400 Bad Request", page, values, exc.field_errors)
        # Only a request that will be stored counts against the unit's hourly limit.
        if not self._limits.posts_unit.allow(guid):
            return self._too_many(self._limits.posts_unit.retry_after(guid))
        ticket = None
        if not self._public.database_down():
            try:
                ticket = self._gateway.submit(guid, fields, key, now)
            except UnknownUnit:
                self._public.forget(guid)
                return self._not_found()
            except DatabaseUnavailable:
                self._public.database_failed()
        if ticket is None:
            self._spool.put(
                SpooledSubmission(
                    submission_key=key,
                    guid=guid,
                    request=fields.request,
                    schedule_at=fields.schedule_at.isoformat(),
                    schedule_time=fields.schedule_time.value,
                    contact_info=fields.contact_info,
                    received_at=now.isoformat(),
                )
            )
            ticket = ticket_for(key)
        return self._receipt_redirect(guid, ticket)

    def _sent(self, guid: str, query: str) -> Response:
        receipt = parse_qs(query[:200]).get("receipt", [""])[0]
        try:
            ticket = self._tokens.read_receipt(receipt, guid)
        except TokenError:  # only tickets this listener issued for this unit
            return self._not_found()
        return self._page("200 OK", "sent.html", ticket=ticket)

    # ----------------------------------------------------------------- helpers
    def _read_form(self, environ: dict[str, Any]) -> dict[str, str] | Response:
        content_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            return self._error("415 Unsupported Media Type", "Please send the form from the page.")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return self._error("400 Bad Request", "Please send the form from the page.")
        if length > MAX_BODY_BYTES or length < 0:
            return self.error_page(413)
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
                return self.error_page(413)
        return form

    def _form(
        self, status: str, page: PublicUnitPage, values: dict[str, str], errors: dict[str, str], notice: str = ""
    ) -> Response:
        html = self._render_form(
            page,
            self._public.company(),
            self._clock().astimezone().date(),
            values=values,
            errors=errors,
            notice=notice,
            token=self._tokens.issue(page.guid),
        )
        return status, [_HTML], html

    def _render_form(self, page: PublicUnitPage, company: CompanyInfo, today: date, **context: Any) -> bytes:
        return (
            self._templates.get_template("form.html")
            .render(
                company=company,
                guid=page.guid,
                label=page.label,
                customer_name=page.customer_name,
                windows=[w.value for w in ScheduleTime],
                today=today.isoformat(),
                max_date=(today + timedelta(days=SCHEDULE_HORIZON_DAYS)).isoformat(),
                **{"notice": "", **context},
            )
            .encode("utf-8")
        )

    def _receipt_redirect(self, guid: str, ticket: str) -> Response:
        location = f"/u/{guid}/sent?receipt={quote(self._tokens.receipt(guid, ticket))}"
        return "303 See Other", [("Location", location), ("Content-Type", "text/plain; charset=utf-8")], b""

    def _not_found(self) -> Response:
        return self._page(
            "404 Not Found",
            "message.html",
            heading="Sticker not recognised",
            text="We could not find equipment for this code. Please call us instead.",
        )

    def _too_many(self, retry_after: int) -> Response:
        status, headers, body = self._page(
            "429 Too Many Requests",
            "message.html",
            heading="Please wait a moment",
            text="We received several requests in a short time. Please try again "
            "in a few minutes, or call us if it is urgent.",
        )
        return status, headers + [("Retry-After", str(retry_after))], body

    def _error(self, status: str, text: str) -> Response:
        return self._page(status, "message.html", heading="We could not read that", text=text)

    def error_page(self, code: int) -> Response:
        """Our own page for an HTTP error, also for those waitress detects itself
        (oversize or malformed requests): same look, same security headers."""
        if code == 413:
            return self._error("413 Content Too Large", "That is more text than this form accepts.")
        if code == 431:
            return self._error("431 Request Header Fields Too Large", "Please send the form from the page.")
        if code == 500:
            return self._page(
                "500 Internal Server Error",
                "message.html",
                heading="Something went wrong",
                text="Please try again in a minute, or call us.",
            )
        if code == 501:
            return self._error("501 Not Implemented", "Please send the form from the page.")
        return self._error("400 Bad Request", "Please send the form from the page.")

    def _page(self, status: str, template: str, **context: Any) -> Response:
        html = self._templates.get_template(template).render(company=self._public.company(), **context)
        return status, [_HTML], html.encode("utf-8")

    def deliver_spool(self) -> int:
        """Insert spooled submissions now that the database answers (exactly once each)."""

        def insert(item: SpooledSubmission) -> bool:
            received = datetime.fromisoformat(item.received_at)
            try:
                fields = validate_request(
                    RequestInput(item.request, item.schedule_at, item.schedule_time, item.contact_info),
                    received.astimezone().date(),
                )
                self._gateway.submit(item.guid, fields, item.submission_key, received)
            except UnknownUnit:
                log.warning("spooled request %s: unit %s no longer exists", item.submission_key, item.guid)
                return False
            except ValidationError as exc:
                log.warning("spooled request %s refused: %s", item.submission_key, exc)
                return False
            return True

        if self._public.database_down():
            return 0
        try:
            return self._spool.deliver(insert)
        except DatabaseUnavailable:
            self._public.database_failed()
            return 0


def _plain(status: str, text: str, extra: list[tuple[str, str]] | None = None) -> Response:
    return status, [("Content-Type", "text/plain; charset=utf-8")] + (extra or []), text.encode("utf-8")
