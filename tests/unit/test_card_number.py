import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cardsvc.core import CardNumberError, format_card_number, parse_card_number
from cardsvc.core.card_number import CROCKFORD

pytestmark = pytest.mark.unit


@given(st.binary(min_size=8, max_size=8))
def test_round_trip_in_any_typing(cti: bytes) -> None:
    number = format_card_number(cti)
    assert len(number) == 17 and number.count("-") == 3
    assert parse_card_number(number) == cti
    assert parse_card_number(number.lower().replace("-", " ")) == cti


def test_reads_confusable_letters_as_crockford_intends() -> None:
    cti = bytes(8)
    number = format_card_number(cti)
    assert number.startswith("0000")
    assert parse_card_number(number.replace("0", "O")) == cti


@pytest.mark.parametrize("seed", range(20))
def test_every_single_substitution_is_caught(seed: int) -> None:
    compact = format_card_number(os.urandom(8)).replace("-", "")
    for i, original in enumerate(compact):
        for replacement in CROCKFORD:
            if replacement != original:
                typo = compact[:i] + replacement + compact[i + 1 :]
                with pytest.raises(CardNumberError):
                    parse_card_number(typo)


@pytest.mark.parametrize("seed", range(20))
def test_every_adjacent_transposition_is_caught(seed: int) -> None:
    compact = format_card_number(os.urandom(8)).replace("-", "")
    for i in range(len(compact) - 1):
        if compact[i] != compact[i + 1]:
            swapped = compact[:i] + compact[i + 1] + compact[i] + compact[i + 2 :]
            with pytest.raises(CardNumberError):
                parse_card_number(swapped)


@pytest.mark.parametrize("bad", ["", "1234", "0000-0000-0000-0U", "0000-0000-0000-000", "!!!!-0000-0000-00"])
def test_refuses_wrong_length_or_characters(bad: str) -> None:
    with pytest.raises(CardNumberError):
        parse_card_number(bad)


def test_refuses_a_cti_of_the_wrong_size() -> None:
    with pytest.raises(ValueError):
        format_card_number(b"1234567")
