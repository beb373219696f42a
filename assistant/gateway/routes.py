"""URL routes of the gateway."""

from __future__ import annotations

from aiohttp import web

from assistant.gateway import views


def setup_routes(app: web.Application) -> None:
    """Register the API, health check, chat page and its static files."""
    app.router.add_post("/api/v1/chat", views.chat)
    app.router.add_post("/api/v1/auth/demo", views.demo_sign_in)
    app.router.add_get("/api/v1/demo/customers", views.list_demo_customers)
    app.router.add_get("/healthz", views.healthz)
    app.router.add_get("/", views.index)
    app.router.add_get("/static/{name}", views.asset)
