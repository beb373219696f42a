"""Request middlewares: a size limit and JSON errors without stack traces (database outages: database.py; browser
policy: browser_policy.py)."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable

from aiohttp import web

from assistant.gateway.database import database_outages
from assistant.gateway.errors import ApiError

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Middleware = Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]

def error_body(code: str, message: str) -> dict:
    """The JSON body of every error response."""
    return {"error": {"code": code, "message": message}}


def json_error(status: int, code: str, message: str) -> web.Response:
    """An error response in the gateway's one error shape."""
    return web.json_response(error_body(code, message), status=status)


def _code_for(reason: str) -> str:
    """A stable machine-readable code from an HTTP reason phrase ("Not Found" -> "not_found")."""
    return re.sub(r"[^a-z0-9]+", "_", reason.lower()).strip("_") or "error"


def size_limit_middleware(max_body_bytes: int) -> Middleware:
    """Refuse bodies announced as larger than max_body_bytes before reading them."""

    @web.middleware
    async def size_limit(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.content_length is not None and request.content_length > max_body_bytes:
            raise ApiError(413, "request_too_large", f"The request is larger than {max_body_bytes} bytes.")
        return await handler(request)

    return size_limit


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Render every 4xx/5xx as `{"error": {"code", "message"}}`; log unexpected failures, never send them."""
    try:
        return await handler(request)
    except ApiError as exc:
        response = json_error(exc.status, exc.code, exc.message)
        response.headers.update(exc.headers)
        return response
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        if exc.status == 413:
            return json_error(413, "request_too_large", "The request is too large.")
        response = json_error(exc.status, _code_for(exc.reason), exc.reason or "Request failed.")
        if exc.status == 405 and "Allow" in exc.headers:
            response.headers["Allow"] = exc.headers["Allow"]
        return response
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return json_error(500, "internal_error", "Something went wrong on our side. Please try again.")


def setup_middlewares(app: web.Application, max_body_bytes: int) -> None:
    """Install the middlewares, outermost first (a database outage becomes a 503 before json_errors renders it)."""
    app.middlewares.extend([json_errors, database_outages, size_limit_middleware(max_body_bytes)])
