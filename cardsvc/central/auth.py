"""Who is calling: kiosks and issuer offices with bearer tokens, people with a password.

People use the admin UI with a session, or the API with HTTP Basic. Roles: ``network_admin`` (all),
``comune_officer`` (their comune only), ``merchant_manager`` (their shops only).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g, request, session

from .credentials import password_matches, secret_hash
from .db import get_db
from .enrolment import kiosk_for_token
from .errors import ApiError

F = TypeVar("F", bound=Callable[..., Any])
ROLES = ("network_admin", "comune_officer", "merchant_manager")


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or len(header) < 20:
        raise ApiError(401, "unauthorized", "a bearer credential is required")
    return header.removeprefix("Bearer ").strip()


def current_kiosk() -> dict[str, Any]:
    return kiosk_for_token(get_db(), bearer_token())


def current_issuer_comune() -> str:
    db = get_db()
    rows = list(
        db["issuer_credentials"].rows_where(
            "token_hash = ? and revoked_at is null", [secret_hash(bearer_token())]
        )
    )
    if not rows:
        raise ApiError(401, "unauthorized", "unknown or revoked issuer credential")
    return str(rows[0]["istat"])


def load_user(username: str) -> dict[str, Any] | None:
    rows = list(get_db()["users"].rows_where("username = ?", [username]))
    return rows[0] if rows else None


def check_password(username: str, password: str) -> dict[str, Any] | None:
    user = load_user(username)
    if user is None or not password_matches(user["password_hash"], password):
        return None
    return user


def current_user() -> dict[str, Any] | None:
    """The person calling: HTTP Basic on the API, the session on the HTML pages.

    The API never takes the session cookie, so a page elsewhere cannot make a logged-in browser call it;
    the HTML forms carry a CSRF token instead (``admin_ui``).
    """
    if "user" in g:
        return g.user  # type: ignore[no-any-return]
    user = None
    if request.path.startswith("/api/"):
        auth = request.authorization
        if auth is not None and auth.type == "basic" and auth.username and auth.password:
            user = check_password(auth.username, auth.password)
    elif session.get("username"):
        user = load_user(session["username"])
    g.user = user
    return user


def require_user(*roles: str) -> Callable[[F], F]:
    """Only people with one of ``roles`` (any role when none is named)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                raise ApiError(401, "unauthorized", "log in, or send HTTP Basic credentials")
            if roles and user["role"] not in roles:
                raise ApiError(403, "forbidden", "your role does not allow this")
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def may_see_comune(user: dict[str, Any], istat: str | None) -> bool:
    return user["role"] == "network_admin" or (user["role"] == "comune_officer" and user["istat"] == istat)


def may_manage_merchant(user: dict[str, Any], merchant_id: int) -> bool:
    return user["role"] == "network_admin" or (
        user["role"] == "merchant_manager" and user["merchant_id"] == merchant_id
    )
