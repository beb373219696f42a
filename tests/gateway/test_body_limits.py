"""Every route's request body is bounded: announced or streamed, a body past the limit is a 413 and is not read."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy.engine import Engine

from assistant.settings import Settings
from tests.gateway.agent_fixtures import Agents, agents, claimed_hand_off  # noqa: F401
from tests.gateway.conftest import RasaStandIn, bearer

JSON = {"Content-Type": "application/json"}
OVERSIZED = 1 << 20  # bytes: far past what any route accepts (a chat message's worth, see app.py)


async def streamed(size: int) -> AsyncIterator[bytes]:
    """A JSON body of `size` bytes sent in chunks, with no Content-Length to check up front."""
    yield b'{"text": "'
    for _ in range(size // 4096 + 1):
        yield b"a" * 4096
    yield b'"}'


async def test_every_post_route_refuses_an_announced_oversized_body_with_413(client: TestClient) -> None:
    paths = sorted({route.resource.canonical.replace("{ticket_id}", "1")
                    for route in client.server.app.router.routes() if route.method == "POST"})
    oversized = b"{" + b" " * OVERSIZED + b"}"
    statuses = {path: (await client.post(path, data=oversized, headers=JSON)).status for path in paths}
    assert statuses == {path: 413 for path in paths}


@pytest.mark.parametrize("path", ["/api/v1/auth/demo", "/api/v1/agent/auth"])
async def test_a_sign_in_refuses_a_streamed_oversized_body_with_413(client: TestClient, path: str) -> None:
    response = await client.post(path, data=streamed(OVERSIZED), headers=JSON)
    assert (response.status, (await response.json())["error"]["code"]) == (413, "request_too_large")


@pytest.mark.parametrize("action", ["messages", "notes"])
async def test_an_agents_reply_or_note_refuses_a_streamed_oversized_body_with_413(
    client: TestClient, agents: Agents, sqlite_engine: Engine, rasa: RasaStandIn, settings: Settings, action: str,
) -> None:
    ticket, token = await claimed_hand_off(client, sqlite_engine, rasa, settings)
    response = await client.post(f"/api/v1/agent/tickets/{ticket}/{action}", data=streamed(OVERSIZED),
                                 headers={**JSON, **bearer(token)})
    assert (response.status, (await response.json())["error"]["code"]) == (413, "request_too_large")


async def test_the_proactive_endpoint_refuses_a_streamed_oversized_body_with_413(client: TestClient) -> None:
    response = await client.post("/api/v1/proactive", data=streamed(OVERSIZED), headers=JSON)
    assert (response.status, (await response.json())["error"]["code"]) == (413, "request_too_large")
