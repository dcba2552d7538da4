"""The comune's signing keys and the network's trust list, as the comune office holds them.

A key is made here (encrypted with the passphrase, mode 0600, in ``keys/``) and only its public half
leaves the office, for ``familycard network add-comune --public-key`` or ``network rotate-key
--public-key`` on the network's offline machine. Cards are signed only with a key that the current trust
list names as **active** for the comune: the office takes the trust list from the central service (or a
file), checked against the root public key pinned at ``familycard issuer init``, never an older version.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cardsvc.core import TrustList, Verifier, generate_private_key, kid_for, load_trust_list, raw_public_key
from cardsvc.core.errors import Unavailable
from cardsvc.core.keys import b64url, b64url_decode
from cardsvc.network.keystore import read_private_key, write_private_key
from cardsvc.platform.storage.database import Database
from cardsvc.platform.storage.key_values import KeyValues

_decrypted: dict[Path, Ed25519PrivateKey] = {}
_lock = threading.Lock()


class KeyNotActive(Unavailable, ValueError):
    """No key of this office is active for the comune in the current trust list."""

    code = "key_not_active"


_settings = KeyValues("settings")
setting = _settings.get
put_setting = _settings.put


def pin_root(db: Database, root_public_key: str) -> None:
    Verifier(b64url_decode(root_public_key))  # refuses anything but an Ed25519 key
    held = setting(db, "root_public_key")
    if held is not None and held != root_public_key:
        raise ValueError("this office already trusts another network root key")
    put_setting(db, "root_public_key", root_public_key)


def trust_list(db: Database) -> TrustList | None:
    token, root = setting(db, "trust_list"), setting(db, "root_public_key")
    if token is None or root is None:
        return None
    return load_trust_list(token, Verifier(b64url_decode(root)))


def import_trust_list(db: Database, token: str, etag: str | None = None) -> TrustList:
    """Take a newer trust list signed by the pinned root; raises ``JwsError`` (and keeps the old one).

    ``etag`` is the central service's ETag for ``token``: it is kept with the version then held, and the
    next fetch sends it (:func:`fetched_trust_list`); a list taken from elsewhere forgets it."""
    root = setting(db, "root_public_key")
    if root is None:
        raise ValueError("no root key pinned: run familycard issuer init")
    held = trust_list(db)
    trust = load_trust_list(token, Verifier(b64url_decode(root)), held.version if held else None)
    with db.atomic():
        if held is None or trust.version > held.version:
            put_setting(db, "trust_list", token)
            put_setting(db, "trust_list_etag", "")
        if etag:
            put_setting(db, "trust_list_etag", json.dumps({"etag": etag, "version": trust.version}))
    return trust


def fetched_trust_list(db: Database) -> tuple[str, int] | None:
    """The ETag and version of the trust list held, when it came from the central service."""
    text = setting(db, "trust_list_etag")
    if not text:
        return None
    held = json.loads(text)
    return str(held["etag"]), int(held["version"])


def generate_key(db: Database, instance: Path, istat: str, passphrase: str, now: int) -> tuple[str, bytes]:
    """A new signing key for ``istat``; returns its kid and its public key as PEM, for the network."""
    key = generate_private_key()
    kid = b64url(kid_for(raw_public_key(key)))
    relative = f"keys/issuer-{istat}-{kid}.pem"
    write_private_key(instance / relative, key, passphrase)
    db.table("issuer_keys").insert(
        {"kid": kid, "istat": istat, "file": relative, "status": "local", "created_at": now}
    )
    return kid, public_pem(key)


def public_pem(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def key_statuses(db: Database, istat: str) -> list[dict[str, object]]:
    """This office's keys for ``istat`` with what the current trust list says of each."""
    trust = trust_list(db)
    listed = {b64url(k.kid): k.status for k in trust.issuers} if trust else {}
    rows = db["issuer_keys"].rows_where("istat = ?", [istat], order_by="created_at desc")
    return [{**row, "trust_status": listed.get(row["kid"], "not_listed")} for row in rows]


def signing_key(
    db: Database, instance: Path, istat: str, passphrase: str, now: int
) -> tuple[str, Ed25519PrivateKey]:
    """The key to sign ``istat``'s cards with now: this office's, and active in the trust list."""
    trust = trust_list(db)
    if trust is None:
        raise KeyNotActive("no trust list yet: import it or connect to the central service")
    active = {
        b64url(k.kid) for k in trust.issuers if k.istat == istat and k.status == "active" and k.covers(now)
    }
    for row in db["issuer_keys"].rows_where("istat = ?", [istat], order_by="created_at desc"):
        if row["kid"] in active:
            return row["kid"], _decrypt(instance / row["file"], passphrase)
    raise KeyNotActive(f"no key of this office is active for comune {istat} in trust list v{trust.version}")


def _decrypt(path: Path, passphrase: str) -> Ed25519PrivateKey:
    """Decrypt once per process: the key derivation is slow by design, and batches sign hundreds."""
    with _lock:
        if path not in _decrypted:
            _decrypted[path] = read_private_key(path, passphrase)
        return _decrypted[path]
