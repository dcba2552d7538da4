"""No hidden figure of a published report can be recovered by combining the published ones: the auditor
(``report_auditor``) reads each report as an adversary would, over every relation between its tables."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cardsvc.central import create_app
from cardsvc.central.i18n import column_label
from cardsvc.central.reports.columns import TABLES, rows
from cardsvc.central.reports.csv_export import table_csv
from cardsvc.central.reports.figures import month_figures
from cardsvc.central.reports.months import parse_month
from cardsvc.central.vat import vat_check_digit
from cardsvc.cli.central_cmd import instance_settings
from cardsvc.network.home import NetworkHome
from cardsvc.platform.clock import ManualClock
from cardsvc.platform.rome_calendar import month_bounds
from tests.functional.central.report_auditor import insider_findings, merchant_findings, recover
from tests.functional.central.report_readers import pdf_text, read_csv, read_html, read_pdf
from tests.functional.central.test_reports import SINCE, _rfc, report, rome
from tests.functional.conftest import NOW, PASS, USER_PASSWORD, Central, bearer, issued_event, run_cli

pytestmark = pytest.mark.functional
COMUNI = {"108040": "Seveso", "108012": "Brugherio", "108034": "Muggiò", "108024": "Giussano"}


@pytest.fixture
def four(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Central]:
    """Four comuni whose keys are older than the months reported."""
    monkeypatch.setenv("FAMILYCARD_PASSPHRASE", PASS)
    home = NetworkHome.init(tmp_path / "network", "Rete di prova", PASS, SINCE)
    for istat, name in COMUNI.items():
        home.add_comune(istat, name, PASS, SINCE)
    instance = tmp_path / "central"
    run_cli("central", "init", "--instance", str(instance), "--network-home", str(home.path))
    run_cli(
        "central", "add-user", "--instance", str(instance), "--username", "admin", "--role", "network_admin"
    )
    app = create_app({**instance_settings(instance), "CLOCK": ManualClock(NOW), "TESTING": True})
    yield Central(app, app.test_client(), home, instance)


class Network:
    """Shops (a till each) and families with cards, their households sent by the office."""

    def __init__(self, central: Central, shops: dict[str, list[str]]) -> None:
        self.central = central
        self.tills: dict[tuple[str, str], Any] = {}
        central.app.config["CLOCK"].now = SINCE  # the shops and offers are older than the months reported
        for n, (istat, categories) in enumerate(shops.items()):
            for m, category in enumerate(categories):
                base = f"{n + 1:04d}{m + 1:06d}"
                vat = base + str(vat_check_digit(base))
                merchant = central.merchant(
                    name=f"{category} {istat}", istat=istat, vat=vat, category=category
                )
                central.offer(merchant)
                self.tills[(istat, category)] = central.kiosk(merchant)
        central.app.config["CLOCK"].now = NOW
        self.tokens = {istat: central.issuer_token(istat) for istat in COMUNI}

    def families(self, istat: str, count: int, issued: int) -> list[str]:
        cards = []
        for family in range(count):
            card = self.central.home.issue_card(istat, f"FAMIGLIA {family}", 2, PASS, issued).text
            event = issued_event(card, f"{istat}{family:058d}")
            answer = self.central.post("/api/v1/card-events", {"events": [event]}, bearer(self.tokens[istat]))
            assert answer.json["results"][0]["status"] == "accepted", answer.json
            cards.append(card)
        return cards

    def shop(self, istat: str, category: str, cards: list[str], at: int, amount: int = 5_000) -> None:
        till = self.tills[(istat, category)]
        for n, card in enumerate(cards):
            till.record(type="redemption", card=card, offer_id=till.offers[0]["id"], amount_cents=amount + n,
                        discount_cents=(amount + n) // 10, at=_rfc(at + n * 60))  # fmt: skip

    def upload(self) -> None:
        """Each till sends its new records an hour after each one, as a till that syncs does."""
        for till in self.tills.values():
            till.sync_new(self.central.app)


def truth(central: Central, month: str) -> dict[str, Any]:
    year, number = parse_month(month)
    return month_figures(central.db(), year, number, NOW)


def assert_nothing_recovered(central: Central, month: str) -> dict[str, Any]:
    """No hidden figure is determined by the report, for the public; none of one to four families for
    any insider, nor any other shops' part of a cell that a shop can read by taking out its own."""
    published = report(central, month)
    assert recover(published) == []
    assert insider_findings(published, truth(central, month)) == []
    assert merchant_findings(published, visits(central, month)) == []
    return published


def visits(central: Central, month: str) -> list[Any]:
    """Every redemption of the month: the family's comune, the shop's comune and category, the shop,
    the household (read here, apart from the report's own queries)."""
    start, end = month_bounds(*parse_month(month))
    db = central.db()
    return db.execute(
        "select r.card_istat, r.shop_istat, m.category, r.merchant_id, coalesce(r.household, r.cti) "
        "from redemptions r join merchants m on m.id = r.merchant_id where r.type = 'redemption' "
        "and r.status = 'accepted' and r.voided = 0 and r.kiosk_time >= ? and r.kiosk_time < ?",
        [start, end],
    ).fetchall()


def hidden(published: dict[str, Any], table: str) -> set[Any]:
    keys = {"flow": ("from", "to"), "by_category": ("istat", "category")}.get(table, ("istat",))
    return {tuple(r[k] for k in keys) for r in published[table] if r.get("suppressed")}


def test_the_scenario_four_comuni_and_a_small_flow(four: Central) -> None:
    """3, 10, 20 and 4 families; two of the ten also shop in the comune of the twenty. Secondary
    suppression within each table let the small flow come back as its comune's row less the visible
    flow; the whole system is protected now, and each comune's view shows the same figures."""
    net = Network(four, {istat: ["alimentari"] for istat in COMUNI})
    issued, at = rome("2026-09-10 10:00"), rome("2026-10-05 10:00")
    sizes = {"108034": 3, "108012": 10, "108040": 20, "108024": 4}
    cards = {istat: net.families(istat, count, issued) for istat, count in sizes.items()}
    for istat, own in cards.items():
        net.shop(istat, "alimentari", own, at)
    net.shop("108040", "alimentari", cards["108012"][:2], at + 86_400)
    net.upload()
    published = assert_nothing_recovered(four, "2026-10")
    assert {"108034", "108024"} <= {i for (i,) in hidden(published, "by_family_comune")}
    assert published["network"]["redemptions"] == 3 + 10 + 20 + 4 + 2
    for istat in COMUNI:
        view = report(four, "2026-10", comune=istat)
        assert view["network"] == published["network"] and view["trend"] == published["trend"]
        for table in ("by_family_comune", "by_shop_comune", "by_category", "flow"):
            assert all(row in published[table] for row in view[table]), (istat, table)


def test_a_month_without_redemptions_hides_card_figures_together(four: Central) -> None:
    """No redemptions: a comune of three families' card figures must not be network − the others."""
    net = Network(four, {"108040": ["alimentari"]})
    issued = rome("2026-09-10 10:00")
    for istat, count in {"108034": 3, "108012": 10, "108040": 20, "108024": 12}.items():
        net.families(istat, count, issued)
    published = assert_nothing_recovered(four, "2026-10")
    small = next(r for r in published["by_family_comune"] if r["istat"] == "108034")
    assert small["active_cards"] is None and small["households_with_card"] is None


def test_a_comune_with_one_shop(four: Central) -> None:
    """Muggiò's one shop serves its four families and two from Seveso: it knows its column of the flow,
    and no small cell comes out of the report with it."""
    net = Network(four, {"108040": ["alimentari", "farmacia"], "108012": ["libreria"], "108034": ["sport"]})
    issued, at = rome("2026-09-10 10:00"), rome("2026-10-05 10:00")
    seveso, brugherio = net.families("108040", 12, issued), net.families("108012", 8, issued)
    muggio = net.families("108034", 4, issued)
    net.shop("108040", "alimentari", seveso[:7], at)
    net.shop("108040", "farmacia", seveso[5:], at)
    net.shop("108012", "libreria", brugherio, at)
    net.shop("108034", "sport", muggio + seveso[:2], at)
    net.upload()
    published = assert_nothing_recovered(four, "2026-10")
    assert ("108034",) in hidden(published, "by_family_comune")


def test_a_comune_that_joins_mid_year(four: Central) -> None:
    """Giussano's first three families get their cards in October: its first month, and the month
    before (nothing yet), publish nothing that gives them away."""
    net = Network(four, {istat: ["alimentari"] for istat in COMUNI})
    old, new = rome("2026-06-10 10:00"), rome("2026-10-02 10:00")
    cards = {istat: net.families(istat, 9, old) for istat in ("108040", "108012", "108034")}
    cards["108024"] = net.families("108024", 3, new)
    for month in ("2026-09-05 10:00", "2026-10-05 10:00"):
        for istat, own in cards.items():
            if istat != "108024" or month.startswith("2026-10"):
                net.shop(istat, "alimentari", own, rome(month))
    net.upload()
    assert_nothing_recovered(four, "2026-09")
    published = assert_nothing_recovered(four, "2026-10")
    giussano = next(r for r in published["by_family_comune"] if r["istat"] == "108024")
    assert giussano["new_cards"] is None and giussano["redemptions"] is None


def test_several_comuni_each_under_five(four: Central) -> None:
    """Every comune has two to four families, some shopping next door: the network's row stands on
    more than five, every comune's is hidden, and nothing can be worked out."""
    net = Network(four, {istat: ["alimentari"] for istat in COMUNI})
    issued, at = rome("2026-09-10 10:00"), rome("2026-10-05 10:00")
    cards = {
        istat: net.families(istat, count, issued) for istat, count in zip(COMUNI, (2, 3, 4, 3), strict=True)
    }
    for istat, own in cards.items():
        net.shop(istat, "alimentari", own, at)
    net.shop("108012", "alimentari", cards["108040"][:1], at + 3_600)
    net.upload()
    published = assert_nothing_recovered(four, "2026-10")
    assert len(hidden(published, "by_family_comune")) == 4 and published["network"]["redemptions"] == 13


@pytest.fixture
def formats(four: Central, tmp_path: Path) -> dict[str, Any]:
    """The scenario (two categories a comune) as JSON, CSV, web page, standalone HTML and PDF."""
    net = Network(four, {istat: ["alimentari", "farmacia"] for istat in COMUNI})
    issued, at = rome("2026-09-10 10:00"), rome("2026-10-05 10:00")
    sizes = {"108034": 3, "108012": 10, "108040": 20, "108024": 4}
    cards = {istat: net.families(istat, count, issued) for istat, count in sizes.items()}
    for istat, own in cards.items():
        net.shop(istat, "alimentari", own, at)
        net.shop(istat, "farmacia", own[: len(own) // 2], at + 3_600)
    net.shop("108040", "alimentari", cards["108012"][:2], at + 86_400)
    net.upload()
    login(four)
    for kind in ("html", "pdf"):
        out = tmp_path / f"report.{kind}"
        run_cli(
            "report",
            "--instance",
            str(four.instance),
            "--month",
            "2026-10",
            "--format",
            kind,
            "--out",
            str(out),
        )
    published = report(four, "2026-10")
    return {
        "json": published,
        "csv": {table: table_csv(published, table) for table in TABLES},
        "page": four.client.get("/admin/reports?month=2026-10").get_data(as_text=True),
        "html": (tmp_path / "report.html").read_text(),
        "pdf": tmp_path / "report.pdf",
    }


def test_every_format_shows_every_column(formats: dict[str, Any]) -> None:
    """One column table: each table's columns, in order, in the JSON, the CSV, both HTML pages and the
    PDF (where a comune is named in its row's first cell, and a flow's family comune by its section)."""
    shown_as_name = {"by_family_comune": ("istat",), "by_shop_comune": ("istat",)}
    pdf = " ".join(pdf_text(formats["pdf"]).split())
    for table, columns in TABLES.items():
        for row in rows(formats["json"], table):
            assert {c.key for c in columns} <= row.keys(), (table, row)
        assert formats["csv"][table].lstrip("\ufeff").splitlines()[0] == ";".join(c.csv for c in columns)
        keys = [c.key for c in columns if c.key not in shown_as_name.get(table, ())]
        for page in ("page", "html"):
            header = formats[page].split(f'data-table="{table}"')[1].split("</tr>")[0]
            assert re.findall(r'<th data-key="([^"]+)"', header) == keys, (page, table)
        in_pdf = {"by_family_comune": ("istat",), "by_shop_comune": ("istat",), "by_category": ("istat",),
                  "flow": ("from",)}.get(table, ())  # fmt: skip
        assert " ".join(column_label(c, "it") for c in columns if c.key not in in_pdf) in pdf, table
    assert "Sconto medio per famiglia" in pdf


def test_every_format_shows_the_same_figures_and_hides_the_same(formats: dict[str, Any]) -> None:
    """Every figure each format shows is the JSON's, every hidden one hidden, and the auditor recovers
    nothing from any of them."""
    published = formats["json"]
    names = {r["comune"]: r["istat"] for r in published["by_family_comune"]}
    readings = {
        "csv": read_csv(formats["csv"], "2026-10"),
        "page": read_html(formats["page"], "2026-10"),
        "html": read_html(formats["html"], "2026-10"),
        "pdf": read_pdf(formats["pdf"], names, "2026-10"),
    }
    assert any(r.get("suppressed") for r in published["by_family_comune"])
    for kind, reading in readings.items():
        for table in TABLES:
            shown = reading[table] if table != "network" else [reading["network"]]
            assert shown, (kind, table)
            expected = {_identity(table, r): r for r in rows(published, table)}
            for row in shown:
                truth = expected[_identity(table, row)]
                for column in TABLES[table]:
                    if column.figure and column.key in row:
                        assert row[column.key] == truth[column.key], (kind, table, row, column.key)
            if kind != "pdf" or table != "flow":  # the PDF lists each comune's ten main flows
                assert len(shown) == len(expected), (kind, table)
        assert recover(reading) == [], kind


def _identity(table: str, row: dict[str, Any]) -> tuple[str, ...]:
    keys = {"network": (), "by_category": ("istat", "category"), "flow": ("from", "to"), "trend": ("month",)}
    return tuple(str(row[k]) for k in keys.get(table, ("istat",)))


def login(central: Central) -> None:
    page = central.client.get("/admin/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    answer = central.client.post(
        "/admin/login", data={"csrf_token": token, "username": "admin", "password": USER_PASSWORD}
    )
    assert answer.status_code == 302
