"""The customer asks what the bank has warned them about: their recent alerts, newest first."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.db import session
from actions.identity import CustomerAction
from assistant.alerts.services import AlertView, recent_alerts

KIND_NAMES = {"unusual_purchase": "Unusual payment", "upcoming_bill": "Upcoming bill", "offer": "Offer"}
ANSWERS = {True: " (you told us it was you)", False: " (you told us it wasn't you)", None: ""}
NO_ALERTS = ("You have no alerts right now. I'll message you here if I spot a payment that doesn't look like you "
             "or a bill your balance won't cover.")


def describe_alert(alert: AlertView) -> str:
    """One line for one alert: when, what kind, why, and the customer's answer if they gave one."""
    kind = KIND_NAMES.get(alert.kind, alert.kind.replace("_", " ").capitalize())
    return f"• {alert.created_at:%-d %b}: {kind}: {alert.reason}{ANSWERS[alert.was_customer]}"


class ActionListAlerts(CustomerAction):
    """The customer sees their recent alerts and what they answered."""

    def name(self) -> str:
        return "action_list_alerts"

    async def run_for_customer(self, customer: int, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict[str, Any]) -> list[dict[str, Any]]:
        with session() as db:
            alerts = recent_alerts(db, customer)
        if not alerts:
            dispatcher.utter_message(text=NO_ALERTS)
            return []
        lines = "\n".join(describe_alert(alert) for alert in alerts)
        dispatcher.utter_message(text=f"Your recent alerts:\n{lines}")
        return []
