"""Whatever arrives at the till, the verifier answers with a verdict and never accepts a forgery."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cardsvc.core import VerdictCode, base32, verify_card
from cardsvc.core.credential import cose_bytes
from tests.conftest import NOW, Network

pytestmark = pytest.mark.unit
FIXTURE_OK = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=400)


@FIXTURE_OK
@given(st.text(max_size=1200))
def test_random_text_is_rejected_without_raising(network: Network, text: str) -> None:
    result = verify_card(text, network.trust_list(), network.revocations(), NOW)
    assert result.code is not VerdictCode.ACCEPTED


@FIXTURE_OK
@given(st.binary(max_size=700))
def test_random_bytes_behind_a_valid_prefix_are_rejected(network: Network, data: bytes) -> None:
    result = verify_card("FC1" + base32.encode(data), network.trust_list(), network.revocations(), NOW)
    assert result.code is not VerdictCode.ACCEPTED
    assert result.code in {
        VerdictCode.MALFORMED,
        VerdictCode.UNSUPPORTED_ALGORITHM,
        VerdictCode.UNKNOWN_ISSUER,
    }


@FIXTURE_OK
@given(st.binary(min_size=1, max_size=40), st.integers(min_value=0, max_value=150))
def test_bytes_spliced_into_a_valid_card_are_rejected(network: Network, junk: bytes, at: int) -> None:
    data = cose_bytes(network.card())
    spliced = data[:at] + junk + data[at:]
    result = verify_card("FC1" + base32.encode(spliced), network.trust_list(), network.revocations(), NOW)
    assert result.code is not VerdictCode.ACCEPTED


def test_flipping_any_single_bit_is_never_accepted(network: Network) -> None:
    trust, revocations = network.trust_list(), network.revocations()
    text = network.card()
    data = cose_bytes(text)
    assert verify_card(text, trust, revocations, NOW).code is VerdictCode.ACCEPTED
    seen: dict[VerdictCode, int] = {}
    for bit in range(len(data) * 8):
        flipped = bytearray(data)
        flipped[bit // 8] ^= 1 << (bit % 8)
        code = verify_card("FC1" + base32.encode(bytes(flipped)), trust, revocations, NOW).code
        assert code is not VerdictCode.ACCEPTED, f"bit {bit} flipped was accepted"
        seen[code] = seen.get(code, 0) + 1
    assert sum(seen.values()) == len(data) * 8
    assert {VerdictCode.MALFORMED, VerdictCode.BAD_SIGNATURE, VerdictCode.UNKNOWN_ISSUER} <= set(seen)


def test_flipping_any_single_bit_of_the_qr_text_is_never_accepted(network: Network) -> None:
    trust, revocations = network.trust_list(), network.revocations()
    text = network.card()
    for i, char in enumerate(text):
        for bit in range(7):
            changed = chr(ord(char) ^ (1 << bit))
            mutated = text[:i] + changed + text[i + 1 :]
            if mutated.upper() == text.upper():
                continue  # a case change is the same card, by the spec
            assert verify_card(mutated, trust, revocations, NOW).code is not VerdictCode.ACCEPTED
