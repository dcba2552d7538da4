"""The fast reader of the issuer's claims layout and the general CBOR reader always agree."""

import cbor2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cardsvc.core.claims import CardClaims, ClaimsError, _decode_any_layout, decode_claims

pytestmark = pytest.mark.unit

holders = st.text(min_size=1, max_size=24).filter(
    lambda h: len(h.encode("utf-8", "surrogatepass")) <= 24 and h.isprintable() and not h.isspace()
)
claims_strategy = st.builds(
    CardClaims,
    issuer=st.from_regex(r"[0-9]{6}", fullmatch=True),
    issued_at=st.integers(0, 2**32 - 2),
    expires_at=st.just(2**32 - 1),
    cti=st.binary(min_size=8, max_size=8),
    holder=holders,
    minors=st.integers(0, 255),
)


def outcome(reader, payload: bytes) -> object:
    try:
        return reader(payload)
    except ClaimsError:
        return "refused"


@given(claims_strategy)
def test_both_readers_give_the_claims_encoded(claims: CardClaims) -> None:
    try:
        payload = claims.to_cbor()
    except UnicodeEncodeError:
        return  # lone surrogates cannot be encoded, so no card can carry them
    assert decode_claims(payload) == claims == _decode_any_layout(payload)


@given(claims_strategy, st.integers(0, 80), st.integers(0, 255))
def test_both_readers_agree_on_any_changed_byte(claims: CardClaims, at: int, value: int) -> None:
    try:
        payload = bytearray(claims.to_cbor())
    except UnicodeEncodeError:
        return
    payload[at % len(payload)] = value
    assert outcome(decode_claims, bytes(payload)) == outcome(_decode_any_layout, bytes(payload))


@given(claims_strategy)
def test_a_map_in_another_key_order_reads_the_same(claims: CardClaims) -> None:
    try:
        other_order = cbor2.dumps(
            {
                -65537: {2: claims.minors, 1: claims.holder},
                7: claims.cti,
                4: claims.expires_at,
                6: claims.issued_at,
                1: claims.issuer,
            }
        )
    except UnicodeEncodeError:
        return
    assert decode_claims(other_order) == claims
