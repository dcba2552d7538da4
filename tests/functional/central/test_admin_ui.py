"""The admin web pages: login, CSRF, roles, Italian by default and English on request."""

import re

import pytest

from tests.functional.conftest import USER_PASSWORD, Central, run_cli

pytestmark = pytest.mark.functional


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def login(central: Central, username: str, password: str = USER_PASSWORD):
    client = central.app.test_client()
    page = client.get("/admin/login")
    response = client.post(
        "/admin/login", data={"username": username, "password": password, "csrf_token": csrf(page.text)}
    )
    return client, response


def test_login_and_wrong_password(central: Central) -> None:
    client, response = login(central, "admin", "wrong")
    assert response.status_code == 401 and "Nome utente o password errati." in response.text
    client, response = login(central, "admin")
    assert response.status_code == 302
    page = client.get("/admin/")
    assert page.status_code == 200 and "Riepilogo" in page.text


def test_pages_need_a_login(central: Central) -> None:
    for path in (
        "/admin/",
        "/admin/merchants",
        "/admin/offers",
        "/admin/kiosks",
        "/admin/flags",
        "/admin/comuni",
    ):
        response = central.app.test_client().get(path)
        assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_post_without_csrf_is_refused_and_changes_nothing(central: Central) -> None:
    client, _ = login(central, "admin")
    form = {"name": "Ottica Bella", "vat": "01234567897", "istat": "108040", "category": "ottica"}
    refused = client.post("/admin/merchants", data=form)
    assert refused.status_code == 400 and "ricaricare la pagina" in refused.text
    assert "Ottica Bella" not in client.get("/admin/merchants").text
    page = client.get("/admin/merchants")
    accepted = client.post(
        "/admin/merchants", data={**form, "csrf_token": csrf(page.text)}, follow_redirects=True
    )
    assert "Ottica Bella" in accepted.text and "Esercente «Ottica Bella» aggiunto." in accepted.text
    bad_vat = client.post(
        "/admin/merchants",
        data={**form, "vat": "01234567890", "csrf_token": csrf(page.text)},
        follow_redirects=True,
    )
    assert "cifra di controllo" in bad_vat.text


def test_the_api_never_takes_the_session_cookie(central: Central) -> None:
    client, _ = login(central, "admin")
    assert client.get("/api/v1/admin/totals").status_code == 401


def test_english_on_request(central: Central) -> None:
    client, _ = login(central, "admin")
    assert "Overview" in client.get("/admin/?lang=en").text
    assert "Participating shops" in client.get("/admin/merchants").text  # kept in the session
    assert "Esercizi convenzionati" in client.get("/admin/merchants?lang=it").text


def test_offer_approval_and_kiosk_code_through_the_pages(central: Central) -> None:
    merchant = central.merchant()
    draft = central.post(
        f"/api/v1/admin/merchants/{merchant}/offers",
        {"title": "Quaderni -10%", "kind": "percent", "percent": 10},
    ).json
    central.post(f"/api/v1/admin/offers/{draft['id']}/status", {"status": "pending"})
    client, _ = login(central, "admin")
    page = client.get("/admin/offers")
    assert "Approva" in page.text
    client.post(
        f"/admin/offers/{draft['id']}/status", data={"status": "published", "csrf_token": csrf(page.text)}
    )
    assert "published" in client.get("/admin/offers").text
    kiosks = client.get("/admin/kiosks")
    created = client.post(
        "/admin/kiosks",
        data={"merchant_id": str(merchant), "name": "Cassa 2", "csrf_token": csrf(kiosks.text)},
    )
    code = re.search(r'id="enrolment-code">([0-9A-Z-]+)<', created.text)
    assert code and len(code.group(1)) == 14


def test_roles_see_their_own(central: Central) -> None:
    seveso = central.merchant()
    central.merchant("Libreria", "108012", "12345678903", "libreria")
    run_cli(
        "central",
        "add-user",
        "--instance",
        str(central.instance),
        "--username",
        "shop",
        "--role",
        "merchant_manager",
        "--merchant-id",
        str(seveso),
    )
    officer, _ = login(central, "seveso")
    text = officer.get("/admin/merchants").text
    assert "Farmacia Centrale" in text and "Libreria" not in text
    assert officer.get("/admin/offers").status_code == 403
    assert officer.get("/admin/comuni").status_code == 403
    shop, _ = login(central, "shop")
    assert "Libreria" not in shop.get("/admin/merchants").text
    assert shop.get("/admin/flags").status_code == 403
    page = shop.get("/admin/kiosks")
    assert (
        shop.post(
            "/admin/kiosks", data={"merchant_id": str(seveso), "csrf_token": csrf(page.text)}
        ).status_code
        == 403
    )


def test_public_directory_page(central: Central) -> None:
    merchant = central.merchant()
    central.offer(merchant, min_spend_cents=2000)
    page = central.app.test_client().get("/directory")
    assert page.status_code == 200 and "Farmacia Centrale" in page.text and "10% di sconto" in page.text
    assert "spesa minima 20,00 €" in page.text
    english = central.app.test_client().get("/directory?lang=en")
    assert "10% off" in english.text and "minimum spend €20.00" in english.text
