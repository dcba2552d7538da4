"""One error shape for the whole API: ``{"error": {"code": "...", "message": "..."}}``.

Domain operations raise :class:`ApiError` with a stable machine code; views stay thin.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from cardsvc.platform.web.login import TooManyAttempts


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def error_response(status: int, code: str, message: str) -> Response:
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.endswith(".json")


def init_app(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(exc: ApiError) -> Response:
        return error_response(exc.status, exc.code, exc.message)

    @app.errorhandler(TooManyAttempts)
    def too_many_attempts(exc: TooManyAttempts) -> Response:
        response = error_response(429, "too_many_attempts", str(exc))
        response.headers["Retry-After"] = str(exc.retry_after)
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
