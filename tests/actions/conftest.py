"""Fixtures for action tests: the real actions, a real rasa-sdk tracker and dispatcher, a real database."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.engine import Engine
from sqlmodel import Session, delete

from assistant.db import get_engine, make_engine, utcnow
from assistant.handoff.models import HandoffTicket, TicketChurnRisk
from assistant.identity import conversation_id_for
from assistant.models.artefacts import current_models
from assistant.models.records import OfferEvent
from assistant.settings import get_settings
from tests.builders import CustomerRecords, build_customer
from tests.trained_banks import trained_bank_folder

TRAINED_BANK_CUSTOMERS = 400


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


@dataclass(frozen=True)
class TrainedBank:
    """A seeded bank (as of today) and the folder its churn and offer models were trained into."""

    engine: Engine
    models_dir: Path


@pytest.fixture(scope="session")
def trained_bank_today(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TrainedBank]:
    """400 seeded customers as of today, and both models trained on them (the actions score customers now; built
    once per run)."""
    folder = trained_bank_folder(tmp_path_factory, "offers-bank", TRAINED_BANK_CUSTOMERS, utcnow().date())
    engine = make_engine(f"sqlite:///{folder / 'bank.db'}")
    yield TrainedBank(engine, folder / "models")
    engine.dispose()


@pytest.fixture
def offers_bank(trained_bank_today: TrainedBank, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The action server pointed at the trained bank and its models; offers and tickets are wiped afterwards."""
    monkeypatch.setenv("DATABASE_URL", trained_bank_today.engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("MODELS_DIR", str(trained_bank_today.models_dir))
    _forget_configuration()
    yield trained_bank_today.engine
    with Session(trained_bank_today.engine) as db:
        for table in (OfferEvent, TicketChurnRisk, HandoffTicket):
            db.exec(delete(table))
        db.commit()
    _forget_configuration()


def _forget_configuration() -> None:
    get_settings.cache_clear()
    get_engine.cache_clear()
    current_models.cache_clear()
