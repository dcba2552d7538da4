"""The CWT claims set of an FC1 card (RFC 8392 with a private family-card claim).

Payload map, integer keys:
``1`` iss (text, ISTAT code of the issuing comune), ``6`` iat and ``4`` exp (NumericDate),
``7`` cti (8 random bytes), ``-65537`` the family-card claims ``{1: holder name, 2: minor children}``.
Only these keys are allowed: the card carries the least data that lets a shop apply an offer.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from typing import NamedTuple

import cbor2

CLAIM_ISS = 1
CLAIM_EXP = 4
CLAIM_IAT = 6
CLAIM_CTI = 7
CLAIM_FAMILY = -65537
FAMILY_HOLDER = 1
FAMILY_MINORS = 2

CTI_LENGTH = 8
HOLDER_MAX_BYTES = 24
MAX_MINORS = 255
ISTAT_PATTERN = re.compile(r"[0-9]{6}")
_new_tuple = tuple.__new__
_MAX_NUMERIC_DATE = 2**53


class ClaimsError(ValueError):
    """The claims set is missing a claim, has one of the wrong type, or breaks a limit."""


class CardClaims(NamedTuple):
    """What a card says about its holder; times are NumericDate seconds (UTC).

    Construction does not check; :func:`validate` does, and both issuing and parsing call it.
    """

    issuer: str
    issued_at: int
    expires_at: int
    cti: bytes
    holder: str
    minors: int

    def to_cbor(self) -> bytes:
        """Encode as the CWT payload map."""
        return cbor2.dumps(
            {
                CLAIM_ISS: self.issuer,
                CLAIM_IAT: self.issued_at,
                CLAIM_EXP: self.expires_at,
                CLAIM_CTI: self.cti,
                CLAIM_FAMILY: {FAMILY_HOLDER: self.holder, FAMILY_MINORS: self.minors},
            }
        )


def decode_claims(payload: bytes) -> CardClaims:
    """Claims from the signed payload bytes, refusing any other shape.

    One CBOR item is read; bytes after it are not looked at here, since they are covered by the
    signature like the rest of the payload.
    """
    try:
        item = cbor2.loads(payload)
        family = item[CLAIM_FAMILY]
        values = (
            item[CLAIM_ISS],
            item[CLAIM_IAT],
            item[CLAIM_EXP],
            item[CLAIM_CTI],
            family[FAMILY_HOLDER],
            family[FAMILY_MINORS],
        )
    except Exception:  # not CBOR, not a map, or a claim missing: cbor2 and indexing raise many types
        raise ClaimsError("payload is not the FC1 claims map") from None
    # Every key was found above, so equal sizes mean no other key is present.
    if type(item) is not dict or len(item) != 5 or type(family) is not dict or len(family) != 2:
        raise ClaimsError("payload is not the FC1 claims map")
    claims: CardClaims = _new_tuple(CardClaims, values)
    validate(claims)
    return claims


def validate(claims: CardClaims) -> None:
    """Raise :class:`ClaimsError` unless every claim has its type and is within its limits."""
    issuer, issued_at, expires_at, cti, holder, minors = claims
    if type(issuer) is not str or len(issuer) != 6 or not (issuer.isascii() and issuer.isdigit()):
        raise ClaimsError("iss is not a six-digit ISTAT code")
    if type(issued_at) is not int or not 0 <= issued_at < _MAX_NUMERIC_DATE:
        raise ClaimsError("iat is not a NumericDate")
    if type(expires_at) is not int or not issued_at < expires_at < _MAX_NUMERIC_DATE:
        raise ClaimsError("exp is not a NumericDate after iat")
    if type(cti) is not bytes or len(cti) != CTI_LENGTH:
        raise ClaimsError("cti is not 8 bytes")
    if type(holder) is not str or not holder.isprintable() or holder.isspace() or not holder:
        raise ClaimsError("holder name is empty or has control characters")
    try:
        holder_bytes = len(holder.encode("utf-8"))
    except UnicodeEncodeError:
        raise ClaimsError("holder name is not valid Unicode text") from None
    if holder_bytes > HOLDER_MAX_BYTES:
        raise ClaimsError(f"holder name is longer than {HOLDER_MAX_BYTES} UTF-8 bytes")
    if type(minors) is not int or not 0 <= minors <= MAX_MINORS:
        raise ClaimsError(f"minors is not an integer from 0 to {MAX_MINORS}")


def new_cti() -> bytes:
    """A fresh random card identifier."""
    return secrets.token_bytes(CTI_LENGTH)


def shorten_holder_name(name: str, limit: int = HOLDER_MAX_BYTES) -> str:
    """The holder name as it fits on the card: NFC, single spaces, cut on a character boundary.

    A name that needs cutting keeps whole words where it can and otherwise the longest prefix that fits.
    """
    clean = " ".join(unicodedata.normalize("NFC", name).split())
    if len(clean.encode("utf-8")) <= limit:
        return clean
    words = clean.split(" ")
    kept = ""
    for word in words:
        candidate = f"{kept} {word}" if kept else word
        if len(candidate.encode("utf-8")) > limit:
            break
        kept = candidate
    if len(kept) >= len(words[0]) and kept:
        return kept
    cut = clean.encode("utf-8")[:limit]
    return cut.decode("utf-8", "ignore").rstrip()
