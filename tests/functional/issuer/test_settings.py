"""The office's settings are documented and overridable."""

from __future__ import annotations

import pytest

from issuer.settings import SETTINGS, load_settings
from tests.conftest import ROOT

pytestmark = pytest.mark.functional


def test_every_setting_is_documented() -> None:
    docs = (ROOT / "docs" / "issuer.md").read_text()
    for setting in SETTINGS:
        assert f"`{setting.name}`" in docs, setting.name


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAMILYCARD_ISSUER_RENEW_DAYS", "30")
    assert load_settings()["RENEW_DAYS"] == 30
    monkeypatch.setenv("FAMILYCARD_ISSUER_RENEW_DAYS", "presto")
    with pytest.raises(ValueError, match="FAMILYCARD_ISSUER_RENEW_DAYS"):
        load_settings()
