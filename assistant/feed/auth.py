"""Who is posting: a known feed source, whose secret signed this exact body just now, and never before."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.engine import Engine

from assistant.db import session_scope
from assistant.feed.keys import ENGINE, SOURCES
from assistant.feed.sources import SOURCE_HEADER
from assistant.gateway.database import read
from assistant.gateway.errors import ApiError
from assistant.proactive.accepted_signatures import ReplayedRequest, remember_signature as remember_in
from assistant.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureRejected, verify


def remember_signature(engine: Engine, signature: str, timestamp: int) -> None:
    """Record an accepted signature; ReplayedRequest when it was accepted before.

    In the bank's database rather than in memory (assistant.signing.SeenSignatures): a replay must stay refused
    across a restart of the feed and between several feed instances.
    """
    with session_scope(engine) as session:
        remember_in(session, signature, timestamp)


async def signed_source(request: web.Request, raw: bytes) -> str:
    """The name of the source that signed this body; 401 for an unknown source, a bad or stale signature, a replay."""
    name = request.headers.get(SOURCE_HEADER, "").strip()
    if not name:
        raise ApiError(401, "missing_source", f"Name the feed source in the {SOURCE_HEADER} header.")
    secret = request.app[SOURCES].get(name)
    if secret is None:
        raise ApiError(401, "unknown_source", "This feed source is not configured here.")
    signature = request.headers.get(SIGNATURE_HEADER, "").strip().lower()
    try:
        timestamp = verify(raw, request.headers.get(TIMESTAMP_HEADER), signature, secret)
    except SignatureRejected as exc:
        raise ApiError(401, exc.code, exc.message) from exc
    try:
        await read(remember_signature, request.app[ENGINE], signature, timestamp)
    except ReplayedRequest as exc:
        raise ApiError(401, "replayed_request",
                       "This signed request was already received; sign each attempt afresh.") from exc
    return name
