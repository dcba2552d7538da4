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

**The sums are a circulation.** Draw each cell as an edge of a graph: the network from the shops' side
to the families' side, a family comune from there to the comune's node, a flow pair from the family
comune to the shop comune, a shop comune from there to its categories' node, a category from there back
to the shops' side; and the card figures as parallel edges between two nodes. Every sum above is then
"what comes into a node goes out of it". So the hidden cells can change together, unseen, exactly
along cycles of hidden edges, and a hidden cell is determined by the visible ones exactly when it lies
on no such cycle: when it is a *bridge* of the graph of hidden cells (:func:`determined`, linear in the
number of cells). This is the rank condition of the linear system, found without matrices.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

Cell = tuple[str, ...]
Node = tuple[str, ...]
NETWORK: Cell = ("network",)
NETWORK_CARDS: Cell = ("network_cards",)
FAMILIES, SHOPS, CARDS_IN, CARDS_OUT = ("families",), ("shops",), ("cards in",), ("cards out",)
MINIMUM = 5
AVOID_NETWORK = 10**9  # the network's rows are hidden only when nothing else protects a cell
AVOID_ZERO = 10**6  # a row of zeros hidden only when nothing else does


@dataclass
class System:
    """The month's cells as edges (``ends``) and each cell's size: the households behind it, by which
    a cell is small and the cheapest cells to hide are chosen."""

    size: dict[Cell, int] = field(default_factory=dict)
    ends: dict[Cell, tuple[Node, Node]] = field(default_factory=dict)
    small: set[Cell] = field(default_factory=set)

    def add(self, cell: Cell, size: int, start: Node, end: Node, one_shop: int = 0) -> None:
        """A cell; small when one to four households stand behind it, or behind what is left of it
        once the shop that alone served most of its households takes its own figures out."""
        self.size[cell], self.ends[cell] = size, (start, end)
        if 0 < size < MINIMUM or 0 < size - one_shop < MINIMUM:
            self.small.add(cell)

    def at(self) -> dict[Node, list[tuple[Node, Cell]]]:
        """Each node's edges, with the node at their other end."""
        found: dict[Node, list[tuple[Node, Cell]]] = defaultdict(list)
        for cell, (a, b) in self.ends.items():
            found[a].append((b, cell))
            found[b].append((a, cell))
        return found


def linked_system(figures: dict[str, Any]) -> System:
    """The system of a month's unsuppressed figures (``figures.month_figures``)."""
    system = System()
    system.add(NETWORK, int(figures["network"]["households"]), SHOPS, FAMILIES, _one(figures["network"]))
    system.add(NETWORK_CARDS, _card_households(figures["network"]), CARDS_OUT, CARDS_IN)
    for row in figures["by_family_comune"]:
        istat = row["istat"]
        system.add(("family", istat), int(row["households"]), FAMILIES, ("family comune", istat), _one(row))
        system.add(("cards", istat), _card_households(row), CARDS_IN, CARDS_OUT)
    for row in figures["by_shop_comune"]:
        istat = row["istat"]
        system.add(
            ("shop", istat), int(row["households"]), ("shop comune", istat), ("categories", istat), _one(row)
        )
    for row in figures["flow"]:
        cell = ("flow", row["from"], row["to"])
        ends = ("family comune", row["from"]), ("shop comune", row["to"])
        system.add(cell, int(row["households"]), *ends, _one(row))
    for row in figures["by_category"]:
        cell = ("category", row["istat"], row["category"])
        system.add(cell, int(row["households"]), ("categories", row["istat"]), SHOPS, _one(row))
    return system


def _one(row: dict[str, Any]) -> int:
    return int(row.get("one_shop") or 0)


def _card_households(row: dict[str, Any]) -> int:
    """Households behind a row's card figures: holding a card, or given or losing one in the month."""
    return max(int(row.get("card_households") or 0), int(row["households_with_card"]))


def determined(system: System, hidden: set[Cell], known: Iterable[Cell] = ()) -> set[Cell]:
    """The hidden cells (other than the ``known`` ones) that the visible cells, the ``known`` ones and
    the sums determine: the bridges of the graph of the other hidden cells (Tarjan, without recursion)."""
    edges = hidden - set(known)
    at: dict[Node, list[tuple[Node, Cell]]] = defaultdict(list)
    for cell in edges:
        a, b = system.ends[cell]
        at[a].append((b, cell))
        at[b].append((a, cell))
    order: dict[Node, int] = {}
    low: dict[Node, int] = {}
    bridges: set[Cell] = set()
    for root in at:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack: list[tuple[Node, Cell | None, Any]] = [(root, None, iter(at[root]))]
        while stack:
            node, via, rest = stack[-1]
            for other, cell in rest:
                if cell == via:
                    continue
                if other in order:
                    low[node] = min(low[node], order[other])
                else:
                    order[other] = low[other] = len(order)
                    stack.append((other, cell, iter(at[other])))
                    break
            else:
                stack.pop()
                if stack and via is not None:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        bridges.add(via)
    return bridges


def protection(system: System, cell: Cell, hidden: set[Cell], avoid: set[Cell]) -> list[Cell] | None:
    """The cheapest visible cells whose hiding puts ``cell`` on a cycle of hidden cells (so no longer
    determined): a shortest path between its ends, other than itself and the ``avoid`` ones, where a
    hidden cell costs nothing and a visible one its households. None when there is no such path."""
    start, goal = system.ends[cell]
    at = system.at()
    best: dict[Node, int] = {start: 0}
    came: dict[Node, tuple[Node, Cell]] = {}
    queue: list[tuple[int, Node]] = [(0, start)]
    while queue:
        cost, node = heapq.heappop(queue)
        if node == goal:
            path, step = [], goal
            while step != start:
                step, edge = came[step]
                path.append(edge)
            return [edge for edge in path if edge not in hidden]
        if cost > best[node]:
            continue
        for other, edge in at[node]:
            if edge == cell or edge in avoid:
                continue
            more = cost + _price(system, edge, hidden)
            if more < best.get(other, more + 1):
                best[other], came[other] = more, (node, edge)
                heapq.heappush(queue, (more, other))
    return None


def _price(system: System, cell: Cell, hidden: set[Cell]) -> int:
    if cell in hidden:
        return 0
    if cell in (NETWORK, NETWORK_CARDS):
        return AVOID_NETWORK
    return system.size[cell] if system.size[cell] > 0 else AVOID_ZERO


def follows(system: System, known: set[Cell], at: dict[Node, list[tuple[Node, Cell]]]) -> set[Cell]:
    """The cells that the ``known`` ones give through the sums alone, without any published figure: a
    node whose edges are all known but one gives that one. ``at``: the system's edges by node."""
    found = set(known)
    waiting = [node for cell in known for node in system.ends[cell]]
    while waiting:
        node = waiting.pop()
        missing = [(other, cell) for other, cell in at[node] if cell not in found]
        if len(missing) == 1:
            other, cell = missing[0]
            found.add(cell)
            waiting.append(other)
    return found
