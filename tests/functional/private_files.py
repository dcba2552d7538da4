"""Checks shared by the permission tests of the three parts."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cardsvc.cli import main
from tests.functional.conftest import PASS


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def assert_private(folder: Path) -> None:
    """The folder is 0700, and everything in it 0700 (folders) or 0600 (files), public keys apart."""
    assert mode(folder) == 0o700, folder
    for path in folder.rglob("*"):
        if path.name.endswith(".pub.pem"):
            continue  # a public key, made to be handed out
        assert mode(path) == (0o700 if path.is_dir() else 0o600), f"{path} is {mode(path):o}"


def refused_serve(monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    """Run a ``serve`` command that must refuse to start; its one-line message."""

    def never(*_args: object) -> None:
        raise AssertionError("gunicorn was started")

    monkeypatch.setattr("cardsvc.cli.common.os.execve", never)
    result: Result = CliRunner().invoke(main, list(args), env={"FAMILYCARD_PASSPHRASE": PASS})
    assert result.exit_code == 2, result.output
    message = result.output.strip()
    assert len(message.splitlines()) == 1, message
    return message
