"""The central pages in a real browser (Debian's Chromium through Playwright) against the served central
service: an administrator goes through them with the keyboard alone (log in, open the reports, move
between pages), the header stays on one line at 1366×768, and the public directory and the
accessibility statement are reached from every page's footer, in Italian and in English. axe-core checks
every page state on the way (``tests/e2e/browser.py``)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import chromium, on_one_line, screenshot_path
from tests.e2e.network_setup import AdminClient, make_central_instance, make_network
from tests.e2e.servers import familycard_process

pytestmark = pytest.mark.e2e
PASS = "e2e-passphrase-123"
USER_PASSWORD = "e2e-user-password"


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("central")
    home = make_network(tmp / "network", {"108040": "Seveso", "108012": "Brugherio"}, PASS, int(time.time()))
    folder = make_central_instance(tmp / "central", home, PASS, USER_PASSWORD)
    serve = ["central", "serve", "--instance", str(folder), "--workers", "1"]
    env = {"FAMILYCARD_PASSPHRASE": PASS}
    with familycard_process(serve, env, "/api/v1/lists/trust", tmp / "central.log") as server:
        admin = AdminClient(server.base, "admin", USER_PASSWORD)
        shop = admin.merchant("Libreria Brugherio", "12345678903", "108012", "libreria")
        admin.published_offer(shop, title="10% sui libri", percent=10)
        yield server.base


@pytest.fixture
def page(central: str) -> Iterator[Page]:
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        opened = context.new_page()
        errors: list[str] = []
        opened.on("pageerror", lambda error: errors.append(str(error)))
        yield opened
        context.close()
        assert errors == []


def focused_text(page: Page) -> str:
    return str(
        page.evaluate("() => (document.activeElement.innerText || document.activeElement.value || '')")
    )


def tab_to(page: Page, text: str, limit: int = 40) -> None:
    """Press Tab until the focused element says ``text``; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_text(page).strip() == text:
            return
    raise AssertionError(f"Tab never reached «{text}»")


def test_an_administrator_logs_in_and_moves_between_pages_with_the_keyboard(central: str, page: Page) -> None:
    page.goto(central + "/admin/")
    expect(page.locator("#username")).to_be_focused()
    page.screenshot(path=screenshot_path("central-login"), full_page=True)
    page.keyboard.type("admin")
    page.keyboard.press("Tab")
    expect(page.locator("#password")).to_be_focused()
    page.keyboard.type(USER_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Riepilogo")
    assert on_one_line(page, "#page-header .navbar-nav .nav-link")  # ten entries at 1366 px
    assert on_one_line(page, "#page-header .it-header-slim-right-zone > *")

    page.keyboard.press("Tab")  # the first stop skips the menu
    expect(page.locator(".skiplink")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()

    tab_to(page, "Rapporti mensili")
    page.keyboard.press("Enter")
    expect(page).to_have_url(central + "/admin/reports")
    expect(page.locator("#page-header [aria-current=page]")).to_have_text("Rapporti mensili")
    page.screenshot(path=screenshot_path("central-reports"), full_page=True)
    tab_to(page, "Esercizi convenzionati")
    page.keyboard.press("Enter")
    expect(page.locator("table")).to_contain_text("Libreria Brugherio")
    page.screenshot(path=screenshot_path("central-merchants"), full_page=True)
    page.go_back()
    expect(page).to_have_url(central + "/admin/reports")
    tab_to(page, "Riepilogo")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Riepilogo")
    tab_to(page, "Esci")
    page.keyboard.press("Enter")
    expect(page.locator("#username")).to_be_focused()


def test_the_directory_and_the_accessibility_statement_from_every_footer(central: str, page: Page) -> None:
    page.goto(central + "/directory")
    expect(page.locator("main")).to_contain_text("Libreria Brugherio")
    expect(page.locator("#page-header")).to_contain_text("Rete dei Comuni amici della Famiglia")
    page.screenshot(path=screenshot_path("central-directory"), full_page=True)
    page.locator("#page-footer").get_by_role("link", name="Dichiarazione di accessibilità").click()
    statement = page.locator("#accessibility-statement")
    expect(statement.locator("h1")).to_have_text("Dichiarazione di accessibilità")
    expect(statement.locator("#a11y-status")).to_contain_text("UNI EN 301 549 (WCAG 2.1 livello AA)")
    expect(statement.locator("#a11y-limits li")).to_have_count(3)
    expect(statement.locator("#a11y-date")).to_contain_text("4 dicembre 2026")
    expect(statement.locator("#a11y-feedback")).to_contain_text("URP")
    expect(statement.locator("#a11y-agid")).to_have_attribute("href", "https://form.agid.gov.it/")
    page.screenshot(path=screenshot_path("central-accessibility"), full_page=True)
    page.get_by_role("link", name="English").click()
    expect(statement.locator("h1")).to_have_text("Accessibility statement")
    expect(statement.locator("#a11y-status")).to_contain_text("EN 301 549 (WCAG 2.1 level AA)")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.goto(central + "/admin/login")  # the footer of a page behind the login too
    page.locator("#page-footer").get_by_role("link", name="Accessibility statement").click()
    expect(page).to_have_url(central + "/accessibilita")


def test_the_pages_use_the_shared_look(central: str, page: Page) -> None:
    page.goto(central + "/directory")
    font = page.locator("body").evaluate("(b) => getComputedStyle(b).fontFamily")
    assert font.startswith('"Titillium Web"')
    assert page.evaluate("() => document.fonts.check('16px \"Titillium Web\"')")  # the vendored font loaded
    icon = page.locator("#page-header svg use").first.get_attribute("href") or ""
    assert icon.startswith("/look/bootstrap-italia/svg/sprites.svg#it-")
    assert page.request.get(central + icon.split("#")[0]).status == 200


def test_no_source_map_is_shipped(central: str, page: Page) -> None:
    css = page.request.get(central + "/look/bootstrap-italia/css/bootstrap-italia.min.css")
    assert css.status == 200 and "sourceMappingURL" not in css.text()
    assert page.request.get(central + "/look/bootstrap-italia/css/bootstrap-italia.min.css.map").status == 404


def test_every_page_of_the_menu_in_both_languages(central: str, page: Page) -> None:
    """Each administration page once in Italian and once in English, so that axe checks them all."""
    page.goto(central + "/admin/login")
    page.fill("#username", "admin")
    page.fill("#password", USER_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Riepilogo")
    links = page.locator("#page-header .nav-link").evaluate_all("(l) => l.map((a) => a.href)")
    assert len(links) == 10
    for lang in ("it", "en"):
        for link in links:
            page.goto(f"{link}?lang={lang}")
            expect(page.locator("html")).to_have_attribute("lang", lang)
            expect(page.locator("#page-header [aria-current=page]")).to_have_count(1)
            expect(page.locator("main h1")).to_be_visible()
            page.locator("body").evaluate("() => window.__axeWatcher.now()")  # checked before moving on
