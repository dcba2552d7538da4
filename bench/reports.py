"""Time to produce a month's network report, on a year of regional-scale data.

Run: ``make bench-reports`` (SQLite), ``make bench-reports-postgres`` (``--database postgresql``).
Builds a central database with the real schema and a year of data generated in bulk inside the
database (the rows never pass through Python): 200 comuni, 20,000 shops with published offers, 600,000
cards of 400,000 households, and 20,000,000 redemptions (``--redemptions``, or ``BENCH_REDEMPTIONS``), a
small share voided. On SQLite the file is in a temporary folder; on PostgreSQL it is a fresh database of
a throwaway server with ``fsync`` on, filled by ``insert … select … from generate_series(…)``. Either
way the redemptions' indexes are built once after loading, and the tables analyzed. Then it times the
month's report as JSON (figures, suppression and the 12-month trend) and as PDF, and, as the baseline
from the same run, a plain full scan of the redemptions table. Targets: JSON ≤ 2 s, PDF ≤ 10 s. Last
line: ``backend=B json_s=X pdf_s=Y full_scan_s=Z``.

Months are summarized once as their data arrive (``familycard central refresh-reports``, nightly; see
``cardsvc.central.reports.summaries``): the bench computes the year's summaries first, prints how long
that took, then times the report, which reads the summaries plus the live tables (comuni, shops, flags).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_postgres import durable_postgres  # noqa: E402

from cardsvc.central.registry import CATEGORIES  # noqa: E402
from cardsvc.central.reports.pdf_report import render_pdf  # noqa: E402
from cardsvc.central.reports.report import build_report  # noqa: E402
from cardsvc.central.reports.summaries import refresh_stale  # noqa: E402
from cardsvc.central.schema import open_database  # noqa: E402
from cardsvc.platform.rome_calendar import ROME  # noqa: E402
from cardsvc.platform.storage.database import Database  # noqa: E402

REDEMPTIONS = int(os.environ.get("BENCH_REDEMPTIONS", "20000000"))
COMUNI, SHOPS, CARDS, HOUSEHOLDS = 200, 20_000, 600_000, 400_000
YEAR_START = int(datetime(2025, 11, 1, tzinfo=ROME).timestamp())
YEAR_END = int(datetime(2026, 11, 1, tzinfo=ROME).timestamp())
MONTH = "2026-10"


def generate(db: Database, redemptions: int) -> None:
    """Everything in SQL: the rows never pass through Python."""
    run = db.execute
    run(
        "with recursive n(i) as (select 0 union all select i + 1 from n where i < ?) "
        "insert into comuni (istat, name) select printf('%06d', 100000 + i), printf('Comune %d', i) from n",
        [COMUNI - 1],
    )
    categories = ",".join(f"'{c}'" for c in CATEGORIES)
    run(
        "with recursive n(i) as (select 1 union all select i + 1 from n where i < ?) "
        "insert into merchants (id, name, vat, address, istat, category, created_at) "
        "select i, printf('Negozio %d', i), printf('%011d', i), 'Via Roma 1', "
        "printf('%06d', 100000 + i % ?), "
        f"json_extract(json_array({categories}), printf('$[%d]', i % {len(CATEGORIES)})), "
        "'2025-01-01' from n",
        [SHOPS, COMUNI],
    )
    run(
        "insert into offers (merchant_id, title, kind, percent, status, min_spend_cents, min_minors) "
        "select id, '10%', 'percent', 10, 'published', 0, 1 from merchants"
    )
    run(
        "with recursive n(i) as (select 0 union all select i + 1 from n where i < ?) "
        "insert into cards (cti, istat, iat, exp, minors, household, revoked_at, reason) "
        "select printf('c%07d', i), printf('%06d', 100000 + (i % ?) % ?), ?, ?, 1 + i % 3, "
        "printf('%064x', i % ?), case when i % 97 = 0 then ? end, "
        "case when i % 97 = 0 then 'moved' end from n",
        [
            CARDS - 1,
            HOUSEHOLDS,
            COMUNI,
            YEAR_START - 86400,
            YEAR_END + 200 * 86400,
            HOUSEHOLDS,
            YEAR_END - 90 * 86400,
        ],
    )
    span = YEAR_END - YEAR_START
    run(
        "with recursive n(i) as (select 0 union all select i + 1 from n where i < ?), "
        "draw(i, m, c) as (select i, 1 + abs(random()) % ?, abs(random()) % ? from n) "
        "insert into redemptions (id, kiosk_id, merchant_id, seq, record_hash, type, status, cti, "
        "card_istat, shop_istat, household, minors, offer_id, amount_cents, discount_cents, voided, "
        "kiosk_time, received_at) "
        "select printf('r%d', i), printf('k%d', m), m, i, '', 'redemption', 'accepted', printf('c%07d', c), "
        "printf('%06d', 100000 + (c % ?) % ?), printf('%06d', 100000 + m % ?), printf('%064x', c % ?), 1, m, "
        "500 + i % 9000, 50 + i % 900, i % 50 = 0, ? + i * ? / ?, ? + i * ? / ? from draw",
        [
            redemptions - 1,
            SHOPS,
            CARDS,
            HOUSEHOLDS,
            COMUNI,
            COMUNI,
            HOUSEHOLDS,
            YEAR_START,
            span,
            redemptions,
            YEAR_START,
            span,
            redemptions,
        ],
    )


def generate_postgres(db: Database, redemptions: int) -> None:
    """The same data as :func:`generate`, in PostgreSQL's SQL: ``generate_series`` for the numbers,
    ``random()`` for the draws; the sizes are written into the SQL (64-bit arithmetic where it needs it)."""
    categories = ", ".join(f"'{c}'" for c in CATEGORIES)
    span = YEAR_END - YEAR_START
    db.execute(
        "insert into comuni (istat, name) select (100000 + i)::text, 'Comune ' || i "
        f"from generate_series(0, {COMUNI - 1}) i"
    )
    db.execute(
        "insert into merchants (id, name, vat, address, istat, category, created_at) "
        "select i, 'Negozio ' || i, lpad(i::text, 11, '0'), 'Via Roma 1', "
        f"(100000 + i % {COMUNI})::text, (array[{categories}])[1 + i % {len(CATEGORIES)}], '2025-01-01' "
        f"from generate_series(1, {SHOPS}) i"
    )
    db.execute(
        "insert into offers (merchant_id, title, kind, percent, status, min_spend_cents, min_minors) "
        "select id, '10%', 'percent', 10, 'published', 0, 1 from merchants"
    )
    db.execute(
        "insert into cards (cti, istat, iat, exp, minors, household, revoked_at, reason) "
        f"select 'c' || lpad(i::text, 7, '0'), (100000 + (i % {HOUSEHOLDS}) % {COMUNI})::text, "
        f"{YEAR_START - 86400}, {YEAR_END + 200 * 86400}, 1 + i % 3, "
        f"lpad(to_hex(i % {HOUSEHOLDS}), 64, '0'), "
        f"case when i % 97 = 0 then {YEAR_END - 90 * 86400} end, case when i % 97 = 0 then 'moved' end "
        f"from generate_series(0, {CARDS - 1}) i"
    )
    db.execute(
        "insert into redemptions (id, kiosk_id, merchant_id, seq, record_hash, type, status, cti, "
        "card_istat, shop_istat, household, minors, offer_id, amount_cents, discount_cents, voided, "
        "kiosk_time, received_at) "
        "select 'r' || i, 'k' || m, m, i, '', 'redemption', 'accepted', 'c' || lpad(c::text, 7, '0'), "
        f"(100000 + (c % {HOUSEHOLDS}) % {COMUNI})::text, (100000 + m % {COMUNI})::text, "
        f"lpad(to_hex(c % {HOUSEHOLDS}), 64, '0'), 1, m, 500 + i % 9000, 50 + i % 900, (i % 50 = 0)::int, "
        f"{YEAR_START} + i * {span} / {redemptions}, {YEAR_START} + i * {span} / {redemptions} "
        f"from (select i, 1 + floor(random() * {SHOPS})::bigint as m, floor(random() * {CARDS})::bigint as c "
        f"from generate_series(0::bigint, {redemptions - 1}) i) draw"
    )


def redemption_indexes(db: Database) -> list[tuple[str, str]]:
    """The redemptions table's own indexes, as (name, SQL that builds it), but not those that back its
    primary key or a constraint (SQLite's automatic ones, PostgreSQL's constraint indexes)."""
    if db.postgres:
        sql = (
            "select indexname, indexdef from pg_indexes where tablename = 'redemptions' "
            "and indexname not in (select conname from pg_constraint)"
        )
    else:
        sql = (
            "select name, sql from sqlite_master where type = 'index' and "
            "tbl_name = 'redemptions' and sql is not null"
        )
    return [(str(name), str(build)) for name, build in db.execute(sql).fetchall()]


def load(address: str, redemptions: int) -> float:
    """The year's data loaded into the database at ``address``, its redemption indexes built after the
    rows and the tables analyzed; the seconds it took."""
    db = open_database(address)
    indexes = redemption_indexes(db)
    for name, _ in indexes:
        db.execute(f"drop index {name}")
    start = time.perf_counter()
    if db.postgres:
        db.execute("set maintenance_work_mem = '1GB'")  # for the index builds
    else:
        db.execute("PRAGMA synchronous = OFF")
    with db.atomic():
        (generate_postgres if db.postgres else generate)(db, redemptions)
    for _, sql in indexes:  # the schema's own indexes, built once over the loaded table
        db.execute(sql)
    db.execute("vacuum analyze" if db.postgres else "analyze")  # PostgreSQL: the visibility map too
    db.close()
    return time.perf_counter() - start


def database_bytes(db: Database, address: str) -> int:
    """The database's size on disk."""
    if db.postgres:
        return int(db.execute("select pg_database_size(current_database())").fetchone()[0])
    return os.path.getsize(address)


@contextmanager
def bench_database(engine: str) -> Iterator[str]:
    """The address of an empty central database on ``engine``, deleted when the block ends."""
    if engine == "postgresql":
        with durable_postgres() as cluster:
            yield cluster.database(prefix="reports")
        return
    with tempfile.TemporaryDirectory() as folder:
        yield str(Path(folder) / "central.db")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--redemptions", type=int, default=REDEMPTIONS, help="redemptions in the year")
    args = parser.parse_args()
    if args.redemptions < 1:
        parser.error("needs at least one redemption")
    with bench_database(args.database) as address:
        generated = load(address, args.redemptions)
        print(f"generated in {generated:.0f} s", file=sys.stderr)
        db = open_database(address)
        now = YEAR_END + 3600
        begin = time.perf_counter()
        refreshed = refresh_stale(db, now)  # what the nightly familycard central refresh-reports does
        refresh_s = time.perf_counter() - begin
        print(f"month summaries {', '.join(refreshed)} computed in {refresh_s:.1f} s", file=sys.stderr)

        begin = time.perf_counter()
        report = build_report(db, MONTH, now)
        payload = json.dumps(report)
        json_s = time.perf_counter() - begin

        begin = time.perf_counter()
        pdf = render_pdf(build_report(db, MONTH, now))
        pdf_s = time.perf_counter() - begin

        begin = time.perf_counter()
        scanned = db.execute("select count(*), sum(amount_cents) from redemptions").fetchone()
        full_scan_s = time.perf_counter() - begin
        size = database_bytes(db, address)
        db.close()
    print(
        f"{args.database}: generated {args.redemptions:,} redemptions, {CARDS:,} cards, {SHOPS:,} shops in "
        f"{COMUNI} comuni in {generated:.0f} s ({size / 2**30:.1f} GiB); full scan counted {scanned[0]:,}"
    )
    print(
        f"report {MONTH}: {report['network']['redemptions']:,} redemptions, JSON {len(payload):,} bytes, "
        f"PDF {len(pdf):,} bytes; targets json <= 2 s, pdf <= 10 s"
    )
    print(
        f"the 12 month summaries took {refresh_s:.1f} s to compute once ({refresh_s / 12:.1f} s a month), as"
    )
    print("familycard central refresh-reports does nightly; the report reads them and the live tables")
    print(f"backend={args.database} json_s={json_s:.2f} pdf_s={pdf_s:.2f} full_scan_s={full_scan_s:.2f}")


if __name__ == "__main__":
    main()
