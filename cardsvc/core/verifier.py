"""Offline verification of an FC1 card: one function, a verdict for every input, never an exception.

Order (SPEC §5): first the verifier checks itself — a clock earlier than the server time seen at the last
sync gives ``CLOCK_INVALID``, lists older than the hard limit give ``LISTS_TOO_OLD`` — then the card:
``MALFORMED`` → ``UNSUPPORTED_ALGORITHM`` → ``UNKNOWN_ISSUER`` → ``ISSUER_KEY_REVOKED`` →
``BAD_SIGNATURE`` → ``ISSUER_MISMATCH`` → ``NOT_YET_VALID`` → ``EXPIRED`` → ``REVOKED`` → ``ACCEPTED``
(with the warning ``LISTS_STALE`` when the lists are older than the configured age).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .cose_sign1 import UnsupportedAlgorithm
from .credential import CredentialFormatError, parse_credential
from .revocation_list import RevocationState
from .trust_list import TrustList
from .verdicts import Verdict, VerdictCode, WarningCode

HOUR = 3600
DAY = 24 * HOUR


@dataclass(frozen=True, slots=True)
class VerifierPolicy:
    """Tunable limits, in seconds."""

    clock_skew: int = 5 * 60
    stale_after: int = 72 * HOUR
    max_list_age: int = 30 * DAY


DEFAULT_POLICY = VerifierPolicy()


def _seconds(moment: datetime | int | float) -> float:
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            raise ValueError("naive datetime")
        return moment.timestamp()
    return float(moment)


def verify_card(
    text: object,
    trust: TrustList,
    revocations: RevocationState,
    now: datetime | int | float,
    last_server_time: datetime | int | float | None = None,
    policy: VerifierPolicy = DEFAULT_POLICY,
) -> Verdict:
    """Verify the QR text of a card at time ``now`` against the lists held."""
    try:
        return _verify(text, trust, revocations, _seconds(now), last_server_time, policy)
    except Exception as exc:  # the contract: a verdict for every input, never an exception
        return Verdict(VerdictCode.MALFORMED, detail=f"verifier fault: {exc.__class__.__name__}")


def _verify(
    text: object,
    trust: TrustList,
    revocations: RevocationState,
    now: float,
    last_server_time: datetime | int | float | None,
    policy: VerifierPolicy,
) -> Verdict:
    if last_server_time is not None and now < _seconds(last_server_time):
        return Verdict(VerdictCode.CLOCK_INVALID, detail="clock earlier than the last server time")
    lists_issued_at = revocations.issued_at
    if lists_issued_at is None or now - lists_issued_at > policy.max_list_age:
        return Verdict(VerdictCode.LISTS_TOO_OLD, detail="no revocation list recent enough")

    try:
        parsed = parse_credential(text)  # type: ignore[arg-type]  # non-text is MALFORMED there
    except CredentialFormatError as exc:
        return Verdict(VerdictCode.MALFORMED, detail=str(exc))
    except UnsupportedAlgorithm as exc:
        return Verdict(VerdictCode.UNSUPPORTED_ALGORITHM, detail=str(exc))
    claims = parsed.claims

    listed = trust.lookup(parsed.sign1.kid)
    if listed is None:
        return Verdict(VerdictCode.UNKNOWN_ISSUER, detail="kid not in the trust list")
    issuer, key = listed
    if issuer.status == "revoked":
        return Verdict(VerdictCode.ISSUER_KEY_REVOKED, issuer=issuer)
    if not key.is_valid(parsed.sign1.signature, parsed.sign1.to_be_signed()):
        return Verdict(VerdictCode.BAD_SIGNATURE, issuer=issuer)

    if claims.issuer != issuer.istat:
        return Verdict(
            VerdictCode.ISSUER_MISMATCH, claims, issuer, detail="iss is not the key's comune"
        )
    if not issuer.covers(claims.issued_at):
        return Verdict(
            VerdictCode.ISSUER_MISMATCH, claims, issuer, detail="iat outside the key's validity"
        )
    if claims.issued_at > now + policy.clock_skew:
        return Verdict(VerdictCode.NOT_YET_VALID, claims, issuer)
    if now >= claims.expires_at:
        return Verdict(VerdictCode.EXPIRED, claims, issuer)
    revocation = revocations.lookup(claims.cti)
    if revocation is not None:
        return Verdict(VerdictCode.REVOKED, claims, issuer, revocation=revocation)

    warnings = (WarningCode.LISTS_STALE,) if now - lists_issued_at > policy.stale_after else ()
    return Verdict(VerdictCode.ACCEPTED, claims, issuer, warnings=warnings)
