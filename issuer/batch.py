"""Batch issuance from a CSV file: check every row first, report every error with its line, then register
the households and issue their cards, safely re-runnable.

Columns (header row required; ``;``, ``,`` or tab between columns; any of the encodings Excel saves in,
see ``csv_reading``):

======================  ==========================================================================
``riferimento``         the office's own reference for the household, unique in the file (required)
``referente``           the reference person, who gets a card (required)
``altri_genitori``      other parents or guardians, separated by ``/`` or ``;`` (optional)
``anni_nascita_figli``  the children's birth years, separated by ``/`` (for example ``2015/2019``)
``indirizzo``           the address in the comune (required)
``residente``           ``si`` or ``no``
``isee``                ISEE value in euros, where the comune's rules ask for it (optional)
``carte``               ``referente`` (default): a card for the reference person; ``tutti``: for
                        every parent or guardian
======================  ==========================================================================

A household already registered under the same ``riferimento`` is not registered again, and a guardian
who already holds an active card gets no second one: running the same file twice issues nothing twice.
Each row (the household and its cards) is stored in one transaction. Values are kept as written: ``/``
separates items in the two list columns only (an address "Via Roma 12/A" stays so).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from cardsvc.platform.storage.database import Database
from cardsvc.platform.storage.transactions import write_transaction

from .audit import record_action
from .cards import CardRefused, Office, issue_locked
from .csv_reading import CsvUnreadable, read_rows
from .households import (
    FieldError,
    HouseholdInput,
    find_by_ref,
    get_household,
    parse_household,
    save_household,
)

COLUMNS = (
    "riferimento",
    "referente",
    "altri_genitori",
    "anni_nascita_figli",
    "indirizzo",
    "residente",
    "isee",
    "carte",
)
REQUIRED = ("riferimento", "referente", "indirizzo", "residente")
FIELD_OF = {
    "reference_person": "referente",
    "other_guardians": "altri_genitori",
    "birth_years": "anni_nascita_figli",
    "address": "indirizzo",
    "resident": "residente",
    "isee": "isee",
}
LIST_COLUMNS = ("altri_genitori", "anni_nascita_figli")  # items separated by "/"
MAX_ROWS = 5000


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    code: str
    values: dict[str, object] = field(default_factory=dict)
    ref: str = ""  # the row's riferimento, when it has one


@dataclass(frozen=True)
class BatchRow:
    line: int
    ref: str
    household: HouseholdInput
    all_guardians: bool


class Skipped(NamedTuple):
    """A holder the batch did not issue a card to, and why (a ``CardRefused`` code)."""

    line: int
    holder: str
    code: str
    guardian_id: int


@dataclass
class BatchResult:
    households_new: int = 0
    households_known: int = 0
    cards: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def parse_batch(data: bytes, year: int) -> tuple[list[BatchRow], list[RowError]]:
    """Every row checked; the rows are good only when the error list is empty."""
    try:
        lines = read_rows(data)
    except CsvUnreadable as unreadable:
        return [], [RowError(unreadable.line, "", unreadable.code)]
    header = [name.strip().lower() for name in (lines[0] if lines else [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        return [], [RowError(1, ", ".join(missing), "missing_columns")]
    unknown = [name for name in header if name and name not in COLUMNS]
    if unknown:
        return [], [RowError(1, ", ".join(unknown), "unknown_columns")]
    rows: list[BatchRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for number, cells in enumerate(lines[1:], start=2):
        if number - 1 > MAX_ROWS:
            errors.append(RowError(number, "", "too_many_rows", {"limit": MAX_ROWS}))
            break
        values = {name: cell.strip() for name, cell in zip(header, cells, strict=False)}
        if not any(cell.strip() for cell in cells):
            continue  # an empty line
        ref = values.get("riferimento", "")
        if len(cells) > len(header):
            errors.append(RowError(number, "", "extra_cells", ref=ref))
            continue
        if not ref:
            errors.append(RowError(number, "riferimento", "required"))
        elif ref in seen:
            errors.append(RowError(number, "riferimento", "duplicate_ref", {"first": seen[ref]}, ref))
        seen.setdefault(ref, number)
        cards = values.get("carte", "").lower() or "referente"
        if cards not in ("referente", "tutti"):
            errors.append(RowError(number, "carte", "invalid_cards", {"value": cards}, ref))
        form = {ours: _cell(values, theirs) for ours, theirs in FIELD_OF.items()}
        parsed = parse_household(form, year)
        if isinstance(parsed, list):
            errors += [_row_error(number, e, ref) for e in parsed]
        elif ref:
            rows.append(BatchRow(number, ref, parsed, cards == "tutti"))
    if not rows and not errors:
        errors.append(RowError(0, "", "no_rows"))
    return rows, errors


def _cell(values: dict[str, str], column: str) -> str:
    """The cell as the household form takes it: the list columns' ``/`` becomes the form's ``;``."""
    value = values.get(column, "")
    return value.replace("/", ";") if column in LIST_COLUMNS else value


def _row_error(line: int, error: FieldError, ref: str) -> RowError:
    return RowError(line, FIELD_OF[error.field], error.code, error.values, ref)


def apply_batch(
    db: Database,
    office: Office,
    operator: str,
    istat: str,
    rows: list[BatchRow],
    now: Callable[[], int],
    progress: Callable[[int, int], None] = lambda done, total: None,
    result: BatchResult | None = None,
    start: int = 0,
) -> BatchResult:
    """Register and issue row by row; a row's refusal (not eligible, no active key) is reported, not fatal.

    ``progress(done, total)`` is called inside each row's transaction, so what it writes is stored with the
    row or not at all. A batch that stopped goes on from ``start`` (the rows done), adding to ``result``.
    """
    result = BatchResult() if result is None else result
    for done, row in enumerate(rows[start:], start=start + 1):
        with write_transaction(db):
            household_id = find_by_ref(db, istat, row.ref)
            if household_id is None:
                household_id = save_household(db, istat, row.household, now(), ref=row.ref)
                detail = f"batch line {row.line}"
                record_action(db, operator, istat, "register", f"household {household_id}", detail, now())
                result.households_new += 1
            else:
                result.households_known += 1
            household = get_household(db, istat, household_id)
            assert household is not None
            holders = household["guardians"] if row.all_guardians else household["guardians"][:1]
            for guardian in holders:
                try:
                    result.cards.append(
                        issue_locked(db, office, operator, istat, household_id, guardian["id"], now())
                    )
                except CardRefused as refused:  # raised before its card wrote anything: the row goes on
                    result.skipped.append(Skipped(row.line, guardian["name"], refused.code, guardian["id"]))
            progress(done, len(rows))
    return result
