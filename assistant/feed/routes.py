"""URL routes of the feed."""

from __future__ import annotations

from aiohttp import web

from assistant.feed import views


def setup_routes(app: web.Application) -> None:
    """Register the transactions endpoint, the OpenAPI document and the health check."""
    app.router.add_post("/api/v1/transactions", views.post_transactions)
    app.router.add_get("/api/v1/openapi.json", views.openapi_json)
    app.router.add_get("/healthz", views.healthz)
