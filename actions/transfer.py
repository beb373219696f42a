"""Transfers: the form that collects amount, payee and source account, the confirmation, and the move itself."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlmodel import Session

from actions.db import session
from actions.identity import SIGN_IN_AGAIN, CustomerAction, UnverifiedConversation, conversation_ref, customer_id
from assistant.bank.amounts import parse_amount
from assistant.bank.models import AccountKind
from assistant.bank.money import format_money
from assistant.bank.payees import list_payees, match_payee, payee_of
from assistant.bank.transfers import (
    TransferRefused,
    execute_transfer,
    find_source_account,
    quote_transfer,
    source_accounts,
)
from assistant.db import utcnow

YES_NO = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
TRANSFER_SLOTS = ("transfer_amount", "transfer_payee", "transfer_payee_id", "transfer_source_account",
                  "transfer_source_account_id", "transfer_quote_id", "requested_slot")
MISSING_DETAILS = ("I'm missing some details of the transfer, so no money has moved. "
                   "Tell me how much, to whom and from which account, and we'll start again.")


def clear_transfer() -> list[dict[str, Any]]:
    """Events that forget the transfer in progress."""
    return [SlotSet(name, None) for name in TRANSFER_SLOTS]


def _inform(entity: str, value: str) -> str:
    return "/inform" + json.dumps({entity: value})


def _text(value: Any) -> str:
    """A slot value as text; when the message named several, the first one."""
    if isinstance(value, list):
        value = value[0] if value else ""
    return "" if value is None else str(value)


def _quote_id(tracker: Tracker) -> str | None:
    """The id minted when the customer was asked to confirm this transfer, or None if they never were."""
    quote = tracker.get_slot("transfer_quote_id")
    return str(quote) if quote else None


def _pending(tracker: Tracker) -> tuple[Decimal, int, int] | None:
    """The amount, payee id and source account id the form collected, or None if any is missing or malformed.

    The ids are only pointers: the services check again that both belong to the verified customer.
    """
    amount, payee_id, source_id = (tracker.get_slot("transfer_amount"), tracker.get_slot("transfer_payee_id"),
                                   tracker.get_slot("transfer_source_account_id"))
    if amount is None or payee_id is None or source_id is None:
        return None
    try:
        return Decimal(str(amount)), int(payee_id), int(source_id)
    except (InvalidOperation, TypeError, ValueError):
        return None


def _destination_account_id(db: Session, customer: int, tracker: Tracker) -> int | None:
    """The customer's own account the chosen payee stands for, if the payee is one of their accounts."""
    payee_id = tracker.get_slot("transfer_payee_id")
    try:
        payee = payee_of(db, customer, int(payee_id)) if payee_id is not None else None
    except (TypeError, ValueError):
        return None
    return payee.account_id if payee is not None else None


class ValidateTransferForm(FormValidationAction):
    """The customer's answers are checked as they give them: a real amount, a saved payee, one of their accounts."""

    def name(self) -> str:
        return "validate_transfer_form"

    def validate_transfer_amount(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> dict[str, Any]:
        """A positive amount of pounds with at most two decimal places."""
        try:
            amount = parse_amount(_text(value))
        except ValueError as problem:
            dispatcher.utter_message(text=str(problem))
            return {"transfer_amount": None}
        return {"transfer_amount": f"{amount:.2f}"}

    def validate_transfer_payee(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> dict[str, Any]:
        """One of the customer's saved payees; buttons when the name fits several."""
        nobody = {"transfer_payee": None, "transfer_payee_id": None}
        try:
            customer = customer_id(tracker)
        except UnverifiedConversation:
            dispatcher.utter_message(text=SIGN_IN_AGAIN)
            return nobody
        typed = _text(value)
        with session() as db:
            found = match_payee(db, customer, typed)
            if found.is_confident:
                return {"transfer_payee": found.payee.name, "transfer_payee_id": found.payee.id}
            if found.candidates:
                question = ("Did you mean this payee?" if len(found.candidates) == 1
                            else "Which of your payees do you mean?")
                dispatcher.utter_message(
                    text=question,
                    buttons=[{"title": p.name, "payload": _inform("payee", p.name)} for p in found.candidates],
                )
                return nobody
            names = [p.name for p in list_payees(db, customer)]
        if names:
            dispatcher.utter_message(text=f"I couldn't find \"{typed}\" among your saved payees. "
                                          f"Your payees are: {', '.join(names)}. New payees can be added in the app.")
        else:
            dispatcher.utter_message(text="You don't have any saved payees yet. New payees can be added in the app.")
        return nobody

    def validate_transfer_source_account(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                         domain: DomainDict) -> dict[str, Any]:
        """The customer's current or savings account the money comes from; buttons for theirs when unclear."""
        unclear = {"transfer_source_account": None, "transfer_source_account_id": None}
        try:
            customer = customer_id(tracker)
        except UnverifiedConversation:
            dispatcher.utter_message(text=SIGN_IN_AGAIN)
            return unclear
        with session() as db:
            account = find_source_account(db, customer, _text(value))
            destination = _destination_account_id(db, customer, tracker)
            if account is not None and account.id != destination:
                return {"transfer_source_account": account.name, "transfer_source_account_id": account.id}
            if account is not None:
                dispatcher.utter_message(text=f"The money is going to your {account.name}, "
                                              "so it has to come from another account.")
            options = [a for a in source_accounts(db, customer) if a.id != destination]
            kinds = [AccountKind(a.kind).value for a in options]
            # A kind names one account only when the customer has one of that kind; otherwise the name does.
            buttons = [{"title": a.name, "payload": _inform("account_type", kind if kinds.count(kind) == 1 else a.name)}
                       for a, kind in zip(options, kinds)]
        if buttons:
            dispatcher.utter_message(text="Transfers can come from your current or savings accounts:", buttons=buttons)
        else:
            dispatcher.utter_message(text="You don't have a current or savings account to send money from.")
        return unclear


class ActionAskTransferConfirmation(CustomerAction):
    """The customer sees exactly what will be sent, from where, to whom, and must say yes before money moves."""

    def name(self) -> str:
        return "action_ask_transfer_confirmation"

    def events_when_unverified(self) -> list[dict[str, Any]]:
        return clear_transfer()

    async def run_for_customer(self, customer: int, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict[str, Any]) -> list[dict[str, Any]]:
        pending = _pending(tracker)
        if pending is None:
            dispatcher.utter_message(text=MISSING_DETAILS)
            return clear_transfer()
        amount, payee_id, source_id = pending
        with session() as db:
            try:
                quote = quote_transfer(db, customer, source_id, payee_id, amount, utcnow())
            except TransferRefused as refused:
                dispatcher.utter_message(text=f"I can't send that: {refused} No money has moved.")
                return clear_transfer()
        amount_text = format_money(quote.amount, quote.currency)
        dispatcher.utter_message(text=f"Send {amount_text} to {quote.payee_name} from your {quote.source_name}?",
                                 buttons=YES_NO)
        # The key belongs to what the customer is asked to confirm, not to the message that confirms it: a "yes"
        # repeated because the first one got no answer (the action server died mid-transfer) is the same transfer.
        return [SlotSet("transfer_quote_id", uuid.uuid4().hex)]


class ActionExecuteTransfer(CustomerAction):
    """The confirmed transfer happens once, even if the customer confirms it again after a crash."""

    def name(self) -> str:
        return "action_execute_transfer"

    def events_when_unverified(self) -> list[dict[str, Any]]:
        return clear_transfer()

    async def run_for_customer(self, customer: int, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict[str, Any]) -> list[dict[str, Any]]:
        pending, quote_id = _pending(tracker), _quote_id(tracker)
        if pending is None or quote_id is None:
            dispatcher.utter_message(text="There's no transfer waiting for your confirmation, so no money has moved.")
            return clear_transfer()
        amount, payee_id, source_id = pending
        key = f"{conversation_ref(tracker)}:{quote_id}"
        try:
            with session() as db:
                done = execute_transfer(db, customer, key, source_id, payee_id, amount, utcnow())
        except TransferRefused as refused:
            dispatcher.utter_message(text=f"I couldn't send that: {refused} No money has moved.")
            return clear_transfer()
        opening = "That transfer had already gone through:" if done.repeated else "Done."
        dispatcher.utter_message(
            text=f"{opening} {format_money(done.amount, done.currency)} has gone to {done.payee_name} from your "
                 f"{done.source_name}. Its balance is now {format_money(done.source_balance, done.currency)}."
        )
        return clear_transfer()


class ActionCancelTransfer(Action):
    """The customer changed their mind: the transfer is forgotten and no money moves."""

    def name(self) -> str:
        return "action_cancel_transfer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        dispatcher.utter_message(text="OK, I've cancelled that transfer. No money has moved.")
        return clear_transfer()
