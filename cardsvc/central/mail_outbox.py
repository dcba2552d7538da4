"""Messages to people (a shop told its application was approved or refused), kept in an outbox.

A message is stored in the same transaction as what it tells, so it is never lost; it is sent by SMTP when
``SMTP_HOST`` is set (right after the request, and again by the background loop while sending fails), and
otherwise waits on the administrators' page of unsent messages. Once sent, its body, which may hold a
one-time link, is erased; the recipient, subject and time stay as the record that it went.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from cardsvc.platform.storage.database import Database
from cardsvc.platform.storage.transactions import write_transaction

from ..core.timestamps import to_rfc3339

CLAIM_SECONDS = 300  # a message being sent by one worker is left alone by the others this long
MAX_ERROR = 300


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    starttls: bool
    username: str
    password: str
    timeout: float = 10.0


def queue_message(db: Database, recipient: str, subject: str, body: str, now: int) -> int:
    """Store a message to send; call inside the write transaction of what it tells."""
    row = {
        "recipient": recipient,
        "subject": subject,
        "body": body,
        "created_at": to_rfc3339(now),
        "sent_at": None,
        "claimed_at": None,
        "attempts": 0,
        "last_error": None,
    }
    return int(db.table("messages").insert(row).last_pk or 0)


def unsent(db: Database) -> list[dict[str, Any]]:
    return list(db.query("select * from messages where sent_at is null order by id"))


def _claim(db: Database, now: int) -> list[dict[str, Any]]:
    with write_transaction(db):
        rows = list(
            db.query(
                "select * from messages where sent_at is null and (claimed_at is null or claimed_at < ?)"
                " order by id limit 50",
                [now - CLAIM_SECONDS],
            )
        )
        for row in rows:
            db.execute("update messages set claimed_at = ? where id = ?", [now, row["id"]])
    return rows


def send_pending(db: Database, smtp: SmtpSettings, now: int) -> int:
    """Send the unsent messages no other worker is sending; returns how many went. A failure is kept on
    the message (``attempts``, ``last_error``) and raised again after the others were tried."""
    sent, failure = 0, None
    for row in _claim(db, now):
        try:
            _send(smtp, row)
        except (OSError, smtplib.SMTPException) as error:
            failure = error
            with write_transaction(db):
                db.execute(
                    "update messages set attempts = attempts + 1, last_error = ?, claimed_at = null"
                    " where id = ?",
                    [str(error)[:MAX_ERROR], row["id"]],
                )
            continue
        with write_transaction(db):
            db.execute(
                "update messages set sent_at = ?, body = '', attempts = attempts + 1, last_error = null"
                " where id = ?",
                [to_rfc3339(now), row["id"]],
            )
        sent += 1
    if failure is not None:
        raise failure
    return sent


def _send(smtp: SmtpSettings, row: dict[str, Any]) -> None:
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = row["recipient"]
    message["Subject"] = row["subject"]
    message.set_content(row["body"])
    with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as client:
        if smtp.starttls:
            client.starttls()
        if smtp.username:
            client.login(smtp.username, smtp.password)
        client.send_message(message)
