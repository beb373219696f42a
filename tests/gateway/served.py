"""The production gateway served on a loopback port: its factory's app, a seeded SQLite bank, a Rasa stand-in and
the bank's identity provider (tests/identity_provider.py), whose subjects are linked to two customers and two agents.

Everything runs on one event loop in a background thread (tests/loopback.py), so synchronous tests (the authorization
matrix, Schemathesis) can call it over real HTTP and websockets; `stack.run(coroutine)` runs a coroutine on that loop.
"""

from __future__ import annotations

from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.configuration import configuration_problems
from assistant.db import create_schema, make_engine, session_scope
from assistant.gateway.app import init_app
from assistant.handoff import tickets
from assistant.handoff.agents import add_agent, disable_agent
from assistant.identity import conversation_id_for, conversation_reference
from assistant.settings import Settings
from tests.builders import build_customer
from tests.databases import REDIS_URL, fresh_redis_prefix
from tests.gateway.conftest import RASA_CHANNEL_SECRET, RASA_TOKEN, RasaStandIn, rasa_app
from tests.identity_provider import IdentityProvider, identity_provider_app
from tests.loopback import LoopbackServers

T = TypeVar("T")

AGENT_PASSWORD = "matrix-agent-password"
# A and B are the customers who call; 3's chat waits in the queue and 4's is with an agent (no ticket is A's or B's,
# so their own calls never depend on the order the cases run in); 5's is with agent Sam.
CUSTOMER_A, CUSTOMER_B, CUSTOMER_QUEUED, CUSTOMER_WITH_AGENT, CUSTOMER_WITH_SAM = 1, 2, 3, 4, 5
HELD_BY = {"alex": CUSTOMER_WITH_AGENT, "sam": CUSTOMER_WITH_SAM}
# Who the callers are at the bank's identity provider: its subjects, linked to customers A and B and to agents
# Alex and Kim (Kim is disabled).
SUBJECTS = {"customer A": "idp-subject-customer-a", "customer B": "idp-subject-customer-b",
            "agent": "idp-subject-alex", "disabled agent": "idp-subject-kim"}


def production_environment(database_url: str, rasa_url: str, redis_prefix: str) -> dict[str, str]:
    """A production configuration that passes the start-up check: every secret set, long and distinct."""
    return {
        "ASSISTANT_PROFILE": "production",
        "DATABASE_URL": database_url,
        "RASA_URL": rasa_url,
        "RASA_TOKEN": RASA_TOKEN,
        "RASA_CHANNEL_SECRET": RASA_CHANNEL_SECRET,
        "ACTION_SERVER_TOKEN": "matrix-action-server-token-of-32-bytes",
        "REDIS_URL": REDIS_URL,
        "RATE_LIMIT_PREFIX": redis_prefix,
        "JWT_SECRET": "matrix-jwt-secret-of-at-least-32-bytes",
        "CONVERSATION_SECRET": "matrix-conversation-secret-of-32-bytes",
        "PROACTIVE_SECRET": "matrix-proactive-secret-of-32-bytes!",
        "FEED_SOURCES": "core-banking:matrix-feed-secret-of-at-least-32-bytes",
        "ALERT_THRESHOLD": "6.0",
        # The matrix and the fuzzer send many requests from one address; limits have their own tests.
        "CHAT_MESSAGES_PER_MINUTE": "100000", "CHAT_MESSAGE_BURST": "100000",
        "SIGN_INS_PER_MINUTE": "100000", "SIGN_IN_BURST": "100000",
    }


@dataclass
class ServedGateway:
    """A running production gateway and what it runs against."""

    url: str
    settings: Settings
    engine: Engine
    rasa: RasaStandIn
    agents: dict[str, int]
    servers: LoopbackServers
    identity_provider: IdentityProvider

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        """Run a coroutine on the gateway's event loop and return its result."""
        return self.servers.run(coroutine, timeout)

    def queued_ticket(self) -> int:
        """A ticket waiting in the queue (customer 3's chat), opened if none is waiting."""
        with session_scope(self.engine) as session:
            reference = self._reference(CUSTOMER_QUEUED)
            ticket = tickets.open_ticket_for(session, reference)
            if ticket is not None and ticket.status != "queued":
                tickets.resolve(session, ticket.id, ticket.agent_id)
            ticket, _ = tickets.open_ticket(session, reference, CUSTOMER_QUEUED, "complaint", "Customer: “a fee”")
            return ticket.id

    def assigned_ticket(self, agent: str = "alex") -> int:
        """The chat the agent holds (Alex: customer 4's, Sam: customer 5's), opened and claimed if need be."""
        customer = HELD_BY[agent]
        self._paused(customer)
        with session_scope(self.engine) as session:
            ticket, created = tickets.open_ticket(session, self._reference(customer), customer, "complaint",
                                                  "Customer: “I want to complain about a fee”")
            if created or ticket.agent_id is None:
                tickets.claim(session, ticket.id, self.agents[agent])
            return ticket.id

    def _reference(self, customer_id: int) -> str:
        conversation = conversation_id_for(customer_id, self.settings.conversation_secret)
        return conversation_reference(conversation, self.settings.conversation_secret)

    def _paused(self, customer_id: int) -> None:
        """What action_handoff leaves in the tracker: the customer's words and a pause."""
        events = self.rasa.trackers.setdefault(conversation_id_for(customer_id, self.settings.conversation_secret), [])
        events.extend([{"event": "user", "text": "I want to complain about a fee", "timestamp": 1_763_650_000.0},
                       {"event": "pause", "timestamp": 1_763_650_001.0}])


def _seed(engine: Engine) -> dict[str, int]:
    with Session(engine, expire_on_commit=False) as db:
        for number in (CUSTOMER_A, CUSTOMER_B, CUSTOMER_QUEUED, CUSTOMER_WITH_AGENT, CUSTOMER_WITH_SAM):
            build_customer(db, number)
        db.commit()
    with session_scope(engine) as session:
        alex = add_agent(session, "alex@lumen.example", "Alex", AGENT_PASSWORD)
        sam = add_agent(session, "sam@lumen.example", "Sam", AGENT_PASSWORD)
        kim = add_agent(session, "kim@lumen.example", "Kim", None)
        disable_agent(session, kim.id, "operator:tests")
        return {"alex": alex.id, "sam": sam.id, "kim": kim.id}


def _link_callers(provider: IdentityProvider, engine: Engine, agents: dict[str, int]) -> None:
    """The callers' subjects at the identity provider, linked to who they are at the bank."""
    provider.link_customer(engine, SUBJECTS["customer A"], CUSTOMER_A)
    provider.link_customer(engine, SUBJECTS["customer B"], CUSTOMER_B)
    provider.link_agent(engine, SUBJECTS["agent"], agents["alex"])
    provider.link_agent(engine, SUBJECTS["disabled agent"], agents["kim"])


def production_settings(environment: dict[str, str]) -> Settings:
    """Settings read from exactly this environment (and the process's for anything it leaves out)."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment.items():
            patch.setenv(name, value)
        settings = Settings()
    assert configuration_problems(settings) == [], "the matrix must run a production configuration that starts"
    return settings


@pytest.fixture(scope="module")
def served_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedGateway]:
    """The production gateway from its factory on a loopback port, for the whole test module."""
    directory: Path = tmp_path_factory.mktemp("served-gateway")
    database_url = f"sqlite:///{directory / 'bank.db'}"
    engine = make_engine(database_url)
    create_schema(engine)
    agents = _seed(engine)
    servers = LoopbackServers()
    rasa = RasaStandIn(replies=[{"text": "Hello!"}, {"text": "Anything else?", "buttons": [
        {"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]}])
    provider = IdentityProvider()

    async def start(environment: dict[str, str]) -> tuple[str, Settings]:
        rasa.url = await servers.serve(rasa_app(rasa))
        provider.url = await servers.serve(identity_provider_app(provider))
        # This bank keeps agents' password sign-in beside the identity provider, so the matrix covers both.
        settings = production_settings({**environment, "RASA_URL": rasa.url,
                                        **provider.env(AGENT_PASSWORD_SIGN_IN="1")})
        return await servers.serve(init_app(settings)), settings

    redis_prefix = fresh_redis_prefix()
    # Its own empty build folder: whether `make test` has built the knowledge index must not change what it answers.
    environment = {**production_environment(database_url, "", next(redis_prefix)), "BUILD_DIR": str(directory / "build")}
    url, settings = servers.run(start(environment))
    _link_callers(provider, engine, agents)
    yield ServedGateway(url, settings, engine, rasa, agents, servers, provider)
    servers.close()
    engine.dispose()
    redis_prefix.close()
