"""The FC1 credential: claims signed as COSE_Sign1, carried as letters and digits in a QR code.

``FC1`` + Base32 (RFC 4648, upper case, no padding) of a tagged COSE_Sign1 (see ``cose_sign1``) whose
payload is the claims map of ``claims``. No symbols appear in the text, because USB scanners that type
into the till under an Italian keyboard layout change ``:`` ``/`` ``*`` ``%``. Readers accept lower case
and ignore surrounding white space, and refuse more than 1,024 characters before any parsing.
"""

from __future__ import annotations

from typing import NamedTuple

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from . import base32
from .claims import CardClaims, ClaimsError, decode_claims, validate
from .cose_sign1 import (
    CoseStructureError,
    Sign1,
    decode_sign1,
    encode_sign1,
    protected_header,
    sig_structure,
)
from .keys import kid_for, raw_public_key

PREFIX = "FC1"
MAX_TEXT_LENGTH = 1024
_PREFIXES = frozenset({"FC1", "Fc1", "fC1", "fc1"})


class CredentialFormatError(ValueError):
    """The text is not an FC1 credential (prefix, Base32, CBOR or COSE structure)."""


class ParsedCredential(NamedTuple):
    """An FC1 credential taken apart but not yet trusted: the signature is unchecked."""

    sign1: Sign1
    claims: CardClaims


def issue_card(claims: CardClaims, private_key: Ed25519PrivateKey) -> str:
    """Sign ``claims`` with the issuer's key and return the QR text; raises ``ClaimsError``."""
    validate(claims)
    protected = protected_header(kid_for(raw_public_key(private_key)))
    payload = claims.to_cbor()
    signature = private_key.sign(sig_structure(protected, payload))
    return PREFIX + base32.encode(encode_sign1(protected, payload, signature))


def normalize_text(text: str) -> str:
    """Strip surrounding white space and fold to upper case, as a scanner may type either."""
    return text.strip().upper()


def cose_bytes(text: str) -> bytes:
    """The COSE_Sign1 bytes inside an FC1 text; raises :class:`CredentialFormatError`."""
    if type(text) is not str or len(text) > MAX_TEXT_LENGTH:
        raise CredentialFormatError(f"not text of at most {MAX_TEXT_LENGTH} characters")
    text = text.strip()
    if text[:3].upper() != PREFIX:
        raise CredentialFormatError("missing the FC1 prefix")
    try:
        return base32.decode(text[3:])
    except base32.Base32Error as exc:
        raise CredentialFormatError(str(exc)) from None


def decode_text(text: str) -> Sign1:
    """The COSE_Sign1 inside an FC1 text (the verifier's first step, in one call).

    Raises :class:`CredentialFormatError`, ``CoseStructureError`` or ``UnsupportedAlgorithm``.
    """
    if type(text) is not str or len(text) > MAX_TEXT_LENGTH:
        raise CredentialFormatError(f"not text of at most {MAX_TEXT_LENGTH} characters")
    text = text.strip()
    if text[:3] not in _PREFIXES:
        raise CredentialFormatError("missing the FC1 prefix")
    try:
        data = base32.decode(text[3:])
    except base32.Base32Error as exc:
        raise CredentialFormatError(str(exc)) from None
    return decode_sign1(data)


def parse_credential(text: str) -> ParsedCredential:
    """Take an FC1 text apart into its COSE structure and claims, without checking the signature.

    Raises :class:`CredentialFormatError`, or ``cose_sign1.UnsupportedAlgorithm`` when the structure is
    sound but the algorithm is not EdDSA.
    """
    data = cose_bytes(text)
    try:
        sign1 = decode_sign1(data)
        claims = decode_claims(sign1.payload)
    except (CoseStructureError, ClaimsError) as exc:
        raise CredentialFormatError(str(exc)) from None
    return ParsedCredential(sign1=sign1, claims=claims)
