"""Renewal reminders in a real browser (Debian's Chromium through Playwright) against the real servers:
the operator opens *Rinnovi*, chooses cards, prints the letters, downloads the PDF and sees the cards
marked sent, then only the rest under *Da inviare*. The office issues one-month cards here
(``FAMILYCARD_ISSUER_VALIDITY_MONTHS=1``), so the cards of a batch run today are due."""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import chromium, screenshot_path
from tests.e2e.network_setup import AdminClient, make_central_instance, make_network, make_office_instance
from tests.e2e.servers import familycard_process

pytestmark = pytest.mark.e2e
PASS = "e2e-passphrase-123"
USER_PASSWORD = "e2e-user-password"
HOUSEHOLDS = """riferimento;referente;altri_genitori;anni_nascita_figli;indirizzo;residente;isee;carte
R-1;Giulia Viganò;Marco Colombo;2015/2019;Via Roma 12;si;;tutti
R-2;Luca Rossi;;2012;Corso Italia 3;si;;
R-3;Elena Villa;;2017;Via Manzoni 8;si;;
"""


@pytest.fixture
def office_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Page]:
    monkeypatch.setenv("FAMILYCARD_PASSPHRASE", PASS)
    home = make_network(tmp_path / "network", {"108040": "Seveso"}, PASS, int(time.time()) - 86400)
    central_instance = make_central_instance(tmp_path / "central", home, PASS, USER_PASSWORD)
    env = {"FAMILYCARD_PASSPHRASE": PASS, "FAMILYCARD_ISSUER_VALIDITY_MONTHS": "1"}
    serve = ["central", "serve", "--instance", str(central_instance), "--workers", "1"]
    with familycard_process(serve, env, "/api/v1/lists/trust", tmp_path / "central.log") as central:
        admin = AdminClient(central.base, "admin", USER_PASSWORD)
        folder = make_office_instance(
            tmp_path / "office", home, admin, {"108040": "Seveso"}, PASS, USER_PASSWORD
        )
        args = ["issuer", "serve", "--instance", str(folder)]
        serving = familycard_process(args, env, "/health", tmp_path / "office.log")
        with serving as office, chromium() as browser:
            context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(office.base + "/")
            page.fill("input[name=username]", "office-108040")
            page.fill("input[name=password]", USER_PASSWORD)
            page.keyboard.press("Enter")
            expect(page.locator("header")).to_contain_text("Comune di Seveso")
            yield page
            assert errors == []


def run_batch(page: Page, tmp_path: Path) -> None:
    source = tmp_path / "nuclei.csv"
    source.write_text(HOUSEHOLDS)
    page.get_by_role("link", name="Emissione da file").click()
    page.locator("input[type=file]").set_input_files(str(source))
    page.get_by_role("button", name="Controlla il file").click()
    page.locator("#run-batch").click()
    expect(page.locator("#batch-state")).to_have_text("completato", timeout=30_000)
    expect(page.locator("#batch-done")).to_contain_text("carte emesse: 4")


def number_of(page: Page, holder: str) -> str:
    return page.locator(f"#reminders tr:has(td.holder:text-is('{holder}'))").locator("a.mono").inner_text()


def test_the_office_prints_reminders_and_sees_them_marked_sent(office_page: Page, tmp_path: Path) -> None:
    page = office_page
    run_batch(page, tmp_path)
    page.get_by_role("link", name="Rinnovi").click()
    expect(page.locator("h1")).to_have_text("Rinnovi")
    expect(page.locator("#reminders-count")).to_contain_text("4 carte in scadenza")
    expect(page.locator("#reminders tr.unsent")).to_have_count(4)
    giulia, marco, luca, elena = (
        number_of(page, name) for name in ("Giulia Viganò", "Marco Colombo", "Luca Rossi", "Elena Villa")
    )

    page.get_by_role("button", name="Stampa le lettere delle carte scelte").click()  # nothing chosen
    expect(page.locator("#reminders-refused")).to_contain_text("Nessuna carta scelta")
    expect(page.locator("#reminders tr.sent")).to_have_count(0)

    for number in (giulia, marco, luca):
        page.get_by_label(f"Scegli la carta {number}").check()
    page.get_by_role("button", name="Stampa le lettere delle carte scelte").click()
    expect(page.locator("#reminders-printed")).to_contain_text("2 lettere, 3 carte")
    for number in (giulia, marco, luca):
        expect(page.locator(f"#reminder-{number} .reminder-state")).to_contain_text("inviato il")
        expect(page.locator(f"#reminder-{number} .reminder-state")).to_contain_text("office-108040")
    expect(page.locator(f"#reminder-{elena} .reminder-state")).to_have_text("non inviato")
    page.screenshot(path=screenshot_path("issuer-reminders-sent"), full_page=True)

    with page.expect_download() as started:
        page.locator("#download-letters").click()
    saved = tmp_path / "lettere.pdf"
    started.value.save_as(saved)
    info = subprocess.run(["pdfinfo", str(saved)], check=True, capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+2$", info, re.M), info
    read = subprocess.run(["pdftotext", str(saved), "-"], check=True, capture_output=True, text=True)
    text = " ".join(read.stdout.split())
    assert "Giulia Viganò" in text and "Luca Rossi" in text and "Comune di Seveso" in text
    assert "Elena Villa" not in text

    page.get_by_role("link", name="Da inviare").click()
    expect(page.locator("#reminders tr.unsent")).to_have_count(1)
    expect(page.locator("#reminders")).to_contain_text("Elena Villa")
    expect(page.locator("#reminders")).not_to_contain_text("Luca Rossi")
    page.screenshot(path=screenshot_path("issuer-reminders-unsent"), full_page=True)
