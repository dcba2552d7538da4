"""The office's set-up as services: what the command line and the demo call, and what they refuse."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cardsvc.cli import main
from cardsvc.core import generate_private_key, raw_public_key
from cardsvc.core.errors import InvalidInput
from cardsvc.core.keys import b64url
from issuer.setup import DATABASE_FILE, init_office, set_up_comune
from issuer.signing_keys import setting

ROOT_KEY = b64url(raw_public_key(generate_private_key()))


def test_init_office_pins_the_root_and_sets_up_comuni(tmp_path: Path) -> None:
    instance = tmp_path / "office"
    db = init_office(instance, ROOT_KEY, "https://central.example/")
    row = set_up_comune(db, "108040", " Seveso ", 2, 3_000_000, "token")
    assert setting(db, "root_public_key") == ROOT_KEY
    assert setting(db, "central_url") == "https://central.example"
    assert row["name"] == "Seveso" and db.table("comuni").get("108040")["central_token"] == "token"
    assert instance.stat().st_mode & 0o777 == 0o700
    assert (instance / DATABASE_FILE).stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("root", "url", "code"),
    [("not-a-key", "", "root_public_key"), (ROOT_KEY, "ftp://central", "central_url")],
    ids=["bad-root-key", "ftp-url"],
)
def test_a_refused_init_creates_nothing(tmp_path: Path, root: str, url: str, code: str) -> None:
    instance = tmp_path / "office"
    with pytest.raises(InvalidInput) as refused:
        init_office(instance, root, url)
    assert refused.value.code == code
    assert not (instance / DATABASE_FILE).exists()


def test_the_command_says_a_bad_root_key_in_one_line(tmp_path: Path) -> None:
    instance = tmp_path / "office"
    result = CliRunner().invoke(
        main, ["issuer", "init", "--instance", str(instance), "--root-public-key", "x"]
    )
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "--root-public-key" in result.output
    assert not (instance / DATABASE_FILE).exists()


def test_a_comune_needs_a_six_digit_istat_code(tmp_path: Path) -> None:
    db = init_office(tmp_path / "office", ROOT_KEY)
    with pytest.raises(InvalidInput) as refused:
        set_up_comune(db, "Seveso", "Seveso")
    assert refused.value.code == "istat"
    assert db.table("comuni").count == 0
