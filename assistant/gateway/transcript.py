"""A conversation's transcript from Rasa's tracker events: who said what, when, with buttons and custom payloads.

The tracker store is the record. Customer messages are `user` events; the bot's and the agents' are `bot` events,
an agent's carrying `metadata.agent_id`. Intents triggered from outside are `user` events whose text starts with
"EXTERNAL: "; they are not shown, and the bot messages a proactive event caused are marked proactive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from assistant.gateway.rasa_client import normalise_messages
from assistant.proactive.requests import EVENTS

EXTERNAL_PREFIX = "EXTERNAL: "  # rasa.shared.core.constants.EXTERNAL_MESSAGE_PREFIX
# Only the push service's events are proactive; other external intents (the handback) are not.
PROACTIVE_TRIGGERS = {f"{EXTERNAL_PREFIX}EXTERNAL_{event}" for event in EVENTS}


@dataclass(frozen=True)
class TranscriptPage:
    """Some entries of a transcript, oldest first, and where the page before them starts."""

    entries: list[dict[str, Any]]
    has_more: bool

    def as_json(self) -> dict[str, Any]:
        """The page as the history endpoint returns it."""
        before = self.entries[0]["id"] if self.has_more and self.entries else None
        return {"messages": self.entries, "has_more": self.has_more, "next_before": before}


def _at(event: dict[str, Any]) -> str | None:
    timestamp = event.get("timestamp")
    if not isinstance(timestamp, (int, float)) or isinstance(timestamp, bool):
        return None
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).isoformat(timespec="milliseconds")


def _title_for(payload: str, buttons: list[dict[str, str]]) -> str:
    """A button press is recorded as its payload; show the customer the title they clicked."""
    return next((button["title"] for button in buttons if button["payload"] == payload), payload)


def transcript(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every customer, bot and agent message of the events, oldest first; `id` is the event's position."""
    entries: list[dict[str, Any]] = []
    last_buttons: list[dict[str, str]] = []
    proactive = False
    for position, event in enumerate(events):
        kind = event.get("event")
        text = event.get("text")
        if kind == "user" and isinstance(text, str):
            proactive = text in PROACTIVE_TRIGGERS
            if text.startswith(EXTERNAL_PREFIX) or not text.strip():
                continue
            shown = _title_for(text, last_buttons) if text.startswith("/") else text
            entries.append({"id": position, "from": "customer", "at": _at(event), "text": shown})
        elif kind == "bot":
            data = event.get("data") if isinstance(event.get("data"), dict) else {}
            messages = normalise_messages([{**data, "text": text}])
            if not messages:
                continue
            message = messages[0]
            last_buttons = message.get("buttons", [])
            metadata = event.get("metadata") if isinstance(event.get("metadata"), dict) else {}
            entry: dict[str, Any] = {"id": position, "from": "bot", "at": _at(event), **message}
            if metadata.get("agent_id") is not None:
                entry.update({"from": "agent", "agent_id": str(metadata["agent_id"])})
                if isinstance(metadata.get("agent_name"), str):
                    entry["agent_name"] = metadata["agent_name"]
            elif proactive:
                entry["proactive"] = True
            entries.append(entry)
    return entries


def page(entries: list[dict[str, Any]], limit: int, before: int | None = None) -> TranscriptPage:
    """The last `limit` entries whose id is below `before` (all entries when None), oldest first."""
    earlier = [entry for entry in entries if before is None or entry["id"] < before]
    return TranscriptPage(entries=earlier[-limit:] if limit else [], has_more=len(earlier) > limit)
