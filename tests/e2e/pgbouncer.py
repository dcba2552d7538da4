"""Debian's pgbouncer on loopback in front of a throwaway PostgreSQL server, for end-to-end tests: session
pooling, as docs/deploy.md sets it up, one database name that the service connects to, and
:meth:`Pgbouncer.point_at` to send new server connections to another server (a promoted standby)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.e2e.servers import free_port, stop
from tests.postgres_cluster import PostgresCluster

PGBOUNCER = Path("/usr/sbin/pgbouncer")
NAME = "familycard"  # the database name the service asks pgbouncer for

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
    """The running pgbouncer: where it listens, its configuration file, the user it lets in."""

    port: int
    config: Path
    user: str

    @property
    def url(self) -> str:
        """The address the service connects to (pgbouncer's database name, not the server's)."""
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{NAME}"

    def point_at(self, cluster: PostgresCluster, database: str) -> None:
        """New server connections go to ``database`` on ``cluster``: the configuration is written and
        reloaded through pgbouncer's admin console (``RELOAD``), as an operator does after a failover."""
        self.write_config(cluster, database)
        cluster.as_owner(cluster.tool("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", cluster.user,
                         "-d", "pgbouncer", "-c", "RELOAD")  # fmt: skip

    def write_config(self, cluster: PostgresCluster, database: str) -> None:
        text = CONFIG.format(name=NAME, server_port=cluster.port, database=database, port=self.port,
                             folder=self.config.parent, user=cluster.user)  # fmt: skip
        cluster.as_owner("sh", "-c", f"cat > {self.config}", given=text)


@contextmanager
def pgbouncer(cluster: PostgresCluster, database: str, folder: Path) -> Iterator[Pgbouncer]:
    """pgbouncer in front of ``database`` on ``cluster``, its files in ``folder`` (which the server's
    owner can write), run by that owner (pgbouncer refuses root), stopped when the block ends."""
    cluster.as_owner("sh", "-c", f"cat > {folder / 'users.txt'}", given=f'"{cluster.user}" ""\n')
    bouncer = Pgbouncer(free_port(), folder / "pgbouncer.ini", cluster.user)
    bouncer.write_config(cluster, database)
    command = cluster.owner_command(str(PGBOUNCER), str(bouncer.config))
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_until_it_answers(bouncer, process)
        yield bouncer
    finally:
        stop(process)


def _wait_until_it_answers(bouncer: Pgbouncer, process: subprocess.Popen[bytes], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(bouncer.url, connect_timeout=2) as conn:
                conn.execute("select 1")
            return
        except psycopg.OperationalError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.1)
