"""A shop joins the network by itself, in Chromium against the central service under gunicorn: it applies,
the network approves, the manager sets a password through the link read from a real SMTP server on
loopback, proposes the offer the network then publishes, enrols a till, and sees the card's value."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from cardsvc.core import generate_private_key, raw_public_key, to_rfc3339
from cardsvc.core.keys import b64url
from cardsvc.core.ledger_chain import chain_records, sign_batch
from tests.e2e.browser import chromium, screenshot_path
from tests.e2e.network_setup import HttpClient, make_central_instance, make_network
from tests.e2e.servers import familycard_server
from tests.functional.central.mail_server import MailServer

pytestmark = pytest.mark.e2e
PASS = "e2e-passphrase-123"
ADMIN_PASSWORD = "e2e-user-password"
SHOP_PASSWORD = "la-mia-password-segreta"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def new_page(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="it-IT")
    return context.new_page()


def log_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(base + "/admin/login")
    page.get_by_label("Nome utente").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Accedi").click()
    expect(page.get_by_role("button", name="Esci")).to_be_visible()


def test_a_shop_joins_by_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, browser: Browser) -> None:
    monkeypatch.setenv("FAMILYCARD_PASSPHRASE", PASS)
    now = int(time.time())
    home = make_network(tmp_path / "network", {"108040": "Seveso", "108012": "Brugherio"}, PASS, now - 3600)
    instance = make_central_instance(tmp_path / "central", home, PASS, ADMIN_PASSWORD)
    with MailServer() as mail:
        env = {
            "FAMILYCARD_PASSPHRASE": PASS,
            "FAMILYCARD_CENTRAL_SMTP_HOST": "127.0.0.1",
            "FAMILYCARD_CENTRAL_SMTP_PORT": str(mail.port),
            "FAMILYCARD_CENTRAL_NETWORK_EMAIL": "rete@example.it",
        }
        serve = ["central", "serve", "--instance", str(instance), "--workers", "2"]
        with familycard_server(serve, env, "/api/v1/lists/trust", tmp_path / "central.log") as base:
            shop = new_page(browser)
            shop.goto(base + "/directory")
            shop.get_by_role("link", name="Aderisci alla Family Card").click()
            shop.get_by_label("Nome dell'esercizio").fill("Libreria Il Gufo")
            shop.get_by_label("Partita IVA").fill("0123456789")  # one digit short
            shop.get_by_label("Comune").select_option(label="Seveso")
            shop.get_by_label("Categoria").select_option("libreria")
            shop.get_by_label("Indirizzo").fill("Via Cavour 3")
            shop.get_by_label("Nome e cognome").fill("Marta Riva")
            shop.get_by_label("Posta elettronica").fill("marta@ilgufo.example")
            shop.get_by_label("Offerta", exact=True).fill("10% sui libri per ragazzi")
            shop.get_by_label("Percentuale di sconto (per una percentuale)").fill("10")
            shop.get_by_role("button", name="Invia la domanda").click()
            expect(shop.locator("#vat-error")).to_contain_text("11 cifre")
            expect(shop.get_by_label("Indirizzo")).to_have_value("Via Cavour 3")  # kept
            shop.screenshot(path=screenshot_path("shop-apply-error"), full_page=True)
            shop.get_by_label("Partita IVA").fill("01234567897")
            shop.get_by_role("button", name="Invia la domanda").click()
            expect(shop.locator("#received")).to_contain_text("marta@ilgufo.example")

            admin = new_page(browser)
            log_in(admin, base, "admin", ADMIN_PASSWORD)
            admin.get_by_role("link", name="Domande di adesione").click()
            admin.get_by_role("link", name="Libreria Il Gufo").click()
            admin.screenshot(path=screenshot_path("central-application"), full_page=True)
            admin.get_by_role("button", name="Approva").click()
            expect(admin.locator(".flash.ok")).to_contain_text("accolta")

            deadline = time.time() + 10
            while not mail.messages and time.time() < deadline:
                time.sleep(0.1)
            [approved] = mail.messages
            assert approved["To"] == "marta@ilgufo.example"
            link = re.search(r"https?://\S+/account/password/[\w-]+", approved.get_content())
            assert link and link.group(0).startswith(base), approved.get_content()

            shop.goto(link.group(0))
            shop.get_by_label("Nuova password").fill(SHOP_PASSWORD)
            shop.get_by_label("Ripetere la password").fill(SHOP_PASSWORD)
            shop.get_by_role("button", name="Salva la password").click()
            expect(shop.locator(".flash.ok")).to_contain_text("Password salvata")
            shop.goto(link.group(0))
            expect(shop.locator("#problem")).to_contain_text("già stato usato")
            log_in(shop, base, "marta@ilgufo.example", SHOP_PASSWORD)
            shop.get_by_role("link", name="Il mio esercizio").click()
            shop.get_by_role("button", name="Proponi alla rete").click()

            admin.get_by_role("link", name="Offerte").click()
            admin.get_by_role("row", name=re.compile("10% sui libri per ragazzi")).get_by_role(
                "button", name="Approva"
            ).click()
            expect(admin.get_by_role("row", name=re.compile("10% sui libri"))).to_contain_text("Pubblicata")

            shop.get_by_role("link", name="Il mio esercizio").click()
            expect(shop.locator("#shop-offers")).to_contain_text("Pubblicata")
            shop.get_by_label("Nome della nuova cassa").fill("Cassa banco")
            shop.get_by_role("button", name="Aggiungi una cassa").click()
            code = shop.locator("#enrolment-code").inner_text()
            deadline = time.time() + 10
            while len(mail.messages) < 2 and time.time() < deadline:
                time.sleep(0.1)
            assert mail.messages[1]["To"] == "rete@example.it"

            device = generate_private_key()
            status, enrolled = HttpClient(base).call(
                "POST",
                "/api/v1/kiosks/enrol",
                {"code": code, "device_public_key": b64url(raw_public_key(device))},
            )
            assert status == 201, enrolled
            card = home.issue_card("108040", "FAMIGLIA ROSSI", 2, PASS, now - 60).text
            record = {"id": "r1", "type": "redemption", "card": card, "offer_id": enrolled["offers"][0]["id"],
                      "amount_cents": 3000, "discount_cents": 300, "at": to_rfc3339(now - 30)}  # fmt: skip
            batch = sign_batch(enrolled["kiosk_id"], chain_records([record]), device, to_rfc3339(now))
            till = HttpClient(base, {"Authorization": "Bearer " + enrolled["token"]})
            assert till.call("POST", "/api/v1/redemptions", batch)[0] == 200

            shop.get_by_role("link", name="Torna al mio esercizio").click()
            expect(shop.locator("#operations")).to_have_text("1")
            expect(shop.locator("#discount-given")).to_contain_text("3,00")
            expect(shop.locator("#families")).to_have_text("< 5")
            shop.screenshot(path=screenshot_path("shop-value"), full_page=True)
