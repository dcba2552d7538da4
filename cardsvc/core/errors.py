"""Domain errors: a refusal with a stable machine code, said without HTTP.

A service (register a merchant, enrol a till, erase a household, read a key file) raises a
:class:`DomainError` of one of a few kinds. ``code`` is the stable part that clients, tests and the
OpenAPI document rely on (``duplicate_vat``, ``invalid_code``…): each class has a default and a raise may
name a more precise one. ``message`` is one line for people; ``details`` holds values a caller may need
(``retry_after``, a line number). Nothing here knows HTTP: one table gives each kind its status
(``cardsvc/platform/web/error_status.py``) for the central service's JSON answer and the office's and the
till's error page, and the command line turns a refusal into one line on standard error with exit status 2
(``cardsvc/cli/common.py``). The card core's verification errors (``JwsError``, ``ClaimsError``…) are plain
``ValueError``s with their own codes, which the command line lists beside this tree.

The kinds, their default codes, and the named errors of each kind::

    DomainError
    ├── InvalidInput ............ invalid_request: can never succeed as asked
    │   ├── DurationError ....... cardsvc.platform.durations
    │   ├── KeyFileError ........ cardsvc.network.keystore
    │   ├── NetworkHomeError .... cardsvc.network.home_records
    │   ├── RecordRejected ...... cardsvc.central.record_content
    │   ├── UserRefused ......... cardsvc.central.users
    │   ├── ApplicationInvalid .. cardsvc.central.shop_applications (field: the wrong one)
    │   ├── CsvUnreadable ....... issuer.csv_reading
    │   └── ReminderRefused ..... issuer.reminders
    ├── NotAuthenticated ........ unauthorized: no credential, or an unknown or revoked one
    ├── Forbidden ............... forbidden: the caller may not do this
    │   ├── TooManyRequests ..... too_many_requests: not now, try after details' retry_after seconds
    │   │   └── TooManyAttempts . cardsvc.platform.web.login
    │   └── ExposedFile ......... cardsvc.platform.private_files (also an OSError)
    ├── NotFound ................ not_found: no such thing
    ├── Conflict ................ conflict: what is held does not allow it now
    │   ├── LinkUnusable ........ cardsvc.central.password_links (link_used, link_expired)
    │   ├── SetupRefused ........ cardsvc.central.setup
    │   ├── TargetNotEmpty ...... cardsvc.central.postgres_copy
    │   ├── CopyMismatch ........ cardsvc.central.postgres_copy (copy_mismatch, row_refused)
    │   ├── CardRefused ......... issuer.cards
    │   ├── ErasureRefused ...... issuer.retention
    │   ├── CheckoutRefused ..... merchant_kiosk.checkout
    │   ├── LedgerError ......... merchant_kiosk.ledger
    │   └── OfferRefused ........ cardsvc.core.offer_rules
    ├── Unavailable ............. unavailable: not set up yet, or a service does not answer; try later
    │   ├── CentralUnavailable .. cardsvc.platform.json_client
    │   ├── KeyNotActive ........ issuer.signing_keys
    │   └── NotEnrolled ......... merchant_kiosk.identity
    └── RemoteRefused ........... remote_refused: another service refused the request for good
        └── CentralRefused ...... cardsvc.platform.json_client (code: the central service's)

Named errors that callers have always caught as ``ValueError`` are ``ValueError`` too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

__all__ = [
    "Conflict",
    "DomainError",
    "Forbidden",
    "InvalidInput",
    "NotAuthenticated",
    "NotFound",
    "RemoteRefused",
    "TooManyRequests",
    "Unavailable",
    "by_kind",
]

T = TypeVar("T")


class DomainError(Exception):
    """A refusal: ``code`` for machines (the class's, or the one the raise names), ``message`` for people."""

    code: str = "domain_error"

    def __init__(
        self, message: str = "", *, code: str | None = None, details: Mapping[str, Any] | None = None
    ) -> None:
        self.code = code or type(self).code
        self.message = message or self.code
        self.details: dict[str, Any] = dict(details or {})
        super().__init__(self.message)


class InvalidInput(DomainError):
    """The request can never succeed as it is: a field missing, malformed or out of range."""

    code = "invalid_request"


class NotAuthenticated(DomainError):
    """No credential, or one nobody knows (unknown, revoked)."""

    code = "unauthorized"


class Forbidden(DomainError):
    """The caller is known but may not do this."""

    code = "forbidden"


class TooManyRequests(Forbidden):
    """Too many requests of this kind lately: try again after ``retry_after`` seconds (in ``details``)."""

    code = "too_many_requests"

    def __init__(self, message: str = "", *, retry_after: int, code: str | None = None) -> None:
        self.retry_after = max(retry_after, 1)
        super().__init__(message, code=code, details={"retry_after": self.retry_after})


class NotFound(DomainError):
    """No such thing (merchant, offer, kiosk, credential…)."""

    code = "not_found"


class Conflict(DomainError):
    """What is held does not allow it now: a duplicate, a move the workflow forbids, an older version."""

    code = "conflict"


class Unavailable(DomainError):
    """It cannot be done now: not set up yet, a key missing, or another service does not answer."""

    code = "unavailable"


class RemoteRefused(DomainError):
    """Another service refused the request for good; sending it again will not help."""

    code = "remote_refused"


def by_kind(table: Mapping[type[DomainError], T], error: DomainError, default: T) -> T:
    """The entry of ``table`` for the error's own class or, failing that, its nearest kind."""
    return next((table[kind] for kind in type(error).__mro__ if kind in table), default)
