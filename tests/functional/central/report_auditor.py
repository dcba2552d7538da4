"""An adversarial reader of a published monthly report.

Given the report as published (the JSON, or the same figures read back from CSV, HTML or PDF), it writes
down every linear relation a reader knows between the figures and finds, by linear algebra, every hidden
("< 5") figure that the published ones determine. It knows nothing of how the service chose what to
hide. Relations:

- operations, spend and discount: the network is the sum of the family comuni and of the shop comuni; a
  shop comune is the sum of its categories; the flow's rows add up to the family comuni and its columns to
  the shop comuni (the flow carries no spend); a row missing from the flow or the categories is a zero;
- families: the network is the sum of the family comuni (a family lives in one comune); where a family
  comune has a single flow cell, a shop comune a single flow cell or a single category, those are the same
  families;
- card figures (active, new, revoked cards, families with a card): the network is the sum of the comuni;
- the trend's entry for the month is the network's row;
- across months (``recover_across_months``, for files published month after month, such as the open
  data): a stock follows its flows, this month's active cards being last month's plus the new cards less
  the revoked ones (the reader is taken to know that no card expired, which is what helps it most), and
  nothing before the network's first month.

An *insider* knows some hidden figures besides: a comune's office knows its own card figures, a shop
that is alone in its category (or in its comune) knows that cell (or the comune's row, categories and
flow column). ``recover(report, known)`` takes them. And every shop knows its own share of every cell:
``merchant_findings`` reads each published cell less one shop's share.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

# ("network",), ("trend",), ("family", istat), ("shop", istat), ("category", istat, c), ("flow", a, b)
Cell = tuple[str, ...]
ADDITIVE = ("redemptions", "spend_cents", "discount_cents")
CARDS = ("active_cards", "households_with_card", "new_cards", "revoked_cards")
MEASURES = (*ADDITIVE, "households", *CARDS)
TOLERANCE = 1e-7


@dataclass(frozen=True)
class Recovered:
    cell: Cell
    measure: str
    value: float


def _cells(report: dict[str, Any]) -> dict[Cell, dict[str, Any]]:
    cells: dict[Cell, dict[str, Any]] = {("network",): report["network"]}
    cells |= {("family", r["istat"]): r for r in report["by_family_comune"]}
    cells |= {("shop", r["istat"]): r for r in report["by_shop_comune"]}
    cells |= {("category", r["istat"], r["category"]): r for r in report["by_category"]}
    cells |= {("flow", r["from"], r["to"]): r for r in report["flow"]}
    month = [r for r in report.get("trend", []) if r["month"] == report["month"]]
    if month:
        cells[("trend",)] = month[0]
    return cells


def _equations(report: dict[str, Any], measure: str) -> list[list[tuple[Cell, int]]]:
    """Each equation as terms that add up to zero."""
    families = [r["istat"] for r in report["by_family_comune"]]
    shops = [r["istat"] for r in report["by_shop_comune"]]
    flows: list[Cell] = [("flow", r["from"], r["to"]) for r in report["flow"]]
    categories: list[Cell] = [("category", r["istat"], r["category"]) for r in report["by_category"]]
    network: Cell = ("network",)
    equations: list[list[tuple[Cell, int]]] = []

    def total(whole: Cell, parts: Iterable[Cell]) -> None:
        equations.append([(whole, -1), *((part, 1) for part in parts)])

    if any(r["month"] == report["month"] for r in report.get("trend", [])) and measure not in CARDS:
        total(network, [("trend",)])
    if measure in CARDS:
        total(network, [("family", i) for i in families])
        return equations
    total(network, [("family", i) for i in families])
    if measure == "households":
        for whole, parts in (
            *((("family", i), [f for f in flows if f[1] == i]) for i in families),
            *((("shop", j), [f for f in flows if f[2] == j]) for j in shops),
            *((("shop", j), [c for c in categories if c[1] == j]) for j in shops),
        ):
            if len(parts) <= 1:  # the same families, or none at all
                total(whole, parts)
        return equations
    total(network, [("shop", j) for j in shops])
    for j in shops:
        total(("shop", j), [c for c in categories if c[1] == j])
    if measure != "spend_cents":
        for i in families:
            total(("family", i), [f for f in flows if f[1] == i])
        for j in shops:
            total(("shop", j), [f for f in flows if f[2] == j])
    return equations


def _solve(equations: list[list[tuple[Cell, int]]], value: dict[Cell, float | None]) -> dict[Cell, float]:
    """The unknowns (``None`` values) that the equations determine, with their values."""
    unknowns = sorted({cell for equation in equations for cell, _ in equation if value[cell] is None})
    if not unknowns or not equations:
        return {}
    index = {cell: n for n, cell in enumerate(unknowns)}
    matrix = np.zeros((len(equations), len(unknowns)))
    constants = np.zeros(len(equations))
    for row, equation in enumerate(equations):
        for cell, coefficient in equation:
            known = value[cell]
            if known is None:
                matrix[row, index[cell]] += coefficient
            else:
                constants[row] -= coefficient * known
    _, singular, rows = np.linalg.svd(matrix)
    rank = int((singular > TOLERANCE * max(1.0, float(singular.max(initial=0.0)))).sum())
    null = rows[rank:]  # a basis of the unknowns' freedom
    solution = np.linalg.lstsq(matrix, constants, rcond=None)[0]
    return {
        cell: float(solution[n])
        for cell, n in index.items()
        if null.shape[0] == 0 or np.all(np.abs(null[:, n]) < TOLERANCE)
    }


def recover(report: dict[str, Any], known: dict[tuple[Cell, str], float] | None = None) -> list[Recovered]:
    """Every hidden figure of the (whole-network) report that the published ones determine; with what an
    insider ``known``s, those it could not work out from its own knowledge and the tables' shape alone."""
    found = _recover(report, known or {})
    if known:
        blank = {**report, "network": _blank(report["network"])}
        blank["trend"] = [_blank(r) for r in report.get("trend", [])]
        blank |= {t: [_blank(r) for r in report[t]] for t in ("by_family_comune", "by_shop_comune")}
        blank |= {t: [_blank(r) for r in report[t]] for t in ("by_category", "flow")}
        own = {(r.cell, r.measure) for r in _recover(blank, known)}
        found = [r for r in found if (r.cell, r.measure) not in own]
    return found


def _blank(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, **dict.fromkeys(MEASURES)}


def _recover(report: dict[str, Any], known: dict[tuple[Cell, str], float]) -> list[Recovered]:
    cells = _cells(report)
    found = []
    for measure in MEASURES:
        value: dict[Cell, float | None] = {}
        for cell, row in cells.items():
            figure = row.get(measure)
            value[cell] = float(figure) if figure is not None else known.get((cell, measure))
        equations = _equations(report, measure)
        for cell in {c for equation in equations for c, _ in equation} - value.keys():
            value[cell] = 0.0  # a flow or category row that is not there
        for cell, figure in sorted(_solve(equations, value).items()):
            if (cell, measure) not in known:
                found.append(Recovered(cell, measure, round(figure, 6)))
    return found


def insiders(truth: dict[str, Any]) -> dict[str, tuple[dict[tuple[Cell, str], float], set[Cell]]]:
    """What each insider knows of the unpublished figures (``truth``: the figures before suppression),
    and the cells that hold its own figures: every comune's office knows its card figures; a shop alone
    in its category that cell; a shop alone in its comune that comune's row, categories and flow column
    (its till sees every card's comune)."""
    views: dict[str, tuple[dict[tuple[Cell, str], float], set[Cell]]] = {}
    flows = [("flow", r["from"], r["to"]) for r in truth["flow"]]
    for row in truth["by_family_comune"]:
        cell = ("family", row["istat"])
        views[f"office {row['istat']}"] = ({(cell, m): float(row[m]) for m in CARDS}, {cell, ("network",)})

    def mine(istat: str) -> set[Cell]:
        """The cells that add up a shop's figures in comune ``istat``."""
        cells: set[Cell] = {("network",), ("trend",), ("shop", istat)}
        return (
            cells | {f for f in flows if f[2] == istat} | {("family", f[1]) for f in flows if f[2] == istat}
        )

    for row in truth["by_category"]:
        if row.get("shops") == 1:
            cell = ("category", row["istat"], row["category"])
            known = {(cell, m): float(row[m]) for m in (*ADDITIVE, "households")}
            views[f"shop {cell}"] = (known, mine(row["istat"]) | {cell})
    for row in truth["by_shop_comune"]:
        if row.get("shops_with_redemptions") == 1:
            istat = row["istat"]
            rows = [(("shop", istat), row)]
            rows += [
                (("category", istat, r["category"]), r) for r in truth["by_category"] if r["istat"] == istat
            ]
            rows += [(("flow", r["from"], istat), r) for r in truth["flow"] if r["to"] == istat]
            known = {(c, m): float(r[m]) for c, r in rows for m in (*ADDITIVE, "households") if m in r}
            views[f"shop in {istat}"] = (known, mine(istat) | {c for c, _ in rows})
    return views


def insider_findings(published: dict[str, Any], truth: dict[str, Any]) -> list[tuple[str, Recovered]]:
    """The hidden figures standing on one to four families that an insider works out from the report
    with what it knows, outside the cells that hold its own figures."""
    found = []
    for who, (known, own) in insiders(truth).items():
        found += [
            (who, r) for r in recover(published, known) if r.cell not in own and stands_on_few(truth, r)
        ]
    return found


def stands_on_few(truth: dict[str, Any], found: Recovered) -> bool:
    """Whether a recovered figure stands on one to four families (``truth``: before suppression)."""
    row = _cells(truth).get(found.cell, {})
    if found.measure in CARDS:
        count = row.get("card_households", row.get("households_with_card"))
    else:
        count = row.get("households")
    return count is None or 0 < int(count) < 5


Visit = tuple[str, str, str, Any, Any]  # family comune, shop comune, category, shop, household


def merchant_findings(published: dict[str, Any], visits: list[Visit]) -> list[tuple[Any, Cell]]:
    """The cells whose other shops' part a shop can read (the cell, published or recovered, less the
    shop's own figures, which its statement and its till give it) where that part stands on one to four
    families. ``visits``: every redemption of the month."""
    families: dict[Cell, dict[Any, set[Any]]] = {}
    for home, comune, category, shop, household in visits:
        cells = [("network",), ("family", home), ("shop", comune), ("category", comune, category)]
        for cell in [*cells, ("flow", home, comune)]:
            families.setdefault(cell, {}).setdefault(household, set()).add(shop)
    shown = {cell for cell, row in _cells(published).items() if row.get("redemptions") is not None}
    shown |= {found.cell for found in recover(published) if found.measure == "redemptions"}
    found = []
    for cell in sorted(shown & families.keys()):
        shops = set().union(*families[cell].values())
        for shop in sorted(shops, key=str):
            others = sum(1 for used in families[cell].values() if used - {shop})
            if 0 < others < 5:
                found.append((shop, cell))
    return found


MonthCell = tuple[str, ...]  # (month, measure, *cell)


def recover_across_months(
    reports: dict[str, dict[str, Any]], first_month: str | None = None
) -> list[tuple[str, Recovered]]:
    """Every figure published hidden in one of ``reports`` (by month, ``YYYY-MM``) that the figures
    published for all the months determine together: each month's relations, and the stock of active
    cards of each comune and of the network carried from one month to the next. ``first_month``: the
    network's first, before which there was no card."""
    equations: list[list[tuple[MonthCell, int]]] = []
    value: dict[MonthCell, float | None] = {}
    hidden: set[MonthCell] = set()
    for month, report in reports.items():
        for cell, row in _cells(report).items():
            for measure in MEASURES:
                figure = row.get(measure)
                value[(month, measure, *cell)] = float(figure) if figure is not None else None
                if measure in row and figure is None:
                    hidden.add((month, measure, *cell))
        for measure in MEASURES:
            for equation in _equations(report, measure):
                equations.append([((month, measure, *cell), coefficient) for cell, coefficient in equation])
    months = sorted(reports)
    for month in months:
        previous = _month_before(month)
        for cell in [("network",), *(("family", r["istat"]) for r in reports[month]["by_family_comune"])]:
            stock = [((month, "active_cards", *cell), 1), ((month, "new_cards", *cell), -1),
                     ((month, "revoked_cards", *cell), 1)]  # fmt: skip
            if previous in reports:
                equations.append([*stock, ((previous, "active_cards", *cell), -1)])
            elif month == first_month:
                equations.append(stock)
    for equation in equations:
        for cell, _ in equation:
            value.setdefault(cell, 0.0)  # a flow or category row that is not there, or nothing
    solved = _solve(equations, value)  # type: ignore[arg-type]
    return [
        (cell[0], Recovered(tuple(cell[2:]), cell[1], round(figure, 6)))
        for cell, figure in sorted(solved.items())
        if cell in hidden
    ]


def _month_before(month: str) -> str:
    year, number = int(month[:4]), int(month[5:])
    return f"{year - 1:04d}-12" if number == 1 else f"{year:04d}-{number - 1:02d}"
