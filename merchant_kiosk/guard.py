"""Who may use the till's pages: the browser on the till itself.

The app listens on 127.0.0.1; on top of that it refuses requests from other addresses and requests
whose ``Host`` is not a loopback name (a web page elsewhere cannot reach the till by DNS rebinding), and
every POST carries the session's CSRF token (a form field, or the ``X-CSRF-Token`` header for the
camera's frames).
"""

from __future__ import annotations

from flask import Flask, abort, request

from cardsvc.platform.web.csrf import check_csrf

LOOPBACK_ADDRESSES = {"127.0.0.1", "::1"}
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]"}


def _host_name(host: str) -> str:
    if host.startswith("["):
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0]


def check_request() -> None:
    if request.remote_addr not in LOOPBACK_ADDRESSES or _host_name(request.host) not in LOOPBACK_HOSTS:
        abort(403, description="not_loopback")
    check_csrf()


def init_app(app: Flask) -> None:
    app.before_request(check_request)
