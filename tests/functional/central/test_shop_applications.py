"""A shop's way in: it applies on the public page, the network or its comune decides, the manager sets a
password through a one-time link sent by e-mail (a real SMTP server on loopback), then logs in.

Bad input is said beside its field and stores nothing; spam (the hidden field, bursts from one address or
from everyone) stores nothing; a link works once and never after it expires."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.functional.central.mail_server import MailServer
from tests.functional.central.test_admin_ui import csrf, login
from tests.functional.conftest import NOW, Central

pytestmark = pytest.mark.functional

VAT = "01234567897"
OTHER_VAT = "12345678903"
PASSWORD = "una-password-lunga"


def application(**changes: str) -> dict[str, str]:
    form = {
        "name": "Libreria Il Gufo",
        "vat": VAT,
        "istat": "108040",
        "category": "libreria",
        "address": "Via Cavour 3, Seveso",
        "contact_name": "Marta Riva",
        "email": "Marta@IlGufo.example",
        "phone": "+39 0362 123456",
        "offer_title": "10% sui libri per ragazzi",
        "offer_kind": "percent",
        "offer_percent": "10",
        "offer_amount": "",
        "offer_min_spend": "20,00",
    }
    return {**form, **changes}


def apply(client: FlaskClient, form: dict[str, str], address: str = "192.0.2.10") -> Any:
    page = client.get("/aderisci", environ_base={"REMOTE_ADDR": address})
    return client.post(
        "/aderisci", data={**form, "csrf_token": csrf(page.text)}, environ_base={"REMOTE_ADDR": address}
    )


def rows(central: Central, sql: str) -> list[dict[str, Any]]:
    return list(central.db().query(sql))


@pytest.fixture
def mail(central: Central) -> Iterator[MailServer]:
    with MailServer() as server:
        central.app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, SMTP_FROM="rete@example.it")
        yield server


def decide(central: Central, user: str, application_id: int, action: str, **form: str) -> Any:
    client, _ = login(central, user)
    page = client.get(f"/admin/applications/{application_id}")
    assert page.status_code == 200, page.text
    return client, client.post(
        f"/admin/applications/{application_id}/{action}",
        data={**form, "csrf_token": csrf(page.text)},
        follow_redirects=True,
    )


def test_a_shop_applies_is_approved_sets_its_password_and_logs_in(central: Central, mail: MailServer) -> None:
    sent = apply(central.app.test_client(), application())
    assert sent.status_code == 200
    assert "la risposta arriverà all'indirizzo marta@ilgufo.example" in html.unescape(sent.text).lower()
    [stored] = rows(central, "select * from shop_applications")
    assert stored["status"] == "pending" and stored["offer_min_spend_cents"] == 2000

    _, approved = decide(central, "seveso", stored["id"], "approve")  # the comune's own officer
    assert "Domanda di Libreria Il Gufo accolta" in html.unescape(approved.text)
    [merchant] = rows(central, "select * from merchants where vat = '01234567897'")
    assert (merchant["name"], merchant["istat"], merchant["category"]) == (
        "Libreria Il Gufo",
        "108040",
        "libreria",
    )
    [offer] = rows(central, f"select * from offers where merchant_id = {merchant['id']}")
    assert (offer["status"], offer["percent"], offer["min_spend_cents"]) == ("draft", 10, 2000)

    [message] = mail.messages
    assert message["To"] == "marta@ilgufo.example" and message["From"] == "rete@example.it"
    assert "Libreria Il Gufo" in message["Subject"]
    link = re.search(r"http://localhost(/account/password/[\w-]+)", message.get_content())
    assert link, message.get_content()
    [kept] = rows(central, "select sent_at, body from messages")
    assert kept["sent_at"] and kept["body"] == ""  # sent: the body with the one-time link is not kept

    shop = central.app.test_client()
    form = shop.get(link.group(1))
    assert "marta@ilgufo.example" in form.text
    weak = shop.post(
        link.group(1), data={"password": "corta", "confirm": "corta", "csrf_token": csrf(form.text)}
    )
    assert weak.status_code == 422 and "almeno 10 caratteri" in weak.text
    assert rows(central, "select count(*) as n from users where role = 'merchant_manager'") == [{"n": 0}]
    done = shop.post(
        link.group(1), data={"password": PASSWORD, "confirm": PASSWORD, "csrf_token": csrf(form.text)}
    )
    assert done.status_code == 302 and done.headers["Location"].endswith("/admin/login")
    again = shop.get(link.group(1))
    assert again.status_code == 410 and "già stato usato" in html.unescape(again.text)

    manager, answer = login(central, "marta@ilgufo.example", PASSWORD)
    assert answer.status_code == 302
    offers = manager.get("/admin/offers")
    assert "10% sui libri per ragazzi" in offers.text


def test_refusal_needs_a_reason_and_tells_the_shop(central: Central, mail: MailServer) -> None:
    apply(central.app.test_client(), application())
    [stored] = rows(central, "select id from shop_applications")
    _, no_reason = decide(central, "admin", stored["id"], "refuse")
    assert "Scegliere un motivo." in no_reason.text
    _, no_note = decide(central, "admin", stored["id"], "refuse", reason="refusal_other")
    assert "scrivere una nota" in html.unescape(no_note.text)
    assert rows(central, "select status from shop_applications") == [{"status": "pending"}]
    assert mail.messages == []
    _, refused = decide(central, "admin", stored["id"], "refuse", reason="refusal_not_for_families", note="")
    assert "Domanda di Libreria Il Gufo respinta." in refused.text
    [row] = rows(central, "select status, reason, decided_by from shop_applications")
    assert row == {"status": "refused", "reason": "refusal_not_for_families", "decided_by": "admin"}
    assert rows(central, "select count(*) as n from merchants") == [{"n": 0}]
    [message] = mail.messages
    assert "L'attività non è rivolta alle famiglie" in message.get_content()
    _, twice = decide(central, "admin", stored["id"], "approve")
    assert "già stata decisa" in html.unescape(twice.text)
    assert rows(central, "select count(*) as n from merchants") == [{"n": 0}]


def test_an_officer_sees_and_decides_only_their_comune(central: Central) -> None:
    apply(central.app.test_client(), application(istat="108012", vat=OTHER_VAT))
    [stored] = rows(central, "select id from shop_applications")
    client, _ = login(central, "seveso")
    assert "Nessuna domanda." in client.get("/admin/applications").text
    assert client.get(f"/admin/applications/{stored['id']}").status_code == 404
    page = client.get("/admin/applications")
    refused = client.post(f"/admin/applications/{stored['id']}/approve", data={"csrf_token": csrf(page.text)})
    assert refused.status_code == 404
    assert rows(central, "select status from shop_applications") == [{"status": "pending"}]
    admin, _ = login(central, "admin")
    assert "Libreria Il Gufo" in admin.get("/admin/applications").text


@pytest.mark.parametrize(
    ("change", "field", "said"),
    [
        ({"vat": "01234567890"}, "vat", "cifra di controllo"),
        ({"vat": "123"}, "vat", "11 cifre"),
        ({"email": "marta at ilgufo"}, "email", "indirizzo di posta elettronica"),
        ({"istat": "999999"}, "istat", "comune della rete"),
        ({"category": "armeria"}, "category", "Scegliere una categoria."),
        ({"name": ""}, "name", "Campo obbligatorio."),
        ({"offer_percent": "150"}, "offer_percent", "da 1 a 100"),
        ({"offer_kind": "fixed", "offer_amount": "cinque"}, "offer_amount", "importo in euro"),
        ({"phone": "chiamare dopo le 5"}, "phone", "numero di telefono"),
    ],
)
def test_bad_input_is_said_beside_its_field_and_keeps_what_was_typed(
    central: Central, change: dict[str, str], field: str, said: str
) -> None:
    answer = apply(central.app.test_client(), application(**change))
    page = html.unescape(answer.text)
    assert answer.status_code == 422
    error = re.search(rf'<p class="field-error" id="{field}-error">([^<]+)</p>', page)
    assert error and said in error.group(1), page
    assert re.search(rf'id="{field}"[^>]*aria-invalid="true" aria-describedby="[^"]*{field}-error"', page)
    assert 'value="Via Cavour 3, Seveso"' in page and 'value="Marta Riva"' in page  # nothing retyped
    assert rows(central, "select count(*) as n from shop_applications") == [{"n": 0}]


def test_duplicates_are_refused_in_words(central: Central) -> None:
    client = central.app.test_client()
    assert apply(client, application()).status_code == 200
    again = apply(client, application(name="Il Gufo srl"), address="192.0.2.11")
    assert again.status_code == 409 and "già in attesa" in html.unescape(again.text)
    central.merchant(name="Cartoleria Rossi", vat=OTHER_VAT)
    member = apply(client, application(vat=OTHER_VAT), address="192.0.2.12")
    assert member.status_code == 409 and "fa già parte della rete" in html.unescape(member.text)
    assert rows(central, "select count(*) as n from shop_applications") == [{"n": 1}]


def test_spam_stores_nothing(central: Central) -> None:
    client = central.app.test_client()
    bot = apply(client, application(website="http://spam.example"))
    assert bot.status_code == 200  # a bot is told nothing useful
    assert rows(central, "select count(*) as n from shop_applications") == [{"n": 0}]
    vats = [VAT, VAT, OTHER_VAT, "11111111115", "22222222220"]
    burst = [apply(client, application(vat=vat), address="198.51.100.7") for vat in vats]
    assert [answer.status_code for answer in burst] == [200, 409, 200, 200, 429]  # a mistake does not count
    assert "Troppe domande" in html.unescape(burst[-1].text) and burst[-1].headers["Retry-After"] == "3600"
    assert 'value="22222222220"' in burst[-1].text  # what was typed is still there
    assert apply(client, application(vat="22222222220"), address="198.51.100.8").status_code == 200
    assert rows(central, "select count(*) as n from shop_applications") == [{"n": 4}]
    stored = rows(central, "select client from application_attempts")
    assert all("198.51" not in row["client"] for row in stored)  # addresses kept only as keyed hashes


def test_the_network_wide_hourly_limit(central: Central) -> None:
    central.app.config["APPLICATIONS_PER_HOUR"] = 2
    client = central.app.test_client()
    assert apply(client, application(), address="192.0.2.1").status_code == 200
    assert apply(client, application(vat=OTHER_VAT), address="192.0.2.2").status_code == 200
    assert apply(client, application(vat="11111111115"), address="192.0.2.3").status_code == 429
    central.app.config["CLOCK"].now = NOW + 3601
    assert apply(client, application(vat="11111111115"), address="192.0.2.3").status_code == 200


def test_an_expired_or_unknown_link_is_said_and_creates_nothing(central: Central) -> None:
    apply(central.app.test_client(), application())
    [stored] = rows(central, "select id from shop_applications")
    decide(central, "admin", stored["id"], "approve")  # no mail server: the message waits
    [waiting] = rows(central, "select body from messages where sent_at is null")
    path = re.search(r"http://localhost(/account/password/[\w-]+)", waiting["body"]).group(1)  # type: ignore[union-attr]
    admin, _ = login(central, "admin")
    assert path in admin.get("/admin/messages").text  # the administrator can forward it by hand
    unknown = central.app.test_client().get("/account/password/not-a-token")
    assert unknown.status_code == 404 and "non è valido" in html.unescape(unknown.text)
    central.app.config["CLOCK"].now = NOW + central.app.config["PASSWORD_LINK_TTL"]
    expired = central.app.test_client().get(path)
    assert expired.status_code == 410 and "scaduto" in expired.text
    assert rows(central, "select count(*) as n from users where role = 'merchant_manager'") == [{"n": 0}]


def test_a_mail_server_that_is_down_keeps_the_message(central: Central) -> None:
    central.app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=MailServer.free_port())
    apply(central.app.test_client(), application())
    [stored] = rows(central, "select id from shop_applications")
    _, approved = decide(central, "admin", stored["id"], "approve")
    assert "accolta" in approved.text  # the decision stands
    [message] = rows(central, "select sent_at, attempts, last_error, body from messages")
    assert message["sent_at"] is None and message["attempts"] == 1 and message["last_error"]
    assert "/account/password/" in message["body"]
    with MailServer(port=central.app.config["SMTP_PORT"]) as server:
        from cardsvc.central.mail_delivery import send_once

        central.app.config["CLOCK"].now = NOW + 1
        assert send_once(central.app) == 1
        assert len(server.messages) == 1
    assert rows(central, "select attempts, body from messages") == [{"attempts": 2, "body": ""}]


def test_a_decided_applications_contact_is_erased_after_six_months(central: Central) -> None:
    apply(central.app.test_client(), application())
    [stored] = rows(central, "select id from shop_applications")
    decide(central, "admin", stored["id"], "refuse", reason="refusal_outside_network")
    central.app.config["CLOCK"].now = NOW + 179 * 86_400
    apply(central.app.test_client(), application(vat=OTHER_VAT, email="altro@example.it"))
    assert rows(central, f"select email from shop_applications where id = {stored['id']}") == [
        {"email": "marta@ilgufo.example"}
    ]
    central.app.config["CLOCK"].now = NOW + 181 * 86_400
    apply(central.app.test_client(), application(vat="11111111115", email="terzo@example.it"))
    kept = rows(
        central,
        "select name, vat, status, reason, contact_name, email, phone from shop_applications order by id",
    )
    assert kept[0] == {
        "name": "Libreria Il Gufo", "vat": VAT, "status": "refused", "reason": "refusal_outside_network",
        "contact_name": None, "email": None, "phone": None,
    }  # fmt: skip
    assert [row["email"] for row in kept[1:]] == ["altro@example.it", "terzo@example.it"]  # still pending
