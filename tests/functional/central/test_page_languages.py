"""Each admin page, the directory and the report speak one language: Italian by default, English on
request, never a word of the other's catalogue; the PDF and the standalone report in the language asked
for."""

from __future__ import annotations

from pathlib import Path

import pytest

from cardsvc.central.reports.pdf_report import render_pdf
from tests.functional.central.report_readers import pdf_text
from tests.functional.central.test_admin_ui import login
from tests.functional.conftest import Central, run_cli
from tests.functional.page_languages import foreign_words

pytestmark = pytest.mark.functional
TRANSLATIONS = Path(__file__).resolve().parents[3] / "cardsvc/central/translations"
PAGES = (
    "/admin/",
    "/admin/merchants",
    "/admin/offers",
    "/admin/kiosks",
    "/admin/comuni",
    "/admin/flags",
    "/admin/issuers",
    "/admin/reports?month=2026-10",
    "/directory",
    "/directory?q=farmacia&comune=108040",
    "/directory?page=7",
    "/opendata",
    "/opendata/2026-10/rete.csv",
)
DATA = ("Farmacia Centrale", "10% sui prodotti per l'infanzia", "Rete di prova")


@pytest.mark.parametrize("lang", ["it", "en"])
def test_every_page_speaks_one_language(central: Central, lang: str) -> None:
    central.offer(central.merchant(), min_spend_cents=2000, cap_cents=500)
    client, _ = login(central, "admin")
    client.get(f"/admin/?lang={lang}")
    for path in PAGES:
        page = client.get(path)
        assert page.status_code == (404 if path.startswith(("/directory?page", "/opendata/")) else 200), path
        assert f'<html lang="{lang}">' in page.text, path
        assert foreign_words(page.text, TRANSLATIONS, "central", lang, DATA) == set(), (lang, path)


def test_a_wrong_vat_number_is_said_in_the_pages_language(central: Central) -> None:
    client, _ = login(central, "admin")
    for lang, said in (("it", "cifra di controllo della partita IVA errata"), ("en", "check digit is wrong")):
        page = client.get(f"/admin/merchants?lang={lang}")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        form = {
            "name": "Ottica",
            "vat": "01234567890",
            "istat": "108040",
            "category": "ottica",
            "csrf_token": token,
        }
        refused = client.post("/admin/merchants", data=form, follow_redirects=True)
        assert (
            said in refused.text and " / " not in refused.text.split('class="flash error"')[1].split("<")[0]
        )


def test_the_pdf_and_the_standalone_report_in_the_language_asked_for(
    central: Central, tmp_path: Path
) -> None:
    merchant = central.merchant()
    central.offer(merchant)
    client, _ = login(central, "admin")
    english = client.get("/admin/reports/2026-10.pdf?lang=en")
    (tmp_path / "en.pdf").write_bytes(english.data)
    text = " ".join(pdf_text(tmp_path / "en.pdf").split())
    assert "Family Card — monthly report October 2026" in text and "Page 1" in text and "Pagina" not in text
    assert "Period: 01/10/2026 – 31/10/2026 (Rome time)" in text and "Spend" in text
    for lang, title, other in (
        ("it", "rapporto mensile", "monthly report"),
        ("en", "monthly report", "rapporto"),
    ):
        out = tmp_path / f"{lang}.html"
        run_cli("report", "--instance", str(central.instance), "--month", "2026-10", "--format", "html",
                "--lang", lang, "--out", str(out))  # fmt: skip
        html = out.read_text()
        assert f'<html lang="{lang}">' in html and title in html and other not in html
        assert foreign_words(html, TRANSLATIONS, "central", lang, DATA) == set(), lang


def test_outside_a_request_the_pdf_is_italian_unless_told(central: Central, tmp_path: Path) -> None:
    from cardsvc.central.reports.report import build_report

    report = build_report(central.db(), "2026-10", 1_795_000_000, None)
    for lang, heading in (("it", "Per comune della famiglia"), ("en", "By the family's comune")):
        path = tmp_path / f"{lang}.pdf"
        path.write_bytes(render_pdf(report, lang) if lang == "en" else render_pdf(report))
        assert heading in pdf_text(path)
