"""The JSON Schemas (2020-12) of ``/api/v1``: request bodies, path and query parameters, answers.

They are written once, here: ``openapi.py`` publishes them in the OpenAPI document and ``validation.py``
checks every request against the same schemas before any domain code runs. Text is one line without
control or bidirectional characters and of bounded length; whole numbers are JSON integers (never
``1.0``) within SQLite's 64-bit range and tighter domain bounds.

Records in a redemption batch and events in a card-event batch are checked one by one by the domain
(``ingest``, ``card_events``): a bad one is answered in its place (``rejected`` with a reason) so that
the rest of the batch still counts; the batch around them is checked here.
"""

from __future__ import annotations

from typing import Any

from cardsvc.platform.plain_text import UNSAFE_RANGE

from .ingest import MAX_RECORDS
from .registry import CATEGORIES, OFFER_KINDS

INT64_MAX = 2**63 - 1
UNSAFE = UNSAFE_RANGE

Schema = dict[str, Any]


def integer(low: int = 0, high: int = INT64_MAX, nullable: bool = False) -> Schema:
    return {"type": ["integer", "null"] if nullable else "integer", "minimum": low, "maximum": high}


def text(max_length: int, required: bool = True) -> Schema:
    """One line of text: ``required`` means at least one character other than a space."""
    pattern = f"^ *[^{UNSAFE} ][^{UNSAFE}]*$" if required else f"^[^{UNSAFE}]*$"
    return {
        "type": "string",
        "maxLength": max_length,
        "pattern": pattern,
        "description": "one line of text without control or bidirectional characters",
    }


def token(pattern: str, max_length: int, description: str) -> Schema:
    return {"type": "string", "maxLength": max_length, "pattern": pattern, "description": description}


def obj(properties: dict[str, Schema], required: tuple[str, ...] = (), extra: bool = False) -> Schema:
    schema: Schema = {"type": "object", "properties": properties, "required": list(required)}
    if not extra:
        schema["additionalProperties"] = False
    return schema


ID = integer(1)
ISTAT = token("^[0-9]{6}$", 6, "six ASCII digits (ISTAT code)")
RECORD_ID = token("^[A-Za-z0-9_-]{1,64}$", 64, "1 to 64 letters, digits, _ or -")
KIOSK_ID = token("^[A-Za-z0-9_-]{1,64}$", 64, "1 to 64 letters, digits, _ or -")
BASE64URL = token("^[A-Za-z0-9_-]*={0,2}$", 200, "base64url text")
RFC3339 = token(
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})$",
    40,
    "an RFC 3339 time with its offset",
)
JWS = token("^[A-Za-z0-9_.=-]+$", 4_000_000, "a JWS in compact form")
OFFER_STATUSES = ("draft", "pending", "published", "suspended", "ended")

PATH_PARAMETERS: dict[str, Schema] = {
    "credential_id": ID,
    "merchant_id": ID,
    "offer_id": ID,
    "record_id": RECORD_ID,
    "kiosk_id": KIOSK_ID,
}

VERSION = {**integer(0), "description": "a list version: 0 for none"}
QUERY_PARAMETERS: dict[str, dict[str, Schema]] = {
    "/api/v1/lists/revocations": {"since": VERSION},
    "/api/v1/kiosk/sync": {"since": VERSION, "trust_version": VERSION},
    "/api/v1/directory": {
        "q": text(100, required=False) | {"description": "words of a shop's name, category or offers"},
        "comune": token("^([0-9]{6})?$", 6, "six ASCII digits (ISTAT code), or empty for all"),
        "category": {"type": "string", "enum": ["", *CATEGORIES]},
    },
    "/api/v1/admin/flags": {
        "status": {
            "type": "string",
            "enum": ["", "open"],
            "description": "open (the default), or empty for all",
        }
    },
}

OFFER_FIELDS = {
    "title": text(80),
    "description": text(500, required=False),
    "kind": {"type": "string", "enum": list(OFFER_KINDS)},
    "percent": integer(1, 100, nullable=True),
    "amount_cents": integer(1, 1_000_000, nullable=True),
    "cap_cents": integer(1, 1_000_000, nullable=True),
    "min_spend_cents": integer(0, 10_000_000, nullable=True),
    "min_minors": integer(0, 20, nullable=True),
    "daily_limit": integer(1, 100, nullable=True),
}

REQUEST_BODIES: dict[tuple[str, str], Schema] = {
    ("/api/v1/kiosks/enrol", "post"): obj(
        {
            "code": token("^[A-Za-z0-9 -]{1,40}$", 40, "the one-time enrolment code"),
            "device_public_key": BASE64URL,
        },
        ("code", "device_public_key"),
    ),
    ("/api/v1/redemptions", "post"): obj(
        {
            "kiosk_id": KIOSK_ID,
            "sent_at": RFC3339,
            "records": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_RECORDS,
                "items": {"type": "object", "description": "a ledger record: answered one by one"},
            },
            "signature": BASE64URL,
        },
        ("kiosk_id", "sent_at", "records", "signature"),
    ),
    ("/api/v1/card-events", "post"): obj(
        {
            "events": {
                "type": "array",
                "minItems": 1,
                "maxItems": 5000,
                "items": {"type": "object", "description": "an issued or revoked event: answered one by one"},
            }
        },
        ("events",),
    ),
    ("/api/v1/admin/trust-lists", "post"): obj({"trust_list": JWS}, ("trust_list",)),
    ("/api/v1/admin/issuer-credentials", "post"): obj({"istat": ISTAT}, ("istat",)),
    ("/api/v1/admin/redemptions/{record_id}/review", "post"): obj(
        {"decision": {"type": "string", "enum": ["accept", "reject"]}}, ("decision",)
    ),
    ("/api/v1/admin/kiosks/{kiosk_id}/reanchor", "post"): obj(
        {"from_record": text(256), "reason": text(500)}, ("from_record", "reason")
    ),
    ("/api/v1/admin/merchants", "post"): obj(
        {
            "name": text(120),
            "vat": token("^(IT|it)?[0-9 ]{11,20}$", 24, "an Italian VAT number: 11 ASCII digits"),
            "istat": ISTAT,
            "category": {"type": "string", "enum": list(CATEGORIES)},
            "address": text(200, required=False),
        },
        ("name", "vat", "istat", "category"),
    ),
    ("/api/v1/admin/merchants/{merchant_id}/offers", "post"): {
        **obj(OFFER_FIELDS, ("title", "kind")),
        "allOf": [
            {
                "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
                "then": {
                    "properties": {field: integer(1, OFFER_FIELDS[field]["maximum"])},
                    "required": [field],
                },
            }
            for kind, field in (("percent", "percent"), ("fixed", "amount_cents"))
        ],
    },
    ("/api/v1/admin/offers/{offer_id}/status", "post"): obj(
        {"status": {"type": "string", "enum": list(OFFER_STATUSES)}}, ("status",)
    ),
    ("/api/v1/admin/kiosks", "post"): obj({"merchant_id": ID, "name": text(60)}, ("merchant_id",)),
}

# -- answers ------------------------------------------------------------------------------------

STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
INT = {"type": "integer"}
NULLABLE_INT = {"type": ["integer", "null"]}
OBJECTS = {"type": "array", "items": {"type": "object"}}

OFFER = obj(
    {
        "id": INT, "merchant_id": INT, "title": STRING, "description": NULLABLE_STRING, "kind": STRING,
        "percent": NULLABLE_INT, "amount_cents": NULLABLE_INT, "cap_cents": NULLABLE_INT,
        "min_spend_cents": NULLABLE_INT, "min_minors": NULLABLE_INT, "daily_limit": NULLABLE_INT,
        "status": STRING,
    },
    ("id", "merchant_id", "title", "kind", "status"),
    extra=True,
)  # fmt: skip
KIOSK_BUNDLE = obj(
    {
        "kiosk_id": STRING,
        "merchant": obj({"id": INT, "name": STRING, "istat": STRING}, ("id", "name", "istat"), extra=True),
        "root_public_key": NULLABLE_STRING,
        "trust_list": NULLABLE_STRING,
        "trust_list_version": INT,
        "revocation_list": STRING,
        "offers": {"type": "array", "items": OFFER},
        "last_seq": INT,
    },
    ("kiosk_id", "merchant", "trust_list_version", "revocation_list", "offers", "last_seq"),
    extra=True,
)
RESULT = obj(
    {"id": NULLABLE_STRING, "cti": NULLABLE_STRING, "status": STRING, "reason": NULLABLE_STRING},
    ("status",),
    extra=True,
)
CREDENTIAL = obj(
    {"id": INT, "istat": STRING, "created_at": STRING, "last_used_at": NULLABLE_STRING,
     "revoked_at": NULLABLE_STRING},
    ("id", "istat", "created_at"),
    extra=True,
)  # fmt: skip

DIRECTORY_OFFER = obj(
    {"id": INT, "title": STRING, "description": NULLABLE_STRING, "kind": STRING, "percent": NULLABLE_INT,
     "amount_cents": NULLABLE_INT, "cap_cents": NULLABLE_INT, "min_spend_cents": NULLABLE_INT,
     "min_minors": NULLABLE_INT, "daily_limit": NULLABLE_INT, "terms": STRING},
    ("id", "title", "kind", "terms"),
)  # fmt: skip
DIRECTORY_SHOP = obj(
    {"id": INT, "name": STRING, "address": NULLABLE_STRING, "istat": STRING, "comune": STRING,
     "category": STRING, "offers": {"type": "array", "items": DIRECTORY_OFFER}},
    ("id", "name", "istat", "comune", "category", "offers"),
)  # fmt: skip

RESPONSES: dict[tuple[str, str], Schema] = {
    ("/api/v1/lists/trust", "get"): obj({"version": INT, "trust_list": STRING}, ("version", "trust_list")),
    ("/api/v1/lists/revocations", "get"): obj(
        {"version": INT, "since": INT, "revocation_list": STRING}, ("version", "since", "revocation_list")
    ),
    ("/api/v1/directory", "get"): obj(
        {"count": INT, "shops": {"type": "array", "items": DIRECTORY_SHOP}}, ("count", "shops")
    ),
    ("/api/v1/openapi.json", "get"): {"type": "object"},
    ("/api/v1/kiosks/enrol", "post"): {
        **KIOSK_BUNDLE,
        "properties": {**KIOSK_BUNDLE["properties"], "token": STRING, "server_time": STRING},
        "required": [*KIOSK_BUNDLE["required"], "token", "server_time"],
    },
    ("/api/v1/kiosk/sync", "get"): KIOSK_BUNDLE,
    ("/api/v1/redemptions", "post"): obj(
        {"results": {"type": "array", "items": RESULT}, "last_seq": INT, "server_time": STRING},
        ("results", "last_seq", "server_time"),
    ),
    ("/api/v1/card-events", "post"): obj(
        {"results": {"type": "array", "items": RESULT}, "revocation_version": INT},
        ("results", "revocation_version"),
    ),
    ("/api/v1/admin/trust-lists", "post"): obj({"version": INT, "issuers": INT}, ("version", "issuers")),
    ("/api/v1/admin/issuer-credentials", "get"): obj(
        {"credentials": {"type": "array", "items": CREDENTIAL}}, ("credentials",)
    ),
    ("/api/v1/admin/issuer-credentials", "post"): obj(
        {"id": INT, "istat": STRING, "token": STRING}, ("id", "istat", "token")
    ),
    ("/api/v1/admin/issuer-credentials/{credential_id}/revoke", "post"): CREDENTIAL,
    ("/api/v1/admin/redemptions/{record_id}/review", "post"): obj(
        {"id": STRING, "status": STRING, "reason": STRING}, ("id", "status", "reason")
    ),
    ("/api/v1/admin/merchants", "get"): obj({"merchants": OBJECTS}, ("merchants",)),
    ("/api/v1/admin/merchants", "post"): obj(
        {"id": INT, "name": STRING, "vat": STRING, "istat": STRING, "category": STRING},
        ("id", "name", "vat", "istat", "category"),
        extra=True,
    ),
    ("/api/v1/admin/merchants/{merchant_id}/offers", "post"): OFFER,
    ("/api/v1/admin/offers/{offer_id}/status", "post"): OFFER,
    ("/api/v1/admin/kiosks", "post"): obj(
        {"kiosk_id": STRING, "merchant_id": INT, "name": STRING, "code": STRING, "code_expires_at": STRING},
        ("kiosk_id", "merchant_id", "name", "code", "code_expires_at"),
    ),
    ("/api/v1/admin/kiosks/{kiosk_id}/revoke", "post"): obj(
        {"kiosk_id": STRING, "status": STRING}, ("kiosk_id", "status")
    ),
    ("/api/v1/admin/kiosks/{kiosk_id}/chain", "get"): obj(
        {
            "kiosk_id": STRING,
            "last_seq": INT,
            "last_hash": {"type": ["string", "null"]},
            "epoch": INT,
            "refusals": OBJECTS,
            "anchors": OBJECTS,
        },
        ("kiosk_id", "last_seq", "epoch", "refusals", "anchors"),
    ),
    ("/api/v1/admin/kiosks/{kiosk_id}/reanchor", "post"): obj(
        {
            "kiosk_id": STRING,
            "epoch": INT,
            "seq": INT,
            "hash": STRING,
            "from_record": STRING,
            "reason": STRING,
            "decided_by": STRING,
            "decided_at": STRING,
        },
        ("kiosk_id", "epoch", "seq", "hash", "from_record", "reason", "decided_by", "decided_at"),
    ),
    ("/api/v1/admin/flags", "get"): obj({"flags": OBJECTS}, ("flags",)),
    ("/api/v1/admin/totals", "get"): obj(
        {"redemptions": INT, "spend_cents": INT, "discount_cents": INT},
        ("redemptions", "spend_cents", "discount_cents"),
    ),
}

# -- conditional answers (``conditional``): the same headers on 200 and on 304 ------------------

ETAG = {"type": "string", "pattern": '^"[A-Za-z0-9_-]+"$', "description": "a strong entity tag"}
CONDITIONAL_HEADERS: dict[str, Schema] = {
    "ETag": ETAG,
    "Cache-Control": {"type": "string", "pattern": "no-cache"},
    "Server-Time": {**RFC3339, "description": "the server's clock"},
}
RESPONSE_HEADERS: dict[tuple[str, str], dict[str, Schema]] = {
    ("/api/v1/lists/trust", "get"): CONDITIONAL_HEADERS,
    ("/api/v1/lists/revocations", "get"): CONDITIONAL_HEADERS,
    ("/api/v1/kiosk/sync", "get"): CONDITIONAL_HEADERS,
}
