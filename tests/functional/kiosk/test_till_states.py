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
