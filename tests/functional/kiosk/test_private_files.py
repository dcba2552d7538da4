"""The till's instance folder is 0700 and its files 0600 from enrolment on; ``serve`` refuses a
database, or its journal, that other users can read."""

from __future__ import annotations

import pytest

from tests.functional.kiosk.conftest import Till
from tests.functional.private_files import assert_private, refused_serve

pytestmark = pytest.mark.functional


def test_till_instance_is_private(till: Till) -> None:
    assert till.redeem(till.central.card(), "10").status_code == 303
    assert (till.instance / "kiosk.db-wal").exists()
    assert_private(till.instance)


@pytest.mark.parametrize("name", ["kiosk.db", "kiosk.db-wal"])
def test_serve_refuses_a_database_other_users_can_read(
    till: Till, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert till.redeem(till.central.card(), "10").status_code == 303
    exposed = till.instance / name
    exposed.chmod(0o644)
    message = refused_serve(monkeypatch, "kiosk", "serve", "--instance", str(till.instance))
    assert str(exposed) in message and f"chmod 600 {exposed}" in message
