"""Who is behind a request: the verified token's customer or support agent, looked up on every call.

A token issued by the gateway names our own customer or agent id. A token from the bank's identity provider names
a subject there, which stands for a customer or an agent only through a link (assistant/identities), never by a
number in the token. Agents are looked up on every request so a disabled agent is refused at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web
from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.gateway.auth import (AGENT_ROLE, CUSTOMER_ROLE, IdentityProviderUnavailable, InvalidToken, SignIn,
                                    bearer_token)
from assistant.gateway.customers import CustomerSummary, find_customer
from assistant.gateway.database import read
from assistant.gateway.errors import ApiError
from assistant.gateway.keys import ENGINE, TOKENS
from assistant.handoff.agents import find_agent
from assistant.identities.links import agent_for, customer_for


@dataclass(frozen=True)
class SignedInAgent:
    """The agent behind a request: id and the name customers see on their replies."""

    id: int
    name: str


def _unauthorized(problem: Exception | str) -> ApiError:
    return ApiError(401, "unauthorized", f"{str(problem).capitalize()}. Please sign in again.")


async def verified(request: web.Request, token: str) -> SignIn:
    """Who the token signs in: ApiError 401 when it is not valid, 503 when the identity provider cannot be reached."""
    try:
        return await request.app[TOKENS].verify(token)
    except InvalidToken as exc:
        raise _unauthorized(exc) from exc
    except IdentityProviderUnavailable as exc:
        raise ApiError(503, "identity_provider_unavailable",
                       "Sign-in cannot be checked right now. Please try again in a moment.") from exc


def _request_token(request: web.Request) -> str:
    try:
        return bearer_token(request.headers.get("Authorization"))
    except InvalidToken as exc:
        raise _unauthorized(exc) from exc


def _customer_of(engine: Engine, sign_in: SignIn) -> CustomerSummary | None:
    if sign_in.issued_here:
        return find_customer(engine, int(sign_in.subject))
    with Session(engine) as session:
        customer_id = customer_for(session, sign_in.issuer, sign_in.subject)
    return find_customer(engine, customer_id) if customer_id is not None else None


async def customer_from_token(request: web.Request, token: str) -> CustomerSummary:
    """The customer a token stands for: ApiError 401 (bad token), 403 (not a customer's, or not linked to one)."""
    return await customer_signed_in(request, await verified(request, token))


async def customer_signed_in(request: web.Request, sign_in: SignIn) -> CustomerSummary:
    """The customer a verified sign-in stands for (see customer_from_token)."""
    if sign_in.role != CUSTOMER_ROLE:
        raise ApiError(403, "forbidden", "This is for customers only.")
    customer = await read(_customer_of, request.app[ENGINE], sign_in)
    if customer is not None:
        return customer
    if sign_in.issued_here:
        raise _unauthorized("this sign-in is for a customer we do not know")
    raise ApiError(403, "identity_not_linked",
                   "This sign-in is not linked to a Lumen Bank customer. Please contact the bank.")


async def signed_in_customer(request: web.Request) -> CustomerSummary:
    """The customer named by the request's bearer token (see customer_from_token)."""
    return await customer_from_token(request, _request_token(request))


def _agent_of(engine: Engine, sign_in: SignIn) -> tuple[SignedInAgent | None, bool]:
    """The agent a sign-in stands for and whether they are disabled; (None, False) when it stands for nobody."""
    with Session(engine) as session:
        agent_id = int(sign_in.subject) if sign_in.issued_here else agent_for(session, sign_in.issuer,
                                                                              sign_in.subject)
        agent = find_agent(session, agent_id) if agent_id is not None else None
        if agent is None:
            return None, False
        return SignedInAgent(agent.id, agent.display_name), agent.disabled_at is not None


async def agent_from_token(request: web.Request, token: str) -> SignedInAgent:
    """The enabled agent a token stands for: ApiError 401 (bad token) or 403 (not an agent's, not linked, disabled)."""
    return await agent_signed_in(request, await verified(request, token))


async def agent_signed_in(request: web.Request, sign_in: SignIn) -> SignedInAgent:
    """The enabled agent a verified sign-in stands for (see agent_from_token)."""
    if sign_in.role != AGENT_ROLE:
        raise ApiError(403, "forbidden", "This is for support agents only.")
    agent, disabled = await read(_agent_of, request.app[ENGINE], sign_in)
    if agent is None and sign_in.issued_here:
        raise _unauthorized("this sign-in is for an agent we do not know")
    if agent is None:
        raise ApiError(403, "identity_not_linked",
                       "This sign-in is not linked to a support agent account. Ask the bank to link it.")
    if disabled:
        raise ApiError(403, "agent_disabled", "This agent account is disabled.")
    return agent


async def signed_in_agent(request: web.Request) -> SignedInAgent:
    """The agent named by the request's bearer token (see agent_from_token)."""
    return await agent_from_token(request, _request_token(request))
