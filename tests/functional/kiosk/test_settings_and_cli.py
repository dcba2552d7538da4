"""The till's settings (documented, overridable, bad values named) and the ``familycard kiosk`` commands."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from cardsvc.cli import main
from merchant_kiosk.settings import SETTINGS, load_settings
from tests.conftest import ROOT
from tests.functional.conftest import PASS, Central
from tests.functional.kiosk.conftest import Till

pytestmark = pytest.mark.functional


def test_every_setting_is_documented() -> None:
    docs = (ROOT / "docs" / "kiosk.md").read_text()
    for setting in SETTINGS:
        assert f"`{setting.name}`" in docs, setting.name


def test_file_then_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text("void_window = 60\nsync_batch = 50\n")
    monkeypatch.setenv("FAMILYCARD_KIOSK_CONFIG", str(config))
    monkeypatch.setenv("FAMILYCARD_KIOSK_SYNC_BATCH", "25")
    values = load_settings()
    assert values["VOID_WINDOW"] == 60 and values["SYNC_BATCH"] == 25 and values["SYNC_INTERVAL"] == 60
    monkeypatch.setenv("FAMILYCARD_KIOSK_VOID_WINDOW", "soon")
    with pytest.raises(ValueError, match="FAMILYCARD_KIOSK_VOID_WINDOW"):
        load_settings()


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={"FAMILYCARD_PASSPHRASE": PASS})
    return result.exit_code, result.output


def test_enrolled_files_are_private(till: Till) -> None:
    for name in ("credential.json", "device.pem", "secret_key"):
        mode = stat.S_IMODE((till.instance / name).stat().st_mode)
        assert mode == 0o600, (name, oct(mode))
    assert b"ENCRYPTED PRIVATE KEY" in (till.instance / "device.pem").read_bytes()


def test_status_and_sync_commands(make_till: Callable[..., Till], central: Central) -> None:
    till = make_till()
    till.redeem(till.central.card(), "10")
    code, output = run("kiosk", "status", "--instance", str(till.instance), "--json")
    assert code == 0, output
    status = json.loads(output)
    assert status["pending"] == 1 and status["kiosk_id"].startswith("k_") and status["trust_version"] >= 1
    code, output = run("kiosk", "status", "--instance", str(till.instance))
    assert code == 0 and "pending: 1" in output
    # The command's own transport talks HTTP; the central service here is in-process, so sync is
    # refused as unreachable and the record stays queued.
    code, output = run("kiosk", "sync", "--instance", str(till.instance))
    assert code == 2 and "did not answer" in output and "queued" in output
    assert json.loads(run("kiosk", "status", "--instance", str(till.instance), "--json")[1])["pending"] == 1


def test_bad_input_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "till"
    code, output = run("kiosk", "enroll", "--instance", str(target), "--central", "ftp://x", "--code", "A")
    assert code == 2 and output.count("\n") == 1 and "http" in output
    code, output = run(
        "kiosk", "enroll", "--instance", str(target), "--central", "http://127.0.0.1:9", "--code", "ABCD"
    )
    assert code == 2 and "did not answer" in output
    assert not target.exists() or list(target.iterdir()) == []
    code, output = run("kiosk", "status", "--instance", str(tmp_path / "nothing"))
    assert code == 2 and "familycard kiosk enroll" in output
    code, output = run("kiosk", "serve", "--instance", str(target), "--bind", "0.0.0.0:8710")
    assert code == 2 and "loopback" in output
