"""Balance: what is in one account, or in all of them."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.db import session
from actions.identity import CustomerAction
from assistant.bank.accounts import AccountBalance, AccountNotFound, balances, list_accounts
from assistant.bank.models import AccountKind
from assistant.bank.money import format_money



def describe_balance(item: AccountBalance) -> str:
    """One account's balance in words, with what is available to spend."""
    money = lambda amount: format_money(amount, item.currency)  # noqa: E731
    if item.kind == AccountKind.credit_card:
        owed = -item.balance if item.balance < 0 else 0
        return (f"{item.name}: you owe {money(owed)}; {money(item.available)} of your "
                f"{money(item.limit)} limit is available")
    if item.limit > 0:
        return f"{item.name}: {money(item.balance)} ({money(item.available)} available with your overdraft)"
    return f"{item.name}: {money(item.balance)}"


class ActionShowBalance(CustomerAction):
    """The customer sees the balance of the account they named, or of every account they hold."""

    def name(self) -> str:
        return "action_show_balance"

    async def run_for_customer(self, customer: int, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict[str, Any]) -> list[dict[str, Any]]:
        account_type = next(tracker.get_latest_entity_values("account_type"), None)
        with session() as db:
            try:
                found = balances(db, customer, account_type)
            except AccountNotFound:
                names = ", ".join(account.name for account in list_accounts(db, customer))
                dispatcher.utter_message(
                    text=f"I couldn't find a {account_type.replace('_', ' ')} account for you. "
                         f"Your accounts are: {names}." if names else "You don't have any accounts with us yet.")
                return []
        if not found:
            dispatcher.utter_message(text="You don't have any accounts with us yet.")
        elif len(found) == 1:
            dispatcher.utter_message(text=f"Your {describe_balance(found[0])}.")
        else:
            dispatcher.utter_message(text="Here are your balances:\n" + "\n".join(f"- {describe_balance(b)}" for b in found))
        return []
