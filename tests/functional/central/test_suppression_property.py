"""Random small networks: whatever the families do, the auditor recovers no hidden figure from the
published report, and no insider recovers one that stands on one to four families."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cardsvc.central.reports.report import publish
from tests.functional.central.report_auditor import insider_findings, merchant_findings, recover

pytestmark = pytest.mark.functional
COMUNI = ("A", "B", "C", "D")
CATEGORIES = ("alimentari", "farmacia", "sport")

shop = st.tuples(st.sampled_from(COMUNI), st.sampled_from(CATEGORIES), st.integers(0, 1))
family = st.fixed_dictionaries(
    {
        "comune": st.sampled_from(COMUNI),
        "cards": st.integers(0, 2),  # active at the month's end
        "new": st.booleans(),
        "revoked": st.integers(0, 1),
        "visits": st.lists(st.tuples(shop, st.integers(100, 9_999)), max_size=3),
    }
)


def figures_of(families: list[dict[str, Any]]) -> dict[str, Any]:
    """The month's unsuppressed figures, in the shape ``figures.month_figures`` gives them."""
    zero = {"redemptions": 0, "spend_cents": 0, "discount_cents": 0}
    sums: dict[tuple[str, ...], dict[str, int]] = defaultdict(lambda: dict(zero))
    households: dict[tuple[str, ...], dict[int, set[Any]]] = defaultdict(lambda: defaultdict(set))
    shops: dict[tuple[str, ...], set[tuple[str, str, int]]] = defaultdict(set)
    card_keys = ("active_cards", "households_with_card", "new_cards", "revoked_cards", "card_households")
    cards = {comune: dict.fromkeys(card_keys, 0) for comune in COMUNI}
    for n, f in enumerate(families):
        home = cards[f["comune"]]
        home["active_cards"] += f["cards"]
        home["households_with_card"] += f["cards"] > 0
        home["new_cards"] += f["new"] and f["cards"] > 0
        home["revoked_cards"] += f["revoked"]
        home["card_households"] += f["cards"] > 0 or f["revoked"] > 0
        for (comune, category, which), amount in f["visits"]:
            keys = [("network",), ("family", f["comune"]), ("shop", comune)]
            keys += [("category", comune, category), ("flow", f["comune"], comune)]
            for key in keys:
                sums[key]["redemptions"] += 1
                sums[key]["spend_cents"] += amount
                sums[key]["discount_cents"] += amount // 10
                households[key][n].add((comune, category, which))
                shops[key].add((comune, category, which))

    def row(key: tuple[str, ...]) -> dict[str, Any]:
        used = households.get(key, {})
        alone = [next(iter(s)) for s in used.values() if len(s) == 1]
        one_shop = max((alone.count(shop) for shop in set(alone)), default=0)
        return {**sums.get(key, zero), "households": len(used), "one_shop": one_shop}

    network = row(("network",)) | {k: sum(c[k] for c in cards.values()) for k in card_keys}
    family_rows = [
        {"istat": c, "comune": c, **cards[c], **row(("family", c)), "open_flags": 0} for c in COMUNI
    ]
    shop_rows = [
        {"istat": c, "comune": c, "shops_participating": 6, **row(("shop", c))}
        | {"shops_with_redemptions": len(shops.get(("shop", c), ()))}
        for c in COMUNI
    ]
    cells = sorted(sums)
    return {
        "month": "2026-10",
        "network": network | {"open_flags": 0},
        "by_family_comune": family_rows,
        "by_shop_comune": shop_rows,
        "by_category": [
            {"istat": k[1], "category": k[2], **row(k), "shops": len(shops[k])}
            for k in cells
            if k[0] == "category"
        ],
        "flow": [{"from": k[1], "to": k[2], **row(k)} for k in cells if k[0] == "flow"],
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(family, max_size=30))
def test_no_hidden_figure_is_recovered(families: list[dict[str, Any]]) -> None:
    truth = figures_of(families)
    keys = ("redemptions", "spend_cents", "discount_cents", "households")
    trend = [{"month": "2026-10", **{key: truth["network"][key] for key in keys}}]
    published = publish(truth, trend)
    assert recover(published) == []
    assert insider_findings(published, truth) == []
    visits = [
        (f["comune"], shop[0], shop[1], shop, n) for n, f in enumerate(families) for shop, _ in f["visits"]
    ]
    assert merchant_findings(published, visits) == []
