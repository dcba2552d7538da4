"""JWS compact serialisation with EdDSA (RFC 7515, RFC 8037) for the network's signed lists.

Header ``{"alg": "EdDSA", "kid": <base64url kid>, "typ": <list type>}``; payload canonical JSON
(sorted keys, no insignificant white space, UTF-8). Verification names the key it expects by kid and
the type it expects, so a revocation list can never pass for a trust list or the reverse.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .keys import Verifier, b64url, b64url_decode, kid_for, raw_public_key

MAX_JWS_LENGTH = 64 * 1024 * 1024


class JwsError(ValueError):
    """A signed list was refused; ``code`` says why in a stable, machine-readable word."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class JwsParts:
    header: dict[str, Any]
    payload: dict[str, Any]


def canonical_json(value: object) -> bytes:
    """Canonical JSON bytes: sorted keys, compact separators, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(payload: dict[str, Any], private_key: Ed25519PrivateKey, typ: str) -> str:
    """Sign ``payload`` as a compact JWS."""
    kid = kid_for(raw_public_key(private_key))
    header = {"alg": "EdDSA", "kid": b64url(kid), "typ": typ}
    signing_input = b64url(canonical_json(header)) + "." + b64url(canonical_json(payload))
    signature = private_key.sign(signing_input.encode("ascii"))
    return signing_input + "." + b64url(signature)


def peek_header(token: str) -> dict[str, Any]:
    """The unverified header of a compact JWS (to choose the key); raises :class:`JwsError`."""
    header, _, _ = _split(token)
    return _json_object(header, "header")


def verify(token: str, key: Verifier, typ: str) -> JwsParts:
    """Check a compact JWS against ``key`` and ``typ``; return its header and payload."""
    header_b64, payload_b64, signature_b64 = _split(token)
    header = _json_object(header_b64, "header")
    if header.get("alg") != "EdDSA":
        raise JwsError("unsupported_algorithm", "the list is not signed with EdDSA")
    if header.get("typ") != typ:
        raise JwsError("wrong_type", f"expected a {typ}, got {header.get('typ')!r}")
    if header.get("kid") != b64url(key.kid):
        raise JwsError("unknown_kid", "the list is signed by a key this client does not trust")
    try:
        signature = b64url_decode(signature_b64)
    except ValueError:
        raise JwsError("malformed", "the signature is not base64url") from None
    if not key.is_valid(signature, f"{header_b64}.{payload_b64}".encode("ascii")):
        raise JwsError("bad_signature", "the list's signature does not check")
    return JwsParts(header=header, payload=_json_object(payload_b64, "payload"))


def _split(token: str) -> tuple[str, str, str]:
    if not isinstance(token, str):
        raise JwsError("malformed", "a signed list is text")
    token = token.strip()
    if len(token) > MAX_JWS_LENGTH:
        raise JwsError("malformed", "the signed list is too large")
    if not token.isascii():
        raise JwsError("malformed", "a compact JWS is ASCII")
    parts = token.split(".")
    if len(parts) != 3:
        raise JwsError("malformed", "a compact JWS has three parts")
    return parts[0], parts[1], parts[2]


def _json_object(part: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(b64url_decode(part))
    except (ValueError, UnicodeDecodeError):
        raise JwsError("malformed", f"the JWS {what} is not base64url JSON") from None
    if not isinstance(value, dict):
        raise JwsError("malformed", f"the JWS {what} is not a JSON object")
    return value
