"""Pages and assets under static/, served by name from an allow-list: nothing else there is reachable."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from aiohttp import web

from assistant.gateway.errors import ApiError

STATIC_DIR = Path(__file__).resolve().parent / "static"


def static_page(name: str) -> web.FileResponse:
    """The HTML page `name` under static/."""
    return web.FileResponse(STATIC_DIR / name, headers={"Content-Type": "text/html; charset=utf-8"})


def allowed_asset(request: web.Request, allowed: Mapping[str, str]) -> web.FileResponse:
    """The asset the route names, with its media type from `allowed`; 404 for any name not in it."""
    name = request.match_info["name"]
    if name not in allowed:
        raise ApiError(404, "not_found", "Not Found")
    return web.FileResponse(STATIC_DIR / name, headers={"Content-Type": f"{allowed[name]}; charset=utf-8"})
