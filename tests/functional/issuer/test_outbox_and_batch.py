"""Card events queued while the central service is down and delivered exactly once when it is back;
batch issuance from CSV: every row error at once, a job with progress, sheets, and a safe re-run."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from cardsvc.central.schema import open_database as open_central
from cardsvc.cli import main
from issuer.batch import parse_batch
from tests.functional.conftest import PASS, Central
from tests.functional.issuer.conftest import Desk
from tests.functional.kiosk.conftest import in_process_transport
from tests.functional.kiosk.test_sync import Unreliable

pytestmark = pytest.mark.functional


GOOD = """riferimento;referente;altri_genitori;anni_nascita_figli;indirizzo;residente;isee;carte
A-1;Giulia Brambilla;Marco Colombo;2015/2019;Via Roma 12;si;;tutti
A-2;Luca Rossi;;2012;Corso Italia 3;si;;
A-3;Anna Bianchi;Paolo Verdi;2001;Via Manzoni 8;si;;tutti
"""


def central_cards(central: Central) -> dict[str, int]:
    db = open_central(str(central.instance / "central.db"))
    rows = db.execute("select count(*), count(revoked_at) from cards").fetchone()
    return {"cards": rows[0], "revoked": rows[1]}


def test_events_wait_while_the_central_service_is_down(
    make_office_with: Callable[..., Desk], central: Central
) -> None:
    transport = Unreliable("ok")
    transport.inner = in_process_transport(central.client)
    office = make_office_with(transport)
    transport.mode = "down"
    household = office.register()
    cti = office.issue(household, office.guardians(household)[0])
    office.post(f"/cards/{cti}/reissue", {"reason": "stolen", "confirm": "yes"})
    page = office.client.get("/events").get_data(as_text=True)
    assert "3 eventi in attesa" in page  # issued, revoked, issued
    office.post("/events/push")
    page = office.client.get("/events").get_data(as_text=True)
    assert "3 eventi in attesa" in page and "central service down" in page
    assert central_cards(central) == {"cards": 0, "revoked": 0}
    transport.mode = "half"  # back, but answers get lost on the way
    for _ in range(30):
        try:
            office.push()
            break
        except Exception:
            continue
    assert "Tutto inviato alla rete" in office.client.get("/events").get_data(as_text=True)
    assert central_cards(central) == {"cards": 2, "revoked": 1}
    transport.mode = "twice"
    office.push()
    assert central_cards(central) == {"cards": 2, "revoked": 1}


def test_no_personal_data_leaves_the_office(office: Desk, central: Central) -> None:
    household = office.register(reference_person="Giulia Brambilla", address="Via Segreta 7")
    office.issue(household, office.guardians(household)[0])
    office.push()
    sent = " ".join(row[0] for row in office.db().execute("select event from outbox"))
    assert "Brambilla" not in sent and "BRAMBILLA" not in sent and "Segreta" not in sent
    central_rows = json.dumps(list(open_central(str(central.instance / "central.db"))["cards"].rows))
    assert "BRAMBILLA" not in central_rows and re.search(r'"household": "[0-9a-f]{64}"', central_rows)


def test_csv_errors_are_all_reported_with_their_lines_and_nothing_is_stored(office: Desk) -> None:
    bad = (
        "riferimento;referente;altri_genitori;anni_nascita_figli;indirizzo;residente;isee;carte\n"
        "B-1;Giulia Brambilla;;2015;Via Roma 1;si;;\n"
        "B-2;;;2015;Via Roma 2;si;;\n"
        "B-3;Luca Rossi;;duemila;Via Roma 3;forse;;\n"
        "B-1;Anna Verdi;;2016;;si;;qualcuno\n"
    )
    response = office.post(
        "/batch", {"file": (io_bytes(bad), "nuclei.csv")}, content_type="multipart/form-data"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Il file ha 6 errori" in page
    for line, message in [
        (3, "campo obbligatorio"),
        (4, "«duemila» non è un anno"),
        (4, "«forse»: scrivere sì o no"),
        (5, "riferimento già usato alla riga 2"),
        (5, "campo obbligatorio"),
        (5, "«qualcuno»: scrivere referente o tutti"),
    ]:
        row = rf"<td>{line}</td><td>B-\d</td><td>\w+</td><td>{re.escape(message)}"  # line, reference, field
        assert re.search(row, page), (line, message)
    assert office.db().execute("select count(*) from households").fetchone()[0] == 0


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"nome;cognome\nA;B\n", "missing_columns"),
        (b"riferimento;referente;indirizzo;residente;colore\n", "unknown_columns"),
        (b"riferimento;referente;indirizzo;residente\n", "no_rows"),
        (b"\x00\x01" * 3_000_000, "file_too_large"),
    ],
)
def test_files_that_are_not_household_lists(data: bytes, code: str) -> None:
    rows, errors = parse_batch(data, 2026)
    assert rows == [] and [e.code for e in errors] == [code]


def test_windows_encoding_and_commas_are_read(office: Desk) -> None:
    text = "riferimento,referente,anni_nascita_figli,indirizzo,residente\n"
    text += "C-1,Niccolò Pèrego,2018,Via Verdi 1,sì\n"
    rows, errors = parse_batch(text.encode("cp1252"), 2026)
    assert errors == [] and rows[0].household.reference_person == "Niccolò Pèrego"


def io_bytes(text: str) -> object:
    import io

    return io.BytesIO(text.encode())


def test_batch_job_issues_prints_and_a_rerun_issues_nothing_twice(office: Desk) -> None:
    def run() -> str:
        checked = office.post(
            "/batch", {"file": (io_bytes(GOOD), "nuclei.csv")}, content_type="multipart/form-data",
            follow_redirects=True,
        )  # fmt: skip
        assert checked.status_code == 200 and "3 nuclei pronti" in checked.get_data(as_text=True)
        token = re.search(r'action="/batch/(\w+)/run"', checked.get_data(as_text=True)).group(1)  # type: ignore[union-attr]
        started = office.post(f"/batch/{token}/run")
        assert started.status_code == 303
        deadline = time.monotonic() + 30
        while not (state := office.client.get(f"/batch/{token}/progress").json)["finished"]:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert state["done"] == state["total"] == 3 and state["error"] is None
        return token

    token = run()
    page = office.client.get(f"/batch/{token}").get_data(as_text=True)
    assert "Nuclei nuovi: 3; già registrati: 0; carte emesse: 3" in page
    assert "Anna Bianchi" in page and "non ha diritto" in page  # line 4: no minor children
    with office.client.get(f"/batch/{token}/sheets.pdf") as sheets:
        assert sheets.status_code == 200 and sheets.data.startswith(b"%PDF")
    with office.client.get("/batch/sample.csv") as sample:
        rows, errors = parse_batch(sample.data, 2026)
        assert errors == [] and len(rows) == 3  # the sample file the page offers is a valid file
    token = run()
    page = office.client.get(f"/batch/{token}").get_data(as_text=True)
    assert "Nuclei nuovi: 0; già registrati: 3; carte emesse: 0" in page
    assert office.db().execute("select count(*) from cards").fetchone()[0] == 3


def test_batch_from_the_command_line(office: Desk, tmp_path: Path) -> None:
    source = tmp_path / "nuclei.csv"
    source.write_text(GOOD)
    sheets = tmp_path / "fogli.pdf"
    args = ["issuer", "import-csv", "--instance", str(office.instance), "--istat", "108040"]
    args += ["--operator", "seveso-office", "--file", str(source), "--sheets", str(sheets), "--json"]
    result = CliRunner().invoke(main, args, env={"FAMILYCARD_PASSPHRASE": PASS})
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output[result.output.index("{") :])
    assert summary["households_new"] == 3 and len(summary["cards"]) == 3
    assert summary["skipped"][0]["reason"] == "ineligible" and sheets.read_bytes().startswith(b"%PDF")
    again = CliRunner().invoke(main, args, env={"FAMILYCARD_PASSPHRASE": PASS})
    assert json.loads(again.output[again.output.index("{") :])["cards"] == []
    source.write_text(GOOD.replace("Via Roma 12", ""))
    refused = CliRunner().invoke(main, args, env={"FAMILYCARD_PASSPHRASE": PASS})
    assert refused.exit_code == 2 and "line 2, indirizzo: campo obbligatorio" in refused.output
