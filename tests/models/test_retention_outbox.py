"""The batch job's retention offers reach the alert outbox: product offers as pushable `offer` alerts, others as
follow-ups for the bank's team; throttled by the batch limit, the contact policy and one alert a day."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from assistant.alerts.models import Alert, OutboxMessage
from assistant.db import make_engine
from assistant.models.__main__ import main
from assistant.models.artefacts import TrainedModels
from assistant.models.batch import score_all
from assistant.models.retention import ChurnRisk, RetentionOffer
from assistant.models.retention_outbox import FOLLOW_UP_KIND, OFFER_KIND, queue_retention_offer
from assistant.proactive.requests import parse_request
from tests.models.conftest import NOW, TrainedBank

RISK = ChurnRisk(0.7, True, ["your balance has fallen for three months"], ["months_balance_fell"])
SAVER = RetentionOffer("product", "Easy Saver", "An easy-access savings account.", "easy_saver",
                       ["you keep a large balance in your current account"])
REFUND = RetentionOffer("fee_refund", "A refund of the £42.00 in fees", "We would like to refund the fees.")


@pytest.fixture
def bank(trained_bank: TrainedBank, tmp_path: Path) -> Iterator[Session]:
    """A session on a copy of the trained bank (the alert outbox commits its savepoints, so no shared rollback)."""
    copy = tmp_path / "bank.db"
    shutil.copy(trained_bank.engine.url.database, copy)
    engine = make_engine(f"sqlite:///{copy}")
    with Session(engine) as session:
        yield session
    engine.dispose()


def outbox(bank: Session) -> list[OutboxMessage]:
    return list(bank.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all())


def test_a_product_offer_becomes_an_offer_alert_whose_push_the_gateway_accepts(bank: Session) -> None:
    alert = queue_retention_offer(bank, 1, SAVER, RISK)
    [message] = outbox(bank)
    request = parse_request(message.payload)
    assert (alert.kind, message.alert_id, request.customer_id, request.event) == (OFFER_KIND, alert.id, 1, "offer")
    assert request.data == {"product_code": "easy_saver", "reason": "Easy Saver"}
    assert message.payload["data"]["reasons"] == SAVER.reasons


def test_an_offer_that_is_not_a_product_is_kept_for_the_team_and_not_pushed(bank: Session) -> None:
    alert = queue_retention_offer(bank, 1, REFUND, RISK)
    assert (alert.kind, alert.reason, alert.data["reasons"], outbox(bank)) == (
        FOLLOW_UP_KIND, REFUND.title, RISK.reasons, [])


def test_the_same_offer_twice_in_a_day_is_queued_once(bank: Session) -> None:
    first = queue_retention_offer(bank, 1, SAVER, RISK)
    again = queue_retention_offer(bank, 1, SAVER, RISK)
    assert first is not None and again is None and len(outbox(bank)) == 1


def test_the_batch_sends_at_most_its_limit_of_offers_to_the_outbox(bank: Session, models: TrainedModels) -> None:
    summary = score_all(bank, models=models, now=NOW, limit=4, outbox=queue_retention_offer, progress=False)
    alerts = bank.exec(select(Alert).where(Alert.kind.in_((OFFER_KIND, FOLLOW_UP_KIND)))).all()
    pushed = [a for a in alerts if a.kind == OFFER_KIND]
    assert summary.at_risk > 4 and summary.offers_queued == len(alerts) == 4
    assert len(outbox(bank)) == len(pushed)


def test_a_second_batch_within_a_week_pushes_nothing_more_to_those_contacted(bank: Session,
                                                                            models: TrainedModels) -> None:
    first = score_all(bank, models=models, now=NOW, limit=4, outbox=queue_retention_offer, progress=False)
    alerts_before = bank.exec(select(func.count()).select_from(Alert)).one()
    second = score_all(bank, models=models, now=NOW + timedelta(days=1), limit=first.offers_queued,
                       outbox=queue_retention_offer, progress=False)
    customers = bank.exec(select(Alert.customer_id)).all()
    assert second.skipped_by_contact_policy >= 4 and len(set(customers)) == len(customers)
    assert bank.exec(select(func.count()).select_from(Alert)).one() - alerts_before == second.offers_queued


def test_the_batch_command_commits_offers_to_the_outbox(bank: Session, trained_bank: TrainedBank, capsys) -> None:
    code = main(["--database-url", str(bank.get_bind().url), "--models-dir", str(trained_bank.models_dir), "--quiet",
                 "batch"])
    alerts = bank.exec(select(func.count()).select_from(Alert).where(
        Alert.kind.in_((OFFER_KIND, FOLLOW_UP_KIND)))).one()
    said = capsys.readouterr().out
    assert code == 0 and alerts > 0 and f"{alerts} retention offers sent to the alert outbox" in said
