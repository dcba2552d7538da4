"""The comune office's daily flows in a real browser (Debian's Chromium through Playwright) against the
real servers, as an operator goes through them: a CSV batch checked, previewed, run, its A4 sheets
printed, and found again under *Lotti* after the office restarts (served from a relative instance folder,
as ``make demo`` does); a card revoked and replaced only after saying why and confirming; households found
by a name typed without accents and by a lost card's number, page by page; the day's round (log in,
register, search, open a household, issue a card) with the keyboard alone; and the accessibility
statement in every page's footer."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser import chromium, on_one_line, screenshot_path
from tests.e2e.network_setup import AdminClient, make_central_instance, make_network, make_office_instance
from tests.e2e.servers import Server, familycard_process

pytestmark = pytest.mark.e2e
PASS = "e2e-passphrase-123"
USER_PASSWORD = "e2e-user-password"
HOUSEHOLDS = """riferimento;referente;altri_genitori;anni_nascita_figli;indirizzo;residente;isee;carte
P-101;Giulia Viganò;Marco Colombo;2015/2019;Via Roma 12;si;;tutti
P-102;Luca Rossi;;2012;Corso Italia 3;si;;
P-103;Anna Bianchi;Paolo Verdi;2001;Via Manzoni 8;si;;tutti
"""


@dataclass
class OfficeServers:
    """A central service, and an office served from a relative instance path that can be restarted."""

    tmp_path: Path
    instance: str
    env: dict[str, str]
    browser: Browser
    server: Server | None = None
    _serving: AbstractContextManager[Server] | None = None
    errors: list[str] = field(default_factory=list)

    def start(self) -> str:
        args = ["issuer", "serve", "--instance", self.instance]
        self._serving = familycard_process(args, self.env, "/health", self.tmp_path / "office.log")
        self.server = self._serving.__enter__()
        return self.server.base

    def stop(self) -> None:
        if self._serving is not None:
            self._serving.__exit__(None, None, None)
            self._serving = None

    def page(self) -> Page:
        assert self.server is not None
        context = self.browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.goto(self.server.base + "/")
        log_in(page)
        return page


def log_in(page: Page) -> None:
    page.fill("input[name=username]", "office-108040")
    page.fill("input[name=password]", USER_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("header")).to_contain_text("Comune di Seveso")


@pytest.fixture
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OfficeServers]:
    monkeypatch.setenv("FAMILYCARD_PASSPHRASE", PASS)
    home = make_network(tmp_path / "network", {"108040": "Seveso"}, PASS, int(time.time()) - 86400)
    central_instance = make_central_instance(tmp_path / "central", home, PASS, USER_PASSWORD)
    env = {"FAMILYCARD_PASSPHRASE": PASS}
    serve = ["central", "serve", "--instance", str(central_instance), "--workers", "1"]
    with familycard_process(serve, env, "/api/v1/lists/trust", tmp_path / "central.log") as central:
        admin = AdminClient(central.base, "admin", USER_PASSWORD)
        folder = make_office_instance(
            tmp_path / "office", home, admin, {"108040": "Seveso"}, PASS, USER_PASSWORD
        )
        with chromium() as browser:
            servers = OfficeServers(tmp_path, os.path.relpath(folder), env, browser)
            servers.start()
            try:
                yield servers
            finally:
                servers.stop()
            assert servers.errors == []


def download(page: Page, locator: str, tmp_path: Path, name: str) -> bytes:
    with page.expect_download() as started:
        page.locator(locator).click()
    saved = tmp_path / name
    started.value.save_as(saved)
    return saved.read_bytes()


def upload_and_run(page: Page, tmp_path: Path) -> str:
    source = tmp_path / "nuclei-novembre.csv"
    source.write_text(HOUSEHOLDS)
    page.get_by_role("link", name="Emissione da file").click()
    page.locator("input[type=file]").set_input_files(str(source))
    page.get_by_role("button", name="Controlla il file").click()
    expect(page.locator("#batch-state")).to_have_text("da confermare")
    page.locator("#run-batch").click()
    expect(page.locator("#batch-state")).to_have_text("completato", timeout=30_000)
    return page.url


def test_a_batch_prints_its_sheets_and_is_found_again_after_a_restart(
    office: OfficeServers, tmp_path: Path
) -> None:
    page = office.page()
    batch_url = upload_and_run(page, tmp_path)
    expect(page.locator("#batch-done")).to_contain_text("carte emesse: 3")
    expect(page.locator("#skipped")).to_contain_text("Anna Bianchi")
    page.screenshot(path=screenshot_path("issuer-batch-done"), full_page=True)
    assert download(page, "#sheets", tmp_path, "fogli.pdf").startswith(b"%PDF")

    office.stop()
    office.start()
    page = office.page()
    page.get_by_role("link", name="Lotti", exact=True).click()
    row = page.locator("table tr", has_text="nuclei-novembre.csv")
    expect(row).to_contain_text("office-108040")
    expect(row).to_contain_text("completato")
    page.screenshot(path=screenshot_path("issuer-batches"), full_page=True)
    assert download(page, "table tr:has-text('nuclei-novembre.csv') a:has-text('Fogli A4')", tmp_path,
                    "again.pdf").startswith(b"%PDF")  # fmt: skip
    row.get_by_role("link").first.click()
    assert page.url.endswith(batch_url[batch_url.index("/batch/") :])  # a new port after the restart
    expect(page.locator("#batch-done")).to_contain_text("carte emesse: 3")


def register_and_issue(page: Page, name: str, other: str = "") -> None:
    page.get_by_role("link", name="Nuovo nucleo").first.click()
    page.fill("#reference_person", name)
    page.fill("#other_guardians", other)
    page.fill("#birth_years", "2014; 2018")
    page.fill("#address", "Via Cavour 21")
    page.get_by_role("button", name="Salva").click()
    expect(page.locator("#eligibility")).to_contain_text("ha diritto alla carta")
    page.locator("button[id^=issue-]").first.click()
    expect(page.locator(".flash.ok")).to_contain_text("emessa")


def test_revoke_and_replace_ask_why_and_confirm(office: OfficeServers) -> None:
    page = office.page()
    register_and_issue(page, "Chiara Colombo")
    number = page.locator("#card-number").inner_text()
    page.locator("#revoke-button").click()  # no reason chosen: the browser does not send the form
    expect(page.locator("#revoke-reason")).to_have_value("")
    assert page.locator("#revoke-reason").evaluate("select => !select.validity.valid")
    page.select_option("#revoke-reason", label="trasferito in altro comune")
    page.locator("#revoke-button").click()
    expect(page.locator("h1")).to_have_text(f"Revocare la carta {number}?")
    expect(page.locator("#confirm-what")).to_contain_text("Non si può annullare")
    page.screenshot(path=screenshot_path("issuer-revoke-confirm"), full_page=True)
    page.locator("#cancel").click()  # changed their mind: nothing happened
    expect(page.locator(".status.active")).to_have_text("attiva")
    page.select_option("#revoke-reason", label="trasferito in altro comune")
    page.locator("#revoke-button").click()
    page.locator("#confirm-button").click()
    expect(page.locator(".flash.ok")).to_contain_text(
        f"Carta {number} revocata (motivo: trasferito in altro comune)"
    )
    expect(page.locator("#card-ended")).to_contain_text("Revocata il")
    page.screenshot(path=screenshot_path("issuer-card-revoked"), full_page=True)

    register_and_issue(page, "Davide Ferrari")
    old = page.locator("#card-number").inner_text()
    page.select_option("#reissue-reason", label="smarrita")
    page.locator("#reissue-button").click()
    expect(page.locator("h1")).to_have_text(f"Sostituire la carta {old}?")
    expect(page.locator("#confirm-what")).to_contain_text("DAVIDE FERRARI")
    page.screenshot(path=screenshot_path("issuer-reissue-confirm"), full_page=True)
    page.locator("#confirm-button").click()
    expect(page.locator(".flash.ok")).to_contain_text(f"la carta {old} è revocata (smarrita)")
    assert page.locator("#card-number").inner_text() != old
    page.locator("#card-replaces a").click()
    expect(page.locator("#card-ended")).to_contain_text("Revocata il")
    expect(page.locator("#card-ended")).to_contain_text("Sostituita dalla carta")


def test_search_without_accents_by_card_number_and_page_by_page(
    office: OfficeServers, tmp_path: Path
) -> None:
    many = "".join(f"R-{n:02d};Rossi {n:02d};;2016;Via dei Mille {n};si;;\n" for n in range(1, 31))
    source = tmp_path / "rossi.csv"
    source.write_text(HOUSEHOLDS + many)
    page = office.page()
    page.get_by_role("link", name="Emissione da file").click()
    page.locator("input[type=file]").set_input_files(str(source))
    page.get_by_role("button", name="Controlla il file").click()
    page.locator("#run-batch").click()
    expect(page.locator("#batch-state")).to_have_text("completato", timeout=60_000)
    number = page.locator("#batch-cards tr", has_text="GIULIA VIGANÒ").locator("a.mono").inner_text()

    page.get_by_role("link", name="Nuclei familiari").click()
    expect(page.locator("#q")).to_be_focused()
    page.keyboard.type("vigano")
    page.keyboard.press("Enter")
    expect(page.locator("#search-count")).to_have_text("1 nucleo trovato")
    expect(page.locator("#households")).to_contain_text("Giulia Viganò")
    page.screenshot(path=screenshot_path("issuer-search"), full_page=True)

    page.fill("#q", number.replace("-", "").lower())  # as a family reads it out
    page.keyboard.press("Enter")
    expect(page.locator("#households")).to_contain_text("Giulia Viganò")
    page.get_by_role("link", name=f"Carta {number}").click()
    expect(page.locator("#card-number")).to_have_text(number)

    page.get_by_role("link", name="Nuclei familiari").click()
    page.fill("#q", "ROSSI")
    page.keyboard.press("Enter")
    expect(page.locator("#search-count")).to_contain_text("31 nuclei trovati")
    expect(page.locator("#households tr")).to_have_count(26)  # the header and 25 households
    expect(page.locator("#households tr").nth(1)).to_contain_text("Luca Rossi")  # L before R
    page.get_by_role("link", name="Pagina successiva").click()
    expect(page.locator(".pager")).to_contain_text("Pagina 2 di 2")
    expect(page.locator("#households tr")).to_have_count(7)
    expect(page.locator("#households tr").last).to_contain_text("Rossi 30")
    page.screenshot(path=screenshot_path("issuer-search-page-2"), full_page=True)

    page.fill("#q", "Brambilla")
    page.keyboard.press("Enter")
    expect(page.locator("#search-count")).to_have_text("Nessun risultato per «Brambilla».")
    page.screenshot(path=screenshot_path("issuer-search-none"), full_page=True)
    page.goto(page.url.split("?")[0] + "?page=abc")
    expect(page.locator("#search-refused")).to_contain_text("«abc» non è un numero di pagina")


def test_a_batch_is_previewed_before_anything_is_stored(office: OfficeServers, tmp_path: Path) -> None:
    page = office.page()
    broken = tmp_path / "con-errori.csv"
    broken.write_text(HOUSEHOLDS.replace("P-102;Luca Rossi;;2012", "P-102;;;duemila"))
    page.get_by_role("link", name="Emissione da file").click()
    page.locator("input[type=file]").set_input_files(str(broken))
    page.get_by_role("button", name="Controlla il file").click()
    errors = page.locator("#batch-errors-table")
    expect(errors.locator("th")).to_have_text(["Riga", "Riferimento", "Campo", "Cosa correggere"])
    expect(errors.locator("tr").nth(1)).to_contain_text("P-102")
    page.screenshot(path=screenshot_path("issuer-batch-errors"), full_page=True)

    good = tmp_path / "nuclei.csv"
    good.write_text(HOUSEHOLDS)
    page.locator("input[type=file]").set_input_files(str(good))
    page.get_by_role("button", name="Controlla il file").click()
    expect(page.locator("#plan-summary")).to_contain_text("Carte da emettere: 3")
    plan = page.locator("#batch-plan")
    expect(plan.locator("tr").nth(1)).to_contain_text("Giulia Viganò")
    expect(plan.locator("tr").nth(3)).to_contain_text("Non ha diritto")
    page.screenshot(path=screenshot_path("issuer-batch-preview"), full_page=True)
    page.get_by_role("link", name="Nuclei familiari").click()
    expect(page.locator("#search-count")).to_have_text(
        "Nessun nucleo registrato finora."
    )  # nothing stored yet
    page.go_back()
    page.get_by_role("button", name="Registra 3 nuclei ed emetti 3 carte").click()
    expect(page.locator("#batch-state")).to_have_text("completato", timeout=30_000)
    expect(page.locator("#batch-done")).to_contain_text("carte emesse: 3")


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


def test_log_in_register_search_open_and_issue_with_the_keyboard_alone(office: OfficeServers) -> None:
    assert office.server is not None
    context = office.browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.on("pageerror", lambda error: office.errors.append(str(error)))
    page.goto(office.server.base + "/")
    expect(page.locator("#username")).to_be_focused()
    page.screenshot(path=screenshot_path("issuer-login"), full_page=True)
    page.keyboard.type("office-108040")
    page.keyboard.press("Tab")
    page.keyboard.type(USER_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("#q")).to_be_focused()  # the search is where the operator starts
    assert page.locator("#page-header .nav-link").count() == 7
    assert on_one_line(page, "#page-header .nav-link")  # the menu on one line at 1366 px

    tab_to(page, "Nuovo nucleo")
    page.keyboard.press("Enter")
    expect(page.locator("#reference_person")).to_be_focused()
    for value in ("Giorgio Tagliabue", "", "2015; 2019", "Via Manzoni 4"):
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    expect(page.locator("input[name=resident]")).to_be_focused()
    if not page.locator("input[name=resident]").is_checked():
        page.keyboard.press("Space")
    expect(page.locator("input[name=resident]")).to_be_checked()
    tab_to(page, "Salva")
    page.keyboard.press("Enter")
    expect(page.locator("#eligibility")).to_contain_text("ha diritto alla carta")
    expect(page.locator("#eligibility")).not_to_contain_text("non ha diritto")

    tab_to(page, "Nuclei familiari")
    page.keyboard.press("Enter")
    expect(page.locator("#q")).to_be_focused()
    page.keyboard.type("tagliabue")
    page.keyboard.press("Enter")
    expect(page.locator("#search-count")).to_have_text("1 nucleo trovato")
    tab_to(page, "Giorgio Tagliabue")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Giorgio Tagliabue")
    tab_to(page, "Emetti carta")
    page.keyboard.press("Enter")
    expect(page.locator(".flash.ok")).to_contain_text("emessa")
    expect(page.locator("#card-number")).to_have_text(re.compile(r"^[0-9A-Z]{4}(-[0-9A-Z]{2,4}){3}$"))
    page.screenshot(path=screenshot_path("issuer-card-keyboard"), full_page=True)
    context.close()


def test_the_accessibility_statement_is_in_every_footer(office: OfficeServers) -> None:
    page = office.page()
    page.locator("#page-footer").get_by_role("link", name="Dichiarazione di accessibilità").click()
    statement = page.locator("#accessibility-statement")
    expect(statement.locator("h1")).to_have_text("Dichiarazione di accessibilità")
    expect(statement.locator("#a11y-status")).to_contain_text("WCAG 2.1 livello AA")
    expect(statement.locator("#a11y-limits")).to_contain_text("codice QR")
    expect(statement.locator("#a11y-agid")).to_have_attribute("href", "https://form.agid.gov.it/")
    page.screenshot(path=screenshot_path("issuer-accessibility"), full_page=True)
    page.get_by_role("link", name="English").click()
    expect(statement.locator("h1")).to_have_text("Accessibility statement")
    expect(statement.locator("#a11y-limits")).to_contain_text("QR code")
    page.locator("#page-header").get_by_role("button", name="Log out").click()
    expect(page.locator("#username")).to_be_focused()
    footer = page.locator("#page-footer")
    footer.get_by_role("link", name="Dichiarazione di accessibilità").click()  # no login needed
    expect(statement.locator("#a11y-date")).to_contain_text("4 dicembre 2026")
    page.get_by_role("link", name="English").click()
    expect(statement.locator("#a11y-date")).to_contain_text("4 December 2026")


def test_every_page_of_the_menu_in_both_languages(office: OfficeServers) -> None:
    """Each page of the office's menu once in Italian and once in English, so that axe checks them all."""
    page = office.page()
    links = page.locator("#page-header .nav-link").evaluate_all("(l) => l.map((a) => a.href)")
    assert len(links) == 7
    for lang in ("it", "en"):
        for link in links:
            page.goto(f"{link}?lang={lang}")
            expect(page.locator("html")).to_have_attribute("lang", lang)
            expect(page.locator("#page-header [aria-current=page]")).to_have_count(1)
            expect(page.locator("main h1")).to_be_visible()
            page.locator("body").evaluate("() => window.__axeWatcher.now()")  # checked before moving on
