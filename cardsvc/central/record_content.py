"""What one redemption record may say, checked from the record alone (no lock, no database): its time
against the batch's arrival, its card against the trust list and the card's validity, its offer against
the shop's offers as published over time, its amounts in whole cents. See ``ingest``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cardsvc.core.errors import InvalidInput

from ..core import CredentialFormatError, TimestampError, TrustList, from_rfc3339, parse_credential
from ..core.cose_sign1 import UnsupportedAlgorithm
from ..core.keys import b64url
from ..core.ledger_chain import valid_record_id
from .registry import published_at

MAX_CENTS = 100_000_000
EARLIEST = 1_577_836_800  # 2020-01-01: no record of the network is older


class RecordRejected(InvalidInput, ValueError):
    """A chained record whose content is refused; it still takes its place in the chain. The code is the
    reason the till is answered with (``forged_card``, ``offer_not_yours``…)."""

    code = "record_rejected"

    def __init__(self, code: str) -> None:
        super().__init__(code, code=code)


@dataclass
class Rules:
    """What a record's content is checked against: the shop's offers over time, the trust list, the
    time the batch arrived and how far a till's clock may stray."""

    offers: dict[int, list[tuple[int, str]]]
    shop_istat: str
    trust: TrustList
    now: int
    tolerance: int


def _cents(record: dict[str, Any], name: str) -> int:
    value = record.get(name)
    if type(value) is not int or not 0 <= value <= MAX_CENTS:
        raise RecordRejected("invalid_amounts")
    return value


def record_content(record: dict[str, Any], rules: Rules) -> dict[str, Any]:
    """The columns a record contributes, from the record alone; raises :class:`RecordRejected`.

    Times are checked against what the till cannot change: no record after the batch arrived (plus the
    clock tolerance), no redemption outside its card's validity or the issuing key's, and none with an
    offer that was not published at that time."""
    try:
        kiosk_time = from_rfc3339(record.get("at"))  # type: ignore[arg-type]
    except TimestampError:
        raise RecordRejected("invalid_time") from None
    if kiosk_time < EARLIEST:
        raise RecordRejected("invalid_time")
    if kiosk_time > rules.now + rules.tolerance:
        raise RecordRejected("future_time")
    kind = record.get("type")
    if kind == "void" and not (valid_record_id(record.get("voids"))):
        raise RecordRejected("unknown_redemption")
    if kind in ("void", "day_close"):
        return {"kiosk_time": kiosk_time}
    if kind != "redemption":
        raise RecordRejected("unknown_type")
    amount, discount = _cents(record, "amount_cents"), _cents(record, "discount_cents")
    if discount > amount:
        raise RecordRejected("invalid_amounts")
    offer_id = record.get("offer_id")
    if type(offer_id) is not int or offer_id not in rules.offers:
        raise RecordRejected("offer_not_yours")
    claims, key_status = _verified_claims(record.get("card"), rules.trust)
    if not claims.issued_at - rules.tolerance <= kiosk_time < claims.expires_at:
        raise RecordRejected("outside_card_validity")
    if not published_at(rules.offers[offer_id], kiosk_time, rules.tolerance):
        raise RecordRejected("offer_not_published")
    return {
        "cti": b64url(claims.cti),
        "card_istat": claims.issuer,
        "shop_istat": rules.shop_istat,
        "minors": claims.minors,
        "offer_id": record["offer_id"],
        "amount_cents": amount,
        "discount_cents": discount,
        "kiosk_time": kiosk_time,
        "reason": "revoked_key" if key_status == "revoked" else None,
    }


def _verified_claims(card: Any, trust: TrustList) -> tuple[Any, str]:
    """The card's claims if its signature and issuer check; the key's status with them."""
    try:
        parsed = parse_credential(card)
    except (CredentialFormatError, UnsupportedAlgorithm):
        raise RecordRejected("forged_card") from None
    listed = trust.lookup(parsed.sign1.kid)
    if listed is None:
        raise RecordRejected("forged_card")
    issuer, key = listed
    if not key.is_valid_signed(parsed.sign1.signed_message) or parsed.claims.issuer != issuer.istat:
        raise RecordRejected("forged_card")
    if not issuer.covers(parsed.claims.issued_at):
        raise RecordRejected("key_not_valid")
    return parsed.claims, issuer.status
