"""Time to produce a month's network report, on a year of regional-scale data.

Run: ``make bench-reports``. Builds a central database in a temporary folder with the real schema and
a year of data generated in bulk inside SQLite: 200 comuni, 20,000 shops with published offers, 600,000
cards of 400,000 households, and 20,000,000 redemptions (``BENCH_REDEMPTIONS`` to change), a small
share voided. Then it times the month's report as JSON (figures, suppression and the 12-month trend) and
as PDF, and, as the baseline from the same run, a plain full scan of the redemptions table. Targets:
JSON ≤ 2 s, PDF ≤ 10 s. Last line: ``json_s=X pdf_s=Y full_scan_s=Z``.

Months are summarized once as their data arrive (``familycard central refresh-reports``, nightly; see
``cardsvc.central.reports.summaries``): the bench computes the year's summaries first, prints how long
that took, then times the report, which reads the summaries plus the live tables (comuni, shops, flags).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cardsvc.central.registry import CATEGORIES  # noqa: E402
from cardsvc.central.reports.pdf_report import render_pdf  # noqa: E402
from cardsvc.central.reports.report import build_report  # noqa: E402
from cardsvc.central.reports.summaries import refresh_stale  # noqa: E402
from cardsvc.central.schema import open_database  # noqa: E402
from cardsvc.platform.rome_calendar import ROME  # noqa: E402

REDEMPTIONS = int(os.environ.get("BENCH_REDEMPTIONS", "20000000"))
COMUNI, SHOPS, CARDS, HOUSEHOLDS = 200, 20_000, 600_000, 400_000
YEAR_START = int(datetime(2025, 11, 1, tzinfo=ROME).timestamp())
YEAR_END = int(datetime(2026, 11, 1, tzinfo=ROME).timestamp())
MONTH = "2026-10"


def generate(db: object) -> None:
    """Everything in SQL: the rows never pass through Python."""
    run = db.execute  # type: ignore[attr-defined]
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
            REDEMPTIONS - 1,
            SHOPS,
            CARDS,
            HOUSEHOLDS,
            COMUNI,
            COMUNI,
            HOUSEHOLDS,
            YEAR_START,
            span,
            REDEMPTIONS,
            YEAR_START,
            span,
            REDEMPTIONS,
        ],
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "central.db")
        db = open_database(path)
        indexes = [
            row[0]
            for row in db.execute(
                "select sql from sqlite_master where type = 'index' and "
                "tbl_name = 'redemptions' and sql is not null"
            )
        ]
        for name in [
            r[0]
            for r in db.execute(
                "select name from sqlite_master where type = 'index' and "
                "tbl_name = 'redemptions' and sql is not null"
            )
        ]:
            db.execute(f"drop index {name}")
        start = time.perf_counter()
        db.execute("PRAGMA synchronous = OFF")
        with db.atomic():
            generate(db)
        for sql in indexes:  # the schema's own indexes, built once over the loaded table
            db.execute(sql)
        db.execute("analyze")
        db.close()
        generated = time.perf_counter() - start
        print(f"generated in {generated:.0f} s", file=sys.stderr)
        db = open_database(path)
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
        size = os.path.getsize(path)
    print(
        f"generated {REDEMPTIONS:,} redemptions, {CARDS:,} cards, {SHOPS:,} shops in {COMUNI} comuni "
        f"in {generated:.0f} s "
        f"({size / 2**30:.1f} GiB); full scan counted {scanned[0]:,}"
    )
    print(
        f"report {MONTH}: {report['network']['redemptions']:,} redemptions, JSON {len(payload):,} bytes, "
        f"PDF {len(pdf):,} bytes; targets json <= 2 s, pdf <= 10 s"
    )
    print(
        f"the 12 month summaries took {refresh_s:.1f} s to compute once ({refresh_s / 12:.1f} s a month), as"
    )
    print("familycard central refresh-reports does nightly; the report reads them and the live tables")
    print(f"json_s={json_s:.2f} pdf_s={pdf_s:.2f} full_scan_s={full_scan_s:.2f}")


if __name__ == "__main__":
    main()
