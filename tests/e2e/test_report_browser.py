"""The monthly report in a real browser (Debian's Chromium through Playwright) against the served central
service: the summary at the top, the comune chosen by name from a list, the CSV's decimal separator
chosen with a visible control (the links follow it), charts with titles and captions, and a bad value
answered in Italian with a way back. Screenshots are saved as test artifacts."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from cardsvc.central import create_app
from cardsvc.cli.central_cmd import instance_settings
from cardsvc.network.home import NetworkHome
from cardsvc.platform.clock import ManualClock
from tests.e2e.browser import chromium, screenshot_path
from tests.e2e.servers import familycard_process
from tests.functional.central.test_report_auditor import COMUNI, Network
from tests.functional.central.test_reports import SINCE, rome
from tests.functional.conftest import NOW, PASS, USER_PASSWORD, Central, run_cli

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Four comuni with September's and October's redemptions, served by gunicorn."""
    tmp = tmp_path_factory.mktemp("report-browser")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FAMILYCARD_PASSPHRASE", PASS)
        home = NetworkHome.init(tmp / "network", "Rete di prova", PASS, SINCE)
        for istat, name in COMUNI.items():
            home.add_comune(istat, name, PASS, SINCE)
        instance = tmp / "central"
        run_cli("central", "init", "--instance", str(instance), "--network-home", str(home.path))
        run_cli("central", "add-user", "--instance", str(instance), "--username", "admin", "--role",
                "network_admin")  # fmt: skip
        app = create_app({**instance_settings(instance), "CLOCK": ManualClock(NOW), "TESTING": True})
        net = Network(Central(app, app.test_client(), home, instance), {i: ["alimentari"] for i in COMUNI})
        issued = rome("2026-08-20 10:00")
        seveso, brugherio = net.families("108040", 15, issued), net.families("108012", 8, issued)
        net.shop("108040", "alimentari", seveso[:12], rome("2026-09-05 10:00"))
        net.shop("108012", "alimentari", brugherio, rome("2026-09-06 10:00"))
        net.shop("108040", "alimentari", seveso, rome("2026-10-05 10:00"), 123_456)
        net.shop("108012", "alimentari", brugherio[:6], rome("2026-10-06 10:00"))
        net.upload()
        serve = ["central", "serve", "--instance", str(instance), "--workers", "1"]
        env = {"FAMILYCARD_PASSPHRASE": PASS}
        with familycard_process(serve, env, "/api/v1/lists/trust", tmp / "central.log") as server:
            yield server.base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser, central: str) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 1366, "height": 768}, locale="it-IT", accept_downloads=True
    )
    errors: list[str] = []
    opened = context.new_page()
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.goto(central + "/admin/login")
    opened.get_by_label("Nome utente").fill("admin")
    opened.get_by_label("Password").fill(USER_PASSWORD)
    opened.get_by_label("Password").press("Enter")
    expect(opened.locator("header nav")).to_be_visible()
    yield opened
    context.close()
    assert errors == []


def test_filter_by_name_decimals_and_summary(central: str, page: Page, tmp_path: Path) -> None:
    page.goto(central + "/admin/reports?month=2026-10")
    summary = page.locator("#summary")
    expect(summary).to_contain_text("In sintesi: ottobre 2026")
    expect(summary.locator('dd[data-key="redemptions"]')).to_contain_text("21")
    expect(summary.locator('dd[data-key="redemptions"]')).to_contain_text(
        "+1 (+5%) rispetto a settembre 2026"
    )
    spend = summary.locator('dd[data-key="spend_cents"] .value')
    assert spend.evaluate("e => e.getClientRects().length") == 1  # one line: the amount does not wrap
    expect(page.locator("figure figcaption")).to_have_count(3)
    for image in page.locator("figure img").all():
        assert (image.get_attribute("alt") or "").strip()
    page.screenshot(path=screenshot_path("central-report-summary"), full_page=True)

    comune = page.locator("#comune")
    expect(page.locator("label", has=comune)).to_contain_text("Comune")
    comune.select_option(label="Seveso")
    page.get_by_role("button", name="Mostra").click()
    expect(page.locator("h1")).to_have_text("Rapporto mensile — ottobre 2026 — Seveso")
    expect(page.locator("#comune")).to_have_value("108040")
    expect(page.locator("#summary")).to_be_visible()

    decimals = page.locator("#decimals")
    expect(decimals).to_be_visible()
    expect(page.locator("label", has=decimals)).to_contain_text("Decimali nei CSV")
    decimals.select_option(label="punto (1234.50)")
    link = page.get_by_role("link", name="Per comune della famiglia")
    expect(link).to_have_attribute(
        "href", re.compile(r"/2026-10/by_family_comune\.csv\?decimali=en&comune=108040$")
    )
    with page.expect_download() as download:
        link.click()
    path = tmp_path / "table.csv"
    download.value.save_as(path)
    assert download.value.suggested_filename == "family-card-2026-10-per-comune-della-famiglia.csv"
    [row] = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert row["comune"] == "Seveso" and row["spesa_euro"] == "18519.45"
    page.screenshot(path=screenshot_path("central-report-seveso"), full_page=True)


def test_a_name_typed_as_comune_is_answered_in_italian(central: str, page: Page) -> None:
    page.goto(central + "/admin/reports?month=2026-10&comune=Seveso")
    expect(page.locator("h1")).to_have_text("Richiesta non valida")
    expect(page.locator("#error")).to_contain_text("«Seveso» non è un comune della rete")
    page.screenshot(path=screenshot_path("central-report-bad-comune"), full_page=True)
    page.get_by_role("link", name="Torna ai rapporti mensili").click()
    expect(page.locator("#summary")).to_be_visible()


def test_the_printed_statement_has_no_month_picker(central: str, page: Page) -> None:
    page.goto(central + "/admin/statement?merchant=1&month=2026-10")
    expect(page.locator("h1")).to_contain_text("Rendiconto — ottobre 2026")
    month = page.locator('input[name="month"]')
    expect(month).to_be_visible()
    page.emulate_media(media="print")
    expect(month).to_be_hidden()
    expect(page.locator("header")).to_be_hidden()
    expect(page.get_by_role("button", name="Stampa")).to_be_hidden()
    expect(page.locator("#statement")).to_be_visible()
    page.screenshot(path=screenshot_path("central-statement-print"), full_page=True)
