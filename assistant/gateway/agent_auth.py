"""Support agents' sign-in: email and password for an HS256 JWT with the agent role, checked on every agent call.

Agent and customer tokens share the signing key, so the role claim keeps them apart: a customer token is refused
by every agent endpoint (403) and an agent token by every customer endpoint (see auth.verify_token).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import jwt
from aiohttp import web
from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.gateway.auth import ISSUER, InvalidToken, bearer_token
from assistant.gateway.database import read
from assistant.gateway.errors import ApiError
from assistant.gateway.inputs import json_object
from assistant.gateway.keys import ENGINE, SETTINGS
from assistant.gateway.limits import before_sign_in, sign_in_failed, sign_in_succeeded
from assistant.handoff.agents import authenticate, find_agent, normalise_email
from assistant.settings import Settings

AGENT_ROLE = "agent"
_ALGORITHM = "HS256"
MAX_CREDENTIAL_CHARS = 200


class NotAnAgentToken(InvalidToken):
    """The token is genuine but was issued to someone who is not a support agent (a customer)."""


@dataclass(frozen=True)
class SignedInAgent:
    """The agent behind a request: id and the name customers see on their replies."""

    id: int
    name: str


def issue_agent_token(agent: SignedInAgent, settings: Settings, now: datetime | None = None) -> str:
    """A signed token saying the bearer is this agent, valid for settings.jwt_ttl_seconds."""
    issued_at = now or datetime.now(timezone.utc)
    claims = {"sub": str(agent.id), "role": AGENT_ROLE, "name": agent.name, "iss": ISSUER, "iat": issued_at,
              "exp": issued_at + timedelta(seconds=settings.jwt_ttl_seconds)}
    return jwt.encode(claims, settings.jwt_secret, algorithm=_ALGORITHM)


def verify_agent_token(token: str, settings: Settings) -> SignedInAgent:
    """The agent a token was issued to; NotAnAgentToken for other roles, InvalidToken for bad tokens."""
    try:
        claims = jwt.decode(token, settings.jwt_secret, algorithms=[_ALGORITHM], issuer=ISSUER,
                            options={"require": ["sub", "exp", "iat", "iss"]})
    except jwt.ExpiredSignatureError as exc:
        raise InvalidToken("the sign-in has expired") from exc
    except jwt.InvalidTokenError as exc:
        raise InvalidToken("the sign-in token is not valid") from exc
    if claims.get("role") != AGENT_ROLE:
        raise NotAnAgentToken("this sign-in is not a support agent's")
    try:
        return SignedInAgent(int(claims["sub"]), str(claims.get("name") or ""))
    except (ValueError, TypeError) as exc:
        raise InvalidToken("the sign-in token is not valid") from exc


def _agent_exists(engine: Engine, agent_id: int) -> bool:
    with Session(engine) as session:
        return find_agent(session, agent_id) is not None


async def agent_from_token(request: web.Request, token: str) -> SignedInAgent:
    """The agent a token names, who must still exist: ApiError 401 (bad token) or 403 (not an agent's)."""
    try:
        agent = verify_agent_token(token, request.app[SETTINGS])
    except NotAnAgentToken as exc:
        raise ApiError(403, "forbidden", "This is for support agents only.") from exc
    except InvalidToken as exc:
        raise ApiError(401, "unauthorized", f"{str(exc).capitalize()}. Please sign in again.") from exc
    if not await read(_agent_exists, request.app[ENGINE], agent.id):
        raise ApiError(401, "unauthorized", "This sign-in is for an agent we do not know. Please sign in again.")
    return agent


async def signed_in_agent(request: web.Request) -> SignedInAgent:
    """The agent named by the request's bearer token (see agent_from_token)."""
    try:
        token = bearer_token(request.headers.get("Authorization"))
    except InvalidToken as exc:
        raise ApiError(401, "unauthorized", f"{str(exc).capitalize()}. Please sign in again.") from exc
    return await agent_from_token(request, token)


def _credential(body: dict, name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ApiError(400, "invalid_body", f'"{name}" must be a non-empty string.')
    if len(value) > MAX_CREDENTIAL_CHARS:
        raise ApiError(400, "invalid_body", f'"{name}" can be at most {MAX_CREDENTIAL_CHARS} characters.')
    return value


def _check_password(engine: Engine, email: str, password: str) -> SignedInAgent | None:
    with Session(engine) as session:
        agent = authenticate(session, email, password)
        return SignedInAgent(agent.id, agent.display_name) if agent else None


async def agent_sign_in(request: web.Request) -> web.Response:
    """Sign a support agent in with email and password; returns an agent token."""
    body = await json_object(request)
    email, password = _credential(body, "email"), _credential(body, "password")
    attempt = await before_sign_in(request, "agent", normalise_email(email))  # before the costly hash
    agent = await read(_check_password, request.app[ENGINE], email, password)
    if agent is None:
        await sign_in_failed(request, attempt)
        raise ApiError(401, "invalid_credentials", "That email and password do not match an agent account.")
    await sign_in_succeeded(request, attempt)
    token = issue_agent_token(agent, request.app[SETTINGS])
    return web.json_response({"token": token, "agent": {"id": agent.id, "name": agent.name}})
