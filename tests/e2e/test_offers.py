"""Next best offer in the running assistant: "which credit card suits me?" gets an eligible card with its reasons,
and "why?" explains it."""

from __future__ import annotations

import pytest
from sqlmodel import Session, create_engine, select

from assistant.bank.models import Customer
from assistant.chat_client import ChatClient, button_payloads, custom_payloads, texts
from assistant.models.rules import CATALOGUE, allowed_products
from assistant.models.scoring import customer_view
from tests.e2e.stack import Stack

pytestmark = pytest.mark.e2e


def customer_who_may_have_a_credit_card(stack: Stack) -> tuple[int, set[str]]:
    """A seeded customer past the demo ones who qualifies for a credit card, and the products they hold."""
    engine = create_engine(stack.database_url)
    with Session(engine) as db:
        for customer_id in db.exec(select(Customer.id).where(Customer.id > 3).order_by(Customer.id)).all():
            view = customer_view(db, customer_id)
            if allowed_products(view.held, view.features, "credit_card"):
                engine.dispose()
                return customer_id, view.held
    raise AssertionError("no seeded customer qualifies for a credit card")


def test_which_credit_card_suits_me_gets_an_eligible_card_with_reasons_and_why_explains_it(stack: Stack) -> None:
    customer_id, held = customer_who_may_have_a_credit_card(stack)
    customer = ChatClient(stack.gateway_url, customer_id)

    offered = customer.say("which credit card suits me?")
    [offer] = custom_payloads(offered, "offer")
    product = CATALOGUE[offer["product_code"]]
    assert product.kind == "credit_card" and product.code not in held, texts(offered)
    assert offer["reasons"] and f'/accept_offer{{"product_code": "{product.code}"}}' in button_payloads(offered)

    explained = customer.say("why?")
    assert f"I suggested the {product.name} because {'; '.join(offer['reasons'])}." in texts(explained)
