"""The till's states after a scan and after a redemption, each unmistakable: a voided receipt, a valid card
with no offer the family can use today, and an amount above the shop's plausible ceiling that waits for the
clerk's confirmation before anything is recorded."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from merchant_kiosk.schema import open_database
from tests.functional.kiosk.conftest import Till

pytestmark = pytest.mark.functional


def figure(page: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>([^<]+)<', page)
    assert match, page
    return match.group(1).strip()


def ledger_count(till: Till) -> int:
    db = open_database(str(till.instance / "kiosk.db"))
    return int(db.execute("select count(*) from ledger").fetchone()[0])


def focused_scan_field(page: str) -> bool:
    """The page has the scanner field, focused when it loads, in a form that verifies a card."""
    form = re.search(r'<form[^>]*action="/scan"[^>]*>(.*?)</form>', page, re.S)
    return form is not None and re.search(r'<input id="code"[^>]*\bautofocus\b', form.group(1)) is not None


def test_a_voided_receipt_says_the_customer_pays_the_full_amount(make_till: Callable[..., Till]) -> None:
    till = make_till([{"title": "Cinquanta centesimi", "kind": "fixed", "amount_cents": 50}])
    location = till.redeem(till.central.card(), "10,00").headers["Location"]
    receipt = till.client.get(location).get_data(as_text=True)
    assert figure(receipt, "to-pay") == "9,50 €"
    voided = till.post(location.replace("/receipt/", "/void/"))
    page = till.client.get(voided.headers["Location"]).get_data(as_text=True)
    assert 'data-state="voided"' in page and re.search(r"<h1>.*Operazione annullata</h1>", page)
    assert figure(page, "to-pay") == "10,00 €"  # the amount before the discount, in large type
    assert "Sconto non applicato" in page and "l&#39;intero importo" in page
    assert "9,50 €" not in page


def test_the_receipt_keeps_the_scanner_field_focused(till: Till) -> None:
    receipt = till.client.get(till.redeem(till.central.card(), "20").headers["Location"])
    page = receipt.get_data(as_text=True)
    assert focused_scan_field(page)
    assert page.count("autofocus") == 1  # the field, not the "next card" link


@pytest.mark.parametrize(
    ("offers", "used_before", "reason"),
    [
        ([{"title": "Tre figli", "min_minors": 3}], False, "L&#39;offerta richiede più figli minori"),
        ([{"title": "Una volta al giorno", "daily_limit": 1}], True, "Offerta già usata oggi"),
        ([], False, "Il negozio non ha offerte attive"),
    ],
)
def test_a_valid_card_with_no_usable_offer_is_its_own_state(
    make_till: Callable[..., Till], offers: list[dict[str, object]], used_before: bool, reason: str
) -> None:
    till = make_till(offers)
    card = till.central.card(minors=2)
    if used_before:
        assert till.redeem(card, "10").status_code == 303
        till.clock.now += 60
    page = till.scan(card).get_data(as_text=True)
    verdict = re.search(r'<section class="verdict[^"]*"[^>]*>(.*?)</section>', page, re.S)
    assert verdict, page
    assert 'data-state="no_offer"' in page and 'data-sound="no_offer"' in page
    assert "NESSUNO SCONTO APPLICABILE" in verdict.group(1) and "CARTA VALIDA" not in page
    assert "La carta è valida" in verdict.group(1) and reason in verdict.group(1)  # the reason in words
    assert all(str(offer["title"]) in verdict.group(1) for offer in offers)
    assert 'class="verdict ok"' not in page and 'name="amount"' not in page
    assert "GIULIA BRAMBILLA" in page  # the family, as for an accepted card
    assert focused_scan_field(page)


def test_a_rejected_card_keeps_the_scanner_field_focused(till: Till) -> None:
    page = till.scan("FC1NOTACARD").get_data(as_text=True)
    assert 'data-state="rejected"' in page and focused_scan_field(page)
