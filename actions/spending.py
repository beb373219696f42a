"""Spending summary: how much went out in a period, by category, with a chart."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.db import session
from actions.identity import CustomerAction
from assistant.bank.money import format_money
from assistant.bank.periods import PERIOD_EXAMPLES, PeriodNotUnderstood, parse_period
from assistant.bank.spending import spending_by_category
from assistant.db import utcnow

DEFAULT_PERIOD = "this month"
TOP_CATEGORIES = 3
PERIOD_HELP = "I couldn't work out the dates in \"{text}\". Try something like " + ", ".join(
    f'"{example}"' for example in PERIOD_EXAMPLES) + "."


class ActionSpendingSummary(CustomerAction):
    """The customer sees their spending for a period (this month unless they say), largest categories first."""

    def name(self) -> str:
        return "action_spending_summary"

    async def run_for_customer(self, customer: int, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict[str, Any]) -> list[dict[str, Any]]:
        period_text = next(tracker.get_latest_entity_values("period"), None) or DEFAULT_PERIOD
        category = next(tracker.get_latest_entity_values("category"), None)
        try:
            period = parse_period(period_text, utcnow())
        except PeriodNotUnderstood:
            dispatcher.utter_message(text=PERIOD_HELP.format(text=period_text))
            return []
        with session() as db:
            summary = spending_by_category(db, customer, period, category=category)

        on_what = f" on {category}" if category else ""
        if not summary.categories:
            dispatcher.utter_message(
                text=f"I don't see any spending{on_what} {period.in_words}. "
                     'Try another period, like "last month" or "last 30 days".')
            return []
        total = format_money(summary.total, summary.currency)
        text = f"You spent {total}{on_what} {period.in_words}."
        if not category:
            top = ", ".join(f"{item.category} {format_money(item.amount, summary.currency)}"
                            for item in summary.categories[:TOP_CATEGORIES])
            text += f" Biggest categories: {top}."
        dispatcher.utter_message(text=text, json_message=summary.chart_payload())
        return []
