"""The public directory: families search the shops of every comune by words without accents or case,
narrow them by comune and category, read each offer's terms in words; the CSV and JSON exports give
the same shops, and each comune's leaflet lists its shops (and only those) in two columns."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from cardsvc.central.vat import vat_check_digit
from tests.functional.conftest import Central

pytestmark = pytest.mark.functional
TERMS = "10% di sconto, fino a 5,00 €, spesa minima 20,00 €, con almeno 2 figli minori, una volta al giorno"
EXTRA_SEVESO = 24  # more shops in Seveso, so that the page needs two pages and the leaflet two columns


def vat(n: int) -> str:
    base = f"{n:010d}"
    return base + str(vat_check_digit(base))


def shop(central: Central, n: int, name: str, istat: str, category: str, address: str = "Via Roma 1") -> int:
    answer = central.post(
        "/api/v1/admin/merchants",
        {"name": name, "vat": vat(n), "istat": istat, "category": category, "address": address},
    )
    assert answer.status_code == 201, answer.json
    return int(answer.json["id"])


def draft(central: Central, merchant: int, title: str, status: str | None = None) -> None:
    answer = central.post(f"/api/v1/admin/merchants/{merchant}/offers", {"title": title, "kind": "percent",
                                                                          "percent": 7})  # fmt: skip
    assert answer.status_code == 201, answer.json
    if status:
        assert (
            central.post(f"/api/v1/admin/offers/{answer.json['id']}/status", {"status": status}).status_code
            == 200
        )


@pytest.fixture
def shops(central: Central) -> dict[str, Any]:
    """Cartoleria Viganò (two published offers and a pending one) and 24 more shops in Seveso, a
    bookshop in Brugherio, a Seveso shop with only a draft offer."""
    vigano = shop(central, 1, "Cartoleria Viganò", "108040", "cartoleria", "Corso Garibaldi 12")
    central.offer(vigano, title="Quaderni e zaini", percent=10, cap_cents=500, min_spend_cents=2000,
                  min_minors=2, daily_limit=1, description="Per la scuola")  # fmt: skip
    central.offer(vigano, title="Buono merenda", kind="fixed", percent=None, amount_cents=300)
    draft(central, vigano, "Offerta in attesa", "pending")
    hidden = shop(central, 2, "Ottica Nascosta", "108040", "ottica")
    draft(central, hidden, "Offerta in bozza")
    brugherio = shop(central, 3, "Libreria Brugherio", "108012", "libreria", "Piazza Cesare Battisti 1")
    central.offer(brugherio, title="Libri per ragazzi", percent=15)
    extra = []
    for n in range(EXTRA_SEVESO):
        name = f"Alimentari Seveso {n:02d}"
        central.offer(shop(central, 10 + n, name, "108040", "alimentari"), title=f"Spesa {n:02d}", percent=5)
        extra.append(name)
    return {"extra": extra}


def names(page: str) -> list[str]:
    return re.findall(r'<section class="shop">\s*<h2>([^<]+)</h2>', page)


def test_a_family_finds_a_shop_without_accents_or_case(central: Central, shops: dict[str, Any]) -> None:
    client = central.app.test_client()
    for query in ("vigano", "VIGANÒ", "viGaNo cartoleria", "zaini", "merenda Seveso", "scuola"):
        page = client.get("/directory", query_string={"q": query})
        assert page.status_code == 200, query
        assert names(page.text) == ["Cartoleria Viganò"], query
        assert "1 esercente trovato" in page.text, query
    for query in ("liberia", "vigano brugherio", "bozza", "attesa", "Nascosta"):
        page = client.get("/directory", query_string={"q": query})
        assert names(page.text) == [] and "Nessun esercente trovato" in page.text, query
    page = client.get("/directory", query_string={"q": "libri"})
    assert names(page.text) == ["Libreria Brugherio"]


def test_each_offer_and_its_conditions_in_words(central: Central, shops: dict[str, Any]) -> None:
    page = central.app.test_client().get("/directory", query_string={"q": "vigano"}).text
    assert f'<span class="terms">{TERMS}</span>' in page
    assert "Corso Garibaldi 12" in page and "Per la scuola" in page
    assert '<span class="terms">3,00 € di sconto</span>' in page
    assert "Offerta in attesa" not in page and "7%" not in page
    english = central.app.test_client().get("/directory", query_string={"q": "vigano", "lang": "en"}).text
    assert "10% off, up to €5.00, minimum spend €20.00, with at least 2 minor children, once a day" in english


def test_filters_by_comune_and_category_and_pages(central: Central, shops: dict[str, Any]) -> None:
    client = central.app.test_client()
    seveso = client.get("/directory", query_string={"comune": "108040"})
    assert "25 esercenti trovati" in seveso.text and "Pagina 1 di 2" in seveso.text
    assert len(names(seveso.text)) == 20 and "Libreria Brugherio" not in seveso.text
    second = client.get("/directory", query_string={"comune": "108040", "page": "2"})
    assert second.status_code == 200 and len(names(second.text)) == 5
    first, last = set(names(seveso.text)), set(names(second.text))
    assert not first & last and first | last == {"Cartoleria Viganò", *shops["extra"]}
    assert 'href="/directory?page=1&amp;comune=108040"' in second.text  # the filter kept in the link
    bookshops = client.get("/directory", query_string={"category": "libreria"})
    assert names(bookshops.text) == ["Libreria Brugherio"]
    nothing = client.get("/directory", query_string={"comune": "108012", "category": "cartoleria"})
    assert "Nessun esercente trovato" in nothing.text
    select = seveso.text.split('name="comune"')[1].split("</select>")[0]
    assert '<option value="108040" selected>Seveso</option>' in select.replace("  ", " ")


BAD_INPUT = (
    ({"page": "3", "comune": "108040"}, 404, "La pagina 3 non esiste: i risultati stanno in 2 pagine."),
    ({"page": "0"}, 400, "Il numero di pagina non è valido"),
    ({"page": "due"}, 400, "Il numero di pagina non è valido"),
    ({"page": "9" * 30}, 400, "Il numero di pagina non è valido"),
    ({"comune": "999999"}, 404, "Questo comune non fa parte della rete"),
    ({"comune": "<script>"}, 404, "Questo comune non fa parte della rete"),
    ({"category": "gioielleria"}, 400, "Questa categoria non esiste"),
)


def test_bad_input_is_said_in_words(central: Central, shops: dict[str, Any]) -> None:
    client = central.app.test_client()
    for query, status, said in BAD_INPUT:
        page = client.get("/directory", query_string=query)
        assert page.status_code == status and said in page.text and '<html lang="it">' in page.text, query
        assert "<script>" not in re.split(r"<main[^>]*>", page.text)[1]
        csv_answer = client.get("/directory.csv", query_string=query)
        if "page" not in query:
            assert csv_answer.status_code == status and said in csv_answer.text, query
    for query in ("x" * 5000, "%", "' or 1=1 --", "\u202e\u0000vigano", "   "):
        assert client.get("/directory", query_string={"q": query}).status_code == 200, query
    assert len(names(client.get("/directory", query_string={"q": "   "}).text)) == 20
    pages = ("?q=%FF%FE%00", "?page=%00", "?comune=%FF", "?q&&=&page", "/%2E%2E/leaflet.pdf",
             "/108040%00/leaflet.pdf")  # fmt: skip
    for raw in pages:
        answer = client.get("/directory" + raw)
        assert answer.status_code in (200, 400, 404) and '<html lang="it">' in answer.text, raw
    answer = client.get("/directory.csv?q=%ZZ%FF")
    assert answer.status_code == 200 and answer.text.startswith("\ufeffComune;")


def read_csv(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def test_csv_and_json_exports_with_the_same_filters(central: Central, shops: dict[str, Any]) -> None:
    client = central.app.test_client()
    answer = client.get("/directory.csv", query_string={"q": "vigano"})
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert "attachment" in answer.headers["Content-Disposition"]
    rows = read_csv(answer.get_data(as_text=True))
    assert list(rows[0]) == [
        "Comune",
        "Esercente",
        "Categoria",
        "Indirizzo",
        "Offerta",
        "Condizioni",
        "Descrizione",
    ]
    assert [(r["Esercente"], r["Offerta"], r["Condizioni"]) for r in rows] == [
        ("Cartoleria Viganò", "Quaderni e zaini", TERMS),
        ("Cartoleria Viganò", "Buono merenda", "3,00 € di sconto"),
    ]
    everything = read_csv(client.get("/directory.csv").get_data(as_text=True))
    assert len(everything) == 2 + 1 + EXTRA_SEVESO and "Ottica Nascosta" not in {
        r["Esercente"] for r in everything
    }
    data = client.get("/api/v1/directory", query_string={"q": "VIGANO", "comune": "108040"}).json
    assert data["count"] == 1 and data["shops"][0]["name"] == "Cartoleria Viganò"
    assert [o["terms"] for o in data["shops"][0]["offers"]] == [TERMS, "3,00 € di sconto"]
    assert client.get("/api/v1/directory", query_string={"q": "liberia"}).json == {"count": 0, "shops": []}
    assert client.get("/api/v1/directory", query_string={"category": "gioielleria"}).status_code == 400


def test_a_name_that_looks_like_a_formula_stays_text(central: Central) -> None:
    central.offer(shop(central, 1, "=HYPERLINK(1)", "108040", "sport"), title="+10", percent=10)
    rows = read_csv(central.app.test_client().get("/directory.csv").get_data(as_text=True))
    assert rows[0]["Esercente"] == "'=HYPERLINK(1)" and rows[0]["Offerta"] == "'+10"


def words_with_x(pdf: Path) -> list[tuple[float, str]]:
    """Each word of the PDF with its left edge, from pdftotext's bounding boxes."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [(float(x), word) for x, word in re.findall(r'<word xMin="([\d.]+)"[^>]*>([^<]*)</word>', html)]


def test_the_comune_leaflet(central: Central, shops: dict[str, Any], tmp_path: Path) -> None:
    answer = central.app.test_client().get("/directory/108040/leaflet.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    pdf = tmp_path / "volantino.pdf"
    pdf.write_bytes(answer.data)
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                                   text=True).stdout.split())  # fmt: skip
    assert "Dove usare la Family Card a Seveso" in text and "Aggiornato al 18 novembre 2026" in text
    offers = [f"Spesa {n:02d}" for n in range(EXTRA_SEVESO)]
    expected = ["Cartoleria Viganò", "Corso Garibaldi 12", "Quaderni e zaini", TERMS, "Buono merenda"]
    for name in (*expected, "3,00 € di sconto", *shops["extra"], *offers):
        assert name in text, name
    for absent in (
        "Libreria Brugherio",
        "Libri per ragazzi",
        "Ottica Nascosta",
        "Offerta in bozza",
        "Offerta in attesa",
    ):
        assert absent not in text, absent
    assert "Alimentari" in text and "Cartoleria" in text  # the categories' headings
    middle = 595.27 / 2
    shops_x = [x for x, word in words_with_x(pdf) if word == "Alimentari"]
    assert any(x < middle - 50 for x in shops_x) and any(x > middle for x in shops_x), shops_x


def test_a_leaflet_of_an_unknown_comune(central: Central) -> None:
    answer = central.app.test_client().get("/directory/999999/leaflet.pdf")
    assert answer.status_code == 404 and "Questo comune non fa parte della rete" in answer.text
    english = central.app.test_client().get("/directory/999999/leaflet.pdf?lang=en")
    assert "This comune is not in the network" in english.text
