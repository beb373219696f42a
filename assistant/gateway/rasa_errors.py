"""Rasa's failures as the client sees them: 504 when it is too slow, 503 when it cannot be reached."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from assistant.gateway.errors import ApiError
from assistant.gateway.rasa_client import RasaTimeout, RasaUnavailable

T = TypeVar("T")


async def from_rasa(call: Awaitable[T], too_slow: str, unavailable: str) -> T:
    """Await a Rasa call; a timeout becomes a 504 saying `too_slow`, an outage a 503 saying `unavailable`."""
    try:
        return await call
    except RasaTimeout as exc:
        raise ApiError(504, "assistant_timeout", too_slow) from exc
    except RasaUnavailable as exc:
        raise ApiError(503, "assistant_unavailable", unavailable) from exc
