"""The support console page and its assets, served by name from an allow-list (nothing else under static/)."""

from __future__ import annotations

from aiohttp import web

from assistant.gateway.static_files import allowed_asset, static_page

CONSOLE_ASSETS = {"console.js": "text/javascript", "console.css": "text/css"}


async def console_page(request: web.Request) -> web.FileResponse:
    """The agent console (sign-in happens on the page, against /api/v1/agent/auth)."""
    return static_page("console.html")


async def console_asset(request: web.Request) -> web.FileResponse:
    """A script or stylesheet of the console."""
    return allowed_asset(request, CONSOLE_ASSETS)
