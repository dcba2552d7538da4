"""The office's forms keep what was typed and say each error beside its field (nothing stored), and every
action says what it did; a batch's page says "Fatto" only when it is done; one card prints on an A4 page
with a note for the family."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from cardsvc.core import read_card_qr
from tests.functional.form_checks import error_of, flashes, no_error, value_of
from tests.functional.issuer.conftest import Desk
from tests.functional.issuer.test_batches import GOOD, checked, finished
from tests.functional.issuer.test_cards import issued, verify

pytestmark = pytest.mark.functional
TYPED = {
    "reference_person": "Giulia Viganò",
    "other_guardians": "Marco Colombo",
    "birth_years": "2015; duemila",
    "address": "",
    "isee": "dodicimila",
}


def _households(office: Desk) -> int:
    return int(office.db().execute("select count(*) from households").fetchone()[0])


def test_the_household_form_keeps_what_was_typed_and_says_each_error_beside_its_field(office: Desk) -> None:
    response = office.post("/households/new", {**TYPED, "resident": "si"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and _households(office) == 0
    for name, typed in TYPED.items():
        assert value_of(page, name) == typed, name
    assert value_of(page, "resident") == "si"
    assert error_of(page, "birth_years").startswith("«duemila» non è un anno di nascita")
    assert error_of(page, "address") == "campo obbligatorio."
    assert error_of(page, "isee").startswith("«dodicimila»")
    assert no_error(page, "reference_person") and no_error(page, "other_guardians")
    assert flashes(page, "error") == ["Correggere i 3 campi indicati qui sotto."]

    unticked = office.post("/households/new", {**TYPED}).get_data(as_text=True)
    assert value_of(unticked, "resident") == ""  # a box left unticked stays unticked

    saved = office.post(
        "/households/new",
        {**TYPED, "birth_years": "2015", "address": "Via Cavour 21", "isee": "", "resident": "si"},
        follow_redirects=True,
    )
    assert saved.request.path.startswith("/households/") and _households(office) == 1
    assert flashes(saved.get_data(as_text=True)) == ["Nucleo di Giulia Viganò registrato."]


def test_editing_a_household_keeps_the_typed_values_and_says_it_was_updated(office: Desk) -> None:
    household = office.register()
    bad = office.post(f"/households/{household}/edit", {"reference_person": "", "address": "Via Roma 1"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and value_of(page, "address") == "Via Roma 1"
    assert error_of(page, "reference_person") == "campo obbligatorio."
    assert office.db()["households"].get(household)["address"] == "Via Roma 12"  # unchanged
    data = {
        "reference_person": "Giulia Brambilla",
        "birth_years": "2015",
        "address": "Via Roma 1",
        "resident": "si",
    }
    saved = office.post(f"/households/{household}/edit", data, follow_redirects=True)
    assert flashes(saved.get_data(as_text=True)) == ["Nucleo di Giulia Brambilla aggiornato."]


def test_the_household_form_in_english(office: Desk) -> None:
    office.client.get("/?lang=en")
    page = office.post("/households/new", {**TYPED, "address": "Via Roma 1"}).get_data(as_text=True)
    assert flashes(page, "error") == ["Correct the 2 fields marked below."]
    assert value_of(page, "reference_person") == "Giulia Viganò"


def test_the_csv_form_says_a_missing_file_or_its_errors_beside_the_file_input(office: Desk) -> None:
    missing = office.post("/batch", {}, content_type="multipart/form-data")
    assert missing.status_code == 422
    assert error_of(missing.get_data(as_text=True), "file") == "Scegliere un file CSV (non vuoto)."
    empty = office.post("/batch", {"file": (io.BytesIO(b""), "n.csv")}, content_type="multipart/form-data")
    assert error_of(empty.get_data(as_text=True), "file") == "Scegliere un file CSV (non vuoto)."
    broken = GOOD.replace(";Via Roma 12;", ";;", 1)
    refused = office.post(
        "/batch", {"file": (io.BytesIO(broken.encode()), "n.csv")}, content_type="multipart/form-data"
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="batch-errors-table"' in page
    assert error_of(page, "file").startswith("Il file ha 1 errore")
    assert office.db().execute("select count(*) from batches").fetchone()[0] == 0


def test_a_wrong_password_keeps_the_user_name_and_never_the_password(office: Desk) -> None:
    office.client.post("/logout", data={"csrf_token": office.csrf})
    office.refresh_token()
    response = office.client.post(
        "/login", data={"csrf_token": office.csrf, "username": "seveso-office", "password": "sbagliata"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 401 and value_of(page, "username") == "seveso-office"
    assert value_of(page, "password") == "" and "sbagliata" not in page


def test_every_card_action_says_what_it_did(office: Desk) -> None:
    household = office.register()
    issue = office.post(
        f"/households/{household}/cards",
        {"guardian_id": str(office.guardians(household)[0])},
        follow_redirects=True,
    )
    number = office.db().execute("select number from cards").fetchone()[0]
    assert flashes(issue.get_data(as_text=True)) == [f"Carta {number} emessa."]
    cti = issue.request.path.rsplit("/", 1)[1]
    no_reason = office.post(f"/cards/{cti}/revoke", {"reason": ""})
    page = no_reason.get_data(as_text=True)
    assert no_reason.status_code == 422 and office.card_row(cti)["status"] == "active"
    select = re.search(r'<select id="revoke-reason"[^>]*>', page)
    assert select and 'aria-invalid="true"' in select.group(0)
    assert 'aria-describedby="revoke-reason-error"' in select.group(0)
    assert re.search(r'id="revoke-reason-error">Scegliere il motivo', page)
    assert 'aria-describedby="reissue-reason-error"' not in page  # only the form that was sent
    revoked = office.post(
        f"/cards/{cti}/revoke", {"reason": "moved", "confirm": "yes"}, follow_redirects=True
    )
    [said] = flashes(revoked.get_data(as_text=True))
    assert number in said and "trasferit" in said


def test_a_running_batch_never_says_it_is_done(office: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    token = checked(office)
    db = office.db()
    with db.atomic():
        db["batches"].update(token, {"status": "running", "done": 1, "total": 3}, by="token")
    monkeypatch.setattr("issuer.views_batch.Runner.running", lambda self, token: True)
    page = office.client.get(f"/batch/{token}").get_data(as_text=True)
    assert 'id="batch-state" class="batch-state running">in corso<' in page
    assert "Fatto" not in page and 'id="batch-done"' not in page and "Finora:" in page
    monkeypatch.undo()
    with db.atomic():
        db["batches"].update(token, {"status": "ready", "done": 0}, by="token")
    finished(office, token)
    done = office.client.get(f"/batch/{token}").get_data(as_text=True)
    assert ">completato<" in done and "Fatto." in done and "in corso" not in done and "Finora" not in done


def test_one_card_prints_at_its_real_size_on_an_a4_page_with_a_note(office: Desk, tmp_path: Path) -> None:
    _household, cti = issued(office)
    text = office.card_row(cti)["qr"]
    card_page = office.client.get(f"/cards/{cti}").get_data(as_text=True)
    assert f'href="/cards/{cti}/a4.pdf"' in card_page and "Stampa su A4 con istruzioni" in card_page
    pdf = office.client.get(f"/cards/{cti}/a4.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    (tmp_path / "a4.pdf").write_bytes(pdf.data)
    subprocess.run(
        ["pdftoppm", "-r", "300", "-png", str(tmp_path / "a4.pdf"), str(tmp_path / "a4")], check=True
    )
    [rendered] = sorted(tmp_path.glob("a4*.png"))
    with Image.open(rendered) as image:
        assert abs(image.width - 2480) <= 2 and abs(image.height - 3508) <= 2  # 210 × 297 mm
    decoded = read_card_qr(rendered.read_bytes())
    assert decoded == text and verify(office, decoded) == "ACCEPTED"
    audit = office.client.get("/audit").get_data(as_text=True)
    assert "carta su A4 con istruzioni (PDF)" in audit
