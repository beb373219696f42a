"""Transfers: the form that collects amount, payee and source account, the confirmation, and the move itself."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.db import session
from actions.identity import SIGN_IN_AGAIN, CustomerAction, UnverifiedConversation, customer_id
from assistant.bank.accounts import AccountNotFound, find_account, list_accounts
from assistant.bank.amounts import parse_amount
from assistant.bank.models import AccountKind
from assistant.bank.money import format_money
from assistant.bank.payees import list_payees, match_payee
from assistant.bank.transfers import TransferRefused, execute_transfer, quote_transfer
from assistant.db import utcnow

YES_NO = [{"title": "Yes, send it", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
TRANSFER_SLOTS = ("transfer_amount", "transfer_payee", "transfer_payee_id", "transfer_source_account",
                  "transfer_source_account_id", "requested_slot")


def clear_transfer() -> list[dict[str, Any]]:
    """Events that forget the transfer in progress."""
    return [SlotSet(name, None) for name in TRANSFER_SLOTS]


def _inform(entity: str, value: str) -> str:
    return "/inform" + json.dumps({entity: value})


class ValidateTransferForm(FormValidationAction):
    """The customer's answers are checked as they give them: a real amount, a saved payee, one of their accounts."""

    def name(self) -> str:
        return "validate_transfer_form"

    def validate_transfer_amount(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> dict[str, Any]:
        """A positive amount of pounds with at most two decimal places."""
        try:
            amount = parse_amount(str(value))
        except ValueError as problem:
            dispatcher.utter_message(text=str(problem))
            return {"transfer_amount": None}
        return {"transfer_amount": f"{amount:.2f}"}

    def validate_transfer_payee(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> dict[str, Any]:
        """One of the customer's saved payees; buttons when the name fits several."""
        try:
            customer = customer_id(tracker)
        except UnverifiedConversation:
            dispatcher.utter_message(text=SIGN_IN_AGAIN)
            return {"transfer_payee": None, "transfer_payee_id": None}
        with session() as db:
            found = match_payee(db, customer, str(value))
            if found.is_confident:
                return {"transfer_payee": found.payee.name, "transfer_payee_id": found.payee.id}
            if found.candidates:
                dispatcher.utter_message(
                    text="Which payee do you mean?",
                    buttons=[{"title": p.name, "payload": _inform("payee", p.name)} for p in found.candidates],
                )
            else:
                names = [p.name for p in list_payees(db, customer)]
                dispatcher.utter_message(
                    text=f"I couldn't find {value!r} among your saved payees"
                    + (f" ({', '.join(names)})." if names else ". You don't have any saved payees yet.")
                    + " New payees can be added in the app.")
        return {"transfer_payee": None, "transfer_payee_id": None}

    def validate_transfer_source_account(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                         domain: DomainDict) -> dict[str, Any]:
        """The customer's current or savings account the money comes from."""
        try:
            customer = customer_id(tracker)
        except UnverifiedConversation:
            dispatcher.utter_message(text=SIGN_IN_AGAIN)
            return {"transfer_source_account": None, "transfer_source_account_id": None}
        with session() as db:
            try:
                account = find_account(db, customer, str(value))
                if AccountKind(account.kind) == AccountKind.credit_card:
                    raise AccountNotFound("credit card")
            except AccountNotFound:
                options = [a for a in list_accounts(db, customer) if AccountKind(a.kind) != AccountKind.credit_card]
                dispatcher.utter_message(
                    text="Transfers can come from your current or savings account. Which one?",
                    buttons=[{"title": a.name, "payload": _inform("account_type", AccountKind(a.kind).value)}
                             for a in options],
                )
                return {"transfer_source_account": None, "transfer_source_account_id": None}
            return {"transfer_source_account": account.name, "transfer_source_account_id": account.id}


class ActionAskTransferConfirmation(CustomerAction):
    """The customer sees exactly what will be sent, from where, to whom, and must say yes before money moves."""

    def name(self) -> str:
        return "action_ask_transfer_confirmation"

    def events_when_unverified(self) -> list[dict[str, Any]]:
        return clear_transfer()

    async def run_for_customer(self, customer: int, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict[str, Any]) -> list[dict[str, Any]]:
        amount, payee_id, source_id = (tracker.get_slot("transfer_amount"), tracker.get_slot("transfer_payee_id"),
                                       tracker.get_slot("transfer_source_account_id"))
        if not (amount and payee_id and source_id):
            dispatcher.utter_message(text="I'm missing some details of the transfer. Let's start again: "
                                          "tell me how much, to whom and from which account.")
            return clear_transfer()
        with session() as db:
            try:
                quote = quote_transfer(db, customer, int(source_id), int(payee_id), Decimal(amount), utcnow())
            except TransferRefused as refused:
                dispatcher.utter_message(text=f"I can't send that: {refused} No money has moved.")
                return clear_transfer()
        dispatcher.utter_message(
            text=f"Send {format_money(quote.amount, quote.currency)} to {quote.payee_name} from your {quote.source_name}?",
            buttons=YES_NO,
        )
        return []


def _confirming_message_id(tracker: Tracker) -> str:
    """The id Rasa gave the customer's latest message (its timestamp if a channel sent none)."""
    if tracker.latest_message.get("message_id"):
        return str(tracker.latest_message["message_id"])
    user_events = [e for e in tracker.events if e.get("event") == "user"]
    return str(user_events[-1].get("timestamp")) if user_events else "unknown"


class ActionExecuteTransfer(CustomerAction):
    """The confirmed transfer happens once, even if the confirmation is delivered twice."""

    def name(self) -> str:
        return "action_execute_transfer"

    def events_when_unverified(self) -> list[dict[str, Any]]:
        return clear_transfer()

    async def run_for_customer(self, customer: int, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict[str, Any]) -> list[dict[str, Any]]:
        amount, payee_id, source_id = (tracker.get_slot("transfer_amount"), tracker.get_slot("transfer_payee_id"),
                                       tracker.get_slot("transfer_source_account_id"))
        if not (amount and payee_id and source_id):
            dispatcher.utter_message(text="There's no transfer waiting for your confirmation, so no money has moved.")
            return clear_transfer()
        # The confirming message's id makes a redelivered "yes" the same transfer, not a second one.
        key = f"{tracker.sender_id}:{_confirming_message_id(tracker)}"
        try:
            with session() as db:
                done = execute_transfer(db, customer, key, int(source_id), int(payee_id), Decimal(amount), utcnow())
        except TransferRefused as refused:
            dispatcher.utter_message(text=f"I couldn't send that: {refused} No money has moved.")
            return clear_transfer()
        dispatcher.utter_message(
            text=f"Done. {format_money(done.amount, done.currency)} has gone to {done.payee_name}. "
                 f"Your {done.source_name} balance is now {format_money(done.source_balance, done.currency)}."
        )
        return clear_transfer()


class ActionCancelTransfer(Action):
    """The customer changed their mind: the transfer is forgotten and no money moves."""

    def name(self) -> str:
        return "action_cancel_transfer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        dispatcher.utter_message(text="OK, I've cancelled that transfer. No money has moved.")
        return clear_transfer()
