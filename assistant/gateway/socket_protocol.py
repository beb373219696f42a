"""The sign-in and keep-alive protocol shared by the customer's and the agent's live channels.

The client's first frame must be `{"type": "auth", "token": "<JWT>"}`, sent within AUTH_TIMEOUT_SECONDS; then
`{"type": "ping"}` is answered with `{"type": "pong"}`. Refusals close the socket with a code and reason.
A frame over WEBSOCKET_MAX_FRAME_BYTES closes the socket with 1009; a frame past the client's rate is answered with
an error frame saying when to retry, and the next one before then closes the socket with 1008.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import WSCloseCode, WSMessage, WSMsgType, web

from assistant.gateway.errors import ApiError
from assistant.gateway.keys import SETTINGS
from assistant.ratelimit.buckets import Decision
from assistant.ratelimit.store import LimitsUnavailable

log = logging.getLogger(__name__)

AUTH_TIMEOUT_SECONDS = 10.0
HEARTBEAT_SECONDS = 25.0  # below the idle timeouts of common proxies (30-60 s)

# Application close codes (4000-4999 are free for applications, RFC 6455 7.4.2).
CLOSE_BAD_FRAME = 4400
CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_AUTH_TIMEOUT = 4408
CLOSE_TOO_MANY_SOCKETS = 4429  # the oldest of a client's sockets, when a newer one takes it past the cap
CLOSE_UNAVAILABLE = 1011  # RFC 6455: the server cannot serve the request now

Admission = Callable[[], Awaitable[Decision]]


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
    """A prepared websocket that keeps itself alive with heartbeats and closes on oversized frames (1009)."""
    max_frame = request.app[SETTINGS].limits.websocket_max_frame_bytes
    socket = web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS, max_msg_size=max_frame)
    await socket.prepare(request)
    return socket


async def receive_auth_token(socket: web.WebSocketResponse) -> str:
    """The token of the first frame, or SocketRefused if it is late or not an auth frame."""
    return (await receive_auth_frame(socket))["token"]


async def receive_auth_frame(socket: web.WebSocketResponse) -> dict[str, Any]:
    """The first frame, an auth frame with a token, or SocketRefused if it is late or not one."""
    try:
        message = await socket.receive(timeout=AUTH_TIMEOUT_SECONDS)
    except asyncio.TimeoutError as exc:
        raise SocketRefused(CLOSE_AUTH_TIMEOUT, "sign in within 10 seconds: send an auth frame first") from exc
    frame = json_frame(message)
    if frame is None or frame.get("type") != "auth" or not isinstance(frame.get("token"), str):
        raise SocketRefused(CLOSE_BAD_FRAME, 'the first frame must be {"type": "auth", "token": "..."}')
    return frame


def refusal(error: ApiError) -> SocketRefused:
    """The socket close that stands for an HTTP refusal: 401 -> 4401, 403 -> 4403, anything else 1011."""
    code = {401: CLOSE_UNAUTHORIZED, 403: CLOSE_FORBIDDEN}.get(error.status, CLOSE_UNAVAILABLE)
    return SocketRefused(code, error.message)


async def watch_sign_in(socket: web.WebSocketResponse, valid_for: float, every: float | None = None,
                        check: Callable[[], Awaitable[object]] | None = None) -> None:
    """Close the socket when its sign-in expires or, checked every `every` seconds, `check` refuses it."""
    deadline = asyncio.get_running_loop().time() + max(0.0, valid_for)
    while not socket.closed:
        left = deadline - asyncio.get_running_loop().time()
        if left <= 0:
            await socket.close(code=CLOSE_UNAUTHORIZED, message=b"the sign-in has expired; please sign in again")
            return
        await asyncio.sleep(left if check is None or every is None else min(every, left))
        if check is None or asyncio.get_running_loop().time() >= deadline:
            continue
        try:
            await check()
        except ApiError as exc:
            if exc.status in (401, 403):
                await refuse(socket, refusal(exc))
                return
            # An outage is not a refusal: the check runs again next time.
            log.warning("could not re-check a live channel's sign-in: %s", exc.code)


async def refuse(socket: web.WebSocketResponse, refused: SocketRefused) -> web.WebSocketResponse:
    """Close the socket with the refusal's code and reason (cut to fit a close frame)."""
    await socket.close(code=refused.code, message=refused.reason.encode()[:120])
    return socket


async def close_displaced(sockets: list[web.WebSocketResponse], cap: int) -> None:
    """Close sockets that a newer socket of the same client pushed past the cap."""
    reason = f"closed: at most {cap} open at once, and a newer one was opened".encode()[:120]
    await asyncio.gather(*(socket.close(code=CLOSE_TOO_MANY_SOCKETS, message=reason) for socket in sockets),
                         return_exceptions=True)


class _Allowance:
    """A client's frames on one socket: refused past its rate with an error frame saying when to retry, and the
    socket closed (1008) on a frame sent before then; closed (1013) when the limits cannot be checked."""

    def __init__(self, admit: Admission) -> None:
        self._admit = admit
        self._refused_until = 0.0

    async def admits(self, socket: web.WebSocketResponse) -> bool:
        """Whether the frame just received may be served (a refusal answers or closes the socket itself)."""
        try:
            decision = await self._admit()
        except LimitsUnavailable:
            await socket.close(code=WSCloseCode.TRY_AGAIN_LATER, message=b"service unavailable; reconnect later")
            return False
        if decision.allowed:
            return True
        if time.monotonic() < self._refused_until:
            await socket.close(code=WSCloseCode.POLICY_VIOLATION, message=b"too many frames")
            return False
        self._refused_until = time.monotonic() + decision.retry_after
        await socket.send_json({"type": "error", "code": "too_many_messages",
                                "message": "You are sending faster than we can answer; wait and retry.",
                                "retry_after": decision.retry_after_seconds})
        return False


async def serve_until_closed(socket: web.WebSocketResponse, unsupported: str, admit: Admission | None = None,
                             ready: dict[str, Any] | None = None,
                             after_ready: Callable[[], Awaitable[object]] | None = None) -> None:
    """Say ready, answer pings, and answer any other text frame with an error saying `unsupported`.

    With `admit`, every frame the client sends is first taken from its allowance (_Allowance). `ready` is the
    ready frame (`{"type": "ready"}` by default); `after_ready` runs once it is sent, before any frame is read.
    """
    await socket.send_json(ready or {"type": "ready"})
    if after_ready is not None:
        await after_ready()
    allowance = _Allowance(admit) if admit is not None else None
    async for message in socket:
        if message.type in (WSMsgType.TEXT, WSMsgType.BINARY) and allowance and not await allowance.admits(socket):
            continue
        frame = json_frame(message)
        if frame is not None and frame.get("type") == "ping":
            await socket.send_json({"type": "pong"})
        elif message.type == WSMsgType.TEXT:
            await socket.send_json({"type": "error", "code": "unsupported_frame", "message": unsupported})
