"""The whole chain on real processes: the comune office issues and prints a card → its PNG is read by
zxing-cpp → the text is typed into the till's scanner field in a real browser → ACCEPTED → a discount
recorded → the till syncs → the office revokes another card → the till syncs and refuses it as
REVOKED → the month's report shows the redemptions for the family's and the shop's comune.
Screenshots of the verdicts and of the report are saved in ``test-artifacts/``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser, Page, expect

from cardsvc.cli import main
from cardsvc.core import read_card_qr
from issuer.schema import open_database
from tests.e2e.browser import chromium, screenshot_path
from tests.e2e.network_setup import (
    AdminClient,
    enrol_till,
    make_central_instance,
    make_network,
    make_office_instance,
)
from tests.e2e.servers import familycard_process

pytestmark = pytest.mark.e2e
PASS = "e2e-passphrase-123"
USER_PASSWORD = "e2e-user-password"
ENV = {
    "FAMILYCARD_PASSPHRASE": PASS,
    "FAMILYCARD_ISSUER_PUSH_INTERVAL": "1",
    "FAMILYCARD_ISSUER_PUSH_MAX_BACKOFF": "2",
    "FAMILYCARD_KIOSK_SYNC_INTERVAL": "3600",
}
FAMILIES = """riferimento;referente;anni_nascita_figli;indirizzo;residente
E2E-2;Paolo Verdi;2016;Via Roma 2;si
E2E-3;Sara Neri;2017;Via Roma 3;si
E2E-4;Elena Galli;2015;Via Roma 4;si
E2E-5;Luca Riva;2014;Via Roma 5;si
E2E-6;Anna Sala;2018;Via Roma 6;si
"""


@dataclass
class Network:
    central: str
    office: str
    till: str
    office_folder: Path
    browser: Browser


@pytest.fixture
def network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Network]:
    monkeypatch.setenv("FAMILYCARD_PASSPHRASE", PASS)
    comuni = {"108040": "Seveso", "108012": "Brugherio"}
    home = make_network(tmp_path / "network", comuni, PASS, int(time.time()) - 30 * 86400)
    central_folder = make_central_instance(tmp_path / "central", home, PASS, USER_PASSWORD)
    with ExitStack() as stack:
        serve = ["central", "serve", "--instance", str(central_folder), "--workers", "2"]
        central = stack.enter_context(
            familycard_process(serve, ENV, "/api/v1/lists/trust", tmp_path / "c.log")
        )
        admin = AdminClient(central.base, "admin", USER_PASSWORD)
        shop = admin.merchant("Libreria Brugherio", "12345678903", "108012", "libreria")
        admin.published_offer(shop, title="10% sui libri", percent=10)
        office = make_office_instance(tmp_path / "office", home, admin, comuni, PASS, USER_PASSWORD)
        enrol_till(tmp_path / "till", central.base, admin.enrolment_code(shop), PASS)
        issuer = stack.enter_context(
            familycard_process(
                ["issuer", "serve", "--instance", str(office)], ENV, "/health", tmp_path / "i.log"
            )
        )
        till = stack.enter_context(
            familycard_process(
                ["kiosk", "serve", "--instance", str(tmp_path / "till")], ENV, "/health", tmp_path / "k.log"
            )
        )
        browser = stack.enter_context(chromium())
        yield Network(central.base, issuer.base, till.base, office, browser)


def new_page(network: Network) -> Page:
    context = network.browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.on("pageerror", lambda error: pytest.fail(f"page error: {error}"))
    return page


def office_login(page: Page, base: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=username]", "office-108040")
    page.fill("input[name=password]", USER_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("header")).to_contain_text("Comune di Seveso")


def issue_and_print(page: Page, base: str, tmp_path: Path) -> str:
    """Register a household, issue its card, download the printable PNG and read its QR code."""
    page.goto(base + "/households/new")
    page.fill("#reference_person", "Chiara Colombo")
    page.fill("#birth_years", "2016; 2019")
    page.fill("#address", "Via Cavour 21")
    page.keyboard.press("Enter")
    page.locator("button[id^=issue-]").first.click()
    expect(page.locator(".flash.ok")).to_contain_text("emessa")
    with page.expect_download() as download:
        page.locator("#download-png").click()
    path = tmp_path / "card.png"
    download.value.save_as(path)
    return read_card_qr(path.read_bytes())


def keys_set(page: Page) -> None:
    """The page's script has run: Esc and the amount's keys work from here on."""
    expect(page.locator("body")).to_have_attribute("data-ready", "1")


def scan(page: Page, text: str) -> None:
    page.locator("#code").focus()
    page.keyboard.type(text, delay=0)
    page.keyboard.press("Enter")


def test_issue_scan_redeem_sync_revoke_report(network: Network, tmp_path: Path) -> None:
    office = new_page(network)
    office_login(office, network.office)
    first = issue_and_print(office, network.office, tmp_path)
    families = tmp_path / "families.csv"
    families.write_text(FAMILIES)
    args = [
        "issuer",
        "import-csv",
        "--instance",
        str(network.office_folder),
        "--istat",
        "108040",
        "--operator",
        "office-108040",
        "--file",
        str(families),
        "--json",
    ]
    imported = CliRunner().invoke(main, args, env={"FAMILYCARD_PASSPHRASE": PASS})
    assert imported.exit_code == 0, imported.output
    db = open_database(str(network.office_folder / "issuer.db"))
    texts = [
        row[0] for row in db.execute("select qr from cards where holder != 'ANNA SALA' order by issued_at")
    ]
    to_revoke = db.execute("select qr from cards where holder = 'ANNA SALA'").fetchone()[0]
    assert first in texts and len(texts) == 5

    till = new_page(network)
    till.goto(network.till)
    for number, text in enumerate(texts):
        scan(till, text)
        expect(till.locator("#verdict")).to_contain_text("CARTA VALIDA")
        if number == 0:
            till.screenshot(path=screenshot_path("whole-network-accepted"), full_page=True)
        keys_set(till)
        expect(till.locator("#amount")).to_be_focused()
        till.keyboard.type("20,00")
        till.keyboard.press("Enter")
        expect(till.locator("#receipt")).to_contain_text("Sconto registrato")
        expect(till.locator("#discount")).to_have_text("2,00 €")
        keys_set(till)
        till.keyboard.press("Escape")
        expect(till.locator("#receipt")).to_have_count(0)
    scan(till, to_revoke)
    expect(till.locator("#verdict")).to_contain_text("CARTA VALIDA")  # not revoked yet
    till.keyboard.press("Escape")

    # the office revokes Anna Sala's card (she moved away); its event reaches the central service
    office.goto(network.office + "/?q=Sala")
    office.locator("table a[href^='/households/']").first.click()
    office.locator("a.mono").first.click()
    office.select_option("form[action$='/revoke'] select[name=reason]", "moved")
    office.locator("form[action$='/revoke'] button").click()
    office.locator("#confirm-button").click()  # revoking cannot be undone: the office confirms
    expect(office.locator(".flash.ok")).to_contain_text("revocata")
    office.goto(network.office + "/events")
    office.get_by_role("button", name="Invia ora").click()  # or wait for the background loop
    expect(office.locator("#pending")).to_contain_text("Tutto inviato")

    till.goto(network.till)
    till.locator("text=Sincronizza ora").click()
    expect(till.locator("#pending-count")).to_have_text("0")
    scan(till, to_revoke)
    expect(till.locator("#verdict")).to_contain_text("CARTA NON VALIDA")
    expect(till.locator("#verdict")).to_have_attribute("data-verdict", "REVOKED")
    till.screenshot(path=screenshot_path("whole-network-revoked"), full_page=True)

    report = new_page(network)
    report.goto(network.central + "/admin/login")
    report.fill("input[name=username]", "admin")
    report.fill("input[name=password]", USER_PASSWORD)
    report.keyboard.press("Enter")
    report.wait_for_url("**/admin/")
    report.goto(network.central + "/admin/reports")
    expect(report.locator("#network-redemptions")).to_have_text("5")
    seveso = report.locator("#by-family tr[data-istat='108040'] td")
    expect(seveso.nth(4)).to_have_text("5")  # five redemptions by Seveso's families...
    brugherio_shops = report.locator("#by-shop tr", has_text="Brugherio").locator("td")
    expect(brugherio_shops.nth(4)).to_have_text("5")  # ...in Brugherio's shop
    report.screenshot(path=screenshot_path("whole-network-report"), full_page=True)
