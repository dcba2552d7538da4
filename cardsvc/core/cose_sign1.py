"""Tagged COSE_Sign1 (RFC 9052, CBOR tag 18) with EdDSA, as FC1 uses it.

Layout: ``18([protected: bstr, unprotected: {}, payload: bstr, signature: bstr .size 64])``, where the
protected header is the CBOR map ``{1: -8, 4: kid}``. The signature covers the Sig_structure
``["Signature1", protected, h'', payload]``; its encoding is assembled here from the two byte strings
rather than through a general CBOR encoder, since it is on the verifier's hot path.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import NamedTuple

import cbor2

COSE_SIGN1_TAG = 18
HEADER_ALG = 1
HEADER_KID = 4
ALG_EDDSA = -8
KID_LENGTH = 8
SIGNATURE_LENGTH = 64


class CoseStructureError(ValueError):
    """The bytes are not a COSE_Sign1 of the shape FC1 requires."""


class UnsupportedAlgorithm(ValueError):
    """The protected header names an algorithm other than EdDSA."""


class Sign1(NamedTuple):
    """A parsed COSE_Sign1: the kid, the payload, and what to verify.

    ``signed_message`` is the signature followed by the Sig_structure: the combined form that
    libsodium's ``crypto_sign_open`` checks, built once from slices of the input.
    """

    kid: bytes
    payload: bytes
    signed_message: bytes

    @property
    def signature(self) -> bytes:
        return self.signed_message[:SIGNATURE_LENGTH]

    @property
    def to_be_signed(self) -> bytes:
        """The Sig_structure bytes the signature covers."""
        return self.signed_message[SIGNATURE_LENGTH:]


def _bstr_head(length: int) -> bytes:
    """CBOR head of a byte string of ``length`` bytes (major type 2)."""
    if length < 24:
        return bytes((0x40 | length,))
    if length < 0x100:
        return bytes((0x58, length))
    if length < 0x10000:
        return b"\x59" + length.to_bytes(2, "big")
    return b"\x5a" + length.to_bytes(4, "big")


# The protected header {1: -8, 4: h'<8 bytes>'} in its canonical encoding, less the kid.
_EDDSA_HEADER_PREFIX = b"\xa2\x01\x27\x04\x48"
# array(4), text(10) "Signature1"
_SIG_STRUCTURE_PREFIX = b"\x84\x6aSignature1"
_EMPTY_BSTR = b"\x40"


def sig_structure(protected: bytes, payload: bytes) -> bytes:
    """Encode ``["Signature1", protected, h'', payload]`` as CBOR."""
    return b"".join(
        (
            _SIG_STRUCTURE_PREFIX,
            _bstr_head(len(protected)),
            protected,
            _EMPTY_BSTR,
            _bstr_head(len(payload)),
            payload,
        )
    )


def protected_header(kid: bytes, alg: int = ALG_EDDSA) -> bytes:
    """The encoded protected header ``{1: alg, 4: kid}``."""
    return cbor2.dumps({HEADER_ALG: alg, HEADER_KID: kid})


def encode_sign1(protected: bytes, payload: bytes, signature: bytes) -> bytes:
    """Encode a tagged COSE_Sign1 with an empty unprotected header."""
    return cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature]))


def loads_exact(data: bytes) -> object:
    """Decode exactly one CBOR item that spans all of ``data``."""
    stream = io.BytesIO(data)
    try:
        item = cbor2.CBORDecoder(stream).decode()
    except Exception as exc:  # cbor2 raises several types on hostile input
        raise CoseStructureError(f"not CBOR: {exc.__class__.__name__}") from None
    if stream.tell() != len(data):
        raise CoseStructureError("trailing bytes after the CBOR item")
    return item


# The start of every canonical FC1 COSE_Sign1: tag 18, array(4), bstr(13) holding the protected header
# {1: -8, 4: h'<8 bytes>'}; after the kid come the empty unprotected map, the payload and the signature.
_CANONICAL_START = b"\xd2\x84\x4d" + _EDDSA_HEADER_PREFIX
_SIGNATURE_HEAD = b"\x58\x40"
_new_tuple = tuple.__new__


def decode_sign1(data: bytes) -> Sign1:
    """Parse a tagged COSE_Sign1, checking the structure FC1 requires.

    The encoding must be canonical (decoding and re-encoding gives the same bytes), so no card has two
    forms. A canonical card with the EdDSA header and a payload of 24 to 255 bytes (every FC1 card) is
    sliced directly; anything else goes through the general CBOR decoder, which accepts exactly the same
    byte strings. Raises :class:`CoseStructureError` for any structural fault and
    :class:`UnsupportedAlgorithm` when the structure is sound but the algorithm is not EdDSA.
    """
    # d2 84 4d <protected: a2 01 27 04 48 kid> a0 58 <n> <payload> 58 40 <signature>
    if data.startswith(_CANONICAL_START) and data[16:18] == b"\xa0\x58" and len(data) > 18:
        payload_end = 19 + data[18]
        if (
            data[18] >= 24
            and data[payload_end : payload_end + 2] == _SIGNATURE_HEAD
            and len(data) == payload_end + 2 + SIGNATURE_LENGTH
        ):
            # Sig_structure = prefix, the protected bstr as it stands (bytes 2-15), h'', the payload
            # bstr as it stands (bytes 17 to payload_end).
            signed_message = b"".join(
                (
                    data[payload_end + 2 :],
                    _SIG_STRUCTURE_PREFIX,
                    data[2:16],
                    b"\x40",
                    data[17:payload_end],
                )
            )
            return _new_tuple(Sign1, (data[8:16], data[19:payload_end], signed_message))
    return _decode_sign1_general(data)


def _decode_sign1_general(data: bytes) -> Sign1:
    try:
        item = cbor2.loads(data)
    except Exception as exc:  # cbor2 raises several types on hostile input
        raise CoseStructureError(f"not CBOR: {exc.__class__.__name__}") from None
    if not isinstance(item, cbor2.CBORTag) or item.tag != COSE_SIGN1_TAG:
        raise CoseStructureError("not a tagged COSE_Sign1")
    body = item.value
    # cbor2 6 decodes containers inside a tag as tuple and frozendict, cbor2 5 as list and dict.
    if not isinstance(body, list | tuple) or len(body) != 4:
        raise CoseStructureError("COSE_Sign1 is not an array of four")
    protected, unprotected, payload, signature = body
    if not isinstance(protected, bytes) or not isinstance(payload, bytes):
        raise CoseStructureError("protected header or payload is not a byte string")
    if not isinstance(unprotected, Mapping) or len(unprotected) != 0:
        raise CoseStructureError("unprotected header is not an empty map")
    if not isinstance(signature, bytes):
        raise CoseStructureError("signature is not a byte string")
    if encode_sign1(protected, payload, signature) != data:
        raise CoseStructureError("not the canonical encoding of a COSE_Sign1")
    kid = _kid_from_protected(protected)
    if len(signature) != SIGNATURE_LENGTH:
        raise CoseStructureError("signature is not 64 bytes")
    return Sign1(kid, payload, signature + sig_structure(protected, payload))


def _kid_from_protected(protected: bytes) -> bytes:
    """The kid of a protected header not in the canonical EdDSA form (the rare, slow path)."""
    header = loads_exact(protected)
    if not isinstance(header, Mapping) or set(header) != {HEADER_ALG, HEADER_KID}:
        raise CoseStructureError("protected header is not {1: alg, 4: kid}")
    kid = header[HEADER_KID]
    if not isinstance(kid, bytes) or len(kid) != KID_LENGTH:
        raise CoseStructureError("kid is not 8 bytes")
    alg = header[HEADER_ALG]
    if type(alg) is not int:
        raise CoseStructureError("alg is not an integer")
    if alg != ALG_EDDSA:
        raise UnsupportedAlgorithm(f"algorithm {alg} is not EdDSA (-8)")
    return kid
