"""The API's edge: each request checked against its operation's schemas before any domain code runs.

The operation is looked up in the OpenAPI document by the request's route and method; its path and
query parameters and its JSON body are checked with ``jsonschema`` against the schemas the document
publishes (``api_schemas``); a query parameter it does not declare is refused too. Anything wrong is
``400 invalid_request`` with a short message naming the field and what is wrong. The body is parsed
here, once, safely: nesting deeper than :data:`MAX_DEPTH`, ``NaN``/``Infinity`` and numbers with
thousands of digits are refused rather than crashing a worker.

Two departures from plain ``jsonschema``, to match JSON Schema as clients read it: ``integer`` does not
take ``1.0``, and a pattern's ``$`` does not match before a final newline (as in ECMA-262).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from flask import Request
from jsonschema import Draft202012Validator, ValidationError, validators
from jsonschema.exceptions import best_match

from cardsvc.core.errors import InvalidInput

MAX_DEPTH = 32
_DIGITS = re.compile(r"-?[0-9]{1,20}")


def invalid(message: str) -> InvalidInput:
    return InvalidInput(message)


def _strict_integer(_checker: Any, instance: Any) -> bool:
    return isinstance(instance, int) and not isinstance(instance, bool)


def _ecma_pattern(
    _validator: Any, pattern: str, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    if not isinstance(instance, str) or len(instance) > schema.get("maxLength", len(instance)):
        return  # too long: maxLength says so, without running the pattern over it
    if _compiled(pattern).search(instance) is None:
        yield ValidationError(f"does not match {pattern!r}")


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern)


_Validator = validators.extend(
    Draft202012Validator,
    validators={"pattern": _ecma_pattern},
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _strict_integer),
)


@lru_cache(maxsize=128)
def _validator(schema_json: str) -> Any:
    return _Validator(json.loads(schema_json))


def validate(schema: dict[str, Any], instance: Any, where: str = "") -> None:
    """Raise ``invalid_request`` naming the first field of ``instance`` that ``schema`` refuses."""
    error = best_match(_validator(json.dumps(schema, sort_keys=True)).iter_errors(instance))
    if error is not None:
        raise invalid(describe(error, where))


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return value


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def parse_json(data: bytes) -> Any:
    """The JSON document in ``data``, or ``invalid_request`` saying why not."""
    try:
        value = json.loads(data, parse_float=_finite, parse_constant=_refuse_constant)
    except RecursionError:
        raise invalid(f"the JSON body is nested more than {MAX_DEPTH} levels deep") from None
    except (ValueError, UnicodeDecodeError):
        raise invalid("the body is not valid JSON (UTF-8, finite numbers of at most 4300 digits)") from None
    if _depth(value) > MAX_DEPTH:
        raise invalid(f"the JSON body is nested more than {MAX_DEPTH} levels deep")
    return value


def _parameter(name: str, raw: str, schema: dict[str, Any]) -> Any:
    if "integer" in schema["type"]:
        if not _DIGITS.fullmatch(raw):
            raise invalid(f"{name} must be a whole number in ASCII digits")
        value: Any = int(raw)
    else:
        value = raw
    validate(schema, value, name)
    return value


def check_request(operation: dict[str, Any], request: Request) -> Any:
    """Check ``request`` against ``operation``; path parameters are converted in place (``view_args``).

    Returns the parsed body (None when the operation takes none)."""
    view_args = request.view_args if request.view_args is not None else {}
    declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
    unknown = sorted(set(request.args) - declared)
    if unknown:
        raise invalid(f"unknown query parameter {_safe(unknown[0])!r}")
    for parameter in operation.get("parameters", []):
        name, schema = parameter["name"], parameter["schema"]
        if parameter["in"] == "path":
            view_args[name] = _parameter(name, str(view_args[name]), schema)
        elif name in request.args:
            _parameter(name, request.args[name], schema)
    if "requestBody" not in operation:
        return None
    if not request.is_json:
        raise invalid("the body must be JSON (Content-Type: application/json)")
    body = parse_json(request.get_data(cache=True))
    validate(operation["requestBody"]["content"]["application/json"]["schema"], body)
    return body


def query_int(request: Request, name: str, default: int) -> int:
    """A query number already checked by :func:`check_request`."""
    return int(request.args[name]) if name in request.args else default


# -- messages -----------------------------------------------------------------------------------

_TYPES = {
    "integer": "a whole number",
    "string": "text",
    "object": "an object",
    "array": "a list",
    "null": "null",
    "number": "a number",
    "boolean": "true or false",
}


def _safe(text: str, limit: int = 40) -> str:
    shown = text[:limit].encode("ascii", "backslashreplace").decode()
    return shown + ("..." if len(text) > limit else "")


def _field(error: ValidationError, where: str) -> str:
    parts = [where] if where else []
    for step in error.absolute_path:
        if isinstance(step, int):
            parts[-1:] = [f"{parts[-1] if parts else ''}[{step}]"]
        else:
            parts.append(_safe(str(step)))
    return ".".join(parts) or "the body"


def describe(error: ValidationError, where: str = "") -> str:
    """A short message: the field and what is wrong with it, never the (possibly huge) value."""
    field, keyword, rule = _field(error, where), error.validator, error.validator_value
    schema = error.schema if isinstance(error.schema, dict) else {}
    if keyword == "required":
        missing = next((n for n in rule if n not in error.instance), rule[0])
        prefix = "" if field == "the body" else field + "."
        return f"{prefix}{missing} is required"
    if keyword == "additionalProperties":
        allowed = set(schema.get("properties", {}))
        extra = sorted(str(name) for name in error.instance if name not in allowed)
        return f"{field}: unknown field {_safe(extra[0]) if extra else ''}"
    if keyword == "type":
        kinds = [rule] if isinstance(rule, str) else list(rule)
        return f"{field} must be {' or '.join(_TYPES.get(k, k) for k in kinds)}"
    if keyword in ("minimum", "maximum"):
        return f"{field} must be from {schema.get('minimum', '...')} to {schema.get('maximum', '...')}"
    if keyword == "enum":
        return f"{field} must be one of: {', '.join(_safe(str(v)) for v in rule if v != '') or 'nothing'}"
    if keyword in ("maxLength", "minLength"):
        return f"{field} must be at most {schema.get('maxLength')} characters"
    if keyword == "pattern":
        return f"{field} must be {schema.get('description', 'in the documented format')}"
    if keyword in ("minItems", "maxItems"):
        return f"{field} must hold {schema.get('minItems', 0)} to {schema.get('maxItems', '...')} items"
    return f"{field} is not valid ({keyword})"
