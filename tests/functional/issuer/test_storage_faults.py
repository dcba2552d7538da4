"""The office on a damaged database: ``/health`` answers 503 with the reason and the pages say it in
words, with what to do."""

from __future__ import annotations

import html
import shutil

import pytest

from issuer import create_app
from tests.functional.issuer.conftest import Desk
from tests.functional.storage_faults import damage_table

pytestmark = pytest.mark.functional


@pytest.mark.parametrize("office", ["sqlite"], indirect=True)  # the file itself
def test_a_damaged_database_is_told_by_health_and_pages(office: Desk) -> None:
    assert office.client.get("/health").json == {"ok": True, "database": "ok"}
    office.register()
    copy = office.instance.parent / "damaged"
    shutil.copytree(office.instance, copy)
    damage_table(copy / "issuer.db", "households")
    damaged = create_app({**office.app.config, "INSTANCE": str(copy), "SECRET_KEY": None})
    desk = Desk(damaged, damaged.test_client(), office.clock, office.central, copy, office.transport)
    health = desk.client.get("/health")
    assert health.status_code == 503 and health.json["database"] == "database_damaged"
    assert desk.login().status_code == 302  # the operators' table is whole
    page = desk.client.get("/?q=Brambilla")
    words = html.unescape(page.get_data(as_text=True))
    assert page.status_code == 503 and "Database danneggiato" in words and "backup" in words
