"""Fixtures for action tests: the real actions, a real rasa-sdk tracker and dispatcher, a real database."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.db import get_engine
from assistant.identity import conversation_id_for
from assistant.settings import get_settings
from tests.builders import CustomerRecords, build_customer


@pytest.fixture
def action_db(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """Point the action server's database at this test's fresh database."""
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    get_engine.cache_clear()
    yield engine
    get_engine.cache_clear()
    get_settings.cache_clear()


@pytest.fixture
def records(action_db: Engine) -> CustomerRecords:
    """One customer with accounts, cards, payees and bills, committed to the action database."""
    with Session(action_db, expire_on_commit=False) as db:
        return build_customer(db)


def make_tracker(
    customer_id: int | None,
    *,
    slots: dict[str, Any] | None = None,
    text: str = "",
    intent: str = "",
    entities: list[dict[str, Any]] | None = None,
    message_id: str = "msg-1",
    sender_id: str | None = None,
    active_loop: dict[str, Any] | None = None,
) -> Tracker:
    """A tracker as Rasa sends it: the sender id is the gateway-signed conversation id of the customer."""
    sender = sender_id if sender_id is not None else conversation_id_for(customer_id)  # type: ignore[arg-type]
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": entities or [],
        "message_id": message_id,
    }
    events = [{"event": "user", "text": text, "parse_data": latest, "message_id": message_id}]
    return Tracker(sender, slots or {}, latest, events, False, None, active_loop or {}, "action_listen")


async def run_action(action: Action, tracker: Tracker, domain: dict[str, Any] | None = None) -> tuple[list[dict], list[dict]]:
    """Run an action the way the action server does; returns (messages sent, events returned)."""
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, tracker, domain or {})
    if inspect.isawaitable(result):
        result = await result
    return dispatcher.messages, list(result or [])
