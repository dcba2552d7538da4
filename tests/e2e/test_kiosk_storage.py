"""The served till (gunicorn) on a damaged database: it starts all the same, ``/health`` answers 503
``database_damaged`` and the page says *Database danneggiato* with what to do, not a bare 500."""

from __future__ import annotations

import html
import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from merchant_kiosk.identity import database_path
from merchant_kiosk.schema import open_database
from tests.e2e.servers import familycard_server
from tests.functional.storage_faults import damage_table

pytestmark = pytest.mark.e2e
PASS = "e2e-passphrase-123"


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_a_served_till_on_a_damaged_database_says_so(tmp_path: Path) -> None:
    instance = tmp_path / "till"
    instance.mkdir()
    open_database(database_path(instance)).close()
    damage_table(Path(database_path(instance)), "ledger")
    env = {"FAMILYCARD_PASSPHRASE": PASS}
    args = ["kiosk", "serve", "--instance", str(instance)]
    with familycard_server(args, env, "/static/kiosk.css", tmp_path / "till.log") as base:
        status, body = fetch(base + "/health")
        assert status == 503 and json.loads(body)["database"] == "database_damaged"
        status, page = fetch(base + "/")
        assert status == 503 and "Database danneggiato" in html.unescape(page)
        assert "Internal Server Error" not in page
    assert "database_damaged" in (tmp_path / "till.log").read_text()  # the start-up check logged it
