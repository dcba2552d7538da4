import os
import re

import cbor2
import pytest

from cardsvc.core import (
    CardClaims,
    ClaimsError,
    CredentialFormatError,
    base32,
    generate_private_key,
    issue_card,
    kid_for,
    parse_credential,
    raw_public_key,
    shorten_holder_name,
)
from cardsvc.core.claims import decode_claims
from cardsvc.core.cose_sign1 import sig_structure
from cardsvc.core.credential import MAX_TEXT_LENGTH, cose_bytes

pytestmark = pytest.mark.unit


def claims(**changes: object) -> CardClaims:
    values: dict[str, object] = {
        "issuer": "108040",
        "issued_at": 1_790_000_000,
        "expires_at": 1_821_000_000,
        "cti": os.urandom(8),
        "holder": "GIULIA BRAMBILLA",
        "minors": 2,
    }
    values.update(changes)
    return CardClaims(**values)  # type: ignore[arg-type]


def test_text_is_prefix_and_upper_case_base32_only() -> None:
    text = issue_card(claims(), generate_private_key())
    assert re.fullmatch(r"FC1[A-Z2-7]+", text)


def test_layout_is_the_one_the_spec_fixes() -> None:
    key = generate_private_key()
    c = claims()
    data = cose_bytes(issue_card(c, key))
    item = cbor2.loads(data)
    assert item.tag == 18
    protected, unprotected, payload, signature = item.value
    assert cbor2.loads(protected) == {1: -8, 4: kid_for(raw_public_key(key))}
    assert dict(unprotected) == {}
    assert cbor2.loads(payload) == {
        1: "108040",
        6: c.issued_at,
        4: c.expires_at,
        7: c.cti,
        -65537: {1: "GIULIA BRAMBILLA", 2: 2},
    }
    key.public_key().verify(signature, cbor2.dumps(["Signature1", protected, b"", payload]))


def test_sig_structure_matches_a_general_cbor_encoder() -> None:
    for size in (0, 23, 24, 255, 256, 70000):
        payload = os.urandom(size)
        assert sig_structure(b"\xa0", payload) == cbor2.dumps(["Signature1", b"\xa0", b"", payload])


def test_parse_returns_the_claims() -> None:
    c = claims(holder="FRANCESCA MAGNÀGHI", minors=3)
    parsed = parse_credential(issue_card(c, generate_private_key()))
    assert parsed.claims == c


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"issuer": "10804"}, "ISTAT"),
        ({"issuer": "1080４0"}, "ISTAT"),
        ({"issued_at": -1}, "iat"),
        ({"expires_at": 1_790_000_000}, "exp"),
        ({"cti": b"1234567"}, "cti"),
        ({"holder": ""}, "holder"),
        ({"holder": "   "}, "holder"),
        ({"holder": "A\nB"}, "holder"),
        ({"holder": "À" * 13}, "24"),
        ({"minors": -1}, "minors"),
        ({"minors": 256}, "minors"),
        ({"minors": True}, "minors"),
    ],
)
def test_issuing_refuses_claims_out_of_shape(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ClaimsError, match=message):
        issue_card(claims(**changes), generate_private_key())


def test_holder_of_exactly_24_utf8_bytes_is_allowed() -> None:
    name = "MARIA ÀÈÌÒÙ DELL'AC"
    assert len(name.encode()) == 24
    issue_card(claims(holder=name), generate_private_key())


@pytest.mark.parametrize(
    "payload",
    [
        {1: "108040", 6: 1, 4: 2, 7: b"12345678"},
        {1: "108040", 6: 1, 4: 2, 7: b"12345678", -65537: {1: "X", 2: 1}, 8: 0},
        {1: "108040", 6: 1, 4: 2, 7: b"12345678", -65537: {1: "X"}},
        {1: "108040", 6: 1.5, 4: 2, 7: b"12345678", -65537: {1: "X", 2: 1}},
        [1, 2, 3],
        "text",
    ],
)
def test_claims_map_must_have_exactly_the_fc1_claims(payload: object) -> None:
    with pytest.raises(ClaimsError):
        decode_claims(cbor2.dumps(payload))


def test_decoders_refuse_more_than_1024_characters_before_parsing() -> None:
    with pytest.raises(CredentialFormatError, match="1024"):
        cose_bytes("FC1" + "A" * (MAX_TEXT_LENGTH - 2))
    with pytest.raises(CredentialFormatError, match="1024"):
        cose_bytes(" " * (MAX_TEXT_LENGTH + 1))


def test_padding_and_case_and_white_space() -> None:
    text = issue_card(claims(), generate_private_key())
    assert cose_bytes(f"\t{text.lower()}\r\n") == cose_bytes(text)
    with pytest.raises(CredentialFormatError):
        cose_bytes(text + "=")


def test_non_canonical_encodings_are_refused() -> None:
    text = issue_card(claims(), generate_private_key())
    item = cbor2.loads(cose_bytes(text))
    protected, _, payload, signature = item.value
    # The same content with an indefinite-length array is valid CBOR but not canonical.
    body = b"\x9f" + b"".join(cbor2.dumps(x) for x in (protected, {}, payload, signature)) + b"\xff"
    with pytest.raises(CredentialFormatError, match="canonical"):
        parse_credential("FC1" + base32.encode(b"\xd2" + body))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("  Giulia   Brambilla ", "Giulia Brambilla"),
        ("MARIA GIOVANNA ROSSI BIANCHI", "MARIA GIOVANNA ROSSI"),
        ("BARTOLOMEOMARIAGIOVANNIBATTISTA", "BARTOLOMEOMARIAGIOVANNIB"),
        ("ÀÀÀÀÀÀÀÀÀÀÀÀÀ", "ÀÀÀÀÀÀÀÀÀÀÀÀ"),
    ],
)
def test_shorten_holder_name_fits_24_bytes(name: str, expected: str) -> None:
    short = shorten_holder_name(name)
    assert short == expected
    assert len(short.encode()) <= 24
