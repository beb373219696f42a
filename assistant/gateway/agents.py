"""The agent JSON API under /api/v1/agent/: the queue, claiming, transcripts, live replies, notes, articles, resolve."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable
from typing import Any, TypeVar

from aiohttp import web

from assistant.gateway import agent_desk
from assistant.gateway.conversations import sender_of
from assistant.gateway.database import read
from assistant.gateway.errors import ApiError
from assistant.gateway.inputs import json_object, whole_number
from assistant.gateway.keys import ARTICLES, ENGINE, HUB, RASA, SETTINGS
from assistant.gateway.live import publish
from assistant.gateway.rasa_errors import from_rasa
from assistant.gateway.signed_in import SignedInAgent, signed_in_agent
from assistant.gateway.suggestions import KnowledgeUnavailable
from assistant.gateway.transcript import transcript
from assistant.handoff.tickets import TicketAlreadyClaimed, TicketNotAssigned, TicketNotFound

log = logging.getLogger(__name__)

T = TypeVar("T")
HANDBACK_INTENT = "EXTERNAL_handback"
QUEUE_CHANGED = {"type": "queue_changed"}


def _ticket_id(request: web.Request) -> int:
    raw = request.match_info["ticket_id"]
    ticket_id = whole_number(raw)
    if ticket_id is None:
        raise ApiError(404, "ticket_not_found", f"There is no ticket {raw}.")
    return ticket_id


async def _desk(request: web.Request, work: Any, *args: Any) -> Any:
    """Run one agent_desk function; the service's refusals become the API's errors."""
    try:
        return await read(work, request.app[ENGINE], *args)
    except TicketNotFound as exc:
        raise ApiError(404, "ticket_not_found", "There is no such ticket in your queue.") from exc
    except TicketAlreadyClaimed as exc:
        raise ApiError(409, "already_claimed", "Another agent has already taken this chat.") from exc
    except TicketNotAssigned as exc:
        raise ApiError(409, "not_assigned", "Claim this chat before replying to, noting or resolving it.") from exc


async def _rasa(call: Awaitable[T]) -> T:
    return await from_rasa(call, "The conversation service is taking too long. Try again.",
                           "The conversation service is unavailable. Try again.")


def _text(body: dict[str, Any], max_chars: int) -> str:
    text = body.get("text")
    if not isinstance(text, str):
        raise ApiError(400, "invalid_body", 'The request must have a "text" string.')
    if not text.strip():
        raise ApiError(400, "empty_message", "The text is empty.")
    if len(text) > max_chars:
        raise ApiError(413, "message_too_long", f"The text can be at most {max_chars} characters; it has {len(text)}.")
    return text.strip()


async def _say(request: web.Request, agent: SignedInAgent, customer_id: int, text: str) -> dict[str, Any]:
    """Record an agent's message in the customer's conversation, then show it to the customer at once."""
    at = time.time()
    event = {"event": "bot", "text": text, "timestamp": at,
             "metadata": {"agent_id": str(agent.id), "agent_name": agent.name}}
    await _rasa(request.app[RASA].append_events(sender_of(request.app, customer_id), [event]))
    await publish(request.app, customer_id, {"type": "agent", "messages": [{"text": text}],
                                             "agent": {"id": str(agent.id), "name": agent.name}})
    return {"from": "agent", "agent_id": str(agent.id), "agent_name": agent.name, "text": text}


async def agent_desk_view(request: web.Request) -> web.Response:
    """The queue of waiting chats and the chats assigned to the signed-in agent."""
    agent = await signed_in_agent(request)
    return web.json_response(await _desk(request, agent_desk.desk, agent.id))


async def claim_ticket(request: web.Request) -> web.Response:
    """Take a waiting chat; of two agents claiming at once one gets 200 and the other 409."""
    agent = await signed_in_agent(request)
    claimed = await _desk(request, agent_desk.claim, _ticket_id(request), agent.id)
    await request.app[HUB].to_agents(QUEUE_CHANGED)
    ticket = claimed["ticket"]
    try:
        await _say(request, agent, ticket["customer"]["id"],
                   f"Hello, this is {agent.name} from Lumen Bank. I've read our chat so far and I'm here to help.")
    except ApiError:
        # The claim stands; the agent can still greet the customer with a reply.
        log.warning("could not record the greeting of agent %s on ticket %s", agent.id, ticket["id"])
    return web.json_response({"ticket": ticket})


async def ticket_detail(request: web.Request) -> web.Response:
    """A ticket the agent may see, its notes and the whole transcript from the tracker store."""
    agent = await signed_in_agent(request)
    found = await _desk(request, agent_desk.ticket_for_agent, _ticket_id(request), agent.id)
    events = await _rasa(request.app[RASA].tracker_events(sender_of(request.app, found["ticket"]["customer"]["id"])))
    return web.json_response({"ticket": found["ticket"], "notes": found["notes"], "transcript": transcript(events)})


async def reply(request: web.Request) -> web.Response:
    """The agent replies: recorded in the tracker with the agent's id, and pushed to the customer live."""
    agent = await signed_in_agent(request)
    text = _text(await json_object(request), request.app[SETTINGS].max_message_chars)
    customer_id = await _desk(request, agent_desk.replying_to, _ticket_id(request), agent.id)
    return web.json_response({"message": await _say(request, agent, customer_id, text)})


async def add_note(request: web.Request) -> web.Response:
    """A private note on the agent's chat; the customer never sees it."""
    agent = await signed_in_agent(request)
    text = _text(await json_object(request), request.app[SETTINGS].max_message_chars)
    try:
        note = await _desk(request, agent_desk.add_note, _ticket_id(request), agent.id, text)
    except ValueError as exc:
        raise ApiError(400, "invalid_note", f"{str(exc).capitalize()}.") from exc
    return web.json_response({"note": note}, status=201)


async def suggested_articles(request: web.Request) -> web.Response:
    """Approved articles for the customer's last message, to quote in a reply."""
    agent = await signed_in_agent(request)
    found = await _desk(request, agent_desk.ticket_for_agent, _ticket_id(request), agent.id, "suggestions")
    events = await _rasa(request.app[RASA].tracker_events(sender_of(request.app, found["ticket"]["customer"]["id"])))
    said = [entry["text"] for entry in transcript(events) if entry["from"] == "customer"]
    if not said:
        return web.json_response({"for_message": None, "articles": []})
    try:
        articles = await request.app[ARTICLES].suggest(said[-1])
    except KnowledgeUnavailable as exc:
        raise ApiError(503, "knowledge_unavailable", "The knowledge base is not built yet.") from exc
    return web.json_response({"for_message": said[-1], "articles": articles})


async def resolve(request: web.Request) -> web.Response:
    """Hand the chat back to the bot: resume the conversation, let the bot say so, then close the ticket."""
    agent = await signed_in_agent(request)
    ticket_id = _ticket_id(request)
    customer_id = await _desk(request, agent_desk.assigned_customer, ticket_id, agent.id)
    conversation_id = sender_of(request.app, customer_id)
    rasa = request.app[RASA]
    # Rasa first: if it fails the ticket stays with the agent, who can try again; nothing is half done.
    # action_listen too: a paused conversation never logged one, and without it no rule matches the handback.
    await _rasa(rasa.append_events(conversation_id, [{"event": "resume", "timestamp": time.time()},
                                                     {"event": "action", "name": "action_listen",
                                                      "timestamp": time.time()}]))
    messages = await _rasa(rasa.trigger_intent(conversation_id, HANDBACK_INTENT, {}))
    ticket = await _desk(request, agent_desk.resolve, ticket_id, agent.id)
    await publish(request.app, customer_id, {"type": "handback", "messages": messages})
    await request.app[HUB].to_agents(QUEUE_CHANGED)
    return web.json_response({"ticket": ticket, "messages": messages})
