"""The comune office in a real browser (Debian's Chromium through Playwright) against the real servers:
log in, register a household with the keyboard, issue a card, download it, and read its QR back into a
card the network accepts."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import Page, expect

from cardsvc.cli import main
from cardsvc.core import read_card_qr
from tests.e2e.browser import chromium, screenshot_path
from tests.e2e.network_setup import AdminClient, make_central_instance, make_network, make_office_instance
from tests.e2e.servers import familycard_process

pytestmark = pytest.mark.e2e
PASS = "e2e-passphrase-123"
USER_PASSWORD = "e2e-user-password"


@pytest.fixture
def office_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Page]:
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
            context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(server.base + "/")
            yield page
            context.close()
            assert errors == []


def test_register_issue_and_download_a_card(office_page: Page, tmp_path: Path) -> None:
    page = office_page
    expect(page.locator("input[name=username]")).to_be_focused()
    page.keyboard.type("office-108040")
    page.keyboard.press("Tab")
    page.keyboard.type(USER_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("header")).to_contain_text("Comune di Seveso")
    page.get_by_role("link", name="Nuovo nucleo").first.click()
    expect(page.locator("#reference_person")).to_be_focused()
    page.keyboard.type("Chiara Colombo")
    page.keyboard.press("Tab")
    page.keyboard.type("Davide Ferrari")
    page.keyboard.press("Tab")
    page.keyboard.type("2014; 2018")
    page.keyboard.press("Tab")
    page.keyboard.type("Via Cavour 21")
    page.keyboard.press("Enter")
    expect(page.locator("#eligibility")).to_contain_text("ha diritto alla carta")
    page.screenshot(path=screenshot_path("issuer-household"), full_page=True)
    page.locator("button[id^=issue-]").first.click()
    expect(page.locator(".flash.ok")).to_contain_text("emessa")
    number = page.locator("#card-number").inner_text()
    page.screenshot(path=screenshot_path("issuer-card"), full_page=True)
    with page.expect_download() as download:
        page.locator("#download-png").click()
    saved = tmp_path / "card.png"
    download.value.save_as(saved)
    text = read_card_qr(saved.read_bytes())
    assert text.startswith("FC1")
    with page.expect_download() as pdf:
        page.locator("#download-pdf").click()
    assert number in pdf.value.suggested_filename
    # the network accepts it: the card verifies against the network's own signed lists
    verify = ["card", "verify", "--home", str(tmp_path / "network"), text, "--json"]
    result = CliRunner().invoke(main, verify, env={"FAMILYCARD_PASSPHRASE": PASS})
    assert result.exit_code == 0 and '"verdict": "ACCEPTED"' in result.output, result.output
