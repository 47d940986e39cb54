"""Every request carries the token, or it gets 403: pages, scripts, and both websockets.

The URL printed by ``glutecoach serve`` has ``?token=...``; the first page load sets a cookie
(HttpOnly, SameSite=Strict) so that the scripts, styles and websockets the page opens carry the
token without it being pasted into each address. Websocket upgrades must also come from a page
of this server (Origin matches Host), so another site open in the same browser cannot reach in.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import hdrs, web
from aiohttp.typedefs import Middleware

COOKIE = "glutecoach_token"  # + the port: cookies are shared by every port of a host
QUERY = "token"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def new_token() -> str:
    return secrets.token_urlsafe(24)


def cookie_name(port: int | None) -> str:
    """One cookie per port, so two servers on one machine do not log each other's pages out."""
    return f"{COOKIE}_{port or 80}"


def _matches(given: str | None, token: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), token.encode())


def _same_origin(request: web.Request) -> bool:
    origin = request.headers.get(hdrs.ORIGIN)
    if origin is None:
        return True  # not a browser (a browser always sends Origin on a websocket upgrade)
    return urlsplit(origin).netloc.lower() == request.host.lower()


def content_policy(request: web.Request) -> str:
    """Only this server: no outside script, style, font, image or connection, no plugins."""
    ws = f"ws://{request.host} wss://{request.host}"
    return (
        "default-src 'self'; "
        "script-src 'self'; "
        "style-src 'self' 'unsafe-inline'; "  # xterm.js sets element styles as it draws
        "img-src 'self' data: blob:; "
        "font-src 'self'; "
        f"connect-src 'self' {ws}; "
        "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def token_guard(token: str) -> Middleware:
    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        in_query = _matches(request.query.get(QUERY), token)
        cookie = cookie_name(request.url.port)
        if not (in_query or _matches(request.cookies.get(cookie), token)):
            raise web.HTTPForbidden(
                text="glutecoach: this address needs the token that "
                "`glutecoach serve` printed (…/?token=…).\n"
            )
        is_upgrade = request.headers.get(hdrs.UPGRADE, "").lower() == "websocket"
        if is_upgrade and not _same_origin(request):
            raise web.HTTPForbidden(text="glutecoach: websocket from another site refused.\n")
        response = await handler(request)
        if not response.prepared:
            if in_query:
                response.set_cookie(cookie, token, httponly=True, samesite="Strict", path="/")
            response.headers[hdrs.CONTENT_SECURITY_POLICY] = content_policy(request)
            response.headers["Referrer-Policy"] = "no-referrer"
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers[hdrs.CACHE_CONTROL] = "no-store"
        return response

    return guard
