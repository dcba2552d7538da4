"""The storage layer on both engines: the migrations make exactly the tables the code declares, SQL
written once runs on PostgreSQL, a database address that cannot be used is said in one line at start,
and a database holding someone else's tables is refused."""

from __future__ import annotations

import importlib
import sqlite3
import time
from pathlib import Path

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner

from cardsvc.cli import main
from cardsvc.platform.storage.database import lock_number, to_format_style
from cardsvc.platform.storage.engines import engine_for, refuse_unusable
from cardsvc.platform.storage.migrate import SchemaRefused
from tests.conftest import ENGINES
from tests.e2e.servers import central_gunicorn_refusal
from tests.postgres_cluster import PostgresCluster

pytestmark = pytest.mark.functional
APPS = {
    "central": ("cardsvc.central.schema", "cardsvc.central.tables"),
    "office": ("issuer.schema", "issuer.tables"),
}


def _fresh(engine: str, postgres: PostgresCluster | None, tmp_path: Path, name: str) -> str:
    return postgres.database() if postgres is not None else str(tmp_path / f"{name}.db")


@pytest.mark.parametrize("app", sorted(APPS))
@pytest.mark.parametrize("engine", ENGINES)
def test_the_migrations_make_the_tables_the_code_declares(
    engine: str, app: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    postgres = request.getfixturevalue("postgres") if engine == "postgresql" else None
    address = _fresh(engine, postgres, tmp_path, app)
    schema, tables = (importlib.import_module(name) for name in APPS[app])
    schema.open_database(address).close()
    with engine_for(address).connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), tables.metadata)
    assert differences == []
    db = schema.open_database(address)  # opened again: already at the newest revision, nothing to do
    assert db.execute("select count(*) from alembic_version").fetchone()[0] == 1
    db.close()


def test_sql_written_once_is_said_in_psycopgs_placeholders() -> None:
    assert to_format_style("select a from t where b = ? and c like 'x?%' and d like '%y'") == (
        "select a from t where b = %s and c like 'x?%%' and d like '%%y'"
    )
    assert to_format_style(
        "select 1 from redemptions indexed by live where x = :end and y::text = 'a:b'"
    ) == ("select 1 from redemptions  where x = %(end)s and y::text = 'a:b'")
    assert lock_number("card", "a") != lock_number("card", "b")
    assert -(2**63) <= lock_number("card", "a") < 2**63


@pytest.mark.postgresql
def test_sql_runs_the_same_on_both_engines(postgres: PostgresCluster, tmp_path: Path) -> None:
    from cardsvc.central.schema import open_database

    for address in (postgres.database(), str(tmp_path / "central.db")):
        db = open_database(address)
        db.table("comuni").insert({"istat": "108040", "name": "Seveso"})
        with db.write():
            db.executemany("insert into report_changes (month) values (?)", [("2026-10",), ("2026-10",)])
        assert db.execute(
            "select sum(weight) from report_changes where month = ?", ["2026-10"]
        ).fetchone() == (2,)
        assert list(db.query("select name from comuni where istat = :istat", {"istat": "108040"})) == [
            {"name": "Seveso"}
        ]
        merchant = db.table("merchants").insert({"name": "Forno", "vat": "1", "istat": "108040"}).last_pk
        assert db.table("merchants").get(merchant)["name"] == "Forno"
        db.table("report_summaries").upsert({"month": "2026-10", "version": 1, "figures": "{}"})
        db.table("report_summaries").upsert({"month": "2026-10", "version": 2, "figures": "{}"})
        assert [row["version"] for row in db.table("report_summaries").rows] == [2]
        db.close()


@pytest.mark.postgresql
def test_rows_inserted_together_keep_every_value_and_a_refused_one_keeps_none(
    postgres: PostgresCluster, tmp_path: Path
) -> None:
    from cardsvc.central.schema import open_database

    awkward = ["tab\there", "line\nbreak", "back\\slash", "quote ' \" %s ?", "\\N", "", "città"]
    rows = [[f"r{n}", "k1", n, text, None if n % 2 else n * 100] for n, text in enumerate(awkward)]
    columns = ["id", "kiosk_id", "seq", "reason", "amount_cents"]
    for address in (postgres.database(), str(tmp_path / "central.db")):
        db = open_database(address)
        with db.write():
            db.table("redemptions").insert_all(columns, rows)
        stored = db.execute("select id, kiosk_id, seq, reason, amount_cents from redemptions order by seq")
        assert [list(row) for row in stored] == rows
        refusals = (sqlite3.IntegrityError, psycopg.errors.UniqueViolation)
        with pytest.raises(refusals, match=r"(?i)unique|duplicate"), db.write():
            db.table("redemptions").insert_all(columns, [["r-new", "k1", 99, None, 1], rows[0]])
        assert db.execute("select count(*) from redemptions").fetchone() == (len(rows),)  # r-new is not kept
        db.close()


@pytest.mark.postgresql
def test_a_database_holding_other_tables_is_refused(postgres: PostgresCluster) -> None:
    from cardsvc.central.schema import open_database

    address = postgres.database()
    with psycopg.connect(address, autocommit=True) as conn:
        conn.execute("create table invoices (id int)")
    with pytest.raises(SchemaRefused, match="invoices"):
        open_database(address)


BAD_ADDRESSES = [
    ("postgresql://familycard@127.0.0.1:9/central", "cannot be reached"),  # nothing listens on port 9
    ("mysql://familycard@127.0.0.1/central", "must be postgresql://"),
]


@pytest.mark.parametrize(("url", "said"), BAD_ADDRESSES)
def test_a_database_url_that_cannot_be_used_is_one_line_at_start(
    url: str, said: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAMILYCARD_CENTRAL_DATABASE_URL", url)
    result = CliRunner().invoke(main, ["central", "serve", "--instance", str(tmp_path / "central")])
    assert result.exit_code == 2
    [line] = result.output.strip().splitlines()
    assert said in line and "Traceback" not in result.output
    refused = central_gunicorn_refusal()
    assert "familycard central: " in refused and said in refused


@pytest.mark.postgresql
def test_the_check_before_the_workers_fork_leaves_no_connection_to_inherit(postgres: PostgresCluster) -> None:
    """gunicorn's master checks ``DATABASE_URL`` (``on_starting``) and then forks its workers: a pooled
    connection left by the check would be shared by every worker, one server session for all."""
    address = postgres.database()
    refuse_unusable(address, "central")
    name = address.rsplit("/", 1)[1]
    with psycopg.connect(postgres.url(), autocommit=True) as conn:
        for _ in range(40):  # a closed session's server process may take a moment to leave
            count = "select count(*) from pg_stat_activity where datname = %s"
            sessions = conn.execute(count, [name]).fetchone()
            if sessions == (0,):
                break
            time.sleep(0.05)
    assert sessions == (0,)


@pytest.mark.postgresql
def test_a_scheduled_job_runs_on_one_instance_at_a_time(postgres: PostgresCluster) -> None:
    from cardsvc.central.schema import open_database

    address = postgres.database()
    first, second = open_database(address), open_database(address)
    with first.alone("mail-outbox") as alone:
        assert alone
        with second.alone("mail-outbox") as also:
            assert not also  # another instance is at it: this round is skipped
        with second.alone("report-refresh") as other_job:
            assert other_job
    with second.alone("mail-outbox") as now_free:
        assert now_free
    first.close()
    second.close()
