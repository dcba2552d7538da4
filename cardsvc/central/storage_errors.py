"""A full disk or a damaged database answered 503 with the problem named, never a bare 500.

The API answers in its one error shape (``disk_full``, ``database_damaged``, ``disk_error``) with
``Retry-After``: a till or an office keeps its records and sends them again once the database is
restored, and shows the reason meanwhile. The admin pages say it in words. ``/health`` checks the
database on demand (``cardsvc.platform.web.health``).
"""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException, ServiceUnavailable

from cardsvc.platform.storage.health import DATABASE_ERRORS, storage_failure
from cardsvc.platform.web.health import health

from .errors import error_response

MESSAGES = {
    "disk_full": "the central service's disk is full: nothing was stored, send again later",
    "database_damaged": "the central service's database is damaged: nothing was stored, send again later",
    "disk_error": "the central service's disk failed: nothing was stored, send again later",
    "database_unavailable": "the central service's database cannot be reached: nothing was stored, "
    "send again later",
}
RETRY_AFTER = "300"


def init_app(app: Flask) -> None:
    app.add_url_rule("/health", "health", health)

    def storage_error(exc: Exception) -> Response | HTTPException:
        problem = storage_failure(exc)
        if problem is None:
            raise exc
        app.logger.error("storage failure (%s) on %s: %s", problem, request.path, exc)
        if request.path.startswith("/api/") or request.path.endswith(".json"):
            response = error_response(503, problem, MESSAGES[problem])
            response.headers["Retry-After"] = RETRY_AFTER
            return response
        from .i18n import t

        return ServiceUnavailable(description=t(f"storage_{problem}"), retry_after=int(RETRY_AFTER))

    for error_class in DATABASE_ERRORS:  # a SQLite file's or a PostgreSQL server's
        app.register_error_handler(error_class, storage_error)
