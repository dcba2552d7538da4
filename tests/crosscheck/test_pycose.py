"""pycose, an independent COSE implementation, verifies our cards with nothing but the public key.

pycose 1.1 decodes only with cbor2 < 6, so it runs in its own environment (``.venv-xcheck``, made by
``make test``); this test refuses to pass silently when that environment is missing.
"""

import json
import os
import subprocess

import pytest

from cardsvc.core import CardClaims, generate_private_key, issue_card, kid_for, raw_public_key
from cardsvc.core.credential import cose_bytes
from tests.conftest import ROOT
from tests.vectors import generate

pytestmark = pytest.mark.crosscheck
XCHECK = ROOT / ".venv-xcheck" / "bin" / "python"


def pycose(items: list[dict[str, str]]) -> list[dict[str, object]]:
    assert XCHECK.exists(), "run `make test` (it builds .venv-xcheck with pycose)"
    out = subprocess.run(
        [str(XCHECK), str(ROOT / "tests" / "crosscheck" / "pycose_verify.py")],
        input=json.dumps(items),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def test_pycose_verifies_the_vector_card_and_reads_its_claims() -> None:
    card = json.loads(generate.OUTPUT.read_text("utf-8"))["valid_card"]
    public = raw_public_key(generate.KEYS["seveso"])
    [result] = pycose([{"cose_hex": card["cose_hex"], "public_key_hex": public.hex()}])
    assert result["verified"] is True, result
    assert result["alg"] == -8
    assert result["kid_hex"] == kid_for(public).hex()
    assert result["payload"] == {"1": "108040", "6": card["claims"]["iat"], "4": card["claims"]["exp"]}


def test_pycose_verifies_fresh_cards_and_refuses_a_wrong_key() -> None:
    items, keys = [], []
    for holder in ("GIULIA BRAMBILLA", "MARIA ÀÈÌÒÙ DELL'AC", "张伟李娜王芳刘洋"):
        key = generate_private_key()
        claims = CardClaims("108012", 1_790_000_000, 1_821_000_000, os.urandom(8), holder, 3)
        items.append(
            {
                "cose_hex": cose_bytes(issue_card(claims, key)).hex(),
                "public_key_hex": raw_public_key(key).hex(),
            }
        )
        keys.append(key)
    wrong = dict(items[0], public_key_hex=raw_public_key(generate_private_key()).hex())
    results = pycose([*items, wrong])
    assert [r["verified"] for r in results] == [True, True, True, False]
