"""The one mapping of domain errors to HTTP statuses, shared by the three apps: the central service
answers its JSON error with it, the office and the till their error page.

The nearest entry along an error's classes wins, so a named error that needs its own status is listed by
itself; an error of no kind (a bug) is a 500. An error whose details hold ``retry_after`` also sends
``Retry-After``.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, current_app, make_response, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, default_exceptions

from cardsvc.core.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    RemoteRefused,
    TooManyRequests,
    Unavailable,
    by_kind,
)

HTTP_STATUS: dict[type[DomainError], int] = {
    InvalidInput: 400,
    NotAuthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    TooManyRequests: 429,  # a Forbidden that says when to try again
    RemoteRefused: 502,
    Unavailable: 503,
}


def http_status(error: DomainError) -> int:
    """The status ``error`` is answered with; 500 for an error of no kind (a bug)."""
    return by_kind(HTTP_STATUS, error, 500)


def with_retry_after(response: Response, error: DomainError) -> Response:
    """``response`` with ``Retry-After`` when the error says when to try again."""
    if "retry_after" in error.details:
        response.headers["Retry-After"] = str(error.details["retry_after"])
    return response


def refusal_page(error: DomainError, error_page: Callable[[HTTPException], ResponseReturnValue]) -> Response:
    """A refusal no view said in its own words, as the app's error page of its status; the code goes to
    the log."""
    current_app.logger.warning("refused (%s) on %s: %s", error.code, request.path, error.message)
    page = make_response(error_page(default_exceptions[http_status(error)]()))
    return with_retry_after(page, error)
