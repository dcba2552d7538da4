"""Households at the comune office: registering, every field error, eligibility in words, editing,
logins, expired sessions, CSRF, and operators kept to their own comune."""

from __future__ import annotations

import re

import pytest

from tests.functional.issuer.conftest import Desk

pytestmark = pytest.mark.functional


def test_register_and_see_the_household(office: Desk) -> None:
    household = office.register()
    page = office.client.get(f"/households/{household}").get_data(as_text=True)
    assert "Giulia Brambilla" in page and "Marco Colombo" in page and "Via Roma 12" in page
    assert "Il nucleo ha diritto alla carta." in page
    assert re.search(r'id="minors">2<', page)
    assert len(office.guardians(household)) == 2
    found = office.client.get("/?q=colombo").get_data(as_text=True)
    assert f"/households/{household}" in found
    assert f"/households/{household}" not in office.client.get("/?q=nessuno").get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reference_person", "", "campo obbligatorio"),
        ("reference_person", "X" * 81, "troppo lungo"),
        ("birth_years", "2015; duemila", "«duemila» non è un anno"),
        ("birth_years", "1960", "«1960» non è un anno"),
        ("address", "", "campo obbligatorio"),
        ("isee", "molto", "«molto» non è un importo"),
        ("other_guardians", "A; B; C; D", "troppi elementi"),
    ],
)
def test_every_field_says_what_to_fix(office: Desk, field: str, value: str, message: str) -> None:
    data = {"reference_person": "Anna", "birth_years": "2015", "address": "Via Roma 1", "resident": "si"}
    response = office.post("/households/new", {**data, field: value})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', page)
    assert re.findall(r"/households/\d+", office.client.get("/").get_data(as_text=True)) == []  # none stored


def test_eligibility_rules_are_named(office: Desk) -> None:
    not_resident = office.register(resident="")
    page = office.client.get(f"/households/{not_resident}").get_data(as_text=True)
    assert "non risulta residente nel comune" in page and 'name="guardian_id"' not in page
    adults = office.register(birth_years="2001")  # 25 years old in 2026
    assert "serve almeno 1 figlio minore, il nucleo ne ha 0" in office.client.get(
        f"/households/{adults}"
    ).get_data(as_text=True)
    refused = office.post(f"/households/{adults}/cards", {"guardian_id": str(office.guardian_ids(adults)[0])})
    assert refused.status_code == 303
    assert "il nucleo non ha diritto" in office.client.get(refused.headers["Location"]).get_data(as_text=True)


def test_isee_ceiling_of_another_comune(office: Desk) -> None:
    office.client.post("/logout", data={"csrf_token": office.csrf})
    assert office.login("brugherio-office").status_code == 302
    missing = office.register()
    assert "manca il valore ISEE" in office.client.get(f"/households/{missing}").get_data(as_text=True)
    above = office.register(isee="31.000,00")
    assert "supera il tetto del comune di 30.000,00 €" in office.client.get(f"/households/{above}").get_data(
        as_text=True
    )
    under = office.register(isee="29000")
    assert "ha diritto alla carta" in office.client.get(f"/households/{under}").get_data(as_text=True)


def test_edit_keeps_guardians_and_changes_children(office: Desk) -> None:
    household = office.register()
    before = office.guardians(household)
    form = office.client.get(f"/households/{household}/edit").get_data(as_text=True)
    assert 'value="Marco Colombo"' in form and 'value="2015; 2019"' in form
    data = {"reference_person": "Giulia Brambilla", "other_guardians": "Marco Colombo", "birth_years": "2015",
            "address": "Via Roma 14", "resident": "si"}  # fmt: skip
    assert office.post(f"/households/{household}/edit", data).status_code == 303
    page = office.client.get(f"/households/{household}").get_data(as_text=True)
    assert "Via Roma 14" in page and re.search(r'id="minors">1<', page)
    assert office.guardians(household) == before


def test_operators_see_only_their_own_comune(office: Desk) -> None:
    household = office.register()
    cti = office.issue(household, office.guardians(household)[0])
    office.client.post("/logout", data={"csrf_token": office.csrf})
    assert office.login("brugherio-office").status_code == 302
    assert office.client.get(f"/households/{household}").status_code == 404
    assert office.client.get(f"/households/{household}/edit").status_code == 404
    assert office.client.get(f"/cards/{cti}").status_code == 404
    assert office.client.get(f"/cards/{cti}/card.png").status_code == 404
    assert office.post(f"/cards/{cti}/revoke", {"reason": "moved", "confirm": "yes"}).status_code == 404
    assert office.post(f"/households/{household}/cards", {"guardian_id": "1"}).status_code == 303
    assert office.card_row(cti)["status"] == "active"
    assert "Giulia" not in office.client.get("/?q=giulia").get_data(as_text=True)


def test_login_logout_and_expired_sessions(office: Desk) -> None:
    office.client.post("/logout", data={"csrf_token": office.csrf})
    assert office.client.get("/").status_code == 302
    bad = office.login(password="wrong-password")
    assert bad.status_code == 401 and "non corretti" in bad.get_data(as_text=True)
    assert office.login().status_code == 302
    office.clock.now += 9 * 3600  # past the 8 hours of a session
    expired = office.client.get("/")
    assert expired.status_code == 302 and "/login" in expired.headers["Location"]
    assert "Sessione scaduta" in office.client.get(expired.headers["Location"]).get_data(as_text=True)


def test_forms_without_the_token_are_refused(office: Desk) -> None:
    data = {"reference_person": "Anna", "birth_years": "2015", "address": "Via Roma 1", "resident": "si"}
    refused = office.client.post("/households/new", data=data)
    assert refused.status_code == 400 and "Modulo scaduto" in refused.get_data(as_text=True)
    assert office.client.post("/households/new", data={**data, "csrf_token": "forged"}).status_code == 400


def test_english_on_request(office: Desk) -> None:
    page = office.client.get("/households/new?lang=en").get_data(as_text=True)
    assert "Reference person" in page and "Resident in the comune" in page
