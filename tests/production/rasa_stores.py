"""Run by the dialogue engine's Python (3.10, with Rasa): Rasa's own stores built from endpoints.production.yml.

Not a test module: tests/production/test_rasa_stores.py runs it with the environment dialogue/launcher.py gives
Rasa, and checks what it prints (JSON) against PostgreSQL and Redis themselves.
"""

from __future__ import annotations

import asyncio
import json
import sys

from rasa.core.lock_store import LockStore
from rasa.core.tracker_store import TrackerStore
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker


async def _locks_in_turn(endpoints: AvailableEndpoints, conversation_id: str) -> list[str]:
    """Two lock stores (as two Rasa workers have): the second waits for the first to release the conversation."""
    first, second = LockStore.create(endpoints.lock_store), LockStore.create(endpoints.lock_store)
    order: list[str] = []

    async def hold() -> None:
        async with first.lock(conversation_id, lock_lifetime=30, wait_time_in_seconds=0.05):
            order.append("first acquired")
            await asyncio.sleep(1.0)
            order.append("first released")

    async def wait() -> None:
        await asyncio.sleep(0.2)
        async with second.lock(conversation_id, lock_lifetime=30, wait_time_in_seconds=0.05):
            order.append("second acquired")

    await asyncio.gather(hold(), wait())
    return order


async def main(conversation_id: str) -> dict:
    endpoints = AvailableEndpoints.read_endpoints("endpoints.production.yml")
    domain = Domain.load("domain.yml")
    writer = TrackerStore.create(endpoints.tracker_store, domain)
    tracker = DialogueStateTracker.from_events(conversation_id, [
        ActionExecuted("action_listen"),
        UserUttered("what's my balance?", {"name": "check_balance", "confidence": 1.0}),
        BotUttered("Your Everyday Current Account has £10.00."),
    ], slots=domain.slots)
    await writer.save(tracker)
    # A second store, as another worker or a restarted server has, must read what the first wrote.
    stored = await TrackerStore.create(endpoints.tracker_store, domain).retrieve(conversation_id)
    return {
        "tracker_store": type(getattr(writer, "_tracker_store", writer)).__name__,
        "lock_store": type(LockStore.create(endpoints.lock_store)).__name__,
        "read_back": [event.text for event in stored.events if isinstance(event, (UserUttered, BotUttered))]
        if stored else [],
        "locks": await _locks_in_turn(endpoints, conversation_id),
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1]))))
