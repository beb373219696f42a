"""Run by the dialogue engine's Python (3.10, with Rasa): save conversations with Rasa's own SQLTrackerStore.

Not a test module: tests/privacy/conftest.py runs it to fill a real tracker store (SQLite or PostgreSQL) the way
Rasa fills it. Arguments: a JSON object {"store": {SQLTrackerStore keyword arguments}, "conversations":
{sender_id: [customer text, bot text, ...]}}.
"""

from __future__ import annotations

import asyncio
import json
import sys

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker


async def main(spec: dict) -> None:
    store = SQLTrackerStore(Domain.empty(), **spec["store"])
    for sender_id, texts in spec["conversations"].items():
        events = [ActionExecuted("action_listen")]
        for number, text in enumerate(texts):
            events.append(UserUttered(text, {"name": "greet", "confidence": 1.0}) if number % 2 == 0
                          else BotUttered(text))
        await store.save(DialogueStateTracker.from_events(sender_id, events))


if __name__ == "__main__":
    asyncio.run(main(json.loads(sys.argv[1])))
