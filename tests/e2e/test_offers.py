"""Next best offer in the running assistant: "which credit card suits me?" gets an eligible card with its reasons,
and "why?" explains it."""

from __future__ import annotations

import pytest
from sqlmodel import Session, create_engine, select

from assistant.bank.models import Customer
from assistant.chat_client import button_payloads, custom_payloads, texts
from assistant.models.artefacts import load
from assistant.models.offers import QUALIFIES, Offer, ranked_offers
from assistant.models.rules import CATALOGUE
from assistant.models.scoring import customer_view
from assistant.local_stack import Stack

pytestmark = pytest.mark.e2e


def customer_with_a_model_reason_for_a_card(stack: Stack) -> tuple[int, set[str], Offer]:
    """A seeded customer past the demo ones who qualifies for a credit card and for whose best card the model
    itself gives a reason (not only eligibility), with the products they hold and that best card."""
    models = load(stack.workdir / "models")
    engine = create_engine(stack.database_url)
    try:
        with Session(engine) as db:
            for customer_id in db.exec(select(Customer.id).where(Customer.id > 3).order_by(Customer.id)).all():
                view = customer_view(db, customer_id)
                best = ranked_offers(models, view, "credit_card", limit=1)
                if best and best[0].reasons != [QUALIFIES]:
                    return customer_id, view.held, best[0]
    finally:
        engine.dispose()
    raise AssertionError("no seeded customer has a credit card the model gives reasons for")


def test_which_credit_card_suits_me_gets_an_eligible_card_with_the_models_reasons_and_why_explains_it(
    stack: Stack,
) -> None:
    customer_id, held, expected = customer_with_a_model_reason_for_a_card(stack)
    customer = stack.chat_as(customer_id)

    offered = customer.say("which credit card suits me?")
    [offer] = custom_payloads(offered, "offer")
    product = CATALOGUE[offer["product_code"]]
    assert product.kind == "credit_card" and product.code not in held, texts(offered)
    assert (offer["product_code"], offer["reasons"]) == (expected.product_code, expected.reasons)
    assert f'/accept_offer{{"product_code": "{product.code}"}}' in button_payloads(offered)

    explained = customer.say("why?")
    assert f"I suggested the {product.name} because {'; '.join(offer['reasons'])}." in texts(explained)
