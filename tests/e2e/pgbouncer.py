"""Debian's pgbouncer on loopback in front of a throwaway PostgreSQL server, for end-to-end tests: session
pooling, as docs/deploy.md sets it up, one database name that the service connects to, and
:meth:`Pgbouncer.point_at` to send new server connections to another server (a promoted standby)."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.e2e.servers import free_port
from tests.postgres_cluster import PostgresCluster

PGBOUNCER = Path("/usr/sbin/pgbouncer")

CONFIG = """\
[databases]
{name} = host=127.0.0.1 port={server_port} dbname={database}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {folder}/users.txt
pool_mode = session
max_client_conn = 200
default_pool_size = 40
server_connect_timeout = 2
server_login_retry = 1
query_wait_timeout = 5
ignore_startup_parameters = extra_float_digits
admin_users = {user}
logfile = {folder}/pgbouncer.log
"""


@dataclass
class Pgbouncer:
    """The running pgbouncer: the URL the service uses, its configuration file, its process."""

    url: str
    config: Path
    name: str
    port: int
    process: subprocess.Popen[bytes]

    def point_at(self, cluster: PostgresCluster, database: str) -> None:
        """New server connections go to ``database`` on ``cluster``: the configuration is written and
        reloaded through pgbouncer's admin console (``RELOAD``), as an operator does after a failover."""
        self.config.write_text(self.config_text(cluster, database))
        cluster.as_owner(cluster.tool("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", cluster.user,
                         "-d", "pgbouncer", "-c", "RELOAD")  # fmt: skip

    def config_text(self, cluster: PostgresCluster, database: str) -> str:
        folder = self.config.parent
        return CONFIG.format(
            name=self.name, server_port=cluster.port, database=database, port=self.port, folder=folder,
            user=cluster.user,
        )  # fmt: skip


@contextmanager
def pgbouncer(cluster: PostgresCluster, database: str, folder: Path) -> Iterator[Pgbouncer]:
    """pgbouncer in front of ``database`` on ``cluster``, its files in ``folder`` (which the server's
    owner can write), run by that owner (pgbouncer refuses root), stopped when the block ends."""
    cluster.as_owner("sh", "-c", f"cat > {folder / 'users.txt'}", given=f'"{cluster.user}" ""\n')
    port = free_port()
    bouncer = Pgbouncer(f"postgresql://{cluster.user}@127.0.0.1:{port}/familycard", folder / "pgbouncer.ini",
                        "familycard", port, None)  # type: ignore[arg-type]  # fmt: skip
    cluster.as_owner("sh", "-c", f"cat > {bouncer.config}", given=bouncer.config_text(cluster, database))
    command = [str(PGBOUNCER), str(bouncer.config)]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    bouncer.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_until_it_answers(bouncer)
        yield bouncer
    finally:
        bouncer.process.terminate()
        bouncer.process.wait(timeout=10)


def _wait_until_it_answers(bouncer: Pgbouncer, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(bouncer.url, connect_timeout=2) as conn:
                conn.execute("select 1")
            return
        except psycopg.OperationalError:
            if bouncer.process.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.1)
