"""The month's figures from the central database, before suppression.

Redemptions count when accepted and not voided, by the kiosk's time in Europe/Rome; a family is its
household pseudonym (or, until the office's card event arrives, the card itself). Every figure that is
built from families carries ``households``, the number of distinct households behind it, so that
:mod:`.suppression` can hide small cells. The redemption queries read only the partial covering index
``redemptions_live_by_time`` for the month's range.
"""

from __future__ import annotations

from typing import Any

from cardsvc.platform.i18n import DEFAULT_LANGUAGE, format_day, format_moment
from cardsvc.platform.rome_calendar import month_bounds
from cardsvc.platform.storage.database import Database

from ...core import from_rfc3339, to_rfc3339
from .months import label

LIVE = (
    "from redemptions indexed by redemptions_live_by_time where type = 'redemption' and status = 'accepted' "
    "and voided = 0 and kiosk_time >= ? and kiosk_time < ?"
)
FAMILY = "coalesce(household, cti)"
CARD_KEYS = ("active_cards", "households_with_card", "new_cards", "revoked_cards", "card_households")
MEASURES = (
    f"count(*), coalesce(sum(amount_cents), 0), coalesce(sum(discount_cents), 0), count(distinct {FAMILY})"
)
# The same with the shop's category: redemptions joined to their merchants.
LIVE_R = (
    "from redemptions r indexed by redemptions_live_by_time join merchants m on m.id = r.merchant_id "
    "where r.type = 'redemption' and r.status = 'accepted' and r.voided = 0 "
    "and r.kiosk_time >= ? and r.kiosk_time < ?"
)
MEASURES_R = (
    "count(*), coalesce(sum(r.amount_cents), 0), coalesce(sum(r.discount_cents), 0), "
    "count(distinct coalesce(r.household, r.cti))"
)


def _measures(row: tuple[Any, ...]) -> dict[str, int]:
    return {"redemptions": row[0], "spend_cents": row[1], "discount_cents": row[2], "households": row[3]}


def comuni(db: Database) -> dict[str, str]:
    return {istat: name for istat, name in db.execute("select istat, name from comuni order by name")}


def _cards_by_comune(db: Database, start: int, end: int) -> dict[str, dict[str, int]]:
    """Active cards at the month's end, households holding one, cards issued and revoked in the month,
    and the households behind any of these (``card_households``, for suppression only)."""
    active = "iat < :end and exp > :end and (revoked_at is null or revoked_at >= :end)"
    new, revoked = "iat >= :start and iat < :end", "revoked_at >= :start and revoked_at < :end"
    rows = db.execute(
        f"select istat, count(case when {active} then 1 end), "
        f"count(distinct case when {active} then {FAMILY} end), "
        f"count(case when {new} then 1 end), count(case when {revoked} then 1 end), "
        f"count(distinct case when ({active}) or ({new}) or ({revoked}) then {FAMILY} end) "
        "from cards group by istat",
        {"start": start, "end": end},
    )
    return {
        istat: {
            "active_cards": a or 0,
            "households_with_card": h or 0,
            "new_cards": n or 0,
            "revoked_cards": r or 0,
            "card_households": c or 0,
        }
        for istat, a, h, n, r, c in rows
    }


def _open_flags(db: Database) -> dict[str, int]:
    """Open anomaly flags per comune: the card's comune, or the shop's for a till's flag."""
    rows = db.execute(
        "select coalesce(f.istat, m.istat), count(*) from flags f "
        "left join merchants m on m.id = f.merchant_id where f.status = 'open' group by 1"
    )
    return {istat: count for istat, count in rows if istat}


def heavy_figures(db: Database, year: int, month: int) -> dict[str, Any]:
    """What reading the month's redemptions and the cards costs: kept as the month's summary."""
    start, end = month_bounds(year, month)
    span = [start, end]
    by_family = {
        row[0]: _measures(row[1:])
        for row in db.execute(f"select card_istat, {MEASURES} {LIVE} group by 1", span)
    }
    by_shop = {
        row[0]: {**_measures(row[1:5]), "shops_with_redemptions": row[5]}
        for row in db.execute(
            f"select shop_istat, {MEASURES}, count(distinct merchant_id) {LIVE} group by 1", span
        )
    }
    categories = [
        {"istat": istat, "category": category, **_measures(rest), "shops": rest[4]}
        for istat, category, *rest in db.execute(
            f"select r.shop_istat, m.category, {MEASURES_R}, count(distinct r.merchant_id) {LIVE_R} "
            "group by 1, 2 order by 1, 2",
            span,
        )
    ]
    flow = [
        {"from": a, "to": b, **_measures(rest)}
        for a, b, *rest in db.execute(f"select card_istat, shop_istat, {MEASURES} {LIVE} group by 1, 2", span)
    ]
    one_shop: dict[str, dict[tuple[Any, ...], int]] = {
        "network": _one_shop(db, [], span),
        "family": _one_shop(db, ["card_istat"], span),
        "shop": _one_shop(db, ["shop_istat"], span),
        "category": _one_shop(db, ["r.shop_istat", "m.category"], span),
        "flow": _one_shop(db, ["card_istat", "shop_istat"], span),
    }
    for istat, row in by_family.items():
        row["one_shop"] = one_shop["family"].get((istat,), 0)
    for istat, row in by_shop.items():
        row["one_shop"] = one_shop["shop"].get((istat,), 0)
    for row in categories:
        row["one_shop"] = one_shop["category"].get((row["istat"], row["category"]), 0)
    for row in flow:
        row["one_shop"] = one_shop["flow"].get((row["from"], row["to"]), 0)
    return {
        "network": _measures(db.execute(f"select {MEASURES} {LIVE}", span).fetchone()),
        "network_one_shop": one_shop["network"].get((), 0),
        "by_family": by_family,
        "by_shop": by_shop,
        "by_category": categories,
        "flow": flow,
        "cards": _cards_by_comune(db, start, end),
    }


def _one_shop(db: Database, keys: list[str], span: list[int]) -> dict[tuple[Any, ...], int]:
    """For each cell (grouped by ``keys``), the most of its households that one shop alone served in it.

    A shop knows its own figures (its statement, its till), so a published cell less the shop's own is
    the other shops' part, which stands on the cell's households less those only that shop served.
    """
    joined = any(key.startswith(("r.", "m.")) for key in keys)
    source, family, shop = (LIVE_R, "coalesce(r.household, r.cti)", "r.merchant_id") if joined else (
        LIVE, FAMILY, "merchant_id")  # fmt: skip
    names = [f"k{n}" for n in range(len(keys))]
    chosen = "".join(f"{key} as {name}, " for key, name in zip(keys, names, strict=True))
    alone = (
        f"select {chosen}{family} as h, min({shop}) as shop {source} "
        f"group by {''.join(k + ', ' for k in keys)}{family} having count(distinct {shop}) = 1"
    )
    grouped = "".join(name + ", " for name in names)
    sql = (
        f"select {grouped}max(n) from (select {grouped}shop, count(*) as n from ({alone}) as alone "
        f"group by {grouped}shop) as per_shop" + (f" group by {', '.join(names)}" if names else "")
    )
    return {tuple(row[:-1]): int(row[-1] or 0) for row in db.execute(sql, span)}


def month_figures(
    db: Database, year: int, month: int, now: int, heavy: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Every table of the month's report, unsuppressed: the summary (``heavy``, computed when not given)
    with what is read live (comuni, participating shops, open flags)."""
    start, end = month_bounds(year, month)
    heavy = heavy if heavy is not None else heavy_figures(db, year, month)
    names = comuni(db)
    cards, by_family, by_shop = heavy["cards"], heavy["by_family"], heavy["by_shop"]
    flags = _open_flags(db)
    participating = dict(
        db.execute(
            "select m.istat, count(distinct m.id) from merchants m join offers o on o.merchant_id = m.id "
            "where o.status = 'published' group by 1"
        ).fetchall()
    )
    empty = {"redemptions": 0, "spend_cents": 0, "discount_cents": 0, "households": 0}
    no_cards = dict.fromkeys(CARD_KEYS, 0)
    family_rows = [
        {"istat": istat, "comune": name, **cards.get(istat, no_cards), **by_family.get(istat, empty),
         "open_flags": flags.get(istat, 0)}
        for istat, name in names.items()
    ]  # fmt: skip
    shop_rows = [
        {"istat": istat, "comune": name, "shops_participating": participating.get(istat, 0),
         **by_shop.get(istat, {**empty, "shops_with_redemptions": 0})}
        for istat, name in names.items()
    ]  # fmt: skip
    return {
        "month": label(year, month),
        "period": {"from": to_rfc3339(start), "to": to_rfc3339(end), "label": period_label(start, end)},
        "cutoff": to_rfc3339(min(now, end, heavy.get("computed_at", now))),
        "generated_at": to_rfc3339(now),
        "network": {
            **heavy["network"],
            **_sum_cards(cards),
            "open_flags": sum(flags.values()),
            "one_shop": heavy.get("network_one_shop", 0),
        },
        "by_family_comune": family_rows,
        "by_shop_comune": shop_rows,
        "by_category": heavy["by_category"],
        "flow": heavy["flow"],
    }


def period_label(start: int, end: int, lang: str = DEFAULT_LANGUAGE) -> str:
    """``01/10/2026 – 31/10/2026``: the month's first and last day in Rome (the JSON's label is Italian)."""
    return f"{format_day(start, lang)} – {format_day(end - 1, lang)}"


def period_text(period: dict[str, str], lang: str) -> str:
    """A report's ``period`` (its RFC 3339 bounds) as :func:`period_label` writes it in ``lang``."""
    return period_label(from_rfc3339(period["from"]), from_rfc3339(period["to"]), lang)


def time_text(moment: str, lang: str) -> str:
    """A report's RFC 3339 time (generated, cut-off) as its Rome day and time: ``01/11/2026 00:00``."""
    return format_moment(from_rfc3339(moment), lang)


def _sum_cards(cards: dict[str, dict[str, int]]) -> dict[str, int]:
    return {key: sum(row.get(key, 0) for row in cards.values()) for key in CARD_KEYS}
