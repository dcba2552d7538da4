"""Settings: defaults, a TOML file, FAMILYCARD_CENTRAL_* variables; every one documented."""

from pathlib import Path

import pytest

from cardsvc.central.settings import SETTINGS, load_settings

pytestmark = pytest.mark.functional


def test_file_then_environment_override_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "central.toml"
    config.write_text('velocity_per_day = 9\ndatabase = "/srv/fc.db"\n')
    monkeypatch.setenv("FAMILYCARD_CENTRAL_CONFIG", str(config))
    monkeypatch.setenv("FAMILYCARD_CENTRAL_VELOCITY_PER_DAY", "7")
    values = load_settings()
    assert values["VELOCITY_PER_DAY"] == 7 and values["DATABASE"] == "/srv/fc.db"
    assert values["VOID_RATIO_FLAG"] == 0.25


def test_bad_settings_are_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "central.toml"
    config.write_text("no_such_setting = 1\n")
    monkeypatch.setenv("FAMILYCARD_CENTRAL_CONFIG", str(config))
    with pytest.raises(ValueError, match="no_such_setting".upper()):
        load_settings()
    monkeypatch.delenv("FAMILYCARD_CENTRAL_CONFIG")
    monkeypatch.setenv("FAMILYCARD_CENTRAL_VELOCITY_PER_DAY", "many")
    with pytest.raises(ValueError, match="FAMILYCARD_CENTRAL_VELOCITY_PER_DAY"):
        load_settings()


def test_every_setting_is_documented() -> None:
    docs = (Path(__file__).resolve().parents[3] / "docs" / "central.md").read_text()
    for setting in SETTINGS:
        assert f"`{setting.name}`" in docs, setting.name
