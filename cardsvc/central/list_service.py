"""Trust and revocation lists at the central service.

The root key never comes here: an administrator imports a trust list signed on the offline machine, and
this service checks it against the pinned root public key and its version. The service holds the
list-signing key and signs, for every request, a fresh revocation list or delta.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlite_utils import Database

from cardsvc.core.errors import Conflict, InvalidInput, Unavailable
from cardsvc.platform.storage.key_values import KeyValues

from ..core import JwsError, RevocationEntry, RevocationList, TrustList, load_trust_list, to_rfc3339
from ..core.keys import Verifier, b64url, b64url_decode

_trust_cache: dict[str, TrustList] = {}
_trust_lock = threading.Lock()


LOG = logging.getLogger(__name__)


_network = KeyValues("network")
network_value = _network.get
set_network_value = _network.put


def root_verifier(db: Database) -> Verifier:
    root = network_value(db, "root_public_key")
    if root is None:
        raise Unavailable("the central service has no root public key yet", code="not_initialised")
    return Verifier(b64url_decode(root))


def current_trust_list_jws(db: Database) -> str:
    row = db.execute("select jws from trust_lists order by version desc limit 1").fetchone()
    if row is None:
        raise Unavailable("no trust list imported yet", code="not_initialised")
    return str(row[0])


def current_trust_list(db: Database) -> TrustList:
    """The newest imported trust list, parsed once per version."""
    row = db.execute("select version, jws from trust_lists order by version desc limit 1").fetchone()
    if row is None:
        raise Unavailable("no trust list imported yet", code="not_initialised")
    token = str(row[1])
    with _trust_lock:
        trust = _trust_cache.get(token)
        if trust is None:
            trust = load_trust_list(token, root_verifier(db))
            if len(_trust_cache) > 8:
                _trust_cache.clear()
            _trust_cache[token] = trust
    return trust


def import_trust_list(db: Database, token: str, now: int) -> TrustList:
    """Check a trust list signed elsewhere and make it current; comuni and keys follow it."""
    held = db.execute("select max(version) from trust_lists").fetchone()[0]
    try:
        trust = load_trust_list(token, root_verifier(db), held_version=held)
    except JwsError as exc:
        kind = Conflict if exc.code == "rollback" else InvalidInput
        raise kind(str(exc), code=f"trust_list_{exc.code}") from None
    if held is not None and trust.version == held:
        if current_trust_list_jws(db) == token.strip():
            return trust
        raise Conflict(f"version {held} is already held with other content", code="trust_list_rollback")
    signer = network_value(db, "list_signing_public_key")
    if signer is not None and b64url(trust.list_signing_key.public_key) != signer:
        raise Conflict(
            "the trust list names a list-signing key this service does not hold",
            code="list_signing_key_changed",
        )
    with db.atomic():
        db.table("trust_lists").insert(
            {
                "version": trust.version,
                "issued_at": to_rfc3339(trust.issued_at),
                "jws": token.strip(),
                "imported_at": to_rfc3339(now),
            }
        )
        for issuer in trust.issuers:
            db.table("comuni").upsert({"istat": issuer.istat, "name": issuer.comune}, pk="istat")
            item = issuer.to_json()
            db.table("issuer_keys").upsert(
                {k: item[k] for k in ("kid", "istat", "public_key", "valid_from", "valid_until", "status")},
                pk="kid",
            )
        set_network_value(db, "network_name", trust.network)
    return trust


def revocation_version(db: Database) -> int:
    return int(db.execute("select coalesce(max(version), 0) from revocations").fetchone()[0])


def revoke_card(db: Database, cti: str, istat: str, revoked_at: int, reason: str) -> bool:
    """Add a card to the revocation list; False when it was already there."""
    if db.execute("select 1 from revocations where cti = ?", [cti]).fetchone():
        return False
    db.table("revocations").insert({"cti": cti, "istat": istat, "revoked_at": revoked_at, "reason": reason})
    return True


def revocation_list_jws(db: Database, since: int, signer: Ed25519PrivateKey, now: int) -> str:
    """A freshly signed revocation delta after ``since`` (0: the full list)."""
    version = revocation_version(db)
    if since > version:
        raise Conflict(f"since={since} is after the newest version {version}", code="since_ahead")
    rows = db["revocations"].rows_where("version > ?", [since], order_by="version")
    entries = tuple(entry for row in rows if (entry := _publishable(row, now)) is not None)
    return RevocationList(version, since, now, entries).sign(signer)


def _publishable(row: dict[str, Any], now: int) -> RevocationEntry | None:
    """The list entry for a stored revocation, whatever was stored: a time out of range is published as
    ``now`` (the card is revoked all the same), an entry that cannot be published is left out and logged,
    so one bad row never stops the lists every till depends on."""
    revoked_at = row["revoked_at"]
    if type(revoked_at) is not int or not 0 <= revoked_at <= now:
        revoked_at = now
    try:
        return RevocationEntry(b64url_decode(str(row["cti"])), revoked_at, str(row["reason"]))
    except ValueError as error:
        LOG.error("revocation %s left out of the list: %s", row.get("version"), error)
        return None


def trust_summary(db: Database) -> dict[str, Any]:
    row = db.execute("select version, issued_at from trust_lists order by version desc limit 1").fetchone()
    return {
        "trust_list_version": None if row is None else row[0],
        "revocation_list_version": revocation_version(db),
        "root_public_key": network_value(db, "root_public_key"),
    }
