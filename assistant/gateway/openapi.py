"""GET /api/v1/openapi.json: the gateway's OpenAPI document (assistant/gateway/openapi.yaml), served as JSON."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from aiohttp import web

DOCUMENT = Path(__file__).resolve().parent / "openapi.yaml"


@lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    """The OpenAPI document, read once."""
    return yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))


async def openapi_json(request: web.Request) -> web.Response:
    """The gateway's OpenAPI document."""
    return web.json_response(openapi_document())
