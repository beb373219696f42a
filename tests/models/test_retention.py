"""The close-account flow and the console's churn risk."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from assistant.models.artefacts import TrainedModels
from assistant.models.retention import HOW_TO_CLOSE, REASON_REPLIES, churn_risk, start_retention
from assistant.models.scoring import CustomerNotFound, churn_probability, customer_view
from assistant.settings import get_settings
from tests.models.conftest import CUSTOMERS, NOW


def _by_risk(bank: Session, models: TrainedModels) -> list[int]:
    risks = {n: churn_probability(models, customer_view(bank, n, NOW)) for n in range(1, CUSTOMERS + 1, 3)}
    return sorted(risks, key=risks.get)


def test_a_high_risk_customer_asking_to_close_gets_a_retention_offer_with_reasons(
        bank: Session, models: TrainedModels) -> None:
    riskiest = _by_risk(bank, models)[-1]
    answer = start_retention(bank, riskiest, models=models, now=NOW)
    assert answer.risk.at_risk and answer.risk.reasons and answer.offer is not None and answer.offer.reasons


def test_a_low_risk_customer_asking_to_close_is_told_how_without_an_offer(bank: Session, models: TrainedModels) -> None:
    safest = _by_risk(bank, models)[0]
    answer = start_retention(bank, safest, models=models, now=NOW)
    assert (answer.risk.at_risk, answer.offer, answer.how_to_close, answer.offer_person) == (
        False, None, HOW_TO_CLOSE, True)


def test_a_customer_at_risk_who_names_fees_is_offered_their_fees_back(bank: Session, models: TrainedModels) -> None:
    at_risk = [n for n in reversed(_by_risk(bank, models))
               if customer_view(bank, n, NOW).features["fees_3m"] >= 5][:1]
    answer = start_retention(bank, at_risk[0], "fees", models=models, now=NOW)
    assert answer.risk.risk >= get_settings().churn_high_risk and answer.offer.kind == "fee_refund"


def test_the_console_gets_the_risk_with_sentences_for_its_reasons(bank: Session, models: TrainedModels) -> None:
    risk = churn_risk(bank, _by_risk(bank, models)[-1], models=models, now=NOW)
    assert 0 <= risk.risk <= 1 and risk.reasons and all(r[0].islower() and " " in r for r in risk.reasons)


def test_a_reason_for_leaving_the_flow_does_not_know_is_refused(bank: Session, models: TrainedModels) -> None:
    with pytest.raises(ValueError, match="unknown reason for leaving 'bored'"):
        start_retention(bank, 1, "bored", models=models, now=NOW)


def test_an_unknown_customer_is_refused(bank: Session, models: TrainedModels) -> None:
    with pytest.raises(CustomerNotFound):
        churn_risk(bank, 99_999, models=models, now=NOW)


def test_the_reason_the_customer_gives_is_answered(bank: Session, models: TrainedModels) -> None:
    answer = start_retention(bank, 1, "rates", models=models, now=NOW)
    assert answer.reply == REASON_REPLIES["rates"]
