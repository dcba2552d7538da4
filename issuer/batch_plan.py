"""What a checked batch will do, before it writes anything: for each row, the household it registers (or
finds already registered under its reference), the cards it issues, and who gets none and why.

The plan follows :func:`batch.apply_batch`: a household already registered is taken as stored (its
guardians, children and eligibility), a new one as the file has it; a card goes to the reference person
(``carte`` = ``referente``) or to every guardian (``tutti``) of an eligible household who holds no active
card; without a signing key active in the trust list no card is issued at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cardsvc.platform.storage.database import Database

from .batch import BatchRow
from .eligibility import Failure, check, minors_in
from .households import find_by_ref, get_household, rules_of


@dataclass(frozen=True)
class PlannedRow:
    line: int
    ref: str
    reference_person: str
    others: tuple[str, ...]
    minors: int
    known: bool  # already registered under its reference
    cards: int  # cards the row will issue
    failures: list[Failure] = field(default_factory=list)  # the eligibility rules it fails
    holding: list[str] = field(default_factory=list)  # guardians who already hold an active card


@dataclass(frozen=True)
class BatchPlan:
    rows: list[PlannedRow]
    key_active: bool

    @property
    def new(self) -> int:
        return sum(1 for row in self.rows if not row.known)

    @property
    def known(self) -> int:
        return len(self.rows) - self.new

    @property
    def cards(self) -> int:
        return sum(row.cards for row in self.rows) if self.key_active else 0

    @property
    def ineligible(self) -> int:
        return sum(1 for row in self.rows if row.failures)


def plan_batch(db: Database, istat: str, rows: list[BatchRow], year: int, key_active: bool) -> BatchPlan:
    rules = rules_of(db, istat)
    planned = []
    for row in rows:
        household_id = find_by_ref(db, istat, row.ref)
        stored = None if household_id is None else get_household(db, istat, household_id)
        if stored is None:
            data = row.household
            names = [data.reference_person, *data.other_guardians]
            years, holding_ids = list(data.birth_years), set()
            failures = check(data.resident, years, data.isee_cents, rules, year)
            guardians = [(None, name) for name in names]
        else:
            years = stored["birth_years"]
            failures = check(bool(stored["resident"]), years, stored["isee_cents"], rules, year)
            guardians = [(g["id"], g["name"]) for g in stored["guardians"]]
            holding_ids = {
                r[0]
                for r in db.execute(
                    "select guardian_id from cards where household_id = ? and status = 'active'",
                    [household_id],
                )
            }
        holders = guardians if row.all_guardians else guardians[:1]
        holding = [name for guardian_id, name in holders if guardian_id in holding_ids]
        cards = 0 if failures else len(holders) - len(holding)
        planned.append(
            PlannedRow(
                row.line,
                row.ref,
                guardians[0][1],
                tuple(name for _id, name in guardians[1:]),
                minors_in(years, year),
                stored is not None,
                cards,
                failures,
                holding,
            )
        )
    return BatchPlan(planned, key_active)
