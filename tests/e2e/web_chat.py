"""Opening the web chat in headless Chromium as one of the demo customers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, Page

from assistant.local_stack import Stack

PHONE = {"width": 390, "height": 844}


@contextmanager
def phone_chat(browser: Browser, stack: Stack, customer_id: int) -> Iterator[Page]:
    """The web chat on a phone-sized page, after picking demo customer `customer_id`'s persona; closed afterwards."""
    context = browser.new_context(viewport=PHONE)
    chat = context.new_page()
    chat.goto(stack.gateway_url + "/")
    chat.locator("#personas button.persona").nth(customer_id - 1).click()
    try:
        yield chat
    finally:
        context.close()
