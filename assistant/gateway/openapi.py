"""GET /api/v1/openapi.json: the gateway's OpenAPI document (assistant/gateway/openapi.yaml), served as JSON."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from aiohttp import web

from assistant.gateway.keys import SETTINGS

DOCUMENT = Path(__file__).resolve().parent / "openapi.yaml"


@lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    """The OpenAPI document, read once."""
    return yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))


def profile_document(demo_sign_in: bool) -> dict[str, Any]:
    """The document of the gateway as a profile routes it: without demo sign-in, no `x-embedded-only` operation."""
    document = openapi_document()
    if demo_sign_in:
        return document
    paths = {}
    for path, item in document["paths"].items():
        kept = {key: value for key, value in item.items() if not (isinstance(value, dict) and value.get("x-embedded-only"))}
        if kept:
            paths[path] = kept
    return {**document, "paths": paths}


async def openapi_json(request: web.Request) -> web.Response:
    """The gateway's OpenAPI document, as this profile routes it."""
    return web.json_response(profile_document(request.app[SETTINGS].demo_sign_in_enabled))
