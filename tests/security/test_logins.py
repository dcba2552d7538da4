"""Logins and sessions: throttled guessing, no username discovery by timing, sessions that logout and time
end, redirects after login that stay on the site."""

from __future__ import annotations

import re
import statistics
import time
from typing import Any

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from cardsvc.central import create_app
from cardsvc.cli import main
from cardsvc.cli.central_cmd import instance_settings
from cardsvc.core.errors import InvalidInput
from cardsvc.platform.web.login import SCRYPT_COST_VARIABLE, hash_password
from tests.e2e.servers import central_gunicorn_refusal
from tests.functional.conftest import NOW, USER_PASSWORD, Central, basic
from tests.functional.issuer.conftest import Desk

pytestmark = pytest.mark.functional


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def admin_login(client: FlaskClient, username: str, password: str, query: str = "", **kw: Any) -> Any:
    page = client.get("/admin/login")
    form = {"username": username, "password": password, "csrf_token": csrf(page.text)}
    return client.post("/admin/login" + query, data=form, **kw)


def test_form_logins_are_throttled_per_account(central: Central) -> None:
    client = central.app.test_client()
    for _ in range(5):
        assert admin_login(client, "admin", "wrong-password").status_code == 401
    refused = admin_login(client, "admin", USER_PASSWORD)  # even the right password waits now
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "Troppi tentativi" in refused.text
    assert client.get("/admin/").status_code == 302  # not logged in
    central.app.config["CLOCK"].now = NOW + 16 * 60  # the window has passed
    assert admin_login(client, "admin", USER_PASSWORD).status_code == 302


def test_form_logins_are_throttled_per_address(central: Central) -> None:
    client = central.app.test_client()
    for number in range(20):  # a different (unknown) account each time, from one address
        assert admin_login(client, f"guess{number}", "wrong-password").status_code == 401
    assert admin_login(client, "admin", USER_PASSWORD).status_code == 429
    other = central.app.test_client()
    elsewhere = {"REMOTE_ADDR": "10.1.2.3"}
    assert admin_login(other, "admin", USER_PASSWORD, environ_base=elsewhere).status_code == 302


@pytest.fixture
def production_cost(central: Central, monkeypatch: pytest.MonkeyPatch) -> Central:
    """The central service hashing at the production scrypt cost, its users' passwords hashed at it."""
    monkeypatch.delenv(SCRYPT_COST_VARIABLE)
    db = central.db()
    db.execute("update users set password_hash = ?", [hash_password(USER_PASSWORD)])
    db.close()
    return central


def stored_hashes(central: Central) -> list[str]:
    db = central.db()
    hashes = [row[0] for row in db.execute("select password_hash from users order by username")]
    db.close()
    return hashes


def test_passwords_are_stored_as_scrypt_at_the_production_cost(production_cost: Central) -> None:
    hashes = stored_hashes(production_cost)
    assert len(hashes) == 2 and all(stored.startswith("scrypt:32768:8:1$") for stored in hashes)
    assert USER_PASSWORD not in "".join(hashes)
    answer = production_cost.client.get("/api/v1/admin/totals", headers=basic("admin", USER_PASSWORD))
    assert answer.status_code == 200


def test_a_hash_made_at_another_cost_logs_in_and_is_made_again_at_todays(
    central: Central, office: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert all(stored.startswith("scrypt:1024:8:1$") for stored in stored_hashes(central))  # the suite's
    monkeypatch.setenv(SCRYPT_COST_VARIABLE, "12")
    answer = central.client.get("/api/v1/admin/totals", headers=basic("admin", USER_PASSWORD))
    assert answer.status_code == 200  # made at cost 10, checked while new hashes are made at 12
    admin, seveso = stored_hashes(central)
    assert admin.startswith("scrypt:4096:8:1$") and seveso.startswith("scrypt:1024:8:1$")  # seveso: not yet
    again = central.client.get("/api/v1/admin/totals", headers=basic("admin", USER_PASSWORD))
    assert again.status_code == 200 and stored_hashes(central)[0] == admin  # made once
    assert office.login().status_code == 302  # the office's operators the same way
    db = office.db()
    made = dict(db.execute("select username, password_hash from operators").fetchall())
    assert made["seveso-office"].startswith("scrypt:4096:8:1$")
    others = [stored for name, stored in made.items() if name != "seveso-office"]
    assert all(stored.startswith("scrypt:1024:8:1$") for stored in others)


@pytest.mark.parametrize("cost", ["9", "18", "fifteen", "-3", "1e3", "²"])
def test_a_scrypt_cost_out_of_range_is_one_line_at_start(
    cost: str, central: Central, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SCRYPT_COST_VARIABLE, cost)
    said = f"FAMILYCARD_SCRYPT_COST must be a whole number from 10 to 17, not {cost!r}"
    result = CliRunner().invoke(
        main, ["central", "add-user", "--instance", str(central.instance), "--username", "ada",
               "--role", "network_admin"], env={"FAMILYCARD_USER_PASSWORD": "a-long-password"},
    )  # fmt: skip
    assert result.exit_code == 2 and result.output.strip().splitlines() == [f"Error: {said}"]
    assert f"familycard central: {said}" in central_gunicorn_refusal()
    with pytest.raises(InvalidInput, match="FAMILYCARD_SCRYPT_COST"):
        create_app(instance_settings(central.instance))


def test_basic_auth_is_throttled_with_429(production_cost: Central) -> None:
    central = production_cost
    for _ in range(5):
        wrong = central.client.get("/api/v1/admin/totals", headers=basic("admin", "wrong-password"))
        assert wrong.status_code == 401
    started = time.perf_counter()
    answer = central.client.get("/api/v1/admin/totals", headers=basic("admin", USER_PASSWORD))
    assert answer.status_code == 429 and answer.json["error"]["code"] == "too_many_attempts"
    assert int(answer.headers["Retry-After"]) > 0
    assert time.perf_counter() - started < 0.05  # refused before any password hashing


def _median_login_time(client: FlaskClient, usernames: list[str]) -> float:
    times = []
    for username in usernames:
        started = time.perf_counter()
        answer = client.get("/api/v1/admin/totals", headers=basic(username, "wrong-password"))
        assert answer.status_code == 401
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def test_unknown_usernames_cost_the_same_as_known_ones(production_cost: Central) -> None:
    central = production_cost
    central.app.config.update(LOGIN_MAX_FAILURES=100, LOGIN_MAX_FAILURES_PER_ADDRESS=100)
    known = _median_login_time(central.client, ["admin"] * 7)
    unknown = _median_login_time(central.client, [f"nobody{n}" for n in range(7)])
    # before: 2 ms against 90 ms; now both pay one scrypt
    assert 0.5 * known < unknown < 2 * known, (unknown, known)


def test_central_session_ends_at_logout_even_for_a_copied_cookie(central: Central) -> None:
    client = central.app.test_client()
    assert admin_login(client, "admin", USER_PASSWORD).status_code == 302
    cookie = client.get_cookie("session")
    assert cookie is not None
    stolen = central.app.test_client()
    stolen.set_cookie("session", cookie.value)
    assert stolen.get("/admin/").status_code == 200
    page = client.get("/admin/")
    assert client.post("/admin/logout", data={"csrf_token": csrf(page.text)}).status_code == 302
    assert stolen.get("/admin/").status_code == 302  # the copied cookie no longer logs in


def test_central_sessions_expire_when_idle_and_at_their_lifetime(central: Central) -> None:
    client = central.app.test_client()
    admin_login(client, "admin", USER_PASSWORD)
    central.app.config["CLOCK"].now = NOW + 25 * 60
    assert client.get("/admin/").status_code == 200  # used within 30 minutes
    central.app.config["CLOCK"].now = NOW + 25 * 60 + 31 * 60
    assert client.get("/admin/").status_code == 302  # idle too long
    admin_login(client, "admin", USER_PASSWORD)
    start = NOW + 25 * 60 + 31 * 60
    for step in range(1, 18):  # used every 29 minutes: never idle, but 8 hours is the most
        central.app.config["CLOCK"].now = start + step * 29 * 60
        expected = 200 if step * 29 * 60 <= 8 * 3600 else 302
        assert client.get("/admin/").status_code == expected, step


def test_office_session_ends_at_logout(office: Desk) -> None:
    assert office.login().status_code == 302
    cookie = office.client.get_cookie("session")
    assert cookie is not None
    stolen = office.app.test_client()
    stolen.set_cookie("session", cookie.value)
    assert stolen.get("/").status_code == 200
    assert office.post("/logout").status_code == 302
    assert stolen.get("/").status_code == 302


def test_office_logins_are_throttled(office: Desk) -> None:
    for _ in range(5):
        assert office.login(password="wrong-password").status_code == 401
    refused = office.login()
    assert refused.status_code == 429 and "Troppi tentativi" in refused.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",  # as sent on the wire: %09 is a tab, which browsers drop from a Location
    ["next=/%09/evil.example/", "next=//evil.example/", "next=/%5Cevil.example", "next=https://evil.example/",
     "next=/%0D%0A/evil.example", "next=%2F%2Fevil.example"],
)  # fmt: skip
def test_no_open_redirect_after_login(office: Desk, central: Central, query: str) -> None:
    office.refresh_token()
    form = {"csrf_token": office.csrf, "username": "seveso-office", "password": USER_PASSWORD}
    answer = office.client.post("/login?" + query, data=form)
    assert answer.status_code == 302
    assert answer.headers["Location"] in ("/", "http://localhost/")
    client = central.app.test_client()
    page = client.get("/admin/login")
    form = {"username": "admin", "password": USER_PASSWORD, "csrf_token": csrf(page.text)}
    answer = client.post("/admin/login?" + query, data=form)
    assert answer.headers["Location"].endswith("/admin/") and "evil" not in answer.headers["Location"]


def test_a_path_on_the_site_is_kept_after_login(office: Desk) -> None:
    office.refresh_token()
    form = {"csrf_token": office.csrf, "username": "seveso-office", "password": USER_PASSWORD}
    answer = office.client.post("/login", query_string={"next": "/events"}, data=form)
    assert answer.headers["Location"].endswith("/events")
