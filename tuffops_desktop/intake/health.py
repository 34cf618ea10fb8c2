"""``GET /healthz``: the listener's health, for monitoring on its own machine only.

It answers ``200 ok`` when the listener runs and its database answers, ``503 database
unreachable`` when the database does not (the listener still takes requests then, into
its spool). Only a request made on the machine itself gets either answer: the peer of
the TCP connection is ``127.0.0.1`` or ``::1`` **and** the request carries no forwarding
header. A reverse proxy on the same machine connects from ``127.0.0.1`` too, but always
adds ``X-Forwarded-For`` (Caddy, nginx as configured in ``installer/listener``), so a
request from the internet through the proxy is told ``404`` like any unknown path; so is
every request from another address. The gate sits outside waitress's proxy-header
handling, so it sees the real peer and the headers as they arrived, whatever
``--trusted-proxy`` says.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable, Iterable
from typing import Any

from tuffops_desktop.intake.app import SECURITY_HEADERS

log = logging.getLogger("tuffops.intake")

HEALTH_PATH = "/healthz"
LOCAL_PEERS = frozenset({ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1")})
# Any of these means the request was relayed by a proxy: not a local monitor's.
FORWARDING_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_BY",
    "HTTP_FORWARDED",
    "HTTP_X_REAL_IP",
    "HTTP_VIA",
)

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def is_local_request(environ: dict[str, Any]) -> bool:
    """The connection comes from this machine's loopback address and nobody relayed it."""
    try:
        peer = ipaddress.ip_address(str(environ.get("REMOTE_ADDR", "")).split("%")[0])
    except ValueError:
        return False
    if isinstance(peer, ipaddress.IPv6Address) and peer.ipv4_mapped is not None:
        peer = peer.ipv4_mapped
    return peer in LOCAL_PEERS and not any(name in environ for name in FORWARDING_HEADERS)


class HealthGate:
    """WSGI middleware answering ``/healthz`` for local requests; everything else,
    including ``/healthz`` from anywhere else, goes to the listener (which says 404)."""

    def __init__(self, app: WsgiApp, database_answers: Callable[[], None]) -> None:
        self._app = app
        self._probe = database_answers

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if environ.get("PATH_INFO") != HEALTH_PATH or method not in ("GET", "HEAD") or not is_local_request(environ):
            return self._app(environ, start_response)
        try:
            self._probe()
        except Exception as exc:  # noqa: BLE001 - any failure means "the database does not answer"
            log.warning("health check: the database does not answer: %s", str(exc).splitlines()[0] if str(exc) else exc)
            status, body = "503 Service Unavailable", b"database unreachable\n"
        else:
            status, body = "200 OK", b"ok\n"
        headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
        start_response(status, headers + SECURITY_HEADERS)
        return [body] if method == "GET" else [b""]
