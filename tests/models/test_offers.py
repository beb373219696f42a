"""Next best offer: never a product held, credit only for those who qualify, reasons with every offer."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from assistant.models.artefacts import TrainedModels
from assistant.models.contact import OfferNotShown, answer_offer
from assistant.models.offers import (
    NoOfferShown,
    UnknownProductKind,
    explain_offer,
    kind_from_words,
    ranked_offers,
    recommend,
)
from assistant.models.records import OfferEvent
from assistant.models.rules import CATALOGUE, why_not
from assistant.models.scoring import PRODUCT_FACTS, customer_view, product_reasons
from assistant.seed.writer import seed_bank
from tests.models.conftest import AS_OF as BANK_AS_OF
from tests.models.conftest import CUSTOMERS, NOW

CREDIT = [code for code, product in CATALOGUE.items() if product.is_credit]


def test_an_offer_never_includes_a_product_the_customer_holds(bank: Session, models: TrainedModels) -> None:
    clashes = []
    for customer_id in range(1, 121):
        view = customer_view(bank, customer_id, NOW)
        clashes += [offer.product_code for offer in ranked_offers(models, view, limit=9)
                    if offer.product_code in view.held]
    assert clashes == []


def test_a_customer_who_does_not_qualify_for_credit_is_offered_no_credit_product(
        bank: Session, models: TrainedModels) -> None:
    refused = [view for view in (customer_view(bank, n, NOW) for n in range(1, CUSTOMERS + 1))
               if all(why_not(code, view.held, view.features) is not None for code in CREDIT)]
    offered = [offer.product_code for view in refused for offer in ranked_offers(models, view, limit=9)]
    assert len(refused) >= 5 and not set(offered) & set(CREDIT)


def test_which_credit_card_suits_me_returns_eligible_cards_with_reasons(bank: Session, models: TrainedModels) -> None:
    offers = recommend(bank, 1, "credit_card", models=models, now=NOW)
    view = customer_view(bank, 1, NOW)
    assert offers and all(CATALOGUE[o.product_code].kind == "credit_card" and o.reasons
                          and why_not(o.product_code, view.held, view.features) is None for o in offers)


def test_offers_come_best_first(bank: Session, models: TrainedModels) -> None:
    scores = [offer.score for offer in recommend(bank, 5, models=models, now=NOW)]
    assert len(scores) >= 2 and scores == sorted(scores, reverse=True)


def test_recommending_records_each_offer_as_shown(bank: Session, models: TrainedModels) -> None:
    offers = recommend(bank, 7, models=models, now=NOW)
    shown = bank.exec(select(OfferEvent.product_code).where(OfferEvent.customer_id == 7,
                                                            OfferEvent.event == "shown")).all()
    assert sorted(shown) == sorted(offer.product_code for offer in offers)


def test_an_unknown_kind_of_product_is_refused_with_a_sentence(bank: Session, models: TrainedModels) -> None:
    with pytest.raises(UnknownProductKind, match="we do not sell products of the kind 'mortgage'"):
        recommend(bank, 1, "mortgage", models=models, now=NOW)


def test_why_this_offer_explains_the_offer_last_shown(bank: Session, models: TrainedModels) -> None:
    offer = recommend(bank, 1, "credit_card", models=models, now=NOW, limit=1)[0]
    explanation = explain_offer(bank, 1, models=models, now=NOW)
    assert (explanation.product_code, explanation.offered, explanation.reasons) == (
        offer.product_code, True, offer.reasons)


def test_why_not_a_product_already_held_says_it_is_held(bank: Session, models: TrainedModels) -> None:
    explanation = explain_offer(bank, 1, "cashback_card", models=models, now=NOW)
    assert (explanation.offered, explanation.reasons) == (False, ["You already have the Cashback Credit Card."])


def test_accepting_an_offer_shown_is_recorded(bank: Session, models: TrainedModels) -> None:
    offer = recommend(bank, 9, models=models, now=NOW, limit=1)[0]
    answer = answer_offer(bank, 9, offer.product_code, accepted=True, now=NOW)
    assert (answer.event, answer.product_code) == ("accepted", offer.product_code)


def test_answering_an_offer_never_shown_is_refused(bank: Session) -> None:
    with pytest.raises(OfferNotShown):
        answer_offer(bank, 11, "travel_card", accepted=False, now=NOW)


def test_reasons_for_a_product_only_name_facts_that_bear_on_it(bank: Session, models: TrainedModels) -> None:
    stray = []
    for customer_id in range(1, 41):
        view = customer_view(bank, customer_id, NOW)
        for offer in ranked_offers(models, view, limit=3):
            stray += [r.feature for r in product_reasons(models, view, offer.product_code)
                      if r.feature not in PRODUCT_FACTS[offer.product_code]]
    assert stray == []


def test_offers_shown_are_kept_on_postgresql(postgres_engine, models: TrainedModels) -> None:
    seed_bank(postgres_engine, customers=5, seed=7, as_of=BANK_AS_OF, progress=False)
    with Session(postgres_engine) as session:
        offers = recommend(session, 4, models=models, now=NOW)
        session.commit()
    with Session(postgres_engine) as session:
        kept = session.exec(select(OfferEvent.product_code).where(OfferEvent.customer_id == 4)).all()
    assert offers and sorted(kept) == sorted(offer.product_code for offer in offers)


def test_asking_why_before_any_offer_was_shown_is_refused(bank: Session, models: TrainedModels) -> None:
    with pytest.raises(NoOfferShown, match="has not been shown an offer"):
        explain_offer(bank, 13, models=models, now=NOW)


@pytest.mark.parametrize(("words", "kind"), [("which credit card suits me?", "credit_card"),
                                             ("somewhere to put my savings", "savings"), ("an ISA", "savings"),
                                             ("I need to borrow money", "loan"), ("a better account", "current")])
def test_the_kind_of_product_is_read_from_the_customers_words(words: str, kind: str) -> None:
    assert kind_from_words(words) == kind


def test_words_naming_no_kind_of_product_are_refused_with_a_sentence() -> None:
    with pytest.raises(UnknownProductKind, match="ask about a card, savings, a loan or an account"):
        kind_from_words("something nice")
