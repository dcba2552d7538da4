"""Kill the till's server (SIGKILL, master and worker) in the middle of redemptions: after a restart,
every redemption the clerk saw confirmed is in the ledger, the chain is whole, and it syncs once."""

from __future__ import annotations

import http.client
import json
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cardsvc.cli import main
from merchant_kiosk.chain_check import verify_ledger
from merchant_kiosk.ledger import get_record
from merchant_kiosk.schema import open_database
from tests.e2e.network_setup import AdminClient, enrol_till, make_central_instance, make_network
from tests.e2e.servers import familycard_process, familycard_server
from tests.e2e.till_client import TillClient

pytestmark = pytest.mark.e2e
PASS = "e2e-passphrase-123"
USER_PASSWORD = "e2e-user-password"


def test_sigkill_loses_no_confirmed_redemption(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAMILYCARD_PASSPHRASE", PASS)
    now = int(time.time())
    home = make_network(tmp_path / "network", {"108040": "Seveso"}, PASS, now - 3600)
    central_instance = make_central_instance(tmp_path / "central", home, PASS, USER_PASSWORD)
    env = {"FAMILYCARD_PASSPHRASE": PASS, "FAMILYCARD_KIOSK_SYNC_INTERVAL": "3600"}
    cards = [home.issue_card("108040", f"FAMIGLIA {i}", 2, PASS, now - 60).text for i in range(400)]
    serve_central = ["central", "serve", "--instance", str(central_instance), "--workers", "1"]
    with familycard_server(serve_central, env, "/api/v1/lists/trust", tmp_path / "central.log") as central:
        admin = AdminClient(central, "admin", USER_PASSWORD)
        merchant = admin.merchant("Alimentari Brambilla", "01234567897", "108040")
        admin.published_offer(merchant)
        till = tmp_path / "till"
        enrol_till(till, central, admin.enrolment_code(merchant), PASS)
        serve_till = ["kiosk", "serve", "--instance", str(till)]

        confirmed: list[str] = []
        with familycard_process(serve_till, env, "/health", tmp_path / "till.log") as server:
            stop = threading.Event()

            def clerk() -> None:
                with TillClient(server.base, timeout=5) as client:
                    client.open()
                    for card in cards:
                        if stop.is_set():
                            return
                        try:
                            scanned = client.scan(card)
                            receipt = client.redeem(scanned, "25,00")
                        except (OSError, AssertionError, http.client.HTTPException):
                            return  # the server died under the clerk's hands
                        confirmed.append(receipt.rsplit("/", 1)[1])

            worker = threading.Thread(target=clerk)
            worker.start()
            deadline = time.monotonic() + 60
            while len(confirmed) < 40 and time.monotonic() < deadline:
                time.sleep(0.005)
            server.kill()  # mid-stream: the clerk is between requests or inside one
            stop.set()
            worker.join(10)
        assert len(confirmed) >= 40

        with (
            familycard_process(serve_till, env, "/health", tmp_path / "till.log") as server,
            TillClient(server.base) as client,
        ):
            client.open()
            for record_id in confirmed:
                status, _, page = client.request("GET", f"/receipt/{record_id}")
                assert status == 200 and "Sconto registrato" in page
            after = client.redeem(client.scan(cards[-1]), "10")  # the till works on after the crash
            assert after.startswith("/receipt/")

        db = open_database(str(till / "kiosk.db"))
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
        for record_id in confirmed:
            assert get_record(db, record_id) is not None
        verify_ledger(db)  # raises at any break; records the central service answered have lost their text
        total = db.execute("select count(*) from ledger").fetchone()[0]
        db.close()

        synced = CliRunner().invoke(main, ["kiosk", "sync", "--instance", str(till), "--json"])
        assert synced.exit_code == 0, synced.output
        assert json.loads(synced.output)["pending"] == 0
        totals = admin.ok("GET", "/api/v1/admin/totals")
        assert totals["redemptions"] == total >= len(confirmed) + 1
