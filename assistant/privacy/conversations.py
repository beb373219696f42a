"""A customer's conversations in Rasa's tracker store (its SQL `events` table), read and deleted directly."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import MetaData, Table, delete, inspect, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.sql.elements import ColumnElement

from assistant.identity import conversation_id_for

EVENTS_TABLE = "events"  # rasa.core.tracker_store.SQLTrackerStore


def _events(engine: Engine) -> Table | None:
    """The tracker store's events table, or None when Rasa has not created it (no conversation yet)."""
    if not inspect(engine).has_table(EVENTS_TABLE):
        return None
    return Table(EVENTS_TABLE, MetaData(), autoload_with=engine)


def _customers_senders(events: Table, customer_id: int, secret: str) -> ColumnElement[bool]:
    # The sender id under today's CONVERSATION_SECRET, and any signed under an earlier one ("cust-<id>-<signature>").
    return or_(events.c.sender_id == conversation_id_for(customer_id, secret),
               events.c.sender_id.like(f"cust-{customer_id}-%"))


def _event(row: Any) -> dict[str, Any]:
    try:
        data = json.loads(row.data) if row.data else None
    except ValueError:
        data = row.data
    return {"type": row.type_name, "timestamp": row.timestamp, "intent": row.intent_name,
            "action": row.action_name, "data": data}


def export_conversations(engine: Engine, customer_id: int, secret: str) -> list[dict[str, Any]]:
    """The customer's conversations, each the list of its events in order (the sender id itself is not shown)."""
    events = _events(engine)
    if events is None:
        return []
    with engine.connect() as connection:
        rows = connection.execute(select(events).where(_customers_senders(events, customer_id, secret))
                                  .order_by(events.c.sender_id, events.c.id)).all()
    conversations: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        conversations.setdefault(row.sender_id, []).append(_event(row))
    return [{"events": found} for found in conversations.values()]


def erase_conversations(engine: Engine, customer_id: int, secret: str) -> int:
    """Delete every event of the customer's conversations; how many were deleted."""
    events = _events(engine)
    if events is None:
        return 0
    with engine.begin() as connection:
        return connection.execute(delete(events).where(_customers_senders(events, customer_id, secret))).rowcount
