"""The central service's instance folder is 0700 and its files 0600 from ``init`` on; ``serve`` refuses
a database other users can read."""

from __future__ import annotations

import pytest

from tests.functional.conftest import Central
from tests.functional.private_files import assert_private, refused_serve

pytestmark = pytest.mark.functional


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)  # the file itself
def test_central_instance_is_private(central: Central) -> None:
    central.client.get("/directory")  # the served app has opened the database too
    assert (central.instance / "central.db").exists()
    assert_private(central.instance)


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)  # the file itself
def test_serve_refuses_a_database_other_users_can_read(
    central: Central, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = central.instance / "central.db"
    database.chmod(0o644)
    message = refused_serve(monkeypatch, "central", "serve", "--instance", str(central.instance))
    assert str(database) in message and f"chmod 600 {database}" in message
