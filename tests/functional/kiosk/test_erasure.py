"""The till keeps a card's text only while it needs it: until the central service has answered for the
record, for a rejected scan ``REJECTED_SCAN_RETENTION``, for an unused accepted scan ``SCAN_VALID_FOR``.
The tests read the raw bytes of every file in the till's folder (the database, its -wal and -shm)."""

from __future__ import annotations

import gc
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from cardsvc.cli import main
from cardsvc.core.ledger_chain import ChainError
from merchant_kiosk import create_app
from merchant_kiosk.central_client import CentralUnavailable
from merchant_kiosk.chain_check import verify_ledger
from merchant_kiosk.schema import open_database
from tests.functional.conftest import PASS, Central
from tests.functional.kiosk.conftest import Till, in_process_transport
from tests.functional.kiosk.test_sync import Unreliable

pytestmark = pytest.mark.functional
DAY = 86_400


def raw_files(instance: Path) -> bytes:
    """Every byte the till keeps on disk, whatever the table, page or journal."""
    return b"".join(path.read_bytes() for path in sorted(instance.iterdir()) if path.is_file())


def switchable_till(make_till: Callable[..., Till], central: Central) -> tuple[Till, Unreliable]:
    transport = Unreliable("ok")
    transport.inner = in_process_transport(central.client)
    return make_till(TRANSPORT=transport), transport


def test_after_sync_no_file_holds_the_text_or_name_of_an_answered_record(
    make_till: Callable[..., Till], central: Central
) -> None:
    till = make_till()
    names = [f"FAMIGLIA ROSSI {n}" for n in range(6)]
    cards = [central.card(holder=name, minors=1 + n % 3) for n, name in enumerate(names)]
    for card in cards[:3]:
        till.clock.now += 30
        assert till.redeem(card, "20").status_code == 303
    voided = till.redeem(cards[0], "5")
    assert till.post(voided.headers["Location"].replace("/receipt/", "/void/")).status_code == 303
    refused = central.card(holder="PAOLO REVOCATO")
    central.revoke(refused)
    till.sync()  # answers the first records and brings the revocation
    assert "CARTA NON VALIDA" in till.scan(refused).get_data(as_text=True)
    for card in cards[3:]:
        till.clock.now += 30
        assert till.redeem(card, "12,50").status_code == 303
    assert till.post("/day/close").status_code in (200, 303)
    assert till.sync()["pending"] == 0

    data = raw_files(till.instance)
    for name, card in zip(names, cards, strict=True):
        assert name.encode() not in data
        assert card.encode() not in data and card.lower().encode() not in data
    assert refused.encode() in data  # a rejected scan keeps its text for the clerk's questions, for now

    db = open_database(str(till.instance / "kiosk.db"))
    rows = db.execute("select cti, minors, hash from ledger where type = 'redemption'").fetchall()
    assert len(rows) == 7 and all(cti and minors and len(digest) == 64 for cti, minors, digest in rows)
    assert sorted({m for _, m, _ in rows}) == [1, 2, 3]
    assert verify_ledger(db) == db.execute("select count(*) from ledger").fetchone()[0]
    statement = till.client.get("/statement").get_data(as_text=True)
    assert statement  # the statements still count families by cti
    receipt = till.client.get(voided.headers["Location"])
    assert receipt.status_code == 200


def test_unanswered_records_keep_their_text_until_the_central_service_answers(
    make_till: Callable[..., Till], central: Central
) -> None:
    till, transport = switchable_till(make_till, central)
    card = central.card(holder="ANNA BIANCHI")
    assert till.redeem(card, "30").status_code == 303
    transport.mode = "down"
    with pytest.raises(CentralUnavailable):
        till.sync()
    till.clock.now += 3 * DAY
    with pytest.raises(CentralUnavailable):
        till.sync()
    assert card.encode() in raw_files(till.instance)  # still to be sent: the central service re-verifies it
    transport.mode = "ok"
    assert till.sync()["pending"] == 0
    assert card.encode() not in raw_files(till.instance)


def test_rejected_scans_lose_their_text_after_the_retention_even_offline(
    make_till: Callable[..., Till], central: Central
) -> None:
    till, transport = switchable_till(make_till, central)
    refused, unused = central.card(holder="LUCA REVOCATO"), central.card(holder="ELENA NONUSATA")
    central.revoke(refused)
    till.sync()
    till.scan(refused)
    till.scan("FC1NOTACARD GIOVANNI")  # garbage typed at the till is a rejected scan too
    till.scan(unused)  # accepted, never redeemed
    transport.mode = "down"
    till.clock.now += 6 * DAY
    with pytest.raises(CentralUnavailable):
        till.sync()
    data = raw_files(till.instance)
    assert refused.encode() in data and b"GIOVANNI" in data  # six days: kept
    assert unused.encode() not in data  # usable for SCAN_VALID_FOR only, then useless
    till.clock.now += 1 * DAY + 1
    with pytest.raises(CentralUnavailable):
        till.sync()  # the round erases even when the central service is down
    data = raw_files(till.instance)
    assert refused.encode() not in data and b"GIOVANNI" not in data
    db = open_database(str(till.instance / "kiosk.db"))
    assert db.execute("select count(*) from scans where verdict != 'ACCEPTED'").fetchone()[0] == 2


def test_the_retention_is_a_till_setting(make_till: Callable[..., Till], central: Central) -> None:
    till = make_till(REJECTED_SCAN_RETENTION="1 day")
    refused = central.card(holder="LUCA REVOCATO")
    central.revoke(refused)
    till.sync()
    till.scan(refused)
    till.clock.now += DAY + 1
    till.sync()
    assert refused.encode() not in raw_files(till.instance)


def test_the_chain_stays_checkable_and_a_break_is_still_found(
    make_till: Callable[..., Till], central: Central
) -> None:
    till, transport = switchable_till(make_till, central)
    for holder in ("UNO", "DUE", "TRE"):
        till.clock.now += 30
        assert till.redeem(central.card(holder=holder), "10").status_code == 303
    till.sync()
    transport.mode = "down"
    assert till.redeem(central.card(holder="QUATTRO"), "10").status_code == 303  # kept whole, unsent
    db = open_database(str(till.instance / "kiosk.db"))
    assert verify_ledger(db) == 4
    erased = json.loads(db.execute("select record from ledger where seq = 2").fetchone()[0])
    assert "card" not in erased and erased["seq"] == 2
    db.execute("update ledger set hash = ? where seq = 2", ["f" * 64])
    with pytest.raises(ChainError) as broken:
        verify_ledger(db)
    assert broken.value.code == "fork"


@pytest.mark.parametrize("value", ["soon", "7 fortnights", "-3 days", ""])
def test_a_retention_that_is_not_a_duration_is_refused(
    till: Till, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ValueError, match="REJECTED_SCAN_RETENTION") as refused:
        create_app({"INSTANCE": str(till.instance), "REJECTED_SCAN_RETENTION": value, "TESTING": True})
    assert "\n" not in str(refused.value)
    monkeypatch.setenv("FAMILYCARD_KIOSK_REJECTED_SCAN_RETENTION", value)
    gc.collect()  # a connection left to the collector checkpoints when it closes: not now, mid-check
    before = raw_files(till.instance)
    result = CliRunner().invoke(
        main, ["kiosk", "sync", "--instance", str(till.instance)], env={"FAMILYCARD_PASSPHRASE": PASS}
    )
    assert result.exit_code == 2, result.output
    assert "REJECTED_SCAN_RETENTION" in result.output and len(result.output.strip().splitlines()) == 1
    assert raw_files(till.instance) == before
    monkeypatch.setattr("cardsvc.cli.common.os.execve", lambda *_args: pytest.fail("gunicorn was started"))
    served = CliRunner().invoke(
        main, ["kiosk", "serve", "--instance", str(till.instance)], env={"FAMILYCARD_PASSPHRASE": PASS}
    )
    assert served.exit_code == 2 and "REJECTED_SCAN_RETENTION" in served.output, served.output


def test_a_till_that_syncs_often_leaves_no_copy_in_freed_space(
    make_till: Callable[..., Till], central: Central
) -> None:
    """Rows written between syncs move when pages split; the bytes they leave behind are overwritten too
    (``secure_delete`` on every connection of the till, not only during erasure)."""
    till = make_till()
    names = [f"FAMIGLIA BIANCHI {n:03d}" for n in range(140)]
    cards = [central.card(holder=name) for name in names]
    for start in range(0, 140, 10):  # fourteen rounds: sales, then a sync
        for card in cards[start : start + 10]:
            till.clock.now += 30
            assert till.redeem(card, "20").status_code == 303
        assert till.sync()["pending"] == 0
    data = raw_files(till.instance)
    assert [name for name in names if name.encode() in data] == []
    assert [n for n, card in enumerate(cards) if card.encode() in data] == []
