"""How many cells each month's report hides: the small ones, and those hidden with them.

Run: ``.venv/bin/python bench/hidden_cells.py var/demo/central`` (any central instance folder). For every
month with redemptions it prints the cells of the month's linked system (rows of every
table, with a family comune's card figures as a cell of their own), the small cells (one to four
households), the cells small for a shop (one to four households once the shop that alone served most of
them takes its own figures out), the cells the report hides in all, and the time the suppression took.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cardsvc.central.reports.figures import month_figures  # noqa: E402
from cardsvc.central.reports.linked import linked_system  # noqa: E402
from cardsvc.central.reports.suppression import MINIMUM, hidden_cells, insiders  # noqa: E402
from cardsvc.central.schema import open_database  # noqa: E402


def main(instance: str) -> None:
    db = open_database(str(Path(instance) / "central.db"))
    months = sorted({m for (m,) in db.execute("select month from report_changes")})
    months += [m for (m,) in db.execute("select distinct month from report_summaries") if m not in months]
    now = int(time.time())
    print("month    cells  small  for_a_shop  hidden  seconds")
    for name in sorted(set(months)):
        figures = month_figures(db, int(name[:4]), int(name[5:]), now)
        if not figures["network"]["households"]:
            continue  # no redemptions
        system = linked_system(figures)
        started = time.perf_counter()
        hidden = hidden_cells(system, insiders(figures))
        took = time.perf_counter() - started
        small = sum(1 for size in system.size.values() if 0 < size < MINIMUM)
        shops = len(system.small) - small
        print(f"{name}  {len(system.size):5d}  {small:5d}  {shops:10d}  {len(hidden):6d}  {took:7.3f}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "var/demo/central")
