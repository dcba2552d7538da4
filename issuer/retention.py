"""Personal data kept no longer than needed at the comune office.

- A household whose last card ended more than ``HOUSEHOLD_RETENTION`` ago (24 months), or that never
  had a card and has not changed for as long, is erased: the household, its guardians and children's
  birth years go; its cards keep only what the accounts of the discounts given need (cti, number,
  comune, key, dates, status, number of minors), without the holder's name, the QR text or a link to
  the household; the audit lines about it lose the names they held.
- The renewal reminders sent for a household's cards go with the household; those of cards no longer
  due (ended or expired) at every purge.
- One household is erased on request (GDPR art. 17) at any time, once it holds no card still valid.
- Uploaded batch CSVs and the A4 sheets made from them go after ``BATCH_FILE_RETENTION`` (30 days).

Every erasure adds an audit line ``erase`` / ``household <id>`` / ``retention`` or ``request``: no
personal data. Deletions run with SQLite's ``secure_delete`` and end with a truncated write-ahead log,
so no copy of the erased rows stays in the database files. ``familycard issuer purge`` and the
household page's erase button are thin wrappers around :func:`purge` and :func:`erase_household`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cardsvc.core.errors import Conflict
from cardsvc.core.timestamps import from_rfc3339
from cardsvc.platform.durations import Duration
from cardsvc.platform.storage.database import Database
from cardsvc.platform.storage.transactions import write_transaction

from .audit import record_action
from .reminders import forget_ended, forget_household

HOUSEHOLD_RETENTION = Duration(months=24)
BATCH_FILE_RETENTION = Duration(seconds=30 * 86_400)
_LAST_END = (
    "select h.id, h.istat, h.updated_at, max(coalesce(c.ended_at, c.expires_at)), count(c.cti) "
    "from households h left join cards c on c.household_id = h.id"
)


class ErasureRefused(Conflict, ValueError):
    """A household that cannot be erased; ``code`` is ``unknown_household`` or ``active_card``."""

    code = "erasure_refused"

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, code=code)


@dataclass(frozen=True)
class Ended:
    """A household to erase: when its last card ended (or it last changed, without cards)."""

    id: int
    istat: str
    ended_at: int
    cards: int


@dataclass
class PurgePlan:
    households: list[Ended] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    applied: bool = False


def _ended(row: tuple[int, str, str, int | None, int]) -> Ended:
    household_id, istat, updated_at, last_card_end, cards = row
    ended = last_card_end if cards else from_rfc3339(updated_at)
    return Ended(household_id, istat, int(ended or 0), cards)


def ended_households(db: Database, now: int, keep: Duration = HOUSEHOLD_RETENTION) -> list[Ended]:
    """Households whose last card ended (or, without cards, that last changed) more than ``keep`` ago."""
    cutoff = keep.before(now)
    rows = db.execute(f"{_LAST_END} group by h.id order by h.id").fetchall()
    return [ended for ended in map(_ended, rows) if ended.ended_at < cutoff]


def requested_household(db: Database, household_id: int, now: int, istat: str | None = None) -> Ended:
    """The household to erase on request; raises :class:`ErasureRefused` when it cannot be."""
    row = db.execute(f"{_LAST_END} where h.id = ? group by h.id", [household_id]).fetchone()
    if row is None or (istat is not None and row[1] != istat):
        raise ErasureRefused("unknown_household", f"household {household_id} is not in this office")
    valid = db.execute(
        "select number from cards where household_id = ? and status = 'active' and expires_at > ?",
        [household_id, now],
    ).fetchone()
    if valid is not None:
        raise ErasureRefused(
            "active_card",
            f"household {household_id} holds an active card ({valid[0]}): revoke it first, then erase",
        )
    return _ended(row)


def erase_household(
    db: Database, household_id: int, operator: str, reason: str, now: int, istat: str | None = None
) -> Ended:
    """Erase one household in one transaction (see the module's description); ``reason`` is
    ``retention`` or ``request``. Raises :class:`ErasureRefused` and changes nothing when it cannot."""
    with write_transaction(db):
        household = requested_household(db, household_id, now, istat)
        numbers = [
            r[0] for r in db.execute("select number from cards where household_id = ?", [household_id])
        ]
        subject = f"household {household_id}"
        db.execute("update audit set detail = '' where subject = ?", [subject])
        if numbers:
            marks = ", ".join("?" * len(numbers))
            db.execute(
                f"update audit set detail = '' where action = 'issue' and subject in ({marks})", numbers
            )
        forget_household(db, household_id)
        db.execute(
            "update cards set holder = null, qr = null, household_id = null, guardian_id = null "
            "where household_id = ?",
            [household_id],
        )
        for table in ("guardians", "minors"):
            db.execute(f"delete from {table} where household_id = ?", [household_id])
        db.execute("delete from households where id = ?", [household_id])
        record_action(db, operator, household.istat, "erase", subject, reason, now)
    return household


def old_batch_files(instance: Path, now: int, keep: Duration = BATCH_FILE_RETENTION) -> list[Path]:
    """Uploaded CSVs and A4 sheets in ``batches/`` last written more than ``keep`` ago."""
    folder = instance / "batches"
    cutoff = keep.before(now)
    found = folder.iterdir() if folder.is_dir() else iter(())
    return sorted(p for p in found if p.is_file() and p.stat().st_mtime < cutoff)


def delete_old_batch_files(instance: Path, now: int, keep: Duration = BATCH_FILE_RETENTION) -> int:
    """Delete what :func:`old_batch_files` finds (the served office does it every background round)."""
    found = old_batch_files(instance, now, keep)
    for path in found:
        path.unlink(missing_ok=True)
    return len(found)


def purge(
    db: Database,
    instance: Path,
    now: int,
    households: Duration = HOUSEHOLD_RETENTION,
    files: Duration = BATCH_FILE_RETENTION,
    apply: bool = False,
    household_id: int | None = None,
    operator: str = "retention",
) -> PurgePlan:
    """What goes (a dry run), or, with ``apply``, erase it. With ``household_id``, that household only,
    on request; otherwise every ended household and the old batch files."""
    if household_id is not None:
        plan = PurgePlan([requested_household(db, household_id, now)])
    else:
        plan = PurgePlan(ended_households(db, now, households), old_batch_files(instance, now, files))
    if not apply:
        return plan
    reason = "retention" if household_id is None else "request"
    if db.postgres:  # the erased rows' space is made free for reuse at once (docs/deploy.md)
        _erase(db, plan, operator, reason, now)
        db.execute("vacuum")
    else:  # SQLite overwrites what it deletes, and the WAL is emptied
        db.execute("PRAGMA secure_delete = ON")
        try:
            _erase(db, plan, operator, reason, now)
        finally:
            db.execute("PRAGMA secure_delete = OFF")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for path in plan.files:
        path.unlink(missing_ok=True)
    plan.applied = True
    return plan


def _erase(db: Database, plan: PurgePlan, operator: str, reason: str, now: int) -> None:
    for ended in plan.households:
        erase_household(db, ended.id, operator, reason, now)
    forget_ended(db, now)
