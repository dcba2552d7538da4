"""The till's ledger is a hash chain: the central service sees a record deleted, altered or reordered
on the till, refuses what follows the break and raises a chain_break flag."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from merchant_kiosk.schema import open_database
from tests.functional.kiosk.conftest import Till

pytestmark = pytest.mark.functional


def three_redemptions(till: Till) -> None:
    for amount in ("10", "20", "30"):
        till.clock.now += 30
        assert till.redeem(till.central.card(), amount).status_code == 303


def sync_results(till: Till) -> list[tuple[int, str, str | None]]:
    till.sync()
    db = open_database(str(till.instance / "kiosk.db"))
    return [tuple(row) for row in db.execute("select seq, result, reason from ledger order by seq")]  # type: ignore[misc]


def chain_problem(till: Till) -> str | None:
    """The chain refusal the till shows (its records stay pending until the network re-anchors it)."""
    from merchant_kiosk import store

    problem = store.get(open_database(str(till.instance / "kiosk.db")), "chain_problem")
    return None if problem is None else str(problem["reason"])


def chain_flags(till: Till) -> list[dict]:  # type: ignore[type-arg]
    flags = till.central.client.get("/api/v1/admin/flags", headers=till.central.admin()).json["flags"]
    return [f for f in flags if f["kind"] == "chain_break"]


def test_untouched_ledger_is_accepted_whole(till: Till) -> None:
    three_redemptions(till)
    assert [r[1] for r in sync_results(till)] == ["accepted"] * 3
    assert chain_flags(till) == []


def test_deleted_record_breaks_the_chain(make_till: Callable[..., Till]) -> None:
    till = make_till()
    three_redemptions(till)
    db = open_database(str(till.instance / "kiosk.db"))
    db.execute("delete from ledger where seq = 2")
    results = sync_results(till)
    assert results == [(1, "accepted", None), (3, None, None)]  # record 3 stays pending
    assert chain_problem(till) == "chain_gap"
    assert len(chain_flags(till)) == 1


def test_altered_record_breaks_the_chain(make_till: Callable[..., Till]) -> None:
    till = make_till()
    three_redemptions(till)
    db = open_database(str(till.instance / "kiosk.db"))
    record = json.loads(db.execute("select record from ledger where seq = 2").fetchone()[0])
    record["discount_cents"] = 1999  # a bigger discount written in afterwards
    db.execute("update ledger set record = ? where seq = 2", [json.dumps(record)])
    results = sync_results(till)
    assert [r[1] for r in results[:2]] == ["accepted", "accepted"]  # record 2 alone cannot show it
    assert results[2] == (3, None, None)  # the next record carries the true hash: refused, kept pending
    assert chain_problem(till) == "chain_fork"
    assert len(chain_flags(till)) == 1


def test_reordered_records_break_the_chain(make_till: Callable[..., Till]) -> None:
    till = make_till()
    three_redemptions(till)
    db = open_database(str(till.instance / "kiosk.db"))
    db.execute("update ledger set seq = -seq where seq in (2, 3)")
    db.execute("update ledger set seq = 3 where seq = -2")
    db.execute("update ledger set seq = 2 where seq = -3")
    results = sync_results(till)
    assert results[0][1] == "accepted" and {r[1] for r in results[1:]} == {None}
    assert chain_problem(till) == "chain_gap"  # record 3 stands where 2 was due
    assert len(chain_flags(till)) == 1
