from datetime import UTC, datetime

import pytest

from cardsvc.core import (
    RevocationEntry,
    VerdictCode,
    VerifierPolicy,
    WarningCode,
    verify_card,
)
from tests.conftest import DAY, NOW, Network

pytestmark = pytest.mark.unit
V = VerdictCode


def verdict(network: Network, text: object, now: float = NOW, **kwargs: object) -> VerdictCode:
    result = verify_card(text, network.trust_list(), network.revocations(), now, **kwargs)  # type: ignore[arg-type]
    return result.code


def test_a_valid_card_is_accepted_with_its_claims(network: Network) -> None:
    text = network.card(holder="MARCO COLOMBO", minors=1)
    result = verify_card(text, network.trust_list(), network.revocations(), NOW)
    assert result.code is V.ACCEPTED and result.accepted
    assert result.claims is not None and result.claims.holder == "MARCO COLOMBO"
    assert result.claims.minors == 1
    assert result.issuer is not None and result.issuer.comune == "Comune 108040"
    assert result.warnings == ()
    assert result.message_it == "Carta valida." and result.message_en == "Card valid."


def test_now_may_be_an_aware_datetime(network: Network) -> None:
    moment = datetime.fromtimestamp(NOW, UTC)
    assert verdict(network, network.card(), moment) is V.ACCEPTED  # type: ignore[arg-type]


def test_expiry_boundary_exp_exactly_now_is_expired(network: Network) -> None:
    text = network.card(expires_at=NOW)
    assert verdict(network, text, NOW - 1) is V.ACCEPTED
    assert verdict(network, text, NOW) is V.EXPIRED


def test_five_minutes_of_clock_skew_edge(network: Network) -> None:
    text = network.card(issued_at=NOW + 300)
    assert verdict(network, text, NOW) is V.ACCEPTED
    assert verdict(network, network.card(issued_at=NOW + 301), NOW) is V.NOT_YET_VALID


def test_policy_changes_the_skew(network: Network) -> None:
    text = network.card(issued_at=NOW + 100)
    strict = VerifierPolicy(clock_skew=60)
    assert verdict(network, text, NOW, policy=strict) is V.NOT_YET_VALID


def test_key_validity_edges() -> None:
    net = Network()
    net.add_issuer("108040", status="retired", valid_from=NOW - 100 * DAY, until=NOW - 10 * DAY)
    assert verdict(net, net.card(issued_at=NOW - 100 * DAY)) is V.ACCEPTED
    assert verdict(net, net.card(issued_at=NOW - 100 * DAY - 1)) is V.ISSUER_MISMATCH
    assert verdict(net, net.card(issued_at=NOW - 10 * DAY)) is V.ACCEPTED
    assert verdict(net, net.card(issued_at=NOW - 10 * DAY + 1)) is V.ISSUER_MISMATCH


def test_retired_key_cards_stay_valid_and_revoked_key_cards_do_not() -> None:
    net = Network()
    net.add_issuer("108040", status="retired", until=NOW - DAY // 2)
    net.add_issuer("108012", status="revoked", until=NOW - DAY // 2)
    assert verdict(net, net.card("108040")) is V.ACCEPTED
    assert verdict(net, net.card("108012")) is V.ISSUER_KEY_REVOKED


def test_iss_must_be_the_keys_comune(network: Network) -> None:
    assert verdict(network, network.card("108012", key_of="108040")) is V.ISSUER_MISMATCH


def test_unknown_issuer(network: Network) -> None:
    stranger = Network()
    stranger.add_issuer("108040")
    assert verdict(network, stranger.card()) is V.UNKNOWN_ISSUER


def test_revoked_card(network: Network) -> None:
    text = network.card(cti=b"revoked!")
    network.revoked.append(RevocationEntry(b"revoked!", NOW - DAY, "stolen"))
    result = verify_card(text, network.trust_list(), network.revocations(), NOW)
    assert result.code is V.REVOKED
    assert result.revocation is not None and result.revocation.reason == "stolen"


def test_revocation_lookup_with_100000_revoked_cards(network: Network) -> None:
    network.revoked.extend(RevocationEntry(i.to_bytes(8, "big"), NOW - DAY, "lost") for i in range(100_000))
    revocations = network.revocations()
    assert len(revocations) == 100_000
    trust = network.trust_list()
    assert (
        verify_card(network.card(cti=(99_999).to_bytes(8, "big")), trust, revocations, NOW).code is V.REVOKED
    )
    assert (
        verify_card(network.card(cti=(100_000).to_bytes(8, "big")), trust, revocations, NOW).code
        is V.ACCEPTED
    )
    assert isinstance(revocations.entries, dict)  # hashed: O(1) membership


def test_clock_behind_the_last_server_time_is_clock_invalid(network: Network) -> None:
    expired = network.card(expires_at=NOW - 10)
    assert verdict(network, expired, NOW, last_server_time=NOW) is V.EXPIRED
    # turning the clock back must not revive the expired card
    assert verdict(network, expired, NOW - 20, last_server_time=NOW) is V.CLOCK_INVALID
    assert verdict(network, network.card(), NOW - 1, last_server_time=NOW) is V.CLOCK_INVALID


def test_lists_age_limits(network: Network) -> None:
    text = network.card()
    trust = network.trust_list()
    fresh = network.revocations(issued_at=NOW - 72 * 3600)
    assert verify_card(text, trust, fresh, NOW).warnings == ()
    stale = network.revocations(issued_at=NOW - 72 * 3600 - 1)
    result = verify_card(text, trust, stale, NOW)
    assert result.code is V.ACCEPTED and result.warnings == (WarningCode.LISTS_STALE,)
    assert result.to_json()["warnings"][0]["code"] == "LISTS_STALE"
    edge = network.revocations(issued_at=NOW - 30 * DAY)
    assert verify_card(text, trust, edge, NOW).code is V.ACCEPTED
    old = network.revocations(issued_at=NOW - 30 * DAY - 1)
    assert verify_card(text, trust, old, NOW).code is V.LISTS_TOO_OLD


def test_no_revocation_list_at_all_is_lists_too_old(network: Network) -> None:
    from cardsvc.core import RevocationState

    assert verify_card(network.card(), network.trust_list(), RevocationState(), NOW).code is V.LISTS_TOO_OLD


def test_self_checks_come_before_the_card(network: Network) -> None:
    assert verdict(network, "garbage", NOW - 10, last_server_time=NOW) is V.CLOCK_INVALID


def test_order_unknown_issuer_before_bad_signature(network: Network) -> None:
    stranger = Network()
    stranger.add_issuer("108040")
    text = stranger.card()
    tampered = text[:-3] + ("A" if text[-3] != "A" else "B") + text[-2:]
    assert verdict(network, tampered) is V.UNKNOWN_ISSUER


def test_order_bad_signature_before_mismatch_and_expiry(network: Network) -> None:
    from cardsvc.core import base32
    from cardsvc.core.credential import cose_bytes

    text = network.card("108012", key_of="108040", expires_at=NOW - 5)
    assert verdict(network, text) is V.ISSUER_MISMATCH
    data = bytearray(cose_bytes(text))
    data[-1] ^= 0x80
    assert verdict(network, "FC1" + base32.encode(bytes(data))) is V.BAD_SIGNATURE


def test_order_revoked_key_before_bad_signature() -> None:
    from cardsvc.core import base32
    from cardsvc.core.credential import cose_bytes

    net = Network()
    net.add_issuer("108040", status="revoked", until=NOW)
    data = bytearray(cose_bytes(net.card()))
    data[-1] ^= 0x80
    assert verdict(net, "FC1" + base32.encode(bytes(data))) is V.ISSUER_KEY_REVOKED


@pytest.mark.parametrize("junk", [None, 42, b"FC1AAAA", ["FC1"], "", "FC1", "fc1", "\x00" * 2000])
def test_junk_is_malformed_and_never_raises(network: Network, junk: object) -> None:
    assert verdict(network, junk) is V.MALFORMED


def test_every_verdict_has_messages_in_both_languages(network: Network) -> None:
    from cardsvc.core.verdicts import MESSAGES

    for code in list(VerdictCode) + list(WarningCode):
        italian, english = MESSAGES[code]
        assert italian and english and italian != english


def test_naive_datetime_is_a_fault_not_an_exception(network: Network) -> None:
    result = verify_card(network.card(), network.trust_list(), network.revocations(), datetime(2026, 11, 1))
    assert result.code is V.MALFORMED and "verifier fault" in result.detail
