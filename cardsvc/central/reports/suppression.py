"""Small cells hidden, and enough others with them that no combination of published figures gives one
back: no published figure may stand on fewer than five households.

A cell (:mod:`.linked`) with one to four households behind it is hidden (*primary* suppression): its
figures are withheld and shown as "< 5". So is a cell whose households, less those that only one shop
served in it, are one to four: that shop, taking its own figures out, would read the others'.

The month's published figures are one linked system of sums, so more cells are hidden (*complementary*
suppression) until the visible cells and the sums determine no hidden one: while some hidden cell is
determined (a bridge of the graph of hidden cells), the cheapest visible cells (the fewest households)
that close a cycle of hidden cells through it are hidden too. The network's own rows are hidden only
when nothing else will do.

Insiders know more than the public: a comune's office knows its own card figures, a shop alone in its
category knows that cell, a shop alone in its comune knows that comune's row, categories and flow column
(its till sees each card's comune). No small cell may be determined with that knowledge either, unless
the insider knows it without the report (a shop whose customers are a comune's only families). Pure
functions.
"""

from __future__ import annotations

from typing import Any

from .linked import (
    MINIMUM,
    NETWORK,
    NETWORK_CARDS,
    Cell,
    System,
    determined,
    follows,
    linked_system,
    protection,
)

__all__ = ["MINIMUM", "VALUES", "hidden_cells", "insiders", "suppress"]
VALUES = ("redemptions", "spend_cents", "discount_cents", "households")
CARD_VALUES = ("active_cards", "households_with_card", "new_cards", "revoked_cards")
INTERNAL = ("card_households", "shops", "one_shop")  # what suppression reads but is never published
SHOP_VALUES = (*VALUES, "shops_with_redemptions")


def suppress(figures: dict[str, Any]) -> dict[str, Any]:
    """The figures as they may be published."""
    system = linked_system(figures)
    hidden = hidden_cells(system, insiders(figures))
    out = {**figures, "network": dict(figures["network"])}
    tables = ("by_family_comune", "by_shop_comune", "by_category", "flow")
    out |= {table: [dict(row) for row in figures[table]] for table in tables}  # the caller's stay as they are
    rows: list[tuple[Cell, dict[str, Any], tuple[str, ...]]] = [
        (NETWORK, out["network"], VALUES),
        (NETWORK_CARDS, out["network"], CARD_VALUES),
    ]
    for row in out["by_family_comune"]:
        rows += [(("family", row["istat"]), row, VALUES), (("cards", row["istat"]), row, CARD_VALUES)]
    rows += [(("shop", row["istat"]), row, SHOP_VALUES) for row in out["by_shop_comune"]]
    rows += [(("category", row["istat"], row["category"]), row, VALUES) for row in out["by_category"]]
    rows += [(("flow", row["from"], row["to"]), row, VALUES) for row in out["flow"]]
    for cell, row, keys in rows:
        if cell in hidden:
            row["suppressed"] = True
            row |= dict.fromkeys(keys)
        for key in INTERNAL:
            row.pop(key, None)
    out["suppression"] = {"minimum_households": MINIMUM}
    return out


def hidden_cells(system: System, insiders: list[tuple[set[Cell], set[Cell]]]) -> set[Cell]:
    """The small cells and the complementary ones chosen to protect them."""
    hidden = set(system.small)
    unprotectable: set[tuple[Cell, frozenset[Cell]]] = set()
    readers = _Readers(system, insiders)
    while (exposed := readers.exposed(hidden, unprotectable)) is not None:
        cell, avoid = exposed
        more = protection(system, cell, hidden, set(avoid))
        if more is None:
            unprotectable.add(exposed)  # the sums' shape alone gives it away to that reader
        else:
            hidden.update(more)
    return hidden


class _Readers:
    """The public and the insiders, each with what it knows and what it knows without the report."""

    def __init__(self, system: System, insiders: list[tuple[set[Cell], set[Cell]]]) -> None:
        self.system, self.insiders = system, insiders
        self.at = system.at()
        self.own: dict[int, set[Cell]] = {}

    def _theirs(self, n: int) -> set[Cell]:
        if n not in self.own:
            known, mine = self.insiders[n]
            self.own[n] = mine | follows(self.system, known, self.at)
        return self.own[n]

    def exposed(
        self, hidden: set[Cell], unprotectable: set[tuple[Cell, frozenset[Cell]]]
    ) -> tuple[Cell, frozenset[Cell]] | None:
        """A hidden cell the public can work out, or a small one an insider can, with the cells that
        reader knows; None when there is none."""
        size = self.system.size
        public = frozenset[Cell]()
        found = [c for c in determined(self.system, hidden) if (c, public) not in unprotectable]
        if found:
            return min(found, key=lambda cell: (size[cell], cell)), public
        for n, (known, _mine) in enumerate(self.insiders):
            if not known & hidden:
                continue  # it knows nothing hidden: it sees what the public sees
            reader = frozenset(known)
            small = determined(self.system, hidden, known) & self.system.small
            found = [c for c in small - self._theirs(n) if (c, reader) not in unprotectable]
            if found:
                return min(found, key=lambda cell: (size[cell], cell)), reader
        return None


def insiders(figures: dict[str, Any]) -> list[tuple[set[Cell], set[Cell]]]:
    """What each insider knows besides the published figures (the cells it can count for itself), and
    the cells that hold its own figures (what it learns of those is its own)."""
    flows: list[Cell] = [("flow", row["from"], row["to"]) for row in figures["flow"]]

    def mine(istat: str) -> set[Cell]:
        cells: set[Cell] = {NETWORK, ("shop", istat)}
        return (
            cells | {f for f in flows if f[2] == istat} | {("family", f[1]) for f in flows if f[2] == istat}
        )

    found: list[tuple[set[Cell], set[Cell]]] = []
    for row in figures["by_family_comune"]:
        office: Cell = ("cards", row["istat"])
        found.append(({office}, {office, NETWORK_CARDS}))
    for row in figures["by_category"]:
        if row.get("shops") == 1:
            cell: Cell = ("category", row["istat"], row["category"])
            found.append(({cell}, mine(row["istat"]) | {cell}))
    for row in figures["by_shop_comune"]:
        if row.get("shops_with_redemptions") == 1:
            istat = row["istat"]
            known: set[Cell] = {("shop", istat)}
            known |= {
                ("category", istat, r["category"]) for r in figures["by_category"] if r["istat"] == istat
            }
            known |= {f for f in flows if f[2] == istat}
            found.append((known, mine(istat) | known))
    return found
