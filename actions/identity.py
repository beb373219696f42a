"""The authenticated customer behind a conversation, as the gateway signed it into the sender id."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from assistant.identity import UnverifiedConversation, conversation_reference, customer_id_from

__all__ = ["SIGN_IN_AGAIN", "CustomerAction", "UnverifiedConversation", "conversation_ref", "customer_id"]


def customer_id(tracker: Tracker) -> int:
    """The customer whose conversation this is; raises UnverifiedConversation for unsigned sender ids.

    Identity comes only from the sender id the gateway signed, never from text, entities or slots.
    """
    return customer_id_from(tracker.sender_id)


def conversation_ref(tracker: Tracker) -> str:
    """What records pointing at this conversation store (tickets, transfer keys): never the sender id itself."""
    return conversation_reference(tracker.sender_id)

SIGN_IN_AGAIN = "Sorry, I can't confirm it's you. Please sign in again and I'll pick up from there."


class CustomerAction(Action, ABC):
    """An action done for the signed-in customer; an unsigned conversation gets a sign-in reply and no data."""

    def events_when_unverified(self) -> list[dict[str, Any]]:
        """Events to return when the conversation is not a verified customer's (e.g. clearing a pending change)."""
        return []

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            customer = customer_id(tracker)
        except UnverifiedConversation:
            dispatcher.utter_message(text=SIGN_IN_AGAIN)
            return self.events_when_unverified()
        return await self.run_for_customer(customer, dispatcher, tracker, domain)

    @abstractmethod
    async def run_for_customer(self, customer: int, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict[str, Any]) -> list[dict[str, Any]]:
        """Do the action for this verified customer and return its events."""
