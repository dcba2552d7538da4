"""Each office page speaks one language, Italian by default and English on request; plural messages
take the form their number asks for; printed cards and the command line's row errors name their
language."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from cardsvc.cli import main
from issuer.printing import PrintedCard, card_image
from tests.functional.conftest import NOW, PASS
from tests.functional.issuer.conftest import Desk
from tests.functional.page_languages import foreign_words

pytestmark = pytest.mark.functional
TRANSLATIONS = Path(__file__).resolve().parents[3] / "issuer/translations"
DATA = ("Giulia Brambilla", "Marco Colombo", "GIULIA BRAMBILLA", "Via Roma 12", "seveso-office")
HEADER = "riferimento;referente;altri_genitori;anni_nascita_figli;indirizzo;residente;isee;carte\n"


@pytest.mark.parametrize("lang", ["it", "en"])
def test_every_page_speaks_one_language(office: Desk, lang: str) -> None:
    household = office.register()
    card = office.issue(household, office.guardians(household)[0])
    office.client.get(f"/?lang={lang}")
    for path in ("/", "/households/new", f"/households/{household}", f"/households/{household}/edit",
                 f"/cards/{card}", "/batch", "/batches", "/events", "/audit", "/?q=brambilla", "/?q=nobody",
                 "/?page=x"):  # fmt: skip
        page = office.client.get(path).get_data(as_text=True)
        assert f'<html lang="{lang}">' in page, path
        assert foreign_words(page, TRANSLATIONS, "issuer", lang, DATA) == set(), (lang, path)


def test_plural_forms_on_the_pages(office: Desk) -> None:
    one = HEADER + "R-1;Anna Neri;;2015;Via Roma 1;si;;referente\n"
    checked = office.post("/batch", {"file": (io.BytesIO(one.encode()), "nuclei.csv")},
                          content_type="multipart/form-data",
                          follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "1 nucleo pronto." in checked
    broken = HEADER + "R-1;Anna Neri;;2015;;si;;referente\n"
    refused = office.post("/batch", {"file": (io.BytesIO(broken.encode()), "nuclei.csv")},
                          content_type="multipart/form-data").get_data(as_text=True)  # fmt: skip
    assert "Il file ha 1 errore:" in refused
    office.client.get("/?lang=en")
    refused = office.post("/batch", {"file": (io.BytesIO(broken.encode()), "nuclei.csv")},
                          content_type="multipart/form-data").get_data(as_text=True)  # fmt: skip
    assert "The file has 1 error:" in refused and "Il file" not in refused
    household = office.register()
    office.issue(household, office.guardians(household)[0])
    assert "1 event waiting to be sent" in office.client.get("/").get_data(as_text=True)


def test_a_printed_card_is_italian_unless_told() -> None:
    """The card's labels come from the catalogue in the card's language (no request needed)."""
    printed = PrintedCard("Seveso", "GIULIA BRAMBILLA", "0000-0000-0000-00", NOW + 86_400, "FC1TEST")
    italian, english = card_image(printed), card_image(PrintedCard(**{**printed.__dict__, "lang": "en"}))
    assert italian.tobytes() != english.tobytes()
    assert card_image(printed).tobytes() == italian.tobytes()


def test_the_command_line_names_its_language(office: Desk, tmp_path: Path) -> None:
    source = tmp_path / "nuclei.csv"
    source.write_text(HEADER + "R-1;Anna Neri;;2015;;si;;referente\n")
    args = ["issuer", "import-csv", "--instance", str(office.instance), "--istat", "108040",
            "--operator", "seveso-office", "--file", str(source)]  # fmt: skip
    italian = CliRunner().invoke(main, args, env={"FAMILYCARD_PASSPHRASE": PASS})
    english = CliRunner().invoke(main, [*args, "--lang", "en"], env={"FAMILYCARD_PASSPHRASE": PASS})
    assert italian.exit_code == english.exit_code == 2
    assert "campo obbligatorio" in italian.output and "required" in english.output
    assert "campo obbligatorio" not in english.output
