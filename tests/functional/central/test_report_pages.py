"""The report pages speak Italian (English when chosen): comuni chosen by name, a bad query value said in
words with a way back, CSV links named in words with a control for the decimal separator, months in
words, amounts that do not wrap, charts with a title and a caption, and a summary at the top of the page
and the PDF that shows only what the report publishes (the auditor finds nothing more in it)."""

# ruff: noqa: F811 - the four-comuni fixture, imported

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.functional.central.report_auditor import insider_findings, recover
from tests.functional.central.report_readers import pdf_text
from tests.functional.central.test_report_auditor import (  # noqa: F401 - the fixture
    Network,
    four,
    login,
    truth,
)
from tests.functional.central.test_reports import report, rome
from tests.functional.conftest import Central, run_cli

pytestmark = pytest.mark.functional
RAW_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
SUMMARY = ("households", "redemptions", "spend_cents", "discount_cents", "active_cards", "new_cards")


def shops(central: Central, sizes: dict[str, dict[str, int]]) -> Network:
    """Each comune's own shop; ``sizes``: families of each comune shopping at home, by month."""
    net = Network(central, {istat: ["alimentari"] for istat in ("108040", "108012", "108034", "108024")})
    issued = rome("2026-08-20 10:00")
    cards = {istat: net.families(istat, max(by_month.values()), issued) for istat, by_month in sizes.items()}
    for istat, by_month in sizes.items():
        for month, count in by_month.items():
            net.shop(istat, "alimentari", cards[istat][:count], rome(f"{month}-05 10:00"))
    net.upload()
    login(central)
    return net


class _Summary(HTMLParser):
    """The summary's figures as the page shows them: key → (value, change text, status)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, dict[str, str]] = {}
        self.key: str | None = None
        self.part: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "dd" and found.get("data-key"):
            self.key = str(found["data-key"])
            self.found[self.key] = {"status": str(found["data-status"]), "value": "", "change": ""}
        elif self.key and tag in ("strong", "span"):
            self.part = "value" if "value" in (found.get("class") or "") else "change"

    def handle_endtag(self, tag: str) -> None:
        if tag == "dd":
            self.key = None
        elif tag in ("strong", "span"):
            self.part = None

    def handle_data(self, data: str) -> None:
        if self.key and self.part:
            self.found[self.key][self.part] += data


def summary_of(page: str) -> dict[str, dict[str, str]]:
    section = page.split('<section id="summary"')[1].split("</section>")[0]
    parser = _Summary()
    parser.feed(section)
    return {  # white space as one space; a no-break space stays what it is
        key: {k: re.sub(r"[ \t\n]+", " ", v).strip(" ") for k, v in shown.items()}
        for key, shown in parser.found.items()
    }


def _number(text: str) -> int:
    """``1.234`` as 1234, ``+760,72 €`` as 76072 cents, ``-3`` as -3."""
    text = text.replace("\N{NO-BREAK SPACE}", " ").replace("€", "").strip()
    if "," in text:
        return round(float(text.replace(".", "").replace(",", ".")) * 100)
    return int(text.replace(".", ""))


def read_summary(shown: dict[str, dict[str, str]], published: dict[str, Any]) -> dict[str, Any]:
    """The report as a reader of the summary alone would have it, beside the other tables: the month's
    network figures it shows, and the month before's worked out as the figure less its change."""
    network = {key: None for key in SUMMARY}
    before: dict[str, Any] = {"month": previous(published["month"])}
    for key, item in shown.items():
        if item["value"] != "< 5":
            network[key] = _number(item["value"])
        change = re.match(r"([+-][\d.,]+(?:\s?€)?)", item["change"].replace("\N{NO-BREAK SPACE}", " "))
        if change:
            before[key] = network[key] - _number(change.group(1))
    reading = {**published, "network": {**published["network"], **network}}
    if len(before) > 1:
        trend = [r for r in published["trend"] if r["month"] != before["month"]]
        reading["trend"] = [*trend, {**dict.fromkeys(("households", "redemptions", "spend_cents",
                                                       "discount_cents")), **before}]  # fmt: skip
    return reading


def previous(month: str) -> str:
    year, number = int(month[:4]), int(month[5:])
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


def assert_summary_publishes_nothing_more(central: Central, month: str, page: str) -> dict[str, Any]:
    """Every figure the summary shows is the report's own, a hidden one is never shown, a change only
    between two published months, and the auditor recovers nothing from the summary with the tables."""
    published = report(central, month)
    shown = summary_of(page)
    assert set(shown) == set(SUMMARY)
    reading = read_summary(shown, published)
    for key in SUMMARY:
        assert reading["network"][key] == published["network"][key], key
    entry = next((r for r in published["trend"] if r["month"] == previous(month)), None)
    for row in reading["trend"]:
        if row["month"] == previous(month):
            assert entry is not None
            for key in ("households", "redemptions", "spend_cents", "discount_cents"):
                assert row.get(key) is None or row[key] == entry[key], key
                assert row.get(key) is None or entry[key] is not None, key
    assert recover(reading) == []
    assert insider_findings(reading, truth(central, month)) == []
    return shown


def test_the_summary_shows_changes_between_published_months(four: Central, tmp_path: Path) -> None:
    """September and October both stand on many families: each figure with its change."""
    shops(four, {"108040": {"2026-09": 12, "2026-10": 15}, "108012": {"2026-09": 8, "2026-10": 6}})
    page = four.client.get("/admin/reports?month=2026-10").text
    shown = assert_summary_publishes_nothing_more(four, "2026-10", page)
    assert shown["redemptions"]["value"] == "21" and shown["households"]["value"] == "21"
    assert shown["redemptions"]["change"] == "+1 (+5%) rispetto a settembre 2026"
    spend = shown["spend_cents"]["change"]
    assert spend.startswith("+") and spend.endswith("rispetto a settembre 2026")
    assert shown["active_cards"]["value"] == "23" and shown["active_cards"]["status"] == "cards"
    english = four.client.get("/admin/reports?month=2026-10&lang=en").text
    assert summary_of(english)["redemptions"]["change"] == "+1 (+5%) on September 2026"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(four.client.get("/admin/reports/2026-10.pdf?lang=it").data)
    text = " ".join(pdf_text(pdf).split())
    assert "In sintesi: ottobre 2026" in text
    assert "Operazioni 21 +1 (+5%) rispetto a settembre 2026" in text
    # the page's amounts and the summary's never wrap: a no-break space before the euro sign
    assert "\N{NO-BREAK SPACE}€" in shown["spend_cents"]["value"] and ",00 €<" not in page


def test_no_change_from_a_hidden_month(four: Central, tmp_path: Path) -> None:
    """September has three families (hidden in the trend): October's figures are shown, their change
    from September never (it would give September's figures back)."""
    shops(four, {"108040": {"2026-09": 3, "2026-10": 12}, "108012": {"2026-10": 7}})
    page = four.client.get("/admin/reports?month=2026-10").text
    shown = assert_summary_publishes_nothing_more(four, "2026-10", page)
    assert shown["redemptions"]["value"] == "19"
    for key in ("households", "redemptions", "spend_cents", "discount_cents"):
        assert shown[key]["status"] == "previous_hidden" and not re.search(r"[+-]\d", shown[key]["change"])
        assert "settembre 2026 ha meno di 5 famiglie" in shown[key]["change"]
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(four.client.get("/admin/reports/2026-10.pdf").data)
    text = " ".join(pdf_text(pdf).split())
    assert "Operazioni 19 variazione non pubblicata" in text and not re.search(r"Operazioni 19 [+-]", text)


def test_a_hidden_month_shows_no_figure_in_the_summary(four: Central, tmp_path: Path) -> None:
    """October has three families in all: the network's row is hidden, and so is every summary figure."""
    shops(four, {"108040": {"2026-09": 12, "2026-10": 3}})
    page = four.client.get("/admin/reports?month=2026-10").text
    shown = assert_summary_publishes_nothing_more(four, "2026-10", page)
    for key in ("households", "redemptions", "spend_cents", "discount_cents"):
        assert shown[key]["value"] == "< 5" and not re.search(r"[+-]\d", shown[key]["change"]), shown[key]
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(four.client.get("/admin/reports/2026-10.pdf").data)
    text = " ".join(pdf_text(pdf).split())
    assert "Operazioni < 5 non pubblicato" in text


def test_the_first_month_has_no_change_and_the_trend_starts_there(four: Central) -> None:
    shops(four, {"108040": {"2026-10": 12}})
    published = report(four, "2026-10")
    assert [r["month"] for r in published["trend"]] == ["2026-10"]
    page = four.client.get("/admin/reports?month=2026-10").text
    shown = assert_summary_publishes_nothing_more(four, "2026-10", page)
    assert shown["redemptions"]["status"] == "first_month"
    assert report(four, "2026-11")["trend"][0]["month"] == "2026-10"  # a later month: from October on
    assert [r["month"] for r in report(four, "2026-08")["trend"]] == ["2026-08"]  # before any data


def test_the_comune_filter_is_a_list_of_names(four: Central) -> None:
    shops(four, {"108040": {"2026-10": 12}, "108012": {"2026-10": 6}})
    page = four.client.get("/admin/reports?month=2026-10").text
    select = page.split('<select name="comune"')[1].split("</select>")[0]
    options = re.findall(r'<option value="(\d*)"[^>]*>([^<]+)</option>', select)
    assert options[0] == ("", "Tutti i comuni (la rete)")
    assert ("108040", "Seveso") in options and ("108034", "Muggiò") in options
    assert [name for _, name in options[1:]] == sorted(name for _, name in options[1:])
    seveso = four.client.get("/admin/reports?month=2026-10&comune=108040").text
    assert '<option value="108040" selected>Seveso</option>' in seveso
    assert "<h1>Rapporto mensile — ottobre 2026 — Seveso</h1>" in seveso
    assert 'name="comune" value=' not in page  # no free-text ISTAT box


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("/admin/reports?month=2026-10&comune=Seveso", "«Seveso» non è un comune della rete"),
        ("/admin/reports?month=2026-13", "«2026-13» non è un mese"),
        ("/admin/reports?month=ottobre", "«ottobre» non è un mese"),
        ("/admin/reports?month=2026-10&decimali=virgola", "«virgola» non è una scelta per i decimali"),
        ("/admin/reports/2026-10/by_family_comune.csv?decimali=x", "«x» non è una scelta per i decimali"),
        ("/admin/reports/2026-10/by_family_comune.csv?comune=999999", "«999999» non è un comune della rete"),
        ("/admin/reports/2026-13.pdf", "«2026-13» non è un mese"),
        ("/admin/reports/2026-13/comuni.svg", "«2026-13» non è un mese"),
    ],
)
def test_a_bad_query_value_is_said_in_words_with_a_way_back(four: Central, query: str, said: str) -> None:
    login(four)
    answer = four.client.get(query)
    page = answer.text
    assert answer.status_code == 400 and answer.mimetype == "text/html"
    assert said in page and "Bad Request" not in page and "<h1>Richiesta non valida</h1>" in page
    assert '<a href="/admin/reports" id="back">Torna ai rapporti mensili</a>' in page
    english = four.client.get(query + ("&" if "?" in query else "?") + "lang=en").text
    assert "Back to the monthly reports" in english and "Invalid request" in english


def test_a_bad_statement_query_is_said_in_words(four: Central) -> None:
    login(four)
    for query, said in (
        ("/admin/statement", "Nessun negozio «»"),
        ("/admin/statement?merchant=999", "Nessun negozio «999»"),
        ("/admin/statement?merchant=1&month=2026-1", "«2026-1» non è un mese"),
    ):
        answer = four.client.get(query)
        assert answer.status_code == 400 and said in answer.text, query
        assert '<a href="/admin/merchants" id="back">Torna ai negozi</a>' in answer.text


def test_csv_links_in_words_and_the_decimal_control(four: Central) -> None:
    shops(four, {"108040": {"2026-10": 12}, "108012": {"2026-10": 6}})
    page = four.client.get("/admin/reports?month=2026-10").text
    links = dict(
        (text, href.replace("&amp;", "&"))
        for href, text in re.findall(r'<a data-csv href="([^"]+)"[^>]*>([^<]+)</a>', page)
    )
    assert list(links) == [
        "Rete",
        "Per comune della famiglia",
        "Per comune del negozio",
        "Per categoria",
        "Flussi tra comuni",
        "Andamento mensile",
    ]
    control = page.split('<select name="decimali"')[1].split("</select>")[0]
    assert '<option value="it" selected>virgola' in control and '<option value="en">punto' in control
    assert "Decimali nei CSV" in page and all("decimali=it" in href for href in links.values())
    italian = four.client.get(links["Per comune della famiglia"])
    name = italian.headers["Content-Disposition"]
    assert name == 'attachment; filename="family-card-2026-10-per-comune-della-famiglia.csv"'
    assert ";Seveso;" in italian.text and re.search(r";\d+,\d\d;", italian.text)
    point = four.client.get("/admin/reports?month=2026-10&decimali=en").text
    assert '<option value="en" selected>punto' in point
    href = re.findall(r'<a data-csv href="([^"]+)"[^>]*>Per comune della famiglia<', point)[0]
    international = four.client.get(href.replace("&amp;", "&")).text
    assert "decimali=en" in href and ",Seveso," in international and re.search(r",\d+\.\d\d,", international)


def test_months_times_and_charts_in_words(four: Central) -> None:
    shops(four, {"108040": {"2026-09": 12, "2026-10": 12}})
    for lang, month, before in (
        ("it", "ottobre 2026", "settembre 2026"),
        ("en", "October 2026", "September 2026"),
    ):
        page = four.client.get(f"/admin/reports?month=2026-10&lang={lang}").text
        assert month in page.split("</h1>")[0] and not RAW_TIME.search(page), lang
        trend = page.split('data-table="trend"')[1].split("</table>")[0]
        assert f'data-month="2026-09"><td data-key="month">{before}</td>' in trend
        cells = [
            re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", page, re.S)
        ]
        assert "Seveso" in cells and not [c for c in cells if re.fullmatch(r"\d{6}", c)], lang  # names only
        figures = re.findall(r"<figure[^>]*>(.*?)</figure>", page, re.S)
        assert len(figures) == 3
        for figure in figures:
            caption = re.search(r"<figcaption><strong[^>]*>[^<]+</strong>(.*?)</figcaption>", figure, re.S)
            image = re.search(r'<img src="[^"]+" alt="([^"]+)"', figure)
            assert caption and image and month in caption.group(1) + image.group(1), figure
    standalone = four.instance.parent / "report.html"
    run_cli("report", "--instance", str(four.instance), "--month", "2026-10", "--format", "html", "--out",
            str(standalone))  # fmt: skip
    html = re.sub(r"<svg.*?</svg>", "", standalone.read_text(), flags=re.S)  # the charts' own metadata
    assert "Family Card — rapporto mensile ottobre 2026" in html and not RAW_TIME.search(html)
    assert html.count("<figcaption>") == 3 and '<section id="summary"' in html
