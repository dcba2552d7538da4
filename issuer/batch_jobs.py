"""Batches from CSV kept in the office's database, so that a batch's page, progress, result and A4 sheets
outlive a restart of the office.

A batch is made once its file has been checked (status ``ready``): the file goes to the instance folder's
``batches/<token>.csv`` (0600, in a 0700 folder) and a row to ``batches``. Confirmed, it runs
(``running``) in a thread of the served office; each row's households, cards and progress are stored in
that row's one transaction, so the batch's counts are always those of the rows stored. At the end the A4
sheets of its new cards go to ``batches/<token>.pdf`` and the batch is ``done``, or ``failed`` with what
stopped it. A batch left ``running`` by an office that stopped is *interrupted*: run again, it goes on
from the first row not stored. The files go after ``BATCH_FILE_RETENTION`` (``retention``); the batch's
row stays, and its page says that the file or the sheets are no longer there.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cardsvc.platform.private_files import private_folder, write_private_file
from cardsvc.platform.rome_calendar import rome_year
from cardsvc.platform.storage.database import Database
from cardsvc.platform.storage.transactions import write_transaction

from . import printing
from .batch import BatchResult, apply_batch, parse_batch
from .cards import Office

FOLDER = "batches"
FILE_NAME_LIMIT = 120


def batch_folder(instance: Path) -> Path:
    return private_folder(instance / FOLDER)


def csv_path(instance: Path, token: str) -> Path:
    return instance / FOLDER / f"{token}.csv"


def sheets_path(instance: Path, token: str) -> Path:
    return instance / FOLDER / f"{token}.pdf"


def create_batch(
    db: Database,
    instance: Path,
    istat: str,
    operator: str,
    file_name: str,
    data: bytes,
    households: int,
    cards_planned: int | None,
    now: int,
) -> str:
    """Keep a checked file and its batch, ``ready`` to run; the batch's token."""
    token = secrets.token_hex(12)
    write_private_file(batch_folder(instance) / f"{token}.csv", data)
    with write_transaction(db):
        db.table("batches").insert(
            {
                "token": token,
                "istat": istat,
                "operator": operator,
                "file_name": " ".join(file_name.split())[:FILE_NAME_LIMIT],
                "created_at": now,
                "households": households,
                "cards_planned": cards_planned,
                "status": "ready",
            }
        )
    return token


def get_batch(db: Database, istat: str, token: str) -> dict[str, Any] | None:
    """The batch, if it belongs to ``istat``."""
    if not token.isalnum():
        return None
    rows = list(db["batches"].rows_where("token = ? and istat = ?", [token, istat]))
    return rows[0] if rows else None


def count_batches(db: Database, istat: str) -> int:
    return int(db.execute("select count(*) from batches where istat = ?", [istat]).fetchone()[0])


def list_batches(db: Database, istat: str, offset: int, limit: int) -> list[dict[str, Any]]:
    """The comune's batches, newest first; ``skipped`` is how many holders got no card."""
    query = (
        "select b.*, (select count(*) from batch_skipped s where s.token = b.token) as skipped "
        "from batches b where b.istat = ? order by b.created_at desc, b.id desc limit ? offset ?"
    )
    cursor = db.execute(query, [istat, limit, offset])
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def start_batch(db: Database, token: str, operator: str, now: int) -> None:
    """Mark the batch ``running`` (a first run, a run after a failure, or after an interruption)."""
    with write_transaction(db):
        db.table("batches").update(
            token, {"status": "running", "started_by": operator, "started_at": now, "error": None}, by="token"
        )


def issued_cards(db: Database, token: str) -> list[dict[str, Any]]:
    """The cards the batch issued, in the order it issued them, with the household's reference."""
    return list(
        db.query(
            "select c.cti, c.number, c.holder, c.expires_at, c.qr, c.status, h.ref from batch_cards b "
            "join cards c on c.cti = b.cti left join households h on h.id = c.household_id "
            "where b.token = ? order by b.id",
            [token],
        )
    )


def skipped_holders(db: Database, token: str) -> list[dict[str, Any]]:
    """The holders the batch gave no card, with why; a household erased since has no name or reference."""
    return list(
        db.query(
            "select s.line, s.code, g.name as holder, h.ref from batch_skipped s "
            "left join guardians g on g.id = s.guardian_id left join households h on h.id = g.household_id "
            "where s.token = ? order by s.line, s.id",
            [token],
        )
    )


def run_batch(db: Database, office: Office, comune: str, token: str, now: Callable[[], int]) -> None:
    """Run a ``running`` batch to its end, from the first row not stored; the outcome is in its row."""
    batch = db.table("batches").get(token, by="token")
    result = BatchResult()
    seen = {"cards": 0, "skipped": 0, "new": 0, "known": 0}

    def progress(done: int, total: int) -> None:  # inside the row's transaction
        for card in result.cards[seen["cards"] :]:
            db.table("batch_cards").insert({"token": token, "cti": card["cti"]})
        for skipped in result.skipped[seen["skipped"] :]:
            row = {"token": token, "line": skipped.line, "guardian_id": skipped.guardian_id}
            db.table("batch_skipped").insert({**row, "code": skipped.code})
        db.execute(
            "update batches set done = ?, total = ?, households_new = households_new + ?, "
            "households_known = households_known + ?, cards_issued = cards_issued + ? where token = ?",
            [
                done,
                total,
                result.households_new - seen["new"],
                result.households_known - seen["known"],
                len(result.cards) - seen["cards"],
                token,
            ],
        )
        seen.update(
            cards=len(result.cards),
            skipped=len(result.skipped),
            new=result.households_new,
            known=result.households_known,
        )

    try:
        rows, errors = parse_batch(csv_path(office.instance, token).read_bytes(), rome_year(now()))
        if errors:
            raise ValueError(f"line {errors[0].line}: {errors[0].code}")
        with write_transaction(db):
            db.execute("update batches set total = ? where token = ?", [len(rows), token])
        apply_batch(db, office, batch["started_by"], batch["istat"], rows, now, progress, result,
                    int(batch["done"]))  # fmt: skip
        _print_sheets(db, office.instance, comune, token)
        outcome: dict[str, Any] = {"status": "done"}
    except Exception as error:  # the rows stored so far stay; run again, the batch goes on from there
        outcome = {"status": "failed", "error": str(error) or type(error).__name__}
    with write_transaction(db):
        db.table("batches").update(token, {**outcome, "finished_at": now()}, by="token")


def _print_sheets(db: Database, instance: Path, comune: str, token: str) -> None:
    cards = issued_cards(db, token)
    if not cards:
        return
    images = [
        printing.card_image(printing.PrintedCard(comune, c["holder"], c["number"], c["expires_at"], c["qr"]))
        for c in cards
        if c["qr"]  # a household erased since keeps no QR text
    ]
    if images:
        write_private_file(sheets_path(instance, token), printing.pdf_bytes(printing.sheet_images(images)))
        with write_transaction(db):
            db.execute("update batches set sheets = 1 where token = ?", [token])
