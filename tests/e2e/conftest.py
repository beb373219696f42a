"""One running assistant for all the end-to-end tests (Rasa needs ~40 s to load its model), and headless Chromium for the pages."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from assistant.local_stack import ROOT, Stack, launch
from tests.e2e.web_chat import phone_chat

# As root, in a closed network: no sandbox, and no background calls to Google's hosts.
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (`--dist loadgroup`) every end-to-end test runs on one worker, so one assistant serves all."""
    for item in items:
        if item.nodeid.startswith("tests/e2e/"):
            item.add_marker(pytest.mark.xdist_group("e2e"))


@pytest.fixture(scope="package")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The action server, Rasa server and gateway over a freshly seeded bank; its ledger must be clean after."""
    running = launch(tmp_path_factory.mktemp("assistant"))
    yield running
    running.stop()
    # Whatever the tests moved (transfers in conversations, feed postings), every balance is still its entries.
    checked = running.ledger_check()
    if checked.returncode != 0:
        pytest.fail(f"the ledger check failed after the end-to-end tests:\n{checked.stdout}{checked.stderr}")


# Package scope, not session: Playwright's sync API keeps an event loop running in the main thread while it is
# open, and pytest-asyncio cannot start the loops of the async tests that run after this package.
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless (Playwright's own browser download is not used)."""
    chromium = subprocess.run([str(ROOT / "scripts" / "ensure-chromium")], capture_output=True, text=True, check=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium.stdout.strip(), args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, stack: Stack) -> Iterator[Page]:
    """A phone-sized page on the web chat, signed in as the first demo customer."""
    with phone_chat(browser, stack, 1) as chat:
        expect(chat.locator("#chat")).to_be_visible()
        yield chat
