"""One error shape for the whole API: ``{"error": {"code": "...", "message": "..."}}``.

Domain operations raise :class:`~cardsvc.core.errors.DomainError` kinds with a stable machine code and
no HTTP status; :data:`HTTP_STATUS` is the one place that says which status each kind is answered with.
Views stay thin.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from cardsvc.core.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    RemoteRefused,
    Unavailable,
    by_kind,
)
from cardsvc.platform.web.login import TooManyAttempts

# The status of each kind; a named error that needs its own status is listed by itself (the nearest entry
# along the error's classes wins). An error whose details hold ``retry_after`` also sends Retry-After.
HTTP_STATUS: dict[type[DomainError], int] = {
    InvalidInput: 400,
    NotAuthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    TooManyAttempts: 429,  # a Forbidden that says when to try again
    RemoteRefused: 502,
    Unavailable: 503,
}


def http_status(error: DomainError) -> int:
    """The status the API answers ``error`` with; 500 for an error of no kind (a bug)."""
    return by_kind(HTTP_STATUS, error, 500)


def error_response(status: int, code: str, message: str) -> Response:
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.endswith(".json")


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> Response:
        response = error_response(http_status(exc), exc.code, exc.message)
        if "retry_after" in exc.details:
            response.headers["Retry-After"] = str(exc.details["retry_after"])
        return response

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
