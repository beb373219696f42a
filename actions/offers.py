"""Next best offer in the chat: "what would you recommend?", "why this offer?", yes or no to an offer, and a
well-timed suggestion after a related skill."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.db import session
from actions.identity import CustomerAction
from assistant.models.artefacts import ModelNotTrained, ModelVersionMismatch
from assistant.models.contact import OfferNotShown, answer_offer
from assistant.models.offers import NoOfferShown, Offer, UnknownProduct, explain_offer, recommend, suggest_after
from assistant.models.rules import CATALOGUE
from assistant.models.words import kind_from_words

OFFER_SLOT = "last_offer_product"
KIND_NAMES = {"credit_card": "credit card", "savings": "savings account", "loan": "loan",
              "current": "current account"}
# The skill a suggestion may follow, by the action that just answered the customer.
SKILL_AFTER_ACTION = {"action_spending_summary": "spending", "action_search_transactions": "transactions",
                      "action_show_balance": "balance", "action_list_upcoming_bills": "bills"}
NOT_AVAILABLE = "Sorry, I can't make personal recommendations right now. Please try again later."
UNKNOWN_KIND = ('I can recommend credit cards, savings, loans or current accounts. Which would you like, '
                'or shall I suggest what suits you best?')
NOTHING_SHOWN = 'I haven\'t suggested anything yet. Ask me "what would you recommend?" and I\'ll explain my pick.'


def offer_buttons(product_code: str) -> list[dict[str, str]]:
    """Yes / no / why buttons on an offer, carrying the product so the answer is about this one."""
    product = f'{{"product_code": "{product_code}"}}'
    return [{"title": "Yes, I'm interested", "payload": f"/accept_offer{product}"},
            {"title": "No, thanks", "payload": f"/decline_offer{product}"},
            {"title": "Why this offer?", "payload": "/ask_offer_reason"}]


def offer_text(offer: Offer, opening: str) -> str:
    """An offer and its reasons in a few sentences."""
    reasons = "; ".join(offer.reasons)
    return f"{opening} the {offer.product_name}. {offer.description} Why I think it suits you: {reasons}."


def offer_payload(offer: Offer) -> dict[str, Any]:
    """The offer as a custom payload for the chat to render."""
    return {"type": "offer", "product_code": offer.product_code, "product_name": offer.product_name,
            "reasons": list(offer.reasons)}


class ActionRecommendOffer(CustomerAction):
    """The customer asked what suits them (optionally of one kind) and sees the best eligible product with why."""

    def name(self) -> str:
        return "action_recommend_offer"

    async def run_for_customer(self, customer: int, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict[str, Any]) -> list[dict[str, Any]]:
        # "credit card" or "savings" may come out as an account type; either way the customer named a kind.
        said = next(tracker.get_latest_entity_values("product_kind"), None) or next(
            tracker.get_latest_entity_values("account_type"), None)
        kind = kind_from_words(said)
        if said and kind is None:
            dispatcher.utter_message(text=UNKNOWN_KIND)
            return []
        try:
            with session() as db:
                offers = recommend(db, customer, kind, limit=1)
        except (ModelNotTrained, ModelVersionMismatch):
            dispatcher.utter_message(text=NOT_AVAILABLE)
            return []
        if not offers:
            what = f"{KIND_NAMES[kind]} " if kind else ""
            dispatcher.utter_message(text=f"I don't have a {what}product to suggest for you right now: you either "
                                          "have them already or they don't fit your account at the moment.")
            return []
        best = offers[0]
        dispatcher.utter_message(text=offer_text(best, "I'd suggest"), buttons=offer_buttons(best.product_code),
                                 json_message=offer_payload(best))
        return [SlotSet(OFFER_SLOT, best.product_code)]


class ActionExplainOffer(CustomerAction):
    """The customer asked "why?" about the last offer and hears the model's reasons (or why it no longer applies)."""

    def name(self) -> str:
        return "action_explain_offer"

    async def run_for_customer(self, customer: int, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict[str, Any]) -> list[dict[str, Any]]:
        product_code = tracker.get_slot(OFFER_SLOT)
        try:
            with session() as db:
                explanation = explain_offer(db, customer, product_code if product_code in CATALOGUE else None)
        except (NoOfferShown, UnknownProduct):
            dispatcher.utter_message(text=NOTHING_SHOWN)
            return []
        except (ModelNotTrained, ModelVersionMismatch):
            dispatcher.utter_message(text=NOT_AVAILABLE)
            return []
        reasons = "; ".join(explanation.reasons)
        if explanation.offered:
            text = f"I suggested the {explanation.product_name} because {reasons}."
        else:
            text = f"I wouldn't suggest the {explanation.product_name} now: {reasons}"
        dispatcher.utter_message(text=text)
        return [SlotSet(OFFER_SLOT, explanation.product_code)]


class _AnswerOffer(CustomerAction, ABC):
    accepted: bool

    @abstractmethod
    def name(self) -> str:
        """The action's name in the domain."""

    async def run_for_customer(self, customer: int, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict[str, Any]) -> list[dict[str, Any]]:
        product_code = next(tracker.get_latest_entity_values("product_code"), None) or tracker.get_slot(OFFER_SLOT)
        if product_code not in CATALOGUE:
            dispatcher.utter_message(text=NOTHING_SHOWN)
            return []
        try:
            with session() as db:
                answer_offer(db, customer, product_code, self.accepted)
        except OfferNotShown:
            dispatcher.utter_message(text=NOTHING_SHOWN)
            return []
        name = CATALOGUE[product_code].name
        if self.accepted:
            dispatcher.utter_message(text=f"Great, I've noted that you'd like the {name}. You can apply in the app "
                                          "under Products, and it only takes a few minutes.")
        else:
            dispatcher.utter_message(text=f"No problem, I've noted you're not interested in the {name}. "
                                          "Anything else I can help with?")
        return [SlotSet(OFFER_SLOT, None)]


class ActionAcceptOffer(_AnswerOffer):
    """The customer said yes to an offer; it is recorded as accepted and they hear how to apply."""

    accepted = True

    def name(self) -> str:
        return "action_accept_offer"


class ActionDeclineOffer(_AnswerOffer):
    """The customer said no to an offer; it is recorded as declined and the bot moves on."""

    accepted = False

    def name(self) -> str:
        return "action_decline_offer"


def skill_just_done(tracker: Tracker) -> str | None:
    """The skill the bot just answered with in this turn, if a suggestion may follow it."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return None
        if event.get("event") == "action" and event.get("name") in SKILL_AFTER_ACTION:
            return SKILL_AFTER_ACTION[event["name"]]
    return None


class ActionSuggestOffer(CustomerAction):
    """After a related answer (e.g. a spending summary with heavy travel spend) the customer may see one product
    that fits, at most once a week; usually nothing is said."""

    def name(self) -> str:
        return "action_suggest_offer"

    async def run_for_customer(self, customer: int, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict[str, Any]) -> list[dict[str, Any]]:
        skill = skill_just_done(tracker)
        if skill is None:
            return []
        try:
            with session() as db:
                offer = suggest_after(db, customer, skill)
        except (ModelNotTrained, ModelVersionMismatch):
            return []  # a suggestion nobody asked for is never worth an error message
        if offer is None:
            return []
        dispatcher.utter_message(text=offer_text(offer, "By the way, something that could suit you:"),
                                 buttons=offer_buttons(offer.product_code), json_message=offer_payload(offer))
        return [SlotSet(OFFER_SLOT, offer.product_code)]
