"""Offline verification of an FC1 card: one function, a verdict for every input, never an exception.

Order (SPEC §5): first the verifier checks itself — a clock earlier than the server time seen at the
last sync gives ``CLOCK_INVALID``, lists older than the hard limit give ``LISTS_TOO_OLD`` — then the
card: ``MALFORMED`` → ``UNSUPPORTED_ALGORITHM`` → ``UNKNOWN_ISSUER`` → ``ISSUER_KEY_REVOKED`` →
``BAD_SIGNATURE`` → ``ISSUER_MISMATCH`` → ``NOT_YET_VALID`` → ``EXPIRED`` → ``REVOKED`` →
``ACCEPTED`` (with the warning ``LISTS_STALE`` when the lists are older than the configured age).

This is the till's hot path: it calls the parsing steps directly, keeps lookups flat and hands the
signature to libsodium's ``crypto_sign_open`` itself, so that the whole check costs little more than the
Ed25519 verification alone (``bench/verify.py``). The signed message is checked against the raw public
key of a trust-list entry, which ``Verifier`` validated when the trust list was loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from nacl.bindings import crypto_sign_open as _sign_open
from nacl.exceptions import BadSignatureError

from .claims import ClaimsError, decode_claims
from .cose_sign1 import CoseStructureError, UnsupportedAlgorithm
from .credential import CredentialFormatError, decode_text
from .revocation_list import RevocationState
from .trust_list import TrustList
from .verdicts import Verdict, VerdictCode, WarningCode

HOUR = 3600
DAY = 24 * HOUR
_STALE = (WarningCode.LISTS_STALE,)


@dataclass(frozen=True, slots=True)
class VerifierPolicy:
    """Tunable limits, in seconds."""

    clock_skew: int = 5 * 60
    stale_after: int = 72 * HOUR
    max_list_age: int = 30 * DAY


DEFAULT_POLICY = VerifierPolicy()
#: For the holder of the lists themselves (the network folder): its lists are current by definition.
AUTHORITATIVE_POLICY = VerifierPolicy(stale_after=2**62, max_list_age=2**62)


def _seconds(moment: datetime | int | float) -> float:
    if type(moment) is int or type(moment) is float:
        return moment
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise ValueError("now must be a number of seconds or an aware datetime")
    return moment.timestamp()


# Enum members and the tuple constructor bound once: attribute access on an Enum class costs more
# than most of the checks below.
_new_verdict = tuple.__new__
_ACCEPTED = VerdictCode.ACCEPTED
_EXPIRED = VerdictCode.EXPIRED
_REVOKED = VerdictCode.REVOKED
_NOT_YET_VALID = VerdictCode.NOT_YET_VALID
_NO_WARNINGS: tuple[WarningCode, ...] = ()


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
        if type(now) is not int:
            now = _seconds(now)
        if last_server_time is not None and now < _seconds(last_server_time):
            return Verdict(VerdictCode.CLOCK_INVALID, detail="clock earlier than the last server time")
        lists_issued_at = revocations.issued_at
        if lists_issued_at is None or now - lists_issued_at > policy.max_list_age:
            return Verdict(VerdictCode.LISTS_TOO_OLD, detail="no revocation list recent enough")

        try:
            sign1 = decode_text(text)  # type: ignore[arg-type]  # non-text is MALFORMED
            claims = decode_claims(sign1.payload)
        except (CredentialFormatError, CoseStructureError, ClaimsError) as exc:
            return Verdict(VerdictCode.MALFORMED, detail=str(exc))
        except UnsupportedAlgorithm as exc:
            return Verdict(VerdictCode.UNSUPPORTED_ALGORITHM, detail=str(exc))

        listed = trust.by_kid.get(sign1.kid)
        if listed is None:
            return Verdict(VerdictCode.UNKNOWN_ISSUER, detail="kid not in the trust list")
        issuer, key = listed
        if issuer.status == "revoked":
            return Verdict(VerdictCode.ISSUER_KEY_REVOKED, issuer=issuer)
        try:
            _sign_open(sign1.signed_message, key.public_key)
        except BadSignatureError:
            return Verdict(VerdictCode.BAD_SIGNATURE, issuer=issuer)

        issued_at = claims.issued_at
        if claims.issuer != issuer.istat:
            return Verdict(VerdictCode.ISSUER_MISMATCH, claims, issuer, detail="iss is not the key's comune")
        if not issuer.covers(issued_at):
            return Verdict(
                VerdictCode.ISSUER_MISMATCH, claims, issuer, detail="iat outside the key's validity"
            )
        if issued_at > now + policy.clock_skew:
            return _new_verdict(Verdict, (_NOT_YET_VALID, claims, issuer, None, _NO_WARNINGS, ""))
        if now >= claims.expires_at:
            return _new_verdict(Verdict, (_EXPIRED, claims, issuer, None, _NO_WARNINGS, ""))
        revocation = revocations.entries.get(claims.cti)
        if revocation is not None:
            return _new_verdict(Verdict, (_REVOKED, claims, issuer, revocation, _NO_WARNINGS, ""))
        warnings = _STALE if now - lists_issued_at > policy.stale_after else _NO_WARNINGS
        return _new_verdict(Verdict, (_ACCEPTED, claims, issuer, None, warnings, ""))
    except Exception as exc:  # the contract: a verdict for every input, never an exception
        return Verdict(VerdictCode.MALFORMED, detail=f"verifier fault: {exc.__class__.__name__}")
