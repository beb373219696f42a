"""Card actions: freeze, unfreeze or report a card, always after a Yes/No confirmation."""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.db import session
from actions.identity import CustomerAction
from assistant.bank.cards import (
    CardChoiceNeeded,
    CardNotFound,
    CardReport,
    InvalidCardTransition,
    choose_card,
    describe_card,
    ensure_allowed,
    perform_card_action,
)
from assistant.bank.catalogue import CARD_DELIVERY_WORKING_DAYS

YES_NO = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
INTENT_ACTIONS = {"freeze_card": "freeze", "unfreeze_card": "unfreeze", "report_lost_or_stolen_card": "report"}
QUESTIONS = {
    "freeze": "Freeze your {card}? Card payments and cash withdrawals will be declined until you unfreeze it.",
    "unfreeze": "Unfreeze your {card}? It will work again straight away.",
    "report_lost": "Report your {card} as lost? It will be cancelled for good and I'll order a replacement.",
    "report_stolen": "Report your {card} as stolen? It will be cancelled for good and I'll order a replacement.",
}


def _clear() -> list[dict[str, Any]]:
    return [SlotSet("pending_card_action", None), SlotSet("pending_card_id", None)]


def _pending_action(tracker: Tracker) -> str | None:
    """The card action the latest message asks for; a report is 'lost' unless the customer said 'stolen'."""
    action = INTENT_ACTIONS.get((tracker.latest_message.get("intent") or {}).get("name", ""))
    if action != "report":
        return action
    reason = (next(tracker.get_latest_entity_values("loss_reason"), None) or "lost").strip().lower()
    return "report_stolen" if reason == "stolen" else "report_lost"


class ActionPrepareCardAction(CustomerAction):
    """The customer is asked to confirm, naming the card, before anything happens to it."""

    def name(self) -> str:
        return "action_prepare_card_action"

    def events_when_unverified(self) -> list[dict[str, Any]]:
        return _clear()

    async def run_for_customer(self, customer: int, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict[str, Any]) -> list[dict[str, Any]]:
        action = _pending_action(tracker)
        if action is None:
            dispatcher.utter_message(text="Sorry, I'm not sure what you'd like to do with your card. "
                                          "I can freeze, unfreeze or report a lost or stolen card.")
            return _clear()
        card_type = next(tracker.get_latest_entity_values("card_type"), None)
        with session() as db:
            try:
                card = choose_card(db, customer, action, card_type)
                ensure_allowed(card, action)
            except CardChoiceNeeded as choice:
                intent = tracker.latest_message["intent"]["name"]
                reason = {"loss_reason": action.removeprefix("report_")} if action.startswith("report") else {}
                buttons = [{"title": describe_card(c).capitalize(),
                            "payload": f"/{intent}{json.dumps({'card_type': c.kind, **reason})}"} for c in choice.cards]
                dispatcher.utter_message(text="Which card do you mean?", buttons=buttons)
                return _clear()
            except CardNotFound:
                kind = f"{card_type} card" if card_type else "card that can be changed"
                dispatcher.utter_message(text=f"I couldn't find a {kind} on your accounts.")
                return _clear()
            except InvalidCardTransition as refused:
                dispatcher.utter_message(text=f"I can't do that: {refused}.")
                return _clear()
            question = QUESTIONS[action].format(card=describe_card(card))
            card_id = card.id
        dispatcher.utter_message(text=question, buttons=YES_NO)
        return [SlotSet("pending_card_action", action), SlotSet("pending_card_id", card_id)]


class ActionExecuteCardAction(CustomerAction):
    """The customer's confirmed card change happens, and they hear what changed."""

    def name(self) -> str:
        return "action_execute_card_action"

    def events_when_unverified(self) -> list[dict[str, Any]]:
        return _clear()

    async def run_for_customer(self, customer: int, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict[str, Any]) -> list[dict[str, Any]]:
        action = tracker.get_slot("pending_card_action")
        card_id = tracker.get_slot("pending_card_id")
        if not action or card_id is None:
            dispatcher.utter_message(text="There's no card change waiting for your confirmation, so nothing has changed.")
            return _clear()
        try:
            with session() as db:
                result = perform_card_action(db, customer, int(card_id), action)
                text = _done(result, action)
        except (CardNotFound, InvalidCardTransition, ValueError) as refused:
            dispatcher.utter_message(text=f"I couldn't do that, so nothing has changed: {refused}.")
            return _clear()
        dispatcher.utter_message(text=text)
        return _clear()


def _done(result: Any, action: str) -> str:
    if isinstance(result, CardReport):
        low, high = CARD_DELIVERY_WORKING_DAYS
        return (f"Done. I've cancelled your {describe_card(result.cancelled)} as {action.removeprefix('report_')} "
                f"and ordered a replacement card ending {result.replacement.last4}. "
                f"It should arrive in {low} to {high} working days.")
    if action == "freeze":
        return f"Done. Your {describe_card(result)} is frozen. Ask me to unfreeze it whenever you're ready."
    return f"Done. Your {describe_card(result)} is active again."


class ActionCancelCardAction(Action):
    """The customer said no: the pending card change is dropped and the card stays as it was."""

    def name(self) -> str:
        return "action_cancel_card_action"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        dispatcher.utter_message(text="OK, I've left your card as it was. Nothing has changed.")
        return _clear()
