"""Families and comuni on the public pages, in a real browser (Debian's Chromium through Playwright)
against the served central service: a family types a shop's name without its accent and finds it; a
comune downloads its leaflet and a month's open data file with its metadata."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import chromium, screenshot_path
from tests.e2e.servers import familycard_server
from tests.functional.central.test_opendata import build_network
from tests.functional.conftest import PASS, Central

pytestmark = pytest.mark.e2e


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Central, str]]:
    """The open data network of the functional tests, with Cartoleria Viganò in Seveso, served by
    gunicorn on the machine's clock (after 10 November 2026, so that October is closed)."""
    monkeypatch.setenv("FAMILYCARD_PASSPHRASE", PASS)
    central = build_network(tmp_path)
    shop = central.merchant(name="Cartoleria Viganò", vat="01234567897", category="cartoleria")
    central.offer(shop, title="Quaderni e zaini", percent=10, cap_cents=500, min_spend_cents=2000)
    serve = ["central", "serve", "--instance", str(central.instance), "--workers", "1"]
    with familycard_server(
        serve, {"FAMILYCARD_PASSPHRASE": PASS}, "/health", tmp_path / "central.log"
    ) as base:
        yield central, base


def download(page: Page, link: str, folder: Path) -> Path:
    with page.expect_download() as started:
        page.get_by_role("link", name=link).first.click()
    target = folder / started.value.suggested_filename
    started.value.save_as(target)
    return target


def test_a_family_finds_a_shop_and_a_comune_downloads_its_leaflet_and_open_data(
    served: tuple[Central, str], tmp_path: Path
) -> None:
    _, base = served
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(base + "/directory")
        page.get_by_label("Nome, offerta o categoria").fill("vigano")
        page.get_by_role("button", name="Cerca").click()
        expect(page.locator(".count")).to_have_text("1 esercente trovato")
        expect(page.locator("section.shop h2")).to_have_text(["Cartoleria Viganò"])
        expect(page.locator("section.shop .terms")).to_have_text(
            "10% di sconto, fino a 5,00 €, spesa minima 20,00 €"
        )
        page.screenshot(path=screenshot_path("directory-search-vigano"), full_page=True)

        page.get_by_label("Nome, offerta o categoria").fill("liberia")
        page.get_by_role("button", name="Cerca").click()
        expect(page.locator(".count")).to_have_text("Nessun esercente trovato.")

        page.get_by_label("Nome, offerta o categoria").fill("")
        page.get_by_label("Comune").select_option(label="Seveso")
        page.get_by_role("button", name="Cerca").click()
        expect(page.locator("section.shop h2").first).to_be_visible()
        assert all("Seveso" in text for text in page.locator("section.shop p").all_inner_texts())
        leaflet = download(page, "Dove usare la Family Card a Seveso", tmp_path)
        text = subprocess.run(
            ["pdftotext", str(leaflet), "-"], check=True, capture_output=True, text=True
        ).stdout
        assert "Dove usare la Family Card a Seveso" in text and "Cartoleria Viganò" in text
        assert "Brugherio" not in text

        page.get_by_role("link", name="Dati aperti").click()
        expect(page.locator("h1")).to_have_text("Dati aperti")
        october = page.locator('tr[data-month="2026-10"]')
        expect(october.locator("th")).to_have_text("ottobre 2026")
        page.screenshot(path=screenshot_path("opendata-index"), full_page=True)
        with page.expect_download() as started:
            october.get_by_role("link", name="CSV").first.click()
        network = tmp_path / started.value.suggested_filename
        started.value.save_as(network)
        assert network.name == "family-card-2026-10-rete.csv"
        rows = list(csv.DictReader(io.StringIO(network.read_text(encoding="utf-8-sig")), delimiter=";"))
        assert len(rows) == 1 and rows[0]["mese"] == "2026-10" and int(rows[0]["operazioni"]) > 0
        href = october.get_by_role("link", name="metadati").first.get_attribute("href")
        answer = context.request.get(base + str(href))  # what a portal or a comune's site reads
        assert answer.ok and answer.headers["content-type"] == "application/json"
        metadata = json.loads(answer.text())
        assert (
            metadata["license"]["name"] == "CC BY 4.0" and metadata["temporal"]["startDate"] == "2026-10-01"
        )
        assert metadata["distribution"][0]["downloadURL"] == base + "/opendata/2026-10/rete.csv"
        assert errors == []
