"""Every verdict of SPEC §5 as the till shows it: scanned through the scanner field of the real kiosk
app, against lists the kiosk got from the real central service."""

from __future__ import annotations

import json
import re

import pytest

from cardsvc.core import CardClaims, issue_card, new_cti
from cardsvc.network.keystore import read_private_key
from tests.conftest import ROOT
from tests.functional.conftest import NOW, PASS
from tests.functional.kiosk.conftest import Till
from tests.vectors.generate import with_flipped_signature

pytestmark = pytest.mark.functional
DAY = 86_400
VECTORS = json.loads((ROOT / "tests/vectors/fc1-vectors.json").read_text())


def vector(verdict: str) -> str:
    return next(c["qr"] for c in VECTORS["cards"] if c["verdict"] == verdict)


def shown_verdict(page: str) -> str:
    match = re.search(r'data-verdict="([A-Z_]+)"', page)
    assert match, page
    return match.group(1)


def seveso_card(till: Till, **changes: object) -> str:
    """A card signed with Seveso's real issuer key, with ``changes`` to its claims."""
    home = till.central.home
    record = next(r for r in home.state["issuer_keys"] if r["istat"] == "108040" and r["status"] == "active")
    key = read_private_key(home.path / record["key_file"], PASS)
    values: dict[str, object] = {
        "issuer": "108040",
        "issued_at": NOW - DAY,
        "expires_at": NOW + 300 * DAY,
        "cti": new_cti(),
        "holder": "GIULIA BRAMBILLA",
        "minors": 2,
    }
    return issue_card(CardClaims(**(values | changes)), key)  # type: ignore[arg-type]


def test_accepted_shows_the_family_and_its_offers(till: Till) -> None:
    response = till.scan(till.central.card(holder="LUCA ROSSI", minors=3))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert shown_verdict(page) == "ACCEPTED"
    assert "CARTA VALIDA" in page and "✓" in page and 'data-sound="accept"' in page
    assert "LUCA ROSSI" in page and ">3<" in page and "Seveso" in page
    assert "10% sui prodotti per l&#39;infanzia" in page and 'name="amount"' in page


def test_caps_lock_and_stray_white_space_are_the_same_card(till: Till) -> None:
    card = till.central.card()
    assert shown_verdict(till.scan(f"  {card.lower()}\r\n").get_data(as_text=True)) == "ACCEPTED"


@pytest.mark.parametrize(
    ("make", "expected", "words"),
    [
        (lambda t: "FC1NOTACARD!!", "MALFORMED", "Codice non leggibile"),
        (lambda t: "x" * 5000, "MALFORMED", "Codice non leggibile"),
        (lambda t: vector("UNSUPPORTED_ALGORITHM"), "UNSUPPORTED_ALGORITHM", "metodo non ammesso"),
        (lambda t: vector("ACCEPTED"), "UNKNOWN_ISSUER", "non riconosce"),
        (lambda t: with_flipped_signature(t.central.card()), "BAD_SIGNATURE", "Firma non valida"),
        (lambda t: seveso_card(t, issuer="108012"), "ISSUER_MISMATCH", "non corrisponde"),
        (lambda t: seveso_card(t, issued_at=NOW + 3600), "NOT_YET_VALID", "non ancora valida"),
        (lambda t: seveso_card(t, issued_at=NOW - 5 * DAY, expires_at=NOW - 1), "EXPIRED", "Carta scaduta"),
    ],
)
def test_rejections_are_red_with_the_reason(till: Till, make, expected: str, words: str) -> None:  # type: ignore[no-untyped-def]
    page = till.scan(make(till)).get_data(as_text=True)
    assert shown_verdict(page) == expected
    assert "CARTA NON VALIDA" in page and "✕" in page and 'data-sound="reject"' in page
    assert words in page
    assert 'name="amount"' not in page  # nothing to redeem
    assert 'class="scanfield"' in page  # the next card can be scanned at once


def test_rejected_scans_are_logged_with_their_reason(till: Till) -> None:
    till.scan("FC1NOTACARD")
    till.scan(seveso_card(till, issuer="108012"))
    from merchant_kiosk.schema import open_database

    db = open_database(str(till.instance / "kiosk.db"))
    rows = db.execute("select verdict, detail from scans order by at, rowid").fetchall()
    assert [r[0] for r in rows] == ["MALFORMED", "ISSUER_MISMATCH"]
    assert all(r[1] for r in rows)


def test_revoked_after_a_sync(till: Till) -> None:
    card = till.central.card()
    assert shown_verdict(till.scan(card).get_data(as_text=True)) == "ACCEPTED"
    till.central.revoke(card, "stolen")
    till.clock.now += 60
    till.sync()
    till.clock.now += 60  # past the repeat-scan window
    page = till.scan(card).get_data(as_text=True)
    assert shown_verdict(page) == "REVOKED" and "Carta revocata" in page


def test_issuer_key_revoked_after_a_new_trust_list(till: Till) -> None:
    card = till.central.card()
    home = till.central.home
    kid = next(r["kid"] for r in home.state["issuer_keys"] if r["istat"] == "108040")
    home.revoke_key(kid, PASS, NOW)
    trust = home.sign_trust_list(PASS, NOW)
    imported = till.central.post("/api/v1/admin/trust-lists", {"trust_list": trust})
    assert imported.status_code == 200, imported.json
    till.sync()
    assert shown_verdict(till.scan(card).get_data(as_text=True)) == "ISSUER_KEY_REVOKED"


def test_clock_turned_back_is_refused(till: Till) -> None:
    till.clock.now = NOW - 3600  # an hour before the server time seen at the last sync
    page = till.scan(till.central.card()).get_data(as_text=True)
    assert shown_verdict(page) == "CLOCK_INVALID" and "indietro" in page


def test_small_clock_lag_is_tolerated(till: Till) -> None:
    till.clock.now = NOW - 60
    assert shown_verdict(till.scan(till.central.card()).get_data(as_text=True)) == "ACCEPTED"


def test_stale_lists_warn_and_old_lists_refuse(till: Till) -> None:
    card = till.central.card()
    till.clock.now = NOW + 4 * DAY
    page = till.scan(card).get_data(as_text=True)
    assert shown_verdict(page) == "ACCEPTED" and "non aggiornati di recente" in page
    till.clock.now = NOW + 31 * DAY
    page = till.scan(card).get_data(as_text=True)
    assert shown_verdict(page) == "LISTS_TOO_OLD" and "troppo vecchi" in page


def test_english_on_request(till: Till) -> None:
    till.client.get("/?lang=en")
    page = till.scan("FC1NOTACARD").get_data(as_text=True)
    assert "CARD NOT VALID" in page and "Unreadable code" in page


def test_a_second_scan_moments_later_is_the_same_customer(till: Till) -> None:
    card = till.central.card()
    first = till.scan(card).get_data(as_text=True)
    till.clock.now += 3
    second = till.scan(card).get_data(as_text=True)
    scan_id = re.compile(r'name="scan_id" value="([^"]+)"')
    assert scan_id.search(first).group(1) == scan_id.search(second).group(1)  # type: ignore[union-attr]
    assert "stesso cliente" in second and "stesso cliente" not in first
    till.clock.now += 60
    third = till.scan(card).get_data(as_text=True)
    assert scan_id.search(third).group(1) != scan_id.search(first).group(1)  # type: ignore[union-attr]
