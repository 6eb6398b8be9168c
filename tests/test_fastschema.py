"""The checker's compiled fast path never accepts what jsonschema rejects, and takes the common valid answers."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

import schemas
from conformance.checker.checks import parse_timestamp
from conformance.checker.fastschema import compile_schema

ARN = "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abcdefghijkl"
FM = "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1:0:8k"
WHEN = "2023-10-02T12:00:00Z"
SUMMARY = {"provisionedModelName": "pt-1", "provisionedModelArn": ARN, "modelArn": FM, "desiredModelArn": FM,
           "foundationModelArn": FM, "modelUnits": 1, "desiredModelUnits": 1, "status": "InService",
           "creationTime": WHEN, "lastModifiedTime": WHEN}
VALID = {
    "CreateProvisionedModelThroughput": {"provisionedModelArn": ARN},
    "GetProvisionedModelThroughput": SUMMARY,
    "ListProvisionedModelThroughputs": {"provisionedModelSummaries": [SUMMARY, SUMMARY], "nextToken": "t0"},
    "UpdateProvisionedModelThroughput": {},
    "DeleteProvisionedModelThroughput": {},
    "TagResource": {},
    "UntagResource": {},
    "ListTagsForResource": {"tags": [{"key": "k", "value": "v"}]},
}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=False) | st.sampled_from(
        ["", "x", "InService", "Bogus", WHEN, "2023-10-02 12:00:00", "1696248000", ARN, ARN.upper(), "a" * 70]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["key", "value", "x"]), inner,
                                                                  max_size=3),
    max_leaves=6)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, member in value.items():
            yield from _paths(member, prefix + (key,))
    elif isinstance(value, list):
        for index, member in enumerate(value):
            yield from _paths(member, prefix + (index,))


def _mutate(document, path, new, drop):
    document = copy.deepcopy(document)
    if not path:
        return new
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    if drop and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = new
    return document


def test_valid_answers_take_the_fast_path():
    for operation, document in VALID.items():
        schema = schemas.load(operation)["response"]
        assert Draft202012Validator(schema).is_valid(document), operation
        assert compile_schema(schema)(document), operation


@settings(max_examples=400, deadline=None)
@given(operation=st.sampled_from(sorted(VALID)), data=st.data(), new=json_values, drop=st.booleans())
def test_fast_path_is_never_laxer_than_jsonschema(operation, data, new, drop):
    schema = schemas.load(operation)["response"]
    paths = list(_paths(VALID[operation]))
    document = _mutate(VALID[operation], data.draw(st.sampled_from(paths)), new, drop)
    if compile_schema(schema)(document):
        assert Draft202012Validator(schema).is_valid(document), document


def test_a_null_reads_as_absent_for_optional_members_only():
    """schemas.generate.absent_as_null: both the fast path and jsonschema take a null for an optional member and
    refuse one for a required member, at every level (a List summary, a tag)."""
    for operation, document in VALID.items():
        schema = schemas.load(operation)["response"]
        fast, slow = compile_schema(schema), Draft202012Validator(schema)
        for path in _paths(document):
            if not path or isinstance(path[-1], int):
                continue
            parent = schema
            for step in path[:-1]:
                parent = parent["items"] if isinstance(step, int) else parent["properties"][step]
            nulled = _mutate(document, path, None, False)
            optional = path[-1] not in parent.get("required", ())
            assert fast(nulled) is optional and slow.is_valid(nulled) is optional, (operation, path)


def test_a_type_list_takes_any_of_its_types():
    predicate = compile_schema({"type": ["string", "null"], "enum": ["a", None]})
    assert predicate("a") and predicate(None) and not predicate("b") and not predicate(1)
    assert not compile_schema({"type": []})(None)


def test_fast_path_refuses_what_it_does_not_understand():
    assert not compile_schema({"type": "object", "additionalProperties": False})({})
    assert not compile_schema({"type": "integer"})(1.0)  # jsonschema decides (it accepts 1.0)
    assert not compile_schema({"type": "integer"})(True)


def test_timestamp_fast_path_agrees_with_botocore():
    from botocore.utils import parse_timestamp as botocore_parse

    for value in (WHEN, "2023-10-02T12:00:00.123Z", "2023-10-02T12:00:00.1234567Z", "2023-10-02T14:00:00+02:00",
                  1696248000, "1696248000", "Mon, 02 Oct 2023 12:00:00 GMT"):
        assert parse_timestamp(value) == botocore_parse(value), value
