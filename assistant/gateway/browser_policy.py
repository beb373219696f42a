"""What browsers may do with the gateway's responses: security headers on every one, CORS only for named origins."""

from __future__ import annotations

from aiohttp import web

from assistant.gateway.keys import SETTINGS
from assistant.gateway.middlewares import Handler, Middleware

# Everything is served from the gateway itself: no CDN, no inline script or style, no plugins, never framed.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
# Production is served over TLS (a terminating proxy in front); browsers then refuse plain HTTP for a year.
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"
CORS_ALLOWED_HEADERS = "Authorization, Content-Type"
CORS_MAX_AGE_SECONDS = 600


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Set the security headers on a response about to be sent (pages, API, errors, files and websocket upgrades)."""
    response.headers.update(SECURITY_HEADERS)
    # Customer data is never cached; a handler that knows better may say so.
    response.headers.setdefault("Cache-Control", "no-store")
    if request.app[SETTINGS].production:
        response.headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY


def cors_middleware(origins: frozenset[str]) -> Middleware:
    """Let pages from exactly these origins call the API (bearer tokens, no cookies); others get no CORS headers."""

    @web.middleware
    async def cors(request: web.Request, handler: Handler) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        if origin not in origins:
            return await handler(request)
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            response: web.StreamResponse = web.Response(status=204)
            response.headers.update({"Access-Control-Allow-Methods": "GET, POST",
                                     "Access-Control-Allow-Headers": CORS_ALLOWED_HEADERS,
                                     "Access-Control-Max-Age": str(CORS_MAX_AGE_SECONDS)})
        else:
            response = await handler(request)
            # Not a CORS-safelisted header: without this a page could not read how long a 429 asks it to wait.
            response.headers["Access-Control-Expose-Headers"] = "Retry-After"
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Vary"] = "Origin"
        return response

    return cors


def setup_browser_policy(app: web.Application) -> None:
    """Install the security headers, and CORS when CORS_ALLOWED_ORIGINS names origins."""
    app.on_response_prepare.append(add_security_headers)
    if origins := app[SETTINGS].cors_allowed_origins:
        app.middlewares.insert(0, cors_middleware(frozenset(origins)))
