"""A compiled fast path for the wire checker's JSON Schema validation.

``compile_schema(schema)`` turns one of the generated response schemas into a plain Python predicate, built once
per operation. It understands the keywords the generator emits (type, a type list, properties, required, items, enum,
pattern, minLength/maxLength, minimum/maximum, minItems/maxItems; format is an annotation, as in jsonschema
without a format checker). The predicate may be *stricter* than jsonschema (an unknown keyword, a float that
jsonschema would take as an integer, an unhashable enum candidate all answer False) but never laxer: the checker
asks jsonschema for the verdict and the message whenever the predicate says False, so the result of a check is
exactly jsonschema's. tests/test_checks_fast.py holds the two to that.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Predicate = Callable[[Any], bool]

_TYPES: dict[str, Predicate] = {
    "object": lambda x: type(x) is dict,
    "array": lambda x: type(x) is list,
    "string": lambda x: type(x) is str,
    "integer": lambda x: type(x) is int,
    "number": lambda x: type(x) in (int, float),
    "boolean": lambda x: type(x) is bool,
    "null": lambda x: x is None,
}
_ANNOTATIONS = {"format", "description", "title", "$comment", "examples", "default", "deprecated"}
_KNOWN = {"type", "properties", "required", "items", "enum", "pattern", "minLength", "maxLength", "minimum",
          "maximum", "minItems", "maxItems"} | _ANNOTATIONS


def _never(_: Any) -> bool:
    return False


def compile_schema(schema: dict[str, Any]) -> Predicate:
    """A predicate that is True only for instances jsonschema (draft 2020-12, no format checker) accepts."""
    if not isinstance(schema, dict) or set(schema) - _KNOWN:
        return _never
    checks: list[Predicate] = []
    declared = schema.get("type")
    if declared is not None:
        types = [declared] if isinstance(declared, str) else declared
        if not isinstance(types, list) or not types or not all(isinstance(t, str) and t in _TYPES for t in types):
            return _never
        if len(types) == 1:
            checks.append(_TYPES[types[0]])
        else:  # a type list: one of them (the generator's optional response members: a type and null)
            alternatives = tuple(_TYPES[t] for t in types)
            checks.append(lambda x: any(one(x) for one in alternatives))
    if "enum" in schema:
        values = schema["enum"]
        if not all(type(v) is str or v is None for v in values):
            return _never
        allowed = frozenset(values)
        checks.append(lambda x: (type(x) is str or x is None) and x in allowed)
    if "pattern" in schema:
        search = re.compile(schema["pattern"]).search
        checks.append(lambda x: type(x) is not str or search(x) is not None)
    low, high = schema.get("minLength"), schema.get("maxLength")
    if low is not None or high is not None:
        lo, hi = low or 0, high if high is not None else float("inf")
        checks.append(lambda x: type(x) is not str or lo <= len(x) <= hi)
    minimum, maximum = schema.get("minimum"), schema.get("maximum")
    if minimum is not None or maximum is not None:
        mn = minimum if minimum is not None else float("-inf")
        mx = maximum if maximum is not None else float("inf")
        checks.append(lambda x: type(x) not in (int, float) or mn <= x <= mx)
    low, high = schema.get("minItems"), schema.get("maxItems")
    if low is not None or high is not None:
        lo_i, hi_i = low or 0, high if high is not None else float("inf")
        checks.append(lambda x: type(x) is not list or lo_i <= len(x) <= hi_i)
    if "items" in schema:
        item = compile_schema(schema["items"])
        checks.append(lambda x: type(x) is not list or all(item(v) for v in x))
    if "required" in schema:
        required = tuple(schema["required"])
        checks.append(lambda x: type(x) is not dict or all(k in x for k in required))
    if "properties" in schema:
        members = tuple((name, compile_schema(sub)) for name, sub in schema["properties"].items())

        def properties(x: Any) -> bool:
            if type(x) is not dict:
                return True
            for name, check in members:
                if name in x and not check(x[name]):
                    return False
            return True

        checks.append(properties)
    if not checks:
        return lambda _: True
    if len(checks) == 1:
        return checks[0]
    frozen = tuple(checks)
    return lambda x: all(check(x) for check in frozen)
