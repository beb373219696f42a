"""One answer for every action when the bank's database cannot be reached: the customer is asked to try again in a
minute and the conversation carries on, instead of the action server failing the turn with a 500."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from rasa_sdk import Tracker, utils
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher
from rasa_sdk.forms import ValidationAction

from assistant.db import database_unreachable

log = logging.getLogger(__name__)

BANK_UNREACHABLE = "I can't reach your accounts right now. Please try again in a minute."

ActionRun = Callable[[CollectingDispatcher, Tracker, dict[str, Any]], Any]


def guard_against_outages(action_name: str, run: ActionRun) -> ActionRun:
    """`run` that answers BANK_UNREACHABLE when the database cannot be reached (a refused, reset or timed-out
    connection); every other error is the action's own and passes on."""
    validates_slots = isinstance(getattr(run, "__self__", None), ValidationAction)

    async def run_guarded(dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            return await utils.call_potential_coroutine(run(dispatcher, tracker, domain))
        except Exception as exc:
            if not database_unreachable(exc):
                raise
            # The class names only: the error's text can hold the statement; the customer is none of the log's business.
            log.warning("bank database unreachable during %s: %s", action_name, exc.__class__.__name__)
            # What the action said before the failure is half an answer; the customer hears only this.
            dispatcher.messages.clear()
            dispatcher.utter_message(text=BANK_UNREACHABLE)
            if validates_slots:
                # Values the database could not check are not kept: the form asks for them again.
                return [SlotSet(slot, None) for slot in tracker.slots_to_validate()]
            # Nothing else changes, so the customer can simply ask again (a transfer's details are kept).
            return []

    return run_guarded


class GuardedActionExecutor(ActionExecutor):
    """rasa-sdk's executor with every action it registers guarded by guard_against_outages."""

    def register_function(self, action_name: str, f: Callable) -> None:
        """Register `f` for `action_name`, guarded against database outages."""
        super().register_function(action_name, guard_against_outages(action_name, f))
