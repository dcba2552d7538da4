"""The audit and the events queue in words: what was done ("Carta emessa"), to which household (by its
reference person), card (by its number) or batch (by its file), and the detail in the page's language,
instead of the codes the log keeps ("issue", "household 216", "moved").

The audit's lines are never changed (``audit.py``), so their codes are read here when a page shows them.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import url_for

from cardsvc.platform.i18n import N_
from cardsvc.platform.storage.database import Database

from .i18n import t, tn

ACTION_KEYS = {
    "register": N_("audit_register"),
    "edit": N_("audit_edit"),
    "issue": N_("audit_issue"),
    "renew": N_("audit_renew"),
    "reissue": N_("audit_reissue"),
    "revoke": N_("audit_revoke"),
    "print": N_("audit_print"),
    "erase": N_("audit_erase"),
    "remind": N_("audit_remind"),
}
PRINT_KEYS = {
    "card.pdf": N_("print_kind_card_pdf"),
    "card.png": N_("print_kind_card_png"),
    "phone.png": N_("print_kind_phone_png"),
    "a4.pdf": N_("print_kind_a4_pdf"),
    "sheets": N_("print_kind_sheets"),
}
ERASE_KEYS = {"request": N_("erase_reason_request"), "retention": N_("erase_reason_retention")}
EVENT_KEYS = {"issued": N_("event_issued"), "revoked": N_("event_revoked")}
CARD_REASONS = ("lost", "stolen", "moved", "fraud", "other", "superseded")
REASON_KEYS = (
    N_("reason_lost"),
    N_("reason_stolen"),
    N_("reason_moved"),
    N_("reason_fraud"),
    N_("reason_other"),
    N_("reason_superseded"),
)
_HOUSEHOLD = re.compile(r"household (\d+)")
_BATCH = re.compile(r"batch ([\w-]+)")
_BATCH_LINE = re.compile(r"batch line (\d+)")
_REPLACES = re.compile(r"replaces (\S+)")
_REISSUED = re.compile(r"(\w+): (\S+)")
_LETTERS = re.compile(r"reminder letters: (\d+)")


def reason_word(reason: str | None) -> str:
    """A card's reason (``moved``) in words ("trasferimento in altro comune")."""
    return t(f"reason_{reason}") if reason in CARD_REASONS else str(reason or "")


def _names(db: Database, table: str, key: str, name: str, istat: str) -> dict[str, str]:
    rows = db.execute(f"select {key}, {name} from {table} where istat = ?", [istat]).fetchall()
    return {str(k): v for k, v in rows}


def _detail(action: str, detail: str) -> str:
    if (letters := _LETTERS.fullmatch(detail)) is not None:
        return tn("audit_reminder_letters", int(letters.group(1)))
    if action == "revoke":
        return reason_word(detail)
    if action == "print":
        return t(PRINT_KEYS[detail]) if detail in PRINT_KEYS else detail
    if action == "erase":
        return t(ERASE_KEYS[detail]) if detail in ERASE_KEYS else detail
    if (line := _BATCH_LINE.fullmatch(detail)) is not None:
        return t("audit_batch_line", line=line.group(1))
    if action == "renew" and (old := _REPLACES.fullmatch(detail)) is not None:
        return t("audit_replaces", number=old.group(1))
    if action == "reissue" and (old := _REISSUED.fullmatch(detail)) is not None:
        return t("audit_reissued", reason=reason_word(old.group(1)), number=old.group(2))
    return detail


def audit_lines(db: Database, istat: str, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The audit's lines as the page shows them: ``action``, ``subject`` and ``detail`` in words, and
    ``link`` to the household, card or batch when it is still kept."""
    households = _names(db, "households", "id", "reference_person", istat)
    cards = _names(db, "cards", "number", "cti", istat)
    batches = _names(db, "batches", "token", "file_name", istat)
    shown = []
    for line in lines:
        subject, link = line["subject"], None
        if (household := _HOUSEHOLD.fullmatch(subject)) is not None:
            found = households.get(household.group(1))
            subject = found or t("audit_household_erased")
            link = url_for("office.household", household_id=int(household.group(1))) if found else None
        elif (batch := _BATCH.fullmatch(subject)) is not None:
            subject = t("audit_batch", file=batches.get(batch.group(1)) or "CSV")
            link = url_for("batch.job", token=batch.group(1)) if batch.group(1) in batches else None
        elif subject == "reminders":
            subject, link = t("audit_reminders"), url_for("reminders.reminder_list")
        elif subject in cards:
            link = url_for("cards.card", cti=cards[subject])
        action = line["action"]
        shown.append(
            {
                **line,
                "action": t(ACTION_KEYS[action]) if action in ACTION_KEYS else action,
                "subject": subject,
                "detail": _detail(action, line["detail"] or ""),
                "link": link,
            }
        )
    return shown


def queued_events(db: Database, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Queued card events in words: what (``what``), the card's number and holder, why (a revocation's
    reason)."""
    shown = []
    for row in rows:
        event = json.loads(row["event"])
        card = db.execute("select number, holder from cards where cti = ?", [event.get("cti")]).fetchone()
        kind = str(event.get("type", ""))
        shown.append(
            {
                **row,
                "what": t(EVENT_KEYS[kind]) if kind in EVENT_KEYS else kind,
                "number": card[0] if card else "",
                "holder": (card[1] or "") if card else "",
                "cti": event.get("cti") if card else None,
                "why": reason_word(event.get("reason")) if event.get("reason") else "",
            }
        )
    return shown
