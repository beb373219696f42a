"""Transaction search: recent transactions filtered by merchant, category, period and amount."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.db import session
from actions.identity import CustomerAction
from assistant.bank.amounts import parse_amount_range
from assistant.bank.money import format_money
from assistant.bank.periods import PERIOD_EXAMPLES, PeriodNotUnderstood, parse_period
from assistant.bank.transactions import DEFAULT_LIMIT, TransactionItem, search_transactions
from assistant.db import utcnow

PERIOD_HELP = "I couldn't work out the dates in \"{text}\". Try something like " + ", ".join(
    f'"{example}"' for example in PERIOD_EXAMPLES) + "."
AMOUNT_HELP = ('I couldn\'t understand the amount "{text}". Try "over £50", "under £20" '
               'or "between £10 and £100".')


def _line(item: TransactionItem) -> str:
    return f"- {item.booked_at.day} {item.booked_at:%b}: {item.merchant}, {format_money(item.amount, item.currency)}"


def _widen_hint(merchant: str | None, category: str | None, period: str | None, amount_range: str | None) -> str:
    hints = []
    if period:
        hints.append('a longer period, like "last 3 months"')
    if amount_range:
        hints.append("a wider amount range")
    if merchant or category:
        hints.append("checking the spelling of the " + ("shop" if merchant else "category"))
    return "Try " + " or ".join(hints) + "." if hints else "There are no transactions on your accounts yet."


class ActionSearchTransactions(CustomerAction):
    """The customer sees their latest transactions matching what they asked for, newest first."""

    def name(self) -> str:
        return "action_search_transactions"

    async def run_for_customer(self, customer: int, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict[str, Any]) -> list[dict[str, Any]]:
        merchant = next(tracker.get_latest_entity_values("merchant"), None)
        category = next(tracker.get_latest_entity_values("category"), None)
        period_text = next(tracker.get_latest_entity_values("period"), None)
        range_text = next(tracker.get_latest_entity_values("amount_range"), None)
        try:
            period = parse_period(period_text, utcnow()) if period_text else None
        except PeriodNotUnderstood:
            dispatcher.utter_message(text=PERIOD_HELP.format(text=period_text))
            return []
        try:
            low, high = parse_amount_range(range_text) if range_text else (None, None)
        except ValueError:
            dispatcher.utter_message(text=AMOUNT_HELP.format(text=range_text))
            return []
        with session() as db:
            items = search_transactions(db, customer, merchant=merchant, category=category, period=period,
                                        min_amount=low, max_amount=high, limit=DEFAULT_LIMIT)

        filters = " ".join(part for part in (
            f"at {merchant}" if merchant else "",
            f"in {category}" if category else "",
            period.in_words if period else "",
            range_text or "",
        ) if part)
        if not items:
            dispatcher.utter_message(
                text=f"I couldn't find any transactions {filters}. ".replace(" .", ".")
                     + _widen_hint(merchant, category, period_text, range_text))
            return []
        heading = "Here is your latest transaction" if len(items) == 1 else f"Here are your latest {len(items)} transactions"
        dispatcher.utter_message(
            text=f"{heading} {filters}:".replace(" :", ":") + "\n" + "\n".join(_line(item) for item in items),
            json_message={"type": "transactions", "items": [item.payload() for item in items]},
        )
        return []
