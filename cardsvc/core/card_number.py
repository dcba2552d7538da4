"""The printed card number: the 8-byte cti in a form people can read aloud and type.

Thirteen characters of Crockford's Base32 (digits and letters without I, L, O and U) carry the 64 bits
of cti, and a fourteenth is a check character from the Damm algorithm over GF(32): ``x * y = 2x + y``
(``+`` is XOR, multiplication by 2 is in GF(2^5) modulo x^5 + x^2 + 1). That quasigroup is totally
anti-symmetric, so the check catches every single wrong character and every swap of two neighbours.
Printed in groups, ``0A1B-2C3D-4E5F-6G``; parsing ignores spaces and hyphens, folds case, and reads
``I``/``L`` as ``1`` and ``O`` as ``0`` as Crockford intends.
"""

from __future__ import annotations

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {ch: i for i, ch in enumerate(CROCKFORD)}
_VALUE.update({"I": 1, "L": 1, "O": 0})
_DATA_CHARS = 13
_CTI_BYTES = 8
_GROUP = 4


class CardNumberError(ValueError):
    """The text is not a card number, or its check character does not match."""


def _times_two(value: int) -> int:
    """Multiply by x in GF(2^5) with the primitive polynomial x^5 + x^2 + 1."""
    value <<= 1
    return value ^ 0b100101 if value & 0b100000 else value


def _damm(digits: list[int]) -> int:
    interim = 0
    for digit in digits:
        interim = _times_two(interim) ^ digit
    return interim


def format_card_number(cti: bytes) -> str:
    """The printed form of a card identifier, with its check character."""
    if len(cti) != _CTI_BYTES:
        raise ValueError("cti must be 8 bytes")
    value = int.from_bytes(cti, "big")
    digits = [(value >> (5 * i)) & 31 for i in reversed(range(_DATA_CHARS))]
    digits.append(_times_two(_damm(digits)))
    text = "".join(CROCKFORD[d] for d in digits)
    return "-".join(text[i : i + _GROUP] for i in range(0, len(text), _GROUP))


def parse_card_number(text: str) -> bytes:
    """The cti a printed card number stands for; raises :class:`CardNumberError` on any typo."""
    compact = "".join(text.split()).replace("-", "").upper()
    if len(compact) != _DATA_CHARS + 1:
        raise CardNumberError(f"a card number has {_DATA_CHARS + 1} characters, not {len(compact)}")
    try:
        digits = [_VALUE[ch] for ch in compact]
    except KeyError as exc:
        raise CardNumberError(f"character {exc.args[0]!r} is not used in card numbers") from None
    if _damm(digits) != 0:
        raise CardNumberError("check character does not match: a character is mistyped")
    value = 0
    for digit in digits[:_DATA_CHARS]:
        value = (value << 5) | digit
    if value >= 1 << (8 * _CTI_BYTES):
        raise CardNumberError("card number is out of range")
    return value.to_bytes(_CTI_BYTES, "big")
