"""Who is posting: a known feed source, whose secret signed this exact body just now, and never before."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from aiohttp import web
from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from assistant.db import session_scope, utcnow
from assistant.feed.keys import ENGINE, SOURCES
from assistant.feed.sources import SOURCE_HEADER
from assistant.gateway.database import read
from assistant.gateway.errors import ApiError
from assistant.proactive.models import AcceptedSignature
from assistant.signing import (MAX_AGE_SECONDS, MAX_FUTURE_SECONDS, SIGNATURE_HEADER, TIMESTAMP_HEADER,
                               SignatureRejected, verify)


class ReplayedRequest(Exception):
    """This exact signed request was accepted before."""


def remember_signature(engine: Engine, signature: str, timestamp: int) -> None:
    """Record an accepted signature; ReplayedRequest when it was accepted before.

    In the bank's database rather than in memory (assistant.signing.SeenSignatures): a replay must stay refused
    across a restart of the feed and between several feed instances.
    """
    with session_scope(engine) as session:
        # Signatures older than the accepted window cannot come back (verify refuses them), so they can go.
        horizon = utcnow() - timedelta(seconds=MAX_AGE_SECONDS + MAX_FUTURE_SECONDS)
        session.exec(delete(AcceptedSignature).where(AcceptedSignature.signed_at < horizon))
        try:
            with session.begin_nested():
                session.add(AcceptedSignature(signature=signature,
                                              signed_at=datetime.fromtimestamp(timestamp, tz=timezone.utc)))
        except IntegrityError as exc:
            raise ReplayedRequest("this request was already accepted") from exc


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
