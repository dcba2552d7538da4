"""One error shape for the whole API: ``{"error": {"code": "...", "message": "..."}}``.

Domain operations raise :class:`~cardsvc.core.errors.DomainError` kinds with a stable machine code and
no HTTP status; ``cardsvc.platform.web.error_status`` is the one place that says which status each kind
is answered with.
Views stay thin.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from cardsvc.core.errors import DomainError
from cardsvc.platform.web.error_status import http_status, with_retry_after


def error_response(status: int, code: str, message: str) -> Response:
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.endswith(".json")


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> Response:
        return with_retry_after(error_response(http_status(exc), exc.code, exc.message), exc)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response | HTTPException:
        if not _wants_json():
            if exc.description == "csrf_failed":
                from .i18n import t

                exc.description = t("csrf_failed")
            return exc
        code = (exc.name or "error").lower().replace(" ", "_")
        response = error_response(exc.code or 500, code, exc.description or exc.name or "error")
        for name, value in exc.get_headers():  # Allow on a 405, WWW-Authenticate, Retry-After
            if name.lower() != "content-type":
                response.headers[name] = value
        return response
