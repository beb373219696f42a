"""Next best offer actions over a seeded bank with models trained on it: recommend, why, yes / no, suggestions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from actions.offers import (
    NOT_AVAILABLE,
    NOTHING_SHOWN,
    OFFER_SLOT,
    UNKNOWN_KIND,
    ActionAcceptOffer,
    ActionDeclineOffer,
    ActionExplainOffer,
    ActionRecommendOffer,
    ActionSuggestOffer,
)
from assistant.bank.models import Customer
from assistant.models.artefacts import current_models
from assistant.models.records import OfferEvent
from assistant.models.rules import CATALOGUE, allowed_products
from assistant.models.scoring import customer_view
from assistant.settings import get_settings
from tests.actions.conftest import make_tracker, run_action

CREDIT_CARD = [{"entity": "product_kind", "value": "credit card"}]


def first_customer(engine: Engine, fits: Callable[[set[str], dict[str, float]], bool]) -> int:
    """The first seeded customer whose held products and features pass `fits`."""
    with Session(engine) as db:
        for customer_id in db.exec(select(Customer.id).order_by(Customer.id)).all():
            view = customer_view(db, customer_id)
            if fits(view.held, view.features):
                return customer_id
    raise AssertionError("no seeded customer fits")


def may_have_a_credit_card(engine: Engine) -> int:
    return first_customer(engine, lambda held, features: bool(allowed_products(held, features, "credit_card")))


def events_of(engine: Engine, customer_id: int) -> list[tuple[str | None, str]]:
    with Session(engine) as db:
        rows = db.exec(select(OfferEvent).where(OfferEvent.customer_id == customer_id).order_by(OfferEvent.id)).all()
        return [(row.product_code, row.event) for row in rows]


async def recommend_a_credit_card(customer_id: int) -> tuple[list[dict], list[dict]]:
    tracker = make_tracker(customer_id, intent="ask_recommendation", text="which credit card suits me?",
                           entities=CREDIT_CARD)
    return await run_action(ActionRecommendOffer(), tracker)


async def test_a_credit_card_question_gets_an_eligible_card_with_reasons(offers_bank: Engine) -> None:
    customer_id = may_have_a_credit_card(offers_bank)
    messages, events = await recommend_a_credit_card(customer_id)
    code = events[0]["value"]
    with Session(offers_bank) as db:
        view = customer_view(db, customer_id)
    assert CATALOGUE[code].kind == "credit_card" and code not in view.held
    assert code in allowed_products(view.held, view.features, "credit_card")
    assert messages[0]["text"].startswith(f"I'd suggest the {CATALOGUE[code].name}.")
    assert "Why I think it suits you:" in messages[0]["text"] and messages[0]["custom"]["reasons"]


async def test_the_offer_is_recorded_as_shown_and_kept_in_a_slot(offers_bank: Engine) -> None:
    customer_id = may_have_a_credit_card(offers_bank)
    _, events = await recommend_a_credit_card(customer_id)
    assert events[0]["name"] == OFFER_SLOT
    assert events_of(offers_bank, customer_id) == [(events[0]["value"], "shown")]


async def test_the_offer_carries_yes_no_and_why_buttons_for_its_product(offers_bank: Engine) -> None:
    customer_id = may_have_a_credit_card(offers_bank)
    messages, events = await recommend_a_credit_card(customer_id)
    payloads = [button["payload"] for button in messages[0]["buttons"]]
    assert payloads == [f'/accept_offer{{"product_code": "{events[0]["value"]}"}}',
                        f'/decline_offer{{"product_code": "{events[0]["value"]}"}}', "/ask_offer_reason"]


async def test_a_kind_named_as_an_account_type_still_picks_that_kind(offers_bank: Engine) -> None:
    customer_id = first_customer(offers_bank, lambda held, features: bool(allowed_products(held, features, "savings")))
    tracker = make_tracker(customer_id, intent="ask_recommendation",
                           entities=[{"entity": "account_type", "value": "savings"}])
    _, events = await run_action(ActionRecommendOffer(), tracker)
    assert CATALOGUE[events[0]["value"]].kind == "savings"


async def test_a_customer_who_does_not_qualify_for_credit_gets_no_credit_product(offers_bank: Engine) -> None:
    customer_id = first_customer(offers_bank,
                                 lambda held, features: not allowed_products(held, features, "credit_card"))
    messages, events = await recommend_a_credit_card(customer_id)
    assert messages[0]["text"].startswith("I don't have a credit card product to suggest for you right now")
    assert events == [] and events_of(offers_bank, customer_id) == []


async def test_a_product_kind_the_bank_does_not_sell_is_answered_with_the_kinds_it_does(offers_bank: Engine) -> None:
    tracker = make_tracker(1, intent="ask_recommendation", entities=[{"entity": "product_kind", "value": "mortgage"}])
    messages, events = await run_action(ActionRecommendOffer(), tracker)
    assert messages[0]["text"] == UNKNOWN_KIND and events == []


async def test_why_explains_the_offer_just_made_with_the_same_reasons(offers_bank: Engine) -> None:
    customer_id = may_have_a_credit_card(offers_bank)
    offered, events = await recommend_a_credit_card(customer_id)
    code = events[0]["value"]
    messages, _ = await run_action(ActionExplainOffer(), make_tracker(customer_id, intent="ask_offer_reason",
                                                                      text="why?", slots={OFFER_SLOT: code}))
    reasons = offered[0]["custom"]["reasons"]
    assert messages[0]["text"] == f"I suggested the {CATALOGUE[code].name} because {'; '.join(reasons)}."


async def test_why_before_any_offer_says_nothing_was_suggested(offers_bank: Engine) -> None:
    messages, events = await run_action(ActionExplainOffer(), make_tracker(2, intent="ask_offer_reason", text="why?"))
    assert messages[0]["text"] == NOTHING_SHOWN and events == []


async def test_yes_to_an_offer_is_recorded_as_accepted(offers_bank: Engine) -> None:
    customer_id = may_have_a_credit_card(offers_bank)
    _, events = await recommend_a_credit_card(customer_id)
    code = events[0]["value"]
    tracker = make_tracker(customer_id, intent="accept_offer", entities=[{"entity": "product_code", "value": code}])
    messages, _ = await run_action(ActionAcceptOffer(), tracker)
    assert events_of(offers_bank, customer_id) == [(code, "shown"), (code, "accepted")]
    assert messages[0]["text"].startswith(f"Great, I've noted that you'd like the {CATALOGUE[code].name}.")


async def test_no_to_an_offer_is_recorded_as_declined(offers_bank: Engine) -> None:
    customer_id = may_have_a_credit_card(offers_bank)
    _, events = await recommend_a_credit_card(customer_id)
    code = events[0]["value"]
    messages, answer = await run_action(ActionDeclineOffer(), make_tracker(customer_id, intent="decline_offer",
                                                                           slots={OFFER_SLOT: code}))
    assert events_of(offers_bank, customer_id) == [(code, "shown"), (code, "declined")]
    assert answer == [{"event": "slot", "timestamp": None, "name": OFFER_SLOT, "value": None}]


async def test_accepting_a_product_never_offered_records_nothing(offers_bank: Engine) -> None:
    tracker = make_tracker(3, intent="accept_offer", entities=[{"entity": "product_code", "value": "travel_card"}])
    messages, _ = await run_action(ActionAcceptOffer(), tracker)
    assert messages[0]["text"] == NOTHING_SHOWN and events_of(offers_bank, 3) == []


def after_spending_summary(customer_id: int):
    tracker = make_tracker(customer_id, intent="spending_summary", text="how much did I spend last month?")
    tracker.events.append({"event": "action", "name": "action_spending_summary"})
    return tracker


async def first_suggestion(engine: Engine) -> tuple[int, list[dict]]:
    with Session(engine) as db:
        ids = db.exec(select(Customer.id).order_by(Customer.id)).all()
    for customer_id in ids:
        messages, _ = await run_action(ActionSuggestOffer(), after_spending_summary(customer_id))
        if messages:
            return customer_id, messages
    raise AssertionError("nobody was suggested anything")


async def test_a_spending_summary_can_be_followed_by_a_credit_card_with_reasons(offers_bank: Engine) -> None:
    customer_id, messages = await first_suggestion(offers_bank)
    code = messages[0]["custom"]["product_code"]
    assert CATALOGUE[code].kind == "credit_card"
    assert messages[0]["text"].startswith(f"By the way, something that could suit you: the {CATALOGUE[code].name}.")
    assert events_of(offers_bank, customer_id) == [(code, "shown")]


async def test_at_most_one_suggestion_a_week(offers_bank: Engine) -> None:
    customer_id, _ = await first_suggestion(offers_bank)
    messages, events = await run_action(ActionSuggestOffer(), after_spending_summary(customer_id))
    assert messages == [] and events == [] and len(events_of(offers_bank, customer_id)) == 1


async def test_nothing_is_suggested_without_a_related_answer_first(offers_bank: Engine) -> None:
    customer_id, _ = await first_suggestion(offers_bank)
    with Session(offers_bank) as db:
        db.exec(OfferEvent.__table__.delete())
        db.commit()
    messages, _ = await run_action(ActionSuggestOffer(), make_tracker(customer_id, intent="greet"))
    assert messages == [] and events_of(offers_bank, customer_id) == []


async def test_without_trained_models_the_customer_is_told_recommendations_are_unavailable(
        offers_bank: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MODELS_DIR", str(tmp_path))
    get_settings.cache_clear()
    current_models.cache_clear()
    messages, events = await run_action(ActionRecommendOffer(), make_tracker(1, intent="ask_recommendation"))
    assert messages[0]["text"] == NOT_AVAILABLE and events == []


async def test_an_unsigned_conversation_gets_no_offer(offers_bank: Engine) -> None:
    messages, events = await run_action(ActionRecommendOffer(), make_tracker(None, sender_id="cust-1-forged"))
    assert "sign in again" in messages[0]["text"] and events == [] and events_of(offers_bank, 1) == []
