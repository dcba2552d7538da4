"""Finding a household at the office: by any part of a name or address typed with or without accents and
in any case, by the number of one of its cards (as a family reporting a lost card gives it), in the
order of the names, page by page with the count, and "Nessun risultato" when nothing matches."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest

from cardsvc.platform.storage.transactions import write_transaction
from issuer.households import HouseholdInput, save_household
from tests.functional.issuer.conftest import Desk

pytestmark = pytest.mark.functional


def names_found(office: Desk, query: str, page: int | None = None) -> list[str]:
    params: dict[str, object] = {"q": query} if page is None else {"q": query, "page": page}
    response = office.client.get("/", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return re.findall(r'<a href="/households/\d+">([^<]+)</a>', response.get_data(as_text=True))


def register_many(office: Desk, names: Iterable[str], istat: str = "108040") -> None:
    db = office.db()
    with write_transaction(db):
        for name in names:
            household = HouseholdInput(name, (), (2016,), "Via dei Mille 1", True, None)
            save_household(db, istat, household, office.clock.now)


@pytest.mark.parametrize("query", ["Vigano", "vigano", "VIGANÒ", "viganò", "gIuLiA vIgAnO", "vigano giulia"])
def test_names_are_found_whatever_the_accents_and_the_case(office: Desk, query: str) -> None:
    office.register(reference_person="Giulia Viganò", other_guardians="Marco Colombo")
    office.register(reference_person="Luca Rossi", other_guardians="")
    assert names_found(office, query) == ["Giulia Viganò"]


def test_accents_in_the_query_find_names_written_without(office: Desk) -> None:
    office.register(reference_person="Niccolo Perego", other_guardians="")
    assert names_found(office, "Niccolò Pèrego") == ["Niccolo Perego"]


def test_a_guardian_an_address_or_the_office_reference_find_the_household(office: Desk) -> None:
    office.register(
        reference_person="Giulia Viganò", other_guardians="Marco Colombo", address="Via Çavour 21"
    )
    office.register(reference_person="Luca Rossi", other_guardians="")
    page = office.client.get("/?q=colombo").get_data(as_text=True)
    assert "Giulia Viganò" in page and "Marco Colombo" in page and "Luca Rossi" not in page
    assert names_found(office, "via cavour 21") == ["Giulia Viganò"]


def test_a_card_number_finds_its_household_formatted_or_not(office: Desk) -> None:
    household = office.register(reference_person="Giulia Viganò")
    office.register(reference_person="Luca Rossi", other_guardians="")
    cti = office.issue(household, office.guardians(household)[0])
    number = office.card_row(cti)["number"]
    compact = number.replace("-", "")
    for typed in (number, compact, compact.lower(), " ".join(number.split("-")), compact[:8]):
        assert names_found(office, typed) == ["Giulia Viganò"], typed
    office.post(f"/cards/{cti}/revoke", {"reason": "other", "confirm": "yes"})
    page = office.client.get("/", query_string={"q": number}).get_data(as_text=True)
    assert f'href="/cards/{cti}"' in page and "revocata" in page  # a lost card's number, once revoked


def test_results_are_in_the_order_of_the_names(office: Desk) -> None:
    register_many(office, ["Zanetti Paolo", "brambilla anna", "Àlvarez Sofia", "Colombo Luca"])
    assert names_found(office, "") == ["Àlvarez Sofia", "brambilla anna", "Colombo Luca", "Zanetti Paolo"]


def test_results_come_in_pages_with_their_count(office: Desk) -> None:
    register_many(office, [f"Rossi {n:02d}" for n in range(1, 31)])
    register_many(office, ["Rossi di Brugherio"], istat="108012")
    page = office.client.get("/?q=rossi").get_data(as_text=True)
    assert "30 nuclei trovati" in page and "Pagina 1 di 2" in page
    assert names_found(office, "rossi") == [f"Rossi {n:02d}" for n in range(1, 26)]
    assert 'href="/?page=2&amp;q=rossi"' in page or 'href="/?q=rossi&amp;page=2"' in page
    assert names_found(office, "rossi", 2) == [f"Rossi {n:02d}" for n in range(26, 31)]
    assert "Rossi di Brugherio" not in office.client.get("/?q=rossi&page=2").get_data(as_text=True)
    everyone = office.client.get("/").get_data(as_text=True)
    assert "30 nuclei registrati" in everyone


def test_nothing_found_is_said(office: Desk) -> None:
    office.register(reference_person="Giulia Viganò")
    page = office.client.get("/?q=Brambilla").get_data(as_text=True)
    assert "Nessun risultato per «Brambilla»" in page and "<table" not in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("page=abc", "«abc» non è un numero di pagina"),
        ("page=0", "«0» non è un numero di pagina"),
        ("page=%D9%A1", "non è un numero di pagina"),
        ("page=99999999999999999999", "non è un numero di pagina"),
        ("q=rossi&page=3", "La pagina 3 non esiste: le pagine sono 1."),
        ("q=" + "x" * 101, "La ricerca è troppo lunga"),
    ],
)
def test_a_bad_page_or_query_is_said_in_words(office: Desk, query: str, message: str) -> None:
    office.register(reference_person="Luca Rossi", other_guardians="")
    response = office.client.get(f"/?{query}")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page, page
    assert 'name="q"' in page  # the search form is still there


def test_in_english(office: Desk) -> None:
    office.register(reference_person="Giulia Viganò")
    office.client.get("/?lang=en")
    assert "1 household found" in office.client.get("/?q=vigano").get_data(as_text=True)
    assert "No results for “nobody”" in office.client.get("/?q=nobody").get_data(as_text=True)
