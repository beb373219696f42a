"""The agent console's live channel: queue changes and customer messages of handed-off chats as they happen.

Same protocol as the customer's socket (socket_protocol.py): the first frame is
`{"type": "auth", "token": "<agent JWT>"}`, answered with `{"type": "ready"}`; then the server pushes `{"type": "queue_changed"}`,
`{"type": "customer_message", "ticket_id", "text", "at"}` and `{"type": "proactive", "ticket_id", "text", "at"}` (a
proactive message that arrived while the chat is with a person). A customer token closes the socket with 4403; an
agent opening more than SOCKETS_PER_AGENT consoles has the oldest closed (4429).
"""

from __future__ import annotations

from aiohttp import web

from assistant.gateway.agent_auth import agent_from_token
from assistant.gateway.errors import ApiError
from assistant.gateway.keys import HUB
from assistant.gateway.socket_protocol import (CLOSE_FORBIDDEN, CLOSE_UNAUTHORIZED, SocketRefused, close_displaced,
                                               open_socket, receive_auth_token, refuse, serve_until_closed)


async def _authenticate(socket: web.WebSocketResponse, request: web.Request) -> str:
    """The agent id (as the hub keys it) of the auth frame, or SocketRefused."""
    token = await receive_auth_token(socket)
    try:
        agent = await agent_from_token(request, token)
    except ApiError as exc:
        code = CLOSE_FORBIDDEN if exc.status == 403 else CLOSE_UNAUTHORIZED
        raise SocketRefused(code, exc.message) from exc
    return str(agent.id)


async def agent_socket(request: web.Request) -> web.WebSocketResponse:
    """The signed-in agent's live channel (see the module docstring for the protocol)."""
    socket = await open_socket(request)
    try:
        agent_id = await _authenticate(socket, request)
    except SocketRefused as refused:
        return await refuse(socket, refused)
    hub = request.app[HUB]
    await close_displaced(hub.add_agent(agent_id, socket), hub.sockets_per_agent)
    try:
        await serve_until_closed(socket, "Use the agent API to reply, note or resolve.")
    finally:
        hub.remove_agent(agent_id, socket)
    return socket
