"""The wire checker: every response the suite receives, checked before botocore parses it.

One ``ResponseChecker`` sees the responses of all three channels (SDK, wire, raw HTTP). A violation raises
``ConformanceFailure`` naming the operation's wire clause, with the request, the response and the schema path.
A response that shows the operation is not implemented at all raises ``NotImplementedOutcome``.
"""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from botocore.utils import parse_timestamp as botocore_parse_timestamp
from dateutil.tz import tzutc
from jsonschema import Draft202012Validator

import schemas
from conformance.catalogue import rules
from conformance.catalogue.clauses import (
    ABSENT_OMITTED,
    AUTH_REFUSALS,
    BEDROCK_TYPICAL_ERRORS,
    OPERATION_KEYS,
    PROTOCOL_ERRORS,
    ConformanceFailure,
    CredentialsRefused,
    NotImplementedOutcome,
)
from conformance.checker.fastschema import compile_schema
from conformance.checker.judgement import Judgement

# UnknownOperationException is the restJson1 framework's answer for a route the API lacks: on a documented route
# (the suite sends no other) it means the target lacks the operation, never an undocumented error.
_NOT_IMPLEMENTED_CODES = {"UnknownOperationException", "NotImplemented", "NotImplementedException",
                          "InvalidAction", "UnsupportedOperation", "UnsupportedOperationException"}
_NOT_IMPLEMENTED_TEXT = re.compile(rb"not (yet )?implemented|unknown ?operation|no route|<html", re.IGNORECASE)
# AWS's own route misses: XML <UnknownOperationException/> 404 (aws-samples/aws-genai-llm-chatbot#270), the
# nested Coral body {"Output":{"__type":"com.amazon.coral.service#UnknownOperationException"}} (BerriAI/litellm#3805,
# #13618), and ValidationException "Unknown operation" (danielmiessler/Fabric#1615, aws-genai-llm-chatbot#246).
_UNKNOWN_OPERATION_MESSAGE = re.compile(r"^\s*unknown operation", re.IGNORECASE)
ROUTE_MISS_ON_AWS = ("AWS has no route for this request: the suite built a bad path (a bedrock-conformance bug, "
                     "please report it with this request), not a missing operation")


def route_missed(status: int, code: str | None, data: Any) -> bool:
    """An answer that says no operation matched the request, in a form AWS uses that names no modelled error."""
    if isinstance(data, dict):
        output = data.get("Output")
        if isinstance(output, dict) and "UnknownOperationException" in str(output.get("__type", "")):
            return True
        message = data.get("message", data.get("Message"))
        if code == "ValidationException" and isinstance(message, str) and _UNKNOWN_OPERATION_MESSAGE.match(message):
            return True
    return False
_TZUTC = tzutc()
_ZERO = timedelta(0)
_REDACT = re.compile(r"(Signature=)[0-9a-f]+|(Credential=)[^/,\s]+", re.IGNORECASE)


def parse_timestamp(value: Any) -> Any:
    """botocore's timestamp parser, with a fast path for the ISO 8601 strings the checker already accepted.

    The suite's clients parse timestamps with this (botocore's default goes through dateutil, the slowest step of
    a call). Same answers: an aware datetime in UTC (dateutil's tzutc) or the given offset; anything the fast path
    does not take (epoch numbers, other formats) goes to botocore's own parser.
    """
    if type(value) is str and len(value) >= 20 and value[10] == "T":
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            return parsed.replace(tzinfo=_TZUTC) if parsed.utcoffset() == _ZERO else parsed
    return botocore_parse_timestamp(value)


def redact_headers(headers: Mapping[str, Any]) -> dict[str, str]:
    """Headers safe to print: the signature, access key and session token never leave the process."""
    out = {}
    for name, value in headers.items():
        text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
        if name.lower() == "authorization":
            text = _REDACT.sub(lambda m: (m.group(1) or m.group(2)) + "<redacted>", text)
        elif name.lower() == "x-amz-security-token":
            text = "<redacted>"
        out[name] = text
    return out


def describe_request(method: str, url: str, *, headers: Mapping[str, Any], body: Any) -> dict[str, Any]:
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    return {"method": method, "url": url, "headers": redact_headers(headers), "body": body or ""}


def describe_response(status: int, headers: Mapping[str, Any], body: bytes) -> dict[str, Any]:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    if len(text) > 4000:
        text = text[:4000] + f"... ({len(text)} characters)"
    return {"status": status, "headers": {k: str(v) for k, v in headers.items()}, "body": text}


def error_name(raw: str) -> str | None:
    """The shape name in an error-name form: a '#' namespace and a ':' suffix (a Coral URI) dropped
    (errors.smithy: RestJsonFooErrorUsingXAmznErrorTypeWithUriAndNamespace, ...UsingCodeUriAndNamespace)."""
    return raw.split(":", 1)[0].rsplit("#", 1)[-1].strip() or None


def error_code(headers: Mapping[str, Any], data: Any, lowered: Mapping[str, Any] | None = None) -> str | None:
    """The error's code as clients read it (errors.smithy; botocore's restJson parser): x-amzn-ErrorType first,
    else the body's top-level code (botocore also reads Code), else its top-level __type. Nested members are
    never read (RestJsonFooErrorWithNestedTypeProperty)."""
    if lowered is None:
        lowered = {k.lower(): v for k, v in headers.items()}
    raw = lowered.get("x-amzn-errortype")
    if raw:
        return error_name(str(raw))
    if isinstance(data, dict):
        for key in ("code", "Code", "__type"):
            if isinstance(data.get(key), str):
                return error_name(data[key])
    return None


def null_members(schema: dict[str, Any]) -> Callable[[Any], list[str]]:
    """The paths (``a/0/b``) of the members an instance sends as null where ``schema`` takes null for them (the
    generated response schemas: an optional member, schemas.generate.absent_as_null), compiled once."""
    properties = schema.get("properties") or {}
    nullable = tuple(name for name, member in properties.items()
                     if isinstance(member.get("type"), list) and "null" in member["type"])
    inner = tuple((name, null_members(member)) for name, member in properties.items()
                  if member.get("properties") or member.get("items"))
    items = null_members(schema["items"]) if schema.get("items") else None

    def find(value: Any) -> list[str]:
        found: list[str] = []
        if type(value) is dict:
            found += [name for name in nullable if name in value and value[name] is None]
            for name, walk in inner:
                if value.get(name) is not None:
                    found += [f"{name}/{path}" for path in walk(value[name])]
        elif type(value) is list and items is not None:
            for index, item in enumerate(value):
                found += [f"{index}/{path}" for path in items(item)]
        return found

    return find


class _OperationSchema:
    __slots__ = ("documented", "empty_output", "errors", "fast", "key", "name", "nulls", "schema", "status", "typical",
                 "validator")

    def __init__(self, name: str) -> None:
        doc = schemas.load(name)
        self.name = name
        self.key = OPERATION_KEYS[name]
        self.status = int(doc["http"]["responseCode"])
        self.errors: dict[str, int] = dict(doc["errors"])
        # Protocol-level errors where a request can fail to deserialise: a body, or a query/path value that is not
        # a plain string (an integer, a timestamp). Get and Delete take only a string path label.
        deserialises = doc["requestBody"] is not None or any(
            p["location"] != "body" and (p["schema"].get("type") != "string" or "format" in p["schema"])
            for p in doc["parameters"].values())
        self.documented: dict[str, int] = {**(PROTOCOL_ERRORS if deserialises else {}), **self.errors}
        self.typical: dict[str, int] = BEDROCK_TYPICAL_ERRORS.get(name, {})  # accepted, and reported as such
        self.schema = doc["response"]
        self.validator = Draft202012Validator(doc["response"])
        self.fast = compile_schema(doc["response"])  # never laxer than the validator; see fastschema
        self.nulls = null_members(doc["response"])
        self.empty_output = not doc["response"].get("properties")


class _Answer:
    """One response being checked: what a failure shows, and (soft mode) the failures found so far."""

    __slots__ = ("body", "code", "data", "decoded", "found", "headers", "into", "lowered", "op", "request", "status")

    def __init__(self, op: _OperationSchema, status: int, headers: Mapping[str, Any], body: bytes,
                 request: dict[str, Any] | Callable[[], dict[str, Any] | None] | None, into: Judgement | None) -> None:
        self.op = op
        self.status = status
        self.headers = headers
        self.body = body
        self.request = request
        self.into = into
        self.found: list[ConformanceFailure] = []
        self.data: Any = None
        self.decoded = False
        if body.strip():
            try:
                self.data = json.loads(body)
                self.decoded = True
            except ValueError:
                pass
        self.lowered = {k.lower(): v for k, v in headers.items()}
        self.code = error_code(headers, self.data, self.lowered)

    @property
    def readable(self) -> bool:
        """JSON, or an empty body: the caller can go on with it."""
        return self.decoded or not self.body.strip()

    @property
    def ruled(self) -> dict[str, Any]:
        """The answer as the shared rules read it (conformance.catalogue.rules: the checks a reproducer makes)."""
        return {"status": self.status, "code": self.code if self.status >= 300 else None, "body": self.data,
                "headers": self.headers, "content": self.body}

    def failure(self, suffix: str, message: str, schema_path: str | None = None,
                failure_type: type[ConformanceFailure] = ConformanceFailure, rule: str | None = None,
                **args: Any) -> ConformanceFailure:
        """``rule``: the shared rule that decided, with its arguments (what the failure's reproducer applies)."""
        return failure_type(f"{self.op.key}-WIRE-{suffix}", message,
                    request=self.request() if callable(self.request) else self.request,
                    response=describe_response(self.status, self.headers, self.body), schema_path=schema_path,
                    check=rules.spec(rule, {"request": True}, **args) if rule else None)

    def broken(self, failure: ConformanceFailure) -> None:
        """A readable response broke a wire clause: raise it, or (soft) collect it and go on."""
        if self.into is None:
            raise failure
        self.found.append(failure)

    def unreadable(self, failure: ConformanceFailure) -> None:
        """The response cannot be read: raise the failure (``Blocked`` once its clause already failed)."""
        if self.into is None:
            raise failure
        self.into.record_soft(self.found, self.op.name)
        self.into.fail(failure, needed=f"a readable {self.op.name} answer")
        raise failure  # pragma: no cover - fail() raises


class ResponseChecker:
    """Checks responses against the documented contract; counts what it checked per clause."""

    def __init__(self, *, real_aws: bool = False) -> None:
        self._ops = {name: _OperationSchema(name) for name in schemas.operations()}
        self.real_aws = real_aws  # a route miss on AWS is the suite's bad path, not a missing operation
        self._lock = threading.Lock()
        self.checked: Counter[str] = Counter()
        self.responses = 0
        # (operation, code) -> answers accepted only as undocumented but Bedrock-typical (the report says so)
        self.tolerated: Counter[tuple[str, str]] = Counter()

    def operation(self, name: str) -> _OperationSchema:
        return self._ops[name]

    def _count(self, *clause_ids: str) -> None:
        with self._lock:
            self.checked.update(clause_ids)

    def check(self, operation: str, status: int, *, headers: Mapping[str, Any], body: bytes,
              request: dict[str, Any] | Callable[[], dict[str, Any] | None] | None,
              into: Judgement | None = None) -> Any:
        """Check one response; returns the decoded JSON body (or None). Raises ConformanceFailure.

        ``request`` is what a failure shows: a described request, or a callable producing one on demand.
        ``into`` (soft mode): a response whose data can still be read (JSON, or an empty body) does not raise:
        each wire clause it breaks is recorded in that Judgement (``Judgement.record_soft``) and the caller goes
        on with the data; only an unreadable response raises (``Blocked`` once its clause already failed)."""
        self.responses += 1
        answer = _Answer(self._ops[operation], status, headers=headers, body=body or b"", request=request,
                         into=into)
        self._refuse_unusable(answer)
        self._check_content_type(answer)
        data = self._check_success(answer) if 200 <= status < 300 else self._check_error(answer)
        if into is not None:
            into.record_soft(answer.found, operation)
        return data

    def _refuse_unusable(self, answer: _Answer) -> None:
        """Refused credentials end the run; an operation the target lacks is not implemented, not a failure."""
        status, code, body = answer.status, answer.code, answer.body
        if code in AUTH_REFUSALS:
            raise CredentialsRefused(f"the target refused the credentials: {code} (HTTP {status}); check the "
                                    "credentials, region and endpoint the run uses")
        if status == 501 or (status >= 400 and (code in _NOT_IMPLEMENTED_CODES or (
                not answer.decoded and body.strip() and _NOT_IMPLEMENTED_TEXT.search(body[:2000])) or (
                route_missed(status, code, answer.data)))) or (status == 404 and not answer.decoded and code is None):
            what = ROUTE_MISS_ON_AWS if self.real_aws else f"{answer.op.name} is not implemented by the target"
            raise answer.failure("STATUS", f"{what} (HTTP {status})", failure_type=NotImplementedOutcome)

    def _check_content_type(self, answer: _Answer) -> None:
        if not (answer.body.strip() or answer.status >= 300):
            return
        content_type = answer.lowered.get("content-type", "")
        if rules.json_content_type(answer.ruled) is None:
            self._count(f"{answer.op.key}-WIRE-CONTENT-TYPE")
            return
        failure = answer.failure("CONTENT-TYPE", f"Content-Type is {content_type!r}, not JSON", rule="json_content_type")
        if not answer.readable:
            answer.unreadable(failure)
        answer.broken(failure)

    def _check_success(self, answer: _Answer) -> Any:
        op, status = answer.op, answer.status
        if rules.wire_status(answer.ruled, op.status) is not None:
            answer.broken(answer.failure("STATUS", f"{op.name} succeeded with HTTP {status}; the contract says "
                                                   f"{op.status}", rule="wire_status", expected=op.status))
        else:
            self._count(f"{op.key}-WIRE-STATUS")
        if not answer.body.strip() and op.empty_output:
            self._count(f"{op.key}-WIRE-SCHEMA")
            return {}
        if not answer.decoded:
            answer.unreadable(answer.failure("SCHEMA", "the success body is not JSON"))
        data = answer.data
        error = None if op.fast(data) else next(iter(op.validator.iter_errors(data)), None)
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path) or "(body)"
            answer.broken(answer.failure("SCHEMA", f"response member {where}: {error.message}",
                                         schema_path="/".join(str(p) for p in error.absolute_schema_path),
                                         rule="body_schema", schema=op.schema))
        else:
            self._count(f"{op.key}-WIRE-SCHEMA")
        nulls = op.nulls(data) if b"null" in answer.body else []
        if nulls:  # read as absent above, as every SDK reads them; AWS omits them
            answer.broken(ConformanceFailure(
                ABSENT_OMITTED, f"{op.name} sent null for the optional member(s) {', '.join(nulls[:4])}"
                f"{f' (and {len(nulls) - 4} more)' if len(nulls) > 4 else ''}: AWS omits "
                "an absent member (every SDK reads the null as absent, so nothing else fails for it)",
                request=answer.request() if callable(answer.request) else answer.request,
                response=describe_response(answer.status, answer.headers, answer.body),
                check=rules.spec("absent_omitted", {"request": True}, schema=op.schema)))
        else:
            self._count(ABSENT_OMITTED)
        return data

    def _check_error(self, answer: _Answer) -> Any:
        op, status, code, data = answer.op, answer.status, answer.code, answer.data
        if code is not None and op.documented.get(code) is None and op.typical.get(code) == status:
            with self._lock:
                self.tolerated[(op.name, code)] += 1
        ruled = answer.ruled
        problem = rules.error_documented(ruled, op.documented, op.typical)
        if problem is not None:
            answer.broken(answer.failure("ERROR-DOCUMENTED", problem.replace("the operation", op.name),
                                         rule="error_documented", documented=op.documented, typical=op.typical))
        else:
            self._count(f"{op.key}-WIRE-ERROR-DOCUMENTED")
        if rules.error_message(ruled) is not None:
            answer.broken(answer.failure("ERROR-MESSAGE", f"{code} body carries no string message",
                                         rule="error_message"))
        else:
            self._count(f"{op.key}-WIRE-ERROR-MESSAGE")
        return data
