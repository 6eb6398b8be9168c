"""What the botocore service model says, compiled once at import: routes, error lists, input validation.

Every constraint of every input shape (required members, JSON types, string length, full-match pattern,
integer range, enum, list size, nested structures) comes from `bedrock/2023-04-20` as installed with
botocore; nothing here restates a constraint by hand.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote

import botocore.session

from .errors import ApiError

OPERATION_NAMES: tuple[str, ...] = (
    "CreateProvisionedModelThroughput",
    "GetProvisionedModelThroughput",
    "UpdateProvisionedModelThroughput",
    "DeleteProvisionedModelThroughput",
    "ListProvisionedModelThroughputs",
    "TagResource",
    "UntagResource",
    "ListTagsForResource",
)

Skips = frozenset[tuple[str, str]]

# Errors of AWS's restJson1 framework that no operation models, name -> HTTP status. Smithy's protocol tests
# (smithy-lang/smithy, smithy-aws-protocol-tests/model/restJson1/malformedRequests/) give a request that cannot be
# deserialised 400 SerializationException: RestJsonInvalidJsonBody, RestJsonTechnicallyValidJsonBody,
# RestJsonBodyIntegerMalformedValueRejected, RestJsonQueryIntegerUnderflowOverflow,
# RestJsonQueryTimestampDefaultRejectsEpochSeconds, ... The reference answers ValidationException unless the
# quirk serialization-exception-for-malformed is on.
PROTOCOL_ERRORS: Mapping[str, int] = {"SerializationException": 400}
VALIDATION = "ValidationException"

_INT_RANGES = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}
_INTEGER_TEXT = re.compile(r"[+-]?[0-9]{1,20}")
_EPOCH_TEXT = re.compile(r"[+-]?[0-9]{1,12}(?:\.[0-9]{1,9})?")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_MICROSECOND = timedelta(microseconds=1)
_ECHO_LIMIT = 256


@dataclass(frozen=True, slots=True)
class Rule:
    """The compiled constraints of one shape."""

    shape: str
    type: str
    min: int | None = None
    max: int | None = None
    pattern: re.Pattern[str] | None = None
    enum: tuple[str, ...] = ()
    members: tuple[tuple[str, Rule], ...] = ()  # structure: (wire name, rule)
    required: frozenset[str] = frozenset()
    member: Rule | None = None  # list: the item rule


@dataclass(frozen=True, slots=True)
class Member:
    """A top-level input member: where it travels (uri, querystring or body) and its rule."""

    name: str
    location: str
    wire_name: str
    rule: Rule


@dataclass(frozen=True)
class Operation:
    name: str
    method: str
    path: re.Pattern[str]
    success_status: int
    errors: Mapping[str, int]  # modelled error name -> HTTP status
    members: tuple[Member, ...]
    required: frozenset[str]
    has_body: bool


# --- compile the model ---------------------------------------------------------------------------


def _rule(shape: Any, cache: dict[str, Rule]) -> Rule:
    if shape.name in cache:
        return cache[shape.name]
    meta = shape.metadata
    pattern = meta.get("pattern")
    members: tuple[tuple[str, Rule], ...] = ()
    required: frozenset[str] = frozenset()
    item = None
    if shape.type_name == "structure":
        members = tuple((name, _rule(member, cache)) for name, member in shape.members.items())
        required = frozenset(shape.required_members)
    elif shape.type_name == "list":
        item = _rule(shape.member, cache)
    rule = Rule(
        shape=shape.name,
        type=shape.type_name,
        min=meta.get("min"),
        max=meta.get("max"),
        # Java's \s is ASCII-only; re.ASCII makes Python's classes agree with it.
        pattern=re.compile(pattern, re.ASCII) if pattern is not None else None,
        enum=tuple(getattr(shape, "enum", ()) or ()),
        members=members,
        required=required,
        member=item,
    )
    cache[shape.name] = rule
    return rule


def _path_regex(uri: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", uri.partition("?")[0])
    regex = "".join(
        (rf"(?P<{part[1:-1].rstrip('+')}>.+)" if part.endswith("+}") else rf"(?P<{part[1:-1]}>[^/]+)")
        if part.startswith("{")
        else re.escape(part)
        for part in parts
        if part
    )
    return re.compile(regex)


def _compile() -> tuple[dict[str, Operation], dict[str, tuple[Operation, ...]]]:
    model = botocore.session.get_session().get_service_model("bedrock")
    cache: dict[str, Rule] = {}
    operations: dict[str, Operation] = {}
    for name in OPERATION_NAMES:
        op = model.operation_model(name)
        shape = op.input_shape
        members = tuple(
            Member(
                name=member_name,
                location=member.serialization.get("location", "body"),
                wire_name=member.serialization.get("name", member_name),
                rule=_rule(member, cache),
            )
            for member_name, member in shape.members.items()
        )
        operations[name] = Operation(
            name=name,
            method=op.http["method"],
            path=_path_regex(op.http["requestUri"]),
            success_status=int(op.http.get("responseCode", 200)),
            errors={err.name: int(err.metadata["error"]["httpStatusCode"]) for err in op.error_shapes},
            members=members,
            required=frozenset(shape.required_members),
            has_body=any(m.location == "body" for m in members),
        )
    routes: dict[str, list[Operation]] = {}
    for operation in operations.values():
        routes.setdefault(operation.method, []).append(operation)
    return operations, {method: tuple(ops) for method, ops in routes.items()}


OPERATIONS, _ROUTES = _compile()


def route(method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
    """The operation a (method, raw path) addresses and its raw (still percent-encoded) path labels."""
    for operation in _ROUTES.get(method, ()):
        match = operation.path.fullmatch(path)
        if match:
            return operation, match.groupdict()
    return None


# --- decode a request ----------------------------------------------------------------------------


def parse_input(
    operation: Operation,
    labels: Mapping[str, str],
    query_string: str,
    body: bytes,
    skips: Skips,
    *,
    malformed: str = VALIDATION,
    constraint: str = VALIDATION,
) -> dict[str, Any]:
    """Gather the input members from path, query and body, validate them; raise ApiError if invalid.

    ``malformed`` is the code for a request that cannot be deserialised (a body that is not a JSON object, a
    member of the wrong JSON type, an integer out of range of its type, an unparseable query integer or
    timestamp), ``constraint`` the code for a constraint violation (required, length, pattern, range, enum).
    As in Smithy's framework, deserialisation comes first: a malformed request answers ``malformed`` alone."""
    raw: dict[str, Any] = {}
    query = _parse_query(query_string) if query_string else {}
    document = json_object(body, malformed) if operation.has_body else {}
    for member in operation.members:
        if member.location == "uri":
            raw[member.name] = unquote(labels[member.wire_name])
        elif member.location == "querystring":
            if member.wire_name in query:
                raw[member.name] = _from_text(member.rule, query[member.wire_name])
        elif member.wire_name in document:
            raw[member.name] = document[member.wire_name]
    problems: list[str] = []
    types: list[str] = []
    values = _check_members(
        ((m.name, m.rule) for m in operation.members), operation.required, raw, "", skips, problems, types
    )
    if types and malformed != constraint:
        raise _refusal(malformed, types)
    if problems or types:
        raise _refusal(constraint if not types else malformed, types + problems)
    return values


def identifier(operation: Operation, labels: Mapping[str, str], body: bytes, skips: Skips) -> str | None:
    """The resource identifier a request names (path provisionedModelId or body resourceARN) when it meets its
    own constraints, else None (for a server that looks the resource up before validating the rest)."""
    for member in operation.members:
        if member.name not in ("provisionedModelId", "resourceARN"):
            continue
        if member.location == "uri":
            value: Any = unquote(labels[member.wire_name])
        else:
            try:
                value = json_object(body, VALIDATION).get(member.wire_name)
            except ApiError:
                return None
        problems: list[str] = []
        types: list[str] = []
        if value is None:
            return None
        _check(member.rule, value, member.name, member.name, skips, problems, types)
        return value if not problems and not types else None
    return None


def _refusal(code: str, problems: list[str]) -> ApiError:
    count = len(problems)
    return ApiError(code, f"{count} validation error{'s' if count > 1 else ''} detected: {'; '.join(problems)}")


def _parse_query(query_string: str) -> dict[str, str]:
    # RFC 3986 decoding (a literal '+' stays a '+'); the first occurrence of a repeated key wins.
    query: dict[str, str] = {}
    for pair in query_string.split("&"):
        if pair:
            key, _, value = pair.partition("=")
            query.setdefault(unquote(key), unquote(value))
    return query


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def json_object(body: bytes, code: str) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        document = json.loads(body, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise ApiError(code, f"Malformed request body: {exc}") from None
    if not isinstance(document, dict):
        raise ApiError(code, "Malformed request body: expected a JSON object")
    return document


def _from_text(rule: Rule, text: str) -> Any:
    """A query-string value typed as its shape says; a value that doesn't parse stays text (type check fails)."""
    if rule.type in _INT_RANGES and _INTEGER_TEXT.fullmatch(text):
        return int(text)
    return text


def parse_timestamp(value: Any) -> int | None:
    """Microseconds since the epoch from ISO 8601 text or epoch seconds (number or numeric text); else None."""
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, (int, float)):
            return round(value * 1_000_000)
        if not isinstance(value, str):
            return None
        if _EPOCH_TEXT.fullmatch(value):
            return round(float(value) * 1_000_000)
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return (moment - _EPOCH) // _ONE_MICROSECOND
    except (ValueError, OverflowError):
        return None


# --- validate --------------------------------------------------------------------------------------


def _echo(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= _ECHO_LIMIT else text[:_ECHO_LIMIT] + "..."


def _problem(value: Any, path: str, constraint: str) -> str:
    shown = "null" if value is None else f"'{_echo(value)}'"
    return f"Value {shown} at '{path}' failed to satisfy constraint: Member must {constraint}"


def _check_members(
    members: Iterable[tuple[str, Rule]],
    required: frozenset[str],
    raw: Mapping[str, Any],
    prefix: str,
    skips: Skips,
    problems: list[str],
    types: list[str],
) -> dict[str, Any]:
    """Constraint problems go to ``problems``, deserialisation (JSON type) problems to ``types``."""
    values: dict[str, Any] = {}
    for name, rule in members:
        value = raw.get(name)
        path = prefix + name
        if value is None:  # absent, or JSON null: the same thing for AWS
            if name in required and (name, "required") not in skips:
                problems.append(_problem(None, path, "not be null"))
            continue
        values[name] = _check(rule, value, path, name, skips, problems, types)
    return values


def _check(
    rule: Rule, value: Any, path: str, member: str, skips: Skips, problems: list[str], types: list[str]
) -> Any:
    def on(kind: str) -> bool:
        return (member, kind) not in skips and (rule.shape, kind) not in skips

    kind = rule.type
    if kind in _INT_RANGES:
        if isinstance(value, str) and not on("type") and _INTEGER_TEXT.fullmatch(value):
            value = int(value)
        if isinstance(value, (bool, float)) and not on("coerce"):
            value = int(value)  # true -> 1, 1.5 -> 1
        low, high = _INT_RANGES[kind]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            types.append(_problem(value, path, f"be an {kind}"))
            return value
        if rule.min is not None and value < rule.min and on("min"):
            problems.append(_problem(value, path, f"have value greater than or equal to {rule.min}"))
        if rule.max is not None and value > rule.max and on("max"):
            problems.append(_problem(value, path, f"have value less than or equal to {rule.max}"))
        return value
    if kind == "string":
        if not isinstance(value, str):
            types.append(_problem(value, path, "be a string"))
            return value
        _check_size(rule, len(value), value, path, on, problems)
        if rule.pattern is not None and on("pattern") and not rule.pattern.fullmatch(value):
            problems.append(
                _problem(value, path, f"satisfy regular expression pattern: {rule.pattern.pattern}")
            )
        if rule.enum and on("enum") and value not in rule.enum:
            problems.append(_problem(value, path, f"satisfy enum value set: [{', '.join(rule.enum)}]"))
        return value
    if kind == "timestamp":
        micros = parse_timestamp(value)
        if micros is None and on("type"):
            types.append(_problem(value, path, "be a timestamp (ISO 8601 or epoch seconds)"))
        return micros
    if kind == "list":
        if isinstance(value, dict) and not on("coerce"):
            value = [value]  # one object taken as a one-item list
        if not isinstance(value, list):
            types.append(_problem(value, path, "be a list"))
            return value
        _check_size(rule, len(value), value, path, on, problems)
        assert rule.member is not None
        return [
            _check(rule.member, item, f"{path}.{index}.member", member, skips, problems, types)
            for index, item in enumerate(value, start=1)
        ]
    if kind == "structure":
        if not isinstance(value, dict):
            types.append(_problem(value, path, "be an object"))
            return value
        return _check_members(rule.members, rule.required, value, path + ".", skips, problems, types)
    if kind == "boolean" and not isinstance(value, bool):
        types.append(_problem(value, path, "be a boolean"))
    return value


def _check_size(
    rule: Rule, size: int, value: Any, path: str, on: Callable[[str], bool], problems: list[str]
) -> None:
    if rule.min is not None and size < rule.min and on("min"):
        problems.append(_problem(value, path, f"have length greater than or equal to {rule.min}"))
    if rule.max is not None and size > rule.max and on("max"):
        problems.append(_problem(value, path, f"have length less than or equal to {rule.max}"))
