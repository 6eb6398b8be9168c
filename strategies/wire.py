"""Reading the schemas, and building hand-made wire requests (`RawRequest`) from parameter dicts."""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

import schemas

#: Marks a value that goes on the wire exactly as given (a query-string text, a JSON body value).
VERBATIM = object()


@dataclass(frozen=True)
class RawRequest:
    """One request built by hand: what botocore cannot (or will not faithfully) serialise.

    ``path`` is already percent-encoded; ``query`` values are the texts to send (``urlencode`` them);
    ``body`` is the exact body bytes, or None for no body.
    """

    method: str
    path: str
    query: dict[str, str] | None = None
    body: bytes | None = None


@cache
def _doc(operation: str) -> dict[str, Any]:
    return schemas.load(operation)


def doc(operation: str) -> dict[str, Any]:
    """The schema document of ``operation`` (cached: do not mutate)."""
    return _doc(operation)


def parameters(operation: str) -> dict[str, dict[str, Any]]:
    """``{member: {"location", "name", "required", "schema"}}`` in schema order (cached: do not mutate)."""
    return _doc(operation)["parameters"]


def has_body(operation: str) -> bool:
    return _doc(operation).get("requestBody") is not None


def documents_error(operation: str, code: str) -> bool:
    return code in _doc(operation)["errors"]


def iso8601(value: datetime) -> str:
    """A timestamp the way botocore writes it for ``timestampFormat: iso8601`` (UTC, ``Z``)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    if value.microsecond:
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def jsonable(value: Any) -> Any:
    """Datetimes as ISO 8601 strings, recursively (what a schema validator should see)."""
    if isinstance(value, datetime):
        return iso8601(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def _query_text(value: Any) -> str:
    if isinstance(value, datetime):
        return iso8601(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def to_raw(operation: str, request: dict[str, Any], *, body: bytes | None = None) -> RawRequest:
    """The wire form of ``request`` (member names as keys): path, query texts and JSON body.

    ``body`` replaces the JSON body with exact bytes (a malformed body).
    """
    http = _doc(operation)["http"]
    path = http["uri"]
    query: dict[str, str] = {}
    members: dict[str, Any] = {}
    for member, value in request.items():
        param = parameters(operation).get(member)
        if param is None:
            raise KeyError(f"{operation} has no parameter {member!r}")
        location, wire_name = param["location"], param["name"]
        if location == "uri":
            path = path.replace("{" + wire_name + "}", urllib.parse.quote(str(value), safe=""))
        elif location == "querystring":
            query[wire_name] = _query_text(value)
        else:
            members[wire_name] = jsonable(value)
    if "{" in path:
        raise ValueError(f"{operation}: a path parameter is missing from {request!r}")
    if body is None and has_body(operation):
        body = json.dumps(members).encode("utf-8")
    return RawRequest(http["method"], path, query or None, body)
