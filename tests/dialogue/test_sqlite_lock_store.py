"""Conversation locks in a SQLite file shared by Rasa's workers (dialogue/sqlite_lock_store.py), in Rasa's Python:
tickets taken at the same moment by separate processes are never the same, and Rasa's lock serves them in turn."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from assistant.local_stack import RASA_PYTHON, ROOT

# Each process takes tickets for one conversation as fast as it can and prints them.
TAKE_TICKETS = """
import json, sys
from dialogue.sqlite_lock_store import SQLiteLockStore
store = SQLiteLockStore(db=sys.argv[1])
print(json.dumps([store.issue_ticket("customer-conversation") for _ in range(int(sys.argv[2]))]))
"""

# Two turns of one conversation under Rasa's own lock(): the second waits until the first has finished.
SERVE_IN_TURN = """
import asyncio, json, sys
from dialogue.sqlite_lock_store import SQLiteLockStore
store = SQLiteLockStore(db=sys.argv[1])
order = []
async def turn(name):
    async with store.lock("customer-conversation", wait_time_in_seconds=0.01):
        order.append(name + " in")
        await asyncio.sleep(0.05)
        order.append(name + " out")
async def main():
    await asyncio.gather(turn("first"), turn("second"))
    print(json.dumps({"order": order, "left": store.get_lock("customer-conversation") is None}))
asyncio.run(main())
"""


def _rasa_python(script: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([str(RASA_PYTHON), "-c", script, *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_tickets_taken_by_two_workers_at_once_are_all_different(tmp_path: Path) -> None:
    db = str(tmp_path / "locks.db")
    workers = [_rasa_python(TAKE_TICKETS, db, "200") for _ in range(2)]
    tickets = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        tickets += json.loads(out.strip().splitlines()[-1])
    assert sorted(tickets) == list(range(400))


def test_two_turns_of_one_conversation_are_served_one_after_the_other_and_the_lock_is_removed(tmp_path: Path) -> None:
    worker = _rasa_python(SERVE_IN_TURN, str(tmp_path / "locks.db"))
    out, err = worker.communicate(timeout=120)
    assert worker.returncode == 0, err
    assert json.loads(out.strip().splitlines()[-1]) == {
        "order": ["first in", "first out", "second in", "second out"], "left": True}
