"""The console page and its assets are served by name from an allow-list, with the page's security headers."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient


async def test_the_console_page_is_served_as_html_with_a_content_security_policy(client: TestClient) -> None:
    response = await client.get("/console")
    body = await response.text()
    assert (response.status, response.content_type, "Agent sign-in" in body,
            "script-src 'self'" in response.headers["Content-Security-Policy"]) == (200, "text/html", True, True)


@pytest.mark.parametrize("name, content_type", [("console.js", "text/javascript"), ("console.css", "text/css")])
async def test_the_console_assets_are_served_with_their_types(client: TestClient, name: str,
                                                               content_type: str) -> None:
    response = await client.get(f"/console/{name}")
    assert (response.status, response.content_type) == (200, content_type)


@pytest.mark.parametrize("name", ["console.html", "chat.js", "..%2Fapp.py", "index.html"])
async def test_nothing_outside_the_console_allow_list_is_served_from_the_console_path(client: TestClient,
                                                                                      name: str) -> None:
    response = await client.get(f"/console/{name}")
    assert response.status == 404
