"""Logins for the web apps with people in them (the central service and the comune office): one policy.

- **Throttling**: failed logins are counted per account and per address over a window; past the limit
  the login is refused with :class:`TooManyAttempts` before any password is checked, so guessing is slow
  and a flood of wrong passwords costs the server nothing.
- **The same work for everyone**: an unknown username is checked against a dummy scrypt hash, so the
  time of an answer does not tell which usernames exist.
- **Server-side sessions**: the signed cookie holds only a random session id; the session itself is a row
  (its id hashed) with its start and last use. Logout deletes the row, so a copied cookie stops working;
  a session ends after ``SESSION_IDLE`` seconds unused or ``SESSION_LIFETIME`` after login.
- **Safe redirects**: after login, ``next`` may only name a path on this site.

The tables live in each app's own database (:func:`login_tables` in its table definitions).
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Column, Index, MetaData, Table
from werkzeug.security import check_password_hash, generate_password_hash

from cardsvc.core.errors import InvalidInput, TooManyRequests
from cardsvc.platform.settings_table import Setting
from cardsvc.platform.storage.columns import Int, Text
from cardsvc.platform.storage.database import Database
from cardsvc.platform.storage.transactions import write_transaction

WEB_SETTINGS = (
    Setting("SESSION_IDLE", 30 * 60, "Seconds a login session may stay unused before it ends."),
    Setting("SESSION_LIFETIME", 8 * 3600, "Seconds after login at which a session ends in any case."),
    Setting("SECURE_COOKIES", False, "Send cookies only over HTTPS (set it behind a TLS proxy)."),
    Setting("LOGIN_MAX_FAILURES", 5, "Failed logins of one account within the window before it waits."),
    Setting(
        "LOGIN_MAX_FAILURES_PER_ADDRESS",
        20,
        "Failed logins from one address within the window before it waits.",
    ),
    Setting("LOGIN_THROTTLE_WINDOW", 15 * 60, "Seconds over which failed logins are counted."),
    Setting(
        "ACCESSIBILITY_CONTACT",
        "",
        "E-mail address for accessibility feedback named in the accessibility statement "
        "(else the comune's URP).",
    ),
)
MIN_PASSWORD_LENGTH = 10
_LAST_SEEN_STEP = 60  # a session's last use is written at most once a minute
SCRYPT_COST_VARIABLE = "FAMILYCARD_SCRYPT_COST"
SCRYPT_COSTS = range(10, 18)  # 17: 128 MiB of memory for each hash or check, as many as logins at once
DEFAULT_SCRYPT_COST = 15  # werkzeug's own: N = 2**15, about 0.1 s and 32 MiB for each hash or check


class TooManyAttempts(TooManyRequests):
    """Too many failed logins: try again after ``retry_after`` seconds (also in ``details``)."""

    code = "too_many_attempts"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed logins: try again in {retry_after} s", retry_after=retry_after)


@dataclass(frozen=True)
class LoginPolicy:
    max_failures: int
    max_failures_per_address: int
    window: int
    idle: int
    lifetime: int

    @classmethod
    def from_config(cls, config: Any) -> LoginPolicy:
        return cls(
            config["LOGIN_MAX_FAILURES"],
            config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
            config["LOGIN_THROTTLE_WINDOW"],
            config["SESSION_IDLE"],
            config["SESSION_LIFETIME"],
        )


def login_tables(metadata: MetaData) -> None:
    """The tables this module keeps, added to an app's tables: failed-login counters and sessions."""
    Table("login_failures", metadata, Column("key", Text, primary_key=True), Column("count", Int),
          Column("first_at", Int))  # fmt: skip
    Table(
        "web_sessions", metadata, Column("id_hash", Text, primary_key=True), Column("subject", Text),
        Column("created_at", Int), Column("last_seen_at", Int), Index("idx_web_sessions_subject", "subject"),
    )  # fmt: skip


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"the password must have at least {MIN_PASSWORD_LENGTH} characters"
    return None


def password_method() -> str:
    """werkzeug's scrypt method for new hashes: N = 2**cost, r = 8, p = 1. The cost is 15 unless
    ``FAMILYCARD_SCRYPT_COST`` names another from 10 to 17 (the test suite, which logs in thousands of
    times, runs at 10); :class:`InvalidInput` for anything else. A stored hash made at another cost
    still logs in, and is made again at this one (:func:`attempt_login`)."""
    raw = os.environ.get(SCRYPT_COST_VARIABLE, "").strip()
    cost = int(raw) if raw.isascii() and raw.isdigit() else DEFAULT_SCRYPT_COST if not raw else -1
    if cost not in SCRYPT_COSTS:
        raise InvalidInput(
            f"{SCRYPT_COST_VARIABLE} must be a whole number from {SCRYPT_COSTS[0]} to {SCRYPT_COSTS[-1]}, "
            f"not {raw!r}",
            code="invalid_scrypt_cost",
        )
    return f"scrypt:{2**cost}:8:1"


def refuse_bad_scrypt_cost(app: str) -> None:
    """Exit with one line on standard error when ``FAMILYCARD_SCRYPT_COST`` is not a cost
    :func:`password_method` takes (gunicorn's master calls it before it forks the workers)."""
    try:
        password_method()
    except InvalidInput as error:
        raise SystemExit(f"familycard {app}: {error}") from None


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    return generate_password_hash("not a password of anyone", method=method)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=password_method())


def password_matches(stored_hash: str | None, password: str) -> bool:
    """Check ``password``; with no stored hash, the same scrypt work is done and False returned."""
    if stored_hash is None:
        check_password_hash(_dummy_hash(password_method()), password)
        return False
    return check_password_hash(stored_hash, password)


def _keys(username: str, address: str | None) -> list[tuple[str, str]]:
    keys = [("account", "user:" + username.casefold())]
    if address:
        keys.append(("address", "addr:" + address))
    return keys


def check_throttle(db: Database, username: str, address: str | None, now: int, policy: LoginPolicy) -> None:
    """Raise :class:`TooManyAttempts` when the account or the address has failed too often lately."""
    for kind, key in _keys(username, address):
        row = db.execute("select count, first_at from login_failures where key = ?", [key]).fetchone()
        if row is None or now - row[1] >= policy.window:
            continue
        limit = policy.max_failures if kind == "account" else policy.max_failures_per_address
        if row[0] >= limit:
            raise TooManyAttempts(row[1] + policy.window - now)


def record_failure(db: Database, username: str, address: str | None, now: int, policy: LoginPolicy) -> None:
    with write_transaction(db):
        for _kind, key in _keys(username, address):
            row = db.execute("select count, first_at from login_failures where key = ?", [key]).fetchone()
            if row is None or now - row[1] >= policy.window:
                db.execute(
                    "insert into login_failures (key, count, first_at) values (?, 1, ?) "
                    "on conflict (key) do update set count = 1, first_at = excluded.first_at",
                    [key, now],
                )
            else:
                db.execute("update login_failures set count = count + 1 where key = ?", [key])


def clear_failures(db: Database, username: str) -> None:
    with write_transaction(db):
        db.execute("delete from login_failures where key = ?", ["user:" + username.casefold()])


def attempt_login(
    db: Database,
    accounts: str,
    username: str,
    password: str,
    stored_hash: str | None,
    address: str | None,
    now: int,
    policy: LoginPolicy,
) -> bool:
    """One login attempt, throttled: True when the password matches ``stored_hash`` (None for an unknown
    user, which costs the same). Raises :class:`TooManyAttempts` before checking when over the limit.

    A hash made at another scrypt cost than today's is made again at today's, in the table ``accounts``
    (its ``password_hash`` by ``username``): an unknown username, checked at today's cost, would
    otherwise take a different time from a known one."""
    check_throttle(db, username, address, now, policy)
    if password_matches(stored_hash, password):
        clear_failures(db, username)
        if stored_hash is not None and not stored_hash.startswith(password_method() + "$"):
            with write_transaction(db):
                db.table(accounts).update(username, {"password_hash": hash_password(password)}, by="username")
        return True
    record_failure(db, username, address, now, policy)
    return False


def _id_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start_session(db: Database, subject: str, now: int) -> str:
    """A new session for ``subject``; returns the id to put in the signed cookie."""
    session_id = secrets.token_urlsafe(32)
    with write_transaction(db):
        db.execute(
            "insert into web_sessions (id_hash, subject, created_at, last_seen_at) values (?, ?, ?, ?)",
            [_id_hash(session_id), subject, now, now],
        )
    return session_id


def session_subject(db: Database, session_id: Any, now: int, policy: LoginPolicy) -> str | None:
    """Whose session ``session_id`` is, or None when it is unknown, ended or expired (then it is deleted)."""
    if not isinstance(session_id, str) or not session_id:
        return None
    key = _id_hash(session_id)
    row = db.execute(
        "select subject, created_at, last_seen_at from web_sessions where id_hash = ?", [key]
    ).fetchone()
    if row is None:
        return None
    subject, created_at, last_seen = row
    if now - last_seen > policy.idle or now - created_at > policy.lifetime:
        end_session(db, session_id)
        return None
    if now - last_seen >= _LAST_SEEN_STEP:
        with write_transaction(db):
            db.execute("update web_sessions set last_seen_at = ? where id_hash = ?", [now, key])
    return str(subject)


def end_session(db: Database, session_id: Any) -> None:
    if isinstance(session_id, str) and session_id:
        with write_transaction(db):
            db.execute("delete from web_sessions where id_hash = ?", [_id_hash(session_id)])


def end_all_sessions(db: Database, subject: str) -> None:
    """End every session of ``subject`` (a password change, an account removed)."""
    with write_transaction(db):
        db.execute("delete from web_sessions where subject = ?", [subject])


def prune_sessions(db: Database, now: int, policy: LoginPolicy) -> None:
    """Delete expired sessions and old failure counters."""
    with write_transaction(db):
        db.execute(
            "delete from web_sessions where last_seen_at < ? or created_at < ?",
            [now - policy.idle, now - policy.lifetime],
        )
        db.execute("delete from login_failures where first_at < ?", [now - policy.window])


def safe_next(target: str | None, default: str) -> str:
    """``target`` when it is a path on this site, else ``default``: never another host.

    Browsers drop tabs and newlines from URLs and read ``/\\`` like ``//``, so a target holding a
    control character or a backslash, or one that parses with a scheme or a host, is refused."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if any(ord(c) < 0x20 or ord(c) == 0x7F or c == "\\" for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
