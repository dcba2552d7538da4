"""One-time links to set a password: how a shop's manager gets into the central service.

A link holds a random token (256 bits); only its SHA-256 is stored, with the account it will create, its
expiry, and when it was used. Opening it shows a form; setting a password creates the account and spends
the link, in one transaction: a link works once, and never after ``PASSWORD_LINK_TTL`` seconds.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from cardsvc.core.errors import Conflict, NotFound
from cardsvc.platform.storage.database import Database

from ..core.timestamps import to_rfc3339
from .users import create_user


class LinkUnusable(Conflict):
    """The link was used already (``link_used``) or is too old (``link_expired``)."""

    code = "link_unusable"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_link(db: Database, username: str, merchant_id: int, now: int, ttl: int) -> str:
    """A new link's token for the manager ``username`` of ``merchant_id``; call inside a write transaction."""
    token = secrets.token_urlsafe(32)
    db.table("password_links").insert(
        {
            "token_hash": _digest(token),
            "username": username,
            "merchant_id": merchant_id,
            "created_at": to_rfc3339(now),
            "expires_at": now + ttl,
            "used_at": None,
        }
    )
    return token


def usable_link(db: Database, token: str, now: int) -> dict[str, Any]:
    """The link's row while it can still be used; :class:`NotFound` or :class:`LinkUnusable` otherwise."""
    rows = list(db.query("select * from password_links where token_hash = ?", [_digest(token)]))
    if not rows:
        raise NotFound("no such link", code="link_unknown")
    link = rows[0]
    if link["used_at"] is not None:
        raise LinkUnusable("the link was used already", code="link_used")
    if now >= link["expires_at"]:
        raise LinkUnusable("the link has expired", code="link_expired")
    return link


def set_password(db: Database, token: str, password: str, now: int) -> dict[str, Any]:
    """Create the link's account with ``password`` and spend the link; call inside a write transaction.
    A weak password raises :class:`cardsvc.central.users.UserRefused` and spends nothing."""
    link = usable_link(db, token, now)
    user = create_user(
        db, link["username"], password, "merchant_manager", now, merchant_id=link["merchant_id"]
    )
    db.execute("update password_links set used_at = ? where token_hash = ?", [now, link["token_hash"]])
    return user
