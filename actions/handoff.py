"""Handing a chat to a person: the ticket is opened and the bot steps aside until the agent hands it back."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ConversationPaused, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.db import session
from actions.identity import CustomerAction, conversation_ref
from assistant.handoff.alerts import recent_alerts
from assistant.handoff.churn import score_ticket
from assistant.handoff.summary import summarise
from assistant.handoff.tickets import open_ticket

EXTERNAL_PREFIX = "EXTERNAL: "
FALLBACK_INTENT = "nlu_fallback"
FALLBACK_ACTION = "action_default_fallback"
BOT_FAILED = "bot_failed"
DENIED_PURCHASE_ACTION = "action_purchase_denied"
# Why a chat goes to a person, by the intent that sent it there; anything else means the bot could not help.
REASONS = {"request_human": "request_human", "complaint": "complaint", "report_fraud": "fraud_or_dispute",
           "deny_purchase": "fraud_or_dispute"}
TAKING_OVER = ("I'm passing you to a member of our support team. They can see our chat so far, so you won't "
               "need to repeat yourself. Please stay here: they'll reply in this chat.")
ALREADY_WAITING = "You're already in the queue for a member of our support team. They'll reply in this chat."


def customer_messages(tracker: Tracker) -> list[str]:
    """What the customer typed or pressed in this conversation, oldest first (not messages triggered from outside)."""
    return [event.get("text") or "" for event in tracker.events
            if event.get("event") == "user" and not (event.get("text") or "").startswith(EXTERNAL_PREFIX)]


def _ran_since_latest_message(events: list[dict[str, Any]], action: str) -> bool:
    latest_user = max((i for i, event in enumerate(events) if event.get("event") == "user"), default=-1)
    return any(event.get("event") == "action" and event.get("name") == action for event in events[latest_user + 1:])


def handoff_reason(tracker: Tracker) -> str:
    """Why this chat goes to a person: from the customer's latest intent, or a purchase they just said was not
    theirs (a plain "no" to "was this you?"); anything else means the bot could not help."""
    intent = (tracker.latest_message.get("intent") or {}).get("name", "")
    if intent in REASONS:
        return REASONS[intent]
    if _ran_since_latest_message(tracker.events, DENIED_PURCHASE_ACTION):
        return REASONS["deny_purchase"]
    return BOT_FAILED


def previous_turn_failed(events: list[dict[str, Any]]) -> bool:
    """True when the customer's message before the latest one was not understood either.

    Not understood means NLU fell back (nlu_fallback) or no policy was confident (action_default_fallback ran
    after it). Rewound events are still in the list, which is what lets a reverted fallback count.
    """
    user_positions = [i for i, event in enumerate(events) if event.get("event") == "user"]
    if len(user_positions) < 2:
        return False
    previous, latest = user_positions[-2], user_positions[-1]
    intent = ((events[previous].get("parse_data") or {}).get("intent") or {}).get("name")
    fell_back = any(event.get("event") == "action" and event.get("name") == FALLBACK_ACTION
                    for event in events[previous:latest])
    return intent == FALLBACK_INTENT or fell_back


class ActionHandoff(CustomerAction):
    """The customer is told a person will take over; the chat joins the agents' queue and the bot pauses."""

    def name(self) -> str:
        return "action_handoff"

    async def run_for_customer(self, customer: int, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict[str, Any]) -> list[dict[str, Any]]:
        return hand_off(customer, dispatcher, tracker, handoff_reason(tracker))


def hand_off(customer: int, dispatcher: CollectingDispatcher, tracker: Tracker, reason: str) -> list[dict[str, Any]]:
    """Open (or find) the conversation's ticket, tell the customer, and pause the conversation."""
    with session() as db:
        ticket, created = open_ticket(db, conversation_ref(tracker), customer, reason, summarise(customer_messages(tracker)),
                                      recent_alerts(db, customer))
        if created:
            score_ticket(db, ticket)
        ticket_id, status = ticket.id, ticket.status.value
    dispatcher.utter_message(text=TAKING_OVER if created else ALREADY_WAITING,
                             json_message={"type": "handoff", "ticket_id": ticket_id, "status": status,
                                           "reason": reason})
    return [ConversationPaused()]


class ActionDefaultFallback(CustomerAction):
    """When no policy is confident: the customer is asked to rephrase, and after a second miss in a row a person
    takes over."""

    def name(self) -> str:
        return FALLBACK_ACTION

    def events_when_unverified(self) -> list[dict[str, Any]]:
        return [UserUtteranceReverted()]

    async def run_for_customer(self, customer: int, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict[str, Any]) -> list[dict[str, Any]]:
        if previous_turn_failed(tracker.events):
            return hand_off(customer, dispatcher, tracker, BOT_FAILED)
        dispatcher.utter_message(response="utter_default")
        # As Rasa's own fallback does: forget the message so it does not steer the next prediction.
        return [UserUtteranceReverted()]
