"""Upcoming bills: direct debits, standing orders and subscriptions due soon."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.db import session
from actions.identity import CustomerAction
from assistant.bank.bills import DEFAULT_WINDOW_DAYS, total_due, upcoming_bills
from assistant.bank.money import format_money
from assistant.db import utcnow



class ActionListUpcomingBills(CustomerAction):
    """The customer sees every bill and recurring payment due in the next 30 days, with the total."""

    def name(self) -> str:
        return "action_list_upcoming_bills"

    async def run_for_customer(self, customer: int, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict[str, Any]) -> list[dict[str, Any]]:
        with session() as db:
            bills = upcoming_bills(db, customer, utcnow(), DEFAULT_WINDOW_DAYS)
        if not bills:
            dispatcher.utter_message(text=f"You have no bills or recurring payments due in the next {DEFAULT_WINDOW_DAYS} days.")
            return []
        count = "1 payment" if len(bills) == 1 else f"{len(bills)} payments"
        lines = [
            f"- {bill.due_on:%a} {bill.due_on.day} {bill.due_on:%b}: {bill.merchant} "
            f"{format_money(bill.amount, bill.currency)} ({bill.kind.replace('_', ' ')}, from {bill.account_name})"
            for bill in bills
        ]
        dispatcher.utter_message(
            text=f"You have {count} due in the next {DEFAULT_WINDOW_DAYS} days, "
                 f"{format_money(total_due(bills), bills[0].currency)} in total:\n" + "\n".join(lines))
        return []
