"""The till's states after a scan and after a redemption, in a real browser (Debian's Chromium through
Playwright) against the real servers: the scanner field focused on the receipt, a voided receipt that
says the customer pays the full amount, a valid card with no usable offer in its own colour and sound,
and an amount above the shop's plausible ceiling confirmed or corrected with the keyboard. Screenshots
of each state are saved as test artifacts."""

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
ENV = {"FAMILYCARD_PASSPHRASE": PASS, "FAMILYCARD_KIOSK_SYNC_INTERVAL": "1"}


@dataclass
class Network:
    home: NetworkHome
    till: str

    def card(self, holder: str, minors: int = 2) -> str:
        return self.home.issue_card("108040", holder, minors, PASS, int(time.time()) - 60).text


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Network]:
    """A grocery with an offer for families with a minor child and one for three; its till asks to
    confirm any amount above the default plausible ceiling (1.000,00 €)."""
    tmp = tmp_path_factory.mktemp("till-states")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FAMILYCARD_PASSPHRASE", PASS)
        home = make_network(tmp / "network", {"108040": "Seveso"}, PASS, int(time.time()) - 3600)
        instance = make_central_instance(tmp / "central", home, PASS, USER_PASSWORD)
        serve = ["central", "serve", "--instance", str(instance), "--workers", "1"]
        with familycard_process(serve, ENV, "/api/v1/lists/trust", tmp / "central.log") as central:
            admin = AdminClient(central.base, "admin", USER_PASSWORD)
            merchant = admin.merchant("Alimentari Brambilla", "01234567897", "108040", "alimentari")
            admin.published_offer(merchant, title="Spesa per la famiglia", percent=5, min_minors=1)
            admin.published_offer(
                merchant, title="Famiglie numerose", kind="fixed", amount_cents=1000, min_minors=3
            )
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


def scan_like_a_usb_scanner(page: Page, text: str) -> None:
    """The scanner types the code as keystrokes into whatever has the focus, then Enter."""
    page.keyboard.type(text, delay=1)
    page.keyboard.press("Enter")


def contrast(page: Page, selector: str) -> float:
    """WCAG contrast ratio of the element's text colour on the background it is drawn on (its own, or
    that of the nearest ancestor with one)."""
    colours = page.locator(selector).first.evaluate(
        """e => {
             let back = e;
             while (back.parentElement && getComputedStyle(back).backgroundColor === "rgba(0, 0, 0, 0)") {
               back = back.parentElement;
             }
             return [getComputedStyle(e).color, getComputedStyle(back).backgroundColor];
           }"""
    )

    def luminance(css: str) -> float:
        channels = [int(part) / 255 for part in css[css.index("(") + 1 : css.index(")")].split(",")[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(c) for c in colours), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def record(page: Page, network: Network, holder: str, amount: str) -> None:
    page.goto(network.till)
    scan_like_a_usb_scanner(page, network.card(holder))
    expect(page.locator("#amount")).to_be_focused()
    page.keyboard.type(amount)
    page.keyboard.press("Enter")
    page.wait_for_url("**/receipt/**")


def test_a_card_scanned_on_the_receipt_is_the_next_customer(network: Network, page: Page) -> None:
    record(page, network, "CHIARA COLOMBO", "42,50")
    scan_like_a_usb_scanner(page, network.card("MARCO RIVA"))  # at once, as the page has loaded
    expect(page.locator("#holder")).to_have_text("MARCO RIVA")
    expect(page.locator("#amount")).to_be_focused()


def test_enter_on_the_receipt_goes_to_the_next_customer(network: Network, page: Page) -> None:
    record(page, network, "ANNA BIANCHI", "12")
    page.keyboard.press("Enter")
    page.wait_for_url(network.till + "/")
    expect(page.locator("#code")).to_be_focused()
    expect(page.locator("#error")).to_have_count(0)


def test_a_voided_receipt_shows_the_full_amount_to_pay(network: Network, page: Page) -> None:
    record(page, network, "LUCIA GALLI", "10,00")
    expect(page.locator("#to-pay")).to_have_text("9,50 €")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#void").click()
    receipt = page.locator("#receipt")
    expect(receipt).to_have_attribute("data-state", "voided")
    expect(receipt.locator("h1")).to_contain_text("Operazione annullata")
    expect(receipt).to_contain_text("il cliente paga l'intero importo")
    expect(page.locator("#to-pay")).to_have_text("10,00 €")
    expect(receipt).not_to_contain_text("9,50 €")
    assert page.locator("#to-pay").evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 30
    expect(page.locator("#code")).to_be_focused()
    page.screenshot(path=screenshot_path("kiosk-receipt-voided"), full_page=True)
    expect(page.locator("body")).to_have_attribute("data-ready", "1")
    page.keyboard.press("Escape")
    expect(page.locator("tr.voided")).not_to_have_count(0)
    assert contrast(page, "tr.voided td") >= 4.5  # the voided rows of the recent operations too
    scan_like_a_usb_scanner(page, network.card("SARA NERI"))
    expect(page.locator("#holder")).to_have_text("SARA NERI")
    expect(page.locator(".offer.unusable")).to_contain_text("Famiglie numerose")
    assert contrast(page, ".offer.unusable") >= 4.5


def test_no_usable_offer_is_amber_with_its_own_heading_and_sound(network: Network, page: Page) -> None:
    page.goto(network.till)
    scan_like_a_usb_scanner(page, network.card("PAOLO VERDI", minors=0))
    verdict = page.locator("#verdict")
    expect(verdict).to_have_attribute("data-state", "no_offer")
    expect(verdict.locator("h1")).to_have_text("NESSUNO SCONTO APPLICABILE")
    expect(verdict).to_contain_text("Spesa per la famiglia")
    expect(verdict).to_contain_text("L'offerta richiede più figli minori.")
    expect(page.locator("body")).to_have_attribute("data-played", "no_offer")
    background = verdict.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background == "rgb(245, 183, 0)"  # neither the green of an accepted card nor the red
    assert contrast(page, "#verdict") >= 4.5 and contrast(page, "#verdict .reasons") >= 4.5
    expect(page.locator("#amount")).to_have_count(0)
    expect(page.get_by_label("Passare la carta sul lettore")).to_be_focused()
    page.screenshot(path=screenshot_path("kiosk-no-usable-offer"), full_page=True)
    scan_like_a_usb_scanner(page, network.card("GIULIA BRAMBILLA"))  # the next customer, at once
    expect(page.locator("#holder")).to_have_text("GIULIA BRAMBILLA")
    expect(page.locator("#verdict")).to_have_attribute("data-state", "accepted")


def test_a_card_scanned_at_once_on_the_no_usable_offer_page_is_verified(network: Network, page: Page) -> None:
    page.goto(network.till)
    scan_like_a_usb_scanner(page, network.card("ELENA FUMAGALLI", minors=0))
    expect(page.locator("#verdict")).to_have_attribute("data-state", "no_offer")
    page.wait_for_load_state("load")  # and nothing else: the scanner types at once
    scan_like_a_usb_scanner(page, network.card("ROBERTO CATTANEO"))
    expect(page.locator("#holder")).to_have_text("ROBERTO CATTANEO")


def amount_typed(page: Page, network: Network, holder: str, amount: str) -> None:
    page.goto(network.till)
    scan_like_a_usb_scanner(page, network.card(holder))
    expect(page.locator("#amount")).to_be_focused()
    page.keyboard.type(amount)
    page.keyboard.press("Enter")


def test_an_amount_above_the_ceiling_is_confirmed_with_enter(network: Network, page: Page) -> None:
    amount_typed(page, network, "FRANCESCA MAURI", "99999")
    step = page.locator("#confirm-step")
    expect(step).to_have_attribute("data-state", "confirm_amount")
    expect(step.locator("h1")).to_have_text("Controllare l'importo")
    expect(page.locator("#confirm-amount")).to_have_text("99.999,00 €")
    expect(step).to_contain_text("1.000,00 €")
    assert page.locator("#confirm-amount").evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 48
    assert contrast(page, "#confirm-step h1") >= 4.5 and contrast(page, "#confirm-amount") >= 4.5
    expect(page.locator("#confirm")).to_be_focused()
    page.screenshot(path=screenshot_path("kiosk-confirm-amount"), full_page=True)
    page.keyboard.press("Enter")
    expect(page.locator("#receipt")).to_contain_text("Sconto registrato")
    expect(page.locator("#to-pay")).to_have_text("94.999,05 €")


def test_escape_goes_back_to_correct_the_amount(network: Network, page: Page) -> None:
    amount_typed(page, network, "GIORGIO VIGANÒ", "4250")  # 42,50 € without its comma
    expect(page.locator("#confirm-amount")).to_have_text("4.250,00 €")
    expect(page.locator("body")).to_have_attribute("data-ready", "1")  # the confirmation's keys are set
    page.keyboard.press("Escape")
    expect(page.locator("#amount")).to_be_focused()
    expect(page.locator("#amount")).to_have_value("4250")
    expect(page.locator("body")).to_have_attribute("data-sound", "")  # the verdict is not sounded again
    page.keyboard.type("42,50")  # replaces what was typed
    page.keyboard.press("Enter")
    expect(page.locator("#receipt")).to_contain_text("Sconto registrato")
    expect(page.locator("#to-pay")).to_have_text("40,37 €")


def test_a_card_scanned_on_the_confirmation_records_nothing(network: Network, page: Page) -> None:
    amount_typed(page, network, "ALBERTO SALA", "7777")
    expect(page.locator("#confirm")).to_be_focused()
    scan_like_a_usb_scanner(page, network.card("MARTA ORSENIGO"))  # the scanner's Enter confirms nothing
    expect(page.locator("#holder")).to_have_text("MARTA ORSENIGO")
    page.goto(network.till)
    expect(page.locator("main")).not_to_contain_text("7.777,00 €")
