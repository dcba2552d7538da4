"""A flag an administrator can act on: its shop, card number and records as rows on the page, and a
decision (resolved or dismissed) with a note, kept as an audit; voided sales do not count as use."""

from __future__ import annotations

import re

import pytest

from cardsvc.core import parse_credential
from cardsvc.core.card_number import format_card_number
from tests.functional.central.test_admin_ui import login
from tests.functional.central.test_card_events_and_flags import flags
from tests.functional.conftest import Central, Kiosk

pytestmark = pytest.mark.functional


def _busy_card(central: Central) -> tuple[str, Kiosk]:
    card = central.card()
    merchant = central.merchant()
    central.offer(merchant)
    kiosk = central.kiosk(merchant)
    for amount in (4000, 4100, 4200, 4300, 4400):
        sale = kiosk.redeem(card, amount=amount)
        assert kiosk.upload([sale]).json["results"][0]["status"] == "accepted"
    return card, kiosk


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def test_the_flag_shows_shop_card_number_and_records(central: Central) -> None:
    card, _ = _busy_card(central)
    client, _ = login(central, "admin")
    page = client.get("/admin/flags").text
    number = format_card_number(parse_credential(card).claims.cti)
    assert "Troppi utilizzi in un giorno" in page and "Farmacia Centrale" in page and number in page
    assert all(f"{euros},00 €" in page for euros in ("40", "41", "42", "43", "44"))


def test_a_decision_needs_a_note_and_is_kept(central: Central) -> None:
    _busy_card(central)
    [flag] = flags(central, "card_velocity")
    client, _ = login(central, "admin")
    url = f"/admin/flags/{flag['id']}/decision"
    token = _token(client.get("/admin/flags").text)
    refused = client.post(
        url, data={"decision": "dismissed", "note": " ", "csrf_token": token}, follow_redirects=True
    )
    assert "Scrivere una nota che spieghi la decisione." in refused.text
    assert len(flags(central, "card_velocity")) == 1  # still open
    no_choice = client.post(url, data={"note": "x", "csrf_token": token}, follow_redirects=True)
    assert "Scegliere se la segnalazione è risolta o archiviata." in no_choice.text
    note = "Famiglia numerosa: acquisti per i nonni, verificato con il negozio."
    done = client.post(
        url, data={"decision": "dismissed", "note": note, "csrf_token": token}, follow_redirects=True
    )
    assert f"Segnalazione n. {flag['id']} archiviata." in done.text
    assert flags(central, "card_velocity") == []
    decided = done.text.split('id="decided"')[1]
    assert note in decided and "admin" in decided and "Archiviata: nessun abuso" in decided
    again = client.post(
        url, data={"decision": "resolved", "note": "x", "csrf_token": token}, follow_redirects=True
    )
    assert "Questa segnalazione è già chiusa." in again.text
    assert decided.count(note) == again.text.split('id="decided"')[1].count(note) == 1


def test_only_the_network_administrator_decides(central: Central) -> None:
    _busy_card(central)
    [flag] = flags(central, "card_velocity")
    client, _ = login(central, "seveso")
    page = client.get("/admin/flags")
    assert page.status_code == 200 and "Troppi utilizzi in un giorno" in page.text
    assert "Chiudi la segnalazione" not in page.text
    answer = client.post(
        f"/admin/flags/{flag['id']}/decision",
        data={"decision": "resolved", "note": "ok", "csrf_token": _token(page.text)},
    )
    assert answer.status_code == 403 and len(flags(central, "card_velocity")) == 1


def test_voided_sales_do_not_count_towards_velocity(central: Central) -> None:
    card = central.card()
    merchant = central.merchant()
    central.offer(merchant)
    kiosk = central.kiosk(merchant)
    first = kiosk.redeem(card)
    void = kiosk.record(type="void", voids=first["id"])
    records = [first, void] + [kiosk.redeem(card) for _ in range(4)]
    answers = kiosk.upload(records).json["results"]
    assert [a["status"] for a in answers] == ["accepted"] * 6
    assert flags(central, "card_velocity") == []  # four sales stand, the fifth was voided
