"""Every Rasa worker answers one warm-up turn before it serves anyone (dialogue/warmup.py)."""

from __future__ import annotations

import pytest

from assistant.local_stack import Stack, get_json
from assistant.settings import Settings
from dialogue.warmup import WARM_UP_CONVERSATION, WARM_UP_TEXT

pytestmark = pytest.mark.e2e


def test_each_rasa_worker_ran_its_warm_up_turn_and_the_bot_answered_it(stack: Stack) -> None:
    tracker = get_json(f"{stack.rasa_url}/conversations/{WARM_UP_CONVERSATION}/tracker"
                       f"?token={stack.env['RASA_TOKEN']}", timeout=10)
    events = tracker["events"]
    said = [e for e in events if e["event"] == "user" and e.get("text") == WARM_UP_TEXT]
    answered = [e for e in events if e["event"] == "bot"]
    workers = Settings().rasa_workers
    # Each start of Rasa adds one warm-up turn per worker (tests/e2e/test_restarts.py restarts it).
    assert (len(said) > 0, len(said) % workers, len(answered) >= len(said)) == (True, 0, True), events
