"""The office's CSV import keeps every value as written, reads what Excel saves (CSV Macintosh, Unicode
text), refuses in words what it cannot take (an over-long cell, a formula, a bidi control in a name),
through the page and the command alike."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cardsvc.cli import main
from issuer.batch import parse_batch
from tests.functional.conftest import PASS
from tests.functional.issuer.conftest import Desk

pytestmark = pytest.mark.functional


HEADER = ["riferimento", "referente", "altri_genitori", "anni_nascita_figli", "indirizzo", "residente"]


def table(*rows: list[str], separator: str = ";", newline: str = "\n") -> str:
    return "".join(separator.join(cells) + newline for cells in (HEADER, *rows))


def upload(office: Desk, data: bytes) -> tuple[int, str]:
    response = office.post(
        "/batch", {"file": (io.BytesIO(data), "nuclei.csv")}, content_type="multipart/form-data",
        follow_redirects=True,
    )  # fmt: skip
    return response.status_code, html.unescape(response.get_data(as_text=True))


def import_csv(office: Desk, tmp_path: Path, data: bytes) -> tuple[int, str]:
    source = tmp_path / "nuclei.csv"
    source.write_bytes(data)
    args = ["issuer", "import-csv", "--instance", str(office.instance), "--istat", "108040"]
    args += ["--operator", "seveso-office", "--file", str(source)]
    result = CliRunner().invoke(main, args, env={"FAMILYCARD_PASSPHRASE": PASS})
    return result.exit_code, result.output


def test_slashes_are_kept_except_between_list_items() -> None:
    text = table(["R/1", "Maria Rossi", "Marco Colombo/Anna Verdi", "2015/2019", "Via Roma 12/A", "si"])
    [row], errors = parse_batch(text.encode(), 2026)
    assert errors == []
    assert row.ref == "R/1" and row.household.address == "Via Roma 12/A"
    assert row.household.other_guardians == ("Marco Colombo", "Anna Verdi")
    assert row.household.birth_years == (2015, 2019)


@pytest.mark.parametrize(
    "data",
    [
        # Excel on a Mac, "CSV Macintosh": Mac Roman, lines ended by CR alone
        table(["M-1", "Niccolò Pèrego", "", "2018", "Via Verdi 1/B", "sì"], newline="\r").encode("mac_roman"),
        # Excel, "Unicode text": UTF-16 little-endian with its byte order mark, tabs between cells
        b"\xff\xfe"
        + table(["M-1", "Niccolò Pèrego", "", "2018", "Via Verdi 1/B", "sì"], "\t", "\r\n").encode(
            "utf-16-le"
        ),
        # UTF-8 with a byte order mark and CR LF
        "\ufeff".encode()
        + table(["M-1", "Niccolò Pèrego", "", "2018", "Via Verdi 1/B", "sì"], newline="\r\n").encode(),
    ],
    ids=["csv-macintosh", "unicode-text", "utf8-bom-crlf"],
)
def test_what_excel_saves_is_read(data: bytes) -> None:
    [row], errors = parse_batch(data, 2026)
    assert errors == []
    assert (row.ref, row.household.reference_person, row.household.address) == (
        "M-1",
        "Niccolò Pèrego",
        "Via Verdi 1/B",
    )


def test_an_address_with_a_slash_is_stored_as_written(office: Desk) -> None:
    text = table(["S-1", "Maria Rossi", "", "2015", "Via Roma 12/A", "si"])
    status, page = upload(office, text.encode())
    assert status == 200, page
    token = re.search(r'action="/batch/(\w+)/run"', page).group(1)  # type: ignore[union-attr]
    assert office.post(f"/batch/{token}/run").status_code == 303
    for _ in range(600):
        if office.client.get(f"/batch/{token}/progress").json["finished"]:
            break
    assert office.db().execute("select address from households").fetchall() == [("Via Roma 12/A",)]


def over_long_cell() -> bytes:
    return table(["L-1", "Maria Rossi", "", "2015", "Via Roma " + "1" * 140_000, "si"]).encode()


def test_an_over_long_cell_is_refused_in_words(office: Desk, tmp_path: Path) -> None:
    status, page = upload(office, over_long_cell())
    assert status == 422 and "cella troppo lunga" in page
    code, output = import_csv(office, tmp_path, over_long_cell())
    assert code == 2 and "cella troppo lunga" in output and "Traceback" not in output


@pytest.mark.parametrize(
    "data",
    [
        table(["M-1", "Maria Rossi", "", "2015", "Via Roma 1", "si"], newline="\r").encode("mac_roman"),
        b"\xff\xfe" + table(["M-1", "Maria Rossi", "", "2015", "Via Roma 1", "si"], "\t").encode("utf-16-le"),
    ],
    ids=["csv-macintosh", "unicode-text"],
)
def test_excel_files_through_the_page_and_the_command(office: Desk, tmp_path: Path, data: bytes) -> None:
    status, page = upload(office, data)
    assert status == 200 and "1 nucleo pronto" in page, page
    code, output = import_csv(office, tmp_path, data)
    assert code == 0 and "1 new households" in output, output


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("referente", '=HYPERLINK("http://example.com","Rossi")', "non può iniziare con"),
        ("referente", "+39 333 1234567", "non può iniziare con"),
        ("referente", "-Rossi", "non può iniziare con"),
        ("altri_genitori", "Marco Colombo/@SUM(A1)", "non può iniziare con"),
        ("referente", "Maria \u202eissoR", "direzione del testo"),
        ("altri_genitori", "Marco\u2066 Colombo", "direzione del testo"),
    ],
)
def test_formulas_and_bidi_controls_in_names_are_refused(
    office: Desk, tmp_path: Path, column: str, value: str, words: str
) -> None:
    cells = {
        "riferimento": "F-1",
        "referente": "Maria Rossi",
        "altri_genitori": "",
        "anni_nascita_figli": "2015",
    }
    cells |= {"indirizzo": "Via Roma 1", "residente": "si", column: value}
    data = table([cells[name] for name in HEADER]).encode()
    status, page = upload(office, data)
    assert status == 422 and words in page and "troppo lungo" not in page
    assert re.search(rf"<td>2</td><td>[^<]*</td><td>{column}</td>", page), page
    code, output = import_csv(office, tmp_path, data)
    assert code == 2 and words in output
    assert office.db().execute("select count(*) from households").fetchone()[0] == 0


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("=1+1", "non può iniziare con"),
        ("@Rossi", "non può iniziare con"),
        ("Anna \u202eRossi", "direzione del testo"),
    ],
)
def test_the_household_form_refuses_them_too(office: Desk, value: str, words: str) -> None:
    data = {"reference_person": value, "birth_years": "2015", "address": "Via Roma 1", "resident": "si"}
    response = office.post("/households/new", data)
    assert response.status_code == 422 and words in html.unescape(response.get_data(as_text=True))
