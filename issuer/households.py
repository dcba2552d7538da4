"""Households of one comune: what the office types in, checked field by field, and how it is kept.

``parse_household`` turns the form's (or a CSV row's) text into a :class:`HouseholdInput` or a list of
:class:`FieldError` naming each field and what is wrong with it; the web form and the batch import
share it. The reference person is the first guardian; each guardian may hold a card.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from cardsvc.core.timestamps import to_rfc3339
from cardsvc.platform.euros import parse_euros
from cardsvc.platform.i18n import format_amount
from cardsvc.platform.storage.database import Database

from .eligibility import Failure, Rules, check
from .household_search import refresh as refresh_search

MAX_GUARDIANS = 4
MAX_CHILDREN = 20
NAME_LIMIT = 80
YES = {"1", "si", "sì", "s", "yes", "y", "true", "on", "x"}
NO = {"", "0", "no", "n", "false", "off"}
FORMULA_STARTS = ("=", "+", "-", "@")  # a spreadsheet takes a cell beginning so as a formula
YEAR = re.compile(r"[0-9]{4}")  # ASCII digits only: str.isdigit() takes "²" and "١٢"
DIRECTION_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str  # required | too_long | formula_start | direction_control | control_character | invalid_year
    # | too_many | invalid_amount | invalid_yes_no
    values: dict[str, object] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class HouseholdInput:
    reference_person: str
    other_guardians: tuple[str, ...]
    birth_years: tuple[int, ...]
    address: str
    resident: bool
    isee_cents: int | None


def _name(raw: str, name: str, errors: list[FieldError], required: bool = True) -> str:
    clean = " ".join(raw.split())
    if not clean and required:
        errors.append(FieldError(name, "required"))
    elif len(clean) > NAME_LIMIT:
        errors.append(FieldError(name, "too_long", {"limit": NAME_LIMIT}))
    elif problem := name_problem(clean):
        errors.append(FieldError(name, problem))
    return clean


def name_problem(name: str) -> str | None:
    """Why a person's name cannot be printed on a card or put in a spreadsheet, if so: it begins like a
    formula (``formula_start``), holds a bidirectional control that reorders what is shown
    (``direction_control``), or another invisible control character (``control_character``)."""
    if name.startswith(FORMULA_STARTS):
        return "formula_start"
    if any(char in DIRECTION_CONTROLS for char in name):
        return "direction_control"
    if not name.isprintable():
        return "control_character"
    return None


def _list(raw: str) -> list[str]:
    return [part.strip() for part in raw.replace("\n", ";").replace(",", ";").split(";") if part.strip()]


def parse_household(data: dict[str, str], year: int) -> HouseholdInput | list[FieldError]:
    """Check every field; return the household, or every error at once."""
    errors: list[FieldError] = []
    reference = _name(data.get("reference_person", ""), "reference_person", errors)
    others = tuple(_name(n, "other_guardians", errors) for n in _list(data.get("other_guardians", "")))
    if len(others) + 1 > MAX_GUARDIANS:
        errors.append(FieldError("other_guardians", "too_many", {"limit": MAX_GUARDIANS - 1}))
    years: list[int] = []
    for part in _list(data.get("birth_years", "")):
        if not (YEAR.fullmatch(part) and year - 30 <= int(part) <= year):
            errors.append(FieldError("birth_years", "invalid_year", {"value": part, "year": year}))
        else:
            years.append(int(part))
    if len(years) > MAX_CHILDREN:
        errors.append(FieldError("birth_years", "too_many", {"limit": MAX_CHILDREN}))
    address = " ".join(data.get("address", "").split())
    if not address:
        errors.append(FieldError("address", "required"))
    elif len(address) > 120:
        errors.append(FieldError("address", "too_long", {"limit": 120}))
    resident_text = data.get("resident", "").strip().lower()
    if resident_text not in YES | NO:
        errors.append(FieldError("resident", "invalid_yes_no", {"value": resident_text}))
    isee: int | None = None
    if data.get("isee", "").strip():
        try:
            isee = parse_euros(data["isee"])
        except ValueError:
            errors.append(FieldError("isee", "invalid_amount", {"value": data["isee"].strip()}))
    if errors:
        return errors
    return HouseholdInput(reference, others, tuple(sorted(years)), address, resident_text in YES, isee)


def rules_of(db: Database, istat: str) -> Rules:
    row = db.execute("select min_minors, isee_ceiling_cents from comuni where istat = ?", [istat]).fetchone()
    return Rules(int(row[0] if row and row[0] is not None else 1), row[1] if row else None)


def eligibility(db: Database, household: dict[str, Any], year: int) -> list[Failure]:
    rules = rules_of(db, household["istat"])
    return check(bool(household["resident"]), household["birth_years"], household["isee_cents"], rules, year)


def save_household(
    db: Database,
    istat: str,
    data: HouseholdInput,
    now: int,
    household_id: int | None = None,
    ref: str | None = None,
) -> int:
    """Insert or update a household and its guardians and children, inside the caller's transaction.

    Guardians keep their ids (and so their cards) when only their spelling changes at the same place.
    """
    row = {
        "istat": istat,
        "reference_person": data.reference_person,
        "address": data.address,
        "resident": int(data.resident),
        "isee_cents": data.isee_cents,
        "updated_at": to_rfc3339(now),
    }
    if household_id is None:
        row |= {"created_at": to_rfc3339(now), "ref": ref}
        household_id = int(db.table("households").insert(row).last_pk)
    else:
        db.table("households").update(household_id, row)
    names = [data.reference_person, *data.other_guardians]
    existing = list(
        db.execute("select id from guardians where household_id = ? order by position", [household_id])
    )
    for position, name in enumerate(names):
        if position < len(existing):
            db.execute(
                "update guardians set name = ?, position = ? where id = ?",
                [name, position, existing[position][0]],
            )
        else:
            db.table("guardians").insert({"household_id": household_id, "name": name, "position": position})
    for (stale,) in existing[len(names) :]:
        if not db.execute("select 1 from cards where guardian_id = ?", [stale]).fetchone():
            db.execute("delete from guardians where id = ?", [stale])
        else:
            db.execute(
                "update guardians set position = -1 where id = ?", [stale]
            )  # kept for its card history
    db.execute("delete from minors where household_id = ?", [household_id])
    for born in data.birth_years:
        db.table("minors").insert({"household_id": household_id, "birth_year": born})
    refresh_search(db, household_id)
    return household_id


def get_household(db: Database, istat: str, household_id: int) -> dict[str, Any] | None:
    """The household with its guardians and children's birth years, if it belongs to ``istat``."""
    rows = list(db["households"].rows_where("id = ? and istat = ?", [household_id, istat]))
    if not rows:
        return None
    household = rows[0]
    household["guardians"] = list(
        db["guardians"].rows_where("household_id = ? and position >= 0", [household_id], order_by="position")
    )
    household["birth_years"] = [
        r[0]
        for r in db.execute(
            "select birth_year from minors where household_id = ? order by birth_year", [household_id]
        )
    ]
    return household


def find_by_ref(db: Database, istat: str, ref: str) -> int | None:
    row = db.execute("select id from households where istat = ? and ref = ?", [istat, ref]).fetchone()
    return None if row is None else int(row[0])


def as_form(household: dict[str, Any]) -> dict[str, str]:
    """The household's values as the form shows them for editing."""
    return {
        "reference_person": household["reference_person"],
        "other_guardians": "; ".join(g["name"] for g in household["guardians"][1:]),
        "birth_years": "; ".join(str(y) for y in household["birth_years"]),
        "address": household["address"],
        "resident": "si" if household["resident"] else "no",
        "isee": "" if household["isee_cents"] is None else format_amount(household["isee_cents"], "it"),
    }
