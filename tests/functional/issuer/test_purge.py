"""Households whose last card ended more than ``HOUSEHOLD_RETENTION`` ago are erased (``familycard issuer
purge``, a dry run unless ``--apply``); one household is erased on request (GDPR art. 17); uploaded
batch files go after ``BATCH_FILE_RETENTION``. Every erasure leaves an audit line with no personal data."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from cardsvc.cli import main
from cardsvc.core.timestamps import to_rfc3339
from issuer.retention import erase_household, purge
from tests.functional.conftest import NOW, PASS
from tests.functional.issuer.conftest import Desk

pytestmark = pytest.mark.functional


DAY = 86_400
MONTH = 31 * DAY


def run(office: Desk, *args: str, **env: str) -> Result:
    return CliRunner().invoke(
        main,
        ["issuer", "purge", "--instance", str(office.instance), *args],
        env={"FAMILYCARD_PASSPHRASE": PASS, **env},
    )


def raw_files(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file())


def snapshot(office: Desk) -> dict[str, Any]:
    db = office.db()
    tables = ("households", "guardians", "minors", "cards", "audit")
    return {t: [dict(r) for r in db[t].rows] for t in tables} | {
        "batches": sorted(p.name for p in (office.instance / "batches").glob("*"))
    }


@pytest.fixture
def network(office: Desk) -> dict[str, Any]:
    """An ended household (its card revoked long ago), one that never had a card, one with a card that
    expired last year, one registered lately, and two old and new batch files."""
    ended = office.register(
        reference_person="Giulia Dimenticata", other_guardians="Marco Dimenticato", address="Via Vecchia 1"
    )
    ended_card = office.issue(ended, office.guardians(ended)[0])
    office.post(f"/cards/{ended_card}/revoke", {"reason": "moved", "confirm": "yes"})
    never = office.register(reference_person="Sara Senzacarta", address="Via Nuova 2", resident="no")
    expired = office.register(reference_person="Paolo Scaduto", address="Via Viva 3")
    expired_card = office.issue(expired, office.guardians(expired)[0])
    office.clock.now = NOW + 20 * MONTH
    assert office.login().status_code == 302  # the session of 20 months ago has ended
    recent = office.register(reference_person="Rita Recente", address="Via Fresca 4", resident="no")
    office.push()
    batches = office.instance / "batches"
    batches.mkdir(mode=0o700, exist_ok=True)
    at = NOW + 25 * MONTH
    for name, age in (("old.csv", 31 * DAY), ("old.1.pdf", 40 * DAY), ("new.csv", 2 * DAY)):
        (batches / name).write_text("riferimento;referente\nA1;Giulia Dimenticata\n")
        os.utime(batches / name, (at - age, at - age))
    return {
        "ended": ended,
        "ended_card": ended_card,
        "never": never,
        "expired": expired,
        "expired_card": expired_card,
        "recent": recent,
        "at": to_rfc3339(at),
    }


def test_dry_run_lists_what_would_go_and_changes_nothing(office: Desk, network: dict[str, Any]) -> None:
    before = snapshot(office)
    result = run(office, "--at", network["at"], "--json")
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert listed["applied"] is False
    assert sorted(h["id"] for h in listed["households"]) == sorted([network["ended"], network["never"]])
    assert sorted(listed["files"]) == ["old.1.pdf", "old.csv"]
    assert "Dimenticat" not in result.output and "Senzacarta" not in result.output
    assert snapshot(office) == before
    people = run(office, "--at", network["at"])
    assert people.exit_code == 0 and "--apply" in people.output


def test_apply_erases_what_the_retention_ended_and_keeps_the_rest(
    office: Desk, network: dict[str, Any]
) -> None:
    result = run(office, "--at", network["at"], "--apply", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["applied"] is True
    db = office.db()
    ids = {row[0] for row in db.execute("select id from households")}
    assert ids == {network["expired"], network["recent"]}
    for table in ("guardians", "minors"):
        owners = {row[0] for row in db.execute(f"select household_id from {table}")}
        assert network["ended"] not in owners and network["never"] not in owners
    kept = office.card_row(network["ended_card"])  # what the accounts of the discounts need: no name
    assert kept["holder"] is None and kept["qr"] is None and kept["household_id"] is None
    assert kept["number"] and kept["status"] == "revoked" and kept["minors"] == 2
    assert office.card_row(network["expired_card"])["holder"] == "PAOLO SCADUTO"
    lines = [dict(r) for r in db["audit"].rows]
    assert not any("dimenticat" in json.dumps(line, ensure_ascii=False).lower() for line in lines)
    erased = [line for line in lines if line["action"] == "erase"]
    assert sorted(line["subject"] for line in erased) == sorted(
        [f"household {network['ended']}", f"household {network['never']}"]
    )
    assert all(line["detail"] == "retention" for line in erased)
    assert sorted(p.name for p in (office.instance / "batches").iterdir()) == ["new.csv"]
    if not db.postgres:  # the office's files hold its data on SQLite (PostgreSQL's: docs/deploy.md)
        data = raw_files(office.instance).upper()
        assert b"DIMENTICAT" not in data and b"SENZACARTA" not in data and b"VIA VECCHIA" not in data
        assert b"SCADUTO" in data  # the check can see names: those kept are there
    again = run(office, "--at", network["at"], "--json")
    assert json.loads(again.output)["households"] == []


def test_the_service_is_callable_without_the_command(office: Desk, network: dict[str, Any]) -> None:
    from cardsvc.core.timestamps import from_rfc3339

    at = from_rfc3339(network["at"])
    plan = purge(office.db(), office.instance, at, apply=False)
    assert sorted(h.id for h in plan.households) == sorted([network["ended"], network["never"]])
    assert office.db().execute("select count(*) from households").fetchone()[0] == 4


def test_erasure_on_request(office: Desk, network: dict[str, Any]) -> None:
    recent = network["recent"]
    result = run(office, "--household", str(recent), "--json")  # a dry run first
    assert result.exit_code == 0 and json.loads(result.output)["households"][0]["id"] == recent
    assert office.db()["households"].get(recent)
    result = run(office, "--household", str(recent), "--apply")
    assert result.exit_code == 0, result.output
    assert not office.db().execute("select 1 from households where id = ?", [recent]).fetchone()
    line = office.db().execute("select detail from audit where action = 'erase'").fetchone()
    assert line[0] == "request"


def test_erasure_of_a_household_with_an_active_card_is_refused(office: Desk, network: dict[str, Any]) -> None:
    office.clock.now = NOW + 3 * DAY
    before = snapshot(office)
    result = run(office, "--household", str(network["expired"]), "--apply")
    assert result.exit_code == 2
    assert "active card" in result.output and len(result.output.strip().splitlines()) == 1
    assert snapshot(office) == before
    with pytest.raises(ValueError, match="active card"):
        erase_household(office.db(), network["expired"], "anna", "request", NOW + 3 * DAY)


def test_erasure_from_the_household_page(office: Desk) -> None:
    household = office.register(reference_person="Lia Pagina", resident="no")
    page = office.client.get(f"/households/{household}").get_data(as_text=True)
    assert f"/households/{household}/erase" in page
    response = office.post(f"/households/{household}/erase")
    assert response.status_code == 303
    assert "Dati del nucleo cancellati." in office.client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert office.client.get(f"/households/{household}").status_code == 404
    audit = office.client.get("/audit").get_data(as_text=True)
    assert "<td>Nucleo cancellato</td>" in audit and "nucleo cancellato" in audit and "Pagina" not in audit


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--household", "999", "--apply"], {}, "household 999"),
        (["--apply"], {"FAMILYCARD_ISSUER_HOUSEHOLD_RETENTION": "soon"}, "HOUSEHOLD_RETENTION"),
        (["--apply"], {"FAMILYCARD_ISSUER_BATCH_FILE_RETENTION": "30 fortnights"}, "BATCH_FILE_RETENTION"),
        (["--apply", "--at", "yesterday"], {}, "--at"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(
    office: Desk, network: dict[str, Any], args: list[str], env: dict[str, str], message: str
) -> None:
    before = snapshot(office)
    result = run(office, *args, **env)
    assert result.exit_code == 2, result.output
    assert message in result.output and len(result.output.strip().splitlines()) == 1
    assert snapshot(office) == before


def test_the_page_refuses_to_erase_a_household_with_a_valid_card(office: Desk) -> None:
    household = office.register(reference_person="Ugo Attivo")
    office.issue(household, office.guardians(household)[0])
    refused = office.post(f"/households/{household}/erase")
    assert refused.status_code == 303 and refused.headers["Location"].endswith(f"/households/{household}")
    page = office.client.get(f"/households/{household}").get_data(as_text=True)
    assert "revocarla" in page and "Ugo Attivo" in page
    assert office.post("/households/9999/erase").status_code == 404


def test_the_served_office_deletes_old_batch_files_in_its_background_round(
    office: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cardsvc.platform import retry_loop
    from issuer import background

    batches = office.instance / "batches"
    batches.mkdir(mode=0o700, exist_ok=True)
    for name, age in (("old.csv", 31 * DAY), ("new.csv", DAY)):
        (batches / name).write_text("riferimento;referente\n")
        os.utime(batches / name, (NOW - age, NOW - age))
    rounds: list[object] = []
    monkeypatch.setattr(retry_loop, "_started", {})
    monkeypatch.setattr(background, "RetryLoop", lambda _name, run, *_args: rounds.append(run) or _Idle())
    office.app.config["PUSH_IN_BACKGROUND"] = True
    background.start_background_push(office.app)
    rounds[0]()  # type: ignore[operator]
    assert sorted(p.name for p in batches.iterdir()) == ["new.csv"]


class _Idle:
    def start(self) -> None:
        pass
