"""Sending the outbox (:mod:`cardsvc.central.mail_outbox`) from the served central service: at once after
a request that queued a message, and every ``MAIL_INTERVAL`` seconds in the background while any waits."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from cardsvc.platform.retry_loop import RetryLoop, start_once
from cardsvc.platform.storage.engines import database_address

from .mail_outbox import SmtpSettings, send_pending
from .schema import open_database

log = logging.getLogger(__name__)


def smtp_settings(app: Flask) -> SmtpSettings | None:
    """The mail server the settings name, or None when none is set (messages wait on the admin page)."""
    config = app.config
    if not config["SMTP_HOST"]:
        return None
    return SmtpSettings(
        config["SMTP_HOST"],
        int(config["SMTP_PORT"]),
        config["SMTP_FROM"],
        bool(config["SMTP_STARTTLS"]),
        config["SMTP_USERNAME"],
        config["SMTP_PASSWORD"],
    )


def send_once(app: Flask) -> int:
    smtp = smtp_settings(app)
    if smtp is None:
        return 0
    db = open_database(database_address(app.config))
    try:
        with db.alone("mail-outbox") as alone:  # one instance sends at a time
            return send_pending(db, smtp, int(app.config["CLOCK"]())) if alone else 0
    finally:
        db.close()


def deliver_now(app: Flask) -> None:
    """Try the outbox now; a failure is only logged: the message waits for the next attempt."""
    try:
        send_once(app)
    except OSError as error:  # smtplib's errors are OSErrors too
        log.warning("messages not sent now (%s); they wait for the next attempt", error)


def start_mail_sender(app: Flask) -> Any:
    interval = app.config["MAIL_INTERVAL"]
    if not interval or smtp_settings(app) is None:
        return None
    key = database_address(app.config) + "#mail"
    return start_once(key, lambda: RetryLoop("mail-outbox", lambda: send_once(app), interval, 3600))
