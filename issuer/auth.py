"""Operators of the comune office: login with a hashed password, a session that expires, one comune each.

Every page but the login needs an operator; every query is limited to the operator's comune, so an
operator never sees or changes another comune's households or cards. Every POST carries the CSRF token.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, flash, g, redirect, request, session, url_for

from cardsvc.central.credentials import hash_password, password_matches
from cardsvc.web_csrf import check_csrf

from .db import get_db, now
from .i18n import t

F = TypeVar("F", bound=Callable[..., Any])
__all__ = ["add_operator", "check_login", "current_operator", "login_required", "start_session"]


def add_operator(db: Any, username: str, password: str, istat: str, created_at: str) -> None:
    if len(password) < 10:
        raise ValueError("the password must have at least 10 characters")
    if not db.execute("select 1 from comuni where istat = ?", [istat]).fetchone():
        raise ValueError(f"comune {istat} is not set up in this office (familycard issuer add-comune)")
    row = {
        "username": username,
        "password_hash": hash_password(password),
        "istat": istat,
        "created_at": created_at,
    }
    db["operators"].upsert(row, pk="username")


def check_login(username: str, password: str) -> dict[str, Any] | None:
    rows = list(get_db()["operators"].rows_where("username = ?", [username]))
    if not rows or not password_matches(rows[0]["password_hash"], password):
        return None
    return rows[0]


def start_session(operator: dict[str, Any]) -> None:
    session.clear()
    session["operator"] = operator["username"]
    session["login_at"] = now()


def current_operator() -> dict[str, Any] | None:
    if "operator" in g:
        return g.operator  # type: ignore[no-any-return]
    operator = None
    username = session.get("operator")
    if username:
        rows = list(get_db()["operators"].rows_where("username = ?", [username]))
        operator = rows[0] if rows else None
        if operator is not None:
            operator["comune"] = get_db()["comuni"].get(operator["istat"])
    g.operator = operator
    return operator


def session_expired() -> bool:
    started = session.get("login_at")
    return started is None or now() - int(started) > current_app.config["SESSION_LIFETIME"]


def login_required(view: F) -> F:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if session.get("operator") and session_expired():
            session.clear()
            flash(t("session_expired"), "error")
            return redirect(url_for("office.login", next=request.path))
        if current_operator() is None:
            return redirect(url_for("office.login", next=request.path))
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def init_app(app: Any) -> None:
    app.before_request(check_csrf)
