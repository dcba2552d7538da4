"""The till on a full disk and on a damaged database: the clerk reads what happened and what to do, a
page and ``/health`` say it (503 with the reason), ``kiosk status`` says it, and nothing the till
confirmed is lost."""

from __future__ import annotations

import html
import re
import shutil
from collections import namedtuple
from collections.abc import Callable

import pytest
from click.testing import CliRunner

from cardsvc.cli import main
from merchant_kiosk import create_app
from merchant_kiosk.db import get_db
from merchant_kiosk.ledger import get_record
from merchant_kiosk.schema import open_database
from tests.functional.conftest import PASS
from tests.functional.kiosk.conftest import Till
from tests.functional.storage_faults import damage_table

pytestmark = pytest.mark.functional
FIELDS = re.compile(r'name="(scan_id|redemption_id)" value="([^"]+)"')


def text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.get_data(as_text=True))


def limit_pages(till: Till, extra: int) -> None:
    """Let the till's database grow by ``extra`` pages at most, as a disk about to fill up would."""
    with till.app.app_context():
        db = get_db()
        (pages,) = db.execute("PRAGMA page_count").fetchone()
        db.execute(f"PRAGMA max_page_count = {pages + extra}")


def test_a_full_disk_is_told_in_words_and_loses_nothing_confirmed(till: Till) -> None:
    confirmed = []
    limit_pages(till, 0)
    refused = None
    for _ in range(60):
        till.clock.now += 20
        page = text(scanned := till.scan(till.central.card()))
        if scanned.status_code != 200:
            refused = scanned
            break
        fields = dict(FIELDS.findall(page))
        response = till.post("/redeem", {**fields, "offer_id": str(till.offers[0]), "amount": "10"})
        if response.status_code != 303:
            refused = response
            break
        confirmed.append(response.headers["Location"].rsplit("/", 1)[1])
    assert refused is not None, "the page limit was never reached"
    words = text(refused)
    assert refused.status_code == 503 and "Disco pieno" in words and "NON è stata registrata" in words
    assert "Traceback" not in words and "Internal Server Error" not in words
    limit_pages(till, 100_000)  # space freed
    db = open_database(str(till.instance / "kiosk.db"))
    assert all(get_record(db, record_id) is not None for record_id in confirmed)
    assert till.redeem(till.central.card(), "10").status_code == 303  # the till works on


def test_health_reports_a_full_disk(till: Till, monkeypatch: pytest.MonkeyPatch) -> None:
    assert till.client.get("/health").json == {"ok": True, "database": "ok"}
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda _path: usage(10**9, 10**9 - 4096, 4096))
    health = till.client.get("/health")
    assert health.status_code == 503
    assert health.json["ok"] is False and health.json["database"] == "disk_full"


def test_a_damaged_database_is_told_by_the_page_health_and_status(make_till: Callable[..., Till]) -> None:
    till = make_till()
    for _ in range(3):
        till.clock.now += 20
        assert till.redeem(till.central.card(), "10").status_code == 303
    copy = till.instance.parent / "damaged"
    shutil.copytree(till.instance, copy)
    damage_table(copy / "kiosk.db", "ledger")
    damaged = create_app({**till.app.config, "INSTANCE": str(copy), "SECRET_KEY": None})
    client = damaged.test_client()
    page = client.get("/")
    assert page.status_code == 503 and "Database danneggiato" in text(page)
    assert "assistenza" in text(page) and "Traceback" not in text(page)
    health = client.get("/health")
    assert health.status_code == 503 and health.json["database"] == "database_damaged"
    status = CliRunner().invoke(
        main, ["kiosk", "status", "--instance", str(copy)], env={"FAMILYCARD_PASSPHRASE": PASS}
    )
    assert status.exit_code == 1 and "database damaged" in status.output
    synced = CliRunner().invoke(
        main, ["kiosk", "sync", "--instance", str(copy)], env={"FAMILYCARD_PASSPHRASE": PASS}
    )
    assert synced.exit_code == 2 and "database damaged" in synced.output and "Traceback" not in synced.output
    assert till.client.get("/health").status_code == 200  # the till's own file is whole
