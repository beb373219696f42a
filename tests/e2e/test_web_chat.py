"""The web chat page, driven in headless Chromium against the running assistant."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from assistant.handoff.demo import DEMO_AGENT_PASSWORD
from assistant.local_stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


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
    reply = page.locator("button.quick-reply:enabled").first
    expect(reply).to_be_visible(timeout=30_000)
    title = reply.inner_text()
    reply.click()
    expect(page.locator("li.from-customer").last).to_have_text(title)


def test_the_chat_page_and_the_console_run_under_their_content_security_policy(browser: Browser, stack: Stack) -> None:
    context = browser.new_context()
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    try:
        page.goto(stack.gateway_url + "/")
        expect(page.locator("#personas button.persona").first).to_be_visible(timeout=10_000)  # its scripts ran
        page.goto(stack.gateway_url + "/console")
        page.fill("#email", "alex@lumen.example")
        page.fill("#password", DEMO_AGENT_PASSWORD)
        page.click("#sign-in-button")
        expect(page.locator("#live")).to_be_visible(timeout=10_000)
    finally:
        context.close()
    assert violations == []
