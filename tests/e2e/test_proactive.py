"""Proactive messages end to end: a signed request from the push service reaches the customer's conversation, and
in an open web chat "No, it wasn't me" freezes the card."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, create_engine, select

from assistant.bank.models import Card, CardStatus, Dispute, Transaction
from assistant.chat_client import texts
from assistant.signing import sign
from assistant.local_stack import Stack
from tests.e2e.web_chat import phone_chat

pytestmark = pytest.mark.e2e

# Demo customers 1 and 2 are used by the other end-to-end tests; Tom Baker (3) is the one whose card gets frozen.
TOM = 3
HTTP_CUSTOMER = 7


def _db(stack: Stack) -> Session:
    return Session(create_engine(stack.database_url))


def _card_purchase(stack: Stack, customer_id: int) -> Transaction:
    """The customer's latest purchase made with a card that is still active."""
    with _db(stack) as db:
        return db.exec(
            select(Transaction).join(Card, Card.id == Transaction.card_id)
            .where(Transaction.customer_id == customer_id, Transaction.amount_minor < 0,
                   Card.status == CardStatus.active)
            .order_by(Transaction.booked_at.desc())
        ).first()


def _send_proactive(stack: Stack, body: dict) -> dict:
    """POST /api/v1/proactive signed as the push-notification service signs it."""
    raw = json.dumps(body).encode()
    headers = {"Content-Type": "application/json", **sign(raw, stack.env["PROACTIVE_SECRET"])}
    request = urllib.request.Request(stack.gateway_url + "/api/v1/proactive", data=raw, headers=headers,
                                     method="POST")
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def _unusual_purchase(transaction: Transaction, customer_id: int) -> dict:
    return {"customer_id": customer_id, "event": "unusual_purchase", "idempotency_key": f"e2e-{time.time_ns()}",
            "data": {"transaction_id": transaction.external_id, "alert_id": None, "reason": "far larger than usual"}}


def test_a_signed_request_returns_the_notification_and_the_message_is_in_the_history(stack: Stack) -> None:
    purchase = _card_purchase(stack, HTTP_CUSTOMER)
    customer = stack.chat_as(HTTP_CUSTOMER)

    sent = _send_proactive(stack, _unusual_purchase(purchase, HTTP_CUSTOMER))

    assert (sent["notification"]["title"], sent["duplicate"]) == ("Was this you?", False)
    proactive = [m for m in customer.history() if m.get("proactive")]
    assert proactive and proactive[-1]["text"].startswith("Was this you?"), customer.history()
    assert purchase.merchant in proactive[-1]["text"]


def test_yes_it_was_me_is_thanked_and_leaves_the_card_active(stack: Stack) -> None:
    purchase = _card_purchase(stack, HTTP_CUSTOMER)
    customer = stack.chat_as(HTTP_CUSTOMER)
    _send_proactive(stack, _unusual_purchase(purchase, HTTP_CUSTOMER))

    replies = customer.say("/confirm_purchase")

    assert "Thanks for confirming" in texts(replies)
    with _db(stack) as db:
        assert CardStatus(db.get(Card, purchase.card_id).status) == CardStatus.active


@pytest.fixture
def tom(browser: Browser, stack: Stack) -> Iterator[Page]:
    """The web chat signed in as Tom Baker, with the live channel open."""
    with phone_chat(browser, stack, TOM) as chat:
        expect(chat.locator("body[data-live=on]")).to_have_count(1, timeout=15_000)
        yield chat


@pytest.mark.browser
def test_an_unusual_purchase_appears_in_the_open_chat_and_no_freezes_the_card(tom: Page, stack: Stack) -> None:
    purchase = _card_purchase(stack, TOM)

    sent = _send_proactive(stack, _unusual_purchase(purchase, TOM))

    assert sent["delivered_live"] is True
    question = tom.locator("li.from-bot.proactive").last
    expect(question).to_contain_text("Was this you?", timeout=10_000)
    expect(question).to_contain_text(purchase.merchant)
    tom.get_by_role("button", name="No, it wasn't me").last.click()  # earlier questions keep theirs, disabled
    expect(tom.locator("li.from-bot", has_text="I've frozen your")).to_be_visible(timeout=30_000)
    expect(tom.locator("#handoff-banner")).to_be_visible()
    with _db(stack) as db:
        assert CardStatus(db.get(Card, purchase.card_id).status) == CardStatus.frozen
        assert db.exec(select(Dispute).where(Dispute.transaction_id == purchase.id)).first() is not None
