"""The OpenAPI description of ``/api/v1``, served at ``/api/v1/openapi.json``.

``tests/functional/central/test_openapi.py`` checks that it names exactly the routes the app serves.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, jsonify

from .api_schemas import PATH_PARAMETERS, QUERY_PARAMETERS, REQUEST_BODIES, RESPONSE_HEADERS, RESPONSES

bp = Blueprint("openapi", __name__)

ERROR = {"$ref": "#/components/schemas/Error"}
Security = list[dict[str, list[str]]]
KIOSK: Security = [{"kiosk": []}]
ISSUER: Security = [{"issuer": []}]
ADMIN: Security = [{"basic": []}]
ERRORS = {
    "400": "Invalid request: the message names the field and what is wrong",
    "401": "No credential, or an unknown or revoked one",
    "403": "The credential does not allow this",
    "404": "No such thing",
    "409": "Conflicts with what is held",
    "429": "Too many failed logins: wait for Retry-After seconds",
}


def _error(status: str) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": ERRORS[status],
        "content": {"application/json": {"schema": ERROR}},
    }
    if status == "429":
        answer["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "required": True}}
    return answer


NOT_MODIFIED = (
    "Not Modified, without a body: the request's If-None-Match names the ETag of the current answer"
)


def op(
    summary: str,
    security: list[dict[str, list[str]]] | None = None,
    body: bool = False,
    status: str = "200",
    conditional: bool = False,
) -> dict[str, Any]:
    """An operation; its parameters, body and answer schemas are filled in from ``api_schemas``. A
    ``conditional`` one answers 304 to an ``If-None-Match`` that names its current ETag."""
    errors = ["400"]
    if security:
        errors += ["401", "403"]
    if security == ADMIN:
        errors.append("429")
    operation: dict[str, Any] = {
        "summary": summary,
        "security": security if security is not None else [],
        "responses": {
            status: {"description": "OK", "content": {"application/json": {}}},
            **({"304": {"description": NOT_MODIFIED}} if conditional else {}),
            **{code: _error(code) for code in errors},
            "default": {"description": "Error", "content": {"application/json": {"schema": ERROR}}},
        },
    }
    if body:
        operation["requestBody"] = {"required": True}
    return operation


PATHS: dict[str, dict[str, Any]] = {
    "/api/v1/lists/trust": {"get": op("Current signed trust list, by version (public)", conditional=True)},
    "/api/v1/lists/revocations": {
        "get": op("Signed revocation list or delta after ?since=, by version (public)", conditional=True)
    },
    "/api/v1/directory": {
        "get": op("Shops and published offers in words, by ?q=, ?comune=, ?category= (public)")
    },
    "/api/v1/openapi.json": {"get": op("This document (public)")},
    "/api/v1/kiosks/enrol": {
        "post": op("Exchange a one-time code and a device public key for a kiosk credential", [], True, "201")
    },
    "/api/v1/kiosk/sync": {
        "get": op("Lists, offers and chain position for a kiosk, by version", KIOSK, conditional=True)
    },
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


def _complete(paths: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Give each operation its parameters, body schema and answer schema from ``api_schemas``."""
    for path, operations in paths.items():
        in_path = re.findall(r"{(\w+)}", path)
        for method, operation in operations.items():
            parameters = [
                {"name": name, "in": "path", "required": True, "schema": PATH_PARAMETERS[name]}
                for name in in_path
            ] + [
                {"name": name, "in": "query", "required": False, "schema": schema}
                for name, schema in QUERY_PARAMETERS.get(path, {}).items()
            ]
            if parameters:
                operation["parameters"] = parameters
            if "requestBody" in operation:
                schema = REQUEST_BODIES[(path, method)]
                operation["requestBody"]["content"] = {"application/json": {"schema": schema}}
            success = next(code for code in operation["responses"] if code.startswith("2"))
            operation["responses"][success]["content"]["application/json"]["schema"] = RESPONSES[
                (path, method)
            ]
            if "304" in operation["responses"]:
                headers = {
                    name: {"schema": schema, "required": True}
                    for name, schema in RESPONSE_HEADERS[(path, method)].items()
                }
                for code in (success, "304"):
                    operation["responses"][code]["headers"] = headers
    return paths


_complete(PATHS)


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
            if "304" in operation["responses"]:
                status += " or 304"
            lines.append(
                f"| {method.upper()} | `{path}` | {', '.join(security)} | {operation['summary']} | {status} |"
            )
    lines += ["", "| credential | how |", "|---|---|"]
    lines += [f"| {name} | {scheme['scheme']}: {scheme['description']} |" for name, scheme in schemes.items()]
    lines += [
        "",
        "The answers `200 or 304` are served by version, with a strong `ETag` and `Cache-Control: no-cache`:",
        "a request whose `If-None-Match` names the current ETag gets `304 Not Modified` without a body. Both",
        "carry the server's clock in `Server-Time` (RFC 3339).",
    ]
    lines += [
        "",
        "## Inputs",
        "",
        "Every request is checked against these schemas before anything else; what they refuse is answered",
        '`400` with `{"error": {"code": "invalid_request", "message": "<the field and what is wrong>"}}`.',
        "JSON bodies nest at most 32 levels; numbers are finite; whole numbers are JSON integers (not",
        "`1.0`); query and path numbers are ASCII digits; a query parameter not listed here is refused.",
        "",
        "| method | path | input | where | accepts |",
        "|---|---|---|---|---|",
    ]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for name, where, schema in _inputs(operation):
                lines.append(f"| {method.upper()} | `{path}` | `{name}` | {where} | {_rule(schema)} |")
    return "\n".join(lines) + "\n"


def _inputs(operation: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = [
        (p["name"], p["in"] + (", required" if p["required"] else ""), p["schema"])
        for p in operation.get("parameters", [])
    ]
    if "requestBody" in operation:
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        found += [
            (name, "body" + (", required" if name in body["required"] else ""), schema)
            for name, schema in body["properties"].items()
        ]
    return found


def _rule(schema: dict[str, Any]) -> str:
    """A schema in a few words, for the Markdown table."""
    kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    if "enum" in schema:
        return "one of " + ", ".join(f"`{v}`" if v else "empty" for v in schema["enum"])
    if "integer" in kinds:
        rule = f"whole number {_number(schema['minimum'])} to {_number(schema['maximum'])}"
        return rule + (" or null" if "null" in kinds else "")
    if "array" in kinds:
        items = schema["items"].get("description", "items")
        return f"list of {schema['minItems']} to {schema['maxItems']}: {items}"
    return f"{schema.get('description', 'text')}, at most {_number(schema['maxLength'])} characters"


def _number(value: int) -> str:
    return f"{value:,}".replace(",", " ")
