"""The shipped test vectors are what the generator makes, and each gives its expected verdict."""

import json
from pathlib import Path

import pytest

from cardsvc.core import (
    RevocationState,
    Verifier,
    format_card_number,
    from_rfc3339,
    load_trust_list,
    verify_card,
)
from cardsvc.core.keys import b64url_decode
from tests.vectors import generate

pytestmark = pytest.mark.unit
VECTORS = json.loads(Path(generate.OUTPUT).read_text("utf-8"))


def test_committed_vectors_match_the_generator() -> None:
    assert Path(generate.OUTPUT).read_text("utf-8") == generate.render()


def test_vectors_cover_every_case_the_issue_names() -> None:
    verdicts = {c["verdict"] for c in VECTORS["cards"]}
    assert verdicts >= {
        "ACCEPTED",
        "MALFORMED",
        "UNSUPPORTED_ALGORITHM",
        "UNKNOWN_ISSUER",
        "ISSUER_KEY_REVOKED",
        "BAD_SIGNATURE",
        "ISSUER_MISMATCH",
        "NOT_YET_VALID",
        "EXPIRED",
        "REVOKED",
    }


@pytest.mark.parametrize("case", VECTORS["cards"], ids=[c["name"] for c in VECTORS["cards"]])
def test_each_vector_gives_its_verdict(case: dict[str, str]) -> None:
    trust = load_trust_list(VECTORS["trust_list"], Verifier(b64url_decode(VECTORS["root_public_key"])))
    held = RevocationState()
    held.apply_token(VECTORS["revocation_list"], trust)
    result = verify_card(case["qr"], trust, held, from_rfc3339(VECTORS["now"]))
    assert result.code == case["verdict"]


def test_valid_card_number() -> None:
    card = VECTORS["valid_card"]
    assert format_card_number(bytes.fromhex(card["claims"]["cti_hex"])) == card["card_number"]
