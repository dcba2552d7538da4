"""The central service's storage: every commit waits for the disk (``synchronous=FULL``, so a batch the
tills were told is accepted survives a power cut), and a damaged table is answered 503 with its reason,
on ingest and on ``/health``, which the till keeps and shows while it holds its records to send again.
On PostgreSQL a server that goes away is ``database_unavailable`` the same way, until it is back."""

from __future__ import annotations

import psycopg
import pytest

from cardsvc.central.db import get_db
from cardsvc.platform.json_client import CentralUnavailable
from cardsvc.platform.storage.engines import database_address
from merchant_kiosk.schema import open_database as open_till
from tests.functional.conftest import Central
from tests.functional.kiosk.conftest import Till, make_till, till  # noqa: F401 - the fixtures
from tests.functional.storage_faults import damage_table
from tests.postgres_cluster import PostgresCluster

pytestmark = pytest.mark.functional


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)  # the file itself
def test_commits_wait_for_the_disk(central: Central) -> None:
    with central.app.app_context():
        assert get_db().execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)  # the file itself
def test_a_damaged_table_is_answered_503_with_its_reason(central: Central, till: Till) -> None:  # noqa: F811
    assert central.client.get("/health").json == {"ok": True, "database": "ok"}
    assert till.redeem(central.card(), "10").status_code == 303
    shop = central.merchant("Panificio", vat="12345678903", istat="108012")
    central.offer(shop)
    kiosk = central.kiosk(shop)
    damage_table(central.instance / "central.db", "redemptions")
    health = central.client.get("/health")
    assert health.status_code == 503 and health.json["database"] == "database_damaged"
    answer = kiosk.upload([kiosk.redeem(central.card())])
    assert answer.status_code == 503 and answer.json["error"]["code"] == "database_damaged"
    with pytest.raises(CentralUnavailable):  # the till keeps its record and tries again later
        till.sync()
    db = open_till(str(till.instance / "kiosk.db"))
    status = till.client.get("/status").json
    assert status["pending"] == 1 and "database_damaged" in status["last_error"]
    assert db.execute("select count(*) from ledger where sent = 0").fetchone()[0] == 1


@pytest.mark.parametrize("central", ["postgresql"], indirect=True)
def test_a_database_server_that_goes_away_is_503_and_comes_back_without_a_restart(
    central: Central,
    till: Till,  # noqa: F811
    postgres: PostgresCluster,
) -> None:
    shop = central.merchant("Panificio", vat="12345678903", istat="108012")
    central.offer(shop)
    kiosk = central.kiosk(shop)
    assert kiosk.upload([kiosk.redeem(central.card())]).status_code == 200  # the workers hold connections
    name = database_address(central.app.config).rsplit("/", 1)[1]
    with psycopg.connect(postgres.url(), autocommit=True) as server:
        server.execute(f"alter database {name} allow_connections false")
        server.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity where datname = %s", [name]
        )  # as when the server restarts or fails over: every session ends, no new one is let in
        health = central.client.get("/health")
        assert health.status_code == 503 and health.json["database"] == "database_unavailable"
        assert till.redeem(central.card(), "10").status_code == 303
        with pytest.raises(CentralUnavailable):  # the till keeps its record and tries again later
            till.sync()
        pending = kiosk.redeem(central.card())
        answer = kiosk.upload([pending])
        assert answer.status_code == 503 and answer.json["error"]["code"] == "database_unavailable"
        server.execute(f"alter database {name} allow_connections true")
    assert central.client.get("/health").json == {"ok": True, "database": "ok"}
    assert kiosk.upload([pending]).json["results"][0]["status"] == "accepted"
    till.sync()
    assert till.client.get("/status").json["pending"] == 0
    assert central.totals()["redemptions"] == 3
