"""The admin pages' forms keep what was typed and say each error beside its field (nothing stored);
every action that succeeds says what it did."""

from __future__ import annotations

import pytest

from tests.functional.central.test_admin_ui import csrf, login
from tests.functional.conftest import Central
from tests.functional.form_checks import error_of, flashes, no_error, value_of

pytestmark = pytest.mark.functional
SHOP = {"name": "Ottica Bella", "vat": "01234567897", "address": "Via Roma 3", "istat": "108040"}


def _count(central: Central, table: str) -> int:
    db = central.db()
    try:
        return int(db.execute(f"select count(*) from {table}").fetchone()[0])
    finally:
        db.close()


def test_the_merchant_form_keeps_what_was_typed_and_says_each_error_beside_its_field(
    central: Central,
) -> None:
    client, _ = login(central, "admin")
    token = csrf(client.get("/admin/merchants").text)
    bad = {**SHOP, "vat": "01234567890", "category": "", "csrf_token": token}
    refused = client.post("/admin/merchants", data=bad)
    page = refused.text
    assert refused.status_code == 422
    for name in ("name", "vat", "address", "istat"):
        assert value_of(page, name) == bad[name], name
    assert error_of(page, "vat") == "cifra di controllo della partita IVA errata"
    assert error_of(page, "category") == "Scegliere una categoria dall'elenco."
    assert no_error(page, "name") and no_error(page, "address") and no_error(page, "istat")
    assert flashes(page, "error") == ["Correggere i 2 campi indicati qui sotto."]
    assert _count(central, "merchants") == 0

    empty = client.post("/admin/merchants", data={"csrf_token": token, "name": "  ", "vat": ""})
    assert empty.status_code == 422
    assert error_of(empty.text, "name") == "Campo obbligatorio."
    assert error_of(empty.text, "vat") == "la partita IVA ha 11 cifre"
    assert error_of(empty.text, "istat") == "Scegliere un comune dall'elenco."

    added = client.post(
        "/admin/merchants", data={**SHOP, "category": "ottica", "csrf_token": token}, follow_redirects=True
    )
    assert added.request.path == "/admin/merchants" and "Ottica Bella" in added.text
    assert flashes(added.text) == ["Esercente «Ottica Bella» aggiunto."]
    assert value_of(added.text, "name") == ""  # a new, empty form for the next shop
    again = client.post("/admin/merchants", data={**SHOP, "category": "ottica", "csrf_token": token})
    assert again.status_code == 422 and _count(central, "merchants") == 1
    assert error_of(again.text, "vat") == "Un esercente con questa partita IVA è già registrato."
    assert value_of(again.text, "category") == "ottica"


def test_the_merchant_form_in_english(central: Central) -> None:
    client, _ = login(central, "admin")
    token = csrf(client.get("/admin/merchants?lang=en").text)
    refused = client.post("/admin/merchants", data={**SHOP, "name": "x" * 121, "csrf_token": token})
    assert error_of(refused.text, "name") == "At most 120 characters."
    assert error_of(refused.text, "category") == "Choose a category from the list."
    assert flashes(refused.text, "error") == ["Correct the 2 fields marked below."]


def test_the_kiosk_form_says_a_missing_shop_beside_it_and_keeps_the_name(central: Central) -> None:
    shop = central.merchant()
    client, _ = login(central, "admin")
    token = csrf(client.get("/admin/kiosks").text)
    refused = client.post(
        "/admin/kiosks", data={"merchant_id": "", "name": "Cassa banco", "csrf_token": token}
    )
    assert refused.status_code == 422 and 'id="enrolment-code"' not in refused.text
    assert error_of(refused.text, "merchant_id") == "Scegliere un esercizio dall'elenco."
    assert value_of(refused.text, "name") == "Cassa banco"
    assert _count(central, "kiosks") == 0
    created = client.post(
        "/admin/kiosks", data={"merchant_id": str(shop), "name": "Cassa banco", "csrf_token": token}
    )
    assert created.status_code == 200 and 'id="enrolment-code"' in created.text
    assert _count(central, "kiosks") == 1


def test_the_office_credential_form_asks_for_a_comune(central: Central) -> None:
    client, _ = login(central, "admin")
    token = csrf(client.get("/admin/issuers").text)
    refused = client.post("/admin/issuers", data={"istat": "999999", "csrf_token": token})
    assert refused.status_code == 422 and 'id="issuer-token"' not in refused.text
    assert error_of(refused.text, "istat") == "Scegliere un comune dall'elenco."
    assert _count(central, "issuer_credentials") == 0
    created = client.post("/admin/issuers", data={"istat": "108040", "csrf_token": token})
    assert created.status_code == 200 and 'id="issuer-token"' in created.text


def test_a_refused_trust_list_stays_in_its_box_with_the_reason_beside_it(central: Central) -> None:
    client, _ = login(central, "admin")
    token = csrf(client.get("/admin/comuni").text)
    pasted = "eyJhbGciOiJFZERTQSJ9.not-a-list.sig"
    refused = client.post("/admin/comuni", data={"trust_list": pasted, "csrf_token": token})
    assert refused.status_code == 422 and value_of(refused.text, "trust_list") == pasted
    assert error_of(refused.text, "trust_list").startswith("Lista non importata: ")
    empty = client.post("/admin/comuni", data={"trust_list": " ", "csrf_token": token})
    assert error_of(empty.text, "trust_list") == "Campo obbligatorio."


def test_offer_moves_say_what_they_did(central: Central) -> None:
    merchant = central.merchant()
    draft = central.post(
        f"/api/v1/admin/merchants/{merchant}/offers",
        {"title": "Quaderni -10%", "kind": "percent", "percent": 10},
    ).json
    central.post(f"/api/v1/admin/offers/{draft['id']}/status", {"status": "pending"})
    client, _ = login(central, "admin")
    token = csrf(client.get("/admin/offers").text)
    url = f"/admin/offers/{draft['id']}/status"
    published = client.post(url, data={"status": "published", "csrf_token": token}, follow_redirects=True)
    assert flashes(published.text) == ["Offerta «Quaderni -10%» pubblicata."]
    form = {"status": "suspended", "reason": "reason_offer_misuse", "csrf_token": token}
    suspended = client.post(url, data=form, follow_redirects=True)
    assert flashes(suspended.text) == ["Offerta «Quaderni -10%» sospesa."]


def test_a_flag_decision_without_a_note_keeps_the_choice_and_says_so_beside_the_note(
    central: Central,
) -> None:
    from tests.functional.central.test_flag_review import _busy_card, flags

    _busy_card(central)
    [flag] = flags(central, "card_velocity")
    client, _ = login(central, "admin")
    token = csrf(client.get("/admin/flags").text)
    url = f"/admin/flags/{flag['id']}/decision"
    refused = client.post(url, data={"decision": "dismissed", "note": " ", "csrf_token": token})
    page = refused.text
    assert refused.status_code == 422 and len(flags(central, "card_velocity")) == 1
    assert value_of(page, "decision") == "dismissed"
    assert error_of(page, "note") == "Scrivere una nota che spieghi la decisione."
    no_choice = client.post(url, data={"note": "Verificato con il negozio.", "csrf_token": token})
    assert error_of(no_choice.text, "decision") == "Scegliere se la segnalazione è risolta o archiviata."
    assert value_of(no_choice.text, "note") == "Verificato con il negozio."


def test_the_offer_form_keeps_what_was_typed_and_creates_a_draft(central: Central) -> None:
    shop = central.merchant()
    client, _ = login(central, "admin")
    token = csrf(client.get("/admin/offers").text)
    typed = {"merchant_id": str(shop), "title": "Quaderni", "kind": "fixed", "amount": "cinque", "cap": "",
             "min_spend": "40", "min_minors": "2", "daily_limit": "0"}  # fmt: skip
    refused = client.post("/admin/offers", data={**typed, "csrf_token": token})
    page = refused.text
    assert refused.status_code == 422 and _count(central, "offers") == 0
    for name, value in typed.items():
        assert value_of(page, name) == value, name
    assert error_of(page, "amount") == "Scrivere un importo in euro, per esempio 12,50."
    assert error_of(page, "daily_limit") == "Un numero intero da 1 a 100."
    assert no_error(page, "min_spend") and no_error(page, "title")
    created = client.post(
        "/admin/offers",
        data={**typed, "amount": "5", "daily_limit": "", "csrf_token": token},
        follow_redirects=True,
    )
    assert flashes(created.text) == ["Offerta «Quaderni» creata come bozza."]
    db = central.db()
    [offer] = db.query("select amount_cents, min_spend_cents, min_minors, status from offers")
    db.close()
    assert offer == {"amount_cents": 500, "min_spend_cents": 4000, "min_minors": 2, "status": "draft"}
    big = client.post(
        "/admin/offers", data={**typed, "kind": "percent", "percent": "150", "csrf_token": token}
    )
    assert error_of(big.text, "percent") == "Un numero intero da 1 a 100."
    assert value_of(big.text, "kind") == "percent"
