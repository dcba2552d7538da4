"""The database steps of docs/deploy.md, tried on loopback with Debian's PostgreSQL and pgbouncer:

- the central service under gunicorn reaches PostgreSQL through pgbouncer in session pooling;
- a hot standby made by ``pg_basebackup -R`` follows the primary;
- when the primary is lost, the standby is promoted and pgbouncer pointed at it: the service goes on
  without a restart, and a till's batch answered 503 meanwhile is sent again and counted once;
- a base backup and the archived WAL bring the database back as it was at a named restore point
  (point-in-time recovery)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from tests.e2e.network_setup import make_central_instance, make_network
from tests.e2e.pgbouncer import pgbouncer
from tests.e2e.servers import familycard_process
from tests.e2e.test_balanced_postgres import (
    COMUNI,
    PASS,
    USER_PASSWORD,
    Till,
    admin_client,
    make_cards,
    send,
    set_up_till,
    until_answered,
)
from tests.postgres_cluster import PostgresCluster

pytestmark = [pytest.mark.e2e, pytest.mark.postgresql]
RESTORE_POINT = "before-the-third-batch"


@pytest.fixture
def work() -> Iterator[Path]:
    """A folder the database servers' owner can write: the WAL archive, base backups, pgbouncer."""
    folder = Path(tempfile.mkdtemp(prefix="familycard-ops-"))
    (folder / "archive").mkdir()
    if os.geteuid() == 0:
        for path in (folder, folder / "archive"):
            shutil.chown(path, "postgres", "postgres")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def archiving(work: Path) -> dict[str, str]:
    """A primary's settings: WAL for a standby, each finished WAL file copied to the archive."""
    return {"wal_level": "replica", "max_wal_senders": "5", "archive_mode": "on",
            "archive_command": f"test ! -f {work}/archive/%f && cp %p {work}/archive/%f"}  # fmt: skip


def base_backup(primary: PostgresCluster, target: Path, *extra: str) -> None:
    """A base backup of ``primary`` into ``target`` (its checkpoint at once, its WAL streamed)."""
    server = ("-h", "127.0.0.1", "-p", str(primary.port), "-U", primary.user)
    primary.as_owner(
        primary.tool("pg_basebackup"), "-D", str(target), *server, "-X", "stream", "-c", "fast", *extra
    )


def figures(url: str) -> tuple[int, int]:
    """The live redemptions and their spend, read on the server at ``url``."""
    with psycopg.connect(url, connect_timeout=5) as conn:
        row = conn.execute(
            "select count(*), coalesce(sum(amount_cents), 0) from redemptions "
            "where type = 'redemption' and status = 'accepted' and voided = 0"
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def recovering(url: str) -> bool:
    with psycopg.connect(url, connect_timeout=5) as conn:
        row = conn.execute("select pg_is_in_recovery()").fetchone()
    return bool(row and row[0])


def until(check: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"not reached in {timeout} s"
        time.sleep(0.2)


def spend(till: Till, batches: int) -> int:
    return sum(r["amount_cents"] for r in till.records[: batches * 10])


def test_pgbouncer_a_promoted_standby_and_point_in_time_recovery(
    tmp_path: Path, work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    primary = PostgresCluster(durable=True, settings=archiving(work))
    standby = restored = None
    try:
        address = primary.database(prefix="ops")
        name = address.rsplit("/", 1)[1]
        with pgbouncer(primary, name, work) as bouncer:
            monkeypatch.setenv("FAMILYCARD_PASSPHRASE", PASS)
            monkeypatch.setenv("FAMILYCARD_CENTRAL_DATABASE_URL", bouncer.url)
            now = int(time.time())
            home = make_network(tmp_path / "network", COMUNI, PASS, now - 3600)
            instance = make_central_instance(tmp_path / "central", home, PASS, USER_PASSWORD)
            serve = ["central", "serve", "--instance", str(instance), "--workers", "2"]
            env = {"FAMILYCARD_PASSPHRASE": PASS, "FAMILYCARD_CENTRAL_DATABASE_URL": bouncer.url}
            with (
                familycard_process(serve, env, "/health", tmp_path / "central.log") as server,
                admin_client(server.base) as admin,
            ):
                till = set_up_till(admin, 0, make_cards(home, 40, now))
                assert len(till.batches) == 4
                deadline = time.monotonic() + 60
                for body in till.batches[:2]:
                    until_answered(server.base, till, "POST", "/api/v1/redemptions", body, deadline)
                assert figures(address) == (20, spend(till, 2))  # stored through pgbouncer

                base_backup(primary, work / "backup")  # for the recovery below
                with psycopg.connect(address, autocommit=True) as conn:
                    conn.execute("select pg_create_restore_point(%s)", [RESTORE_POINT])
                    conn.execute("select pg_switch_wal()")  # the restore point's WAL goes to the archive
                standby = PostgresCluster(
                    durable=True, make_data=lambda c: base_backup(primary, c.data, "-R")
                )
                standby_url = standby.url(name)
                until_answered(server.base, till, "POST", "/api/v1/redemptions", till.batches[2], deadline)
                until(lambda: figures(standby_url) == (30, spend(till, 3)))  # the standby follows

                primary.as_owner(primary.tool("pg_ctl"), "-D", str(primary.data), "-m", "immediate", "stop")
                status, _, raw = send(server.base, till, "POST", "/api/v1/redemptions", till.batches[3])
                assert status == 503 and json.loads(raw)["error"]["code"] == "database_unavailable"
                health = admin.call("GET", "/health")
                assert health[0] == 503 and health[1]["database"] == "database_unavailable"

                standby.as_owner(standby.tool("pg_ctl"), "-D", str(standby.data), "-w", "promote")
                bouncer.point_at(standby, name)
                _, _, answer = until_answered(
                    server.base, till, "POST", "/api/v1/redemptions", till.batches[3], time.monotonic() + 60
                )  # the same batch again, now to the promoted standby, with no restart of the service
                assert [r["status"] for r in answer["results"]] == ["accepted"] * 10
                assert admin.ok("GET", "/api/v1/admin/totals")["redemptions"] == 40
                assert admin.call("GET", "/health")[0] == 200
                assert figures(standby_url) == (40, spend(till, 4))

        def from_backup(cluster: PostgresCluster) -> None:
            cluster.as_owner("cp", "-a", str(work / "backup"), str(cluster.data))
            cluster.as_owner("touch", str(cluster.data / "recovery.signal"))

        restored = PostgresCluster(
            durable=True,
            make_data=from_backup,
            settings={
                "restore_command": f"cp {work}/archive/%f %p",
                "recovery_target_name": RESTORE_POINT,
                "recovery_target_action": "promote",
            },
        )
        until(lambda: not recovering(restored.url(name)))  # replayed to the point, then open for writes
        assert figures(restored.url(name)) == (20, spend(till, 2))  # as it was at the restore point
    finally:
        for cluster in (restored, standby):
            if cluster is not None:
                cluster.stop()
        shutil.rmtree(primary.root, ignore_errors=True)
