"""The web chat page, driven in headless Chromium against the running assistant."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

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
