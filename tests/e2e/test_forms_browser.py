"""Forms in a real browser (Debian's Chromium), with the keyboard alone: the office's household form and
the central service's shop form keep what was typed after an error, say the error beside its field with
the focus on it, and say what was done once the form is right."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import chromium, screenshot_path
from tests.e2e.network_setup import AdminClient, make_central_instance, make_network, make_office_instance
from tests.e2e.servers import familycard_process

pytestmark = pytest.mark.e2e
PASS = "e2e-passphrase-123"
USER_PASSWORD = "e2e-user-password"


@dataclass
class Apps:
    page: Page
    central: str
    office: str


@pytest.fixture
def apps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Apps]:
    monkeypatch.setenv("FAMILYCARD_PASSPHRASE", PASS)
    home = make_network(tmp_path / "network", {"108040": "Seveso"}, PASS, int(time.time()) - 86400)
    central_instance = make_central_instance(tmp_path / "central", home, PASS, USER_PASSWORD)
    env = {"FAMILYCARD_PASSPHRASE": PASS}
    serve = ["central", "serve", "--instance", str(central_instance), "--workers", "1"]
    with familycard_process(serve, env, "/api/v1/lists/trust", tmp_path / "central.log") as central:
        admin = AdminClient(central.base, "admin", USER_PASSWORD)
        office = make_office_instance(
            tmp_path / "office", home, admin, {"108040": "Seveso"}, PASS, USER_PASSWORD
        )
        args = ["issuer", "serve", "--instance", str(office)]
        with (
            familycard_process(args, env, "/health", tmp_path / "office.log") as server,
            chromium() as browser,
        ):
            context = browser.new_context(viewport={"width": 1366, "height": 768})
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            yield Apps(page, central.base, server.base)
            context.close()
            assert errors == []


def log_in(page: Page, username: str) -> None:
    """The user name has the focus; the password and Enter, by keyboard."""
    expect(page.locator("#username")).to_be_focused()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(USER_PASSWORD)
    page.keyboard.press("Enter")


def error_beside(page: Page, field: str, text: str) -> None:
    """The field is marked invalid and described by its error, which says ``text``."""
    box = page.locator(f"#{field}")
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(box).to_have_attribute("aria-describedby", f"{field}-error")
    expect(page.locator(f"#{field}-error")).to_have_text(text)


def test_the_office_household_form_keeps_its_input_after_an_error(apps: Apps) -> None:
    page = apps.page
    page.goto(apps.office + "/households/new")
    log_in(page, "office-108040")
    expect(page.locator("#reference_person")).to_be_focused()  # back to the form after the login
    page.keyboard.type("Chiara Colombo")
    page.keyboard.press("Tab")
    page.keyboard.type("Davide Ferrari")
    page.keyboard.press("Tab")
    page.keyboard.type("2014; duemila")
    page.keyboard.press("Tab")  # the address left empty
    page.keyboard.press("Tab")
    expect(page.locator("#resident")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.type("12.000")
    page.keyboard.press("Enter")

    expect(page.locator("#form-errors")).to_have_text("Correggere i 2 campi indicati qui sotto.")
    expect(page.locator("#reference_person")).to_have_value("Chiara Colombo")
    expect(page.locator("#other_guardians")).to_have_value("Davide Ferrari")
    expect(page.locator("#birth_years")).to_have_value("2014; duemila")
    expect(page.locator("#resident")).to_be_checked()
    expect(page.locator("#isee")).to_have_value("12.000")
    error_beside(
        page, "birth_years", "«duemila» non è un anno di nascita di un figlio (tra 2026 e 30 anni prima)."
    )
    error_beside(page, "address", "campo obbligatorio.")
    expect(page.locator("#birth_years")).to_be_focused()  # the first field to correct
    page.screenshot(path=screenshot_path("forms-office-household-error"), full_page=True)

    page.keyboard.press("Control+A")
    page.keyboard.type("2014; 2018")
    page.keyboard.press("Tab")
    page.keyboard.type("Via Cavour 21")
    page.keyboard.press("Enter")
    expect(page.locator("p.flash.ok[role=status]")).to_have_text("Nucleo di Chiara Colombo registrato.")
    expect(page.locator("h1")).to_have_text("Chiara Colombo")
    page.screenshot(path=screenshot_path("forms-office-household-saved"), full_page=True)
    page.goto(apps.office + "/audit")
    row = page.locator("#audit tr").nth(1)
    expect(row).to_contain_text("Nucleo registrato")
    expect(row.get_by_role("link", name="Chiara Colombo")).to_be_visible()
    page.screenshot(path=screenshot_path("forms-office-audit"), full_page=True)


def test_the_central_merchant_form_keeps_its_input_after_an_error(apps: Apps) -> None:
    page = apps.page
    page.goto(apps.central + "/admin/merchants")
    log_in(page, "admin")
    expect(page.locator("h1")).to_have_text("Esercizi convenzionati")
    page.locator("#name").focus()  # the form's first field; from here on, the keyboard alone
    page.keyboard.type("Ottica Bella")
    page.keyboard.press("Tab")
    page.keyboard.type("01234567890")  # a wrong check digit
    page.keyboard.press("Tab")
    page.keyboard.type("Via Roma 3")
    page.keyboard.press("Tab")
    expect(page.locator("#istat")).to_be_focused()
    page.keyboard.type("Seveso")
    page.keyboard.press("Tab")
    expect(page.locator("#category")).to_be_focused()  # no category chosen
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    expect(page.locator("#form-errors")).to_have_text("Correggere i 2 campi indicati qui sotto.")
    expect(page.locator("#name")).to_have_value("Ottica Bella")
    expect(page.locator("#vat")).to_have_value("01234567890")
    expect(page.locator("#address")).to_have_value("Via Roma 3")
    expect(page.locator("#istat")).to_have_value("108040")
    expect(page.locator("#vat")).to_have_attribute("aria-describedby", "vat-hint vat-error")
    expect(page.locator("#vat-error")).to_have_text("cifra di controllo della partita IVA errata")
    error_beside(page, "category", "Scegliere una categoria dall'elenco.")
    expect(page.locator("#vat")).to_be_focused()
    expect(page.locator("table")).not_to_contain_text("Ottica Bella")  # nothing stored
    page.screenshot(path=screenshot_path("forms-central-merchant-error"), full_page=True)

    page.keyboard.press("Control+A")
    page.keyboard.type("01234567897")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator("#category")).to_be_focused()
    page.keyboard.type("ottica")
    expect(page.locator("#category")).to_have_value("ottica")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("p.flash.ok")).to_have_text("Esercente «Ottica Bella» aggiunto.")
    expect(page.locator("table")).to_contain_text("Ottica Bella")
    page.screenshot(path=screenshot_path("forms-central-merchant-saved"), full_page=True)
