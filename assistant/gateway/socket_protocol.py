"""The sign-in and keep-alive protocol shared by the customer's and the agent's live channels.

The client's first frame must be `{"type": "auth", "token": "<JWT>"}`, sent within AUTH_TIMEOUT_SECONDS; then
`{"type": "ping"}` is answered with `{"type": "pong"}`. Refusals close the socket with a code and reason.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import WSMessage, WSMsgType, web

AUTH_TIMEOUT_SECONDS = 10.0
HEARTBEAT_SECONDS = 25.0  # below the idle timeouts of common proxies (30-60 s)

# Application close codes (4000-4999 are free for applications, RFC 6455 7.4.2).
CLOSE_BAD_FRAME = 4400
CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_AUTH_TIMEOUT = 4408


class SocketRefused(Exception):
    """The socket must be closed with this code and reason."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def json_frame(message: WSMessage) -> dict[str, Any] | None:
    """The JSON object a text frame carries, or None for anything else."""
    if message.type != WSMsgType.TEXT:
        return None
    try:
        body = json.loads(message.data)
    except json.JSONDecodeError:
        return None
    return body if isinstance(body, dict) else None


async def open_socket(request: web.Request) -> web.WebSocketResponse:
    """A prepared websocket that keeps itself alive with heartbeats."""
    socket = web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS)
    await socket.prepare(request)
    return socket


async def receive_auth_token(socket: web.WebSocketResponse) -> str:
    """The token of the first frame, or SocketRefused if it is late or not an auth frame."""
    try:
        message = await socket.receive(timeout=AUTH_TIMEOUT_SECONDS)
    except asyncio.TimeoutError as exc:
        raise SocketRefused(CLOSE_AUTH_TIMEOUT, "sign in within 10 seconds: send an auth frame first") from exc
    frame = json_frame(message)
    if frame is None or frame.get("type") != "auth" or not isinstance(frame.get("token"), str):
        raise SocketRefused(CLOSE_BAD_FRAME, 'the first frame must be {"type": "auth", "token": "..."}')
    return frame["token"]


async def refuse(socket: web.WebSocketResponse, refused: SocketRefused) -> web.WebSocketResponse:
    """Close the socket with the refusal's code and reason (cut to fit a close frame)."""
    await socket.close(code=refused.code, message=refused.reason.encode()[:120])
    return socket


async def serve_until_closed(socket: web.WebSocketResponse, unsupported: str) -> None:
    """Say ready, answer pings, and answer any other text frame with an error saying `unsupported`."""
    await socket.send_json({"type": "ready"})
    async for message in socket:
        frame = json_frame(message)
        if frame is not None and frame.get("type") == "ping":
            await socket.send_json({"type": "pong"})
        elif message.type == WSMsgType.TEXT:
            await socket.send_json({"type": "error", "code": "unsupported_frame", "message": unsupported})
