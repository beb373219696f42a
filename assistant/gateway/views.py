"""The gateway's HTTP handlers: chat, demo sign-in, demo customers, health and the chat page."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.engine import Engine

from assistant.gateway import agent_desk
from assistant.gateway.auth import issue_token
from assistant.gateway.buttons import require_offered
from assistant.gateway.conversations import reference_of, sender_of
from assistant.gateway.customers import demo_customers, find_demo_persona
from assistant.gateway.database import read
from assistant.gateway.errors import ApiError
from assistant.gateway.handoff_routing import after_customer_message
from assistant.gateway.inputs import chat_message, json_object
from assistant.gateway.keys import ENGINE, HTTP, RASA, SETTINGS
from assistant.gateway.limits import before_sign_in, check_message_rate
from assistant.gateway.rasa_errors import from_rasa
from assistant.gateway.signed_in import signed_in_customer
from assistant.gateway.static_files import allowed_asset, static_page
from assistant.readiness import answers_ok, fetch_health

log = logging.getLogger(__name__)

# The chat page's assets, served by name only: nothing else under static/ is reachable.
ASSETS = {"chat.js": "text/javascript", "live.js": "text/javascript", "widgets.js": "text/javascript", "chat.css": "text/css"}


TOO_SLOW = "The assistant is taking too long to answer. Please try again in a moment."
UNAVAILABLE = "The assistant is not available right now. Please try again in a moment."
SESSION_START = "/session_start"  # Rasa's own intent for a new session; only the gateway sends it


async def chat(request: web.Request) -> web.Response:
    """Forward one customer message to Rasa under the customer's signed conversation id."""
    customer = await signed_in_customer(request)
    await check_message_rate(request, customer.id)
    settings = request.app[SETTINGS]
    message = chat_message(await json_object(request), settings.max_message_chars)
    # The conversation id comes from the verified token only, never from the body.
    sender = sender_of(request.app, customer.id)
    rasa = request.app[RASA]
    await require_offered(message, lambda: from_rasa(rasa.tracker_events(sender), TOO_SLOW, UNAVAILABLE))
    messages = await from_rasa(rasa.send(sender, message), TOO_SLOW, UNAVAILABLE)
    handoff = await after_customer_message(request.app, sender, message, messages)
    return web.json_response({"messages": messages, **({"handoff": handoff} if handoff else {})})


async def new_session(request: web.Request) -> web.Response:
    """Start a new conversation session for the customer (the chat so far stays in the history)."""
    customer = await signed_in_customer(request)
    await check_message_rate(request, customer.id)  # a message to Rasa like any other
    sender = sender_of(request.app, customer.id)
    # A new session would also lift the pause that keeps the bot out of a chat a person is handling.
    if await read(agent_desk.open_handoff, request.app[ENGINE], reference_of(request.app, sender)) is not None:
        raise ApiError(409, "with_a_person", "A member of our team is looking after this chat; it carries on "
                                             "with them until they hand it back.")
    messages = await from_rasa(request.app[RASA].send(sender, SESSION_START), TOO_SLOW, UNAVAILABLE)
    return web.json_response({"messages": messages})


async def demo_sign_in(request: web.Request) -> web.Response:
    """Sign in as one of the demo personas without a password (embedded profile only: routes.py)."""
    await before_sign_in(request, "demo")
    body = await json_object(request)
    customer_id = body.get("customer_id")
    if isinstance(customer_id, bool) or not isinstance(customer_id, int):
        raise ApiError(400, "invalid_body", '"customer_id" must be a whole number.')
    customer = await read(find_demo_persona, request.app[ENGINE], customer_id)
    if customer is None:
        # The same answer whether or not such a customer exists: demo sign-in tells nothing about the bank.
        raise ApiError(403, "not_a_demo_persona",
                       f"Demo sign-in is only for the demo customers; customer {customer_id} is not one of them.")
    token = issue_token(customer.id, request.app[SETTINGS])
    return web.json_response({"token": token, "customer": {"id": customer.id, "name": customer.name}})


async def list_demo_customers(request: web.Request) -> web.Response:
    """The demo personas the sign-in panel offers (embedded profile only: routes.py)."""
    customers = await read(demo_customers, request.app[ENGINE])
    return web.json_response({"customers": [customer.as_json() for customer in customers]})


def _database_ok(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # any driver error means the same thing here: not usable
        log.warning("database health check failed", exc_info=True)
        return False


async def _actions_state(request: web.Request) -> str:
    """"ready", "warming up" (loading its models) or "unavailable", as the action server's /health says."""
    health = await fetch_health(request.app[HTTP], request.app[SETTINGS].action_health_url)
    if health is not None and answers_ok(health):
        return "ready"
    if health is not None and health[1].get("status") == "warming up":
        return "warming up"
    return "unavailable"


async def healthz(request: web.Request) -> web.Response:
    """The gateway is up (200 while its database answers); whether Rasa has a model loaded and the action server
    has warmed up, and so whether the whole assistant is ready to chat."""
    rasa_ready, actions, database_ok = await asyncio.gather(
        request.app[RASA].is_ready(), _actions_state(request), asyncio.to_thread(_database_ok, request.app[ENGINE])
    )
    body = {
        "status": "ok" if database_ok else "error",
        "rasa": "ready" if rasa_ready else "unavailable",
        "actions": actions,
        "database": "ok" if database_ok else "unavailable",
        "ready": database_ok and rasa_ready and actions == "ready",
    }
    return web.json_response(body, status=200 if database_ok else 503)


async def index(request: web.Request) -> web.FileResponse:
    """The web chat page."""
    return static_page("index.html")


async def asset(request: web.Request) -> web.FileResponse:
    """A script or stylesheet of the chat page."""
    return allowed_asset(request, ASSETS)
