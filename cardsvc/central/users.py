"""People who log in to the central service: created here, by the command line and the demo alike."""

from __future__ import annotations

from typing import Any

from cardsvc.core.errors import InvalidInput
from cardsvc.platform.storage.database import Database
from cardsvc.platform.web.login import hash_password, password_problem

from ..core import to_rfc3339

ROLES = ("network_admin", "comune_officer", "merchant_manager")


class UserRefused(InvalidInput, ValueError):
    """A user that cannot be created; the message says why, ``code`` names it (``weak_password``…)."""

    code = "user_refused"


def create_user(
    db: Database,
    username: str,
    password: str,
    role: str,
    now: int,
    istat: str | None = None,
    merchant_id: int | None = None,
    language: str = "it",
) -> dict[str, Any]:
    problem = password_problem(password)
    if problem:
        raise UserRefused(problem, code="weak_password")
    if role not in ROLES:
        raise UserRefused(f"role must be one of {', '.join(ROLES)}", code="unknown_role")
    if role == "comune_officer" and not istat:
        raise UserRefused("a comune officer needs a comune (--istat)", code="comune_required")
    if role == "merchant_manager" and merchant_id is None:
        raise UserRefused("a merchant manager needs a merchant (--merchant-id)", code="merchant_required")
    if db.execute("select 1 from users where username = ?", [username]).fetchone():
        raise UserRefused(f"user {username} exists", code="user_exists")
    row = {
        "username": username,
        "password_hash": hash_password(password),
        "role": role,
        "istat": istat if role == "comune_officer" else None,
        "merchant_id": merchant_id if role == "merchant_manager" else None,
        "language": language,
        "created_at": to_rfc3339(now),
    }
    db.table("users").insert(row)
    return row
