"""What the admin pages show instead of codes: statuses and flag kinds in words, comuni and shops by
name, times as Rome day and time in the page's language."""

from __future__ import annotations

from collections.abc import Callable

from flask import g

from cardsvc.core import from_rfc3339
from cardsvc.platform.i18n import N_
from cardsvc.platform.web.i18n import moment

from .db import get_db
from .i18n import t

# Statuses of issuer keys, offers and kiosks, and the kinds of flag, as the pages name them.
STATUS_KEYS = (
    N_("status_active"),
    N_("status_revoked"),
    N_("status_pending"),
    N_("status_draft"),
    N_("status_published"),
    N_("status_suspended"),
    N_("status_ended"),
)
FLAG_KEYS = (
    N_("flag_card_velocity"),
    N_("flag_revoked_key"),
    N_("flag_accepted_while_revoked"),
    N_("flag_clock_skew"),
    N_("flag_chain_break"),
    N_("flag_late_redemption"),
    N_("flag_void_ratio"),
)


def status_word(status: str | None) -> str:
    """A status in words (``published`` → "pubblicata"); an unknown one as it is."""
    key = f"status_{status}"
    return t(key) if key in STATUS_KEYS else str(status or "")


def flag_word(kind: str) -> str:
    """A flag's kind in words (``card_velocity`` → "troppi utilizzi in un giorno")."""
    key = f"flag_{kind}"
    return t(key) if key in FLAG_KEYS else kind


def _names(table: str, key: str) -> dict[object, str]:
    cache: dict[str, dict[object, str]] = g.setdefault("page_names", {})
    if table not in cache:
        cache[table] = {row[0]: row[1] for row in get_db().execute(f"select {key}, name from {table}")}
    return cache[table]


def comune_name(istat: str | None) -> str:
    """The comune's name for an ISTAT code (the code itself only when the network does not know it)."""
    return "" if not istat else _names("comuni", "istat").get(istat, istat)


def shop_name(merchant_id: int | None) -> str:
    """The shop's name for its id."""
    return "" if merchant_id is None else _names("merchants", "id").get(merchant_id, str(merchant_id))


def when(value: int | str | None) -> str:
    """A moment (seconds, or RFC 3339 text as the database keeps it) as Rome day and time."""
    if value is None or value == "":
        return ""
    return moment(from_rfc3339(value) if isinstance(value, str) else value)


TEMPLATE_GLOBALS: dict[str, Callable[..., str]] = {
    "status_word": status_word,
    "flag_word": flag_word,
    "comune_name": comune_name,
    "shop_name": shop_name,
    "when": when,
}
