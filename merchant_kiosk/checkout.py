"""What happens at the till: a scan gets a verdict, an accepted card gets a discount recorded.

``scan`` verifies the text offline against the lists held, logs the scan (rejections with their reason)
and recognises the same card scanned again within a few seconds as the same customer. ``redeem`` takes
a scan, an offer and the amount typed, verifies the card again at that moment, applies the offer rules
and records the redemption durably. An amount above the shop's plausible ceiling (``PLAUSIBLE_SPEND``)
is recorded only with the clerk's confirmation of that very amount. The daily limit is counted inside
the write transaction, so two tabs cannot both use a once-a-day offer. Refusals raise
:class:`CheckoutRefused` with a stable code that the screen turns into words.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from cardsvc.core import Verdict, VerdictCode, VerifierPolicy, verify_card
from cardsvc.core.errors import Conflict
from cardsvc.core.keys import b64url
from cardsvc.core.ledger_chain import valid_record_id
from cardsvc.core.offer_rules import MAX_AMOUNT_CENTS, Offer, OfferRefused, discount_cents, eligible
from cardsvc.platform.euros import parse_euros

from . import ledger, store
from .lists import held_lists
from .schema import relaxed_durability
from .settings import plausible_spend_cents

MAX_SCAN_TEXT = 1024  # the verifier refuses anything longer; the log keeps no more


class CheckoutRefused(Conflict, ValueError):
    """The till cannot do what was asked; ``code`` names why (``scan_expired``, ``daily_limit`` …), and
    ``details`` what the screen shows with it (``amount_to_confirm``: ``amount_cents``, ``ceiling_cents``)."""

    code = "checkout_refused"

    def __init__(self, code: str, **details: int) -> None:
        super().__init__(code, code=code, details=details)


@dataclass(frozen=True)
class Scan:
    id: str
    at: int
    verdict: Verdict
    repeat: bool = False  # the same card scanned again moments ago: the same customer


@dataclass(frozen=True)
class OfferChoice:
    offer: Offer
    refusal: str | None  # why this family cannot use it now, or None


def policy(config: dict[str, Any]) -> VerifierPolicy:
    return VerifierPolicy(stale_after=config["STALE_AFTER"], max_list_age=config["MAX_LIST_AGE"])


def verify(db: Database, text: str, now: int, config: dict[str, Any]) -> Verdict:
    """The verdict on ``text`` now, against the lists held; LISTS_TOO_OLD before any list is held."""
    lists = held_lists(db, config["DATABASE"])
    if lists is None:
        return Verdict(VerdictCode.LISTS_TOO_OLD, detail="no lists yet: the kiosk is not enrolled")
    floor = store.get(db, "last_server_time")
    floor = None if floor is None else int(floor) - config["CLOCK_TOLERANCE"]
    return verify_card(text, lists.trust, lists.revocations, now, floor, policy(config))


def scan(db: Database, text: str, now: int, config: dict[str, Any]) -> Scan:
    """Verify and log one scan; a repeat of the card scanned within ``DUPLICATE_SCAN_WINDOW`` seconds
    returns that scan again."""
    verdict = verify(db, text, now, config)
    cti = b64url(verdict.claims.cti) if verdict.claims is not None else None
    if cti is not None:
        previous = db.execute(
            "select id, at from scans where cti = ? and at >= ? and verdict = ? order by at desc limit 1",
            [cti, now - config["DUPLICATE_SCAN_WINDOW"], verdict.code.value],
        ).fetchone()
        if previous is not None:
            return Scan(previous[0], previous[1], verdict, repeat=True)
    scan_id = ledger.new_id()
    minors = verdict.claims.minors if verdict.claims is not None else None
    row = [scan_id, now, text[:MAX_SCAN_TEXT], verdict.code.value, cti, minors, verdict.detail[:200]]
    with relaxed_durability(db):
        db.execute(
            "insert into scans (id, at, text, verdict, cti, minors, detail) values (?, ?, ?, ?, ?, ?, ?)", row
        )
    return Scan(scan_id, now, verdict)


def offers(db: Database) -> list[Offer]:
    return [Offer.from_json(json.loads(row[0])) for row in db.execute("select json from offers order by id")]


def offer_choices(db: Database, verdict: Verdict, now: int) -> list[OfferChoice]:
    """Every published offer of this shop, with why this family cannot use it today, if so."""
    if not verdict.accepted or verdict.claims is None:
        return []
    cti = b64url(verdict.claims.cti)
    return [
        OfferChoice(o, eligible(o, verdict.claims.minors, ledger.uses_today(db, cti, o.id, now)))
        for o in offers(db)
    ]


def scanned_card(db: Database, scan_id: str, now: int, config: dict[str, Any]) -> tuple[str, Scan]:
    """The text of a recent scan, verified again now; raises ``scan_expired`` or ``card_refused``."""
    row = db.execute("select text, at from scans where id = ?", [scan_id]).fetchone()
    if row is None or now - row[1] > config["SCAN_VALID_FOR"] or now < row[1]:
        raise CheckoutRefused("scan_expired")
    verdict = verify(db, row[0], now, config)
    if not verdict.accepted or verdict.claims is None:
        raise CheckoutRefused("card_refused")
    return row[0], Scan(scan_id, row[1], verdict)


def redeem(
    db: Database,
    scan_id: str,
    redemption_id: str,
    offer_id: int,
    amount_text: str,
    now: int,
    config: dict[str, Any],
    confirmed_cents: int | None = None,
) -> tuple[dict[str, Any], bool]:
    """Record the discount of ``offer_id`` on the amount typed; returns the record and whether it is new
    (a second submission of the same form returns the first record). An amount above ``PLAUSIBLE_SPEND``
    is refused as ``amount_to_confirm`` unless ``confirmed_cents`` is that amount."""
    if not valid_record_id(redemption_id):  # the central service's rule, so it never refuses the record
        raise CheckoutRefused("invalid_form")
    existing = ledger.get_record(db, redemption_id)
    if existing is not None:
        return existing, False
    text, scanned = scanned_card(db, scan_id, now, config)
    verdict = scanned.verdict
    assert verdict.claims is not None
    offer = next((o for o in offers(db) if o.id == offer_id), None)
    if offer is None:
        raise CheckoutRefused("unknown_offer")
    try:
        amount = parse_euros(amount_text)
    except ValueError:
        raise CheckoutRefused("invalid_amount") from None
    if not 0 < amount <= MAX_AMOUNT_CENTS:
        raise CheckoutRefused("invalid_amount")
    ceiling = plausible_spend_cents(config)
    if amount > ceiling and confirmed_cents != amount:
        raise CheckoutRefused("amount_to_confirm", amount_cents=amount, ceiling_cents=ceiling)
    cti = b64url(verdict.claims.cti)
    minors = verdict.claims.minors

    def discount_for(used_today: int) -> int:
        try:
            return discount_cents(offer, amount, minors, used_today)
        except OfferRefused as refused:
            raise CheckoutRefused(refused.code) from None

    return ledger.record_redemption(db, redemption_id, text, cti, offer.id, amount, now, discount_for)
