"""What the till prints, in a real browser (Debian's Chromium through Playwright) with the print media:
the receipt with the shop's name and address and the card's number, without the till's navigation and
buttons; the monthly statement without the month picker and the navigation. Screenshots are saved as
test artifacts."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect

from cardsvc.network.home import NetworkHome
from tests.e2e.browser import chromium, screenshot_path
from tests.e2e.network_setup import AdminClient, enrol_till, make_central_instance, make_network
from tests.e2e.servers import familycard_process

pytestmark = pytest.mark.e2e
PASS = "e2e-passphrase-123"
USER_PASSWORD = "e2e-user-password"
ENV = {"FAMILYCARD_PASSPHRASE": PASS, "FAMILYCARD_KIOSK_SYNC_INTERVAL": "1"}


@dataclass
class Network:
    home: NetworkHome
    till: str

    def card(self, holder: str) -> str:
        return self.home.issue_card("108040", holder, 2, PASS, int(time.time()) - 60).text


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Network]:
    tmp = tmp_path_factory.mktemp("print-browser")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FAMILYCARD_PASSPHRASE", PASS)
        home = make_network(tmp / "network", {"108040": "Seveso"}, PASS, int(time.time()) - 3600)
        instance = make_central_instance(tmp / "central", home, PASS, USER_PASSWORD)
        serve = ["central", "serve", "--instance", str(instance), "--workers", "1"]
        with familycard_process(serve, ENV, "/api/v1/lists/trust", tmp / "central.log") as central:
            admin = AdminClient(central.base, "admin", USER_PASSWORD)
            merchant = admin.merchant("Libreria del Borgo", "01234567897", "108040", "libreria")
            admin.published_offer(merchant, title="10% sui libri per ragazzi", percent=10)
            enrol_till(tmp / "till", central.base, admin.enrolment_code(merchant), PASS)
            till_args = ["kiosk", "serve", "--instance", str(tmp / "till")]
            with familycard_process(till_args, ENV, "/health", tmp / "till.log") as till:
                yield Network(home, till.base)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="it-IT")
    errors: list[str] = []
    opened = context.new_page()
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert errors == []


def test_the_printed_receipt_names_the_shop_and_the_card(network: Network, page: Page) -> None:
    page.goto(network.till)
    expect(page.locator("#code")).to_be_focused()
    page.keyboard.type(network.card("CHIARA COLOMBO"), delay=1)
    page.keyboard.press("Enter")
    expect(page.locator("#verdict")).to_contain_text("CARTA VALIDA")
    number = page.locator("dl.claims dd.mono").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{1,4})+", number), number
    expect(page.locator("#amount")).to_be_focused()
    page.keyboard.type("42,50")
    page.keyboard.press("Enter")
    expect(page.locator("#receipt")).to_contain_text("Sconto registrato")
    page.emulate_media(media="print")
    expect(page.locator("#receipt-shop")).to_be_visible()
    expect(page.locator("#receipt-shop")).to_contain_text("Libreria del Borgo")
    expect(page.locator("#receipt-shop")).to_contain_text("Via Roma 1")
    expect(page.locator("#receipt-card")).to_be_visible()
    expect(page.locator("#receipt-card")).to_have_text(number)
    expect(page.locator("#to-pay")).to_be_visible()
    for hidden in ("header", "#sync-status", "p.actions", "#next"):
        expect(page.locator(hidden).first).to_be_hidden()
    page.screenshot(path=screenshot_path("kiosk-receipt-print"), full_page=True)


def test_the_printed_statement_has_no_month_picker(network: Network, page: Page) -> None:
    page.goto(network.till + "/statement")
    month = page.locator('input[name="month"]')
    expect(month).to_be_visible()
    expect(page.locator("h1")).to_contain_text("Rendiconto mensile — ")
    assert not re.search(r"\d{4}-\d{2}", page.locator("h1").inner_text())  # the month in words
    page.emulate_media(media="print")
    expect(month).to_be_hidden()
    expect(page.locator("header nav")).to_be_hidden()
    expect(page.get_by_role("button", name="Stampa")).to_be_hidden()
    expect(page.locator("#statement")).to_be_visible()
    expect(page.locator("#statement")).to_contain_text("Libreria del Borgo")
    page.screenshot(path=screenshot_path("kiosk-statement-print"), full_page=True)
