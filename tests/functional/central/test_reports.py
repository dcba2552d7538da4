"""Monthly report figures checked against hand-computed expectations on a seeded network: months in
Rome time (daylight-saving changes included), voids excluded, duplicates counted once, small cells
suppressed without being recoverable from the totals."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from cardsvc.central import create_app
from cardsvc.central.reports.csv_export import table_csv
from cardsvc.central.reports.report import build_report
from cardsvc.central.vat import vat_check_digit
from cardsvc.cli.central_cmd import instance_settings
from cardsvc.network.home import NetworkHome
from cardsvc.platform.clock import ManualClock
from cardsvc.platform.rome_calendar import ROME, month_bounds
from tests.functional.conftest import (
    NOW,
    PASS,
    VAT_BRUGHERIO,
    VAT_SEVESO,
    Central,
    bearer,
    issued_event,
    run_cli,
)

pytestmark = pytest.mark.functional
VAT_MUGGIO = "0000001000" + str(vat_check_digit("0000001000"))
SINCE = int(datetime(2025, 6, 1, tzinfo=ROME).timestamp())


def rome(text: str) -> int:
    """A Rome wall-clock time as NumericDate (``2026-10-01 00:30``)."""
    return int(datetime.fromisoformat(text).replace(tzinfo=ROME).timestamp())


@pytest.fixture
def network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Central]:
    """Three comuni whose keys are older than the months reported."""
    monkeypatch.setenv("FAMILYCARD_PASSPHRASE", PASS)
    home = NetworkHome.init(tmp_path / "network", "Rete di prova", PASS, SINCE)
    for istat, name in (("108040", "Seveso"), ("108012", "Brugherio"), ("108034", "Muggiò")):
        home.add_comune(istat, name, PASS, SINCE)
    instance = tmp_path / "central"
    run_cli("central", "init", "--instance", str(instance), "--network-home", str(home.path))
    run_cli(
        "central", "add-user", "--instance", str(instance), "--username", "admin", "--role", "network_admin"
    )
    app = create_app({**instance_settings(instance), "CLOCK": ManualClock(NOW), "TESTING": True})
    yield Central(app, app.test_client(), home, instance)


class Seeded:
    """Families with cards (their household pseudonyms sent by the office) and two tills."""

    def __init__(self, central: Central) -> None:
        self.central = central
        self.tills = {}
        shops = [("108040", VAT_SEVESO, "farmacia"), ("108012", VAT_BRUGHERIO, "libreria")]
        central.app.config["CLOCK"].now = SINCE  # the shops and offers are older than the months reported
        for istat, vat, category in [*shops, ("108034", VAT_MUGGIO, "sport")]:
            merchant = central.merchant(name=f"Negozio {istat}", istat=istat, vat=vat, category=category)
            central.offer(merchant)
            self.tills[istat] = central.kiosk(merchant)
        central.app.config["CLOCK"].now = NOW
        self.tokens = {istat: central.issuer_token(istat) for istat in self.tills}
        self.cards: dict[str, list[str]] = {}

    def families(self, istat: str, count: int, issued: int, cards_each: int = 1) -> list[str]:
        cards = []
        for family in range(count):
            household = f"{istat}{family:058d}"[:64].ljust(64, "0")
            for parent in range(cards_each):
                card = self.central.home.issue_card(
                    istat, f"FAMIGLIA {family} {parent}", 2, PASS, issued
                ).text
                event = issued_event(card, household)
                answer = self.central.post(
                    "/api/v1/card-events", {"events": [event]}, bearer(self.tokens[istat])
                )
                assert answer.json["results"][0]["status"] == "accepted", answer.json
                cards.append(card)
        self.cards.setdefault(istat, []).extend(cards)
        return cards

    def redeem(
        self, shop: str, card: str, at: int, amount: int = 10_000, discount: int = 1_000
    ) -> dict[str, Any]:
        till = self.tills[shop]
        return till.record(type="redemption", card=card, offer_id=till.offers[0]["id"], amount_cents=amount,
                           discount_cents=discount, at=_rfc(at))  # fmt: skip

    def upload(self, shop: str, _records: object = None) -> None:
        """Send the till's records not sent yet, each an hour after its time as a till that syncs does,
        then the whole ledger again (all of it comes back as duplicate)."""
        till = self.tills[shop]
        till.sync_new(self.central.app)
        again = till.upload(till.ledger)
        assert {r["status"] for r in again.json["results"]} == {"duplicate"}, again.json


def _rfc(moment: int) -> str:
    from cardsvc.core import to_rfc3339

    return to_rfc3339(moment)


def report(central: Central, month: str, comune: str | None = None) -> dict[str, Any]:
    return build_report(central.db(), month, NOW, comune)


def row(rows: list[dict[str, Any]], **match: Any) -> dict[str, Any]:
    found = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(found) == 1, (match, rows)
    return found[0]


def test_months_follow_rome_time_across_daylight_saving() -> None:
    start, end = month_bounds(2026, 10)
    assert datetime.fromtimestamp(start, ROME).isoformat() == "2026-10-01T00:00:00+02:00"
    assert datetime.fromtimestamp(end, ROME).isoformat() == "2026-11-01T00:00:00+01:00"
    assert end - start == 31 * 86400 + 3600  # the night the clocks go back is an hour longer
    march = month_bounds(2026, 3)
    assert march[1] - march[0] == 31 * 86400 - 3600


def test_figures_by_hand(network: Central) -> None:
    seed = Seeded(network)
    seveso = seed.families("108040", 7, rome("2026-09-10 10:00"))
    brugherio = seed.families("108012", 6, rome("2026-09-10 10:00"), cards_each=2)  # 6 families, 12 cards
    october = [
        # Seveso's seven families at their own shop, one on the 1st at 00:30 (October, in Rome)
        *[seed.redeem("108040", card, rome("2026-10-01 00:30") + i * 3600) for i, card in enumerate(seveso)],
        seed.redeem("108040", seveso[0], rome("2026-10-25 02:30"), 5_000, 500),  # the repeated hour
    ]
    void_target = seed.redeem("108040", seveso[1], rome("2026-10-20 12:00"), 20_000, 2_000)
    october += [
        void_target,
        seed.tills["108040"].record(type="void", voids=void_target["id"], at=_rfc(rome("2026-10-20 12:05"))),
    ]
    september = [seed.redeem("108040", seveso[2], rome("2026-09-30 23:59"))]
    november = [seed.redeem("108040", seveso[3], rome("2026-11-01 00:10"))]
    seed.upload("108040", september + october + november)
    seed.upload("108040", october)  # sent again: nothing counts twice
    # Brugherio's six families shop at home, and five of them in Seveso too (with the other parent's card)
    b_records = [seed.redeem("108012", card, rome("2026-10-12 17:00")) for card in brugherio[::2]]
    seed.upload("108012", b_records)
    cross = [
        seed.redeem("108040", card, rome("2026-10-13 09:00"), 3_000, 300) for card in brugherio[1::2][:5]
    ]
    seed.upload("108040", cross)

    published = report(network, "2026-10")
    seveso_family = row(published["by_family_comune"], istat="108040")
    assert seveso_family["redemptions"] == 8  # 7 on their cards + the repeated hour; the void's target gone
    assert (
        seveso_family["spend_cents"] == 7 * 10_000 + 5_000 and seveso_family["discount_cents"] == 7_000 + 500
    )
    assert seveso_family["households"] == 7 and seveso_family["active_cards"] == 7
    assert seveso_family["avg_discount_cents"] == (7_000 + 500) // 7
    brugherio_family = row(published["by_family_comune"], istat="108012")
    assert brugherio_family["redemptions"] == 6 + 5 and brugherio_family["households"] == 6
    assert brugherio_family["active_cards"] == 12 and brugherio_family["households_with_card"] == 6
    muggio = row(published["by_family_comune"], istat="108034")
    assert muggio["redemptions"] == 0 and not muggio.get("suppressed")  # nothing to hide in a zero
    shop = row(published["by_shop_comune"], istat="108040")
    assert (
        shop["redemptions"] == 8 + 5 and shop["households"] == 7 + 5 and shop["shops_with_redemptions"] == 1
    )
    flow = row(published["flow"], **{"from": "108012", "to": "108040"})
    assert flow["redemptions"] == 5 and flow["households"] == 5 and flow["discount_cents"] == 1_500
    category = row(published["by_category"], istat="108040", category="farmacia")
    assert category["households"] == 12 and category["redemptions"] == 13
    assert published["network"]["redemptions"] == 8 + 11
    assert row(published["trend"], month="2026-09")["suppressed"]  # one family in September
    assert row(published["trend"], month="2026-10")["redemptions"] == 19
    # the trend starts at the network's first month with redemptions (September), never an empty window
    assert [r["month"] for r in published["trend"]] == ["2026-09", "2026-10"]


def test_a_lone_small_cell_takes_another_with_it(network: Central) -> None:
    """One comune with 2 families next to two with many: the smallest of those is hidden too, or the
    network total minus the visible comuni would give the hidden one away. And the third as well: the
    one shop of the second comune serves all its families (no flow leaves that comune), so it knows that
    comune's row, and the network minus the third would give it the small one."""
    seed = Seeded(network)
    issued = rome("2026-09-10 10:00")
    groups = {"108040": seed.families("108040", 9, issued), "108012": seed.families("108012", 6, issued),
              "108034": seed.families("108034", 2, issued)}  # fmt: skip
    for istat, cards in groups.items():
        seed.upload(istat, [seed.redeem(istat, card, rome("2026-10-10 10:00")) for card in cards])
    published = report(network, "2026-10")
    hidden = {r["istat"] for r in published["by_family_comune"] if r.get("suppressed")}
    assert hidden == {"108034", "108012", "108040"}
    assert published["network"]["redemptions"] == 17  # the network's own total stays
    assert hidden_shops(published) == hidden  # each comune's families shop only at home


def hidden_shops(published: dict[str, Any]) -> set[str]:
    return {r["istat"] for r in published["by_shop_comune"] if r.get("suppressed")}


def test_one_comune_and_csv(network: Central) -> None:
    seed = Seeded(network)
    cards = seed.families("108040", 6, rome("2026-09-10 10:00"))
    seed.upload(
        "108040", [seed.redeem("108040", card, rome("2026-10-10 10:00"), 12_345, 1_234) for card in cards]
    )
    published = report(network, "2026-10", comune="108040")
    assert [r["istat"] for r in published["by_family_comune"]] == ["108040"]
    text = table_csv(published, "by_family_comune")
    assert text.startswith("\ufeff")
    [parsed] = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert (
        parsed["spesa_euro"] == "740,70"
        and parsed["sconto_euro"] == "74,04"
        and parsed["famiglie_che_la_usano"] == "6"
    )
    international = list(
        csv.DictReader(io.StringIO(table_csv(published, "by_family_comune", italian=False).lstrip("\ufeff")))
    )
    assert international[0]["spesa_euro"] == "740.70"
    other = report(network, "2026-10", comune="108012")
    assert table_csv(other, "by_family_comune").count("\r\n") == 2  # header and the comune's row
    with pytest.raises(ValueError, match="no comune"):
        report(network, "2026-10", comune="999999")
    with pytest.raises(ValueError, match="not a month"):
        report(network, "2026-13")


def test_a_kept_summary_follows_late_uploads_voids_and_card_events(network: Central) -> None:
    seed = Seeded(network)
    cards = seed.families("108040", 6, rome("2026-09-10 10:00"))
    for card in cards[:5]:
        seed.redeem("108040", card, rome("2026-10-03 10:00"))
    seed.upload("108040")
    first = report(network, "2026-10")
    assert first["network"]["redemptions"] == 5
    db = network.db()
    assert db.execute("select count(*) from report_summaries where month = '2026-10'").fetchone()[0] == 1
    assert report(network, "2026-10")["network"] == first["network"]  # read from the kept summary
    late = seed.redeem("108040", cards[5], rome("2026-10-30 18:00"))  # a till that was offline
    seed.upload("108040")
    assert report(network, "2026-10")["network"]["redemptions"] == 6
    seed.tills["108040"].record(type="void", voids=late["id"], at=_rfc(rome("2026-11-02 09:00")))
    seed.upload("108040")
    assert (
        report(network, "2026-10")["network"]["redemptions"] == 5
    )  # voided in November, counted out of October
    before = row(report(network, "2026-10")["by_family_comune"], istat="108040")["active_cards"]
    seed.families("108040", 1, rome("2026-10-20 10:00"))  # a card event arrives late for October
    assert row(report(network, "2026-10")["by_family_comune"], istat="108040")["active_cards"] == before + 1


def test_refresh_computes_the_stale_months_ahead(network: Central) -> None:
    from cardsvc.central.reports.summaries import refresh_stale

    seed = Seeded(network)
    cards = seed.families("108040", 5, rome("2026-08-10 10:00"))
    for month, card in zip(("08", "09", "10"), cards, strict=False):
        seed.redeem("108040", card, rome(f"2026-{month}-15 10:00"))
    seed.upload("108040")
    db = network.db()
    done = refresh_stale(db, NOW)
    assert {"2026-08", "2026-09", "2026-10", "2026-11"} <= set(done)
    assert refresh_stale(db, NOW) == []  # nothing changed since


def test_the_server_refreshes_stale_summaries_once_at_a_time(network: Central) -> None:
    import fcntl

    from cardsvc.central.report_refresher import refresh_once
    from cardsvc.platform.storage.engines import database_address, is_file

    seed = Seeded(network)
    cards = seed.families("108040", 5, rome("2026-09-10 10:00"))
    seed.upload("108040", [seed.redeem("108040", card, rome("2026-10-04 10:00")) for card in cards])
    database = database_address(network.app.config)
    if is_file(database):  # another worker of this machine is refreshing
        lock = (network.instance / "central.report-refresh.lock").open("a")
        fcntl.flock(lock, fcntl.LOCK_EX)
        assert refresh_once(database, NOW) is None
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()
    else:  # another instance is refreshing
        other = network.db()
        assert other.try_lock("report-refresh")
        assert refresh_once(database, NOW) is None
        other.unlock("report-refresh")
        other.close()
    assert "2026-10" in (refresh_once(database, NOW) or [])
    assert refresh_once(database, NOW) == []
