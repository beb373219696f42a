"""The web chat page, driven in headless Chromium against the running assistant."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.e2e.stack import ROOT, Stack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

# As root, in a closed network: no sandbox, and no background calls to Google's hosts.
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless (Playwright's own browser download is not used)."""
    chromium = subprocess.run([str(ROOT / "scripts" / "ensure-chromium")], capture_output=True, text=True, check=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium.stdout.strip(), args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, stack: Stack) -> Iterator[Page]:
    """A phone-sized page on the web chat, signed in as demo customer 1."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    chat = context.new_page()
    chat.goto(stack.gateway_url + "/")
    chat.locator("#personas button.persona").first.click()
    expect(chat.locator("#chat")).to_be_visible()
    yield chat
    context.close()


def _send(page: Page, text: str) -> None:
    page.fill("#message", text)
    page.click("#send")


def test_spending_question_draws_a_chart_with_one_bar_per_category(page: Page) -> None:
    _send(page, "how much did I spend last month?")
    chart = page.locator("figure.spending svg")
    expect(chart).to_be_visible(timeout=30_000)
    assert chart.locator("rect.bar").count() >= 1


def test_clicking_a_quick_reply_sends_its_title_as_the_customers_message(page: Page) -> None:
    _send(page, "what can you do?")
    reply = page.locator("button.quick-reply").first
    expect(reply).to_be_visible(timeout=30_000)
    title = reply.inner_text()
    reply.click()
    expect(page.locator("li.from-customer").last).to_have_text(title)
