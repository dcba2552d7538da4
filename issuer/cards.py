"""Issue, renew, reissue and revoke cards; each change queues its card event and is audited.

Every operation is one write transaction: the card row, the event for the central service (in the
outbox, sent later and retried while the service is unreachable) and the audit line are stored together
or not at all. Refusals raise :class:`CardRefused` with a stable code.

- **issue**: for a guardian of an eligible household with no active card; valid ``VALIDITY_MONTHS``.
- **renew**: from ``RENEW_DAYS`` before expiry; eligibility is checked again; the old card is
  superseded (and listed as such, so one family never holds two valid cards for one guardian).
- **reissue** after loss or theft: the old card is revoked, the new one keeps the old expiry (the
  family's eligibility is checked again at renewal, not at a replacement).
- **revoke**: moved away, fraud, other.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cardsvc.core import CardClaims, format_card_number, issue_card, new_cti, shorten_holder_name
from cardsvc.core.errors import Conflict
from cardsvc.core.keys import b64url
from cardsvc.platform.rome_calendar import default_expiry, rome_year
from cardsvc.platform.storage.database import Database
from cardsvc.platform.storage.transactions import write_transaction

from .audit import record_action
from .eligibility import Failure, minors_in
from .households import eligibility, get_household
from .signing_keys import KeyNotActive, signing_key

DAY = 86_400
REVOKE_REASONS = ("moved", "fraud", "other")
LOSS_REASONS = ("lost", "stolen")


class CardRefused(Conflict, ValueError):
    """A card that cannot be issued, renewed, reissued or revoked; ``code`` says why (``ineligible``,
    ``duplicate_card``…), ``failures`` the eligibility rules not met, ``values`` what the words need."""

    code = "card_refused"

    def __init__(self, code: str, failures: list[Failure] | None = None, **values: object) -> None:
        super().__init__(code, code=code, details=values)
        self.failures = failures or []
        self.values = values


@dataclass(frozen=True)
class Office:
    """What signing needs from the running office: where keys live, the passphrase, the rules of time."""

    instance: Path
    passphrase: str
    pseudonym_key: bytes
    validity_months: int = 12
    renew_days: int = 60


def household_pseudonym(key: bytes, istat: str, household_id: int) -> str:
    """A keyed hash of the household: the central service counts families without knowing them."""
    return hmac.new(key, f"{istat}:{household_id}".encode(), hashlib.sha256).hexdigest()


def holder_name(name: str) -> str:
    """The name as printed and signed: upper case, at most 24 UTF-8 bytes."""
    return shorten_holder_name(name.upper())


def get_card(db: Database, istat: str, cti: str) -> dict[str, Any] | None:
    rows = list(db["cards"].rows_where("cti = ? and istat = ?", [cti, istat]))
    return rows[0] if rows else None


def replacement_of(db: Database, cti: str) -> dict[str, Any] | None:
    """The card issued in place of ``cti`` (renewed or replaced), if any."""
    rows = list(db["cards"].rows_where("replaces = ?", [cti], limit=1))
    return rows[0] if rows else None


def cards_of(db: Database, household_id: int) -> list[dict[str, Any]]:
    return list(db["cards"].rows_where("household_id = ?", [household_id], order_by="issued_at desc"))


def _queue(db: Database, istat: str, event: dict[str, Any], now: int) -> None:
    db.table("outbox").insert({"istat": istat, "event": json.dumps(event), "created_at": now, "attempts": 0})


def _sign_new(
    db: Database, office: Office, household: dict[str, Any], guardian: dict[str, Any], now: int, **row: Any
) -> dict[str, Any]:
    istat = household["istat"]
    try:
        kid, key = signing_key(db, office.instance, istat, office.passphrase, now)
    except KeyNotActive as error:
        raise CardRefused("key_not_active", detail=str(error)) from None
    expires_at = row.pop("expires_at", None) or default_expiry(now, office.validity_months)
    minors = minors_in(household["birth_years"], rome_year(now))
    claims = CardClaims(istat, now, expires_at, new_cti(), holder_name(guardian["name"]), minors)
    text = issue_card(claims, key)
    card = {
        "cti": b64url(claims.cti),
        "number": format_card_number(claims.cti),
        "household_id": household["id"],
        "guardian_id": guardian["id"],
        "istat": istat,
        "holder": claims.holder,
        "minors": minors,
        "kid": kid,
        "issued_at": now,
        "expires_at": expires_at,
        "qr": text,
        "status": "active",
        **row,
    }
    db.table("cards").insert(card)
    event = {"type": "issued", "cti": card["cti"], "istat": istat, "card": text}
    _queue(
        db,
        istat,
        {**event, "household": household_pseudonym(office.pseudonym_key, istat, household["id"])},
        now,
    )
    return card


def _end(db: Database, card: dict[str, Any], status: str, reason: str, now: int) -> None:
    db.table("cards").update(card["cti"], {"status": status, "reason": reason, "ended_at": now})
    event = {
        "type": "revoked",
        "cti": card["cti"],
        "istat": card["istat"],
        "revoked_at": now,
        "reason": reason,
    }
    _queue(db, card["istat"], event, now)


def _guardian(household: dict[str, Any], guardian_id: int) -> dict[str, Any]:
    guardian: dict[str, Any] | None = next(
        (g for g in household["guardians"] if g["id"] == guardian_id), None
    )
    if guardian is None:
        raise CardRefused("unknown_guardian")
    return guardian


def issue(
    db: Database, office: Office, operator: str, istat: str, household_id: int, guardian_id: int, now: int
) -> dict[str, Any]:
    with write_transaction(db):
        return issue_locked(db, office, operator, istat, household_id, guardian_id, now)


def issue_locked(
    db: Database, office: Office, operator: str, istat: str, household_id: int, guardian_id: int, now: int
) -> dict[str, Any]:
    """:func:`issue` inside the caller's write transaction; a refusal is raised before anything is written."""
    household = get_household(db, istat, household_id)
    if household is None:
        raise CardRefused("unknown_household")
    guardian = _guardian(household, guardian_id)
    failures = eligibility(db, household, rome_year(now))
    if failures:
        raise CardRefused("ineligible", failures)
    if db.execute(
        "select 1 from cards where guardian_id = ? and status = 'active'", [guardian_id]
    ).fetchone():
        raise CardRefused("duplicate_card", holder=guardian["name"])
    card = _sign_new(db, office, household, guardian, now)
    record_action(db, operator, istat, "issue", card["number"], guardian["name"], now)
    return card


def _active_card(db: Database, istat: str, cti: str) -> dict[str, Any]:
    card = get_card(db, istat, cti)
    if card is None:
        raise CardRefused("unknown_card")
    if card["status"] != "active":
        raise CardRefused("card_not_active", status=card["status"])
    return card


def renewable_from(card: dict[str, Any], renew_days: int) -> int:
    return int(card["expires_at"]) - renew_days * DAY


def renew(db: Database, office: Office, operator: str, istat: str, cti: str, now: int) -> dict[str, Any]:
    with write_transaction(db):
        old = _active_card(db, istat, cti)
        if now < renewable_from(old, office.renew_days):
            raise CardRefused("too_early_to_renew", date=renewable_from(old, office.renew_days))
        household = get_household(db, istat, old["household_id"])
        assert household is not None
        failures = eligibility(db, household, rome_year(now))
        if failures:
            raise CardRefused("ineligible", failures)
        _end(db, old, "superseded", "superseded", now)
        start = max(now, int(old["expires_at"]) - 1)  # renewed early: the new year follows the old one
        card = _sign_new(
            db, office, household, _guardian(household, old["guardian_id"]), now,
            replaces=old["cti"], expires_at=default_expiry(start, office.validity_months),
        )  # fmt: skip
        record_action(db, operator, istat, "renew", card["number"], f"replaces {old['number']}", now)
    return card


def reissue(
    db: Database, office: Office, operator: str, istat: str, cti: str, reason: str, now: int
) -> dict[str, Any]:
    if reason not in LOSS_REASONS:
        raise CardRefused("invalid_reason")
    with write_transaction(db):
        old = _active_card(db, istat, cti)
        household = get_household(db, istat, old["household_id"])
        assert household is not None
        _end(db, old, "revoked", reason, now)
        guardian = _guardian(household, old["guardian_id"])
        card = _sign_new(
            db, office, household, guardian, now, replaces=old["cti"], expires_at=old["expires_at"]
        )
        record_action(db, operator, istat, "reissue", card["number"], f"{reason}: {old['number']}", now)
    return card


def revoke(db: Database, operator: str, istat: str, cti: str, reason: str, now: int) -> dict[str, Any]:
    if reason not in REVOKE_REASONS:
        raise CardRefused("invalid_reason")
    with write_transaction(db):
        card = _active_card(db, istat, cti)
        _end(db, card, "revoked", reason, now)
        record_action(db, operator, istat, "revoke", card["number"], reason, now)
    return {**card, "status": "revoked", "reason": reason}
