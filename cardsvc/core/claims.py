"""The CWT claims set of an FC1 card (RFC 8392 with a private family-card claim).

Payload map, integer keys:
``1`` iss (text, ISTAT code of the issuing comune), ``6`` iat and ``4`` exp (NumericDate),
``7`` cti (8 random bytes), ``-65537`` the family-card claims ``{1: holder name, 2: minor children}``.
Only these keys are allowed: the card carries the least data that lets a shop apply an offer.
"""

from __future__ import annotations

import re
import secrets
import struct
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


# The claims map as ``CardClaims.to_cbor`` lays it out, up to the holder name, read in one C call:
# a5 01 66 <iss: 6> | 06 1a <iat: u32> | 04 1a <exp: u32> | 07 48 <cti: 8> | 3a 00 01 00 00 a2 01
# then the holder's text head and bytes, 02, and minors.
_ISSUER_LAYOUT = struct.Struct(">3s6s2sI2sI2s8s7s")
_FIXED_PARTS = (b"\xa5\x01\x66", b"\x06\x1a", b"\x04\x1a", b"\x07\x48", b"\x3a\x00\x01\x00\x00\xa2\x01")


def decode_claims(payload: bytes) -> CardClaims:
    """Claims from the signed payload bytes, refusing any other shape.

    The layout the issuer writes is read with one ``struct`` call and a few slices, a third of the cost
    of a general CBOR decode on the till's hot path; any other encoding of a map goes through cbor2 and
    gives the same claims. Bytes after the map are not looked at here: the signature covers them.
    """
    if len(payload) < 42:
        return _decode_any_layout(payload)
    head0, issuer_bytes, head1, issued_at, head2, expires_at, head3, cti, head4 = _ISSUER_LAYOUT.unpack_from(
        payload
    )
    if (head0, head1, head2, head3, head4) != _FIXED_PARTS:
        return _decode_any_layout(payload)
    head = payload[38]
    if 0x60 < head < 0x78:
        end = 39 + head - 0x60
        holder_bytes = payload[39:end]
    elif head == 0x78 and payload[39] == HOLDER_MAX_BYTES:
        end = 40 + HOLDER_MAX_BYTES
        holder_bytes = payload[40:end]
    else:
        return _decode_any_layout(payload)
    tail = payload[end:]
    if len(tail) == 2 and tail[0] == 0x02 and tail[1] < 0x18:
        minors = tail[1]
    elif len(tail) == 3 and tail[0] == 0x02 and tail[1] == 0x18 and tail[2] >= 0x18:
        minors = tail[2]
    else:
        return _decode_any_layout(payload)
    try:
        issuer = issuer_bytes.decode("ascii")
        holder = holder_bytes.decode("utf-8")
    except UnicodeDecodeError:
        return _decode_any_layout(payload)
    if not (issuer.isdigit() and issued_at < expires_at and holder.isprintable()) or holder.isspace():
        return _decode_any_layout(payload)  # which names the fault
    claims: CardClaims = _new_tuple(CardClaims, (issuer, issued_at, expires_at, cti, holder, minors))
    return claims


def _decode_any_layout(payload: bytes) -> CardClaims:
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
