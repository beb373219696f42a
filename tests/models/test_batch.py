"""Batch scoring: every customer scored with reasons; retention offers queued for the riskiest, throttled."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, func, select

from assistant.models.artefacts import TrainedModels
from assistant.models.batch import score_all
from assistant.models.records import ChurnScore, OfferEvent
from tests.models.conftest import CUSTOMERS, NOW


def test_every_customer_is_scored_and_keeps_reasons_for_the_console(bank: Session, models: TrainedModels) -> None:
    score_all(bank, models=models, now=NOW, limit=0, progress=False)
    scores = bank.exec(select(ChurnScore)).all()
    risky = [s for s in scores if s.risk >= 0.5]
    assert len(scores) == CUSTOMERS and risky and all(s.reasons for s in risky)


def test_no_more_offers_are_queued_than_the_limit_and_each_goes_to_the_outbox(
        bank: Session, models: TrainedModels) -> None:
    delivered = []
    summary = score_all(bank, models=models, now=NOW, limit=3, progress=False,
                        outbox=lambda session, customer_id, offer, risk: delivered.append((customer_id, offer.kind)))
    queued = bank.exec(select(func.count()).select_from(OfferEvent).where(OfferEvent.event == "queued")).one()
    assert summary.at_risk > 3 and (summary.offers_queued, queued, len(delivered)) == (3, 3, 3)


def test_a_second_run_within_a_week_queues_nothing_for_customers_already_contacted(
        bank: Session, models: TrainedModels) -> None:
    first = score_all(bank, models=models, now=NOW, limit=5, progress=False)
    second = score_all(bank, models=models, now=NOW + timedelta(days=1), limit=first.offers_queued, progress=False)
    contacted = bank.exec(select(OfferEvent.customer_id).where(OfferEvent.event == "queued")).all()
    assert first.offers_queued == 5 and second.skipped_by_contact_policy >= 5 and len(set(contacted)) == len(contacted)
