"""The close-account retention flow's actions over a seeded bank with models trained on it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from actions.retention import (
    HEARD,
    REASON_SLOT,
    ActionExplainClosing,
    ActionRetentionOffer,
    ValidateRetentionForm,
)
from assistant.bank.models import Customer
from assistant.models.artefacts import current_models
from assistant.models.retention import HOW_TO_CLOSE, churn_risk
from assistant.settings import get_settings
from tests.actions.conftest import make_tracker, run_action

PERSON = {"title": "Talk to a person", "payload": "/request_human"}


def customer_by_risk(engine: Engine, at_risk: bool) -> int:
    """The first seeded customer the churn model puts at risk (or not)."""
    with Session(engine) as db:
        for customer_id in db.exec(select(Customer.id).order_by(Customer.id)).all():
            if churn_risk(db, customer_id).at_risk == at_risk:
                return customer_id
    raise AssertionError("no seeded customer fits")


def gave_reason(customer_id: int, reason: str):
    return make_tracker(customer_id, intent="inform", slots={REASON_SLOT: reason})


async def test_a_customer_at_high_risk_asking_to_close_gets_a_retention_offer_with_reasons(offers_bank: Engine) -> None:
    customer_id = customer_by_risk(offers_bank, at_risk=True)
    messages, events = await run_action(ActionRetentionOffer(), gave_reason(customer_id, "other"))
    text = messages[0]["text"]
    assert text.startswith(f"{HEARD['other']} Before you go, could I offer you ")
    assert " I'm suggesting it because " in text and messages[0]["custom"]["reasons"]
    assert messages[0]["buttons"][-1] == {"title": "No, I still want to close", "payload": "/deny"}
    assert events[0] == {"event": "slot", "timestamp": None, "name": REASON_SLOT, "value": None}


async def test_a_customer_not_at_risk_is_told_how_to_close_and_offered_a_person(offers_bank: Engine) -> None:
    customer_id = customer_by_risk(offers_bank, at_risk=False)
    messages, _ = await run_action(ActionRetentionOffer(), gave_reason(customer_id, "moving"))
    assert messages[0]["text"] == f"{HEARD['moving']} {HOW_TO_CLOSE}"
    assert messages[0]["buttons"] == [PERSON]


async def test_the_reason_given_is_answered_first(offers_bank: Engine) -> None:
    customer_id = customer_by_risk(offers_bank, at_risk=False)
    messages, _ = await run_action(ActionRetentionOffer(), gave_reason(customer_id, "my fees are far too high"))
    assert messages[0]["text"].startswith(HEARD["fees"])


async def test_insisting_on_closing_explains_how_and_offers_a_person(offers_bank: Engine) -> None:
    customer_id = customer_by_risk(offers_bank, at_risk=True)
    messages, _ = await run_action(ActionExplainClosing(), make_tracker(customer_id, intent="deny"))
    assert messages[0]["text"] == f"I understand. {HOW_TO_CLOSE}" and messages[0]["buttons"] == [PERSON]


@pytest.mark.parametrize(("said", "reason"), [("fees", "fees"), ("I found better rates at another bank", "rates"),
                                              ("the app is useless", "service"), ("I'm emigrating", "moving"),
                                              ("no particular reason", "other")])
def test_the_reason_in_the_customers_words_becomes_one_the_services_know(said: str, reason: str) -> None:
    assert ValidateRetentionForm().validate_leaving_reason(said, None, None, {}) == {REASON_SLOT: reason}


async def test_without_trained_models_the_customer_is_still_told_how_to_close(
        offers_bank: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MODELS_DIR", str(tmp_path))
    get_settings.cache_clear()
    current_models.cache_clear()
    messages, _ = await run_action(ActionRetentionOffer(), gave_reason(1, "service"))
    assert messages[0]["text"] == f"{HEARD['service']} {HOW_TO_CLOSE}" and messages[0]["buttons"] == [PERSON]
