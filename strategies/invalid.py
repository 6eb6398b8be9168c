"""Labelled invalid requests: each one breaks exactly one parameter of a valid base request.

``requests(operation, base_request)`` is a Hypothesis strategy of `InvalidCase`; ``all_cases(operation,
base_request)`` the deterministic list (every boundary and every distinct way of breaking each constraint) for
exhaustive runs. Both are constructed from the constraints in `schemas/`, never generated and filtered.

A case carries either ``request`` (boto3 keyword dict: send it with a client whose parameter validation is
off; botocore serialises it faithfully) or ``raw`` (a `RawRequest` for what botocore cannot serialise: a list
member given a string, a malformed JSON body, a query value that is not an integer or a timestamp).
``expected`` is the tuple of error codes the contract allows.

Kinds: missing-required, wrong-type, too-short, too-long, below-minimum, above-maximum, not-in-enum, pattern,
too-many-items, malformed-body (raw only; ``parameter`` is None), unknown-query-value (raw only).

Path parameters only ever get slash-free values (a "/" changes the route), never an empty one.
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from strategies import patterns
from strategies.valid import RESOURCE_TAG_LIMIT
from strategies.wire import RawRequest, documents_error, has_body, parameters, to_raw

__all__ = [
    "KINDS",
    "TAG_COUNT",
    "VALIDATION",
    "InvalidCase",
    "RawRequest",
    "all_cases",
    "parameters_with_cases",
    "requests",
]

KINDS = (
    "missing-required",
    "wrong-type",
    "too-short",
    "too-long",
    "below-minimum",
    "above-maximum",
    "not-in-enum",
    "pattern",
    "too-many-items",
    "malformed-body",
    "unknown-query-value",
)
VALIDATION = ("ValidationException",)
TAG_COUNT = ("TooManyTagsException", "ValidationException")
INT32 = (-(2**31), 2**31 - 1)


class _Absent:
    def __repr__(self) -> str:
        return "<absent>"


ABSENT: Any = _Absent()


@dataclass(frozen=True)
class InvalidCase:
    operation: str
    parameter: str | None
    kind: str
    request: dict[str, Any] | None
    raw: RawRequest | None
    description: str
    expected: tuple[str, ...] = VALIDATION

    def __post_init__(self) -> None:
        assert self.kind in KINDS, self.kind
        assert (self.request is None) != (self.raw is None), "a case is either a request or a raw request"

    def __repr__(self) -> str:  # what Hypothesis prints for a falsifying example
        how = f"raw={self.raw!r}" if self.raw is not None else f"request={_short(self.request)}"
        return f"InvalidCase({self.kind}: {self.description}; {how})"


@dataclass(frozen=True)
class _Variant:
    kind: str
    description: str
    value: Any
    expected: tuple[str, ...] = VALIDATION


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 400 else text[:400] + f"... ({len(text)} characters)"


def _show(value: Any) -> str:
    if isinstance(value, str) and len(value) > 40:
        return f"{value[:30]!r}... ({len(value)} characters)"
    return repr(value)


# --- botocore faithfulness: request or raw ---------------------------------------------------------------
def _faithful(spec: dict[str, Any], value: Any, location: str) -> bool:
    """Would botocore (validation off) put exactly ``value`` on the wire?"""
    if value is ABSENT:
        return location != "uri"
    if value is None:
        return False  # botocore drops None members
    if location == "uri":
        return isinstance(value, str)
    if location == "querystring":
        if spec.get("format") == "date-time":
            return isinstance(value, datetime)
        if spec.get("type") == "integer":
            return isinstance(value, int) and not isinstance(value, bool)
        return isinstance(value, str)
    kind = spec.get("type")
    if kind == "array":
        return isinstance(value, (list, tuple)) and all(
            _faithful(spec.get("items", {}), v, "body") for v in value
        )
    if kind == "object":
        props = spec.get("properties", {})
        return isinstance(value, dict) and all(
            k in props and v is not None and _faithful(props[k], v, "body") for k, v in value.items()
        )
    return True  # scalars: botocore assigns any JSON value as it is


# --- valid filler ----------------------------------------------------------------------------------------
def _valid_scalar(spec: dict[str, Any], i: int) -> Any:
    if "enum" in spec:
        return spec["enum"][0]
    if spec.get("type") == "integer":
        return spec.get("minimum", 0)
    if "pattern" in spec:
        value = patterns.family(spec["pattern"]).indexed(i)
    else:
        value = f"v{i}"
    low = spec.get("minLength", 0)
    return value if len(value) >= low else value + "0" * (low - len(value))


def _valid_item(spec: dict[str, Any], i: int) -> Any:
    if spec.get("type") == "object":
        props = spec.get("properties", {})
        return {name: _valid_scalar(props[name], i) for name in props}
    return _valid_scalar(spec, i)


def _filled(spec: dict[str, Any], base: list[Any], count: int) -> list[Any]:
    """``base`` items followed by distinct valid items, ``count`` in all."""
    items = [dict(v) if isinstance(v, dict) else v for v in base][:count]
    i = 0
    taken = {json.dumps(v, sort_keys=True) for v in items}
    keys = {v.get("key") for v in items if isinstance(v, dict)}
    while len(items) < count:
        item = _valid_item(spec.get("items", {}), i)
        i += 1
        if json.dumps(item, sort_keys=True) in taken or (isinstance(item, dict) and item.get("key") in keys):
            continue
        items.append(item)
    return items


# --- variants of one value -------------------------------------------------------------------------------
Random = list[tuple[str, SearchStrategy[_Variant]]]


def _not_in_enum(enum: list[str]) -> tuple[list[_Variant], Random]:
    first, last = enum[0], enum[-1]
    candidates = [
        (f"{first.lower()!r}: an enum value in lower case", first.lower()),
        (f"{last.upper()!r}: an enum value in upper case", last.upper()),
        ("'Unknown': not an enum value", "Unknown"),
    ]
    det = [_Variant("not-in-enum", d, v) for d, v in candidates if v not in enum]
    # A suffix never turns a value into another one when no value is a prefix of another.
    stems = [v for v in enum if not any(w != v and w.startswith(v) for w in enum)] or ["Unknown~"]
    rnd = st.builds(
        lambda v, s: _Variant("not-in-enum", f"{v + s!r}: an enum value with a suffix", v + s),
        st.sampled_from(stems),
        st.text(string.ascii_letters + string.digits, min_size=1, max_size=8),
    )
    return det, [("not-in-enum", rnd)]


def _string_variants(
    spec: dict[str, Any], base: Any, location: str, path: str
) -> tuple[list[_Variant], Random]:
    det: list[_Variant] = []
    rnd: Random = []
    slash_free = location == "uri"
    base = base if isinstance(base, str) else None
    if spec.get("format") == "date-time":
        if location == "querystring":
            for text, why in (
                ("yesterday", "a word"),
                ("2023-13-01T00:00:00Z", "month 13"),
                ("2023-10-32T00:00:00Z", "day 32"),
                ("2023-10-02T24:61:00Z", "hour 24, minute 61"),
                ("not-a-timestamp", "not a timestamp"),
            ):
                det.append(_Variant("unknown-query-value", f"{path}={text!r}: {why}", text))
            rnd.append(
                (
                    "unknown-query-value",
                    st.text(string.ascii_letters, min_size=1, max_size=12).map(
                        lambda s: _Variant(
                            "unknown-query-value", f"{path}={'x' + s!r}: not a timestamp", "x" + s
                        )
                    ),
                )
            )
        return det, rnd
    if "enum" in spec:
        d, r = _not_in_enum(spec["enum"])
        det += [replace(v, description=f"{path}: {v.description}") for v in d]
        rnd += [(k, s.map(lambda v: replace(v, description=f"{path}: {v.description}"))) for k, s in r]
        return det, rnd
    low, high = spec.get("minLength", 0), spec.get("maxLength")
    fam = patterns.family(spec["pattern"]) if "pattern" in spec else None
    max_len = high if high is not None else 2048
    if low > 0:
        n = low - 1
        value = fam.of_length(n) if fam and n else None
        if value is None:
            value = (base or (fam.indexed(0) if fam else "x"))[:n] if n else ""
        if not (slash_free and (value == "" or "/" in value)):
            det.append(_Variant("too-short", f"{path}: {n} characters (minLength {low})", value))
    if high is not None:
        n = high + 1
        value = fam.of_length(n) if fam else None
        if value is None:
            stem = base or "x"
            value = (stem * (n // len(stem) + 1))[:n]
        if not (slash_free and "/" in value):
            det.append(_Variant("too-long", f"{path}: {n} characters (maxLength {high})", value))
        if fam is not None and fam.of_length(n) is not None:
            rnd.append(
                (
                    "too-long",
                    st.integers(n, n + 64).map(
                        lambda k: _Variant(
                            "too-long", f"{path}: {k} characters (maxLength {high})", fam.of_length(k)
                        )
                    ),
                )
            )
    if fam is not None:

        def fits(value: str) -> bool:
            return (
                low <= len(value) <= max_len
                and not patterns.matches(spec["pattern"], value)
                and not (slash_free and ("/" in value or value.strip(".") == ""))
            )

        for why, value in fam.breakers(base, slash_free=slash_free, max_len=max_len):
            if fits(value):
                det.append(_Variant("pattern", f"{path}: {why} ({_show(value)})", value))
        strategy = fam.breaker_strategy(base, slash_free=slash_free, max_len=max_len)
        if strategy is not None:
            rnd.append(
                (
                    "pattern",
                    strategy.map(
                        lambda pair: _Variant("pattern", f"{path}: {pair[0]} ({_show(pair[1])})", pair[1])
                    ),
                )
            )
    return det, rnd


def _integer_variants(spec: dict[str, Any], location: str, path: str) -> tuple[list[_Variant], Random]:
    det: list[_Variant] = []
    rnd: Random = []
    if location == "querystring":
        for text, why in (("abc", "letters"), ("1.5", "a fraction"), ("ten", "a word"), ("true", "a boolean"),
                          ("9223372000000000000", "overflows a 32-bit integer")):
            det.append(_Variant("unknown-query-value", f"{path}={text!r}: {why}, not an integer", text))
        rnd.append(
            (
                "unknown-query-value",
                st.text(string.ascii_letters, min_size=1, max_size=10).map(
                    lambda s: _Variant("unknown-query-value", f"{path}={'x' + s!r}: not an integer", "x" + s)
                ),
            )
        )
    if "minimum" in spec:
        low = spec["minimum"]
        values = [low - 1] + ([-1] if -1 < low - 1 else [])
        det += [_Variant("below-minimum", f"{path}={v} (minimum {low})", v) for v in values]
        if INT32[0] <= low - 1:
            rnd.append(
                (
                    "below-minimum",
                    st.integers(INT32[0], low - 1).map(
                        lambda v: _Variant("below-minimum", f"{path}={v} (minimum {low})", v)
                    ),
                )
            )
    if "maximum" in spec:
        high = spec["maximum"]
        det.append(_Variant("above-maximum", f"{path}={high + 1} (maximum {high})", high + 1))
        if high + 1 <= INT32[1]:
            rnd.append(
                (
                    "above-maximum",
                    st.integers(high + 1, INT32[1]).map(
                        lambda v: _Variant("above-maximum", f"{path}={v} (maximum {high})", v)
                    ),
                )
            )
    return det, rnd


def _wrong_types(spec: dict[str, Any], path: str) -> list[_Variant]:
    kind = spec.get("type")
    if kind == "string":
        return [
            _Variant("wrong-type", f"{path}: a JSON object instead of a string", {"unexpected": "object"}),
            _Variant("wrong-type", f"{path}: a JSON list instead of a string", ["a", "b"]),
        ]
    if kind == "integer":
        # Neither a number in a JSON string, a boolean nor a fraction is an integer: restJson servers must refuse,
        # not coerce them (Smithy RestJsonBodyIntegerMalformedValueRejected: "123", true, 1.001).
        number = spec.get("minimum", 0) + 1
        return [
            _Variant("wrong-type", f"{path}: a JSON string holding a number ({str(number)!r})", str(number)),
            _Variant("wrong-type", f"{path}: a string of letters instead of an integer", "abc"),
            _Variant("wrong-type", f"{path}: a JSON object instead of an integer", {"units": 1}),
            _Variant("wrong-type", f"{path}: JSON true instead of an integer", True),
            _Variant("wrong-type", f"{path}: JSON false instead of an integer", False),
            _Variant("wrong-type", f"{path}: a fraction ({number - 0.5}) instead of an integer", number - 0.5),
        ]
    if kind == "boolean":
        # Smithy RestJsonBodyBooleanStringCoercion: a string is no boolean
        return [
            _Variant("wrong-type", f"{path}: a JSON string instead of a boolean", "true"),
            _Variant("wrong-type", f"{path}: a number instead of a boolean", 1),
        ]
    if kind == "array":
        return [
            _Variant("wrong-type", f"{path}: a string instead of a list", "abc"),
            _Variant("wrong-type", f"{path}: a JSON object instead of a list", {"key": "k", "value": "v"}),
        ]
    if kind == "object":
        return [_Variant("wrong-type", f"{path}: a string instead of an object", "abc")]
    return []


def _value_variants(
    operation: str, member: str, spec: dict[str, Any], base: Any, location: str, path: str
) -> tuple[list[_Variant], Random]:
    det: list[_Variant] = _wrong_types(spec, path) if location == "body" else []
    rnd: Random = []
    kind = spec.get("type")
    if kind == "string":
        d, r = _string_variants(spec, base, location, path)
    elif kind == "integer":
        d, r = _integer_variants(spec, location, path)
    elif kind == "array":
        d, r = _array_variants(operation, member, spec, base, location, path)
    elif kind == "object":
        d, r = _object_variants(operation, member, spec, base, location, path)
    else:
        d, r = [], []
    return det + d, rnd + r


def _object_variants(
    operation: str, member: str, spec: dict[str, Any], base: Any, location: str, path: str
) -> tuple[list[_Variant], Random]:
    props = spec.get("properties", {})
    base = dict(base) if isinstance(base, dict) else _valid_item(spec, 0)
    det: list[_Variant] = []
    rnd: Random = []
    for name in spec.get("required", []):
        det.append(
            _Variant(
                "missing-required",
                f"{path} without its required {name}",
                {k: v for k, v in base.items() if k != name},
            )
        )
    for name, sub in props.items():
        d, r = _value_variants(operation, member, sub, base.get(name), location, f"{path}.{name}")
        det += [replace(v, value={**base, name: v.value}) for v in d]
        rnd += [(k, s.map(partial(_with_member, base, name))) for k, s in r]
    return det, rnd


def _with_member(base: dict[str, Any], name: str, variant: _Variant) -> _Variant:
    return replace(variant, value={**base, name: variant.value})


def _array_variants(
    operation: str, member: str, spec: dict[str, Any], base: Any, location: str, path: str
) -> tuple[list[_Variant], Random]:
    items_spec = spec.get("items", {})
    base_items = list(base) if isinstance(base, (list, tuple)) else []
    det: list[_Variant] = []
    rnd: Random = []
    tag_limit = member == "tags" and documents_error(operation, "TooManyTagsException")
    expected = TAG_COUNT if tag_limit else VALIDATION
    if "maxItems" in spec:
        high = spec["maxItems"]
        counts = ([RESOURCE_TAG_LIMIT + 1] if tag_limit and RESOURCE_TAG_LIMIT < high else []) + [high + 1]
        for n in counts:
            why = (
                f"more than the {RESOURCE_TAG_LIMIT} tags a resource may have"
                if n <= high
                else f"maxItems {high}"
            )
            det.append(
                _Variant(
                    "too-many-items", f"{path}: {n} items ({why})", _filled(spec, base_items, n), expected
                )
            )
        low_random = RESOURCE_TAG_LIMIT + 1 if tag_limit else high + 1
        rnd.append(
            (
                "too-many-items",
                st.integers(low_random, high + 16).map(
                    lambda n: _Variant(
                        "too-many-items", f"{path}: {n} items", _filled(spec, base_items, n), expected
                    )
                ),
            )
        )
    if spec.get("minItems", 0) > 0:
        n = spec["minItems"] - 1
        det.append(_Variant("too-short", f"{path}: {n} items (minItems {spec['minItems']})", base_items[:n]))
    container = base_items or [_valid_item(items_spec, 0)]
    d, r = _value_variants(operation, member, items_spec, container[0], location, f"{path}[0]")

    def put(v: _Variant) -> _Variant:
        return replace(v, value=[v.value, *container[1:]])

    det += [put(v) for v in d]
    rnd += [(k, s.map(put)) for k, s in r]
    return det, rnd


# --- cases -----------------------------------------------------------------------------------------------
def _check_base(operation: str, base: dict[str, Any]) -> None:
    params = parameters(operation)
    unknown = set(base) - set(params)
    if unknown:
        raise ValueError(f"{operation} has no parameter {', '.join(sorted(unknown))}")
    missing = [m for m, p in params.items() if p["required"] and m not in base]
    if missing:
        raise ValueError(f"the base {operation} request misses required {', '.join(missing)}")


def _case(operation: str, base: dict[str, Any], member: str, variant: _Variant) -> InvalidCase:
    param = parameters(operation)[member]
    request = {k: v for k, v in base.items() if k != member}
    if variant.value is not ABSENT:
        request[member] = variant.value
    description = f"{operation}.{variant.description}"
    if _faithful(param["schema"], variant.value, param["location"]):
        return InvalidCase(operation, member, variant.kind, request, None, description, variant.expected)
    return InvalidCase(
        operation, member, variant.kind, None, to_raw(operation, request), description, variant.expected
    )


def _member_variants(operation: str, member: str, base_value: Any) -> tuple[list[_Variant], Random]:
    param = parameters(operation)[member]
    det: list[_Variant] = []
    if param["required"] and param["location"] != "uri":
        det.append(_Variant("missing-required", f"{member} left out", ABSENT))
    d, r = _value_variants(operation, member, param["schema"], base_value, param["location"], member)
    return det + d, r


def _malformed_bodies(operation: str, base: dict[str, Any]) -> list[InvalidCase]:
    if not has_body(operation):
        return []
    good = to_raw(operation, base).body or b"{}"
    bodies = [
        ("a body that is not JSON", b"this is not json"),
        ("a truncated JSON object", good[:-1]),
        ("a JSON list holding the object", b"[" + good + b"]"),
        ("a JSON string", json.dumps(good.decode("utf-8")).encode("utf-8")),
        ("a JSON number", b"42"),
    ]
    return [
        InvalidCase(
            operation,
            None,
            "malformed-body",
            None,
            to_raw(operation, base, body=body),
            f"{operation}: {why}",
            VALIDATION,
        )
        for why, body in bodies
    ]


def parameters_with_cases(operation: str) -> list[str]:
    """Every parameter of ``operation`` (schema order); each has at least one case."""
    return list(parameters(operation))


def all_cases(
    operation: str,
    base_request: dict[str, Any],
    *,
    parameter: str | None = None,
    kinds: Iterable[str] | None = None,
) -> list[InvalidCase]:
    """Every deterministic invalid case of ``operation``, one parameter changed from ``base_request`` each.

    ``parameter`` keeps one parameter's cases (the body-level malformed-body cases have parameter None and
    come only without ``parameter``); ``kinds`` keeps those kinds.
    """
    _check_base(operation, base_request)
    wanted = set(kinds) if kinds is not None else set(KINDS)
    cases: list[InvalidCase] = []
    for member in parameters(operation):
        if parameter is not None and member != parameter:
            continue
        det, _ = _member_variants(operation, member, base_request.get(member))
        cases += [_case(operation, base_request, member, v) for v in det if v.kind in wanted]
    if parameter is None and "malformed-body" in wanted:
        cases += _malformed_bodies(operation, base_request)
    return cases


def requests(
    operation: str,
    base_request: dict[str, Any],
    *,
    parameter: str | None = None,
    kinds: Iterable[str] | None = None,
) -> SearchStrategy[InvalidCase]:
    """Invalid variants of ``base_request``: the deterministic cases of `all_cases` plus generated ones
    (forbidden characters at any position, random lengths past the maximum, integers anywhere below the
    minimum, random tag counts, ...). Same ``parameter``/``kinds`` selection as `all_cases`."""
    _check_base(operation, base_request)
    wanted = set(kinds) if kinds is not None else set(KINDS)
    choices: list[SearchStrategy[InvalidCase]] = []
    for member in parameters(operation):
        if parameter is not None and member != parameter:
            continue
        det, rnd = _member_variants(operation, member, base_request.get(member))
        cases = [_case(operation, base_request, member, v) for v in det if v.kind in wanted]
        if cases:
            choices.append(st.sampled_from(cases))
        for kind, strategy in rnd:
            if kind in wanted:
                choices.append(strategy.map(partial(_case, operation, base_request, member)))
    if parameter is None and "malformed-body" in wanted:
        bodies = _malformed_bodies(operation, base_request)
        if bodies:
            choices.append(st.sampled_from(bodies))
    if not choices:
        raise ValueError(f"no invalid {operation} case for parameter={parameter!r} kinds={sorted(wanted)}")
    return st.one_of(choices)
