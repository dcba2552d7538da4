"""Cheap syncs: the till sends the ETag of the last answer it took; while nothing changed at the central
service it is told so (304, no body), keeps its lists as they are and verifies cards as before. Each
till's background interval varies, so tills started together do not sync in step."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from merchant_kiosk import store
from merchant_kiosk.schema import open_database
from tests.functional.conftest import Central
from tests.functional.kiosk.conftest import Call, RecordingTransport, Till, in_process_transport
from tests.functional.kiosk.test_verdicts import shown_verdict

pytestmark = pytest.mark.functional

SYNC = "/api/v1/kiosk/sync"
LIST_KEYS = (
    "trust_list",
    "trust_version",
    "revocation_version",
    "revocation_issued_at",
    "merchant",
    "sync_etag",
)


def recorded_till(make_till: Callable[..., Till], central: Central) -> tuple[Till, RecordingTransport]:
    transport = RecordingTransport(in_process_transport(central.client))
    till = make_till(TRANSPORT=transport)
    transport.calls.clear()
    return till, transport


def synced(till: Till, transport: RecordingTransport) -> tuple[dict[str, Any], Call]:
    """One sync round of ``till``: its result, and its one call for the lists."""
    transport.calls.clear()
    result = till.sync()
    [call] = transport.to(SYNC)
    return result, call


def verdict(till: Till, card: str) -> str:
    till.clock.now += 10  # past the repeat-scan window
    return shown_verdict(till.scan(card).get_data(as_text=True))


def test_a_second_sync_with_nothing_changed_gets_a_304_and_no_list(
    make_till: Callable[..., Till], central: Central
) -> None:
    till, transport = recorded_till(make_till, central)
    first, call = synced(till, transport)
    assert call.status == 200 and call.if_none_match is None and call.size > 500 and not first["unchanged"]
    tag = store.get(open_database(str(till.instance / "kiosk.db")), "sync_etag")
    for _ in range(2):
        result, call = synced(till, transport)
        assert (call.status, call.size, call.if_none_match) == (304, 0, tag)
        assert result["unchanged"] and result["entries"] == 0
        assert result["revocation_version"] == first["revocation_version"]


def test_after_a_revocation_the_sync_comes_back_full_with_a_new_etag(
    make_till: Callable[..., Till], central: Central
) -> None:
    till, transport = recorded_till(make_till, central)
    card, other = central.card(), central.card(holder="MARIO ROSSI")
    till.sync()
    assert synced(till, transport)[1].status == 304
    central.revoke(card, "stolen")
    result, call = synced(till, transport)
    assert call.status == 200 and call.size > 0 and result["entries"] == 1
    new_tag = store.get(open_database(str(till.instance / "kiosk.db")), "sync_etag")
    assert new_tag != call.if_none_match
    assert verdict(till, card) == "REVOKED" and verdict(till, other) == "ACCEPTED"
    call = synced(till, transport)[1]
    assert (call.status, call.if_none_match) == (304, new_tag)


@pytest.mark.parametrize("held", ['"AAAAAAAAAAAAAAAAAAAAAAAA"', "garbage", "W/", ""])
def test_a_stale_or_garbage_etag_gets_the_full_answer(
    make_till: Callable[..., Till], central: Central, held: str
) -> None:
    till, transport = recorded_till(make_till, central)
    till.sync()
    db = open_database(str(till.instance / "kiosk.db"))
    current = store.get(db, "sync_etag")
    store.put(db, "sync_etag", held)
    call = synced(till, transport)[1]
    assert call.status == 200 and call.size > 0
    assert store.get(db, "sync_etag") == current
    assert verdict(till, central.card()) == "ACCEPTED"


def watch_list_writes(instance: Path) -> Callable[[], list[str]]:
    """Triggers in the till's database that note every write to its lists and offers."""
    db = open_database(str(instance / "kiosk.db"))
    keys = ", ".join(f"'{key}'" for key in LIST_KEYS)
    db.executescript(
        f"""
        create table written (what text);
        create trigger offers_written after insert on offers begin insert into written values ('offers'); end;
        create trigger revocations_written after insert on revocations
            begin insert into written values ('revocations'); end;
        create trigger lists_written after insert on kv when new.key in ({keys})
            begin insert into written values (new.key); end;
        """
    )
    return lambda: [row[0] for row in db.execute("select what from written")]


def test_the_till_verifies_as_before_after_a_304_round(
    make_till: Callable[..., Till], central: Central
) -> None:
    till, transport = recorded_till(make_till, central)
    revoked, valid = central.card(), central.card(holder="MARIO ROSSI")
    central.revoke(revoked)
    till.sync()
    written = watch_list_writes(till.instance)
    till.clock.now += 3600
    result, call = synced(till, transport)
    assert call.status == 304 and result["unchanged"]
    assert written() == []  # nothing verified again, nothing rewritten
    assert verdict(till, valid) == "ACCEPTED"
    assert verdict(till, revoked) == "REVOKED"
    page = till.client.get("/").get_data(as_text=True)
    assert 'id="offline-banner" class="banner" hidden' in page  # the round counts as a sync


def test_a_304_still_raises_the_clock_floor(make_till: Callable[..., Till], central: Central) -> None:
    till, transport = recorded_till(make_till, central)
    till.sync()
    central.app.config["CLOCK"].now += 300  # the server's clock is five minutes ahead of the till's
    assert synced(till, transport)[1].status == 304
    till.clock.now += 10
    assert verdict(till, central.card()) == "CLOCK_INVALID"


def test_each_tills_background_interval_varies_by_a_fifth(make_till: Callable[..., Till]) -> None:
    from merchant_kiosk.background import start_background_sync

    till = make_till()
    till.app.config.update(SYNC_IN_BACKGROUND=True, SYNC_INTERVAL=60)
    loop = start_background_sync(till.app)
    assert loop is not None
    try:
        assert loop.failures == 0
        delays = [loop.next_delay() for _ in range(400)]
        assert all(48 <= delay <= 72 for delay in delays)
        assert min(delays) < 52 and max(delays) > 68  # spread over the whole range, not in step
    finally:
        loop.stop()
        loop.join(5)
