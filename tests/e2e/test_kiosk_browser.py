"""The till in a real browser (Debian's Chromium through Playwright) against the real servers: a card
typed by the USB scanner into the always-focused field, a discount recorded and voided with the keyboard,
the offline banner when the central service is down. Screenshots are saved as test artifacts."""

from __future__ import annotations

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
ENV = {
    "FAMILYCARD_PASSPHRASE": PASS,
    "FAMILYCARD_KIOSK_SYNC_INTERVAL": "1",
    "FAMILYCARD_KIOSK_SYNC_MAX_BACKOFF": "2",
}


@dataclass
class Network:
    home: NetworkHome
    till: str
    stop_central: object

    def card(self, holder: str, minors: int = 2) -> str:
        return self.home.issue_card("108040", holder, minors, PASS, int(time.time()) - 60).text


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Network]:
    tmp = tmp_path_factory.mktemp("till-browser")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FAMILYCARD_PASSPHRASE", PASS)
        now = int(time.time())
        home = make_network(tmp / "network", {"108040": "Seveso"}, PASS, now - 3600)
        instance = make_central_instance(tmp / "central", home, PASS, USER_PASSWORD)
        serve = ["central", "serve", "--instance", str(instance), "--workers", "1"]
        with familycard_process(serve, ENV, "/api/v1/lists/trust", tmp / "central.log") as central:
            admin = AdminClient(central.base, "admin", USER_PASSWORD)
            merchant = admin.merchant("Libreria del Borgo", "01234567897", "108040", "libreria")
            admin.published_offer(merchant, title="10% sui libri per ragazzi", percent=10)
            enrol_till(tmp / "till", central.base, admin.enrolment_code(merchant), PASS)
            till_args = ["kiosk", "serve", "--instance", str(tmp / "till")]
            with familycard_process(till_args, ENV, "/health", tmp / "till.log") as till:
                yield Network(home, till.base, central.kill)


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


def scan_like_a_usb_scanner(page: Page, text: str) -> None:
    """The scanner types the code as keystrokes into whatever has the focus, then Enter."""
    page.keyboard.type(text, delay=1)
    page.keyboard.press("Enter")


def test_scan_record_and_void_with_the_keyboard(network: Network, page: Page) -> None:
    page.goto(network.till)
    expect(page.locator("#code")).to_be_focused()
    scan_like_a_usb_scanner(page, network.card("CHIARA COLOMBO", 3))
    verdict = page.locator("#verdict")
    expect(verdict).to_contain_text("CARTA VALIDA")
    expect(page.locator("#holder")).to_have_text("CHIARA COLOMBO")
    expect(page.locator("body")).to_have_attribute("data-played", "accept")
    assert (
        page.locator(".verdict.ok").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(0, 128, 85)"
    )
    expect(page.locator("#amount")).to_be_focused()  # the only offer is pre-selected
    page.screenshot(path=screenshot_path("kiosk-accepted"), full_page=True)
    page.keyboard.type("42,50")
    page.keyboard.press("Enter")
    expect(page.locator("#receipt")).to_contain_text("Sconto registrato")
    expect(page.locator("#discount")).to_have_text("4,25 €")
    expect(page.locator("#to-pay")).to_have_text("38,25 €")
    page.screenshot(path=screenshot_path("kiosk-receipt"), full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#void").click()
    expect(page.locator("#receipt")).to_contain_text("Operazione annullata")
    expect(page.locator("#void")).to_have_count(0)
    expect(page.locator("body")).to_have_attribute("data-ready", "1")  # the voided receipt's keys are set
    page.keyboard.press("Escape")
    expect(page.locator("#code")).to_be_focused()
    expect(page.locator("tr.voided")).to_have_count(1)


def test_a_rejected_card_is_red_with_its_own_sound(network: Network, page: Page) -> None:
    page.goto(network.till)
    scan_like_a_usb_scanner(page, "FC1NONUNACARTA")
    expect(page.locator("#verdict")).to_contain_text("CARTA NON VALIDA")
    expect(page.locator("#verdict")).to_contain_text("Codice non leggibile")
    expect(page.locator("body")).to_have_attribute("data-played", "reject")
    page.screenshot(path=screenshot_path("kiosk-rejected"), full_page=True)
    scan_like_a_usb_scanner(page, network.card("MARCO RIVA").lower())  # Caps Lock on: the next customer
    expect(page.locator("#verdict")).to_contain_text("CARTA VALIDA")


def test_a_card_scanned_into_the_amount_field_is_a_new_customer(network: Network, page: Page) -> None:
    page.goto(network.till)
    scan_like_a_usb_scanner(page, network.card("ANNA BIANCHI"))
    expect(page.locator("#amount")).to_be_focused()
    scan_like_a_usb_scanner(page, network.card("PAOLO VERDI"))
    expect(page.locator("#holder")).to_have_text("PAOLO VERDI")


def test_english_at_the_till(network: Network, page: Page) -> None:
    page.goto(network.till + "/?lang=en")
    scan_like_a_usb_scanner(page, network.card("SARA NERI"))
    expect(page.locator("#verdict")).to_contain_text("CARD VALID")


def test_offline_banner_when_the_central_service_is_down(network: Network, page: Page) -> None:
    page.goto(network.till)
    expect(page.locator("#offline-banner")).to_be_hidden()
    network.stop_central()  # type: ignore[operator]
    # No reload: the page polls the till, whose background sync now fails.
    expect(page.locator("#offline-banner")).to_be_visible(timeout=20_000)
    expect(page.locator("#offline-banner")).to_contain_text("Senza collegamento")
    scan_like_a_usb_scanner(page, network.card("LUCIA GALLI"))
    expect(page.locator("#verdict")).to_contain_text("CARTA VALIDA")  # verification is offline
    expect(page.locator("body")).to_have_attribute("data-ready", "1")  # the page's keys are set
    expect(page.locator("#amount")).to_be_focused()
    page.keyboard.type("10")
    page.keyboard.press("Enter")
    expect(page.locator("#receipt")).to_contain_text("Sconto registrato")
    expect(page.locator("#pending-count")).not_to_have_text("0")
    page.screenshot(path=screenshot_path("kiosk-offline"), full_page=True)
