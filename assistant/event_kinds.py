"""The kinds of event the bank tells a customer about unprompted: the one list the alert outbox raises, the push
service accepts and the proactive API validates, so every kind raised can be delivered."""

from __future__ import annotations

# Standard library only, and no enum.StrEnum: the Rasa virtualenv (Python 3.10) imports this through the actions.


class EventKind:
    """What an alert or proactive message is about (the `event` field of a push delivery)."""

    unusual_purchase = "unusual_purchase"
    upcoming_bill = "upcoming_bill"
    low_balance = "low_balance"
    offer = "offer"  # a retention offer of a product (assistant/models/retention_outbox.py)


EVENTS: tuple[str, ...] = (EventKind.unusual_purchase, EventKind.upcoming_bill, EventKind.low_balance,
                           EventKind.offer)
