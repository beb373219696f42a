"""The agent console's live channel: queue changes and customer messages of handed-off chats as they happen.

Same protocol as the customer's socket (socket_protocol.py): the first frame is
`{"type": "auth", "token": "<agent JWT>"}`, answered with `{"type": "ready"}`; then the server pushes `{"type": "queue_changed"}`,
`{"type": "customer_message", "ticket_id", "text", "at"}` and `{"type": "proactive", "ticket_id", "text", "at"}` (a
proactive message that arrived while the chat is with a person). A customer token closes the socket with 4403; an
agent opening more than SOCKETS_PER_AGENT consoles has the oldest closed (4429). The agent is checked again every
AGENT_RECHECK_SECONDS: a disabled agent's console is closed with 4403, and any console when its sign-in expires (4401).
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from assistant.gateway.auth import SignIn
from assistant.gateway.errors import ApiError
from assistant.gateway.keys import HUB, SETTINGS
from assistant.gateway.signed_in import agent_signed_in, verified
from assistant.gateway.socket_protocol import (SocketRefused, close_displaced, open_socket, receive_auth_token,
                                               refusal, refuse, serve_until_closed, watch_sign_in)


async def _authenticate(socket: web.WebSocketResponse, request: web.Request) -> tuple[str, SignIn]:
    """The agent id (as the hub keys it) of the auth frame and its sign-in, or SocketRefused."""
    token = await receive_auth_token(socket)
    try:
        sign_in = await verified(request, token)
        agent = await agent_signed_in(request, sign_in)
    except ApiError as exc:
        raise refusal(exc) from exc
    return str(agent.id), sign_in


async def agent_socket(request: web.Request) -> web.WebSocketResponse:
    """The signed-in agent's live channel (see the module docstring for the protocol)."""
    socket = await open_socket(request)
    try:
        agent_id, sign_in = await _authenticate(socket, request)
    except SocketRefused as refused:
        return await refuse(socket, refused)
    hub = request.app[HUB]
    await close_displaced(hub.add_agent(agent_id, socket), hub.sockets_per_agent)
    watch = asyncio.create_task(watch_sign_in(socket, sign_in.seconds_left(),
                                              request.app[SETTINGS].agent_recheck_seconds,
                                              lambda: agent_signed_in(request, sign_in)))
    try:
        await serve_until_closed(socket, "Use the agent API to reply, note or resolve.")
    finally:
        watch.cancel()
        hub.remove_agent(agent_id, socket)
    return socket
