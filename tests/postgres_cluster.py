"""A throwaway PostgreSQL cluster for the tests: Debian's ``postgresql`` binaries, a data folder in a
temporary directory, a server on a free loopback port, a fresh database per test copied from a template
that the apps' migrations made once.

The server runs as the ``postgres`` user when the tests run as root (PostgreSQL refuses root), with
``fsync`` off: what is tested is the SQL and the locking, not the disk (SQLite's tests keep theirs).
The benchmarks start it ``durable`` instead: every commit waits for the disk, as in production.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psycopg


def binaries() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl``: Debian's newest, or the PATH's."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresCluster:
    """One server; :meth:`database` makes a new empty (or templated) database and returns its URL.

    ``durable``: ``fsync``, ``synchronous_commit`` and ``full_page_writes`` stay on (PostgreSQL's
    defaults, a production server's durability), for the benchmarks; the tests leave them off.
    ``settings`` are added to its ``postgresql.conf``; ``make_data``, when given, fills the data folder
    (a base backup, say) instead of ``initdb``."""

    def __init__(
        self,
        durable: bool = False,
        settings: dict[str, str] | None = None,
        make_data: Callable[[PostgresCluster], None] | None = None,
    ) -> None:
        bin_dir = binaries()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL is not installed (make test installs Debian's postgresql)")
        self.bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="familycard-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
        self.names = itertools.count(1)
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        if make_data is None:
            initdb = ("-D", str(self.data), "-U", self.user, "--auth=trust", "-E", "UTF8", "--no-sync")
            self._run("initdb", *initdb)
        else:
            make_data(self)
        if settings:
            lines = "".join(f"{name} = '{value}'\n" for name, value in settings.items())
            self.as_owner("sh", "-c", f"cat >> {self.data / 'postgresql.conf'}", given=lines)
        speed = "" if durable else "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-w", "-t", "60", "start", "-o",
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 {speed}-c max_connections=300",
        )  # fmt: skip

    def _run(self, tool: str, *args: str) -> None:
        self.as_owner(str(self.bin / tool), *args)

    def owner_command(self, *command: str) -> list[str]:
        """``command`` as the server's owner runs it (``postgres`` when the tests run as root)."""
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)

    def as_owner(self, *command: str, given: str | None = None) -> str:
        """Run ``command`` as the server's owner, in its folder, with ``given`` on its input; its
        output."""
        line = self.owner_command(*command)
        done = subprocess.run(line, check=True, capture_output=True, cwd=self.root, input=given, text=True)
        return done.stdout

    def tool(self, name: str) -> str:
        """The path of one of PostgreSQL's programs (``pg_basebackup``, ``pg_ctl``…)."""
        return str(self.bin / name)

    def url(self, name: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{name}"

    def database(self, template: str | None = None, prefix: str = "t") -> str:
        """A new database (a copy of ``template`` when given); its URL."""
        name = f"{prefix}{next(self.names)}_{os.getpid()}"
        copy = f" template {template}" if template else ""
        with psycopg.connect(self.url(), autocommit=True) as conn:
            for attempt in range(50):  # a template's last connection may still be closing
                try:
                    conn.execute(f"create database {name}{copy}")
                    break
                except psycopg.errors.ObjectInUse:
                    if attempt == 49:
                        raise
                    time.sleep(0.1)
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
