"""Batches kept in the office's database: their page and A4 sheets outlive a restart, the sheets come from
the instance folder (wherever the office runs from), a "Lotti" page lists them, and only operators of the
batch's comune see any of it."""

from __future__ import annotations

import io
import re
import stat
import time
from pathlib import Path
from typing import Any

import pytest

from issuer import create_app
from tests.functional.conftest import PASS
from tests.functional.issuer.conftest import Desk

pytestmark = pytest.mark.functional


GOOD = """riferimento;referente;altri_genitori;anni_nascita_figli;indirizzo;residente;isee;carte
A-1;Giulia Brambilla;Marco Colombo;2015/2019;Via Roma 12;si;;tutti
A-2;Luca Rossi;;2012;Corso Italia 3;si;;
A-3;Anna Bianchi;Paolo Verdi;2001;Via Manzoni 8;si;;tutti
"""


def restarted(office: Desk, instance: str | None = None, username: str = "seveso-office") -> Desk:
    """The same office as a new process sees it: a new app on the same instance folder."""
    app = create_app(
        {
            "INSTANCE": instance or str(office.instance),
            "PASSPHRASE": PASS,
            "CLOCK": office.clock,
            "TRANSPORT": office.transport,
            "PUSH_IN_BACKGROUND": False,
            "TESTING": True,
        }
    )
    desk = Desk(app, app.test_client(), office.clock, office.central, office.instance, office.transport)
    assert desk.login(username).status_code == 302
    return desk


def checked(office: Desk, text: str = GOOD, name: str = "nuclei.csv") -> str:
    """Upload and check a file; the batch's token."""
    page = office.post(
        "/batch", {"file": (io.BytesIO(text.encode()), name)}, content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)  # fmt: skip
    found = re.search(r'action="/batch/(\w+)/run"', page)
    assert found, page
    return found.group(1)


def finished(office: Desk, token: str) -> dict[str, Any]:
    assert office.post(f"/batch/{token}/run").status_code == 303
    deadline = time.monotonic() + 30
    while not (state := office.client.get(f"/batch/{token}/progress").json)["finished"]:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return dict(state)


def test_sheets_come_from_the_instance_folder_when_it_is_a_relative_path(
    office: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    relative = restarted(office, instance="office")
    token = checked(relative)
    assert finished(relative, token)["cards"] == 3
    page = relative.client.get(f"/batch/{token}").get_data(as_text=True)
    assert f'href="/batch/{token}/sheets.pdf"' in page
    with relative.client.get(f"/batch/{token}/sheets.pdf") as sheets:
        assert sheets.status_code == 200 and sheets.data.startswith(b"%PDF")


def test_a_batch_outlives_a_restart_and_is_listed(office: Desk) -> None:
    token = checked(office)
    state = finished(office, token)
    assert state["done"] == state["total"] == 3 and state["error"] is None
    again = restarted(office)
    page = again.client.get(f"/batch/{token}").get_data(as_text=True)
    assert "Nuclei nuovi: 3; già registrati: 0; carte emesse: 3" in page
    assert "Anna Bianchi" in page and "non ha diritto" in page
    with again.client.get(f"/batch/{token}/sheets.pdf") as sheets:
        assert sheets.status_code == 200 and sheets.data.startswith(b"%PDF")
    listing = again.client.get("/batches")
    text = listing.get_data(as_text=True)
    assert listing.status_code == 200 and "Lotti" in text
    row = re.search(rf'<tr id="batch-{token}">(.*?)</tr>', text, re.S)
    assert row, text
    cells = re.sub(r"<[^>]+>", "|", row.group(1))
    assert "seveso-office" in cells and "nuclei.csv" in cells and "completato" in cells
    assert f'href="/batch/{token}/sheets.pdf"' in row.group(1)
    assert re.search(r"\|3\|.*\|3\|", cells)  # households in the file, cards issued


def test_batch_files_are_private_and_the_database_keeps_no_names(office: Desk) -> None:
    token = checked(office)
    finished(office, token)
    folder = office.instance / "batches"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    files = sorted(folder.iterdir())
    assert {p.suffix for p in files} == {".csv", ".pdf"}
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in files)
    row = dict(office.db()["batches"].get(token, by="token"))
    assert "Bianchi" not in repr(row) and row["status"] == "done" and row["cards_issued"] == 3


def test_another_comune_sees_nothing_of_a_batch(office: Desk) -> None:
    token = checked(office)
    finished(office, token)
    other = restarted(office, username="brugherio-office")
    for path in (f"/batch/{token}", f"/batch/{token}/sheets.pdf", f"/batch/{token}/progress"):
        assert other.client.get(path).status_code == 404, path
    assert other.post(f"/batch/{token}/run").status_code == 404
    assert token not in other.client.get("/batches").get_data(as_text=True)


class Crash(BaseException):
    """The office's process ending in the middle of a batch."""


def test_an_interrupted_batch_says_so_and_goes_on_where_it_stopped(
    office: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    from issuer import batch, batch_jobs
    from issuer.view_helpers import office as office_context

    token = checked(office)
    real_issue, calls = batch.issue_locked, []

    def issue_then_crash(*args: Any) -> Any:
        calls.append(args)
        if len(calls) == 3:  # the second row's card: the first row (two cards) is stored
            raise Crash()
        return real_issue(*args)

    monkeypatch.setattr(batch, "issue_locked", issue_then_crash)
    db = office.db()
    batch_jobs.start_batch(db, token, "seveso-office", office.clock.now)
    with office.app.app_context(), pytest.raises(Crash):
        batch_jobs.run_batch(db, office_context(), "Seveso", token, lambda: office.clock.now)
    monkeypatch.setattr(batch, "issue_locked", real_issue)
    again = restarted(office)
    page = again.client.get(f"/batch/{token}").get_data(as_text=True)
    assert "interrotto" in page and "registrata 1 riga su 3" in page
    assert f'action="/batch/{token}/run"' in page
    state = finished(again, token)
    assert state["cards"] == 3 and state["error"] is None
    row = dict(office.db()["batches"].get(token, by="token"))
    assert (row["households_new"], row["households_known"], row["cards_issued"]) == (3, 0, 3)
    page = again.client.get(f"/batch/{token}").get_data(as_text=True)
    assert "ha già una carta" not in page  # the first row was not done again
    assert len(batch_jobs.issued_cards(office.db(), token)) == 3  # all on the sheets
    assert (office.instance / "batches" / f"{token}.pdf").read_bytes().startswith(b"%PDF")


def test_sheets_deleted_after_their_retention_are_said_so(office: Desk) -> None:
    token = checked(office)
    finished(office, token)
    (office.instance / "batches" / f"{token}.pdf").unlink()
    response = office.client.get(f"/batch/{token}/sheets.pdf")
    assert response.status_code == 410 and "non sono più disponibili" in response.get_data(as_text=True)
    page = office.client.get(f"/batch/{token}").get_data(as_text=True)
    assert "non sono più disponibili" in page and "sheets.pdf" not in page


def test_the_list_of_batches_pages_and_refuses_a_bad_page(office: Desk) -> None:
    response = office.client.get("/batches?page=abc")
    assert response.status_code == 400 and "pagina" in response.get_data(as_text=True).lower()
    assert "Nessun lotto" in office.client.get("/batches").get_data(as_text=True)
