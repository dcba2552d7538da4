"""CSRF protection for the HTML forms of every web app: a per-session token in every form, checked on
every POST."""

from __future__ import annotations

import hmac
import secrets

from flask import abort, request, session


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return str(session["csrf"])


def check_csrf() -> None:
    """Abort with 400 unless the POST carries this session's token (form field ``csrf_token``, or the
    ``X-CSRF-Token`` header for scripts)."""
    if request.method != "POST":
        return
    sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token", "")
    expected = session.get("csrf")
    if not expected or not hmac.compare_digest(sent, str(expected)):
        abort(400, description="csrf_failed")
