"""The one error the gateway's views raise: an HTTP status with a stable code and a message for people."""

from __future__ import annotations

from collections.abc import Mapping


class ApiError(Exception):
    """A client-facing error, rendered as `{"error": {"code": ..., "message": ...}}` by the error middleware."""

    def __init__(self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})  # e.g. Retry-After on a 429
