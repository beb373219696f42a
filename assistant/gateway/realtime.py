"""The customer's live channel: a websocket that receives bot, agent and proactive messages as they happen.

Protocol (browsers cannot set headers on a websocket, and a token in the URL would end up in access logs):
the client's first frame must be `{"type": "auth", "token": "<customer JWT>"}`, sent within AUTH_TIMEOUT_SECONDS (socket_protocol.py).
The server answers `{"type": "ready"}` and from then on pushes events (`{"type": "bot"|"agent"|"proactive"|
"handoff"|"handback", "messages": [...]}`). A client may send `{"type": "ping"}` and gets `{"type": "pong"}`;
customers still send their messages with POST /api/v1/chat. Refusals close the socket with a code and reason, and
the socket is closed (4401) when the sign-in that opened it expires. Every frame the customer sends counts against
their message rate; a customer opening more than SOCKETS_PER_CUSTOMER sockets has the oldest closed (4429).
"""

from __future__ import annotations

import asyncio
import functools

from aiohttp import web

from assistant.gateway.auth import InvalidToken, NotACustomerToken, seconds_left, verify_token
from assistant.gateway.customers import find_customer
from assistant.gateway.database import read
from assistant.gateway.keys import ENGINE, HUB, SETTINGS
from assistant.gateway.limits import admit_message
from assistant.gateway.socket_protocol import (CLOSE_FORBIDDEN, CLOSE_UNAUTHORIZED, SocketRefused, close_displaced,
                                               open_socket, receive_auth_token, refuse, serve_until_closed)


async def _authenticate(socket: web.WebSocketResponse, request: web.Request) -> tuple[int, float]:
    """The customer id of the auth frame and the seconds its sign-in has left, or SocketRefused."""
    token = await receive_auth_token(socket)
    try:
        customer_id = verify_token(token, request.app[SETTINGS])
    except NotACustomerToken as exc:
        raise SocketRefused(CLOSE_FORBIDDEN, "this channel is for customers only") from exc
    except InvalidToken as exc:
        raise SocketRefused(CLOSE_UNAUTHORIZED, f"{exc}; please sign in again") from exc
    if await read(find_customer, request.app[ENGINE], customer_id) is None:
        raise SocketRefused(CLOSE_UNAUTHORIZED, "this sign-in is for a customer we do not know")
    return customer_id, seconds_left(token)


async def _close_when_expired(socket: web.WebSocketResponse, seconds: float) -> None:
    """A socket lives no longer than the sign-in that opened it."""
    await asyncio.sleep(max(0.0, seconds))
    await socket.close(code=CLOSE_UNAUTHORIZED, message=b"the sign-in has expired; please sign in again")


async def customer_socket(request: web.Request) -> web.WebSocketResponse:
    """The signed-in customer's live channel (see the module docstring for the protocol)."""
    socket = await open_socket(request)
    try:
        customer_id, valid_for = await _authenticate(socket, request)
    except SocketRefused as refused:
        return await refuse(socket, refused)
    hub = request.app[HUB]
    await close_displaced(hub.add_customer(customer_id, socket), hub.sockets_per_customer)
    expiry = asyncio.create_task(_close_when_expired(socket, valid_for))
    try:
        await serve_until_closed(socket, "Send chat messages with POST /api/v1/chat.",
                                 functools.partial(admit_message, request.app, customer_id))
    finally:
        expiry.cancel()
        hub.remove_customer(customer_id, socket)
    return socket
