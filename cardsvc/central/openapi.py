"""The OpenAPI description of ``/api/v1``, served at ``/api/v1/openapi.json``.

``tests/functional/central/test_openapi.py`` checks that it names exactly the routes the app serves.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

bp = Blueprint("openapi", __name__)

ERROR = {"$ref": "#/components/schemas/Error"}
KIOSK: list[dict[str, list[str]]] = [{"kiosk": []}]
ISSUER: list[dict[str, list[str]]] = [{"issuer": []}]
ADMIN: list[dict[str, list[str]]] = [{"basic": []}]


def op(
    summary: str, security: list[dict[str, list[str]]] | None = None, body: bool = False, status: str = "200"
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": summary,
        "responses": {
            status: {"description": "OK", "content": {"application/json": {}}},
            "default": {"description": "Error", "content": {"application/json": {"schema": ERROR}}},
        },
    }
    operation["security"] = security if security is not None else []
    if body:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    return operation


PATHS: dict[str, dict[str, Any]] = {
    "/api/v1/lists/trust": {"get": op("Current signed trust list (public)")},
    "/api/v1/lists/revocations": {
        "get": op("Freshly signed revocation list or delta after ?since= (public)")
    },
    "/api/v1/directory": {
        "get": op("Participating shops and published offers, by ?comune= and ?category= (public)")
    },
    "/api/v1/openapi.json": {"get": op("This document (public)")},
    "/api/v1/kiosks/enrol": {
        "post": op("Exchange a one-time code and a device public key for a kiosk credential", [], True, "201")
    },
    "/api/v1/kiosk/sync": {"get": op("Lists, offers and server time for a kiosk", KIOSK)},
    "/api/v1/redemptions": {"post": op("Upload a signed batch of ledger records", KIOSK, True)},
    "/api/v1/card-events": {"post": op("Issued and revoked cards from an issuer office", ISSUER, True)},
    "/api/v1/admin/trust-lists": {"post": op("Import a trust list signed offline", ADMIN, True)},
    "/api/v1/admin/issuer-credentials": {
        "get": op("Issuer office credentials with their last use", ADMIN),
        "post": op("Create an issuer office credential", ADMIN, True, "201"),
    },
    "/api/v1/admin/issuer-credentials/{credential_id}/revoke": {
        "post": op("Revoke an issuer office credential: refused at once", ADMIN)
    },
    "/api/v1/admin/redemptions/{record_id}/review": {
        "post": op("Accept or reject a redemption held as late", ADMIN, True)
    },
    "/api/v1/admin/merchants": {
        "get": op("Merchants visible to the caller", ADMIN),
        "post": op("Register a merchant", ADMIN, True, "201"),
    },
    "/api/v1/admin/merchants/{merchant_id}/offers": {"post": op("Create a draft offer", ADMIN, True, "201")},
    "/api/v1/admin/offers/{offer_id}/status": {"post": op("Move an offer along its workflow", ADMIN, True)},
    "/api/v1/admin/kiosks": {
        "post": op("Create a kiosk and its one-time enrolment code", ADMIN, True, "201")
    },
    "/api/v1/admin/kiosks/{kiosk_id}/revoke": {"post": op("Revoke a kiosk", ADMIN)},
    "/api/v1/admin/kiosks/{kiosk_id}/chain": {
        "get": op("A kiosk's chain position, its latest chain refusals and the anchors decided", ADMIN)
    },
    "/api/v1/admin/kiosks/{kiosk_id}/reanchor": {
        "post": op("Re-anchor a kiosk's chain from a refused record (signed, audited decision)", ADMIN, True)
    },
    "/api/v1/admin/flags": {"get": op("Anomaly flags with the records behind them", ADMIN)},
    "/api/v1/admin/totals": {"get": op("Accepted, unvoided redemption totals", ADMIN)},
}

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {"title": "Family Card central service", "version": "1"},
    "paths": PATHS,
    "components": {
        "securitySchemes": {
            "kiosk": {"type": "http", "scheme": "bearer", "description": "kiosk credential from enrolment"},
            "issuer": {"type": "http", "scheme": "bearer", "description": "per-comune issuer credential"},
            "basic": {"type": "http", "scheme": "basic", "description": "a person's username and password"},
        },
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                    }
                },
            }
        },
    },
}


@bp.get("/api/v1/openapi.json")
def openapi() -> Response:
    return jsonify(DOCUMENT)


def markdown(document: dict[str, Any] = DOCUMENT) -> str:
    """The API as a Markdown table, for ``docs/api.md`` (``familycard central api-docs``)."""
    schemes = document["components"]["securitySchemes"]
    lines = [
        "# The central service's API (`/api/v1`)",
        "",
        "Generated from the OpenAPI document (`/api/v1/openapi.json`) by `familycard central api-docs`;",
        "a test checks that it is current. Every error has the shape "
        '`{"error": {"code": "…", "message": "…"}}`.',
        "",
        "| method | path | who | what | answers |",
        "|---|---|---|---|---|",
    ]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            security = [name for entry in operation["security"] for name in entry] or ["public"]
            status = next(code for code in operation["responses"] if code != "default")
            lines.append(
                f"| {method.upper()} | `{path}` | {', '.join(security)} | {operation['summary']} | {status} |"
            )
    lines += ["", "| credential | how |", "|---|---|"]
    lines += [f"| {name} | {scheme['scheme']}: {scheme['description']} |" for name, scheme in schemes.items()]
    return "\n".join(lines) + "\n"
