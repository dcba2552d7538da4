"""A till whose chain the central service no longer takes, end to end through gunicorn: restored from a
backup, or with a record deleted. The till keeps its sales pending and says what to do (on its page and in
``familycard kiosk status``); the network administrator sees the refusal and re-anchors the chain with an
audited decision; the till's records are then counted, each once."""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cardsvc.cli import main
from tests.e2e.network_setup import AdminClient, enrol_till, make_central_instance, make_network
from tests.e2e.servers import familycard_process, familycard_server
from tests.e2e.till_client import TillClient

pytestmark = pytest.mark.e2e
PASS = "e2e-passphrase-123"
USER_PASSWORD = "e2e-user-password"
ENV = {"FAMILYCARD_PASSPHRASE": PASS, "FAMILYCARD_KIOSK_SYNC_INTERVAL": "3600"}


def _sell(till: Path, cards: list[str], log: Path) -> list[str]:
    """The clerk sells to ``cards`` at the served till; returns the receipts' record ids."""
    ids = []
    serve = ["kiosk", "serve", "--instance", str(till)]
    with familycard_process(serve, ENV, "/health", log) as server, TillClient(server.base) as client:
        client.open()
        for card in cards:
            ids.append(client.redeem(client.scan(card), "20,00").rsplit("/", 1)[1])
    return ids


def _till_page(till: Path, log: Path) -> str:
    serve = ["kiosk", "serve", "--instance", str(till)]
    with familycard_process(serve, ENV, "/health", log) as server, TillClient(server.base) as client:
        return client.open()


def _cli(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), env={"FAMILYCARD_PASSPHRASE": PASS})


def _sync(till: Path) -> None:
    result = _cli("kiosk", "sync", "--instance", str(till))
    assert result.exit_code == 0, result.output


def _status(till: Path) -> Any:
    return _cli("kiosk", "status", "--instance", str(till))


@pytest.fixture
def network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("FAMILYCARD_PASSPHRASE", PASS)
    now = int(time.time())
    home = make_network(tmp_path / "network", {"108040": "Seveso"}, PASS, now - 3600)
    instance = make_central_instance(tmp_path / "central", home, PASS, USER_PASSWORD)
    cards = [home.issue_card("108040", f"FAMIGLIA {i}", 2, PASS, now - 60).text for i in range(8)]
    serve = ["central", "serve", "--instance", str(instance), "--workers", "2"]
    with familycard_server(serve, ENV, "/api/v1/lists/trust", tmp_path / "central.log") as central:
        admin = AdminClient(central, "admin", USER_PASSWORD)
        merchant = admin.merchant("Alimentari Brambilla", "01234567897", "108040")
        admin.published_offer(merchant)
        till = tmp_path / "till"
        kiosk_id = enrol_till(till, central, admin.enrolment_code(merchant), PASS)["kiosk_id"]
        yield admin, till, kiosk_id, cards


def test_a_till_restored_from_a_backup_is_re_anchored(network: Any, tmp_path: Path) -> None:
    admin, till, kiosk_id, cards = network
    _sell(till, cards[:3], tmp_path / "till1.log")
    _sync(till)
    backup = tmp_path / "kiosk-backup.db"  # sqlite3 kiosk.db ".backup kiosk-backup.db", as the docs say
    with sqlite3.connect(till / "kiosk.db") as source, sqlite3.connect(backup) as target:
        source.backup(target)
    _sell(till, cards[3:5], tmp_path / "till2.log")
    _sync(till)
    assert admin.ok("GET", "/api/v1/admin/totals")["redemptions"] == 5

    for suffix in ("", "-wal", "-shm"):  # the disk died: the till comes back from the backup
        (till / f"kiosk.db{suffix}").unlink(missing_ok=True)
    shutil.copy(backup, till / "kiosk.db")
    (till / "kiosk.db").chmod(0o600)  # the till refuses a database others can read
    [after_restore] = _sell(till, cards[5:6], tmp_path / "till3.log")
    _sync(till)
    status = _status(till)
    assert status.exit_code == 1
    assert "RESTORED FROM A BACKUP" in status.output and "CHAIN BROKEN" in status.output
    page = _till_page(till, tmp_path / "till4.log")
    assert "ripristinata da un backup" in page and "Le vendite restano salvate qui" in page
    assert admin.ok("GET", "/api/v1/admin/totals")["redemptions"] == 5  # not counted yet, not lost

    chain = admin.ok("GET", f"/api/v1/admin/kiosks/{kiosk_id}/chain")
    assert chain["refusals"][0]["record_id"] == after_restore
    assert chain["refusals"][0]["reason"] == "chain_gap"  # record 4 where 6 was due
    flags = admin.ok("GET", "/api/v1/admin/flags")["flags"]
    assert any(f["kind"] == "chain_break" and f["kiosk_id"] == kiosk_id for f in flags)
    decision = admin.ok(
        "POST",
        f"/api/v1/admin/kiosks/{kiosk_id}/reanchor",
        {"from_record": after_restore, "reason": "cassa ripristinata dal backup del 3 novembre"},
    )
    assert decision["seq"] == 3 and decision["epoch"] == 1 and decision["decided_by"] == "admin"
    _sync(till)
    assert admin.ok("GET", "/api/v1/admin/totals")["redemptions"] == 6
    status = _status(till)
    assert status.exit_code == 0 and "pending: 0" in status.output
    anchors = admin.ok("GET", f"/api/v1/admin/kiosks/{kiosk_id}/chain")["anchors"]
    assert [a["reason"] for a in anchors] == ["cassa ripristinata dal backup del 3 novembre"]
    assert not any(f["kind"] == "chain_break" for f in admin.ok("GET", "/api/v1/admin/flags")["flags"])


def test_a_deleted_record_breaks_the_chain_until_the_network_re_anchors_it(
    network: Any, tmp_path: Path
) -> None:
    admin, till, kiosk_id, cards = network
    ids = _sell(till, cards[:4], tmp_path / "till1.log")
    with sqlite3.connect(till / "kiosk.db") as db:  # someone deletes the second sale before it is sent
        db.execute("delete from ledger where id = ?", [ids[1]])
    _sync(till)
    status = _status(till)
    assert status.exit_code == 1 and f"from record {ids[2]}" in status.output
    assert json.loads(_cli("kiosk", "status", "--instance", str(till), "--json").output)["pending"] == 3 - 1
    assert admin.ok("GET", "/api/v1/admin/totals")["redemptions"] == 1
    refused = admin.call(
        "POST", f"/api/v1/admin/kiosks/{kiosk_id}/reanchor", {"from_record": ids[0], "reason": "x"}
    )
    assert refused[0] == 404  # only a record the chain refused can be an anchor
    admin.ok(
        "POST", f"/api/v1/admin/kiosks/{kiosk_id}/reanchor", {"from_record": ids[2], "reason": "verificato"}
    )
    _sync(till)
    assert admin.ok("GET", "/api/v1/admin/totals")["redemptions"] == 3
    assert _status(till).exit_code == 0
