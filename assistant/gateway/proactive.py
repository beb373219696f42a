"""POST /api/v1/proactive: the push-notification service starts a proactive message in a customer's conversation.

Authenticated by an HMAC-SHA256 signature of the timestamp and body (assistant/signing.py), not by a
customer token: the caller is a service. The message is triggered in Rasa as EXTERNAL_<event>, pushed to the
customer's open chat, and the notification to show is returned. Idempotency keys work as Stripe's do
(assistant/proactive/deliveries.py): the first complete response to a key is stored and replayed, the same key with a
different request is 422, a key still being sent is 409 until its lease runs out, and a key expires after its TTL.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from aiohttp import web

from assistant.gateway import agent_desk
from assistant.gateway.conversations import reference_of, sender_of
from assistant.gateway.database import read
from assistant.gateway.errors import ApiError
from assistant.gateway.handoff_routing import agents_of
from assistant.gateway.inputs import parse_json_object
from assistant.gateway.keys import ENGINE, HUB, RASA, SETTINGS
from assistant.gateway.live import publish
from assistant.gateway.rasa_client import RasaTimeout, RasaUnavailable
from assistant.proactive import deliveries
from assistant.proactive.deliveries import KeyPolicy
from assistant.proactive.earlier_attempts import already_triggered
from assistant.proactive.notifications import Notification, UnknownSubject, trigger_entities
from assistant.proactive.requests import InvalidProactiveRequest, ProactiveRequest, parse_request
from assistant.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureRejected, verify

log = logging.getLogger(__name__)

# Marks a response replayed from a key's stored first response (as Stripe's API does).
REPLAYED_HEADER = "Idempotent-Replayed"


@dataclass(frozen=True)
class SignedRequest:
    """A proactive request whose signature checked out, with that signature and its timestamp."""

    body: ProactiveRequest
    signature: str
    timestamp: int


def _signed_request(request: web.Request, raw: bytes) -> SignedRequest:
    signature = request.headers.get(SIGNATURE_HEADER, "").strip().lower()
    try:
        timestamp = verify(raw, request.headers.get(TIMESTAMP_HEADER), signature, request.app[SETTINGS].proactive_secret)
    except SignatureRejected as exc:
        raise ApiError(401, exc.code, exc.message) from exc
    body = parse_json_object(raw)
    try:
        return SignedRequest(parse_request(body), signature, timestamp)
    except InvalidProactiveRequest as exc:
        raise ApiError(400, "invalid_body", str(exc)) from exc


async def _accept(request: web.Request, signed: SignedRequest) -> deliveries.Acceptance:
    app, proactive = request.app, signed.body
    try:
        return await read(deliveries.accept, app[ENGINE], proactive, signed.signature, signed.timestamp,
                          app[SETTINGS].chat_deep_link, KeyPolicy.of(app[SETTINGS]))
    except deliveries.ReplayedRequest as exc:
        raise ApiError(401, "replayed_request", "This signed request was already received; sign each attempt afresh.") from exc
    except deliveries.UnknownCustomer as exc:
        raise ApiError(404, "unknown_customer", f"There is no customer {proactive.customer_id}.") from exc
    except UnknownSubject as exc:
        raise ApiError(404, "unknown_subject", f"The {proactive.event.replace('_', ' ')} is not about anything "
                                               "this customer has.") from exc
    except deliveries.KeyReused as exc:
        raise ApiError(422, "idempotency_key_reused",
                       "This idempotency key was already used with a different request (customer, event or data); "
                       "a new message needs a new key.") from exc
    except deliveries.KeyInProgress as exc:
        raise ApiError(409, "request_in_progress",
                       f"A request with this idempotency key is still being sent; retry in {exc.retry_after} s.",
                       headers={"Retry-After": str(exc.retry_after)}) from exc


async def _notice_while_with_a_person(app: web.Application, conversation_id: str,
                                      notification: Notification) -> list[dict[str, Any]]:
    """The message to show when a person has the chat: Rasa is paused then and says nothing.

    A fraud check must not vanish because an agent is talking to the customer: the notice goes into the
    conversation as the bank's message (the transcript of record) and to the agents, who take it from there.
    """
    handoff = await read(agent_desk.open_handoff, app[ENGINE], reference_of(app, conversation_id))
    if handoff is None:
        return []
    text = f"{notification.title} {notification.body}"
    await app[RASA].append_events(conversation_id, [{"event": "bot", "text": text, "timestamp": time.time(),
                                                     "metadata": {"proactive": True}}])
    await app[HUB].to_agents({"type": "proactive", "ticket_id": handoff["ticket_id"], "text": text,
                              "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}, agents_of(handoff))
    return [{"text": text}]


async def _send(app: web.Application, sender: str, proactive: ProactiveRequest,
                accepted: deliveries.Acceptance) -> list[dict[str, Any]] | None:
    """Trigger the event in the conversation and return the messages for the open chat; None when an earlier
    attempt under this key already put it there (it died, or timed out, before its response was stored)."""
    if accepted.taken_over_since is not None and already_triggered(
            await app[RASA].tracker_events(sender), proactive, accepted.taken_over_since):
        log.warning("proactive %s for customer %s was already in the conversation; not sent again",
                    proactive.event, proactive.customer_id)
        return None
    messages = await app[RASA].trigger_intent(sender, f"EXTERNAL_{proactive.event}", trigger_entities(proactive))
    return messages or await _notice_while_with_a_person(app, sender, accepted.notification)


async def proactive_message(request: web.Request) -> web.Response:
    """Start a proactive conversation (signed by the push service) and return the notification to show."""
    signed = _signed_request(request, await request.read())
    proactive = signed.body
    accepted = await _accept(request, signed)
    if accepted.replay is not None:
        return web.json_response({**accepted.replay.body, "duplicate": True}, status=accepted.replay.status,
                                 headers={REPLAYED_HEADER: "true"})
    app = request.app
    sender = sender_of(app, proactive.customer_id)
    try:
        messages = await _send(app, sender, proactive, accepted)
    except (RasaTimeout, RasaUnavailable) as exc:
        # Let go of the key so the push service's retry sends it; that retry first reads the conversation, since
        # after a timeout Rasa may have taken the message all the same.
        await read(deliveries.release, app[ENGINE], proactive, accepted.lease, signed.signature)
        raise ApiError(503, "assistant_unavailable",
                       "The assistant could not start the conversation; nothing was sent. Please retry.") from exc
    notice = {"type": "proactive", "messages": messages, "notification": accepted.notification.as_json()}
    delivered = 0 if messages is None else await publish(app, proactive.customer_id, notice)
    body = {"notification": accepted.notification.as_json(), "delivered_live": delivered > 0, "duplicate": False}
    if not await read(deliveries.record_response, app[ENGINE], proactive, accepted.lease, 200, body):
        log.warning("proactive %s for customer %s sent after its key's lease ran out; a retry may send it again",
                    proactive.event, proactive.customer_id)
    log.info("proactive %s sent to customer %s (live: %s)", proactive.event, proactive.customer_id, delivered > 0)
    return web.json_response(body)
