"""Fixtures for the comune office: a central service (test client), an office set up with the CLI as
an administrator would (root key pinned, comuni, operators, its own signing key made here and published
by the network), and a ``Desk`` helper that logs in and fills the forms."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from cardsvc.cli import main
from cardsvc.core.keys import public_key_from_pem
from cardsvc.platform.clock import ManualClock
from cardsvc.platform.storage.engines import database_address
from issuer import create_app
from issuer import db as office_db
from tests.conftest import database_url, on_both_engines
from tests.functional.conftest import NOW, PASS, USER_PASSWORD, Central
from tests.functional.kiosk.conftest import CENTRAL_URL, in_process_transport


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The office's tests run on both engines (its data on SQLite and on PostgreSQL)."""
    on_both_engines(metafunc, "office")
    on_both_engines(metafunc, "make_office_with")


def cli(*args: str) -> str:
    result = CliRunner().invoke(
        main, list(args), env={"FAMILYCARD_PASSPHRASE": PASS, "FAMILYCARD_USER_PASSWORD": USER_PASSWORD}
    )
    assert result.exit_code == 0, result.output
    return result.output


def publish_office_key(central: Central, instance: Path, istat: str) -> None:
    """The office makes a key; the network machine rotates the comune onto it; both sides take the list."""
    public = instance / f"{istat}.pub.pem"
    cli("issuer", "new-key", "--instance", str(instance), "--istat", istat, "--out", str(public))
    central.home.rotate_key(istat, PASS, NOW - 5 * 86400, public_key_from_pem(public.read_bytes()))
    trust = central.home.sign_trust_list(PASS, NOW - 5 * 86400)
    assert central.post("/api/v1/admin/trust-lists", {"trust_list": trust}).status_code == 200


@dataclass
class Desk:
    app: Flask
    client: FlaskClient
    clock: ManualClock
    central: Central
    instance: Path
    transport: Any
    csrf: str = field(default="")

    def refresh_token(self, path: str = "/login") -> None:
        page = self.client.get(path).get_data(as_text=True)
        self.csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]

    def login(self, username: str = "seveso-office", password: str = USER_PASSWORD) -> Any:
        self.refresh_token()
        form = {"csrf_token": self.csrf, "username": username, "password": password}
        response = self.client.post("/login", data=form)
        if response.status_code == 302:
            self.refresh_token("/")  # a new session after login: a new token
        return response

    def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return self.client.post(path, data={"csrf_token": self.csrf, **(data or {})}, **kwargs)

    def register(self, **fields: str) -> int:
        data = {
            "reference_person": "Giulia Brambilla",
            "other_guardians": "Marco Colombo",
            "birth_years": "2015; 2019",
            "address": "Via Roma 12",
            "resident": "si",
            "isee": "",
            **fields,
        }
        response = self.post("/households/new", data)
        assert response.status_code == 303, response.get_data(as_text=True)
        self.client.get(response.headers["Location"])  # as a browser does: the page that says it was saved
        return int(response.headers["Location"].rsplit("/", 1)[1])

    def guardians(self, household_id: int) -> list[int]:
        page = self.client.get(f"/households/{household_id}").get_data(as_text=True)
        return [int(g) for g in re.findall(r'name="guardian_id" value="(\d+)"', page)]

    def issue(self, household_id: int, guardian_id: int) -> str:
        response = self.post(f"/households/{household_id}/cards", {"guardian_id": str(guardian_id)})
        assert response.status_code == 303 and "/cards/" in response.headers["Location"], response.headers
        return str(response.headers["Location"].rsplit("/", 1)[1])

    def db(self) -> Any:
        """A connection of its own to the office's database (its file, or its PostgreSQL database)."""
        from issuer.schema import open_database

        return open_database(database_address(self.app.config))

    def card_row(self, cti: str) -> dict[str, Any]:
        return dict(self.db()["cards"].get(cti))

    def guardian_ids(self, household_id: int) -> list[int]:
        rows = self.db().execute(
            "select id from guardians where household_id = ? order by position", [household_id]
        )
        return [row[0] for row in rows]

    def push(self) -> dict[str, Any]:
        from issuer.background import sync_office
        from issuer.schema import open_database

        self.central.app.config["CLOCK"].now = self.clock.now  # the two clocks agree
        return sync_office(open_database(database_address(self.app.config)), self.transport, self.clock.now)


def make_office(central: Central, instance: Path, transport: Any = None) -> Desk:
    root = central.home.state["root_public_key"]
    cli("issuer", "init", "--instance", str(instance), "--root-public-key", root, "--central", CENTRAL_URL)
    token = central.issuer_token("108040")
    cli("issuer", "add-comune", "--instance", str(instance), "--istat", "108040", "--name", "Seveso",
        "--central-token", token)  # fmt: skip
    cli("issuer", "add-comune", "--instance", str(instance), "--istat", "108012", "--name", "Brugherio",
        "--isee-ceiling", "30000")  # fmt: skip
    cli(
        "issuer",
        "add-operator",
        "--instance",
        str(instance),
        "--username",
        "seveso-office",
        "--istat",
        "108040",
    )
    cli(
        "issuer",
        "add-operator",
        "--instance",
        str(instance),
        "--username",
        "brugherio-office",
        "--istat",
        "108012",
    )
    publish_office_key(central, instance, "108040")
    transport = transport or in_process_transport(central.client)
    clock = ManualClock(NOW)
    app = create_app(
        {
            "INSTANCE": str(instance),
            "PASSPHRASE": PASS,
            "CLOCK": clock,
            "TRANSPORT": transport,
            "PUSH_IN_BACKGROUND": False,
            "TESTING": True,
        }
    )
    desk = Desk(app, app.test_client(), clock, central, instance, transport)
    desk.push()  # takes the trust list that names the office's key
    return desk


def office_engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The office's database: its SQLite file, or a fresh PostgreSQL database for the PostgreSQL run of
    a test (``tests.conftest.on_both_engines``)."""
    url = database_url(request, getattr(request, "param", "sqlite"), "office_template")
    if url:
        monkeypatch.setenv("FAMILYCARD_ISSUER_DATABASE_URL", url)


@pytest.fixture
def office(
    central: Central, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Desk]:
    """An office, logged in, on either engine."""
    office_engine(request, monkeypatch)
    desk = make_office(central, tmp_path / "office")
    assert desk.login().status_code == 302
    yield desk
    office_db.close_all()


@pytest.fixture
def make_office_with(
    central: Central, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., Desk]]:
    """An office, logged in, on either engine, made with the transport a test gives."""
    office_engine(request, monkeypatch)

    def make(transport: Any) -> Desk:
        desk = make_office(central, tmp_path / "office", transport)
        assert desk.login().status_code == 302
        return desk

    yield make
    office_db.close_all()
