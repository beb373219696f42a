"""Human handoff end to end in headless Chromium: a customer asks for a person, an agent signs in to the console,
claims the chat and replies, the customer sees it at once, the agent resolves and the bot answers again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, create_engine, select

from assistant.bank.models import Account, AccountKind
from assistant.bank.money import format_money
from assistant.handoff.demo import DEMO_AGENT_PASSWORD
from assistant.local_stack import Stack
from tests.e2e.web_chat import phone_chat

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

# Demo customer 2; customer 1 is the web chat tests' and 3 the proactive tests' (whose chat ends with a person).
PRIYA = 2
REPLY = "Hello Priya, this is Alex. I've checked your account and everything is in order."


def _send(page: Page, text: str) -> None:
    page.fill("#message", text)
    page.click("#send")


@pytest.fixture
def customer(browser: Browser, stack: Stack) -> Iterator[Page]:
    """The web chat on a phone, signed in as Priya, with the live channel open."""
    with phone_chat(browser, stack, PRIYA) as chat:
        expect(chat.locator("body[data-live=on]")).to_have_count(1, timeout=15_000)
        yield chat


@pytest.fixture
def console(browser: Browser, stack: Stack) -> Iterator[Page]:
    """The agent console on a desktop screen, signed in as the demo agent Alex."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(stack.gateway_url + "/console")
    page.fill("#email", "alex@lumen.example")
    page.fill("#password", DEMO_AGENT_PASSWORD)
    page.click("#sign-in-button")
    expect(page.locator("#live")).to_be_visible(timeout=10_000)
    yield page
    context.close()


def _current_balance(stack: Stack) -> int:
    with Session(create_engine(stack.database_url)) as db:
        return db.exec(select(Account).where(Account.customer_id == PRIYA,
                                             Account.kind == AccountKind.current)).one().balance_minor


def test_an_escalated_chat_is_claimed_answered_and_handed_back_to_the_bot(
    customer: Page, console: Page, stack: Stack
) -> None:
    _send(customer, "can I talk to a person")
    expect(customer.locator("li.from-bot", has_text="member of our support team")).to_be_visible(timeout=30_000)
    expect(customer.locator("#handoff-banner")).to_be_visible()

    waiting = console.locator("#queue button.ticket-item", has_text="Priya Shah")
    expect(waiting).to_be_visible(timeout=15_000)
    waiting.click()
    expect(console.locator("#transcript")).to_contain_text("can I talk to a person")
    # The stack trained the churn model on its bank, so the ticket was scored when the chat was handed off.
    expect(console.locator("#churn-risk")).to_contain_text("Churn risk")
    console.click("#claim")
    expect(console.locator("#reply-form")).to_be_visible(timeout=10_000)
    console.fill("#reply", REPLY)
    console.click("#send-reply")
    expect(customer.locator("li.from-agent", has_text=REPLY)).to_be_visible(timeout=10_000)

    console.click("#resolve")
    expect(customer.locator("li.from-bot", has_text="You're back with the Lumen Bank assistant")).to_be_visible(
        timeout=30_000)
    expect(customer.locator("#handoff-banner")).to_be_hidden()

    _send(customer, "what's my balance?")
    expect(customer.locator("li.from-bot").last).to_contain_text(format_money(_current_balance(stack)),
                                                                 timeout=30_000)


def test_the_console_shows_customer_messages_live_while_the_chat_is_with_the_agent(
    customer: Page, console: Page, stack: Stack
) -> None:
    _send(customer, "I want to make a complaint")
    expect(customer.locator("li.from-bot", has_text="member of our support team")).to_be_visible(timeout=30_000)
    waiting = console.locator("#queue button.ticket-item", has_text="Priya Shah")
    expect(waiting).to_be_visible(timeout=15_000)
    waiting.click()
    console.click("#claim")
    expect(console.locator("#reply-form")).to_be_visible(timeout=10_000)

    _send(customer, "I was charged a fee twice this month")
    expect(console.locator("#transcript li.from-customer").last).to_contain_text(
        "I was charged a fee twice this month", timeout=10_000)

    console.click("#resolve")
    expect(customer.locator("li.from-bot", has_text="You're back with the Lumen Bank assistant")).to_be_visible(
        timeout=30_000)
