"""The customer's live channel: a websocket that receives bot, agent and proactive messages as they happen.

Protocol (browsers cannot set headers on a websocket, and a token in the URL would end up in access logs):
the client's first frame must be `{"type": "auth", "token": "<customer JWT>"}`, sent within AUTH_TIMEOUT_SECONDS (socket_protocol.py).
The server answers `{"type": "ready"}` and from then on pushes events (`{"type": "bot"|"agent"|"proactive"|
"handoff"|"handback", "messages": [...]}`). A client may send `{"type": "ping"}` and gets `{"type": "pong"}`;
customers still send their messages with POST /api/v1/chat, so no frame goes around its checks (a button payload
only as the bot offered it: buttons.py). Refusals close the socket with a code and reason, and the socket is closed
(4401) when the sign-in that opened it expires. Every frame the customer sends counts against
their message rate; a customer opening more than SOCKETS_PER_CUSTOMER sockets has the oldest closed (4429).
"""

from __future__ import annotations

import asyncio
import functools

from aiohttp import web

from assistant.gateway.errors import ApiError
from assistant.gateway.keys import HUB
from assistant.gateway.limits import admit_message
from assistant.gateway.signed_in import customer_signed_in, verified
from assistant.gateway.socket_protocol import (SocketRefused, close_displaced, open_socket, receive_auth_token,
                                               refusal, refuse, serve_until_closed, watch_sign_in)


async def _authenticate(socket: web.WebSocketResponse, request: web.Request) -> tuple[int, float]:
    """The customer id of the auth frame and the seconds its sign-in has left, or SocketRefused."""
    token = await receive_auth_token(socket)
    try:
        sign_in = await verified(request, token)
        customer = await customer_signed_in(request, sign_in)
    except ApiError as exc:
        raise refusal(exc) from exc
    return customer.id, sign_in.seconds_left()


async def customer_socket(request: web.Request) -> web.WebSocketResponse:
    """The signed-in customer's live channel (see the module docstring for the protocol)."""
    socket = await open_socket(request)
    try:
        customer_id, valid_for = await _authenticate(socket, request)
    except SocketRefused as refused:
        return await refuse(socket, refused)
    hub = request.app[HUB]
    await close_displaced(hub.add_customer(customer_id, socket), hub.sockets_per_customer)
    expiry = asyncio.create_task(watch_sign_in(socket, valid_for))
    try:
        await serve_until_closed(socket, "Send chat messages with POST /api/v1/chat.",
                                 functools.partial(admit_message, request.app, customer_id))
    finally:
        expiry.cancel()
        hub.remove_customer(customer_id, socket)
    return socket
