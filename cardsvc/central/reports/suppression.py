"""Small cells hidden: no published figure may stand on fewer than five households.

A row of a table (a comune, a category, a pair of comuni in the flow) is *suppressed* when between one
and four distinct households stand behind it: its values are withheld and shown as "< 5". Since a
table's rows add up to a total that is published (the network's, a comune's), one hidden row among
visible ones could be recovered by subtraction; so, in every group of rows that adds up to a published
total, when exactly one row is hidden the next smallest is hidden too (secondary suppression), and the
flow matrix is checked along both its rows and its columns until nothing changes. Pure functions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

MINIMUM = 5
VALUES = ("redemptions", "spend_cents", "discount_cents", "households")


def is_small(row: dict[str, Any], key: str = "households") -> bool:
    return 0 < int(row[key]) < MINIMUM


def _hide(row: dict[str, Any], keys: Iterable[str] = VALUES) -> None:
    row["suppressed"] = True
    for key in keys:
        row[key] = None


def _secondary(groups: Iterable[list[dict[str, Any]]], hide: Callable[[dict[str, Any]], None]) -> bool:
    """Hide one more row in every group with exactly one hidden row; True when anything changed."""
    changed = False
    for rows in groups:
        hidden = [r for r in rows if r.get("suppressed")]
        visible = [r for r in rows if not r.get("suppressed") and (r.get("_households") or 0) > 0]
        if len(hidden) == 1 and visible:
            hide(min(visible, key=lambda r: r["_households"]))
            changed = True
    return changed


def suppress(figures: dict[str, Any]) -> dict[str, Any]:
    """The figures as they may be published."""
    tables = ("by_family_comune", "by_shop_comune", "by_category", "flow")
    out = {**figures, "network": dict(figures["network"])}
    out |= {table: [dict(row) for row in figures[table]] for table in tables}  # the caller's stay as they are
    for rows in (out["by_family_comune"], out["by_shop_comune"], out["by_category"], out["flow"]):
        for row in rows:
            row["_households"] = row["households"]
    family_keys = (*VALUES, "active_cards", "households_with_card", "new_cards", "revoked_cards")

    def hide_family(row: dict[str, Any]) -> None:
        _hide(row, family_keys)

    for row in out["by_family_comune"]:
        if is_small(row) or is_small(row, "households_with_card"):
            hide_family(row)
    while _secondary([out["by_family_comune"]], hide_family):
        pass
    for row in out["by_shop_comune"]:
        if is_small(row):
            _hide(row, (*VALUES, "shops_with_redemptions"))
    while _secondary([out["by_shop_comune"]], lambda r: _hide(r, (*VALUES, "shops_with_redemptions"))):
        pass
    for row in out["by_category"] + out["flow"]:
        if is_small(row):
            _hide(row)
    by_shop = _groups(out["by_category"], "istat")
    while _secondary(by_shop, _hide):
        pass
    rows_of, columns_of = _groups(out["flow"], "from"), _groups(out["flow"], "to")
    while _secondary(rows_of, _hide) | _secondary(columns_of, _hide):
        pass
    for rows in (out["by_family_comune"], out["by_shop_comune"], out["by_category"], out["flow"]):
        for row in rows:
            del row["_households"]
    if is_small(out["network"]):
        _hide(out["network"])
    out["suppression"] = {"minimum_households": MINIMUM}
    return out


def _groups(rows: list[dict[str, Any]], key: str) -> list[list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row[key], []).append(row)
    return list(grouped.values())
