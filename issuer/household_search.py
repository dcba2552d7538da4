"""Finding a household of one comune: by the words of a name, an address or the office's reference, typed
with or without accents and in any case, or by the number of one of its cards.

Text is compared folded (:func:`fold`: Unicode NFKD, combining marks dropped, case folded), so "Vigano"
finds "Viganò" and "perego" finds "Pèrego". Each household keeps its folded words in ``search_text``
(the names of its guardians, its address and reference, one a line) and its reference person's folded
name in ``sort_name``, both rewritten whenever the household is saved (:func:`refresh`). Every word
typed must be found, in any order, in those. A query that reads as (a part of at least six
characters of) a card number, with or without its hyphens and spaces, also finds the household of any of
its cards, active or not, and says which card. Results are in the order of the reference person's name as
written (folded), then of registration, a page at a time with the total count.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from cardsvc.platform.storage.database import Database

QUERY_LIMIT = 100
CARD_FRAGMENT = 6  # characters of a card number, at least, for a search by number
_CARD_CHARACTERS = re.compile(r"[0-9A-HJKMNP-TV-Z]+")  # Crockford's Base32, as printed on cards
_CROCKFORD_ALIASES = str.maketrans({"I": "1", "L": "1", "O": "0"})


def fold(text: str | None) -> str:
    """``text`` for comparison: compatibility-decomposed, without accents, case folded."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def refresh(db: Database, household_id: int) -> None:
    """Rewrite the household's ``search_text`` and ``sort_name`` (inside the caller's transaction)."""
    household = db.execute(
        "select reference_person, address, ref from households where id = ?", [household_id]
    ).fetchone()
    names = [
        row[0]
        for row in db.execute(
            "select name from guardians where household_id = ? and position >= 0 order by position",
            [household_id],
        )
    ]
    text = "\n".join(fold(part) for part in [household[0], *names, household[1], household[2] or ""])
    db.execute(
        "update households set search_text = ?, sort_name = ? where id = ?",
        [text, fold(household[0]), household_id],
    )


def card_fragment(text: str) -> str | None:
    """The card number (or a part of it) ``text`` reads as: without spaces and hyphens, upper case, I and L
    read as 1 and O as 0; None when it cannot be one."""
    compact = re.sub(r"[\s\-]", "", text).upper().translate(_CROCKFORD_ALIASES)
    if len(compact) < CARD_FRAGMENT or not _CARD_CHARACTERS.fullmatch(compact):
        return None
    return compact


@dataclass(frozen=True)
class Query:
    text: str
    words: tuple[str, ...]
    card: str | None

    @classmethod
    def of(cls, text: str) -> Query:
        clean = " ".join(text.split())
        return cls(clean, tuple(fold(clean).split()), card_fragment(clean))


_NUMBER = "replace(c.number, '-', '')"


def _where(db: Database, istat: str, query: Query) -> tuple[str, list[Any]]:
    word = db.contains("h.search_text")
    card = f"exists (select 1 from cards c where c.household_id = h.id and {db.contains(_NUMBER)})"
    words = " and ".join([word] * len(query.words)) or "1 = 1"
    params: list[Any] = [istat]
    params += query.words
    if query.card is None:
        return f"h.istat = ? and {words}", params
    return f"h.istat = ? and (({words}) or {card})", [*params, query.card]


def count(db: Database, istat: str, query: Query) -> int:
    where, params = _where(db, istat, query)
    return int(db.execute(f"select count(*) from households h where {where}", params).fetchone()[0])


def search(db: Database, istat: str, query: Query, offset: int, limit: int) -> list[dict[str, Any]]:
    """A page of the households of ``istat`` that ``query`` finds: id, reference person, other guardians,
    address, reference, active cards, and the card whose number was typed (cti, number, status) if any."""
    where, params = _where(db, istat, query)
    card = (
        f"(select c.{{}} from cards c where c.household_id = h.id and {db.contains(_NUMBER)} "
        "order by c.issued_at desc limit 1)"
    )
    matched = [card.format(column) for column in ("cti", "number", "status")] if query.card else ["null"] * 3
    holders = (
        "(select string_agg(g.name, ', ' order by g.position) from guardians g "
        " where g.household_id = h.id and g.position > 0), "
        if db.postgres
        else "(select group_concat(name, ', ') from (select g.name from guardians g "
        " where g.household_id = h.id and g.position > 0 order by g.position)), "
    )
    sql = (
        "select h.id, h.reference_person, h.address, h.ref, "
        f"{holders}"
        "(select count(*) from cards c where c.household_id = h.id and c.status = 'active'), "
        f"{', '.join(matched)} from households h where {where} "
        "order by h.sort_name, h.id limit ? offset ?"
    )
    card_params = [query.card] * 3 if query.card else []
    names = ("id", "reference_person", "address", "ref", "others", "cards", "card_cti", "card_number")
    rows = db.execute(sql, [*card_params, *params, limit, offset])
    return [dict(zip((*names, "card_status"), row, strict=True)) for row in rows]
