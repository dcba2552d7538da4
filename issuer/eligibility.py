"""Who may have a Family Card: each comune's rules, checked on a household, with the rule it fails.

Every comune requires residency and at least ``min_minors`` minor children (default one); a comune may
also set an ISEE ceiling. Minor children are known by birth year only (the office keeps no birth
dates): a child counts as minor through the calendar year before the one in which they turn 18.
Pure functions: no database, no web.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rules:
    min_minors: int = 1
    isee_ceiling_cents: int | None = None


@dataclass(frozen=True)
class Failure:
    code: str  # not_resident | too_few_minors | isee_missing | isee_above_ceiling
    values: dict[str, object]


def minors_in(birth_years: list[int], year: int) -> int:
    """Children still minor for all of ``year``."""
    return sum(1 for born in birth_years if year - 18 < born <= year)


def check(
    resident: bool, birth_years: list[int], isee_cents: int | None, rules: Rules, year: int
) -> list[Failure]:
    """Every rule the household fails; empty when it is eligible."""
    failures = []
    if not resident:
        failures.append(Failure("not_resident", {}))
    minors = minors_in(birth_years, year)
    if minors < rules.min_minors:
        failures.append(Failure("too_few_minors", {"needed": rules.min_minors, "found": minors}))
    if rules.isee_ceiling_cents is not None:
        if isee_cents is None:
            failures.append(Failure("isee_missing", {"ceiling": rules.isee_ceiling_cents}))
        elif isee_cents > rules.isee_ceiling_cents:
            failures.append(Failure("isee_above_ceiling", {"ceiling": rules.isee_ceiling_cents}))
    return failures
