"""The authenticated customer behind a conversation, as the gateway signed it into the sender id."""

from __future__ import annotations

from rasa_sdk import Tracker

from assistant.identity import UnverifiedConversation, customer_id_from

__all__ = ["SIGN_IN_AGAIN", "UnverifiedConversation", "customer_id"]


def customer_id(tracker: Tracker) -> int:
    """The customer whose conversation this is; raises UnverifiedConversation for unsigned sender ids.

    Identity comes only from the sender id the gateway signed, never from text, entities or slots.
    """
    return customer_id_from(tracker.sender_id)

SIGN_IN_AGAIN = "Sorry, I can't confirm it's you. Please sign in again and I'll pick up from there."
