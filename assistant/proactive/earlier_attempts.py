"""Whether an attempt that died holding a proactive key had already put its message into the conversation.

An attempt can die after Rasa took the EXTERNAL_<event> intent (and recorded it in the tracker, the record of the
conversation) but before the gateway stored its response. The retry that takes the key over reads the tracker
first, so that the customer is not asked "Was this you?" twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from assistant.proactive.notifications import trigger_entities
from assistant.proactive.requests import ProactiveRequest


def _entities(event: dict[str, Any]) -> dict[str, str]:
    parse_data = event.get("parse_data") or {}
    return {str(entity.get("entity")): str(entity.get("value")) for entity in parse_data.get("entities") or []
            if isinstance(entity, dict)}


def _intent(event: dict[str, Any]) -> str | None:
    intent = (event.get("parse_data") or {}).get("intent") or {}
    return intent.get("name") if isinstance(intent, dict) else None


def already_triggered(events: list[dict[str, Any]], request: ProactiveRequest, since: datetime) -> bool:
    """Whether the tracker holds this request's EXTERNAL_<event> with its entities, triggered at or after `since`."""
    wanted = {name: str(value) for name, value in trigger_entities(request).items()}
    for event in events:
        if event.get("event") != "user" or _intent(event) != f"EXTERNAL_{request.event}":
            continue
        timestamp = event.get("timestamp")
        if not isinstance(timestamp, (int, float)) or timestamp < since.timestamp():
            continue
        entities = _entities(event)
        if all(entities.get(name) == value for name, value in wanted.items()):
            return True
    return False
