"""Serve the demo: the central service, the comune office and the till under gunicorn on 127.0.0.1,
until Ctrl-C stops them all."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .build import Layout

PARTS = {"central": 8700, "issuer": 8720, "kiosk": 8710}
HEALTH = {"central": "/api/v1/lists/trust", "issuer": "/health", "kiosk": "/health"}


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def commands(layout: Layout) -> dict[str, list[str]]:
    familycard = str(Path(sys.executable).with_name("familycard"))
    return {
        "central": [familycard, "central", "serve", "--instance", str(layout.central), "--workers", "2",
                    "--bind", f"127.0.0.1:{PARTS['central']}"],
        "issuer": [familycard, "issuer", "serve", "--instance", str(layout.issuer),
                   "--bind", f"127.0.0.1:{PARTS['issuer']}"],
        "kiosk": [familycard, "kiosk", "serve", "--instance", str(layout.kiosk),
                  "--bind", f"127.0.0.1:{PARTS['kiosk']}"],
    }  # fmt: skip


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with status {process.returncode}; see its log")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def serve(layout: Layout, logs: Path) -> dict[str, subprocess.Popen[bytes]]:
    """Start every part; raises with the part's name when a port is taken or a part does not start."""
    busy = [f"{name} ({port})" for name, port in PARTS.items() if not port_free(port)]
    if busy:
        raise RuntimeError(
            f"ports in use: {', '.join(busy)}; stop what uses them, or the demo already running"
        )
    logs.mkdir(parents=True, exist_ok=True)
    started: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for name, command in commands(layout).items():
            with (logs / f"{name}.log").open("ab") as log:
                started[name] = subprocess.Popen(
                    command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                )
            wait_until_up(f"http://127.0.0.1:{PARTS[name]}{HEALTH[name]}", started[name])
    except BaseException:
        stop(started)
        raise
    return started


def stop(started: dict[str, subprocess.Popen[bytes]]) -> None:
    """Stop every part; a second Ctrl-C while they shut down does not leave any behind."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)
    for process in started.values():
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in started.values():
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_for_interrupt(started: dict[str, subprocess.Popen[bytes]]) -> str | None:
    """Block until Ctrl-C (or SIGTERM), or until a part exits by itself; returns that part's name."""

    def interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, interrupt)
    try:
        while True:
            for name, process in started.items():
                if process.poll() is not None:
                    return name
            time.sleep(0.5)
    except KeyboardInterrupt:
        return None
