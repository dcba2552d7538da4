"""Rebuild the FC1 test vectors: ``python tests/vectors/generate.py`` writes ``fc1-vectors.json``.

Everything is fixed (key seeds, times, card identifiers) and Ed25519 signatures are deterministic, so
the output is the same byte for byte on every run; ``tests/unit/test_vectors.py`` checks that.
A third-party verifier can use the file as it is: the root public key verifies the trust list, the
trust list's list-signing key verifies the revocation list, and each card has its expected verdict at
``now``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from cardsvc.core import (
    CardClaims,
    IssuerKey,
    RevocationEntry,
    RevocationList,
    TrustList,
    base32,
    format_card_number,
    from_rfc3339,
    issue_card,
    raw_public_key,
)
from cardsvc.core.cose_sign1 import encode_sign1, protected_header, sig_structure
from cardsvc.core.credential import PREFIX, cose_bytes
from cardsvc.core.keys import b64url, kid_for, private_key_from_seed

OUTPUT = Path(__file__).with_name("fc1-vectors.json")
NOW = from_rfc3339("2026-11-24T12:00:00Z")
KEYS_FROM = from_rfc3339("2026-01-01T00:00:00Z")
ISSUED = from_rfc3339("2026-11-01T09:30:00Z")
EXPIRES = from_rfc3339("2027-11-01T23:00:00Z")


def seed(label: str) -> bytes:
    return hashlib.sha256(f"familycard test vector key: {label}".encode()).digest()


def cti(label: str) -> bytes:
    return hashlib.sha256(f"familycard test vector cti: {label}".encode()).digest()[:8]


KEY_LABELS = ("root", "list-signing", "seveso", "brugherio-old", "brugherio", "muggio", "stranger")
KEYS = {label: private_key_from_seed(seed(label)) for label in KEY_LABELS}


def trust_list() -> TrustList:
    def issuer(label: str, istat: str, comune: str, status: str, until: int | None) -> IssuerKey:
        return IssuerKey(istat, comune, raw_public_key(KEYS[label]), KEYS_FROM, until, status)

    retired_at = from_rfc3339("2026-06-01T00:00:00Z")
    return TrustList(
        network="Rete dei Comuni amici della Famiglia",
        version=3,
        issued_at=from_rfc3339("2026-11-20T08:00:00Z"),
        list_signing_key=raw_public_key(KEYS["list-signing"]),
        issuers=(
            issuer("seveso", "108040", "Seveso", "active", None),
            issuer("brugherio-old", "108012", "Brugherio", "retired", retired_at),
            issuer("brugherio", "108012", "Brugherio", "active", None),
            issuer("muggio", "108034", "Muggiò", "revoked", from_rfc3339("2026-10-01T00:00:00Z")),
        ),
    )


def revocation_list() -> RevocationList:
    return RevocationList(
        version=5,
        since=0,
        issued_at=from_rfc3339("2026-11-24T06:00:00Z"),
        entries=(
            RevocationEntry(cti("revoked"), from_rfc3339("2026-11-10T10:00:00Z"), "lost"),
            RevocationEntry(cti("other-revoked"), from_rfc3339("2026-11-11T10:00:00Z"), "moved"),
        ),
    )


def card(label: str, key: str = "seveso", **changes: Any) -> str:
    values: dict[str, Any] = {
        "issuer": "108040",
        "issued_at": ISSUED,
        "expires_at": EXPIRES,
        "cti": cti(label),
        "holder": "GIULIA BRAMBILLA",
        "minors": 2,
    }
    values.update(changes)
    return issue_card(CardClaims(**values), KEYS[key])


def wrong_algorithm_card() -> str:
    """Well formed, signed with the Seveso key, but the header names ES256 (-7)."""
    key = KEYS["seveso"]
    protected = protected_header(kid_for(raw_public_key(key)), alg=-7)
    claims = CardClaims("108040", ISSUED, EXPIRES, cti("wrong-alg"), "GIULIA BRAMBILLA", 2)
    payload = claims.to_cbor()
    signature = key.sign(sig_structure(protected, payload))
    return PREFIX + base32.encode(encode_sign1(protected, payload, signature))


def with_flipped_signature(text: str) -> str:
    data = bytearray(cose_bytes(text))
    data[-1] ^= 0x01
    return PREFIX + base32.encode(bytes(data))


def build() -> dict[str, Any]:
    valid = card("valid")
    longest = card("longest-name", holder="MARIA ÀÈÌÒÙ DELL'AC", minors=255)
    cases: list[tuple[str, str, str]] = [
        ("valid", valid, "ACCEPTED"),
        ("lower case (Caps Lock on the till)", valid.lower(), "ACCEPTED"),
        ("surrounding white space and line end", f"  {valid}\r\n", "ACCEPTED"),
        ("longest holder name, 24 UTF-8 bytes", longest, "ACCEPTED"),
        (
            "retired key, card issued while it was active",
            card(
                "retired-key",
                key="brugherio-old",
                issuer="108012",
                issued_at=from_rfc3339("2026-03-01T10:00:00Z"),
            ),
            "ACCEPTED",
        ),
        ("wrong prefix", "FC2" + valid[3:], "MALFORMED"),
        ("symbol in the text", valid[:40] + ":" + valid[41:], "MALFORMED"),
        ("truncated", valid[:-5], "MALFORMED"),
        ("trailing garbage", valid + "AAAAAAAA", "MALFORMED"),
        ("longer than 1024 characters", "FC1" + "A" * 1024, "MALFORMED"),
        ("empty", "", "MALFORMED"),
        ("wrong algorithm", wrong_algorithm_card(), "UNSUPPORTED_ALGORITHM"),
        ("unknown kid", card("stranger", key="stranger"), "UNKNOWN_ISSUER"),
        ("issuer key revoked", card("muggio", key="muggio", issuer="108034"), "ISSUER_KEY_REVOKED"),
        ("bad signature", with_flipped_signature(valid), "BAD_SIGNATURE"),
        ("iss is another comune", card("iss-mismatch", issuer="108012"), "ISSUER_MISMATCH"),
        (
            "issued after the key was retired",
            card("after-retirement", key="brugherio-old", issuer="108012"),
            "ISSUER_MISMATCH",
        ),
        ("issued before the key's validity", card("before-key", issued_at=KEYS_FROM - 1), "ISSUER_MISMATCH"),
        ("not yet valid", card("future", issued_at=NOW + 6 * 60), "NOT_YET_VALID"),
        ("expired", card("expired", expires_at=NOW - 1), "EXPIRED"),
        ("revoked", card("revoked"), "REVOKED"),
    ]
    return {
        "description": "FC1 Family Card test vectors; see docs/card-format.md",
        "now": "2026-11-24T12:00:00Z",
        "keys": {
            label: {
                "seed_hex": seed(label).hex(),
                "public_key": b64url(raw_public_key(KEYS[label])),
                "kid": b64url(kid_for(raw_public_key(KEYS[label]))),
            }
            for label in KEY_LABELS
        },
        "root_public_key": b64url(raw_public_key(KEYS["root"])),
        "trust_list": trust_list().sign(KEYS["root"]),
        "revocation_list": revocation_list().sign(KEYS["list-signing"]),
        "valid_card": {
            "qr": valid,
            "card_number": format_card_number(cti("valid")),
            "cose_hex": cose_bytes(valid).hex(),
            "claims": {
                "iss": "108040",
                "iat": ISSUED,
                "exp": EXPIRES,
                "cti_hex": cti("valid").hex(),
                "holder": "GIULIA BRAMBILLA",
                "minors": 2,
            },
        },
        "cards": [{"name": n, "qr": q, "verdict": v} for n, q, v in cases],
    }


def render() -> str:
    return json.dumps(build(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    OUTPUT.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {OUTPUT}\n")
