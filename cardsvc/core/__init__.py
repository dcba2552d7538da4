"""The card core: FC1 credentials, keys, signed lists and the offline verifier.

Pure logic: no web framework and no database. The safe layer is ``issue_card`` and ``verify_card``;
keys are handled through ``keys``. Errors::

    ValueError
    ├── ClaimsError             claims out of shape or limits (issuing)
    ├── CredentialFormatError   text is not an FC1 credential (parsing)
    ├── CardNumberError         printed card number mistyped
    ├── KeyFormatError          key material of the wrong form
    ├── TimestampError          not an RFC 3339 timestamp
    ├── QrError                 no card QR code made or found
    └── JwsError                a signed list refused; .code: malformed, unsupported_algorithm,
                                wrong_type, unknown_kid, bad_signature, rollback, gap
"""

from .card_number import CardNumberError, format_card_number, parse_card_number
from .claims import CardClaims, ClaimsError, new_cti, shorten_holder_name
from .credential import CredentialFormatError, issue_card, parse_credential
from .jws import JwsError
from .keys import KeyFormatError, Verifier, generate_private_key, kid_for, raw_public_key
from .qr import QrError, qr_png, qr_version, read_card_qr, render_qr
from .revocation_list import (
    REASONS,
    RevocationEntry,
    RevocationList,
    RevocationState,
    load_revocation_list,
)
from .timestamps import TimestampError, from_rfc3339, to_rfc3339
from .trust_list import IssuerKey, TrustList, load_trust_list
from .verdicts import Verdict, VerdictCode, WarningCode
from .verifier import DEFAULT_POLICY, VerifierPolicy, verify_card

__all__ = [
    "DEFAULT_POLICY",
    "REASONS",
    "CardClaims",
    "CardNumberError",
    "ClaimsError",
    "CredentialFormatError",
    "IssuerKey",
    "JwsError",
    "KeyFormatError",
    "QrError",
    "RevocationEntry",
    "RevocationList",
    "RevocationState",
    "TimestampError",
    "TrustList",
    "Verdict",
    "VerdictCode",
    "Verifier",
    "VerifierPolicy",
    "WarningCode",
    "format_card_number",
    "from_rfc3339",
    "generate_private_key",
    "issue_card",
    "kid_for",
    "load_revocation_list",
    "load_trust_list",
    "new_cti",
    "parse_card_number",
    "parse_credential",
    "qr_png",
    "qr_version",
    "raw_public_key",
    "read_card_qr",
    "render_qr",
    "shorten_holder_name",
    "to_rfc3339",
    "verify_card",
]
