"""Start the real services as subprocesses on 127.0.0.1 and wait until they answer."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cardsvc.demo.serve import wait_until_up

VENV_BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]


def checkout_env(env: dict[str, str]) -> dict[str, str]:
    """The environment of a started service: this one's, ``env``, and this checkout first on the import
    path (the virtualenv may hold another checkout's editable install)."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, **env}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop(process: subprocess.Popen[bytes]) -> None:
    """Ask ``process`` to end (SIGTERM); kill it when it has not ended within ten seconds."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def central_gunicorn_refusal() -> str:
    """Start the central service's gunicorn directly, which must stop in its master before any worker,
    without a traceback; what it said on standard error."""
    served = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", "python:cardsvc.central.gunicorn_conf"],
        env={**os.environ, "FAMILYCARD_CENTRAL_BIND": f"127.0.0.1:{free_port()}"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert served.returncode != 0 and "Traceback" not in served.stderr, served.stderr
    return served.stderr


@dataclass
class Server:
    base: str
    process: subprocess.Popen[bytes]

    def kill(self) -> None:
        """SIGKILL the whole process group: master and workers die at once, as in a crash."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


@contextmanager
def familycard_process(args: list[str], env: dict[str, str], health_path: str, log: Path) -> Iterator[Server]:
    """Run ``familycard <args> --bind 127.0.0.1:PORT``, wait until it answers, stop it afterwards."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [str(VENV_BIN / "familycard"), *args, "--bind", f"127.0.0.1:{port}"],
            env=checkout_env(env),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_until_up(base + health_path, process)
            yield Server(base, process)
        finally:
            stop(process)


@contextmanager
def familycard_server(args: list[str], env: dict[str, str], health_path: str, log: Path) -> Iterator[str]:
    """Run ``familycard <args> --bind 127.0.0.1:PORT`` and yield its base URL."""
    with familycard_process(args, env, health_path, log) as server:
        yield server.base
