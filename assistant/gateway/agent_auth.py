"""Support agents' password sign-in: email and password for an agent token, where the bank keeps this sign-in.

In production agents normally sign in with the bank's identity provider (see auth.py); AGENT_PASSWORD_SIGN_IN
keeps this endpoint there too. Tokens are verified, and agents looked up, by signed_in.agent_from_token.
"""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.gateway.auth import issue_agent_token
from assistant.gateway.database import read
from assistant.gateway.errors import ApiError
from assistant.gateway.inputs import json_object
from assistant.gateway.keys import ENGINE, SETTINGS
from assistant.gateway.limits import before_sign_in, sign_in_failed, sign_in_succeeded
from assistant.gateway.signed_in import SignedInAgent
from assistant.handoff.agents import AgentDisabled, authenticate, normalise_email

MAX_CREDENTIAL_CHARS = 200


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
    settings = request.app[SETTINGS]
    if not settings.agent_password_sign_in:
        raise ApiError(404, "not_found", "Agents sign in with the bank's identity provider here.")
    body = await json_object(request)
    email, password = _credential(body, "email"), _credential(body, "password")
    attempt = await before_sign_in(request, "agent", normalise_email(email))  # before the costly hash
    try:
        agent = await read(_check_password, request.app[ENGINE], email, password)
    except AgentDisabled as exc:
        await sign_in_failed(request, attempt)
        raise ApiError(403, "agent_disabled", "This agent account is disabled.") from exc
    if agent is None:
        await sign_in_failed(request, attempt)
        raise ApiError(401, "invalid_credentials", "That email and password do not match an agent account.")
    await sign_in_succeeded(request, attempt)
    token = issue_agent_token(agent.id, agent.name, settings)
    return web.json_response({"token": token, "agent": {"id": agent.id, "name": agent.name}})
