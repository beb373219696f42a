"""The authorization matrix: every operation of the gateway's OpenAPI document × every kind of caller, with the
status each must get from the production gateway.

The cases are generated from the document (assistant/gateway/openapi.yaml as the production profile serves it), so a
new route without a row below fails. A status is the HTTP status; on a websocket 101 means the server answered
`ready` after the auth frame, and 44xx is the code it closed the socket with.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest

from assistant.gateway.auth import AGENT_ROLE, CUSTOMER_ROLE
from assistant.feed.sources import SOURCE_HEADER
from assistant.gateway.openapi import profile_document
from assistant.signing import sign
from tests.gateway.served import AGENT_PASSWORD, CUSTOMER_A, SUBJECTS, ServedGateway, served_gateway  # noqa: F401

METHODS = ("get", "post", "put", "patch", "delete")
READY = 101  # a websocket that answered the auth frame with {"type": "ready"}

CALLERS = ("no token", "expired", "wrong issuer", "wrong audience", "alg: none", "customer A", "customer B", "agent",
           "disabled agent", "push service", "feed source")


def row(*statuses: int) -> dict[str, int]:
    """One operation's expectations, in the order of CALLERS."""
    assert len(statuses) == len(CALLERS)
    return dict(zip(CALLERS, statuses))


# Columns:                                      no    exp   iss   aud   none  custA custB agent dis.  push  feed
EXPECTED: dict[str, dict[str, int]] = {
    "POST /api/v1/chat":                        row(401,  401,  401,  401,  401,  200,  200,  403,  403,  401,  401),
    "POST /api/v1/chat/session":                row(401,  401,  401,  401,  401,  200,  200,  403,  403,  401,  401),
    "GET /api/v1/chat/ws":                      row(4401, 4401, 4401, 4401, 4401, READY, READY, 4403, 4403, 4401, 4401),
    "GET /api/v1/chat/history":                 row(401,  401,  401,  401,  401,  200,  200,  403,  403,  401,  401),
    "POST /api/v1/proactive":                   row(401,  401,  401,  401,  401,  401,  401,  401,  401,  200,  401),
    "POST /api/v1/agent/auth":                  row(200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200),
    "GET /api/v1/agent/queue":                  row(401,  401,  401,  401,  401,  403,  403,  200,  403,  401,  401),
    "GET /api/v1/agent/ws":                     row(4401, 4401, 4401, 4401, 4401, 4403, 4403, READY, 4403, 4401, 4401),
    "GET /api/v1/agent/tickets/{ticket_id}":    row(401,  401,  401,  401,  401,  403,  403,  200,  403,  401,  401),
    "POST /api/v1/agent/tickets/{ticket_id}/claim":
                                                row(401,  401,  401,  401,  401,  403,  403,  200,  403,  401,  401),
    "POST /api/v1/agent/tickets/{ticket_id}/messages":
                                                row(401,  401,  401,  401,  401,  403,  403,  200,  403,  401,  401),
    "POST /api/v1/agent/tickets/{ticket_id}/notes":
                                                row(401,  401,  401,  401,  401,  403,  403,  201,  403,  401,  401),
    "GET /api/v1/agent/tickets/{ticket_id}/suggestions":  # no knowledge index here: 503 once the agent is let in
                                                row(401,  401,  401,  401,  401,  403,  403,  503,  403,  401,  401),
    "POST /api/v1/agent/tickets/{ticket_id}/resolve":
                                                row(401,  401,  401,  401,  401,  403,  403,  200,  403,  401,  401),
    "GET /api/v1/openapi.json":                 row(200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200),
    "GET /healthz":                             row(200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200),
    "GET /":                                    row(200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200),
    "GET /static/{name}":                       row(200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200),
    "GET /console":                             row(200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200),
    "GET /console/{name}":                      row(200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200),
}


@dataclass(frozen=True)
class Call:
    """A minimal valid request of one operation; `role` is whose token the operation expects (refused kinds of
    token are minted for that role, so an expired agent token is what an agent endpoint sees)."""

    path: str
    body: dict[str, Any] | None = None
    role: str = CUSTOMER_ROLE
    websocket: bool = False


def _proactive() -> dict[str, Any]:
    return {"customer_id": CUSTOMER_A, "event": "upcoming_bill", "idempotency_key": f"matrix-{uuid.uuid4().hex}",
            "data": {"merchant": "British Gas", "amount": "84.00", "due_date": "2026-12-01", "alert_id": None,
                     "reason": "due in 3 days"}}


TICKETS = "/api/v1/agent/tickets"
CALLS: dict[str, Callable[[ServedGateway], Call]] = {
    "POST /api/v1/chat": lambda _: Call("/api/v1/chat", {"message": "hello"}),
    "POST /api/v1/chat/session": lambda _: Call("/api/v1/chat/session", {}),
    "GET /api/v1/chat/ws": lambda _: Call("/api/v1/chat/ws", websocket=True),
    "GET /api/v1/chat/history": lambda _: Call("/api/v1/chat/history?limit=5"),
    "POST /api/v1/proactive": lambda _: Call("/api/v1/proactive", _proactive()),
    "POST /api/v1/agent/auth": lambda _: Call("/api/v1/agent/auth",
                                              {"email": "alex@lumen.example", "password": AGENT_PASSWORD}),
    "GET /api/v1/agent/queue": lambda _: Call("/api/v1/agent/queue", role=AGENT_ROLE),
    "GET /api/v1/agent/ws": lambda _: Call("/api/v1/agent/ws", role=AGENT_ROLE, websocket=True),
    "GET /api/v1/agent/tickets/{ticket_id}":
        lambda stack: Call(f"{TICKETS}/{stack.assigned_ticket()}", role=AGENT_ROLE),
    "POST /api/v1/agent/tickets/{ticket_id}/claim":
        lambda stack: Call(f"{TICKETS}/{stack.queued_ticket()}/claim", {}, role=AGENT_ROLE),
    "POST /api/v1/agent/tickets/{ticket_id}/messages":
        lambda stack: Call(f"{TICKETS}/{stack.assigned_ticket()}/messages", {"text": "Let me check."}, role=AGENT_ROLE),
    "POST /api/v1/agent/tickets/{ticket_id}/notes":
        lambda stack: Call(f"{TICKETS}/{stack.assigned_ticket()}/notes", {"text": "Fee query."}, role=AGENT_ROLE),
    "GET /api/v1/agent/tickets/{ticket_id}/suggestions":
        lambda stack: Call(f"{TICKETS}/{stack.assigned_ticket()}/suggestions", role=AGENT_ROLE),
    "POST /api/v1/agent/tickets/{ticket_id}/resolve":
        lambda stack: Call(f"{TICKETS}/{stack.assigned_ticket()}/resolve", {}, role=AGENT_ROLE),
    "GET /api/v1/openapi.json": lambda _: Call("/api/v1/openapi.json"),
    "GET /healthz": lambda _: Call("/healthz"),
    "GET /": lambda _: Call("/"),
    "GET /static/{name}": lambda _: Call("/static/chat.js"),
    "GET /console": lambda _: Call("/console"),
    "GET /console/{name}": lambda _: Call("/console/console.js"),
}


def documented_operations() -> list[str]:
    """Every operation the production gateway documents, as "METHOD /path"."""
    return [f"{method.upper()} {path}" for path, item in profile_document(demo_sign_in=False)["paths"].items()
            for method in METHODS if method in item]


# --- the callers' credentials --------------------------------------------------------------------------------------
# Customers and agents sign in with the bank's identity provider (tests/identity_provider.py); every refused kind of
# token is signed with its real key (or none) for a linked subject, so only the flaw named is wrong with it.


@dataclass
class Caller:
    """Who calls: a bearer token (or none), or a signer of the raw body."""

    token: str | None = None
    signs: Callable[[bytes], dict[str, str]] | None = field(default=None)

    def headers(self, raw: bytes) -> dict[str, str]:
        """The headers this caller sends with this body."""
        if self.signs is not None:
            return self.signs(raw)
        return {"Authorization": f"Bearer {self.token}"} if self.token is not None else {}


def caller(stack: ServedGateway, name: str, role: str) -> Caller:
    """The credentials of a caller, for an operation that expects `role`'s token."""
    settings, provider = stack.settings, stack.identity_provider
    agent = role == AGENT_ROLE
    subject = SUBJECTS["agent" if agent else "customer A"]
    if name == "no token":
        return Caller()
    if name == "expired":
        return Caller(provider.expired_token(subject, agent))
    if name == "wrong issuer":
        return Caller(provider.wrong_issuer_token(subject, agent))
    if name == "wrong audience":
        return Caller(provider.wrong_audience_token(subject, agent))
    if name == "alg: none":
        return Caller(provider.alg_none_token(subject, agent))
    if name in ("customer A", "customer B"):
        return Caller(provider.customer_token(SUBJECTS[name]))
    if name in ("agent", "disabled agent"):
        return Caller(provider.agent_token(SUBJECTS[name]))
    if name == "push service":
        return Caller(signs=lambda raw: sign(raw, settings.proactive_secret))
    if name == "feed source":  # its own listener (tests/feed): here it is no one
        source, secret = next(iter(settings.feed_sources.items()))
        return Caller(signs=lambda raw: {SOURCE_HEADER: source, **sign(raw, secret)})
    raise AssertionError(f"no such caller: {name}")


# --- calling ---------------------------------------------------------------------------------------------------------


async def status_of(stack: ServedGateway, method: str, call: Call, who: Caller) -> int:
    """The HTTP status, or for a websocket READY or the code it was closed with."""
    async with aiohttp.ClientSession() as http:
        if call.websocket:
            async with http.ws_connect(f"{stack.url}{call.path}") as socket:
                await socket.send_json({"type": "auth", "token": who.token or ""})
                frame = await socket.receive(timeout=10)
                if frame.type == aiohttp.WSMsgType.TEXT and json.loads(frame.data).get("type") == "ready":
                    return READY
                return socket.close_code or int(frame.data)
        raw = b"" if call.body is None else json.dumps(call.body).encode()
        headers = {**who.headers(raw), **({"Content-Type": "application/json"} if call.body is not None else {})}
        async with http.request(method, f"{stack.url}{call.path}", data=raw, headers=headers) as response:
            await response.read()
            return response.status


CASES = [pytest.param(operation, name, id=f"{operation} · {name}") for operation in documented_operations()
         for name in CALLERS]


@pytest.mark.parametrize(("operation", "name"), CASES)
def test_each_caller_gets_the_status_the_matrix_expects(served_gateway: ServedGateway, operation: str,
                                                        name: str) -> None:
    assert operation in EXPECTED and operation in CALLS, f"{operation} has no row in the authorization matrix"
    method, _, _ = operation.partition(" ")
    call = CALLS[operation](served_gateway)
    who = caller(served_gateway, name, call.role)
    assert served_gateway.run(status_of(served_gateway, method, call, who)) == EXPECTED[operation][name]


def test_the_matrix_has_no_row_for_an_operation_that_is_not_documented() -> None:
    assert set(EXPECTED) == set(CALLS) == set(documented_operations())


def test_the_served_document_is_the_one_the_matrix_is_generated_from(served_gateway: ServedGateway) -> None:
    async def served() -> list[str]:
        async with aiohttp.ClientSession() as http, http.get(f"{served_gateway.url}/api/v1/openapi.json") as response:
            document = await response.json()
        return [f"{method.upper()} {path}" for path, item in document["paths"].items() for method in METHODS
                if method in item]

    assert served_gateway.run(served()) == documented_operations()


# --- someone else's things -------------------------------------------------------------------------------------------

TICKET_OPERATIONS = [operation for operation in documented_operations() if "{ticket_id}" in operation]
# A chat another agent holds is no business of this agent's: it is not found. Claiming it says it is taken, as when
# two agents claim at once (the other agent's claim won).
ANOTHER_AGENTS_CHAT = {operation: 409 if operation.endswith("/claim") else 404 for operation in TICKET_OPERATIONS}


@pytest.mark.parametrize("operation", TICKET_OPERATIONS, ids=lambda operation: f"{operation} · another agent's chat")
def test_an_agent_gets_nothing_of_a_chat_another_agent_holds(served_gateway: ServedGateway, operation: str) -> None:
    method, _, template = operation.partition(" ")
    body = CALLS[operation](served_gateway).body
    call = Call(template.replace("{ticket_id}", str(served_gateway.assigned_ticket("sam"))), body, role=AGENT_ROLE)
    who = caller(served_gateway, "agent", AGENT_ROLE)
    assert served_gateway.run(status_of(served_gateway, method, call, who)) == ANOTHER_AGENTS_CHAT[operation]


def test_customer_b_reads_none_of_customer_a_s_conversation(served_gateway: ServedGateway) -> None:
    said = f"customer A's words {uuid.uuid4().hex}"

    async def exchange() -> tuple[list[str], list[str]]:
        tokens = {name: caller(served_gateway, name, CUSTOMER_ROLE).headers(b"")
                  for name in ("customer A", "customer B")}
        async with aiohttp.ClientSession() as http:
            await http.post(f"{served_gateway.url}/api/v1/chat", json={"message": said}, headers=tokens["customer A"])
            texts = []
            for name in ("customer A", "customer B"):
                async with http.get(f"{served_gateway.url}/api/v1/chat/history?limit=200",
                                    headers=tokens[name]) as response:
                    texts.append([entry.get("text") for entry in (await response.json())["messages"]])
        return texts[0], texts[1]

    a_sees, b_sees = served_gateway.run(exchange())
    assert (said in a_sees, said in b_sees) == (True, False)
