"""Who is calling: kiosks and issuer offices with bearer tokens, people with a password.

People use the admin UI with a session, or the API with HTTP Basic. Roles: ``network_admin`` (all),
``comune_officer`` (their comune only), ``merchant_manager`` (their shops only).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, request, session

from cardsvc.core.errors import Forbidden, NotAuthenticated
from cardsvc.platform.clock import now
from cardsvc.platform.web.login import LoginPolicy, attempt_login, end_session, session_subject, start_session

from ..core import to_rfc3339
from .credentials import secret_hash
from .db import get_db, write_transaction
from .enrolment import kiosk_for_token

F = TypeVar("F", bound=Callable[..., Any])


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or len(header) < 20:
        raise NotAuthenticated("a bearer credential is required")
    return header.removeprefix("Bearer ").strip()


def current_kiosk() -> dict[str, Any]:
    if "kiosk" not in g:
        g.kiosk = kiosk_for_token(get_db(), bearer_token())
    return g.kiosk  # type: ignore[no-any-return]


def current_issuer_comune() -> str:
    """The comune of the issuer credential calling; its last use is noted (at most once a minute)."""
    if "issuer_istat" not in g:
        g.issuer_istat = _issuer_comune()
    return g.issuer_istat  # type: ignore[no-any-return]


def _issuer_comune() -> str:
    db = get_db()
    row = db.execute(
        "select id, istat, last_used_at from issuer_credentials where token_hash = ? and revoked_at is null",
        [secret_hash(bearer_token())],
    ).fetchone()
    if row is None:
        raise NotAuthenticated("unknown or revoked issuer credential")
    stamp = to_rfc3339(now())
    if (row[2] or "")[:16] != stamp[:16]:
        with write_transaction(db):
            db.execute("update issuer_credentials set last_used_at = ? where id = ?", [stamp, row[0]])
    return str(row[1])


def load_user(username: str) -> dict[str, Any] | None:
    rows = list(get_db()["users"].rows_where("username = ?", [username]))
    return rows[0] if rows else None


def login_policy() -> LoginPolicy:
    return LoginPolicy.from_config(current_app.config)


def check_password(username: str, password: str) -> dict[str, Any] | None:
    """The user if the password is right; throttled (raises ``TooManyAttempts``), same work for all."""
    user = load_user(username)
    stored = user["password_hash"] if user is not None else None
    if not attempt_login(
        get_db(), "users", username, password, stored, request.remote_addr, now(), login_policy()
    ):
        return None
    return user


def log_in(user: dict[str, Any]) -> None:
    """Start a server-side session for ``user`` (a fresh cookie: nothing of an earlier session stays)."""
    session.clear()
    session["sid"] = start_session(get_db(), user["username"], now())
    session["lang"] = user["language"]


def log_out() -> None:
    end_session(get_db(), session.get("sid"))
    session.clear()


def user() -> dict[str, Any]:
    """The signed-in user, in a view behind a login check."""
    found = current_user()
    assert found is not None, "a view behind a login check"
    return found


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
    elif session.get("sid"):
        username = session_subject(get_db(), session["sid"], now(), login_policy())
        user = load_user(username) if username else None
        if user is None:
            session.clear()
    g.user = user
    return user


def authenticate(security: list[dict[str, list[str]]], view: Callable[..., Any] | None) -> None:
    """Refuse a request without the credential its API operation names (its OpenAPI ``security``,
    401) or whose person lacks the role its view requires (:func:`require_user`, 403)."""
    schemes = {name for entry in security for name in entry}
    if "kiosk" in schemes:
        current_kiosk()
    if "issuer" in schemes:
        current_issuer_comune()
    if "basic" in schemes:
        _check_user(getattr(view, "required_roles", ()))


def _check_user(roles: tuple[str, ...]) -> None:
    user = current_user()
    if user is None:
        raise NotAuthenticated("log in, or send HTTP Basic credentials")
    if roles and user["role"] not in roles:
        raise Forbidden("your role does not allow this")


def require_user(*roles: str) -> Callable[[F], F]:
    """Only people with one of ``roles`` (any role when none is named)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            _check_user(roles)
            return view(*args, **kwargs)

        wrapper.required_roles = roles  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def may_see_comune(user: dict[str, Any], istat: str | None) -> bool:
    return bool(
        user["role"] == "network_admin" or (user["role"] == "comune_officer" and user["istat"] == istat)
    )


def may_manage_merchant(user: dict[str, Any], merchant_id: int) -> bool:
    return bool(
        user["role"] == "network_admin"
        or (user["role"] == "merchant_manager" and user["merchant_id"] == merchant_id)
    )
