"""Closing an account: the customer is asked why, heard, offered something worth staying for when they are at
risk of leaving, and otherwise (or if they insist) told how to close, with a person on offer."""

from __future__ import annotations

from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.db import session
from actions.identity import CustomerAction
from actions.offers import OFFER_SLOT
from assistant.models.artefacts import ModelNotTrained, ModelVersionMismatch
from assistant.models.retention import HOW_TO_CLOSE, RetentionOffer, start_retention
from assistant.models.words import reason_from_words

REASON_SLOT = "leaving_reason"
# What the bot says first to each reason, so the customer knows they were heard.
HEARD = {"fees": "I'm sorry our fees and charges have been a problem.",
         "rates": "I understand: you want your money to earn more.",
         "service": "I'm sorry we let you down; that's not the service we want to give.",
         "moving": "Thanks for letting me know, and good luck with the move.",
         "other": "Thanks for telling me."}
PERSON = {"title": "Talk to a person", "payload": "/request_human"}
STILL_CLOSE = {"title": "No, I still want to close", "payload": "/deny"}


class ValidateRetentionForm(FormValidationAction):
    """Turns the customer's reason for leaving (a button or their own words) into one the services know."""

    def name(self) -> str:
        return "validate_retention_form"

    def validate_leaving_reason(self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> dict[str, Any]:
        """Any answer is accepted; words that match no known reason count as "other"."""
        return {REASON_SLOT: reason_from_words(str(slot_value) if slot_value is not None else "")}


def retention_buttons(offer: RetentionOffer) -> list[dict[str, str]]:
    """Yes takes the offer (a product is accepted as an offer; a refund or a case review needs a person)."""
    if offer.product_code is not None:
        yes = {"title": "Yes, tell me more", "payload": f'/accept_offer{{"product_code": "{offer.product_code}"}}'}
    else:
        yes = {"title": "Yes, please", "payload": "/request_human"}
    return [yes, STILL_CLOSE]


class ActionRetentionOffer(CustomerAction):
    """The customer who wants to close hears their reason answered, then a retention offer with its reasons if
    they are at risk of leaving, or how to close and the offer of a person."""

    def name(self) -> str:
        return "action_retention_offer"

    async def run_for_customer(self, customer: int, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict[str, Any]) -> list[dict[str, Any]]:
        reason = reason_from_words(tracker.get_slot(REASON_SLOT))
        try:
            with session() as db:
                answer = start_retention(db, customer, reason)
        except (ModelNotTrained, ModelVersionMismatch):
            dispatcher.utter_message(text=f"{HEARD[reason]} {HOW_TO_CLOSE}", buttons=[PERSON])
            return [SlotSet(REASON_SLOT, None)]
        offer = answer.offer
        if offer is None:
            dispatcher.utter_message(text=f"{HEARD[reason]} {answer.how_to_close}", buttons=[PERSON])
            return [SlotSet(REASON_SLOT, None)]
        why = f" I'm suggesting it because {'; '.join(offer.reasons)}." if offer.reasons else ""
        dispatcher.utter_message(
            text=f"{HEARD[reason]} Before you go, could I offer you {offer.title}? {offer.detail}{why}",
            buttons=retention_buttons(offer),
            json_message={"type": "retention_offer", "kind": offer.kind, "product_code": offer.product_code,
                          "reasons": list(offer.reasons)})
        return [SlotSet(REASON_SLOT, None), SlotSet(OFFER_SLOT, offer.product_code)]


class ActionExplainClosing(CustomerAction):
    """The customer insists on closing and hears how, with a person offered to do it with them."""

    def name(self) -> str:
        return "action_explain_closing"

    async def run_for_customer(self, customer: int, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict[str, Any]) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=f"I understand. {HOW_TO_CLOSE}", buttons=[PERSON])
        return [SlotSet(OFFER_SLOT, None)]
