"""HMAC-SHA256 request signing between the push-notification service (or the alert outbox) and the gateway.

The signature covers "<unix seconds>." + the raw body, so neither the body nor the time can be changed. Sign
each attempt afresh: a request whose exact signature was seen before is refused as a replay.
"""

from __future__ import annotations

import hashlib
import hmac
import time

TIMESTAMP_HEADER = "X-Lumen-Timestamp"
SIGNATURE_HEADER = "X-Lumen-Signature"
SCHEME = "sha256="
MAX_AGE_SECONDS = 300
MAX_FUTURE_SECONDS = 60  # clocks drift; a request this far ahead is not a clock problem


class SignatureRejected(Exception):
    """The request's signature or timestamp is missing, wrong or outside the accepted window."""

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


def verify(body: bytes, timestamp_header: str | None, signature_header: str | None, secret: str,
           now: float | None = None) -> int:
    """The request's timestamp if its signature is right and it is fresh; SignatureRejected otherwise."""
    if not timestamp_header or not signature_header:
        raise SignatureRejected("missing_signature",
                                f"Sign the request with the {TIMESTAMP_HEADER} and {SIGNATURE_HEADER} headers.")
    if not timestamp_header.isdigit():
        raise SignatureRejected("invalid_timestamp", f"{TIMESTAMP_HEADER} must be a Unix time in whole seconds.")
    timestamp = int(timestamp_header)
    if not hmac.compare_digest(signature_header.strip().lower(), signature(body, secret, timestamp)):
        raise SignatureRejected("bad_signature", "The request signature does not match its body and timestamp.")
    age = (time.time() if now is None else now) - timestamp
    if age > MAX_AGE_SECONDS:
        raise SignatureRejected("stale_request", f"The request is older than {MAX_AGE_SECONDS} seconds.")
    if age < -MAX_FUTURE_SECONDS:
        raise SignatureRejected("future_request",
                                f"The request is dated more than {MAX_FUTURE_SECONDS} seconds in the future.")
    return timestamp
