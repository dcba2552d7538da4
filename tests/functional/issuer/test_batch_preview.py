"""Before a batch writes anything, its page says what it will do: the households it will register and
those already registered (reference, guardians, minors), the cards it will issue and who gets none and
why, with a confirm button that says it; a file with errors gets them in a table with headers and each
household's reference."""

from __future__ import annotations

import html
import io
import re

import pytest

from tests.functional.issuer.conftest import Desk
from tests.functional.issuer.test_batches import GOOD, checked, finished

pytestmark = pytest.mark.functional


def cells(page: str, table_id: str) -> list[list[str]]:
    table = re.search(rf'<table id="{table_id}">(.*?)</table>', page, re.S)
    assert table, page
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S)
    cell = re.compile(r"<t[dh][^>]*>(.*?)</t[dh]>", re.S)
    return [
        [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cell.findall(r)] for r in rows
    ]


def preview(office: Desk, text: str = GOOD) -> tuple[str, str]:
    token = checked(office, text)
    return token, office.client.get(f"/batch/{token}").get_data(as_text=True)


def test_the_preview_says_who_will_be_registered_and_how_many_cards_before_anything_is_written(
    office: Desk,
) -> None:
    _token, page = preview(office)
    assert office.db().execute("select count(*) from households").fetchone()[0] == 0
    assert office.db().execute("select count(*) from cards").fetchone()[0] == 0
    summary = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert "Nuclei nel file: 3 (nuovi 3, già registrati 0). Carte da emettere: 3." in summary
    assert "1 nucleo non ha diritto alla carta: vedere le note." in summary
    assert cells(page, "batch-plan") == [
        ["Riga", "Riferimento", "Persona di riferimento", "Altri genitori o tutori", "Figli minori", "Nucleo",
         "Carte da emettere", "Note"],
        ["2", "A-1", "Giulia Brambilla", "Marco Colombo", "2", "nuovo", "2", ""],
        ["3", "A-2", "Luca Rossi", "", "1", "nuovo", "1", ""],
        ["4", "A-3", "Anna Bianchi", "Paolo Verdi", "0", "nuovo", "0",
         "Non ha diritto: serve almeno 1 figlio minore, il nucleo ne ha 0."],
    ]  # fmt: skip
    assert re.search(r'<button[^>]*id="run-batch"[^>]*>Registra 3 nuclei ed emetti 3 carte</button>', page)


def test_a_file_run_before_issues_nothing_and_the_preview_says_so(office: Desk) -> None:
    finished(office, checked(office))
    _token, page = preview(office)
    rows = cells(page, "batch-plan")
    assert [r[5] for r in rows[1:]] == ["già registrato"] * 3 and [r[6] for r in rows[1:]] == ["0"] * 3
    assert "Giulia Brambilla ha già una carta attiva." in rows[1][7]
    assert re.search(r'id="run-batch"[^>]*>Registra 0 nuclei ed emetti 0 carte<', page)


def test_without_an_active_key_the_preview_says_no_card_will_be_issued(office: Desk) -> None:
    office.client.post("/logout", data={"csrf_token": office.csrf})
    office.login("brugherio-office")
    _token, page = preview(office, GOOD.replace(";;tutti", ";12000;tutti").replace(";si;;\n", ";si;12000;\n"))
    assert "Nessuna chiave attiva" in page and "Carte da emettere: 0." in " ".join(page.split())


def test_row_errors_come_in_a_table_with_headers_and_the_reference(office: Desk) -> None:
    bad = (
        "riferimento;referente;altri_genitori;anni_nascita_figli;indirizzo;residente;isee;carte\n"
        "B-1;Giulia Brambilla;;2015;Via Roma 1;si;;\n"
        "B-2;;;2015;Via Roma 2;si;;\n"
        "B-3;Luca Rossi;;duemila;Via Roma 3;si;;\n"
    )
    response = office.post(
        "/batch", {"file": (io.BytesIO(bad.encode()), "n.csv")}, content_type="multipart/form-data"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert cells(page, "batch-errors-table") == [
        ["Riga", "Riferimento", "Campo", "Cosa correggere"],
        ["3", "B-2", "referente", "campo obbligatorio."],
        ["4", "B-3", "anni_nascita_figli", "«duemila» non è un anno di nascita di un figlio (tra 2026 e 30 "
         "anni prima)."],
    ]  # fmt: skip
    assert office.db().execute("select count(*) from batches").fetchone()[0] == 0


def test_the_preview_in_english(office: Desk) -> None:
    office.client.get("/?lang=en")
    _token, page = preview(office)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert "Households in the file: 3 (new 3, already registered 0). Cards to issue: 3." in text
    assert "Register 3 households and issue 3 cards" in text
