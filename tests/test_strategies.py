"""Self-tests of strategies/ (no server): valid strategies draw schema-valid requests and hit the boundaries;
every invalid case breaks exactly its labelled parameter, and every constrained parameter has cases."""

from __future__ import annotations

import itertools
import json
import re
import urllib.parse
from pathlib import Path
from typing import Any

import botocore.serialize
import botocore.session
import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

import schemas
import strategies
from strategies import invalid, patterns, valid
from strategies.invalid import InvalidCase
from strategies.wire import jsonable, parameters, to_raw

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    database=None,
)
FIND = settings(
    max_examples=2000,
    deadline=None,
    database=None,
    phases=[Phase.generate],
)

REGION, ACCOUNT = "us-east-1", "123456789012"
ARN = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:provisioned-model/abcdefghij12"
MODEL = "amazon.titan-text-express-v1:0:8k"
MODEL_ARN = f"arn:aws:bedrock:{REGION}::foundation-model/{MODEL}"
CUSTOM = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:custom-model/amazon.titan-text-express-v1:0:8k/abcdefghij34"
RUN_TAG = {"key": "bedrock-conformance-run", "value": "abc123"}
PREFIX = "bcabc123-main-"

BASES: dict[str, dict[str, Any]] = {
    "CreateProvisionedModelThroughput": {
        "modelUnits": 1,
        "provisionedModelName": PREFIX + "7",
        "modelId": MODEL,
        "tags": [RUN_TAG],
    },
    "GetProvisionedModelThroughput": {"provisionedModelId": ARN},
    "ListProvisionedModelThroughputs": {},
    "UpdateProvisionedModelThroughput": {"provisionedModelId": PREFIX + "7"},
    "DeleteProvisionedModelThroughput": {"provisionedModelId": ARN},
    "TagResource": {"resourceARN": ARN, "tags": [{"key": "bc-validation", "value": "x"}]},
    "UntagResource": {"resourceARN": ARN, "tagKeys": ["bc-validation"]},
    "ListTagsForResource": {"resourceARN": ARN},
}
# Further bases: every optional member present, ARNs instead of names, a custom model.
RICH_BASES: list[tuple[str, dict[str, Any]]] = [
    (
        "CreateProvisionedModelThroughput",
        {
            "modelUnits": 2,
            "provisionedModelName": "x" * 63,
            "modelId": CUSTOM,
            "clientRequestToken": "a" * 256,
            "commitmentDuration": "OneMonth",
            "tags": [RUN_TAG, {"key": "k" * 128, "value": ""}],
        },
    ),
    (
        "UpdateProvisionedModelThroughput",
        {"provisionedModelId": ARN, "desiredProvisionedModelName": "n-1", "desiredModelId": MODEL_ARN},
    ),
    ("GetProvisionedModelThroughput", {"provisionedModelId": "a-b_c"}),
    (
        "ListProvisionedModelThroughputs",
        {
            "maxResults": 1000,
            "sortOrder": "Ascending",
            "sortBy": "CreationTime",
            "statusEquals": "Failed",
            "nameContains": "bc",
            "nextToken": "abc",
            "modelArnEquals": MODEL_ARN,
            "creationTimeAfter": "2023-10-02T12:00:00Z",
        },
    ),
    ("UntagResource", {"resourceARN": ARN, "tagKeys": []}),
]


@pytest.fixture(scope="module")
def validators() -> dict[str, Draft202012Validator]:
    return {op: Draft202012Validator(schemas.load(op)["request"]) for op in schemas.operations()}


def _errors(validator: Draft202012Validator, request: dict[str, Any]) -> list:
    return list(validator.iter_errors(jsonable(request)))


def _no_trailing_newline(value: Any) -> None:
    """jsonschema's `re.search` lets "...\\n" through a `^...$` pattern; AWS full-matches."""
    if isinstance(value, str):
        assert not value.endswith("\n"), value
    elif isinstance(value, dict):
        for v in value.values():
            _no_trailing_newline(v)
    elif isinstance(value, list):
        for v in value:
            _no_trailing_newline(v)


def _assert_valid(validators: dict, operation: str, request: dict[str, Any]) -> None:
    errors = _errors(validators[operation], request)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]
    _no_trailing_newline(request)


# --- valid strategies ------------------------------------------------------------------------------------
names = itertools.count()


def fresh_prefix() -> str:
    return f"{PREFIX}{next(names)}"


VALID_REQUESTS = {
    "CreateProvisionedModelThroughput": valid.create_request(
        [MODEL, MODEL_ARN, CUSTOM],
        st.builds(fresh_prefix),
        fixed_tags=[RUN_TAG],
        max_model_units=3,
        commitment=True,
    ),
    "CreateProvisionedModelThroughput-no-tags": valid.create_request([MODEL], PREFIX),
    "GetProvisionedModelThroughput": valid.get_request([ARN, PREFIX + "1"]),
    "ListProvisionedModelThroughputs": valid.list_query(),
    "ListProvisionedModelThroughputs-given": valid.list_request([MODEL_ARN], ["bc", PREFIX], ["token-1"]),
    "UpdateProvisionedModelThroughput": valid.update_request([ARN], name_prefix=PREFIX, model_ids=[CUSTOM]),
    "DeleteProvisionedModelThroughput": valid.delete_request([ARN]),
    "TagResource": valid.tag_request([ARN]),
    "UntagResource": valid.untag_request([ARN]),
    "UntagResource-given": valid.untag_request([ARN], keys=["a", "b", "c"]),
    "ListTagsForResource": valid.list_tags_request([ARN]),
}


@pytest.mark.parametrize("label", sorted(VALID_REQUESTS))
@SETTINGS
@given(data=st.data())
def test_valid_requests_are_schema_valid(validators, label, data):
    operation = label.split("-")[0]
    request = data.draw(VALID_REQUESTS[label])
    _assert_valid(validators, operation, request)


SINGLE_VALUES = {
    ("CreateProvisionedModelThroughput", "provisionedModelName"): valid.provisioned_model_name(PREFIX),
    ("UpdateProvisionedModelThroughput", "desiredProvisionedModelName"): valid.provisioned_model_name(""),
    ("CreateProvisionedModelThroughput", "clientRequestToken"): valid.client_request_token(),
    ("CreateProvisionedModelThroughput", "commitmentDuration"): valid.commitment_duration(),
    ("CreateProvisionedModelThroughput", "modelUnits"): valid.model_units(10),
    ("CreateProvisionedModelThroughput", "modelId"): valid.model_identifier(),
    ("ListProvisionedModelThroughputs", "modelArnEquals"): valid.model_arn(),
    ("ListProvisionedModelThroughputs", "nameContains"): valid.name_fragment(),
    ("ListProvisionedModelThroughputs", "nextToken"): valid.next_token(),
    ("ListProvisionedModelThroughputs", "creationTimeAfter"): valid.timestamps(),
    ("GetProvisionedModelThroughput", "provisionedModelId"): valid.provisioned_model_id(),
    ("TagResource", "resourceARN"): valid.provisioned_model_arn(),
    ("TagResource", "tags"): valid.tags(),
    ("UntagResource", "tagKeys"): valid.tag_keys(),
}


@pytest.mark.parametrize("operation,member", sorted(SINGLE_VALUES))
@SETTINGS
@given(data=st.data())
def test_single_values_are_schema_valid(operation, member, data):
    value = data.draw(SINGLE_VALUES[(operation, member)])
    errors = list(Draft202012Validator(parameters(operation)[member]["schema"]).iter_errors(jsonable(value)))
    assert not errors, [e.message for e in errors]
    _no_trailing_newline(value)


@SETTINGS
@given(name=valid.provisioned_model_name(st.builds(fresh_prefix)))
def test_names_keep_the_run_prefix(name):
    assert name.startswith(PREFIX)
    assert patterns.matches(
        parameters("CreateProvisionedModelThroughput")["provisionedModelName"]["schema"]["pattern"], name
    )


def test_name_prefix_must_be_a_name():
    with pytest.raises(ValueError):
        valid.provisioned_model_name("bad prefix!")
    with pytest.raises(ValueError):
        valid.provisioned_model_name("x" * 64)


def _spec(operation: str, member: str) -> dict[str, Any]:
    return parameters(operation)[member]["schema"]


BOUNDARIES = [
    (
        "63-character name",
        valid.provisioned_model_name(PREFIX),
        lambda v: len(v) == _spec("CreateProvisionedModelThroughput", "provisionedModelName")["maxLength"],
    ),
    ("1-character name", valid.provisioned_model_name(""), lambda v: len(v) == 1),
    (
        "shortest name after the prefix",
        valid.provisioned_model_name(PREFIX),
        lambda v: len(v) == len(PREFIX) + 1,
    ),
    ("1-character token", valid.client_request_token(), lambda v: len(v) == 1),
    (
        "256-character token",
        valid.client_request_token(),
        lambda v: len(v) == _spec("CreateProvisionedModelThroughput", "clientRequestToken")["maxLength"],
    ),
    ("maxResults 1", valid.list_query(), lambda q: q.get("maxResults") == 1),
    (
        "maxResults 1000",
        valid.list_query(),
        lambda q: q.get("maxResults") == _spec("ListProvisionedModelThroughputs", "maxResults")["maximum"],
    ),
    (
        "every List parameter but nextToken at once",
        valid.list_query(),
        lambda q: set(q) == set(parameters("ListProvisionedModelThroughputs")) - {"nextToken"},
    ),
    ("nextToken when given", valid.list_request([], [], ["tok"]), lambda q: q.get("nextToken") == "tok"),
    ("descending order", valid.list_query(), lambda q: q.get("sortOrder") == "Descending"),
    ("status Failed", valid.list_query(), lambda q: q.get("statusEquals") == "Failed"),
    ("no tags", valid.tags(), lambda t: t == []),
    ("50 tags", valid.tags(), lambda t: len(t) == valid.RESOURCE_TAG_LIMIT),
    ("128-character tag key", valid.tags(), lambda t: any(len(x["key"]) == 128 for x in t)),
    ("256-character tag value", valid.tags(), lambda t: any(len(x["value"]) == 256 for x in t)),
    ("empty tag value", valid.tags(), lambda t: any(x["value"] == "" for x in t)),
    ("200 tag keys", valid.tag_keys(), lambda k: len(k) == 200),
    ("modelUnits minimum", valid.model_units(5), lambda u: u == 1),
    ("modelUnits cap", valid.model_units(5), lambda u: u == 5),
    ("SixMonths", valid.commitment_duration(), lambda c: c == "SixMonths"),
    (
        "create with every optional parameter",
        VALID_REQUESTS["CreateProvisionedModelThroughput"],
        lambda r: set(r) == set(parameters("CreateProvisionedModelThroughput")),
    ),
    (
        "create with 50 tags including the run tag",
        VALID_REQUESTS["CreateProvisionedModelThroughput"],
        lambda r: len(r["tags"]) == 50 and r["tags"][0] == RUN_TAG,
    ),
    ("update with name and model", VALID_REQUESTS["UpdateProvisionedModelThroughput"], lambda r: len(r) == 3),
    ("custom-model ARN", valid.model_identifier(), lambda v: ":custom-model/" in v),
    ("foundation-model ARN", valid.model_identifier(), lambda v: ":foundation-model/" in v),
    ("provisioned-model name", valid.provisioned_model_id(), lambda v: not v.startswith("arn:")),
    ("provisioned-model ARN", valid.provisioned_model_id(), lambda v: v.startswith("arn:")),
]


@pytest.mark.parametrize("label,strategy,condition", BOUNDARIES, ids=[b[0] for b in BOUNDARIES])
def test_valid_strategies_hit_the_boundaries(label, strategy, condition):
    find(strategy, condition, settings=FIND)


def test_every_schema_pattern_has_a_family():
    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            if "pattern" in node and node.get("format") != "date-time":
                yield node["pattern"]
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    unknown = {
        p
        for op in schemas.operations()
        for p in walk(schemas.load(op)["parameters"])
        if not patterns.known(p)
    }
    assert not unknown


@pytest.mark.parametrize("n", [1, 2, 3, 63, 64, 257, 1012, 2049])
def test_of_length_values_are_pattern_valid(n):
    for pattern in patterns.FAMILIES:
        value = patterns.family(f"^(?:{pattern})$").of_length(n)
        if value is not None:
            assert len(value) == n
            assert patterns.matches(f"^(?:{pattern})$", value), (pattern, value)


# --- invalid cases ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def serializer():
    model = botocore.session.get_session().get_service_model("bedrock")
    return model, botocore.serialize.create_serializer("rest-json", include_validation=False)


def _request_of(case: InvalidCase, base: dict[str, Any]) -> dict[str, Any] | None:
    """The member dict a case sends (raw cases parsed back); None for a body that is not a JSON object."""
    if case.request is not None:
        return case.request
    raw = case.raw
    assert raw is not None
    doc = schemas.load(case.operation)
    assert raw.method == doc["http"]["method"]
    request: dict[str, Any] = {}
    template = doc["http"]["uri"]
    regex = re.escape(template)
    for member, param in parameters(case.operation).items():
        if param["location"] == "uri":
            regex = regex.replace(re.escape("{" + param["name"] + "}"), f"(?P<{member}>[^/]+)")
    match = re.fullmatch(regex, raw.path)
    assert match, (raw.path, template)
    for member, text in match.groupdict().items():
        assert urllib.parse.quote(urllib.parse.unquote(text), safe="") == text, "path id not percent-encoded"
        request[member] = urllib.parse.unquote(text)
    by_wire = {p["name"]: (m, p) for m, p in parameters(case.operation).items()}
    for name, text in (raw.query or {}).items():
        member, param = by_wire[name]
        value: Any = text
        if param["schema"].get("type") == "integer" and re.fullmatch(r"-?[0-9]+", text):
            value = int(text)
        request[member] = value
    if raw.body is not None:
        try:
            body = json.loads(raw.body)
        except ValueError:
            return None
        if not isinstance(body, dict):
            return None
        for name, value in body.items():
            request[by_wire[name][0]] = value
    elif doc.get("requestBody") is not None:
        pytest.fail(f"{case}: a body operation without a body")
    return request


def _wire_text(value: Any) -> str:
    """A value as JSON text: true and 1, 1.0 and 1 differ there."""
    return json.dumps(jsonable(value), sort_keys=True, default=repr)


def _check_case(case: InvalidCase, base: dict[str, Any], validators, serializer) -> None:
    operation = case.operation
    assert case.kind in invalid.KINDS
    params = parameters(operation)
    if case.kind == "malformed-body":
        assert case.parameter is None and case.raw is not None and case.request is None
        assert _request_of(case, base) is None, "a malformed body must not be a JSON object"
        assert case.expected == invalid.VALIDATION
        return
    assert case.parameter in params
    param = params[case.parameter]
    if case.kind in ("malformed-body", "unknown-query-value"):
        assert case.raw is not None
    if case.kind == "unknown-query-value":
        assert param["location"] == "querystring"
    request = _request_of(case, base)
    assert request is not None
    # Exactly one parameter differs from the base.
    changed = {
        m
        for m in set(request) | set(base)
        if _wire_text(request.get(m, invalid.ABSENT)) != _wire_text(base.get(m, invalid.ABSENT))
    }
    assert changed == {case.parameter}, (changed, case)
    # Path parameters: present, slash-free, never empty or a dot segment.
    if param["location"] == "uri":
        value = request[case.parameter]
        assert isinstance(value, str) and value.strip(".") and "/" not in value, case
    # Restoring the one parameter gives a valid request.
    restored = {k: v for k, v in request.items() if k != case.parameter}
    if case.parameter in base:
        restored[case.parameter] = base[case.parameter]
    _assert_valid(validators, operation, restored)
    errors = _errors(validators[operation], request)
    spec = param["schema"]
    if case.kind == "too-many-items" and len(request[case.parameter]) <= spec.get("maxItems", 0):
        # Within the shape, beyond the per-resource limit: the schema cannot see it.
        assert not errors
        assert len(request[case.parameter]) > valid.RESOURCE_TAG_LIMIT
        assert case.expected == invalid.TAG_COUNT
    else:
        assert errors, f"{case} passes the schema"
        for error in errors:
            path = list(error.absolute_path)
            if path:
                assert path[0] == case.parameter, (case, path, error.message)
            else:
                assert error.validator == "required" and repr(case.parameter) in error.message, error.message
    if case.kind == "pattern":
        value = request[case.parameter]
        if isinstance(value, str):
            assert not patterns.matches(spec["pattern"], value), case
    _no_trailing_newline(request)
    # Tag counts allow TooManyTagsException where the operation documents it; everything else Validation.
    if (
        case.kind == "too-many-items"
        and case.parameter == "tags"
        and "TooManyTagsException" in schemas.load(operation)["errors"]
    ):
        assert case.expected == invalid.TAG_COUNT
    else:
        assert case.expected == invalid.VALIDATION
    # A request case is put on the wire by botocore exactly as it stands.
    if case.request is not None:
        model, ser = serializer
        sent = ser.serialize_to_request(case.request, model.operation_model(operation))
        wanted = to_raw(operation, case.request)
        assert sent["method"] == wanted.method
        assert sent["url_path"] == wanted.path
        assert {k: str(v) for k, v in sent["query_string"].items()} == (wanted.query or {})
        if wanted.body is not None:
            assert json.loads(sent["body"] or b"{}") == json.loads(wanted.body), case


ALL_BASES = list(BASES.items()) + RICH_BASES


@pytest.mark.parametrize(
    "operation,base", ALL_BASES, ids=[f"{op}-{i}" for i, (op, _) in enumerate(ALL_BASES)]
)
def test_every_listed_case_breaks_exactly_its_parameter(operation, base, validators, serializer):
    _assert_valid(validators, operation, base)
    cases = invalid.all_cases(operation, base)
    assert cases
    for case in cases:
        _check_case(case, base, validators, serializer)
    assert len({c.description for c in cases}) == len(cases), "descriptions are distinct"
    assert invalid.all_cases(operation, base) == cases, "all_cases is deterministic"


@pytest.mark.parametrize("operation", schemas.operations())
@SETTINGS
@given(data=st.data())
def test_every_generated_case_breaks_exactly_its_parameter(operation, data, validators, serializer):
    base = BASES[operation]
    case = data.draw(invalid.requests(operation, base))
    _check_case(case, base, validators, serializer)


@pytest.mark.parametrize("operation,member", [(op, m) for op in schemas.operations() for m in parameters(op)])
@SETTINGS
@given(data=st.data())
def test_selection_by_parameter(operation, member, data, validators, serializer):
    base = BASES[operation]
    case = data.draw(invalid.requests(operation, base, parameter=member))
    assert case.parameter == member
    _check_case(case, base, validators, serializer)


def _applicable_kinds(operation: str, member: str) -> set[str]:
    param = parameters(operation)[member]
    spec, location = param["schema"], param["location"]
    kinds = set()
    if param["required"] and location != "uri":
        kinds.add("missing-required")
    if location == "body":
        kinds.add("wrong-type")
    if spec.get("format") == "date-time":
        return kinds | ({"unknown-query-value"} if location == "querystring" else set())
    if spec.get("minLength", 0) > 0:
        kinds.add("too-short")
    if "maxLength" in spec:
        kinds.add("too-long")
    if "minimum" in spec:
        kinds.add("below-minimum")
    if "maximum" in spec:
        kinds.add("above-maximum")
    if "enum" in spec:
        kinds.add("not-in-enum")
    elif "pattern" in spec:
        kinds.add("pattern")
    if "maxItems" in spec:
        kinds.add("too-many-items")
    if spec.get("type") == "integer" and location == "querystring":
        kinds.add("unknown-query-value")
    if spec.get("type") == "array":
        kinds |= _applicable_kinds_of_items(spec["items"])
    return kinds


def _applicable_kinds_of_items(spec: dict[str, Any]) -> set[str]:
    kinds = {"wrong-type"}
    for sub in [spec] if spec.get("type") != "object" else list(spec["properties"].values()):
        if sub.get("minLength", 0) > 0:
            kinds.add("too-short")
        if "maxLength" in sub:
            kinds.add("too-long")
        if "pattern" in sub:
            kinds.add("pattern")
    if spec.get("required"):
        kinds.add("missing-required")
    return kinds


@pytest.mark.parametrize("operation", schemas.operations())
def test_every_constrained_parameter_has_every_applicable_kind(operation):
    cases = invalid.all_cases(operation, BASES[operation])
    for member in parameters(operation):
        have = {c.kind for c in cases if c.parameter == member}
        assert have, f"{operation}.{member} has no invalid case"
        missing = _applicable_kinds(operation, member) - have
        assert not missing, f"{operation}.{member} lacks {sorted(missing)}"
        if "pattern" in have:
            assert len([c for c in cases if c.parameter == member and c.kind == "pattern"]) >= 2
    body_cases = [c for c in cases if c.kind == "malformed-body"]
    assert bool(body_cases) == (schemas.load(operation)["requestBody"] is not None)


def _body_members(spec: dict[str, Any], path: str) -> list[tuple[str, dict[str, Any]]]:
    """Every member of a body parameter's schema, nested ones included (list items, object properties)."""
    found = [(path, spec)]
    if spec.get("type") == "array":
        found += _body_members(spec.get("items", {}), f"{path}[0]")
    for name, sub in spec.get("properties", {}).items():
        found += _body_members(sub, f"{path}.{name}")
    return found


@pytest.mark.parametrize("operation", schemas.operations())
def test_wrong_json_types_come_from_every_member_shape(operation):
    """Every body integer, at any depth, gets "2", true, false and a fraction; every body list a JSON object
    (Smithy RestJsonBodyIntegerMalformedValueRejected): derived from the shapes, not from a list of members."""
    cases = invalid.all_cases(operation, BASES[operation], kinds=["wrong-type"])
    for member, param in parameters(operation).items():
        if param["location"] != "body":
            continue
        for path, spec in _body_members(param["schema"], member):
            sent = [c.description.split(": ", 1)[1] for c in cases if c.parameter == member and
                    c.description.startswith(f"{operation}.{path}: ")]
            if spec.get("type") == "integer":
                for wanted in ("a JSON string holding a number", "JSON true", "JSON false", "a fraction"):
                    assert any(text.startswith(wanted) for text in sent), (path, wanted, sent)
            if spec.get("type") == "array":
                assert any(text.startswith("a JSON object instead of a list") for text in sent), (path, sent)


def test_path_ids_are_slash_free_even_for_arn_bases():
    for operation in (
        "GetProvisionedModelThroughput",
        "UpdateProvisionedModelThroughput",
        "DeleteProvisionedModelThroughput",
    ):
        for base_id in (ARN, "bc-name", "x" * 63):
            cases = invalid.all_cases(
                operation, {"provisionedModelId": base_id}, parameter="provisionedModelId"
            )
            assert len(cases) >= 5
            for case in cases:
                value = case.request["provisionedModelId"] if case.request else None
                assert value and "/" not in value and value.strip(".")


def test_tag_count_cases():
    cases = invalid.all_cases(
        "CreateProvisionedModelThroughput",
        BASES["CreateProvisionedModelThroughput"],
        kinds=["too-many-items"],
    )
    counts = sorted(len(c.request["tags"]) for c in cases)
    shape_max = _spec("CreateProvisionedModelThroughput", "tags")["maxItems"]
    assert counts == [valid.RESOURCE_TAG_LIMIT + 1, shape_max + 1]
    assert all(c.expected == invalid.TAG_COUNT for c in cases)
    assert all(c.request["tags"][0] == RUN_TAG for c in cases), "the base tags are kept"
    untag = invalid.all_cases("UntagResource", BASES["UntagResource"], kinds=["too-many-items"])
    assert [len(c.request["tagKeys"]) for c in untag] == [_spec("UntagResource", "tagKeys")["maxItems"] + 1]
    assert all(c.expected == invalid.VALIDATION for c in untag)


def test_raw_cases_are_what_botocore_cannot_send():
    cases = invalid.all_cases("ListProvisionedModelThroughputs", {})
    raw_kinds = {c.kind for c in cases if c.raw is not None}
    assert raw_kinds == {"unknown-query-value"}
    create = invalid.all_cases("CreateProvisionedModelThroughput", BASES["CreateProvisionedModelThroughput"])
    raw = [c for c in create if c.raw is not None]
    assert {c.kind for c in raw} == {"malformed-body", "wrong-type"}
    assert all(c.parameter in (None, "tags") for c in raw)


def test_selection_errors_and_base_checks():
    with pytest.raises(ValueError):
        invalid.all_cases("CreateProvisionedModelThroughput", {"modelUnits": 1})
    with pytest.raises(ValueError):
        invalid.requests(
            "GetProvisionedModelThroughput", {"provisionedModelId": ARN}, kinds=["malformed-body"]
        )
    with pytest.raises(ValueError):
        invalid.all_cases("GetProvisionedModelThroughput", {"provisionedModelId": ARN, "nope": 1})


def test_invalid_case_is_frozen():
    case = invalid.all_cases("GetProvisionedModelThroughput", BASES["GetProvisionedModelThroughput"])[0]
    with pytest.raises(AttributeError):
        case.kind = "pattern"  # type: ignore[misc]
