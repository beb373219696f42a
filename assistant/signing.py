"""HMAC-SHA256 request signing between the assistant's own services (one scheme for every signed hop).

The signature covers "<unix seconds>." + the raw body, so neither the body nor the time can be changed; a request
outside the clock window is refused, and a receiver that keeps a `SeenSignatures` refuses an exact signature it has
already accepted (a replay). Sign each attempt afresh. Used by the push service and the alert outbox towards the
gateway (PROACTIVE_SECRET), by the gateway towards Rasa's input channel (RASA_CHANNEL_SECRET) and by the
core-banking feed. Standard library only: the Rasa virtualenv imports it too.
"""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
import threading
import time
from collections import OrderedDict

TIMESTAMP_HEADER = "X-Lumen-Timestamp"
SIGNATURE_HEADER = "X-Lumen-Signature"
SCHEME = "sha256="
MAX_AGE_SECONDS = 300
MAX_FUTURE_SECONDS = 60  # clocks drift; a request this far ahead is not a clock problem


class SignatureRejected(Exception):
    """The request's signature or timestamp is missing, wrong, outside the accepted window or replayed."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def signature(body: bytes, secret: str, timestamp: int) -> str:
    """The header value `sha256=<hex>` for a body sent at this time."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return SCHEME + digest


def sign(body: bytes, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """The two headers that authenticate a request with this body (timestamp defaults to now)."""
    moment = int(time.time()) if timestamp is None else timestamp
    return {TIMESTAMP_HEADER: str(moment), SIGNATURE_HEADER: signature(body, secret, moment)}


class SeenSignatures:
    """The signatures accepted within the clock window, in memory: the same one again is a replay.

    One process's memory: a receiver running several instances keeps them in a shared store instead (the
    gateway's proactive endpoint keeps them in its database). Entries older than the window are dropped, since
    `verify` refuses such requests anyway; `capacity` bounds memory under a flood of valid requests.
    """

    def __init__(self, capacity: int = 100_000) -> None:
        self._seen: OrderedDict[str, int] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def remember(self, signature_value: str, timestamp: int, now: float | None = None) -> None:
        """Record a signature as used; SignatureRejected("replayed_request") if it was used before."""
        horizon = (time.time() if now is None else now) - MAX_AGE_SECONDS - MAX_FUTURE_SECONDS
        with self._lock:
            while self._seen and (next(iter(self._seen.values())) < horizon or len(self._seen) >= self._capacity):
                self._seen.popitem(last=False)
            if signature_value in self._seen:
                raise SignatureRejected("replayed_request",
                                        "This signed request was already received; sign each attempt afresh.")
            self._seen[signature_value] = timestamp

    def forget(self, signature_value: str) -> None:
        """Let a signature be used again (its request was not carried out, so the sender's retry is not a replay)."""
        with self._lock:
            self._seen.pop(signature_value, None)


class SharedSeenSignatures:
    """The signatures accepted within the clock window, in a SQLite file: every process on this machine that opens
    the same file (Rasa's Sanic workers) refuses a signature any of them has accepted."""

    def __init__(self, path: str) -> None:
        # Autocommit, one statement per call: the primary key makes the insert the check, atomic across processes.
        self._connection = sqlite3.connect(path, timeout=5.0, isolation_level=None, check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock:
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute("CREATE TABLE IF NOT EXISTS seen_signature "
                                     "(signature TEXT PRIMARY KEY, signed_at INTEGER NOT NULL)")

    def remember(self, signature_value: str, timestamp: int, now: float | None = None) -> None:
        """Record a signature as used; SignatureRejected("replayed_request") if any process used it before."""
        horizon = (time.time() if now is None else now) - MAX_AGE_SECONDS - MAX_FUTURE_SECONDS
        with self._lock:
            try:
                self._connection.execute("INSERT INTO seen_signature (signature, signed_at) VALUES (?, ?)",
                                         (signature_value, timestamp))
            except sqlite3.IntegrityError:
                raise SignatureRejected("replayed_request",
                                        "This signed request was already received; sign each attempt afresh.") from None
            # `verify` refuses anything older than the window, so older entries can go.
            self._connection.execute("DELETE FROM seen_signature WHERE signed_at < ?", (int(horizon),))

    def forget(self, signature_value: str) -> None:
        """Let a signature be used again (its request was not carried out, so the sender's retry is not a replay)."""
        with self._lock:
            self._connection.execute("DELETE FROM seen_signature WHERE signature = ?", (signature_value,))


def verify(body: bytes, timestamp_header: str | None, signature_header: str | None, secret: str,
           now: float | None = None, seen: SeenSignatures | SharedSeenSignatures | None = None) -> int:
    """The request's timestamp if its signature is right, fresh and (given `seen`) new; SignatureRejected otherwise."""
    if not timestamp_header or not signature_header:
        raise SignatureRejected("missing_signature",
                                f"Sign the request with the {TIMESTAMP_HEADER} and {SIGNATURE_HEADER} headers.")
    if not timestamp_header.isdigit():
        raise SignatureRejected("invalid_timestamp", f"{TIMESTAMP_HEADER} must be a Unix time in whole seconds.")
    timestamp = int(timestamp_header)
    expected = signature(body, secret, timestamp)
    if not hmac.compare_digest(signature_header.strip().lower().encode(), expected.encode()):
        raise SignatureRejected("bad_signature", "The request signature does not match its body and timestamp.")
    moment = time.time() if now is None else now
    age = moment - timestamp
    if age > MAX_AGE_SECONDS:
        raise SignatureRejected("stale_request", f"The request is older than {MAX_AGE_SECONDS} seconds.")
    if age < -MAX_FUTURE_SECONDS:
        raise SignatureRejected("future_request",
                                f"The request is dated more than {MAX_FUTURE_SECONDS} seconds in the future.")
    if seen is not None:
        seen.remember(expected, timestamp, moment)
    return timestamp
