"""Every CSV a report writes is safe to open in a spreadsheet: a text cell that would start a formula is
neutralised with a leading apostrophe, while numbers, negative ones included, stay numbers."""

from __future__ import annotations

import csv
import io

import pytest

from cardsvc.central.reports.csv_export import table_csv

pytestmark = pytest.mark.functional
DANGEROUS = ['=HYPERLINK("http://example.com","x")', "+39 333", "-2+3", "@SUM(A1:A9)", "\tcmd", "\rcmd"]


def cells(text: str, separator: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=separator))


@pytest.mark.parametrize(("italian", "separator", "minus"), [(True, ";", "-12,50"), (False, ",", "-12.50")])
def test_formula_cells_are_neutralised_and_numbers_kept(italian: bool, separator: str, minus: str) -> None:
    rows = [
        {"month": name, "households": -3, "redemptions": 4, "spend_cents": 100, "discount_cents": -1250}
        for name in DANGEROUS
    ]
    written = cells(table_csv({"trend": rows}, "trend", italian), separator)[1:]
    assert [row[0] for row in written] == ["'" + name for name in DANGEROUS]
    assert {(row[1], row[4]) for row in written} == {("-3", minus)}
    plain = cells(table_csv({"trend": [{"month": "2026-10", "households": 7}]}, "trend", italian), separator)
    assert plain[1][:2] == ["2026-10", "7"]
