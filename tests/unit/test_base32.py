import base64
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cardsvc.core import base32

pytestmark = pytest.mark.unit


@given(st.binary(max_size=300))
def test_matches_the_standard_library_and_round_trips(data: bytes) -> None:
    text = base32.encode(data)
    assert text == base64.b32encode(data).decode().rstrip("=")
    assert base32.decode(text) == data
    assert base32.decode(text.lower()) == data


@pytest.mark.parametrize(
    "bad",
    ["A", "ABC", "ABCDEF", "AB=C", "A0", "A1", "A8", "A9", "A_B2", " ABC", "AB+C", "AÀ", "AB\n", "-A"],
)
def test_refuses_what_is_not_canonical_unpadded_base32(bad: str) -> None:
    with pytest.raises(base32.Base32Error):
        base32.decode(bad)


def test_refuses_non_zero_padding_bits() -> None:
    text = base32.encode(os.urandom(1))  # 2 characters carry 10 bits: 2 are padding
    last = base32.ALPHABET.index(text[1])
    with pytest.raises(base32.Base32Error, match="padding"):
        base32.decode(text[0] + base32.ALPHABET[last | 1])


def test_text_uses_letters_and_digits_only() -> None:
    assert set(base32.encode(bytes(range(256)))) <= set(base32.ALPHABET)
