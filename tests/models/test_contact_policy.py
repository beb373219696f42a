"""At most one unsolicited offer a week; offers the customer asked for do not count."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from assistant.models.artefacts import TrainedModels
from assistant.models.contact import may_contact, record_event
from assistant.models.offers import recommend, suggest_after
from tests.models.conftest import NOW


def _suggestible(bank: Session, models: TrainedModels) -> int:
    """A customer to whom a suggestion after a spending summary would be made."""
    for customer_id in range(1, 200):
        if suggest_after(bank, customer_id, "spending", models=models, now=NOW, min_score=0.0) is not None:
            bank.rollback()
            return customer_id
    raise AssertionError("no customer gets a suggestion")


def test_a_second_unsolicited_offer_in_the_same_week_is_not_made(bank: Session, models: TrainedModels) -> None:
    customer_id = _suggestible(bank, models)
    first = suggest_after(bank, customer_id, "spending", models=models, now=NOW, min_score=0.0)
    second = suggest_after(bank, customer_id, "spending", models=models, now=NOW + timedelta(days=6), min_score=0.0)
    assert first is not None and second is None


def test_an_unsolicited_offer_is_allowed_again_after_a_week(bank: Session, models: TrainedModels) -> None:
    customer_id = _suggestible(bank, models)
    suggest_after(bank, customer_id, "spending", models=models, now=NOW, min_score=0.0)
    assert (may_contact(bank, customer_id, NOW + timedelta(days=6, hours=23)),
            may_contact(bank, customer_id, NOW + timedelta(days=7))) == (False, True)


def test_offers_the_customer_asked_for_do_not_use_up_the_weekly_contact(bank: Session, models: TrainedModels) -> None:
    recommend(bank, 3, models=models, now=NOW)
    assert may_contact(bank, 3, NOW)


def test_an_offer_queued_by_the_batch_counts_as_contact(bank: Session) -> None:
    record_event(bank, 4, None, "queued", unsolicited=True, context="batch:fee_refund", now=NOW)
    assert not may_contact(bank, 4, NOW + timedelta(days=3))


def test_no_suggestion_follows_a_skill_unrelated_to_any_product(bank: Session, models: TrainedModels) -> None:
    assert suggest_after(bank, 2, "greeting", models=models, now=NOW, min_score=0.0) is None
