"""``familycard network`` and ``familycard card`` through click's runner, on real key files."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cardsvc.cli import main
from cardsvc.core import generate_private_key, raw_public_key
from cardsvc.core.keys import b64url, public_key_to_pem

pytestmark = pytest.mark.functional
PASS = "test-passphrase-123"


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    runner = CliRunner()
    return runner.invoke(main, list(args), env={"FAMILYCARD_PASSPHRASE": PASS, **(env or {})})


def ok(*args: str) -> dict:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "net"
    ok("network", "init", "--home", str(path), "--name", "Rete di prova")
    ok("network", "add-comune", "--home", str(path), "--istat", "108040", "--name", "Seveso")
    return path


def snapshot(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def test_init_makes_encrypted_keys_and_signed_lists(tmp_path: Path) -> None:
    path = tmp_path / "net"
    shown = ok("network", "init", "--home", str(path), "--name", "Rete")
    assert len(shown["root_kid"]) == 11
    for key_file in ("root.pem", "list-signing.pem"):
        key_path = path / "keys" / key_file
        assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
        assert b"ENCRYPTED" in key_path.read_bytes()
    assert (path / "trust-list.jws").read_text().count(".") == 2


def test_show_has_keys_issuers_and_lists(home: Path) -> None:
    shown = ok("network", "show", "--home", str(home))
    assert len(shown["root_public_key"]) == 43 and len(shown["list_signing_public_key"]) == 43
    [issuer] = shown["issuers"]
    assert issuer["istat"] == "108040" and issuer["comune"] == "Seveso" and issuer["status"] == "active"
    assert shown["trust_list"].count(".") == 2 and shown["revocation_list"].count(".") == 2
    assert shown["trust_list_version"] == 2
    human = run("network", "show", "--home", str(home))
    assert "108040 Seveso" in human.output


def test_add_comune_with_a_public_key_from_the_office(home: Path, tmp_path: Path) -> None:
    office_key = generate_private_key()
    pem = tmp_path / "brugherio.pub.pem"
    pem.write_bytes(public_key_to_pem(raw_public_key(office_key)))
    added = ok(
        "network",
        "add-comune",
        "--home",
        str(home),
        "--istat",
        "108012",
        "--name",
        "Brugherio",
        "--public-key",
        str(pem),
    )
    assert added["public_key"] == b64url(raw_public_key(office_key))
    assert added["trust_list_version"] == 3
    refused = run("card", "issue", "--home", str(home), "--istat", "108012", "--holder", "X", "--minors", "1")
    assert refused.exit_code == 2 and "comune office" in refused.output


def test_issue_verify_text_and_image(home: Path, tmp_path: Path) -> None:
    png = tmp_path / "card.png"
    card = ok(
        "card",
        "issue",
        "--home",
        str(home),
        "--istat",
        "108040",
        "--holder",
        "GIULIA BRAMBILLA",
        "--minors",
        "2",
        "--png",
        str(png),
    )
    assert card["qr"].startswith("FC1") and card["qr_version"] <= 11 and card["png"] == str(png)
    assert len(card["cti"]) == 11 and len(card["card_number"]) == 17
    by_text = ok("card", "verify", "--home", str(home), card["qr"])
    assert by_text["verdict"] == "ACCEPTED" and by_text["claims"]["holder"] == "GIULIA BRAMBILLA"
    assert by_text["message_it"] and by_text["message_en"] and by_text["warnings"] == []
    by_image = ok("card", "verify", "--home", str(home), "--image", str(png))
    assert by_image["claims"]["card_number"] == card["card_number"]
    italian = run("card", "verify", "--home", str(home), card["qr"]).output
    english = run("card", "verify", "--home", str(home), card["qr"], "--lang", "en").output
    assert "ACCEPTED: Carta valida." in italian and "Figli minori 2" in italian and "Card" not in italian
    assert "ACCEPTED: Card valid." in english and "minori" not in english and "Scadenza" not in english


def test_verify_exit_status_is_1_for_a_refused_card(home: Path) -> None:
    card = ok(
        "card",
        "issue",
        "--home",
        str(home),
        "--istat",
        "108040",
        "--holder",
        "A B",
        "--minors",
        "1",
        "--valid-until",
        "2030-01-31",
    )
    assert card["expires_at"] == "2030-01-31T23:00:00Z"
    later = run(
        "card", "verify", "--home", str(home), card["qr"], "--at", "2030-02-01T00:00:00+01:00", "--json"
    )
    assert later.exit_code == 1 and json.loads(later.stdout)["verdict"] == "EXPIRED"
    junk = run("card", "verify", "--home", str(home), "FC1NOTACARD", "--json")
    assert junk.exit_code == 1 and json.loads(junk.stdout)["verdict"] == "MALFORMED"


def test_revoke_by_card_number_then_by_cti(home: Path) -> None:
    first = ok("card", "issue", "--home", str(home), "--istat", "108040", "--holder", "A", "--minors", "1")
    second = ok("card", "issue", "--home", str(home), "--istat", "108040", "--holder", "B", "--minors", "1")
    revoked = ok(
        "card", "revoke", "--home", str(home), "--card", first["card_number"].lower(), "--reason", "lost"
    )
    assert revoked["revocation_list_version"] == 1 and revoked["reason"] == "lost"
    ok("card", "revoke", "--home", str(home), "--card", second["cti"], "--reason", "moved")
    for card in (first, second):
        result = run("card", "verify", "--home", str(home), card["qr"], "--json")
        assert result.exit_code == 1 and json.loads(result.stdout)["verdict"] == "REVOKED"
    again = run("card", "revoke", "--home", str(home), "--card", second["cti"], "--reason", "moved")
    assert again.exit_code == 2 and "already revoked" in again.output


def test_rotate_keeps_old_cards_valid_and_revoke_key_kills_them(home: Path) -> None:
    old_card = ok("card", "issue", "--home", str(home), "--istat", "108040", "--holder", "A", "--minors", "1")
    old_kid = ok("network", "show", "--home", str(home))["issuers"][0]["kid"]
    rotated = ok("network", "rotate-key", "--home", str(home), "--istat", "108040")
    assert rotated["kid"] != old_kid and rotated["status"] == "active"
    statuses = {i["kid"]: i["status"] for i in ok("network", "show", "--home", str(home))["issuers"]}
    assert statuses == {old_kid: "retired", rotated["kid"]: "active"}
    assert ok("card", "verify", "--home", str(home), old_card["qr"])["verdict"] == "ACCEPTED"
    new_card = ok("card", "issue", "--home", str(home), "--istat", "108040", "--holder", "B", "--minors", "1")
    assert ok("card", "verify", "--home", str(home), new_card["qr"])["verdict"] == "ACCEPTED"
    ok("network", "revoke-key", "--home", str(home), "--kid", old_kid)
    result = run("card", "verify", "--home", str(home), old_card["qr"], "--json")
    assert json.loads(result.stdout)["verdict"] == "ISSUER_KEY_REVOKED"
    assert ok("card", "verify", "--home", str(home), new_card["qr"])["verdict"] == "ACCEPTED"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["network", "add-comune", "--istat", "10804", "--name", "X"], "six digits"),
        (["network", "add-comune", "--istat", "108040", "--name", "Seveso"], "already in the network"),
        (["network", "rotate-key", "--istat", "999999"], "not in the network"),
        (["network", "revoke-key", "--kid", "nope"], "no issuer key"),
        (
            [
                "card",
                "issue",
                "--istat",
                "108040",
                "--holder",
                "BARTOLOMEO MARIA GIOVANNI BATTISTA",
                "--minors",
                "1",
            ],
            "24 UTF-8 bytes",
        ),
        (["card", "issue", "--istat", "108012", "--holder", "A", "--minors", "1"], "no active issuer key"),
        (
            [
                "card",
                "issue",
                "--istat",
                "108040",
                "--holder",
                "A",
                "--minors",
                "1",
                "--valid-until",
                "2001-01-01",
            ],
            "in the past",
        ),
        (
            [
                "card",
                "issue",
                "--istat",
                "108040",
                "--holder",
                "A",
                "--minors",
                "1",
                "--valid-until",
                "tomorrow",
            ],
            "not a date",
        ),
        (["card", "revoke", "--card", "1234-5678", "--reason", "lost"], "card number"),
        (["card", "revoke", "--card", "0000-0000-0000-01", "--reason", "lost"], "check character"),
        (["card", "verify"], "one of the two"),
    ],
)
def test_bad_input_one_line_exit_2_nothing_written(home: Path, args: list[str], message: str) -> None:
    before = snapshot(home)
    result = run(*args[:2], "--home", str(home), *args[2:])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot(home) == before


@pytest.mark.parametrize(
    "args",
    [
        ["card", "revoke", "--card", "x", "--reason", "bored"],
        ["card", "issue", "--istat", "108040", "--holder", "A", "--minors", "-1"],
        ["card", "issue", "--istat", "108040", "--holder", "A"],
        ["network", "add-comune", "--istat", "108012", "--name", "B", "--public-key", "/nonexistent.pem"],
    ],
)
def test_usage_errors_are_one_line_too(home: Path, args: list[str]) -> None:
    before = snapshot(home)
    result = run(*args[:2], "--home", str(home), *args[2:])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("Error: ")
    assert snapshot(home) == before


def test_help_exits_zero() -> None:
    result = run("card", "issue", "--help")
    assert result.exit_code == 0 and "--holder" in result.output


def test_wrong_passphrase_changes_nothing(home: Path) -> None:
    before = snapshot(home)
    result = run(
        "network",
        "add-comune",
        "--home",
        str(home),
        "--istat",
        "108012",
        "--name",
        "Brugherio",
        env={"FAMILYCARD_PASSPHRASE": "wrong-passphrase"},
    )
    assert result.exit_code == 2 and "passphrase" in result.output
    assert snapshot(home) == before


def test_world_readable_key_is_refused(home: Path) -> None:
    os.chmod(home / "keys" / "root.pem", 0o644)
    result = run("network", "add-comune", "--home", str(home), "--istat", "108012", "--name", "Brugherio")
    assert result.exit_code == 2 and "chmod 600" in result.output


def test_missing_passphrase_without_a_terminal(home: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["network", "rotate-key", "--home", str(home), "--istat", "108040"],
        env={"FAMILYCARD_PASSPHRASE": ""},
    )
    assert result.exit_code == 2 and "FAMILYCARD_PASSPHRASE" in result.output


def test_not_a_network_folder(tmp_path: Path) -> None:
    result = run("network", "show", "--home", str(tmp_path))
    assert result.exit_code == 2 and "not a network folder" in result.output


def test_unreadable_image(home: Path, tmp_path: Path) -> None:
    bogus = tmp_path / "x.png"
    bogus.write_bytes(b"nope")
    result = run("card", "verify", "--home", str(home), "--image", str(bogus))
    assert result.exit_code == 2 and "not a readable image" in result.output


def test_demo_builds_the_whole_network_and_reuses_it(tmp_path: Path) -> None:
    first = run("demo", "--home", str(tmp_path / "demo"), "--no-serve")
    assert first.exit_code == 0, first.output
    assert "28 shops" in first.output and "210 families" in first.output and "ufficio-muggio" in first.output
    assert "Tills: 28 enrolled" in first.output and "http://127.0.0.1:8710/" in first.output
    assert "esercente" in first.output and "one application waiting" in first.output
    with contextlib.closing(sqlite3.connect(tmp_path / "demo" / "central" / "central.db")) as central:
        waiting = central.execute("select name, status from shop_applications").fetchall()
    assert waiting == [("Cartolibreria Il Quaderno", "pending")]
    shown = ok("network", "show", "--home", str(tmp_path / "demo" / "network"))
    assert len(shown["issuers"]) == 7 and {i["comune"] for i in shown["issuers"]} >= {"Muggiò", "Seveso"}
    pngs = list((tmp_path / "demo" / "cards").glob("*/*-*-*-??.png"))
    assert len(pngs) > 200  # every family's card, printable
    card = pngs[0]
    verified = run("card", "verify", "--home", str(tmp_path / "demo" / "network"), "--image", str(card))
    assert verified.exit_code == 0 and "ACCEPTED" in verified.output, verified.output
    assert (tmp_path / "demo" / "cards" / "seveso" / "fogli-A4.pdf").read_bytes().startswith(b"%PDF")
    assert not (tmp_path / "demo.building").exists()
    assert_no_answered_card_text_in_the_tills(tmp_path / "demo")
    till_database = tmp_path / "demo" / "kiosk" / "kiosk.db"
    till_database.chmod(0o644)  # as a demo built before instance files were private
    second = run("demo", "--home", str(tmp_path / "demo"), "--no-serve")
    assert second.exit_code == 0 and "Reusing" in second.output
    assert till_database.stat().st_mode & 0o777 == 0o600
    assert len(ok("network", "show", "--home", str(tmp_path / "demo" / "network"))["issuers"]) == 7


def assert_no_answered_card_text_in_the_tills(demo: Path) -> None:
    """Every till synced all its records: no file of any till holds a card's text or holder's name."""
    import sqlite3

    with contextlib.closing(sqlite3.connect(demo / "issuer" / "issuer.db")) as office:
        cards = office.execute("select qr, holder from cards").fetchall()
    tills = list(demo.rglob("kiosk.db"))
    assert len(cards) > 200 and len(tills) == 28
    for till in tills:
        data = b"".join(p.read_bytes() for p in till.parent.iterdir() if p.is_file())
        assert not [holder for qr, holder in cards if qr.encode() in data or holder.encode() in data], till


def test_sign_trust_list_for_the_central_service(home: Path, tmp_path: Path) -> None:
    before = ok("network", "show", "--home", str(home))["trust_list_version"]
    out = tmp_path / "trust.jws"
    signed = ok("network", "sign-trust-list", "--home", str(home), "--out", str(out))
    assert signed["trust_list_version"] == before + 1
    assert out.read_text() == signed["trust_list"] == ok("network", "show", "--home", str(home))["trust_list"]
