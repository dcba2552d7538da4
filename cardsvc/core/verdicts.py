"""Verdicts of offline verification, with the words shop staff read (Italian and English).

The order in which ``verifier.verify_card`` reaches them is normative (SPEC §5); see that module.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NamedTuple

from .card_number import format_card_number
from .claims import CardClaims
from .keys import b64url
from .revocation_list import RevocationEntry
from .timestamps import to_rfc3339
from .trust_list import IssuerKey


class VerdictCode(StrEnum):
    CLOCK_INVALID = "CLOCK_INVALID"
    LISTS_TOO_OLD = "LISTS_TOO_OLD"
    MALFORMED = "MALFORMED"
    UNSUPPORTED_ALGORITHM = "UNSUPPORTED_ALGORITHM"
    UNKNOWN_ISSUER = "UNKNOWN_ISSUER"
    ISSUER_KEY_REVOKED = "ISSUER_KEY_REVOKED"
    BAD_SIGNATURE = "BAD_SIGNATURE"
    ISSUER_MISMATCH = "ISSUER_MISMATCH"
    NOT_YET_VALID = "NOT_YET_VALID"
    EXPIRED = "EXPIRED"
    REVOKED = "REVOKED"
    ACCEPTED = "ACCEPTED"


class WarningCode(StrEnum):
    LISTS_STALE = "LISTS_STALE"


MESSAGES: dict[str, tuple[str, str]] = {
    VerdictCode.ACCEPTED: ("Carta valida.", "Card valid."),
    VerdictCode.CLOCK_INVALID: (
        "Data e ora della cassa sono indietro rispetto all'ultima sincronizzazione: correggerle.",
        "The till's date and time are behind the last sync: correct them.",
    ),
    VerdictCode.LISTS_TOO_OLD: (
        "Elenchi delle carte troppo vecchi: collegare la cassa alla rete e sincronizzare.",
        "Card lists too old: connect the till to the network and sync.",
    ),
    VerdictCode.MALFORMED: (
        "Codice non leggibile: non è una Family Card valida.",
        "Unreadable code: not a valid Family Card.",
    ),
    VerdictCode.UNSUPPORTED_ALGORITHM: (
        "Carta firmata con un metodo non ammesso.",
        "Card signed with a method that is not allowed.",
    ),
    VerdictCode.UNKNOWN_ISSUER: (
        "Carta emessa da un ente che la rete non riconosce.",
        "Card issued by an issuer the network does not recognise.",
    ),
    VerdictCode.ISSUER_KEY_REVOKED: (
        "La chiave del comune che ha emesso la carta è stata revocata: carta non valida.",
        "The issuing comune's key has been revoked: card not valid.",
    ),
    VerdictCode.BAD_SIGNATURE: (
        "Firma non valida: carta alterata o contraffatta.",
        "Invalid signature: card altered or forged.",
    ),
    VerdictCode.ISSUER_MISMATCH: (
        "La carta non corrisponde al comune che l'ha emessa.",
        "The card does not match the comune that issued it.",
    ),
    VerdictCode.NOT_YET_VALID: (
        "Carta non ancora valida: controllare data e ora della cassa.",
        "Card not yet valid: check the till's date and time.",
    ),
    VerdictCode.EXPIRED: ("Carta scaduta.", "Card expired."),
    VerdictCode.REVOKED: ("Carta revocata: non accettarla.", "Card revoked: do not accept it."),
    WarningCode.LISTS_STALE: (
        "Elenchi delle carte non aggiornati di recente: sincronizzare appena possibile.",
        "Card lists not updated recently: sync as soon as possible.",
    ),
}


class Verdict(NamedTuple):
    """The outcome of verifying one card, with what was learned about it on the way."""

    code: VerdictCode
    claims: CardClaims | None = None
    issuer: IssuerKey | None = None
    revocation: RevocationEntry | None = None
    warnings: tuple[WarningCode, ...] = ()
    detail: str = ""

    @property
    def accepted(self) -> bool:
        return self.code == VerdictCode.ACCEPTED

    @property
    def message_it(self) -> str:
        return MESSAGES[self.code][0]

    @property
    def message_en(self) -> str:
        return MESSAGES[self.code][1]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready description, for the CLI, the kiosk and the logs."""
        result: dict[str, Any] = {
            "verdict": self.code.value,
            "accepted": self.accepted,
            "message_it": self.message_it,
            "message_en": self.message_en,
            "warnings": [
                {"code": w.value, "message_it": MESSAGES[w][0], "message_en": MESSAGES[w][1]}
                for w in self.warnings
            ],
            "detail": self.detail,
            "claims": None,
        }
        if self.claims is not None:
            c = self.claims
            result["claims"] = {
                "iss": c.issuer,
                "comune": self.issuer.comune if self.issuer and self.issuer.istat == c.issuer else None,
                "holder": c.holder,
                "minors": c.minors,
                "issued_at": to_rfc3339(c.issued_at),
                "expires_at": to_rfc3339(c.expires_at),
                "cti": b64url(c.cti),
                "card_number": format_card_number(c.cti),
            }
        if self.revocation is not None:
            result["revocation"] = self.revocation.to_json()
        return result
