"""``familycard central migrate-to-postgres``: a central service filled through its API on SQLite, copied
into an empty PostgreSQL database, serves the same totals, revocation list and reports from there; a
database that holds rows, or one that cannot be reached, is refused in one line."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cardsvc.central import create_app
from cardsvc.central import db as central_db
from cardsvc.central.reports.figures import month_figures
from cardsvc.central.reports.report import build_report
from cardsvc.central.schema import open_database
from cardsvc.central.tables import metadata
from cardsvc.central.vat import vat_check_digit
from cardsvc.cli import main
from cardsvc.cli.central_cmd import instance_settings
from cardsvc.platform.clock import ManualClock
from cardsvc.platform.rome_calendar import ROME
from tests.functional.conftest import NOW, USER_PASSWORD, VAT_BRUGHERIO, Central, run_cli
from tests.functional.legacy_release import central_schema
from tests.postgres_cluster import PostgresCluster

pytestmark = [pytest.mark.functional, pytest.mark.postgresql]
ON_SQLITE = pytest.mark.parametrize("central", ["sqlite"], indirect=True)  # the copy's source
THEN = datetime.fromtimestamp(NOW, ROME)
MONTH = THEN.strftime("%Y-%m")
VAT_MUGGIO = "0000001000" + str(vat_check_digit("0000001000"))


def migrate(central: Central, url: str, *options: str) -> Any:
    return CliRunner().invoke(
        main,
        [
            "central",
            "migrate-to-postgres",
            "--instance",
            str(central.instance),
            "--database-url",
            url,
            *options,
        ],
    )


def fill(central: Central) -> None:
    """Two shops with offers and tills, sales (one voided, one on a revoked card), a flag, a manager."""
    seveso = central.merchant()
    central.offer(seveso)
    brugherio = central.merchant("Libreria Brugherio", "108012", VAT_BRUGHERIO, "libreria")
    central.offer(brugherio)
    run_cli("central", "add-user", "--instance", str(central.instance), "--username", "libraio",
            "--role", "merchant_manager", "--merchant-id", str(brugherio))  # fmt: skip
    till, other = central.kiosk(seveso), central.kiosk(brugherio)
    sales = [
        till.redeem(central.card(holder=f"FAMIGLIA {n}"), amount=4000 + n, discount=400 + n) for n in range(3)
    ]
    void = till.record(type="void", voids=sales[1]["id"])
    assert {r["status"] for r in till.upload([*sales, void]).json["results"]} == {"accepted"}
    lost = central.card("108012", "MARIO ROSSI", 1)
    assert (
        other.upload([other.redeem(lost, amount=7000, discount=700)]).json["results"][0]["status"]
        == "accepted"
    )
    central.revoke(lost)
    central.revoke(central.card(holder="ANNA VERDI"), reason="stolen")
    assert other.upload([other.redeem(central.card("108012"))], sent_at=NOW + 3600).status_code == 200  # skew


def dump(central: Central) -> list[str]:
    """The SQLite file's schema and rows as SQL."""
    with closing(sqlite3.connect(central.instance / "central.db")) as conn:
        return list(conn.iterdump())


def served(central: Central) -> dict[str, Any]:
    """What the admin and a till read: totals, the revocation list's version, the month's report (as
    published, and its figures unsuppressed, read afresh from the rows)."""
    db = central.db()
    try:
        report = build_report(db, MONTH, NOW)
        figures = month_figures(db, THEN.year, THEN.month, NOW)
    finally:
        db.close()
    flags = central.client.get("/api/v1/admin/flags", headers=central.admin()).json["flags"]
    return {
        "totals": central.totals(),
        "revocations": central.client.get("/api/v1/lists/revocations").json["version"],
        "report": report,
        "figures": figures,
        "flags": [(f["kind"], f["kiosk_id"]) for f in flags],
    }


@ON_SQLITE
def test_a_sqlite_central_copied_to_postgres_serves_the_same_figures(
    central: Central, postgres: PostgresCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(central)
    before = served(central)
    spend, discount = 4000 + 4002 + 7000 + 5000, 400 + 402 + 700 + 500  # the voided sale left out
    assert before["totals"] == {"redemptions": 4, "spend_cents": spend, "discount_cents": discount}
    assert [kind for kind, _till in before["flags"]] == ["clock_skew"] and before["revocations"] == 2
    assert before["figures"]["network"]["redemptions"] == 4
    assert before["figures"]["network"]["discount_cents"] == discount
    source = central.db()
    counts = {name: source.table(name).count for name in source.metadata.tables}
    source.close()
    url = postgres.database(prefix="copy")
    file = dump(central)

    done = migrate(central, url)

    assert done.exit_code == 0, done.output
    for name, count in counts.items():
        assert f"  {name}: {count} rows\n" in done.output
    assert counts["redemptions"] == 6 and counts["merchants"] == 2 and counts["users"] == 3
    assert f"Checked: 4 redemptions, {spend} cents spent, {discount} cents discount;" in done.output
    assert f"revocation list v{before['revocations']};" in done.output
    assert "FAMILYCARD_CENTRAL_DATABASE_URL" in done.output and "DATABASE_URL = " in done.output
    assert dump(central) == file  # only read

    monkeypatch.setenv("FAMILYCARD_CENTRAL_DATABASE_URL", url)
    app = create_app({**instance_settings(central.instance), "CLOCK": ManualClock(NOW), "TESTING": True})
    moved = Central(app, app.test_client(), central.home, central.instance)
    try:
        assert moved.db().postgres
        assert served(moved) == before
        shops = central.client.get("/api/v1/admin/merchants", headers=central.admin()).json["merchants"]
        manager = moved.client.get("/api/v1/admin/merchants", headers=moved.basic_for("libraio"))
        assert manager.status_code == 200, manager.json
        assert [m["name"] for m in manager.json["merchants"]] == ["Libreria Brugherio"]
        added = moved.merchant("Sport Muggiò", "108040", VAT_MUGGIO, "sport")  # the sequences moved on
        assert added == max(m["id"] for m in shops) + 1
        moved.revoke(moved.card(holder="LUCA NERI"))
        assert served(moved)["revocations"] == before["revocations"] + 1
    finally:
        central_db.close_all()


@ON_SQLITE
def test_a_target_with_rows_or_out_of_reach_is_refused_in_one_line(
    central: Central, postgres: PostgresCluster
) -> None:
    url = postgres.database(prefix="copy")
    assert migrate(central, url, "--json").exit_code == 0
    held = open_database(url)
    users = held.table("users").count
    held.close()

    again = migrate(central, url)

    assert again.exit_code == 2
    assert again.output.count("\n") == 1
    assert "not empty (table " in again.output and "holds rows" in again.output
    held = open_database(url)
    assert held.table("users").count == users  # nothing added
    held.close()

    away = migrate(central, "postgresql://x@127.0.0.1:9/x")
    assert away.exit_code == 2 and away.output.count("\n") == 1
    assert "cannot be reached" in away.output and "127.0.0.1" in away.output


@ON_SQLITE
def test_json_names_every_table_and_the_totals(central: Central, postgres: PostgresCluster) -> None:
    fill(central)
    done = migrate(central, postgres.database(prefix="copy"), "--json")
    assert done.exit_code == 0, done.output
    body = json.loads(done.output)
    assert list(body["rows"]) == [table.name for table in metadata.sorted_tables]
    assert body["rows"]["redemptions"] == 6 and body["rows"]["flags"] >= 1
    assert body["totals"]["redemptions"] == 4 and body["totals"]["discount_cents"] == 2002
    assert body["target"].startswith("postgresql://") and USER_PASSWORD not in done.output


@ON_SQLITE
def test_a_row_postgresql_refuses_leaves_the_target_empty(
    central: Central, postgres: PostgresCluster
) -> None:
    fill(central)
    with closing(sqlite3.connect(central.instance / "central.db")) as conn, conn:  # no foreign keys checked
        conn.execute("insert into offers (merchant_id, title, status) values (999, 'Orfana', 'draft')")
    url = postgres.database(prefix="copy")

    refused = migrate(central, url)

    assert refused.exit_code == 2 and refused.output.count("\n") == 1
    assert "refuses a row of table offers" in refused.output and "nothing was kept" in refused.output
    target = open_database(url)
    try:
        assert {
            table.name: target.table(table.name).count for table in metadata.sorted_tables
        } == dict.fromkeys(metadata.tables, 0)
    finally:
        target.close()


def test_a_file_of_the_release_before_alembic_goes_straight_to_postgres(
    tmp_path: Path, postgres: PostgresCluster
) -> None:
    central_schema.make_filled(str(tmp_path / "central.db"))
    url = postgres.database(prefix="copy")

    done = CliRunner().invoke(
        main, ["central", "migrate-to-postgres", "--instance", str(tmp_path), "--database-url", url, "--json"]
    )

    assert done.exit_code == 0, done.output
    body = json.loads(done.output)
    assert body["totals"]["report_change_weight"] == 7
    assert body["rows"]["merchants"] == 1 and body["rows"]["offer_status_history"] == 3
    db = open_database(url)
    try:
        history = db.query("select status from offer_status_history order by id")
        assert [row["status"] for row in history] == ["published", "draft", "suspended"]
        assert (
            db.table("merchants").insert({"name": "Bar", "vat": VAT_BRUGHERIO, "istat": "108040"}).last_pk
            == 4
        )
    finally:
        db.close()
