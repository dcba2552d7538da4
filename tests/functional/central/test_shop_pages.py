"""A shop manager's own pages: the month's value with the trend and the category's median (hidden below
five shops), the statement as PDF, offers written as drafts and proposed, and a till the shop enrols
itself, with the network told."""

from __future__ import annotations

import html
import re
import subprocess
from typing import Any

import pytest
from flask.testing import FlaskClient

from cardsvc.central.vat import vat_check_digit
from cardsvc.core import generate_private_key, raw_public_key
from cardsvc.core.keys import b64url
from tests.functional.central.mail_server import MailServer
from tests.functional.central.test_admin_ui import csrf, login
from tests.functional.conftest import Central, run_cli

pytestmark = pytest.mark.functional
MANAGER = "gestore-farmacia"


def vat(n: int) -> str:
    first = f"{n:010d}"
    return first + str(vat_check_digit(first))


def manager_of(central: Central, merchant_id: int, username: str = MANAGER) -> FlaskClient:
    run_cli(
        "central", "add-user", "--instance", str(central.instance), "--username", username,
        "--role", "merchant_manager", "--merchant-id", str(merchant_id),
    )  # fmt: skip
    client, answer = login(central, username)
    assert answer.status_code == 302
    return client


def rows(central: Central, sql: str) -> list[dict[str, Any]]:
    return list(central.db().query(sql))


def text(page: Any) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page.text)))


def test_the_month_value_with_families_hidden_below_five(central: Central) -> None:
    shop = central.merchant()
    central.offer(shop)
    till = central.kiosk(shop)
    cards = [central.card(holder=f"FAMIGLIA {n}") for n in range(6)]
    till.upload([till.redeem(card, amount=4000, discount=400) for card in cards[:3]])
    client = manager_of(central, shop)
    page = client.get("/admin/shop").text
    assert "Farmacia Centrale: la Family Card a novembre 2026" in html.unescape(page)
    assert '<dd id="families">&lt; 5</dd>' in page and '<dd id="operations">3</dd>' in page
    assert "12,00 €" in html.unescape(page)
    till.upload([till.redeem(card, amount=4000, discount=400) for card in cards[3:]])
    page = client.get("/admin/shop").text
    assert re.search(r'<dd id="families">6</dd>', page) and re.search(r'<dd id="operations">6</dd>', page)
    assert "24,00 €" in html.unescape(page)


def test_the_category_median_needs_five_shops(central: Central) -> None:
    shops = [central.merchant(name=f"Farmacia {n}", vat=vat(100 + n)) for n in range(4)]
    for shop in shops:
        central.offer(shop)
    tills = [central.kiosk(shop) for shop in shops]
    card = central.card()
    for n, till in enumerate(tills):  # shop n gives n + 1 discounts of 1,00 €
        till.upload([till.redeem(card, discount=100) for _ in range(n + 1)])
    client = manager_of(central, shops[0])
    assert "almeno cinque esercizi" in text(client.get("/admin/shop"))
    fifth = central.merchant(name="Farmacia 5", vat=vat(200))  # no operations: counted as zero
    other = central.merchant(name="Libreria", vat=vat(201), category="libreria")  # another category
    assert fifth and other
    page = text(client.get("/admin/shop"))
    # discounts 0, 1, 2, 3, 4 euro over five shops: the median shop gave 2,00 € in 2 operations
    assert "(5 esercizi) ha dato 2,00 € di sconto in 2 operazioni" in page


def test_the_trend_starts_at_the_networks_first_month(central: Central) -> None:
    shop = central.merchant()
    central.offer(shop)
    client = manager_of(central, shop)
    empty = client.get("/admin/shop?month=2026-11").text
    assert empty.count('<th scope="row">') == 1  # no data in the network: the month alone
    till = central.kiosk(shop)
    till.upload([till.redeem(central.card())])
    page = client.get("/admin/shop?month=2027-02").text
    months = re.findall(r'<th scope="row">([^<]+)</th>', page)
    assert months == ["novembre 2026", "dicembre 2026", "gennaio 2027", "febbraio 2027"]
    assert client.get("/admin/shop?month=2026-13").status_code == 404


def test_the_statement_pdf(central: Central, tmp_path: Any) -> None:
    shop = central.merchant()
    central.offer(shop)
    till = central.kiosk(shop)
    till.upload([till.redeem(central.card(), amount=5000, discount=500)])
    client = manager_of(central, shop)
    answer = client.get("/admin/shop/2026-11.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    pdf = tmp_path / "rendiconto.pdf"
    pdf.write_bytes(answer.data)
    words = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    content = re.sub(r"\s+", " ", words.stdout)
    assert "Rendiconto Family Card — Farmacia Centrale — novembre 2026" in content
    assert "10% sui prodotti per l'infanzia" in content and "5,00 €" in content and "< 5" in content
    assert client.get("/admin/shop/2026-1.pdf").status_code == 404


def test_offers_are_written_as_drafts_and_proposed(central: Central) -> None:
    shop = central.merchant()
    other = central.merchant(name="Libreria", vat=vat(300), category="libreria")
    client = manager_of(central, shop)
    form = client.get("/admin/offers")
    token = csrf(form.text)
    fields = {"merchant_id": str(shop), "title": "Sconto ragazzi", "min_spend": "20,00", "csrf_token": token}
    client.post("/admin/offers", data={**fields, "kind": "fixed", "amount": "5,00"})
    [offer] = rows(central, "select * from offers")
    assert (offer["merchant_id"], offer["status"], offer["amount_cents"], offer["min_spend_cents"]) == (
        shop, "draft", 500, 2000,
    )  # fmt: skip
    assert f"/admin/shop/offers/{offer['id']}" in client.get("/admin/shop").text  # a draft can be changed
    bad = client.post(
        f"/admin/shop/offers/{offer['id']}", data={**fields, "kind": "percent", "percent": "150"}
    )
    page = html.unescape(bad.text)
    assert bad.status_code == 422 and 'id="percent-error"' in page
    assert 'value="Sconto ragazzi"' in page and 'value="20,00"' in page and 'value="150"' in page
    assert rows(central, "select kind, amount_cents from offers") == [{"kind": "fixed", "amount_cents": 500}]
    edit = client.get(f"/admin/shop/offers/{offer['id']}")
    assert 'value="5,00"' in edit.text
    client.post(
        f"/admin/shop/offers/{offer['id']}",
        data={**fields, "kind": "fixed", "amount": "6,50", "min_spend": ""},
        follow_redirects=True,
    )
    assert rows(central, "select amount_cents, min_spend_cents from offers") == [
        {"amount_cents": 650, "min_spend_cents": 0}
    ]
    proposed = client.post(
        f"/admin/offers/{offer['id']}/status", data={"status": "pending", "csrf_token": token}
    )
    assert proposed.status_code == 302
    late = client.post(
        f"/admin/shop/offers/{offer['id']}",
        data={**fields, "title": "Altro", "kind": "fixed", "amount": "9,00"},
    )
    assert late.status_code == 409 and "solo un'offerta in bozza" in html.unescape(late.text)
    assert rows(central, "select title, status from offers") == [
        {"title": "Sconto ragazzi", "status": "pending"}
    ]
    other_offer = central.post(
        f"/api/v1/admin/merchants/{other}/offers", {"title": "Libri", "kind": "percent", "percent": 5}
    ).json["id"]
    assert client.get(f"/admin/shop/offers/{other_offer}").status_code == 404  # another shop's


def test_a_shop_enrols_its_own_till_and_the_network_is_told(central: Central) -> None:
    shop = central.merchant()
    central.offer(shop)
    client = manager_of(central, shop)
    with MailServer() as server:
        central.app.config.update(
            SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, NETWORK_EMAIL="rete@example.it"
        )
        page = client.get("/admin/shop")
        added = client.post("/admin/shop/kiosks", data={"name": "Cassa 2", "csrf_token": csrf(page.text)})
        assert added.status_code == 200
        code = re.search(r'id="enrolment-code">([^<]+)<', added.text).group(1)  # type: ignore[union-attr]
        [told] = server.messages
    assert told["To"] == "rete@example.it" and "Farmacia Centrale" in told["Subject"]
    assert MANAGER in told.get_content() and "Cassa 2" in told.get_content()
    [kiosk] = rows(central, "select name, status, created_by from kiosks")
    assert kiosk == {"name": "Cassa 2", "status": "pending", "created_by": MANAGER}
    enrolled = central.client.post(
        "/api/v1/kiosks/enrol",
        json={"code": code, "device_public_key": b64url(raw_public_key(generate_private_key()))},
    )
    assert enrolled.status_code == 201, enrolled.json
