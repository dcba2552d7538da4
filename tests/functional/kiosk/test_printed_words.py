"""What the till prints and says in words: the receipt with the shop's name and address and the card's
number, the day close and the statement with their day and month in words, and `familycard kiosk
status` with the last sync as a Rome day and time."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from click.testing import CliRunner

from cardsvc.cli import main
from cardsvc.core import format_card_number
from cardsvc.core.keys import b64url_decode
from merchant_kiosk import store
from merchant_kiosk.identity import database_path
from merchant_kiosk.schema import open_database
from tests.functional.conftest import PASS
from tests.functional.kiosk.conftest import Till

pytestmark = pytest.mark.functional
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def test_the_receipt_names_the_shop_and_the_card(till: Till) -> None:
    card = till.central.card()
    recorded = till.redeem(card, "20,00")
    assert recorded.status_code == 303
    receipt = till.client.get(recorded.headers["Location"]).text
    shop = re.search(r'<p class="shop-on-receipt" id="receipt-shop">(.*?)</p>', receipt, re.S)
    assert shop and "Farmacia Centrale" in shop.group(1) and "Via Roma 1" in shop.group(1)
    number = re.search(r'<dd class="mono" id="receipt-card">([0-9A-Z-]+)</dd>', receipt)
    db = open_database(database_path(till.instance))
    (cti,) = db.execute("select cti from ledger where type = 'redemption'").fetchone()
    assert number and number.group(1) == format_card_number(b64url_decode(cti))
    assert (
        receipt.index('id="receipt-shop"') < receipt.index('id="receipt-card"') < receipt.index("</section>")
    )


def test_day_close_and_statement_in_words(till: Till) -> None:
    till.redeem(till.central.card(), "20,00")
    closed = till.post("/day/close")
    page = till.client.get(closed.headers["Location"]).text
    heading = re.search(r"<h1>(.*?)</h1>", page, re.S)
    assert heading and heading.group(1) == "Chiusura n. 1 del 18 novembre 2026"
    day = till.client.get("/day").text
    assert "(18 novembre 2026)" in day and not ISO_DAY.search(day.split("<main>")[1])
    statement = till.client.get("/statement?month=2026-11").text
    assert "<h1>Rendiconto mensile — novembre 2026</h1>" in statement
    english = till.client.get("/statement?month=2026-11&lang=en").text
    assert "<h1>Monthly statement — November 2026</h1>" in english
    assert "<h1>Close no. 1 of 18 November 2026</h1>" in till.client.get(closed.headers["Location"]).text


def test_kiosk_status_says_the_last_sync_in_words(make_till: Callable[..., Till]) -> None:
    till = make_till()
    db = open_database(database_path(till.instance))
    with db.conn:
        store.put(db, "last_sync_at", 1795604231)
    db.close()
    result = CliRunner().invoke(
        main, ["kiosk", "status", "--instance", str(till.instance)], env={"FAMILYCARD_PASSPHRASE": PASS}
    )
    assert result.exit_code == 0, result.output
    assert "Last sync: 25 November 2026, 11:57 (Rome time); pending: 0" in result.output
    assert "1795604231" not in result.output


def test_an_offer_and_its_terms_read_as_two_parts(make_till: Callable[..., Till]) -> None:
    """The title, then the terms ("5% sulla spesa per la famiglia — 5% di sconto"), never run together."""
    till = make_till([{"title": "5% sulla spesa per la famiglia", "kind": "percent", "percent": 5}])
    page = till.scan(till.central.card()).text
    label = re.search(r'<label class="offer[^"]*">(.*?)</label>', page, re.S)
    assert label, page
    text = " ".join(re.sub(r"<[^>]+>", " ", label.group(1)).split())
    assert text == "5% sulla spesa per la famiglia — 5% di sconto"
