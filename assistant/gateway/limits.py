"""What one client may consume at the gateway: chat messages per customer, sign-ins per IP, failures per account.

The counts live in a LimitStore (assistant/ratelimit): in memory in the embedded profile, in Redis in production
so that every gateway sees the same counts. Refusals are 429 with Retry-After; sign-in refusals come before the
password hash is computed, so a locked-out guesser costs the gateway nothing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiohttp import web

from assistant.gateway.errors import ApiError
from assistant.gateway.keys import LIMITS, SETTINGS
from assistant.ratelimit.buckets import Decision, whole_seconds
from assistant.ratelimit.store import LimitsUnavailable, make_store

log = logging.getLogger(__name__)


async def limit_store(app: web.Application) -> AsyncIterator[None]:
    """Open the store of limits for the app's lifetime."""
    store = make_store(app[SETTINGS])
    app[LIMITS] = store
    yield
    await store.close()


def client_ip(request: web.Request) -> str:
    """The client's address: the TCP peer, or with TRUSTED_PROXY_HOPS=N the N-th X-Forwarded-For entry from the
    right (the one our outermost proxy appended; anything further left the client could have written)."""
    hops = request.app[SETTINGS].limits.trusted_proxy_hops
    if hops > 0:
        forwarded = [part.strip() for header in request.headers.getall("X-Forwarded-For", [])
                     for part in header.split(",") if part.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.remote or "unknown"


def _hashed(value: str) -> str:
    # Keys name a client without the store holding who it is (an email, an address) in plain text.
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _too_many(code: str, message: str, seconds: int) -> ApiError:
    unit = "second" if seconds == 1 else "seconds"
    return ApiError(429, code, f"{message} Please try again in {seconds} {unit}.", {"Retry-After": str(seconds)})


def _unavailable(exc: LimitsUnavailable) -> ApiError:
    log.error("%s", exc)
    return ApiError(503, "limits_unavailable", "The service is unavailable right now. Please try again in a moment.")


async def admit_message(app: web.Application, customer_id: int) -> Decision:
    """Take one message from the customer's allowance (HTTP messages and websocket frames share it)."""
    return await app[LIMITS].take(f"messages:{customer_id}", app[SETTINGS].limits.message_rate)


async def check_message_rate(request: web.Request, customer_id: int) -> None:
    """Refuse (429) a chat message past the customer's rate."""
    try:
        decision = await admit_message(request.app, customer_id)
    except LimitsUnavailable as exc:
        raise _unavailable(exc) from exc
    if not decision.allowed:
        raise _too_many("too_many_messages", "You are sending messages faster than we can answer them.",
                        decision.retry_after_seconds)


@dataclass(frozen=True)
class SignInAttempt:
    """The keys a sign-in attempt is counted under: its client IP and, where there is one, the account."""

    ip_key: str
    account_key: str | None


async def before_sign_in(request: web.Request, kind: str, account: str | None = None) -> SignInAttempt:
    """Refuse (429) a sign-in while its IP or account waits after failures, or past the IP's attempt rate."""
    store, limits = request.app[LIMITS], request.app[SETTINGS].limits
    attempt = SignInAttempt(f"sign-in:{kind}:ip:{_hashed(client_ip(request))}",
                            f"sign-in:{kind}:account:{_hashed(account)}" if account is not None else None)
    try:
        wait = max([await store.blocked_for(key) for key in (attempt.account_key, attempt.ip_key) if key])
        if wait > 0:
            raise _too_many("sign_in_locked", "Too many failed sign-ins.", whole_seconds(wait))
        decision = await store.take(attempt.ip_key, limits.sign_in_rate)
    except LimitsUnavailable as exc:
        raise _unavailable(exc) from exc
    if not decision.allowed:
        raise _too_many("too_many_sign_ins", "Too many sign-in attempts from this address.",
                        decision.retry_after_seconds)
    return attempt


async def sign_in_failed(request: web.Request, attempt: SignInAttempt) -> None:
    """Count a failed sign-in against the account and the IP (exponential back-off, then lockout)."""
    store, limits = request.app[LIMITS], request.app[SETTINGS].limits
    try:
        if attempt.account_key:
            await store.fail(attempt.account_key, limits.sign_in_back_off(limits.sign_in_lockout_failures))
        await store.fail(attempt.ip_key, limits.sign_in_back_off(limits.sign_in_ip_lockout_failures))
    except LimitsUnavailable as exc:
        raise _unavailable(exc) from exc


async def sign_in_succeeded(request: web.Request, attempt: SignInAttempt) -> None:
    """Forget the account's failures; the IP's stay, so one good account cannot launder guesses at others."""
    if attempt.account_key:
        try:
            await request.app[LIMITS].clear(attempt.account_key)
        except LimitsUnavailable as exc:
            raise _unavailable(exc) from exc
