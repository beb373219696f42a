"""Customer messages while a chat is with a person: still recorded by Rasa (paused), and passed to the agents."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from aiohttp import web

from assistant.gateway import agent_desk
from assistant.gateway.conversations import reference_of
from assistant.gateway.database import read
from assistant.gateway.keys import ENGINE, HUB

HANDOFF_PAYLOAD = "handoff"  # the `custom.type` of the bot's "a person will take over" message


def agents_of(handoff: dict[str, Any]) -> set[str] | None:
    """Who hears about a handed-off chat: its assigned agent, or every agent (None) while it waits in the queue."""
    return {str(handoff["agent_id"])} if handoff["agent_id"] is not None else None


def _opened_a_handoff(messages: list[dict[str, Any]]) -> bool:
    return any((m.get("custom") or {}).get("type") == HANDOFF_PAYLOAD for m in messages)


async def after_customer_message(app: web.Application, conversation_id: str, text: str,
                                 messages: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Tell agents what they need about a message Rasa has just recorded; the chat's handoff state, or None.

    If the message opened a handoff, the agents' queue changed. If the chat was already with a person, the
    message goes to the assigned agent (to every agent while it waits in the queue).
    """
    handoff = await read(agent_desk.open_handoff, app[ENGINE], reference_of(app, conversation_id))
    if handoff is None:
        return None
    hub = app[HUB]
    if _opened_a_handoff(messages):
        await hub.to_agents({"type": "queue_changed"})
    else:
        event = {"type": "customer_message", "ticket_id": handoff["ticket_id"], "text": text,
                 "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        await hub.to_agents(event, agents_of(handoff))
    return {"ticket_id": handoff["ticket_id"], "status": handoff["status"]}
