"""A handed-off chat carries the customer's churn risk and its reasons (or a clear "not scored")."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from actions.handoff import ActionHandoff
from assistant.handoff.churn import NOT_TRAINED
from assistant.handoff.models import HandoffTicket, TicketChurnRisk
from assistant.models.artefacts import current_models
from assistant.models.retention import churn_risk
from assistant.settings import get_settings
from tests.actions.conftest import make_tracker, run_action

CUSTOMER = 5


def ticket_and_risk(engine: Engine) -> tuple[HandoffTicket, TicketChurnRisk]:
    with Session(engine) as db:
        ticket = db.exec(select(HandoffTicket)).one()
        return ticket, db.get(TicketChurnRisk, ticket.id)


async def hand_off_customer() -> None:
    await run_action(ActionHandoff(), make_tracker(CUSTOMER, intent="request_human", text="can I talk to a person"))


async def test_the_handoff_scores_the_customers_churn_risk_with_its_reasons(offers_bank: Engine) -> None:
    await hand_off_customer()
    ticket, scored = ticket_and_risk(offers_bank)
    with Session(offers_bank) as db:
        expected = churn_risk(db, CUSTOMER)
    assert (scored.scored, scored.risk, scored.at_risk, scored.reasons) == (
        True, expected.risk, expected.at_risk, expected.reasons)
    assert ticket.churn_risk == expected.risk and scored.model_version.startswith("f")


async def test_without_a_trained_model_the_ticket_is_opened_and_marked_not_scored(
        offers_bank: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MODELS_DIR", str(tmp_path))
    get_settings.cache_clear()
    current_models.cache_clear()
    await hand_off_customer()
    ticket, scored = ticket_and_risk(offers_bank)
    assert (ticket.churn_risk, scored.scored, scored.risk, scored.reasons, scored.note) == (
        None, False, None, [], NOT_TRAINED)
