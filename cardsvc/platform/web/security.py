"""One web policy for the three apps: session cookies, security headers, numbers in routes.

Every response says: scripts and styles only from this site (no inline script), never inside a frame,
no referrer sent elsewhere, no content-type sniffing. Cookies are HttpOnly and SameSite=Lax, and
``Secure`` when the app is served behind HTTPS (``SECURE_COOKIES``).
"""

from __future__ import annotations

from flask import Flask, Response

from cardsvc.platform.web.numbers import WholeNumberConverter

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def configure_web(app: Flask) -> None:
    """Cookie flags from the app's settings, the security headers on every response, and bounded
    ASCII ``int`` converters in routes (``web_numbers``)."""
    app.url_map.converters["int"] = WholeNumberConverter
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(app.config.get("SECURE_COOKIES", False)),
    )

    @app.after_request
    def security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
