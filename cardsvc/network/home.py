"""A network kept in a folder: the offline machine that holds the root key (``familycard network``).

Layout of ``HOME``::

    network.json          state: comuni, issuer keys, revocations, and the current signed lists
    trust-list.jws        copy of the current signed trust list, for publication
    revocation-list.jws   copy of the current full revocation list
    keys/*.pem            private keys, encrypted with the passphrase, mode 0600
    cards/*.png           QR images of cards issued from here

Every change builds the new state and signs the new lists in memory, writes any new key file, then
replaces ``network.json`` atomically: an interrupted command leaves the previous state whole.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cardsvc.core import (
    CardClaims,
    IssuerKey,
    RevocationEntry,
    RevocationList,
    RevocationState,
    TrustList,
    Verdict,
    format_card_number,
    generate_private_key,
    issue_card,
    load_revocation_list,
    load_trust_list,
    new_cti,
    qr_png,
    qr_version,
    raw_public_key,
    verify_card,
)
from cardsvc.core.claims import ISTAT_PATTERN, validate
from cardsvc.core.keys import Verifier, b64url, b64url_decode, kid_for
from cardsvc.core.timestamps import from_rfc3339, to_rfc3339
from cardsvc.core.verifier import AUTHORITATIVE_POLICY
from cardsvc.network.keystore import KeyFileError, read_private_key, write_file_atomically, write_private_key
from cardsvc.platform.errors import InvalidInput
from cardsvc.platform.rome_calendar import default_expiry

STATE_FILE = "network.json"
STATE_FORMAT = "familycard-network-home/1"


class NetworkHomeError(InvalidInput, ValueError):
    """The network folder cannot do what was asked; the message says why."""

    code = "network_home"


@dataclass(frozen=True)
class IssuedCard:
    text: str
    claims: CardClaims
    card_number: str
    qr_version: int
    png: Path

    def to_json(self) -> dict[str, Any]:
        return {
            "qr": self.text,
            "card_number": self.card_number,
            "cti": b64url(self.claims.cti),
            "qr_version": self.qr_version,
            "png": str(self.png),
            "istat": self.claims.issuer,
            "holder": self.claims.holder,
            "minors": self.claims.minors,
            "issued_at": to_rfc3339(self.claims.issued_at),
            "expires_at": to_rfc3339(self.claims.expires_at),
        }


class NetworkHome:
    """The network state in a folder, with the operations of ``familycard network`` and ``card``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        state_path = path / STATE_FILE
        if not state_path.exists():
            raise NetworkHomeError(f"{path} is not a network folder (run: familycard network init)")
        try:
            self.state: dict[str, Any] = json.loads(state_path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise NetworkHomeError(f"cannot read {state_path}: {exc}") from None
        if self.state.get("format") != STATE_FORMAT:
            raise NetworkHomeError(f"{state_path} is not a network state file of this version")

    # -- creation -------------------------------------------------------------------------------

    @classmethod
    def init(cls, path: Path, name: str, passphrase: str, now: int) -> NetworkHome:
        """Create a network: root key, list-signing key, empty signed trust and revocation lists."""
        if not name.strip():
            raise NetworkHomeError("the network needs a name")
        if (path / STATE_FILE).exists():
            raise NetworkHomeError(f"{path} already holds a network")
        root, list_signer = generate_private_key(), generate_private_key()
        state = {
            "format": STATE_FORMAT,
            "name": name.strip(),
            "root_public_key": b64url(raw_public_key(root)),
            "list_signing_public_key": b64url(raw_public_key(list_signer)),
            "comuni": {},
            "issuer_keys": [],
            "trust_list_version": 0,
            "revocation_version": 0,
            "revocations": [],
        }
        new_keys = {"root.pem": root, "list-signing.pem": list_signer}
        home = cls._create(path, state, new_keys, passphrase)
        home._commit(home._resign_trust_list(root, now), home._resign_revocations(list_signer, now))
        return home

    @classmethod
    def _create(
        cls, path: Path, state: dict[str, Any], keys: dict[str, Ed25519PrivateKey], passphrase: str
    ) -> NetworkHome:
        (path / "keys").mkdir(parents=True, exist_ok=True)
        os.chmod(path / "keys", 0o700)
        written = []
        try:
            for file_name, key in keys.items():
                write_private_key(path / "keys" / file_name, key, passphrase)
                written.append(path / "keys" / file_name)
            write_file_atomically(path / STATE_FILE, json.dumps(state, indent=2).encode())
        except BaseException:
            for file in written:
                file.unlink(missing_ok=True)
            raise
        return cls(path)

    # -- reading --------------------------------------------------------------------------------

    @property
    def root_public_key(self) -> bytes:
        return b64url_decode(self.state["root_public_key"])

    def trust_list(self) -> TrustList:
        """The current trust list, verified against the root public key."""
        return load_trust_list(self.state["trust_list"], Verifier(self.root_public_key))

    def revocation_state(self) -> RevocationState:
        held = RevocationState()
        held.apply(load_revocation_list(self.state["revocation_list"], self.trust_list()))
        return held

    def issuer_keys(self) -> list[IssuerKey]:
        return [self._issuer_key(record) for record in self.state["issuer_keys"]]

    def show(self) -> dict[str, Any]:
        trust = self.trust_list()
        return {
            "name": self.state["name"],
            "root_public_key": self.state["root_public_key"],
            "root_kid": b64url(kid_for(self.root_public_key)),
            "list_signing_public_key": self.state["list_signing_public_key"],
            "list_signing_kid": b64url(trust.list_signing_key.kid),
            "issuers": [
                {**key.to_json(), "private_key_here": record["key_file"] is not None}
                for key, record in zip(self.issuer_keys(), self.state["issuer_keys"], strict=True)
            ],
            "trust_list_version": trust.version,
            "revocation_list_version": self.state["revocation_version"],
            "revoked_cards": len(self.state["revocations"]),
            "trust_list": self.state["trust_list"],
            "revocation_list": self.state["revocation_list"],
        }

    def verify(self, text: str, now: int) -> Verdict:
        """Verify against this folder's own lists, which are current by definition (no age limits)."""
        return verify_card(text, self.trust_list(), self.revocation_state(), now, policy=AUTHORITATIVE_POLICY)

    # -- changes --------------------------------------------------------------------------------

    def add_comune(
        self, istat: str, name: str, passphrase: str, now: int, public_key: bytes | None = None
    ) -> IssuerKey:
        """Add a comune with a new issuer key (or one imported from its office) and re-sign."""
        if not ISTAT_PATTERN.fullmatch(istat):
            raise NetworkHomeError(f"ISTAT code must be six digits, not {istat!r}")
        if not name.strip():
            raise NetworkHomeError("the comune needs a name")
        if istat in self.state["comuni"]:
            raise NetworkHomeError(f"comune {istat} is already in the network (use rotate-key)")
        root = self._key("root.pem", passphrase)
        self.state["comuni"][istat] = name.strip()
        record, new_key = self._new_issuer_record(istat, now, public_key)
        self.state["issuer_keys"].append(record)
        self._commit(self._resign_trust_list(root, now), new_keys=new_key, passphrase=passphrase)
        return self._issuer_key(record)

    def rotate_key(self, istat: str, passphrase: str, now: int, public_key: bytes | None = None) -> IssuerKey:
        """Retire the comune's active key (its cards stay valid) and give it a new one (or one imported
        from its office)."""
        if istat not in self.state["comuni"]:
            raise NetworkHomeError(f"comune {istat} is not in the network")
        root = self._key("root.pem", passphrase)
        for record in self.state["issuer_keys"]:
            if record["istat"] == istat and record["status"] == "active":
                record["status"] = "retired"
                record["valid_until"] = to_rfc3339(now)
        record, new_key = self._new_issuer_record(istat, now, public_key)
        self.state["issuer_keys"].append(record)
        self._commit(self._resign_trust_list(root, now), new_keys=new_key, passphrase=passphrase)
        return self._issuer_key(record)

    def revoke_key(self, kid: str, passphrase: str, now: int) -> IssuerKey:
        """Mark a compromised issuer key revoked: every card it signed becomes invalid."""
        matches = [r for r in self.state["issuer_keys"] if r["kid"] == kid]
        if not matches:
            raise NetworkHomeError(f"no issuer key with kid {kid}")
        root = self._key("root.pem", passphrase)
        record = matches[0]
        record["status"] = "revoked"
        if record["valid_until"] is None:
            record["valid_until"] = to_rfc3339(now)
        self._commit(self._resign_trust_list(root, now))
        return self._issuer_key(record)

    def sign_trust_list(self, passphrase: str, now: int) -> str:
        """Re-sign the current trust list with a new version and issue time, for publication."""
        root = self._key("root.pem", passphrase)
        self._commit(self._resign_trust_list(root, now))
        return str(self.state["trust_list"])

    def issue_card(
        self,
        istat: str,
        holder: str,
        minors: int,
        passphrase: str,
        now: int,
        expires_at: int | None = None,
        png: Path | None = None,
    ) -> IssuedCard:
        """Sign a card with the comune's active key and write its QR image."""
        active = [r for r in self.state["issuer_keys"] if r["istat"] == istat and r["status"] == "active"]
        if not active:
            raise NetworkHomeError(f"comune {istat} has no active issuer key in the trust list")
        record = active[0]
        if record["key_file"] is None:
            raise NetworkHomeError(
                f"the key of comune {istat} was imported: its private key is with the comune office"
            )
        claims = CardClaims(istat, now, expires_at or default_expiry(now), new_cti(), holder, minors)
        validate(claims)
        key = read_private_key(self.path / record["key_file"], passphrase)
        text = issue_card(claims, key)
        number = format_card_number(claims.cti)
        target = png or self.path / "cards" / f"{number}.png"
        write_file_atomically(target, qr_png(text))
        return IssuedCard(text, claims, number, qr_version(text), target)

    def revoke_card(self, cti: bytes, reason: str, passphrase: str, now: int) -> RevocationEntry:
        """Add a card to the revocation list and re-sign it."""
        entry = RevocationEntry(cti, now, reason)
        if any(b64url_decode(r["cti"]) == cti for r in self.state["revocations"]):
            raise NetworkHomeError(f"card {format_card_number(cti)} is already revoked")
        list_signer = self._key("list-signing.pem", passphrase)
        self.state["revocation_version"] += 1
        self.state["revocations"].append({**entry.to_json(), "version": self.state["revocation_version"]})
        self._commit(revocation_list=self._resign_revocations(list_signer, now))
        return entry

    # -- internals ------------------------------------------------------------------------------

    def _key(self, file_name: str, passphrase: str) -> Ed25519PrivateKey:
        return read_private_key(self.path / "keys" / file_name, passphrase)

    def _new_issuer_record(
        self, istat: str, now: int, public_key: bytes | None
    ) -> tuple[dict[str, Any], dict[str, Ed25519PrivateKey]]:
        new_keys: dict[str, Ed25519PrivateKey] = {}
        if public_key is None:
            private = generate_private_key()
            public_key = raw_public_key(private)
            key_file = f"issuer-{istat}-{b64url(kid_for(public_key))}.pem"
            new_keys[key_file] = private
        else:
            key_file = None
        kid = b64url(kid_for(public_key))
        if any(r["kid"] == kid for r in self.state["issuer_keys"]):
            raise NetworkHomeError("that public key is already in the trust list")
        record = {
            "kid": kid,
            "istat": istat,
            "public_key": b64url(public_key),
            "valid_from": to_rfc3339(now),
            "valid_until": None,
            "status": "active",
            "key_file": None if key_file is None else f"keys/{key_file}",
        }
        return record, new_keys

    def _issuer_key(self, record: dict[str, Any]) -> IssuerKey:
        until = record["valid_until"]
        return IssuerKey(
            istat=record["istat"],
            comune=self.state["comuni"][record["istat"]],
            public_key=b64url_decode(record["public_key"]),
            valid_from=from_rfc3339(record["valid_from"]),
            valid_until=None if until is None else from_rfc3339(until),
            status=record["status"],
        )

    def _resign_trust_list(self, root: Ed25519PrivateKey, now: int) -> str:
        if b64url(raw_public_key(root)) != self.state["root_public_key"]:
            raise NetworkHomeError("keys/root.pem does not match the network's root public key")
        self.state["trust_list_version"] += 1
        trust = TrustList(
            network=self.state["name"],
            version=self.state["trust_list_version"],
            issued_at=now,
            list_signing_key=b64url_decode(self.state["list_signing_public_key"]),
            issuers=tuple(self.issuer_keys()),
        )
        return trust.sign(root)

    def _resign_revocations(self, list_signer: Ed25519PrivateKey, now: int) -> str:
        entries = tuple(RevocationEntry.from_json(r) for r in self.state["revocations"])
        full = RevocationList(self.state["revocation_version"], 0, now, entries)
        return full.sign(list_signer)

    def _commit(
        self,
        trust_list: str | None = None,
        revocation_list: str | None = None,
        new_keys: dict[str, Ed25519PrivateKey] | None = None,
        passphrase: str = "",
    ) -> None:
        """Write new key files, then the state with its signed lists in one atomic replace."""
        if trust_list is not None:
            self.state["trust_list"] = trust_list
        if revocation_list is not None:
            self.state["revocation_list"] = revocation_list
        written: list[Path] = []
        try:
            for file_name, key in (new_keys or {}).items():
                target = self.path / "keys" / file_name
                write_private_key(target, key, passphrase)
                written.append(target)
            write_file_atomically(self.path / STATE_FILE, json.dumps(self.state, indent=2).encode())
        except BaseException:
            for file in written:
                file.unlink(missing_ok=True)
            raise
        write_file_atomically(self.path / "trust-list.jws", self.state["trust_list"].encode())
        write_file_atomically(self.path / "revocation-list.jws", self.state["revocation_list"].encode())


__all__ = ["IssuedCard", "KeyFileError", "NetworkHome", "NetworkHomeError"]
