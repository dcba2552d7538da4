"""Every figure published for a month as one linked system of cells and the sums that tie them.

A *cell* is what is hidden or shown as a whole: the network's row and its card figures, a family
comune's row and its card figures, a shop comune's row, a category within a shop comune, a pair of comuni
in the flow. The sums a reader knows:

- the network is the sum of the family comuni, and of the shop comuni;
- a family comune is the sum of its row of the flow, a shop comune of its column and of its categories
  (a pair or category that is not listed is a zero);
- the network's card figures are the sum of the comuni's.

Everything else published for the month derives from these cells (the trend's entry for the month is
the network's row, the average discount per family is its row's discount over its families, a comune's
view and a merchant's statement show the same cells or the shop's own figures), so it is hidden with
its cell. Families are not additive across the flow or the categories (a family shops in several
comuni), but where they are (the family comuni; a group of one) the sums above already say so.

:func:`determined` finds the hidden cells that the visible ones and the sums determine: a hidden cell is
determined exactly when its unit vector lies in the row space of the sums restricted to the hidden
cells, that is when every solution of the homogeneous system leaves it unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Cell = tuple[str, ...]
NETWORK: Cell = ("network",)
NETWORK_CARDS: Cell = ("network_cards",)
TOLERANCE = 1e-9


@dataclass
class System:
    """The month's cells, the sums between them (each a total and its parts), and each cell's size:
    the households behind it, by which a cell is small and the cheapest cell to hide is chosen."""

    size: dict[Cell, int] = field(default_factory=dict)
    sums: list[tuple[Cell, list[Cell]]] = field(default_factory=list)

    def of(self, cell: Cell) -> list[int]:
        """The indices of the sums a cell takes part in."""
        return [n for n, (total, parts) in enumerate(self.sums) if cell == total or cell in parts]


def linked_system(figures: dict[str, Any]) -> System:
    """The system of a month's unsuppressed figures (``figures.month_figures``)."""
    system = System()
    families = [row["istat"] for row in figures["by_family_comune"]]
    shops = [row["istat"] for row in figures["by_shop_comune"]]
    system.size[NETWORK] = int(figures["network"]["households"])
    system.size[NETWORK_CARDS] = _card_households(figures["network"])
    for row in figures["by_family_comune"]:
        system.size[("family", row["istat"])] = int(row["households"])
        system.size[("cards", row["istat"])] = _card_households(row)
    for row in figures["by_shop_comune"]:
        system.size[("shop", row["istat"])] = int(row["households"])
    categories = [("category", r["istat"], r["category"]) for r in figures["by_category"]]
    flows = [("flow", r["from"], r["to"]) for r in figures["flow"]]
    for cell, row in zip(categories + flows, figures["by_category"] + figures["flow"], strict=True):
        system.size[cell] = int(row["households"])
    system.sums.append((NETWORK, [("family", i) for i in families]))
    system.sums.append((NETWORK, [("shop", j) for j in shops]))
    system.sums.append((NETWORK_CARDS, [("cards", i) for i in families]))
    system.sums += [(("family", i), [f for f in flows if f[1] == i]) for i in families]
    system.sums += [(("shop", j), [f for f in flows if f[2] == j]) for j in shops]
    system.sums += [(("shop", j), [c for c in categories if c[1] == j]) for j in shops]
    return system


def _card_households(row: dict[str, Any]) -> int:
    """Households behind a row's card figures: holding a card, or given or losing one in the month."""
    return max(int(row.get("card_households") or 0), int(row["households_with_card"]))


class Freedom:
    """How the hidden cells can move without changing anything published: for each group of hidden
    cells that the sums link, an orthonormal basis of the row space of the sums over those cells.

    A hidden cell is determined when its unit vector lies in that row space (its leverage is one). An
    insider who knows some hidden cells ``K`` besides adds the equations ``x_K = known``: with ``M``
    the projector on the free directions, cell ``j`` is then determined when
    ``M[j,j] - M[j,K] M[K,K]⁺ M[K,j]`` is zero. ``cache`` keeps the bases of groups between calls.
    """

    def __init__(self, system: System, hidden: set[Cell], cache: dict[tuple[Cell, ...], Any]) -> None:
        self.groups = []
        for cells, sums in _groups(system, hidden):
            key = tuple(cells)
            if key not in cache:
                cache[key] = _row_space(cells, sums)
            self.groups.append((cells, cache[key]))

    def determined(self, known: set[Cell] | frozenset[Cell] = frozenset()) -> list[Cell]:
        """The hidden cells other than ``known`` that the visible ones, the ``known`` ones and the sums
        determine."""
        found = []
        for cells, basis in self.groups:
            index = [n for n, cell in enumerate(cells) if cell in known]
            free = 1.0 - (basis**2).sum(axis=0)  # M[j, j]
            if index:
                columns = -basis.T @ basis[:, index]  # M[:, K] = I[:, K] - B^T B[:, K]
                columns[index, range(len(index))] += 1.0
                gram = np.linalg.pinv(columns[index, :], hermitian=True)
                free = free - np.einsum("jk,kl,jl->j", columns, gram, columns)
            found += [cell for n, cell in enumerate(cells) if free[n] < 1e-7 and cell not in known]
        return found


def _row_space(cells: list[Cell], sums: list[tuple[Cell, list[Cell]]]) -> Any:
    index = {cell: n for n, cell in enumerate(cells)}
    matrix = np.zeros((max(len(sums), 1), len(cells)))
    for row, (total, parts) in enumerate(sums):
        for cell, sign in ((total, -1.0), *((part, 1.0) for part in parts)):
            if cell in index:
                matrix[row, index[cell]] += sign
    _, singular, basis = np.linalg.svd(matrix, full_matrices=False)
    rank = int((singular > TOLERANCE * max(1.0, float(singular.max(initial=0.0)))).sum())
    return basis[:rank]


def determined(system: System, hidden: set[Cell], known: Iterable[Cell] = ()) -> list[Cell]:
    """The hidden cells (other than the ``known`` ones) that the visible cells, the ``known`` ones and
    the sums determine."""
    return Freedom(system, hidden, {}).determined(set(known) & hidden)


def follows(system: System, known: set[Cell]) -> set[Cell]:
    """The cells that the ``known`` ones give through sums alone, without any published figure: a sum
    whose cells are all known but one gives that one."""
    found = set(known)
    changed = True
    while changed:
        changed = False
        for total, parts in system.sums:
            missing = [cell for cell in (total, *parts) if cell not in found]
            if len(missing) == 1:
                found.add(missing[0])
                changed = True
    return found


def _groups(system: System, unknown: set[Cell]) -> list[tuple[list[Cell], list[tuple[Cell, list[Cell]]]]]:
    """The unknown cells split into groups that no sum links, each with the sums that touch it."""
    parent = {cell: cell for cell in unknown}

    def root(cell: Cell) -> Cell:
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    touching = []
    for total, parts in system.sums:
        cells = [c for c in (total, *parts) if c in unknown]
        if cells:
            touching.append(((total, parts), cells))
            for cell in cells[1:]:
                parent[root(cell)] = root(cells[0])
    groups: dict[Cell, tuple[list[Cell], list[tuple[Cell, list[Cell]]]]] = {}
    for cell in sorted(unknown):
        groups.setdefault(root(cell), ([], []))[0].append(cell)
    for equation, cells in touching:
        groups[root(cells[0])][1].append(equation)
    return list(groups.values())
