"""Credentials of the comune offices: one or more per comune, created, listed with their last use and
revoked by the network. A revoked credential is refused at once (``auth.current_issuer_comune``)."""

from __future__ import annotations

from typing import Any

from cardsvc.core.errors import InvalidInput, NotFound
from cardsvc.platform.storage.database import Database

from ..core import to_rfc3339
from .credentials import new_token, secret_hash
from .registry import comune_exists

_FIELDS = "id, istat, created_at, last_used_at, revoked_at"


def create(db: Database, istat: str, now: int) -> dict[str, Any]:
    """A new credential for comune ``istat``; the token is shown once and stored only as a hash."""
    if not comune_exists(db, istat):
        raise InvalidInput(f"comune {istat!r} is not in the network", code="unknown_comune")
    token = new_token()
    credential_id = (
        db.table("issuer_credentials")
        .insert({"istat": istat, "token_hash": secret_hash(token), "created_at": to_rfc3339(now)})
        .last_pk
    )
    return {"id": credential_id, "istat": istat, "token": token}


def listed(db: Database) -> list[dict[str, Any]]:
    cursor = db.execute(f"select {_FIELDS} from issuer_credentials order by istat, id")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def revoke(db: Database, credential_id: int, now: int) -> dict[str, Any]:
    row = db.execute("select revoked_at from issuer_credentials where id = ?", [credential_id]).fetchone()
    if row is None:
        raise NotFound(f"no issuer credential {credential_id}", code="unknown_credential")
    if row[0] is None:
        db.table("issuer_credentials").update(credential_id, {"revoked_at": to_rfc3339(now)})
    return next(c for c in listed(db) if c["id"] == credential_id)
