"""Sync against the real central app through unreliable transports: requests lost, answers lost, slow
answers, requests delivered twice. Whatever happens, the central totals equal the till's exactly."""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Mapping

import pytest

from cardsvc.central.schema import open_database as open_central
from merchant_kiosk.central_client import CentralUnavailable, Transport
from merchant_kiosk.schema import open_database
from tests.functional.conftest import Central
from tests.functional.kiosk.conftest import Till, in_process_transport

pytestmark = pytest.mark.functional


class Unreliable:
    """Wraps the in-process transport; ``mode`` says how it misbehaves."""

    def __init__(self, mode: str, seed: int = 7) -> None:
        self.mode = mode
        self.random = random.Random(seed)
        self.inner: Transport | None = None
        self.calls = 0
        self.failures = 0

    def __call__(
        self, method: str, url: str, headers: dict[str, str], body: bytes | None
    ) -> tuple[int, bytes, Mapping[str, str]]:
        assert self.inner is not None
        self.calls += 1
        if self.mode == "down":
            raise ConnectionRefusedError("central service down")
        if self.mode == "half" and self.random.random() < 0.5:
            self.failures += 1
            if self.random.random() < 0.5:
                raise ConnectionResetError("request lost on the way")
            self.inner(method, url, headers, body)  # the server did the work...
            raise TimeoutError("...but the answer was lost")
        if self.mode == "slow":
            time.sleep(0.02)
            if self.random.random() < 0.3:
                self.failures += 1
                self.inner(method, url, headers, body)
                raise TimeoutError("answered after the client gave up")
        if self.mode == "twice":
            self.inner(method, url, headers, body)  # delivered twice; the client sees the second answer
        if self.mode == "server_errors" and self.random.random() < 0.5:
            self.failures += 1
            return 503, b'{"error": {"code": "unavailable", "message": "busy"}}', {}
        return self.inner(method, url, headers, body)


def unreliable_till(make_till: Callable[..., Till], central: Central, mode: str) -> tuple[Till, Unreliable]:
    transport = Unreliable("ok")
    transport.inner = in_process_transport(central.client)
    till = make_till(TRANSPORT=transport, SYNC_BATCH=7)
    transport.mode = mode
    return till, transport


def till_records(till: Till, count: int) -> dict[str, int]:
    """``count`` redemptions on different cards, every fifth voided; the till's own totals."""
    for number in range(count):
        till.clock.now += 5
        response = till.redeem(till.central.card(holder=f"FAMIGLIA {number}"), f"{10 + number},50")
        assert response.status_code == 303
        if number % 5 == 0:
            assert till.post(response.headers["Location"].replace("/receipt/", "/void/")).status_code == 303
    db = open_database(str(till.instance / "kiosk.db"))
    row = db.execute(
        "select count(*), sum(amount_cents), sum(discount_cents) from live_redemptions"
    ).fetchone()
    records = db.execute("select count(*) from ledger").fetchone()[0]
    return {"records": records, "redemptions": row[0], "spend_cents": row[1], "discount_cents": row[2]}


def sync_until_done(till: Till, attempts: int = 200) -> int:
    failures = 0
    for _ in range(attempts):
        try:
            if till.sync()["pending"] == 0:
                return failures
        except CentralUnavailable:
            failures += 1
    raise AssertionError(f"still pending after {attempts} attempts")


def central_totals(till: Till) -> dict[str, int]:
    db = open_central(str(till.central.instance / "central.db"))
    records = db.execute("select count(*) from redemptions").fetchone()[0]
    statuses = {s for (s,) in db.execute("select distinct status from redemptions")}
    assert statuses <= {"accepted"}, statuses
    return {"records": records, **till.central.totals()}


@pytest.mark.parametrize("mode", ["half", "slow", "twice", "server_errors"])
def test_totals_equal_exactly_whatever_the_network_does(
    make_till: Callable[..., Till], central: Central, mode: str
) -> None:
    till, transport = unreliable_till(make_till, central, mode)
    expected = till_records(till, 40)
    failures = sync_until_done(till)
    assert central_totals(till) == expected
    if mode != "twice":
        assert failures > 0 and transport.failures > 0  # the network really did misbehave
    transport.mode = "twice"
    till.sync()  # one more round, delivered twice, sends nothing again
    assert central_totals(till) == expected


def test_days_offline_then_everything_arrives_once(make_till: Callable[..., Till], central: Central) -> None:
    till, transport = unreliable_till(make_till, central, "down")
    expected = till_records(till, 12)
    for _ in range(3):
        with pytest.raises(CentralUnavailable):
            till.sync()
        till.clock.now += 86_400
    page = till.client.get("/").get_data(as_text=True)
    assert re.search(r'id="pending-count">\s*15\s*<', page) and "Senza collegamento" in page
    assert re.search(r'id="offline-banner" class="banner"\s*>', page)  # shown, not hidden
    assert central_totals(till)["records"] == 0
    transport.mode = "ok"
    till.clock.now += 60
    result = till.sync()
    assert result["pending"] == 0 and result["pushed"] == 15
    assert central_totals(till) == expected
    page = till.client.get("/").get_data(as_text=True)
    assert (
        re.search(r'id="pending-count">\s*0\s*<', page)
        and 'id="offline-banner" class="banner" hidden' in page
    )


def test_sync_records_server_time_as_the_clock_floor(
    make_till: Callable[..., Till], central: Central
) -> None:
    till, _transport = unreliable_till(make_till, central, "ok")
    till.central.app.config["CLOCK"].now += 7200  # the server's clock is two hours ahead
    till.sync()
    page = till.scan(till.central.card()).get_data(as_text=True)
    assert 'data-verdict="CLOCK_INVALID"' in page


def test_the_background_loop_backs_off_and_recovers(make_till: Callable[..., Till], central: Central) -> None:
    from merchant_kiosk.background import start_background_sync

    till, transport = unreliable_till(make_till, central, "down")
    till_records(till, 3)
    till.app.config.update(SYNC_IN_BACKGROUND=True, SYNC_INTERVAL=0.05, SYNC_MAX_BACKOFF=0.2)
    loop = start_background_sync(till.app)
    assert loop is not None
    try:
        deadline = time.monotonic() + 10
        while loop.failures < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert loop.failures >= 3
        delays = [loop.next_delay() for _ in range(20)]
        assert all(0.1 <= d <= 0.2 for d in delays) and len(set(delays)) > 1  # capped, with jitter
        transport.mode = "ok"
        loop.wake.set()
        while loop.failures and time.monotonic() < deadline:
            time.sleep(0.02)
        assert loop.failures == 0
        assert central_totals(till)["records"] == 4
    finally:
        loop.stop()
        loop.join(5)


def test_a_refused_record_is_kept_with_its_reason_and_not_resent(
    make_till: Callable[..., Till], central: Central
) -> None:
    from merchant_kiosk import ledger
    from tests.functional.kiosk.test_verdicts import vector

    till, transport = unreliable_till(make_till, central, "ok")
    till.redeem(till.central.card(), "10")
    db = open_database(str(till.instance / "kiosk.db"))
    # A record the till's own checks would never write: a card from outside the network.
    ledger.record_redemption(
        db, "e" * 24, vector("ACCEPTED"), "x", till.offers[0], 1000, till.clock.now, lambda _used: 100
    )
    till.sync()
    rows = db.execute("select result, reason from ledger order by seq").fetchall()
    assert rows == [("accepted", None), ("rejected", "forged_card")]
    calls: list[str] = []
    inner = transport.inner
    assert inner is not None
    transport.inner = lambda method, url, headers, body: (
        calls.append(url) or inner(method, url, headers, body)
    )
    assert till.sync()["pushed"] == 0
    assert calls and not any("/redemptions" in url for url in calls)  # nothing answered is sent again
