"""Trust and revocation lists at the central service.

The root key never comes here: an administrator imports a trust list signed on the offline machine, and
this service checks it against the pinned root public key and its version. The service holds the
list-signing key and signs the revocation lists and deltas.

A revocation list is signed as of the start of the current period of ``LIST_REISSUE_INTERVAL`` seconds
(:func:`signing_time`): within a period the same versions give the same list, byte for byte, so it is
served by version (``conditional``) and signed once per process (:func:`revocation_list_jws` keeps the
small ones); each new period signs it again with a newer ``issued_at``, which is what tells a till that
its lists are current.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cardsvc.core.errors import Conflict, InvalidInput, Unavailable
from cardsvc.platform.storage.database import Database
from cardsvc.platform.storage.key_values import KeyValues

from ..core import JwsError, RevocationEntry, RevocationList, TrustList, load_trust_list, to_rfc3339
from ..core.keys import Verifier, b64url, b64url_decode

_trust_cache: dict[str, TrustList] = {}
_trust_lock = threading.Lock()
_signed_lists: dict[tuple[bytes, int, int, int, int], str] = {}
_signed_lock = threading.Lock()
CACHED_ENTRIES = 1000  # deltas up to this many entries are kept signed in memory


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
    return trust_list_jws(db, trust_version(db))


def trust_version(db: Database) -> int:
    """The version of the newest imported trust list; ``not_initialised`` before the first import."""
    return _imported(int(db.execute("select coalesce(max(version), 0) from trust_lists").fetchone()[0]))


def _imported(trust_version: int) -> int:
    """``trust_version``, or ``not_initialised`` when it is 0 (no trust list imported yet)."""
    if trust_version == 0:
        raise Unavailable("no trust list imported yet", code="not_initialised")
    return trust_version


def trust_list_jws(db: Database, version: int) -> str:
    row = db.execute("select jws from trust_lists where version = ?", [version]).fetchone()
    if row is None:
        raise Unavailable(f"no trust list of version {version}", code="not_initialised")
    return str(row[0])


def current_trust_list(db: Database) -> TrustList:
    """The newest imported trust list, parsed once per version."""
    token = current_trust_list_jws(db)
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
            db.table("comuni").upsert({"istat": issuer.istat, "name": issuer.comune})
            item = issuer.to_json()
            db.table("issuer_keys").upsert(
                {k: item[k] for k in ("kid", "istat", "public_key", "valid_from", "valid_until", "status")}
            )
        set_network_value(db, "network_name", trust.network)
    return trust


def revocation_version(db: Database) -> int:
    return int(db.execute("select coalesce(max(version), 0) from revocations").fetchone()[0])


def kiosk_versions(db: Database, merchant_id: int) -> tuple[int, int, list[list[Any]]]:
    """The trust list's and the revocation list's versions and the merchant's published offers (id and
    last change), in one statement: what a till's sync answer is made of, read together without a
    transaction (a statement sees one snapshot on either engine). ``not_initialised`` before the first
    trust list."""
    rows = db.execute(
        "select v.trust, v.revocation, o.id, o.updated_at from (select "
        "(select coalesce(max(version), 0) from trust_lists) as trust, "
        "(select coalesce(max(version), 0) from revocations) as revocation) as v "
        "left join offers o on o.merchant_id = ? and o.status = 'published' order by o.id",
        [merchant_id],
    ).fetchall()
    trust, revocation = _imported(int(rows[0][0])), int(rows[0][1])
    return trust, revocation, [[row[2], row[3]] for row in rows if row[2] is not None]


def revoke_card(db: Database, cti: str, istat: str, revoked_at: int, reason: str) -> bool:
    """Add a card to the revocation list; False when it was already there.

    Revocations are numbered in the order they commit (the lock is held until then), so a till that has
    version N never misses one numbered below N."""
    db.lock("revocation-list")
    if db.execute("select 1 from revocations where cti = ?", [cti]).fetchone():
        return False
    db.table("revocations").insert({"cti": cti, "istat": istat, "revoked_at": revoked_at, "reason": reason})
    return True


def signing_time(now: int, period: int) -> int:
    """The ``issued_at`` of the revocation lists served at ``now``: the start of the current period of
    ``period`` seconds (at least one)."""
    return now - now % max(1, period)


def check_since(since: int, version: int) -> None:
    if since > version:
        raise Conflict(f"since={since} is after the newest version {version}", code="since_ahead")


def revocation_list_jws(
    db: Database, since: int, version: int, signer: Ed25519PrivateKey, issued_at: int, period: int
) -> str:
    """The revocation delta from ``since`` to ``version`` (``since`` 0: the full list), signed as of
    ``issued_at`` (see :func:`signing_time`). The same arguments give the same text; a delta of up to
    ``CACHED_ENTRIES`` entries is signed once per process."""
    check_since(since, version)
    key = (signer.public_key().public_bytes_raw(), since, version, issued_at, period)
    with _signed_lock:
        token = _signed_lists.get(key)
    if token is not None:
        return token
    rows = db["revocations"].rows_where("version > ? and version <= ?", [since, version], order_by="version")
    until = issued_at + max(1, period)
    entries = tuple(entry for row in rows if (entry := _publishable(row, issued_at, until)) is not None)
    token = RevocationList(version, since, issued_at, entries).sign(signer)
    if len(entries) <= CACHED_ENTRIES:
        with _signed_lock:
            if len(_signed_lists) >= 256:
                _signed_lists.clear()
            _signed_lists[key] = token
    return token


def _publishable(row: dict[str, Any], issued_at: int, until: int) -> RevocationEntry | None:
    """The list entry for a stored revocation, whatever was stored: a time out of range (before 1970, or
    after the period the list is served in) is published as the list's ``issued_at`` (the card is revoked
    all the same), an entry that cannot be published is left out and logged, so one bad row never stops
    the lists every till depends on."""
    revoked_at = row["revoked_at"]
    if type(revoked_at) is not int or not 0 <= revoked_at <= until:
        revoked_at = issued_at
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
