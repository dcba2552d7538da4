"""The report's linked system: a hidden cell is a bridge of the graph of hidden cells exactly when the
sums and the visible cells determine it (the rank condition, checked here with numpy)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cardsvc.central.reports.linked import Cell, System, determined, follows, linked_system, protection

pytestmark = pytest.mark.unit
COMUNI = ("A", "B", "C")


@st.composite
def systems(draw: Any) -> tuple[System, set[Cell]]:
    """A month's figures of random shape (which flows and categories exist), and some hidden cells."""
    flows = draw(st.sets(st.tuples(st.sampled_from(COMUNI), st.sampled_from(COMUNI)), min_size=1))
    categories = draw(st.sets(st.tuples(st.sampled_from(COMUNI), st.sampled_from(("x", "y"))), min_size=1))
    households = st.integers(1, 9)
    cards = {"households_with_card": 0}
    figures = {
        "network": {"households": 9, **cards},
        "by_family_comune": [{"istat": c, "households": draw(households), **cards} for c in COMUNI],
        "by_shop_comune": [{"istat": c, "households": draw(households)} for c in COMUNI],
        "flow": [{"from": a, "to": b, "households": draw(households)} for a, b in sorted(flows)],
        "by_category": [
            {"istat": c, "category": k, "households": draw(households)} for c, k in sorted(categories)
        ],
    }
    system = linked_system(figures)
    cells = sorted(system.size)
    hidden = set(draw(st.lists(st.sampled_from(cells), unique=True)))
    return system, hidden


def by_rank(system: System, hidden: set[Cell]) -> set[Cell]:
    """The hidden cells whose unit vector lies in the row space of the node sums over the hidden cells."""
    nodes = sorted({node for ends in system.ends.values() for node in ends})
    columns = sorted(hidden)
    matrix = np.zeros((len(nodes), len(columns)))
    for n, cell in enumerate(columns):
        start, end = system.ends[cell]
        matrix[nodes.index(start), n] -= 1
        matrix[nodes.index(end), n] += 1
    rank = np.linalg.matrix_rank(matrix) if columns else 0
    found = set()
    for n, cell in enumerate(columns):
        unit = np.zeros((1, len(columns)))
        unit[0, n] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.add(cell)
    return found


@settings(max_examples=300, deadline=None)
@given(systems())
def test_bridges_are_the_determined_cells(drawn: tuple[System, set[Cell]]) -> None:
    system, hidden = drawn
    assert determined(system, hidden) == by_rank(system, hidden)


@settings(max_examples=200, deadline=None)
@given(systems())
def test_protection_puts_the_cell_on_a_cycle(drawn: tuple[System, set[Cell]]) -> None:
    system, hidden = drawn
    for cell in determined(system, hidden):
        more = protection(system, cell, hidden, set())
        if more is not None:
            assert cell not in determined(system, hidden | set(more))


def test_what_follows_from_a_lone_category() -> None:
    """A comune's one category gives its shops' row; a family comune whose one flow that is gives its row."""
    figures = {
        "network": {"households": 9, "households_with_card": 0},
        "by_family_comune": [{"istat": "A", "households": 9, "households_with_card": 0}],
        "by_shop_comune": [{"istat": "A", "households": 9}],
        "flow": [{"from": "A", "to": "A", "households": 9}],
        "by_category": [{"istat": "A", "category": "x", "households": 9}],
    }
    system = linked_system(figures)
    assert follows(system, {("category", "A", "x")}, system.at()) >= {("shop", "A"), ("flow", "A", "A")}
