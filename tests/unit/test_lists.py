import json

import pytest
from jwcrypto import jwk, jws

from cardsvc.core import (
    JwsError,
    RevocationEntry,
    RevocationList,
    RevocationState,
    Verifier,
    generate_private_key,
    load_revocation_list,
    load_trust_list,
    raw_public_key,
)
from cardsvc.core.keys import b64url
from cardsvc.core.trust_list import TRUST_LIST_TYPE
from tests.conftest import DAY, NOW, Network

pytestmark = pytest.mark.unit


def root_verifier(network: Network) -> Verifier:
    return Verifier(raw_public_key(network.root))


def okp(public_key: bytes) -> jwk.JWK:
    return jwk.JWK(kty="OKP", crv="Ed25519", x=b64url(public_key))


def test_trust_list_round_trip(network: Network) -> None:
    token = network.trust_list(version=4).sign(network.root)
    trust = load_trust_list(token, root_verifier(network))
    assert trust.version == 4 and trust.network == "Rete di prova"
    assert {i.istat for i in trust.issuers} == {"108040", "108012"}
    assert trust.list_signing_key.public_key == raw_public_key(network.list_signer)
    assert trust.comune_name("108012") == "Comune 108012"


def test_trust_list_verifies_with_an_independent_jose_library(network: Network) -> None:
    token = network.trust_list().sign(network.root)
    checker = jws.JWS()
    checker.deserialize(token)
    checker.verify(okp(raw_public_key(network.root)), alg="EdDSA")
    payload = json.loads(checker.payload)
    assert payload["type"] == TRUST_LIST_TYPE and payload["version"] == 1
    assert json.loads(checker.objects["protected"])["kid"] == b64url(root_verifier(network).kid)


def test_a_list_signed_by_an_independent_jose_library_is_accepted(network: Network) -> None:
    payload = network.trust_list(version=9).to_payload()
    private = jwk.JWK.from_pyca(network.root)
    header = {"alg": "EdDSA", "kid": b64url(root_verifier(network).kid), "typ": TRUST_LIST_TYPE}
    token = jws.JWS(json.dumps(payload).encode())
    token.add_signature(private, protected=json.dumps(header))
    assert load_trust_list(token.serialize(compact=True), root_verifier(network)).version == 9


def test_rollback_is_refused(network: Network) -> None:
    token = network.trust_list(version=3).sign(network.root)
    assert load_trust_list(token, root_verifier(network), held_version=3).version == 3
    with pytest.raises(JwsError) as refused:
        load_trust_list(token, root_verifier(network), held_version=4)
    assert refused.value.code == "rollback"


@pytest.mark.parametrize("part", [0, 1, 2])
def test_tampered_trust_list_is_refused(network: Network, part: int) -> None:
    token = network.trust_list().sign(network.root)
    pieces = token.split(".")
    pieces[part] = pieces[part][:-2] + ("A" if pieces[part][-2] != "A" else "B") + pieces[part][-1]
    with pytest.raises(JwsError) as refused:
        load_trust_list(".".join(pieces), root_verifier(network))
    assert refused.value.code in {"bad_signature", "malformed", "unknown_kid"}


def test_trust_list_signed_by_another_key_is_refused(network: Network) -> None:
    token = network.trust_list().sign(generate_private_key())
    with pytest.raises(JwsError) as refused:
        load_trust_list(token, root_verifier(network))
    assert refused.value.code == "unknown_kid"


def test_a_revocation_list_never_passes_for_a_trust_list(network: Network) -> None:
    revocations = RevocationList(1, 0, NOW, ()).sign(network.root)
    with pytest.raises(JwsError) as refused:
        load_trust_list(revocations, root_verifier(network))
    assert refused.value.code == "wrong_type"


@pytest.mark.parametrize("junk", ["", "a.b", "a.b.c", "....", "é.é.é", 17])
def test_junk_lists_are_malformed(network: Network, junk: object) -> None:
    with pytest.raises(JwsError):
        load_trust_list(junk, root_verifier(network))  # type: ignore[arg-type]


def entry(n: int) -> RevocationEntry:
    return RevocationEntry(n.to_bytes(8, "big"), NOW - DAY, "lost")


def test_revocation_list_must_be_signed_by_the_list_signing_key(network: Network) -> None:
    trust = network.trust_list()
    good = RevocationList(1, 0, NOW, (entry(1),)).sign(network.list_signer)
    assert load_revocation_list(good, trust).entries == (entry(1),)
    with pytest.raises(JwsError) as refused:
        load_revocation_list(RevocationList(1, 0, NOW, ()).sign(network.root), trust)
    assert refused.value.code == "unknown_kid"


def test_revocation_list_checks_with_an_independent_jose_library(network: Network) -> None:
    token = RevocationList(2, 0, NOW, (entry(7),)).sign(network.list_signer)
    checker = jws.JWS()
    checker.deserialize(token)
    checker.verify(okp(raw_public_key(network.list_signer)), alg="EdDSA")
    assert json.loads(checker.payload)["entries"][0]["cti"] == b64url((7).to_bytes(8, "big"))


def test_deltas_apply_in_order_and_refuse_rollback_and_gaps(network: Network) -> None:
    trust = network.trust_list()
    held = RevocationState()
    sign = network.list_signer
    assert held.apply_token(RevocationList(3, 0, NOW - 300, (entry(1), entry(2))).sign(sign), trust) == 2
    assert held.apply_token(RevocationList(5, 3, NOW - 200, (entry(3),)).sign(sign), trust) == 1
    assert held.version == 5 and len(held) == 3
    # a fresh empty delta at the same version refreshes the lists' age
    held.apply_token(RevocationList(5, 5, NOW - 100, ()).sign(sign), trust)
    assert held.issued_at == NOW - 100
    # an older copy of the same version does not make the lists look older
    held.apply_token(RevocationList(5, 3, NOW - 200, (entry(3),)).sign(sign), trust)
    assert held.issued_at == NOW - 100
    with pytest.raises(JwsError) as rollback:
        held.apply_token(RevocationList(4, 0, NOW, (entry(1),)).sign(sign), trust)
    assert rollback.value.code == "rollback"
    with pytest.raises(JwsError) as gap:
        held.apply_token(RevocationList(9, 7, NOW, (entry(9),)).sign(sign), trust)
    assert gap.value.code == "gap"
    assert held.version == 5 and len(held) == 3 and held.lookup(entry(9).cti) is None


def test_revocation_entries_are_validated() -> None:
    with pytest.raises(ValueError, match="reason"):
        RevocationEntry(b"12345678", NOW, "bored")
    with pytest.raises(ValueError, match="8 bytes"):
        RevocationEntry(b"1234", NOW, "lost")
    with pytest.raises(ValueError, match="since"):
        RevocationList(2, 3, NOW, ())
