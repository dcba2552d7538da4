"""Renewal reminders: the comune's cards due for renewal, and which families were sent a letter.

A card is *due* when it is active and its last valid day (in Rome) is today or one of the next
``RENEW_DAYS`` days (60), unless its household already holds a newer valid card (an active card issued
after it that ends after it). The list is sorted by expiry. Printing the letters marks the chosen cards'
reminders as sent: one row per card in ``reminders`` (the card, when, which operator; nothing else) and
an audit line per card, in one transaction; a card chosen again is sent again (its row takes the new
time). Unknown cards, cards of another comune, cards not due and an empty choice are refused with
:class:`ReminderRefused` before anything is written. The rows of a household's cards go when the
household is erased, and those of cards no longer due (ended or expired) at every purge
(``retention``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, ClassVar

from cardsvc.core.errors import InvalidInput
from cardsvc.platform.rome_calendar import end_of_day, last_valid_day, rome_day
from cardsvc.platform.storage.database import Database
from cardsvc.platform.storage.transactions import write_transaction

from .audit import record_action

WINDOW_DAYS = 60
MAX_LETTERS = 500  # letters in one print: a PDF a printer takes at once
SHOWS = ("all", "unsent")

_DUE = """
select c.cti, c.number, c.holder, c.expires_at, c.household_id, c.guardian_id,
       h.reference_person, h.address, g.name as guardian, r.sent_at, r.operator as sent_by
from cards c
join households h on h.id = c.household_id
left join guardians g on g.id = c.guardian_id
left join reminders r on r.cti = c.cti
where c.istat = :istat and c.status = 'active' and c.expires_at > :now and c.expires_at <= :until
  and not exists (
    select 1 from cards newer
    where newer.household_id = c.household_id and newer.cti != c.cti and newer.status = 'active'
      and newer.issued_at > c.issued_at and newer.expires_at > c.expires_at
  )
"""


class ReminderRefused(InvalidInput):
    """A choice of cards that cannot be printed; ``code`` says why (``nothing_chosen``, ``not_due``,
    ``too_many``), ``values`` what the words need."""

    code = "reminder_refused"
    MESSAGES: ClassVar[dict[str, str]] = {
        "nothing_chosen": "no card chosen",
        "not_due": "{count} of the cards chosen are not due for renewal in this comune: nothing marked",
        "too_many": "too many cards in one print: {limit} at most",
    }

    def __init__(self, code: str, **values: object) -> None:
        super().__init__(self.MESSAGES[code].format(**values), code=code, details=values)
        self.values = values


@dataclass(frozen=True)
class Window:
    """Cards whose last valid day is from ``today`` through ``days`` days later, in Rome."""

    now: int
    days: int = WINDOW_DAYS

    @property
    def until(self) -> int:
        """The latest ``expires_at`` in the window: the end of the window's last day in Rome."""
        return end_of_day(rome_day(self.now) + timedelta(days=self.days))


def days_left(expires_at: int, now: int) -> int:
    """Calendar days in Rome from today to the card's last valid day (0: it ends today)."""
    return (last_valid_day(expires_at) - rome_day(now)).days


def due_cards(db: Database, istat: str, window: Window, show: str = "all") -> list[dict[str, Any]]:
    """The comune's cards due for renewal, by expiry, with whether and when a reminder was sent;
    ``show="unsent"`` keeps those without one."""
    query = _DUE + (" and r.sent_at is null" if show == "unsent" else "")
    query += " order by c.expires_at, h.sort_name, c.number"
    params = {"istat": istat, "now": window.now, "until": window.until}
    rows = [dict(row) for row in db.query(query, params)]
    for row in rows:
        row["last_day"] = last_valid_day(row["expires_at"])
        row["days_left"] = days_left(row["expires_at"], window.now)
        row["name"] = row["guardian"] or row["holder"]
    return rows


def chosen_cards(db: Database, istat: str, window: Window, ctis: list[str]) -> list[dict[str, Any]]:
    """The due cards named by ``ctis``, in the list's order; refused unless every one is a due card of
    the comune (another comune's cards are as unknown as cards that do not exist)."""
    wanted = list(dict.fromkeys(c.strip() for c in ctis if c.strip()))
    if not wanted:
        raise ReminderRefused("nothing_chosen")
    if len(wanted) > MAX_LETTERS:
        raise ReminderRefused("too_many", limit=MAX_LETTERS)
    due = {row["cti"]: row for row in due_cards(db, istat, window)}
    unknown = [cti for cti in wanted if cti not in due]
    if unknown:
        raise ReminderRefused("not_due", count=len(unknown))
    chosen = set(wanted)
    return [row for cti, row in due.items() if cti in chosen]


def mark_sent(
    db: Database, operator: str, istat: str, ctis: list[str], window: Window
) -> list[dict[str, Any]]:
    """Check the choice (see :func:`chosen_cards`), then record each card's reminder as sent now by
    ``operator``, with an audit line each, in one transaction. Returns the cards."""
    with write_transaction(db):
        cards = chosen_cards(db, istat, window, ctis)
        for card in cards:
            db.table("reminders").upsert({"cti": card["cti"], "sent_at": window.now, "operator": operator})
            record_action(db, operator, istat, "remind", card["number"], "", window.now)
    return cards


def sent_together(db: Database, istat: str, operator: str, sent_at: int) -> list[dict[str, Any]]:
    """The comune's cards whose reminder ``operator`` marked sent at ``sent_at`` (one print), by expiry;
    still listed when they were renewed since."""
    query = """
        select c.cti, c.number, c.holder, c.expires_at, c.household_id, h.reference_person, h.address,
               g.name as guardian, r.sent_at, r.operator as sent_by
        from reminders r
        join cards c on c.cti = r.cti
        join households h on h.id = c.household_id
        left join guardians g on g.id = c.guardian_id
        where c.istat = ? and r.operator = ? and r.sent_at = ?
        order by c.expires_at, h.sort_name, c.number
    """
    rows = [dict(row) for row in db.query(query, [istat, operator, sent_at])]
    for row in rows:
        row["name"] = row["guardian"] or row["holder"]
    return rows


def by_household(cards: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The cards grouped by household, in the order of each household's first card: one letter each."""
    groups: dict[int, list[dict[str, Any]]] = {}
    for card in cards:
        groups.setdefault(card["household_id"], []).append(card)
    return list(groups.values())


def forget_household(db: Database, household_id: int) -> None:
    """Delete the reminder rows of a household's cards, inside the caller's transaction (erasure)."""
    db.execute(
        "delete from reminders where cti in (select cti from cards where household_id = ?)", [household_id]
    )


def forget_ended(db: Database, now: int) -> int:
    """Delete the reminder rows of cards that are no longer due (ended or expired): nothing needs them."""
    with write_transaction(db):
        cursor = db.execute(
            "delete from reminders where cti in "
            "(select cti from cards where status != 'active' or expires_at <= ?)",
            [now],
        )
    return int(cursor.rowcount)
