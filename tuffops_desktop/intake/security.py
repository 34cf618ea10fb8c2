"""Pure helpers of the public listener: form tokens, receipts and rate limits (no I/O, no Qt).

A form token is issued with each page and must come back with the POST. It is signed
(HMAC-SHA256 with the listener's secret), bound to the unit's GUID, and expires. Its
random part is the submission key: posting the same form twice (refresh, back button,
double tap) yields the same key, hence the same ticket and no second request.

A receipt is what the confirmation page shows: the redirect after a POST carries the
ticket signed for that unit, and the page shows only tickets this listener signed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass

TOKEN_MAX_AGE_S = 4 * 3600
RECEIPT_MAX_AGE_S = 7 * 24 * 3600  # a customer may reopen the confirmation for a week
_TICKET_BYTES = 14  # "R-XXXXX-XXXXX"


class TokenError(Exception):
    """The form token is missing, forged, for another unit, or too old."""


@dataclass(frozen=True)
class FormTokens:
    secret: bytes

    def issue(self, guid: str, now: float | None = None) -> str:
        nonce = secrets.token_bytes(16)
        issued = int(now if now is not None else time.time()).to_bytes(8, "big")
        body = nonce + issued
        return _b64(body + self._mac(guid, body))

    def verify(self, token: str, guid: str, now: float | None = None) -> str:
        """Return the submission key carried by a valid token, or raise ``TokenError``."""
        raw = _unb64(token, 16 + 8 + 32)
        body, mac = raw[:24], raw[24:]
        if not hmac.compare_digest(mac, self._mac(guid, body)):
            raise TokenError("forged or for another unit")
        issued = int.from_bytes(body[16:24], "big")
        current = now if now is not None else time.time()
        if not (issued - 60 <= current <= issued + TOKEN_MAX_AGE_S):
            raise TokenError("expired")
        return body[:16].hex()

    def receipt(self, guid: str, ticket: str, now: float | None = None) -> str:
        """The signed value the confirmation URL carries: the ticket, for this unit, now."""
        issued = int(now if now is not None else time.time()).to_bytes(8, "big")
        body = ticket.encode("ascii")[:_TICKET_BYTES].ljust(_TICKET_BYTES, b" ") + issued
        return _b64(body + self._mac(guid, b"receipt|" + body)[:16])

    def read_receipt(self, value: str, guid: str, now: float | None = None) -> str:
        """The ticket of a receipt this listener signed for ``guid``, or ``TokenError``."""
        raw = _unb64(value, _TICKET_BYTES + 8 + 16)
        body, mac = raw[:-16], raw[-16:]
        if not hmac.compare_digest(mac, self._mac(guid, b"receipt|" + body)[:16]):
            raise TokenError("forged or for another unit")
        issued = int.from_bytes(body[_TICKET_BYTES:], "big")
        current = now if now is not None else time.time()
        if not (issued - 60 <= current <= issued + RECEIPT_MAX_AGE_S):
            raise TokenError("expired")
        return body[:_TICKET_BYTES].decode("ascii").strip()

    def _mac(self, guid: str, body: bytes) -> bytes:
        return hmac.digest(self.secret, guid.encode("ascii", "replace") + b"|" + body, hashlib.sha256)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(value: str, size: int) -> bytes:
    """Decode an unpadded URL-safe base64 value of exactly ``size`` bytes, or ``TokenError``."""
    if len(value) != (size * 4 + 2) // 3:
        raise TokenError("malformed")
    try:
        raw = base64.urlsafe_b64decode(value.encode("ascii") + b"=" * (-len(value) % 4))
    except (ValueError, UnicodeEncodeError):
        raise TokenError("malformed") from None
    if len(raw) != size or _b64(raw) != value:
        raise TokenError("malformed")
    return raw


class RateLimiter:
    """Sliding-window limit: at most ``limit`` hits per ``window_s`` seconds for each key.

    Thread-safe; memory is bounded by forgetting idle keys.
    """

    def __init__(self, limit: int, window_s: float, max_keys: int = 50_000) -> None:
        self.limit = limit
        self.window_s = window_s
        self._max_keys = max_keys
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, now: float | None = None) -> bool:
        current = now if now is not None else time.monotonic()
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                if len(self._hits) >= self._max_keys:
                    self._forget_idle(current)
                hits = self._hits[key] = deque()
            while hits and hits[0] <= current - self.window_s:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(current)
            return True

    def retry_after(self, key: str, now: float | None = None) -> int:
        current = now if now is not None else time.monotonic()
        with self._lock:
            hits = self._hits.get(key)
            if not hits:
                return 0
            return max(1, int(hits[0] + self.window_s - current) + 1)

    def _forget_idle(self, now: float) -> None:
        idle = [k for k, v in self._hits.items() if not v or v[-1] <= now - self.window_s]
        for key in idle:
            del self._hits[key]
        if len(self._hits) >= self._max_keys:  # under a flood of new keys, drop the oldest half
            for key in list(self._hits)[: self._max_keys // 2]:
                del self._hits[key]
