"""Two browser tabs of one till under gunicorn (one worker, four threads) send the same card's discount
at the same moment, thirty times: an offer limited to once a day is never used twice."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.e2e.network_setup import AdminClient, enrol_till, make_central_instance, make_network
from tests.e2e.servers import familycard_server
from tests.e2e.till_client import TillClient
from tests.functional.kiosk.test_daily_limit_race import at_once

pytestmark = pytest.mark.e2e
PASS = "e2e-passphrase-123"
USER_PASSWORD = "e2e-user-password"


def test_two_tabs_never_use_a_once_a_day_offer_twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAMILYCARD_PASSPHRASE", PASS)
    now = int(time.time())
    home = make_network(tmp_path / "network", {"108040": "Seveso"}, PASS, now - 3600)
    central_instance = make_central_instance(tmp_path / "central", home, PASS, USER_PASSWORD)
    env = {"FAMILYCARD_PASSPHRASE": PASS, "FAMILYCARD_KIOSK_SYNC_INTERVAL": "3600"}
    cards = [home.issue_card("108040", f"FAMIGLIA {i}", 2, PASS, now - 60).text for i in range(30)]
    serve_central = ["central", "serve", "--instance", str(central_instance), "--workers", "1"]
    with familycard_server(serve_central, env, "/api/v1/lists/trust", tmp_path / "central.log") as central:
        admin = AdminClient(central, "admin", USER_PASSWORD)
        merchant = admin.merchant("Alimentari Brambilla", "01234567897", "108040")
        admin.published_offer(merchant, daily_limit=1)
        till = tmp_path / "till"
        enrol_till(till, central, admin.enrolment_code(merchant), PASS)
        serve_till = ["kiosk", "serve", "--instance", str(till)]
        with (
            familycard_server(serve_till, env, "/health", tmp_path / "till.log") as base,
            TillClient(base) as first,
            TillClient(base) as second,
        ):
            tabs = (first, second)
            for tab in tabs:
                tab.open()
            outcomes = []
            for card in cards:
                scans = [tab.scan(card) for tab in tabs]
                forms = [
                    {
                        "scan_id": str(s.scan_id),
                        "redemption_id": str(s.redemption_id),
                        "offer_id": str(s.offer_id),
                        "amount": "10",
                    }
                    for s in scans
                ]
                answers = at_once(
                    [
                        lambda tab=tab, form=form: tab.request("POST", "/redeem", form)
                        for tab, form in zip(tabs, forms, strict=True)
                    ]
                )
                outcomes.append(sorted(status for status, _, _ in answers))
    assert outcomes.count([303, 422]) == len(cards), outcomes
