"""RFC 4648 Base32 without padding, fast enough for the verifier's hot path.

The standard library's ``base64.b32decode`` loops in Python (about 25 µs for a card). Here the ASCII
text goes through a 256-entry translation table onto the digits of base 32, with every byte outside the
alphabet mapped to ``!`` so that ``int(..., 32)`` refuses it; both steps run in C (about 2 µs).
Decoding is strict but for case: only the RFC 4648 alphabet (upper or lower case, since a till's Caps
Lock may be on), only lengths that an unpadded encoding can produce, and the unused low bits of the
last character must be zero, so every byte string has exactly one upper-case text form.
"""

from __future__ import annotations

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_DIGITS = "0123456789abcdefghijklmnopqrstuv"
_DECODE_TABLE = bytes(
    ord(_DIGITS[ALPHABET.index(chr(b).upper())]) if chr(b).upper() in ALPHABET and b < 128 else ord("!")
    for b in range(256)
)
_ENCODE_TABLE = bytes(
    ord(ALPHABET[_DIGITS.index(chr(b))]) if chr(b) in _DIGITS else ord("!") for b in range(256)
)
# Unpadded Base32 text lengths modulo 8 that correspond to whole bytes: 0, 2, 4, 5 and 7 characters.
_VALID_REMAINDER = (True, False, True, False, True, True, False, True)


class Base32Error(ValueError):
    """The text is not canonical unpadded RFC 4648 Base32."""


def encode(data: bytes) -> str:
    """Encode bytes as upper-case Base32 without padding."""
    if not data:
        return ""
    n_chars = (len(data) * 8 + 4) // 5
    pad_bits = n_chars * 5 - len(data) * 8
    value = int.from_bytes(data, "big") << pad_bits
    return _base32_digits(value, n_chars).encode("ascii").translate(_ENCODE_TABLE).decode("ascii")


def decode(text: str) -> bytes:
    """Decode canonical unpadded Base32 in either case; raise :class:`Base32Error` otherwise."""
    n_chars = len(text)
    if not _VALID_REMAINDER[n_chars & 7]:
        raise Base32Error("length is not that of unpadded Base32")
    if not text:
        return b""
    try:
        value = int(text.encode("ascii").translate(_DECODE_TABLE), 32)
    except (UnicodeEncodeError, ValueError):
        raise Base32Error("character outside the Base32 alphabet") from None
    n_bytes = n_chars * 5 // 8
    pad_bits = n_chars * 5 - n_bytes * 8
    if value & ((1 << pad_bits) - 1):
        raise Base32Error("non-zero padding bits")
    return (value >> pad_bits).to_bytes(n_bytes, "big")


def _base32_digits(value: int, width: int) -> str:
    """Render ``value`` as ``width`` base-32 digits (0-9a-v), most significant first."""
    out = []
    for _ in range((width + 7) // 8):
        chunk = value & ((1 << 40) - 1)
        value >>= 40
        out.append("".join(_DIGITS[(chunk >> shift) & 31] for shift in range(35, -5, -5)))
    return "".join(reversed(out))[-width:]
