"""The customer's live channel: a websocket that receives bot, agent and proactive messages as they happen.

Protocol (browsers cannot set headers on a websocket, and a token in the URL would end up in access logs):
the client's first frame must be `{"type": "auth", "token": "<customer JWT>"}`, sent within AUTH_TIMEOUT_SECONDS (socket_protocol.py).
The server answers `{"type": "ready", "last_seq": <n>}` and from then on pushes events (`{"type": "bot"|"agent"|
"proactive"|"handoff"|"handback", "seq": <n>, "messages": [...]}`). Each pushed event carries its conversation's
sequence number `seq` (1, 2, ...; stored before it is sent: assistant/live), and `last_seq` in the ready frame is
the latest. A client that reconnects puts the last `seq` it received in its auth frame (`"last_seq": <n>`) and
gets every event after it, once each and in order, right after the ready frame, then live events; without it, only
events after the ready frame's `last_seq`. An event the gateway could not number (database down) has no `seq`. A client may send `{"type": "ping"}` and gets `{"type": "pong"}`;
customers still send their messages with POST /api/v1/chat, so no frame goes around its checks (a button payload
only as the bot offered it: buttons.py). Refusals close the socket with a code and reason, and the socket is closed
(4401) when the sign-in that opened it expires. Every frame the customer sends counts against
their message rate; a customer opening more than SOCKETS_PER_CUSTOMER sockets has the oldest closed (4429).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any

from aiohttp import web

from assistant.gateway.errors import ApiError
from assistant.gateway.keys import HUB
from assistant.gateway.limits import admit_message
from assistant.gateway.live import missed
from assistant.gateway.signed_in import customer_signed_in, verified
from assistant.gateway.socket_protocol import (CLOSE_BAD_FRAME, SocketRefused, close_displaced, open_socket,
                                               receive_auth_frame, refusal, refuse, serve_until_closed, watch_sign_in)

log = logging.getLogger(__name__)


def _last_seq(frame: dict[str, Any]) -> int | None:
    raw = frame.get("last_seq")
    if raw is None:
        return None
    value = raw if isinstance(raw, int) and not isinstance(raw, bool) else None
    if value is None or value < 0:
        raise SocketRefused(CLOSE_BAD_FRAME, '"last_seq" must be a whole number of at least 0')
    return value


async def _authenticate(socket: web.WebSocketResponse, request: web.Request) -> tuple[int, float, int | None]:
    """The customer id of the auth frame, the seconds its sign-in has left and its last_seq, or SocketRefused."""
    frame = await receive_auth_frame(socket)
    last_seq = _last_seq(frame)
    try:
        sign_in = await verified(request, frame["token"])
        customer = await customer_signed_in(request, sign_in)
    except ApiError as exc:
        raise refusal(exc) from exc
    return customer.id, sign_in.seconds_left(), last_seq


async def customer_socket(request: web.Request) -> web.WebSocketResponse:
    """The signed-in customer's live channel (see the module docstring for the protocol)."""
    socket = await open_socket(request)
    try:
        customer_id, valid_for, last_seq = await _authenticate(socket, request)
    except SocketRefused as refused:
        return await refuse(socket, refused)
    hub = request.app[HUB]
    # Registered before the database is read, and holding live events back until it has caught up: an event
    # stored meanwhile is then in what it missed, or held, or both (and sent once).
    await close_displaced(hub.add_customer(customer_id, socket, catching_up=True), hub.sockets_per_customer)
    expiry = asyncio.create_task(watch_sign_in(socket, valid_for))
    try:
        try:
            latest, backlog = await missed(request.app, customer_id, last_seq)
        except ApiError:
            # Live events still flow; what was missed is in the conversation's history.
            log.warning("could not read the live messages a customer missed; serving live events only")
            latest, backlog = None, []
        await serve_until_closed(socket, "Send chat messages with POST /api/v1/chat.",
                                 functools.partial(admit_message, request.app, customer_id),
                                 ready={"type": "ready", "last_seq": latest},
                                 after_ready=functools.partial(hub.catch_up, customer_id, socket, backlog))
    finally:
        expiry.cancel()
        hub.remove_customer(customer_id, socket)
    return socket
