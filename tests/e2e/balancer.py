"""Debian's haproxy on loopback in front of real service instances, for end-to-end tests: round robin
over the instances, ``/health`` checked every few hundred milliseconds, connection failures redispatched
to another instance, and each answer naming the instance that served it (``X-Served-By``)."""

from __future__ import annotations

import csv
import io
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.servers import free_port, stop

HAPROXY = Path("/usr/sbin/haproxy")
SERVED_BY = "X-Served-By"

CONFIG = """\
global
    maxconn 512

defaults
    mode http
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    timeout check 1s
    retries 3
    option redispatch 1

frontend tills
    bind 127.0.0.1:{port}
    default_backend central

backend central
    balance roundrobin
    option httpchk GET /health
    http-check expect status 200
    default-server inter 200ms fall 2 rise 2
{servers}
    http-response set-header {served_by} %s

listen stats
    bind 127.0.0.1:{stats_port}
    stats enable
    stats uri /stats
"""


@dataclass
class Balancer:
    """The running haproxy: where the tills reach it, and its statistics page."""

    base: str
    stats: str
    process: subprocess.Popen[bytes]

    def servers(self) -> dict[str, dict[str, str]]:
        """Each backend server's row of haproxy's statistics (``status``, ``scur``…)."""
        with urllib.request.urlopen(self.stats + ";csv", timeout=5) as answer:
            rows = csv.DictReader(io.StringIO(answer.read().decode().lstrip("# ")))
            return {row["svname"]: row for row in rows if row["pxname"] == "central"}

    def server_states(self) -> dict[str, str]:
        """Each backend server's state as haproxy sees it (``UP``, ``DOWN``, ``UP 1/2``…)."""
        return {name: row["status"] for name, row in self.servers().items()}

    def wait_until_busy(self, server: str, timeout: float = 10) -> int:
        """Wait until ``server`` holds a request (a current session); how many it holds."""
        deadline = time.monotonic() + timeout
        while (sessions := int(self.servers()[server]["scur"])) == 0:
            if time.monotonic() > deadline:
                raise RuntimeError(f"haproxy sent {server} no request for {timeout} s")
            time.sleep(0.002)
        return sessions

    def wait_for_states(self, wanted: dict[str, str], timeout: float = 10) -> None:
        """Wait until haproxy's checks have found the servers in the ``wanted`` states."""
        deadline = time.monotonic() + timeout
        while any((states := self.server_states()).get(k) != v for k, v in wanted.items()):
            if time.monotonic() > deadline:
                raise RuntimeError(f"haproxy's servers are {states}, not {wanted}")
            time.sleep(0.1)


def haproxy_config(port: int, stats_port: int, backends: dict[str, str]) -> str:
    """The configuration: a frontend on ``port``, a round-robin backend over ``backends`` (name: base
    URL), the statistics page on ``stats_port``."""
    servers = "\n".join(
        f"    server {name} {base.removeprefix('http://')} check" for name, base in backends.items()
    )
    return CONFIG.format(port=port, stats_port=stats_port, servers=servers, served_by=SERVED_BY)


@contextmanager
def haproxy(folder: Path, backends: dict[str, str]) -> Iterator[Balancer]:
    """Run haproxy in the foreground over ``backends`` until every server is up; stop it afterwards."""
    if not HAPROXY.exists():
        raise RuntimeError("haproxy is not installed (make test installs Debian's haproxy)")
    port, stats_port = free_port(), free_port()
    config = folder / "haproxy.cfg"
    config.write_text(haproxy_config(port, stats_port, backends))
    with (folder / "haproxy.log").open("ab") as log:
        process = subprocess.Popen(
            [str(HAPROXY), "-f", str(config), "-db"],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    balancer = Balancer(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{stats_port}/stats", process)
    try:
        _wait_until_listening(balancer)
        balancer.wait_for_states(dict.fromkeys(backends, "UP"))
        yield balancer
    finally:
        stop(process)


def _wait_until_listening(balancer: Balancer, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if balancer.process.poll() is not None:
            raise RuntimeError(f"haproxy exited with status {balancer.process.returncode}; see haproxy.log")
        try:
            balancer.server_states()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
