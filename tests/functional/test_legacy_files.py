"""Files of the release before Alembic are taken over once, their rows kept in order; a file that
release had not brought up to date is refused with the step it lacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from cardsvc.platform.storage.legacy import LegacyRefused
from tests.functional.legacy_release import central_schema, issuer_schema

pytestmark = pytest.mark.functional


def test_a_central_file_of_the_release_before_is_taken_over(tmp_path: Path) -> None:
    from cardsvc.central.schema import open_database

    path = str(tmp_path / "central.db")
    central_schema.make_filled(path)
    db = open_database(path)
    assert [row["status"] for row in db.query("select status from offer_status_history order by id")] == [
        "published",
        "draft",
        "suspended",
    ]
    assert db.execute("select sum(weight) from report_changes where month = '2026-10'").fetchone() == (7,)
    assert db.table("merchants").get(3)["name"] == "Forno"
    assert db.execute("select count(*) from sqlite_master where name = '_sqlite_migrations'").fetchone() == (
        0,
    )
    assert db.table("merchants").insert({"name": "Bar", "vat": "12345678903", "istat": "108040"}).last_pk == 4
    db.close()
    open_database(path).close()  # already taken over: nothing more to do


def test_an_office_file_keeps_its_batches_in_order(tmp_path: Path) -> None:
    from issuer.batch_jobs import issued_cards
    from issuer.schema import open_database

    path = str(tmp_path / "issuer.db")
    old = issuer_schema.make(path)
    for token in ("zz", "aa"):
        old["batches"].insert(
            {"token": token, "istat": "108040", "operator": "o", "created_at": 5, "status": "done"}
        )
    for cti in ("c3", "c1", "c2"):
        old["cards"].insert({"cti": cti, "number": cti, "status": "active"})
        old["batch_cards"].insert({"token": "zz", "cti": cti})
    old.conn.commit()
    old.close()
    db = open_database(path)
    assert [row["token"] for row in db.query("select token from batches order by id")] == ["zz", "aa"]
    assert [card["cti"] for card in issued_cards(db, "zz")] == ["c3", "c1", "c2"]
    db.close()


def test_a_file_the_release_before_had_not_brought_up_to_date_is_refused(tmp_path: Path) -> None:
    from cardsvc.central.schema import open_database

    path = str(tmp_path / "central.db")
    old = central_schema.make(path)
    old.execute("delete from _sqlite_migrations where name = 'm011_shop_applications'")
    old.conn.commit()
    old.close()
    with pytest.raises(LegacyRefused, match="m011_shop_applications"):
        open_database(path)
