"""Proactive messages: the bank speaks first (EXTERNAL_ intents from the push service) and the customer answers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.db import session
from actions.identity import CustomerAction
from actions.offers import OFFER_SLOT
from assistant.alerts.services import record_purchase_answer
from assistant.bank.accounts import AccountNotFound, balances
from assistant.bank.cards import describe_card
from assistant.bank.money import format_money
from assistant.bank.unusual_purchases import (
    PurchaseNotFound,
    confirm_purchase,
    deny_purchase,
    describe_purchase,
    find_purchase,
)
from assistant.proactive.notifications import UnknownSubject, customer_account, find_product

PURCHASE_SLOT = "unusual_transaction_id"
WAS_THIS_YOU = [{"title": "Yes, it was me", "payload": "/confirm_purchase"},
                {"title": "No, it wasn't me", "payload": "/deny_purchase"}]
BILL_BUTTONS = [{"title": "Show my bills", "payload": "/list_upcoming_bills"},
                {"title": "Move money", "payload": "/transfer_money"}]
LOW_BALANCE_BUTTONS = [{"title": "Move money", "payload": "/transfer_money"},
                       {"title": "Upcoming bills", "payload": "/list_upcoming_bills"},
                       {"title": "My balances", "payload": "/check_balance"}]
OFFER_BUTTONS = [{"title": "Why this offer?", "payload": "/ask_offer_reason"},
                 {"title": "My balances", "payload": "/check_balance"},
                 {"title": "What else can you do?", "payload": "/ask_capabilities"}]


def _entity(tracker: Tracker, name: str) -> str | None:
    value = next(tracker.get_latest_entity_values(name), None)
    return str(value).strip() if value is not None and str(value).strip() else None


class ActionAskAboutPurchase(CustomerAction):
    """The customer is asked whether an unusual purchase on their account was theirs."""

    def name(self) -> str:
        return "action_ask_about_purchase"

    async def run_for_customer(self, customer: int, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict[str, Any]) -> list[dict[str, Any]]:
        external_id = _entity(tracker, "transaction_id") or tracker.get_slot(PURCHASE_SLOT)
        reason = _entity(tracker, "alert_reason")
        try:
            with session() as db:
                described = describe_purchase(find_purchase(db, customer, external_id or ""))
        except PurchaseNotFound:
            dispatcher.utter_message(text="We wanted to check a payment with you, but I can't find it on your "
                                          "accounts any more. If something looks wrong, ask me for a person.")
            return [SlotSet(PURCHASE_SLOT, None)]
        because = f" ({reason})" if reason else ""
        dispatcher.utter_message(text=f"Was this you? {described}{because}.", buttons=WAS_THIS_YOU)
        return [SlotSet(PURCHASE_SLOT, external_id)]


class ActionPurchaseConfirmed(CustomerAction):
    """The customer said the purchase was theirs: it is recorded and the card stays as it is."""

    def name(self) -> str:
        return "action_purchase_confirmed"

    async def run_for_customer(self, customer: int, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict[str, Any]) -> list[dict[str, Any]]:
        external_id = tracker.get_slot(PURCHASE_SLOT)
        try:
            with session() as db:
                purchase = confirm_purchase(db, customer, external_id or "")
                # The answer teaches the scorer: this purchase now counts as part of the customer's normal history.
                record_purchase_answer(db, customer, purchase.id, was_customer=True)
                described = describe_purchase(purchase)
        except PurchaseNotFound:
            dispatcher.utter_message(text="There's no payment waiting for you to confirm, so nothing has changed.")
            return [SlotSet(PURCHASE_SLOT, None)]
        dispatcher.utter_message(text=f"Thanks for confirming {described}. Your card stays active; "
                                      "there's nothing else you need to do.")
        return [SlotSet(PURCHASE_SLOT, None)]


class ActionPurchaseDenied(CustomerAction):
    """The customer did not make the purchase: the card is frozen at once, a dispute opened, a person takes over."""

    def name(self) -> str:
        return "action_purchase_denied"

    async def run_for_customer(self, customer: int, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict[str, Any]) -> list[dict[str, Any]]:
        external_id = tracker.get_slot(PURCHASE_SLOT)
        try:
            with session() as db:
                denied = deny_purchase(db, customer, external_id or "")
                record_purchase_answer(db, customer, denied.transaction.id, was_customer=False)
                described = describe_purchase(denied.transaction)
                card = describe_card(denied.card) if denied.card else None
                dispute_id = denied.dispute.id
        except PurchaseNotFound:
            dispatcher.utter_message(text="I'm sorry, I couldn't tell which payment you mean. "
                                          "A member of our team will check it with you.")
            return [SlotSet(PURCHASE_SLOT, None)]
        if card and denied.froze_card:
            done = f"I've frozen your {card} so it can't be used again"
        elif card:
            done = f"Your {card} is already blocked, so it can't be used"
        else:
            done = "No card was used for it"
        # The handoff that follows (a rule) tells the customer a person is taking over.
        dispatcher.utter_message(text=f"Thank you for telling us. {done}, and I've opened dispute #{dispute_id} "
                                      f"for {described}.")
        return [SlotSet(PURCHASE_SLOT, None)]


def _bill_text(merchant: str | None, amount: str | None, due: str | None) -> str:
    try:
        money = format_money(Decimal(amount)) if amount else None
        day = date.fromisoformat(due) if due else None
    except (InvalidOperation, ValueError):
        money, day = None, None
    if not (merchant and money and day):
        return "You have a bill due soon."
    return f"Reminder: {merchant} will take {money} on {day:%a} {day.day} {day:%b}."


class ActionRemindUpcomingBill(CustomerAction):
    """The customer is reminded of a bill due soon, with what their current account has available."""

    def name(self) -> str:
        return "action_remind_upcoming_bill"

    async def run_for_customer(self, customer: int, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict[str, Any]) -> list[dict[str, Any]]:
        text = _bill_text(_entity(tracker, "bill_merchant"), _entity(tracker, "bill_amount"),
                          _entity(tracker, "bill_due_date"))
        try:
            with session() as db:
                current = balances(db, customer, "current")[0]
            text += f" Your {current.name} has {format_money(current.available, current.currency)} available."
        except AccountNotFound:
            pass
        dispatcher.utter_message(text=text + " Would you like to see your bills or move money?", buttons=BILL_BUTTONS)
        return []


class ActionWarnLowBalance(CustomerAction):
    """The customer hears that an account is running low, and what they can do about it."""

    def name(self) -> str:
        return "action_warn_low_balance"

    async def run_for_customer(self, customer: int, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict[str, Any]) -> list[dict[str, Any]]:
        raw_id = _entity(tracker, "account_id")
        try:
            with session() as db:
                account = customer_account(db, customer, int(raw_id or ""))
        except (UnknownSubject, ValueError):
            dispatcher.utter_message(text="One of your accounts is running low. Would you like to check your balances?",
                                     buttons=LOW_BALANCE_BUTTONS)
            return []
        available = (f" ({format_money(account.available, account.currency)} available including your overdraft)"
                     if account.limit else "")
        dispatcher.utter_message(
            text=f"Heads up: your {account.name} is down to {format_money(account.balance, account.currency)}"
                 f"{available}. You could move money in from another account.",
            buttons=LOW_BALANCE_BUTTONS)
        return []


class ActionPresentOffer(CustomerAction):
    """The customer is told about a product picked for them, without any pressure to take it."""

    def name(self) -> str:
        return "action_present_offer"

    async def run_for_customer(self, customer: int, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            product = find_product(_entity(tracker, "product_code") or "")
        except UnknownSubject:
            return []
        dispatcher.utter_message(text=f"Something you might like: the {product.name}. {product.description} "
                                      "Ask me about it any time, or carry on with anything else.",
                                 buttons=OFFER_BUTTONS)
        # So "why?" right after the push explains this product.
        return [SlotSet(OFFER_SLOT, product.code)]
