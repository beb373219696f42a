"""URL routes of the gateway."""

from __future__ import annotations

from aiohttp import web

from assistant.gateway import (agent_auth, agent_socket, agents, console, history, openapi, proactive, realtime,
                               views)
from assistant.gateway.keys import SETTINGS


def setup_routes(app: web.Application) -> None:
    """Register the API, health check, chat page and its static files."""
    app.router.add_post("/api/v1/chat", views.chat)
    app.router.add_post("/api/v1/chat/session", views.new_session)
    app.router.add_get("/api/v1/chat/ws", realtime.customer_socket)
    app.router.add_get("/api/v1/chat/history", history.chat_history)
    app.router.add_post("/api/v1/proactive", proactive.proactive_message)
    if app[SETTINGS].demo_sign_in_enabled:
        # Only in the embedded profile; in production these paths do not exist.
        app.router.add_post("/api/v1/auth/demo", views.demo_sign_in)
        app.router.add_get("/api/v1/demo/customers", views.list_demo_customers)
    app.router.add_post("/api/v1/agent/auth", agent_auth.agent_sign_in)
    app.router.add_get("/api/v1/agent/queue", agents.agent_desk_view)
    app.router.add_get("/api/v1/agent/ws", agent_socket.agent_socket)
    app.router.add_get("/api/v1/agent/tickets/{ticket_id}", agents.ticket_detail)
    app.router.add_post("/api/v1/agent/tickets/{ticket_id}/claim", agents.claim_ticket)
    app.router.add_post("/api/v1/agent/tickets/{ticket_id}/messages", agents.reply)
    app.router.add_post("/api/v1/agent/tickets/{ticket_id}/notes", agents.add_note)
    app.router.add_get("/api/v1/agent/tickets/{ticket_id}/suggestions", agents.suggested_articles)
    app.router.add_post("/api/v1/agent/tickets/{ticket_id}/resolve", agents.resolve)
    app.router.add_get("/api/v1/openapi.json", openapi.openapi_json)
    app.router.add_get("/console", console.console_page)
    app.router.add_get("/console/{name}", console.console_asset)
    app.router.add_get("/healthz", views.healthz)
    app.router.add_get("/", views.index)
    app.router.add_get("/static/{name}", views.asset)
