"""Open data: each closed month's figures, as the report publishes them after suppression, as a CSV per
dataset with its DCAT-AP_IT metadata and an index page; nothing else is published, bad addresses are
said in words, and no figure of any file, alone or with every other file of every month, gives away
fewer than five households (the reports' auditor reads the files back)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cardsvc.central import create_app
from cardsvc.central.opendata import DATASETS, LEFT_OUT
from cardsvc.central.reports.columns import TABLES
from cardsvc.cli.central_cmd import instance_settings
from cardsvc.network.home import NetworkHome
from cardsvc.platform.clock import ManualClock
from tests.functional.central.report_auditor import (
    insider_findings,
    merchant_findings,
    recover,
    recover_across_months,
)
from tests.functional.central.report_readers import read_open_data
from tests.functional.central.test_report_auditor import COMUNI, Network, truth, visits
from tests.functional.central.test_reports import SINCE, report, rome
from tests.functional.conftest import NOW, PASS, Central, bearer, issued_event, run_cli

pytestmark = pytest.mark.functional
PUBLISHED = ["2026-10", "2026-09", "2026-08"]  # NOW is 18 November 2026: October closed on the 10th


def build_network(tmp_path: Path) -> Central:
    """Four comuni. August: the first cards. September: each comune's families shop at home, two new
    families in Seveso. October: the same, and two families of Brugherio shop in Seveso. November (not
    closed on 18 November): Seveso's families shop again. ``FAMILYCARD_PASSPHRASE`` must be set."""
    home = NetworkHome.init(tmp_path / "network", "Rete di prova", PASS, SINCE)
    for istat, name in COMUNI.items():
        home.add_comune(istat, name, PASS, SINCE)
    instance = tmp_path / "central"
    run_cli("central", "init", "--instance", str(instance), "--network-home", str(home.path))
    run_cli("central", "add-user", "--instance", str(instance), "--username", "admin", "--role",
            "network_admin")  # fmt: skip
    app = create_app({**instance_settings(instance), "CLOCK": ManualClock(NOW), "TESTING": True})
    central = Central(app, app.test_client(), home, instance)
    net = Network(central, {istat: ["alimentari", "farmacia"] for istat in COMUNI})
    issued = rome("2026-08-20 10:00")
    sizes = {"108034": 3, "108012": 10, "108040": 20, "108024": 9}
    cards = {istat: net.families(istat, count, issued) for istat, count in sizes.items()}
    newcomers = []
    for n in range(2):
        card = home.issue_card("108040", f"NUOVA FAMIGLIA {n}", 1, PASS, rome("2026-09-15 10:00")).text
        event = issued_event(card, f"abc{n:061d}")
        answer = central.post("/api/v1/card-events", {"events": [event]}, bearer(net.tokens["108040"]))
        assert answer.json["results"][0]["status"] == "accepted", answer.json
        newcomers.append(card)
    for month in ("2026-09-05 10:00", "2026-10-05 10:00"):
        for istat, own in cards.items():
            net.shop(istat, "alimentari", own, rome(month))
            net.shop(istat, "farmacia", own[: len(own) // 2], rome(month) + 3_600)
    net.shop("108040", "farmacia", newcomers, rome("2026-10-06 10:00"))
    net.shop("108040", "alimentari", cards["108012"][:2], rome("2026-10-07 10:00"))
    net.shop("108040", "farmacia", cards["108040"], rome("2026-11-03 10:00"))
    net.upload()
    return central


@pytest.fixture(scope="module")
def opendata(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Central]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("FAMILYCARD_PASSPHRASE", PASS)
        yield build_network(tmp_path_factory.mktemp("opendata"))


def get(central: Central, path: str, **query: str) -> Any:
    return central.app.test_client().get(path, query_string=query)


def read(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def read_month(central: Central, month: str) -> dict[str, Any]:
    """The month's open data files read back into the report's shape, as the auditor reads a report."""
    texts = {}
    for name in DATASETS:
        answer = get(central, f"/opendata/{month}/{name}.csv")
        assert answer.status_code == 200 and answer.mimetype == "text/csv", (month, name)
        assert answer.headers["Cache-Control"] == "public, max-age=3600"
        texts[name] = answer.get_data(as_text=True)
    return read_open_data(texts, month)


def test_the_index_lists_the_closed_months_and_their_files(opendata: Central) -> None:
    page = get(opendata, "/opendata")
    assert page.status_code == 200 and '<html lang="it">' in page.text
    assert "Dati aperti" in page.text and "Amministrazione trasparente" in page.text
    assert "https://creativecommons.org/licenses/by/4.0/deed.it" in page.text and "CC BY 4.0" in page.text
    assert [m for m in ("2026-11", *PUBLISHED) if f'data-month="{m}"' in page.text] == PUBLISHED
    assert "ottobre 2026" in page.text and "agosto 2026" in page.text and "novembre 2026" not in page.text
    for month in PUBLISHED:
        for name in DATASETS:
            assert f'href="/opendata/{month}/{name}.csv"' in page.text
            assert f'href="/opendata/{month}/{name}.json"' in page.text
    english = get(opendata, "/opendata", lang="en")
    assert (
        '<html lang="en">' in english.text and "Open data" in english.text and "October 2026" in english.text
    )


def test_a_file_not_published_is_a_404_in_words(opendata: Central) -> None:
    paths = ("2026-11/rete.csv", "2026-07/rete.csv", "2026-13/rete.csv", "ottobre/rete.csv",
             "2026-10/segreti.csv", "2026-10/RETE.csv", "2026-10/rete.csv/x", "2026-10",
             "x%00y/rete.csv")  # fmt: skip
    for path in (f"/opendata/{p}" for p in paths):
        answer = get(opendata, path)
        assert answer.status_code == 404, path
        assert '<html lang="it">' in answer.text and "dati aperti" in answer.text.lower(), path
    said = get(opendata, "/opendata/2026-11/rete.csv").text
    assert "Nessun dato pubblicato per «2026-11» «rete»: il mese non è ancora chiuso" in said
    metadata = get(opendata, "/opendata/2026-11/rete.json")
    assert metadata.status_code == 404 and "il mese non è ancora chiuso" in metadata.json["error"]["message"]
    assert "not closed yet" in get(opendata, "/opendata/2026-11/rete.csv", lang="en").text


def test_each_file_has_its_metadata(opendata: Central) -> None:
    for name in DATASETS:
        meta = get(opendata, f"/opendata/2026-10/{name}.json").json
        assert meta["identifier"] == f"familycard-2026-10-{name}"
        assert meta["title"].startswith("Family Card, 2026-10") and "2026-10" in meta["description"]
        assert "< 5" in meta["description"]
        assert meta["license"] == {
            "name": "CC BY 4.0",
            "url": "https://creativecommons.org/licenses/by/4.0/deed.it",
        }
        assert meta["publisher"] == {"name": "Rete di prova"} == meta["rightsHolder"]
        assert meta["temporal"] == {"startDate": "2026-10-01", "endDate": "2026-10-31"}
        assert meta["accrualPeriodicity"].endswith("/frequency/MONTHLY") and meta["frequency"] == "MONTHLY"
        assert meta["issued"] == "2026-11-11" and meta["modified"] >= meta["issued"]
        [distribution] = meta["distribution"]
        assert distribution["format"] == "CSV" and distribution["mediaType"] == "text/csv"
        assert distribution["downloadURL"] == f"http://localhost/opendata/2026-10/{name}.csv"
        assert distribution["accessURL"] == "http://localhost/opendata" == meta["landingPage"]
        assert [c["name"] for c in meta["columns"]] == [c.csv for c in DATASETS[name].columns]
        assert get(opendata, distribution["downloadURL"].removeprefix("http://localhost")).status_code == 200
    catalogue = get(opendata, "/opendata/catalogo.json").json
    assert catalogue["publisher"] == {"name": "Rete di prova"} and catalogue["months"] == PUBLISHED
    assert [d["identifier"] for d in catalogue["dataset"]] == [
        f"familycard-{month}-{name}" for month in PUBLISHED for name in DATASETS
    ]
    assert catalogue["dataset"][0] == get(opendata, "/opendata/2026-10/rete.json").json
    assert 'href="/opendata/catalogo.json"' in get(opendata, "/opendata").text
    english = get(opendata, "/opendata/2026-09/rete.json", lang="en").json
    assert english["title"] == "Family Card, 2026-09: network totals" and english["language"] == "ENG"


def test_the_files_show_the_reports_figures_after_suppression(opendata: Central) -> None:
    for month in PUBLISHED:
        published, files = report(opendata, month), read_month(opendata, month)
        for name, dataset in DATASETS.items():
            expected = published[dataset.table]
            expected = [expected] if isinstance(expected, dict) else expected
            shown = files[dataset.table]
            shown = [shown] if isinstance(shown, dict) else shown
            assert len(shown) == len(expected), (month, name)
            for row, truth_row in zip(shown, expected, strict=True):
                for column in dataset.columns[1:]:
                    assert row[column.key] == truth_row[column.key], (month, name, column.key)
                assert row.get("suppressed", False) == truth_row.get("suppressed", False)
            assert not {c.key for c in dataset.columns} & set(LEFT_OUT)
    october = read_month(opendata, "2026-10")
    assert october["network"]["redemptions"] == published_redemptions(opendata, "2026-10") > 0
    assert any(r.get("suppressed") for r in october["by_family_comune"])  # Muggiò's three families
    left_out = {c.key for c in TABLES["by_family_comune"]} - {
        c.key for c in DATASETS["comuni-famiglie"].columns
    }
    assert left_out == {"active_cards", "households_with_card", "open_flags"}


def published_redemptions(central: Central, month: str) -> int:
    return int(report(central, month)["network"]["redemptions"])


def test_no_open_data_figure_reveals_fewer_than_five_households(opendata: Central) -> None:
    """The auditor reads every file back: within each month, for the public, each comune's office and
    each lone shop, and for each shop less its own share; and every month's files together."""
    months = {month: read_month(opendata, month) for month in PUBLISHED}
    for month, files in months.items():
        assert recover(files) == [], month
        assert insider_findings(files, truth(opendata, month)) == [], month
        assert merchant_findings(files, visits(opendata, month)) == [], month
    assert any(r.get("suppressed") for files in months.values() for r in files["by_family_comune"])
    assert recover_across_months(months, first_month="2026-08") == []


def _comune(istat: str, active: int | None, new: int | None) -> dict[str, Any]:
    hidden = active is None
    cards = {"active_cards": active, "households_with_card": active, "new_cards": new,
             "revoked_cards": None if hidden else 0}  # fmt: skip
    return {"istat": istat, "redemptions": 0, "spend_cents": 0, "discount_cents": 0, "households": 0, **cards,
            **({"suppressed": True} if hidden else {})}  # fmt: skip


def test_the_auditor_finds_what_a_stock_published_every_month_would_give_away() -> None:
    """Why the open data leaves the active cards out. September: X's three families and Y's three are
    hidden, and neither can be told from the network's 25 less Z's 19. October: X shows 5 active cards, 2
    of them new, none revoked (Y and Z hidden): so X had 3 in September, and Y 3; the auditor finds both
    from the two months together, though from neither alone."""
    empty = {"by_shop_comune": [], "by_category": [], "flow": []}
    september = {
        "month": "2026-09",
        **empty,
        "network": _comune("", 25, 25),
        "by_family_comune": [_comune("X", None, None), _comune("Y", None, None), _comune("Z", 19, 19)],
    }
    october = {
        "month": "2026-10",
        **empty,
        "network": _comune("", 27, 2),
        "by_family_comune": [_comune("X", 5, 2), _comune("Y", None, None), _comune("Z", None, None)],
    }
    assert recover(september) == [] and recover(october) == []
    assert recover_across_months({"2026-09": september}, first_month="2026-09") == []
    found = recover_across_months({"2026-09": september, "2026-10": october}, first_month="2026-09")
    cells = {(month, r.cell, r.measure): r.value for month, r in found}
    assert cells[("2026-09", ("family", "X"), "active_cards")] == 3.0
    assert cells[("2026-09", ("family", "Y"), "active_cards")] == 3.0
