"""The office's instance folder is 0700 and its files 0600 from ``init`` on, uploaded batches and A4
sheets included; ``serve`` refuses a database other users can read."""

from __future__ import annotations

import io
import re
import time

import pytest

from tests.functional.issuer.conftest import Desk
from tests.functional.private_files import assert_private, refused_serve

pytestmark = pytest.mark.functional


def test_office_instance_and_batch_files_are_private(office: Desk) -> None:
    data = "riferimento;referente;anni_nascita_figli;indirizzo;residente\nA1;Anna Neri;2016;Via Po 1;si\n"
    upload = {"file": (io.BytesIO(data.encode()), "nuclei.csv")}
    checked = office.post("/batch", upload, follow_redirects=True)
    assert checked.status_code == 200
    token = re.search(r'action="/batch/(\w+)/run"', checked.get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    assert office.post(f"/batch/{token}/run").status_code == 303
    for _ in range(200):
        if list((office.instance / "batches").glob("*.pdf")):
            break
        time.sleep(0.05)
    assert list((office.instance / "batches").glob("*.pdf")), "the A4 sheets were not written"
    assert_private(office.instance)


@pytest.mark.parametrize("office", ["sqlite"], indirect=True)  # the file itself
def test_serve_refuses_a_world_readable_database(office: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    database = office.instance / "issuer.db"
    database.chmod(0o604)
    message = refused_serve(monkeypatch, "issuer", "serve", "--instance", str(office.instance))
    assert f"chmod 600 {database}" in message
