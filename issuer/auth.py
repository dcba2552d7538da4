"""Operators of the comune office: login with a hashed password, a session that expires, one comune each.

Every page but the login needs an operator; every query is limited to the operator's comune, so an
operator never sees or changes another comune's households or cards. Every POST carries the CSRF token.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, flash, g, redirect, request, session, url_for

from cardsvc.core.errors import InvalidInput
from cardsvc.platform.clock import now
from cardsvc.platform.web.csrf import check_csrf
from cardsvc.platform.web.login import (
    LoginPolicy,
    attempt_login,
    end_session,
    hash_password,
    password_problem,
    session_subject,
    start_session,
)

from .db import get_db
from .i18n import t

F = TypeVar("F", bound=Callable[..., Any])
__all__ = ["add_operator", "check_login", "current_operator", "log_in", "log_out", "login_required"]


def add_operator(db: Any, username: str, password: str, istat: str, created_at: str) -> None:
    problem = password_problem(password)
    if problem:
        raise InvalidInput(problem, code="weak_password")
    if not db.execute("select 1 from comuni where istat = ?", [istat]).fetchone():
        message = f"comune {istat} is not set up in this office (familycard issuer add-comune)"
        raise InvalidInput(message, code="unknown_comune")
    row = {
        "username": username,
        "password_hash": hash_password(password),
        "istat": istat,
        "created_at": created_at,
    }
    db["operators"].upsert(row)


def check_login(username: str, password: str) -> dict[str, Any] | None:
    """The operator if the password is right; throttled (raises ``TooManyAttempts``), same work for all."""
    rows = list(get_db()["operators"].rows_where("username = ?", [username]))
    stored = rows[0]["password_hash"] if rows else None
    policy = LoginPolicy.from_config(current_app.config)
    if not attempt_login(
        get_db(), "operators", username, password, stored, request.remote_addr, now(), policy
    ):
        return None
    return dict(rows[0])


def log_in(operator: dict[str, Any]) -> None:
    session.clear()
    session["sid"] = start_session(get_db(), operator["username"], now())


def log_out() -> None:
    end_session(get_db(), session.get("sid"))
    session.clear()


def operator() -> dict[str, Any]:
    """The signed-in operator, in a view behind ``login_required``."""
    found = current_operator()
    assert found is not None, "a view behind login_required"
    return found


def current_operator() -> dict[str, Any] | None:
    if "operator" in g:
        return g.operator  # type: ignore[no-any-return]
    operator = None
    if session.get("sid"):
        policy = LoginPolicy.from_config(current_app.config)
        username = session_subject(get_db(), session["sid"], now(), policy)
        rows = list(get_db()["operators"].rows_where("username = ?", [username])) if username else []
        operator = rows[0] if rows else None
        if operator is not None:
            operator["comune"] = get_db().table("comuni").get(operator["istat"])
    g.operator = operator
    return operator


def login_required(view: F) -> F:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_operator() is None:
            if session.get("sid"):
                session.clear()
                flash(t("session_expired"), "error")
            return redirect(url_for("office.login", next=request.path))
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def init_app(app: Any) -> None:
    app.before_request(check_csrf)
