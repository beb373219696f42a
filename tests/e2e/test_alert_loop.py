"""The alert loop as `make run` runs it: a suspicious card payment posted to the core-banking feed is scored by the
feed, written to the outbox, delivered by the outbox worker to the push-service simulator, forwarded to
/api/v1/proactive and shown in the customer's chat; the customer's "yes, it was me" is recorded on the alert."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, create_engine, select

from assistant.alerts.models import Alert, AlertAnswer, AlertKind, OutboxMessage
from assistant.bank.models import Account, Card, CardStatus
from assistant.chat_client import texts
from assistant.feed.client import post_transactions
from assistant.local_stack import Stack

pytestmark = pytest.mark.e2e

# Tom Baker (demo persona 3) is the customer the proactive tests already use for "was this you?"; this module
# runs before test_proactive.py, which hands Tom to a person (and while a person has the chat the bot stays quiet).
# Customer 12 is not a persona and is used by no other end-to-end test.
TOM = 3
HTTP_CUSTOMER = 12
LOOP_TIMEOUT = 30.0  # seconds: the outbox polls every second, then two HTTP hops and a Rasa turn


def _db(stack: Stack) -> Session:
    return Session(create_engine(stack.database_url))


def _suspicious_purchase(stack: Stack, customer_id: int) -> dict:
    """A £4,850 jewellery purchase abroad at 3am on one of the customer's cards (far outside any pattern)."""
    with _db(stack) as db:
        # An active card if there is one; else a frozen one (test_proactive freezes Tom's), as a payment
        # authorised before a freeze is still booked afterwards.
        card, account = db.exec(
            select(Card, Account).join(Account, Account.id == Card.account_id)
            .where(Account.customer_id == customer_id)
            .order_by(Card.status != CardStatus.active, Card.id)
        ).first()
        currency = account.currency
    today = datetime.now(timezone.utc).replace(hour=3, minute=12, second=0, microsecond=0)
    return {"transaction_id": f"e2e-loop-{customer_id}-{time.time_ns()}", "customer_id": customer_id,
            "account_id": account.id, "card_id": card.id, "booked_at": today.isoformat(),
            "amount": "-4850.00", "currency": currency, "merchant": "Joalharia Aurora Lisboa",
            "category": "jewellery", "channel": "card_present", "country": "PT"}


def _post_feed(stack: Stack, records: list[dict]) -> tuple[int, dict]:
    """POST /api/v1/transactions to the feed, signed as its source, as the core-banking system does."""
    source, secret = stack.env["FEED_SOURCES"].split(":", 1)
    return post_transactions(stack.feed_url, records, source, secret)


def _alert_for(stack: Stack, transaction_id: str) -> Alert | None:
    with _db(stack) as db:
        return db.exec(select(Alert).where(Alert.dedup_key == f"{AlertKind.unusual_purchase}:{transaction_id}")
                       ).first()


def _wait_for(condition, what: str, stack: Stack, timeout: float = LOOP_TIMEOUT):
    """Poll `condition` until it returns something truthy, or fail with the services' logs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.5)
    pytest.fail(f"{what} within {timeout:.0f} s\n{stack.logs()}")


def _answers(stack: Stack, alert_id: int) -> list[bool]:
    with _db(stack) as db:
        return [row.was_customer for row in db.exec(select(AlertAnswer).where(AlertAnswer.alert_id == alert_id))]


@pytest.fixture
def tom(browser: Browser, stack: Stack) -> Iterator[Page]:
    """The web chat signed in as Tom Baker, with the live channel open."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    chat = context.new_page()
    chat.goto(stack.gateway_url + "/")
    chat.locator("#personas button.persona").nth(TOM - 1).click()
    expect(chat.locator("body[data-live=on]")).to_have_count(1, timeout=15_000)
    yield chat
    context.close()


@pytest.mark.browser
def test_a_suspicious_payment_on_the_feed_asks_was_this_you_in_the_open_chat_and_yes_is_recorded(
        tom: Page, stack: Stack) -> None:
    purchase = _suspicious_purchase(stack, TOM)

    status, answer = _post_feed(stack, [purchase])

    assert (status, answer["accepted"], answer["rejected"]) == (202, [purchase["transaction_id"]], []), answer
    question = tom.locator("li.from-bot.proactive", has_text=purchase["merchant"]).last
    expect(question).to_contain_text("Was this you?", timeout=LOOP_TIMEOUT * 1000)
    # Earlier questions in the history keep their buttons, disabled: these are the new question's.
    yes = tom.get_by_role("button", name="Yes, it was me").last
    expect(yes).to_be_enabled()
    expect(tom.get_by_role("button", name="No, it wasn't me").last).to_be_enabled()
    yes.click()
    expect(tom.locator("li.from-bot", has_text="Thanks for confirming")).to_be_visible(timeout=30_000)
    alert = _alert_for(stack, purchase["transaction_id"])
    assert alert is not None and alert.customer_id == TOM
    assert _wait_for(lambda: _answers(stack, alert.id), "no answer recorded on the alert", stack) == [True]


def test_over_http_the_fed_payment_reaches_the_history_once_delivered_and_yes_is_recorded(stack: Stack) -> None:
    customer = stack.chat_as(HTTP_CUSTOMER)
    purchase = _suspicious_purchase(stack, HTTP_CUSTOMER)

    status, _ = _post_feed(stack, [purchase])
    _post_feed(stack, [purchase])  # the feed resending a record must not ask twice

    assert status == 202
    alert = _wait_for(lambda: _alert_for(stack, purchase["transaction_id"]), "no alert was raised", stack)
    asked = _wait_for(lambda: [m for m in customer.history() if m.get("proactive")
                               and purchase["merchant"] in m.get("text", "")],
                      "the question never reached the conversation", stack)
    assert len(asked) == 1 and asked[0]["text"].startswith("Was this you?"), asked
    with _db(stack) as db:
        outbox = db.exec(select(OutboxMessage).where(OutboxMessage.alert_id == alert.id)).one()
        assert outbox.delivered_at is not None
    replies = customer.say("/confirm_purchase")
    assert "Thanks for confirming" in texts(replies)
    assert _answers(stack, alert.id) == [True]

