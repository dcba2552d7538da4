"""The lists the till verifies against, kept in its database and held in memory for fast scans.

The trust list is checked against the root public key pinned at enrolment; revocation deltas against the
trust list's list-signing key; lower versions are refused. The in-memory copy follows the database
cheaply: the trust list is parsed again only when its version changes, and revocations (insert-only) are
read from the last row already loaded, so a sync never stalls the next scan.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sqlite_utils import Database

from cardsvc.core import (
    RevocationEntry,
    RevocationState,
    TrustList,
    Verifier,
    load_revocation_list,
    load_trust_list,
)
from cardsvc.core.keys import b64url, b64url_decode

from . import store


@dataclass
class HeldLists:
    trust: TrustList
    revocations: RevocationState = field(default_factory=RevocationState)
    loaded_rowid: int = 0


_cache: dict[str, HeldLists] = {}
_lock = threading.Lock()


def _root(db: Database) -> Verifier:
    return Verifier(b64url_decode(store.get(db, "root_public_key")))


def held_lists(db: Database, path: str) -> HeldLists | None:
    """The lists in memory, brought up to date with the database; None before enrolment."""
    kv = store.get_many(db, "trust_version", "revocation_version", "revocation_issued_at")
    trust_version = kv["trust_version"]
    if trust_version is None:
        return None
    with _lock:
        held = _cache.get(path)
        if held is None or held.trust.version != trust_version:
            trust = load_trust_list(store.get(db, "trust_list"), _root(db))
            held = HeldLists(
                trust, held.revocations if held else RevocationState(), held.loaded_rowid if held else 0
            )
            _cache[path] = held
        rows = db.execute(
            "select rowid, cti, revoked_at, reason from revocations where rowid > ? order by rowid",
            [held.loaded_rowid],
        ).fetchall()
        for rowid, cti, revoked_at, reason in rows:
            key = b64url_decode(cti)
            held.revocations.entries[key] = RevocationEntry(key, revoked_at, reason)
            held.loaded_rowid = rowid
        held.revocations.version = int(kv["revocation_version"] or 0)
        held.revocations.issued_at = kv["revocation_issued_at"]
        return held


def apply_lists(db: Database, trust_token: str | None, revocation_token: str) -> dict[str, int]:
    """Verify and store a newer trust list (if any) and a revocation list or delta, in one transaction.

    Raises ``JwsError`` (bad signature, unknown kid, rollback, gap) and then stores nothing.
    """
    root = _root(db)
    held_token = store.get(db, "trust_list")
    held_version = store.get(db, "trust_version")
    if trust_token:
        trust = load_trust_list(trust_token, root, held_version)
    else:
        trust = load_trust_list(held_token, root)
    revocations = load_revocation_list(revocation_token, trust)
    current = RevocationState()
    current.version = int(store.get(db, "revocation_version", 0))
    current.issued_at = store.get(db, "revocation_issued_at")
    current.apply(revocations)  # raises on rollback or gap
    with db.atomic():
        if trust_token and trust.version != held_version:
            store.put_many(db, {"trust_list": trust_token, "trust_version": trust.version})
        db.conn.executemany(
            "insert or ignore into revocations (cti, revoked_at, reason) values (?, ?, ?)",
            [(b64url(e.cti), e.revoked_at, e.reason) for e in revocations.entries],
        )
        store.put_many(db, {"revocation_version": current.version, "revocation_issued_at": current.issued_at})
    return {
        "trust_version": trust.version,
        "revocation_version": current.version,
        "entries": len(revocations.entries),
    }
