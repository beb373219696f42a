"""Signing proactive events: HMAC-SHA256 over "<unix seconds>.<raw body>" with PROACTIVE_SECRET."""

from __future__ import annotations

import hashlib
import hmac
import time

TIMESTAMP_HEADER = "X-Lumen-Timestamp"
SIGNATURE_HEADER = "X-Lumen-Signature"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for a body sent at a timestamp."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signed_headers(secret: str, body: bytes, now: float | None = None) -> dict[str, str]:
    """The two headers that let the gateway trust a proactive event."""
    timestamp = int(now if now is not None else time.time())
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: signature(secret, timestamp, body),
            "Content-Type": "application/json"}


def verify(secret: str, timestamp: str, header: str, body: bytes, now: float | None = None,
           tolerance_seconds: int = 300) -> bool:
    """Whether a signature is ours and fresh (within tolerance_seconds of now)."""
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((now if now is not None else time.time()) - sent) > tolerance_seconds:
        return False
    return hmac.compare_digest(signature(secret, sent, body), header or "")
