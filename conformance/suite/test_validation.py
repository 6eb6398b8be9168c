"""The REJECT clauses: every invalid request is refused with the documented error and changes nothing.

One test per clause: ``{OP}-REJECT-{parameter}`` for each parameter of each operation, plus
``{OP}-REJECT-MISSING-REQUIRED``, ``{OP}-REJECT-MALFORMED-BODY`` and ``CREATE-TOO-MANY-TAGS``. Each test
first sends every deterministic case of ``strategies.invalid.all_cases`` (each boundary, each distinct way
of breaking the constraint), then the generated ones of ``strategies.invalid.requests`` (example count from
the active profile). A case changes exactly one parameter of a valid base request: botocore-serialisable
cases go through the wire client (parameter validation off), the others as signed raw HTTP.

Update and the tagging operations work on a real Provisioned Throughput created once for this module (a server
may check that the resource exists before it validates the other parameters); the invalid id/ARN cases cannot
depend on existence. Anything an invalid request creates is tracked by the target and deleted at cleanup.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore import xform_name
from botocore.exceptions import ClientError
from hypothesis import given

import schemas
from conformance import contract, expect
from conformance.clauses import CATALOGUE, OPERATION_KEYS, ConformanceFailure, NotImplementedOutcome
from conformance.targets import BillableRefused, Target
from strategies import invalid
from strategies.invalid import InvalidCase
from strategies.valid import CREATE, DELETE, GET, LIST, LIST_TAGS, TAG, UNTAG, UPDATE

# Operations whose base request names a live Provisioned Throughput.
NEEDS_LIVE = (UPDATE, TAG, UNTAG, LIST_TAGS)
VALIDATION_TAG = {"key": "bc-validation", "value": "x"}

# Which kinds each clause covers; "REJECT-<param>" takes the remaining kinds of that parameter.
MISSING = ("missing-required",)
BODY = ("malformed-body",)
TAG_COUNT = ("too-many-items",)
PARAMETER_KINDS = tuple(k for k in invalid.KINDS if k not in MISSING + BODY)


def _rows() -> list[Any]:
    rows = []
    for operation in schemas.operations():
        key = OPERATION_KEYS[operation]
        doc = schemas.load(operation)
        for member in doc["parameters"]:
            kinds = PARAMETER_KINDS
            if operation == CREATE and member == "tags":
                kinds = tuple(k for k in kinds if k not in TAG_COUNT)
                rows.append(("CREATE-TOO-MANY-TAGS", operation, member, TAG_COUNT))
            rows.append((f"{key}-REJECT-{member}", operation, member, kinds))
        if any(p["required"] and p["location"] != "uri" for p in doc["parameters"].values()):
            rows.append((f"{key}-REJECT-MISSING-REQUIRED", operation, None, MISSING))
        if doc["requestBody"] is not None:
            rows.append((f"{key}-REJECT-MALFORMED-BODY", operation, None, BODY))
    unknown = [row[0] for row in rows if row[0] not in CATALOGUE]
    assert not unknown, f"clauses missing from the catalogue: {unknown}"
    return [
        pytest.param(clause, operation, member, kinds, marks=pytest.mark.clause(clause), id=clause)
        for clause, operation, member, kinds in rows
    ]


@pytest.fixture(scope="module")
def live_arn(target: Target) -> Iterator[str]:
    """A Provisioned Throughput of this run for the module's Update/tagging tests; a well-formed ARN that does
    not exist where none can be created (real AWS without --allow-billable, a refused or missing create)."""
    if target.settings.is_aws:
        # Free clauses never buy anything on AWS, even with --allow-billable: validation comes first there.
        yield contract.random_arn(target.settings.region, target.account_id)
        return
    try:
        created = target.sdk.create_provisioned_model_throughput(
            modelUnits=1,
            provisionedModelName=target.new_name("validation"),
            modelId=target.settings.models[0],
            tags=[target.run_tag],
        )
    except (BillableRefused, ClientError, NotImplementedOutcome):
        # Validation comes before existence where nothing can be created (the Create clauses report why).
        yield contract.random_arn(target.settings.region, target.account_id)
        return
    arn = created["provisionedModelArn"]
    yield arn
    try:
        target.sdk.delete_provisioned_model_throughput(provisionedModelId=arn)
        target.forget(arn)
    except ClientError:
        pass  # still tracked: the target's cleanup tries again


def _base(target: Target, operation: str, live: str | None) -> dict[str, Any]:
    missing = contract.random_arn(target.settings.region, target.account_id)
    return {
        CREATE: lambda: {
            "modelUnits": 1,
            "provisionedModelName": target.new_name("invalid"),
            "modelId": target.settings.models[0],
            "tags": [target.run_tag],
        },
        GET: lambda: {"provisionedModelId": missing},
        LIST: dict,
        # A valid rename: with the id alone, "specify a new name or model" could pass for a refusal of the id.
        UPDATE: lambda: {
            "provisionedModelId": live,
            "desiredProvisionedModelName": target.new_name("renamed"),
        },
        DELETE: lambda: {"provisionedModelId": missing},
        TAG: lambda: {"resourceARN": live, "tags": [dict(VALIDATION_TAG)]},
        UNTAG: lambda: {"resourceARN": live, "tagKeys": [VALIDATION_TAG["key"]]},
        LIST_TAGS: lambda: {"resourceARN": live},
    }[operation]()


def _expected(target: Target, case: InvalidCase) -> tuple[str, ...]:
    """The 50-tags-per-resource limit counts a resource's tags: on an ARN that does not exist (real AWS, where the
    free run creates nothing) a shape-valid tag list may be answered 404 first."""
    request = case.request or {}
    arn = request.get("resourceARN")
    shape_max = schemas.load(case.operation)["parameters"].get("tags", {}).get("schema", {}).get("maxItems", 0)
    if (case.kind == "too-many-items" and case.parameter == "tags" and arn and arn not in target.created
            and len(request.get("tags") or []) <= shape_max):
        return (*case.expected, "ResourceNotFoundException")
    if case.kind == "pattern" and case.parameter in IDENTIFIERS:
        # An identifier that breaks its pattern names nothing: a server may validate it (400) or just look it up
        # (404). Full-match pattern validation is inferred, not documented (docs/contract.md).
        return (*case.expected, "ResourceNotFoundException")
    return case.expected


IDENTIFIERS = frozenset({"provisionedModelId", "resourceARN"})


def send(target: Target, clause: str, case: InvalidCase) -> str:
    """Send one invalid case and require a refusal with one of ``case.expected``; returns the code."""
    try:
        if case.request is not None:
            return expect.refused(
                target, clause, xform_name(case.operation), _expected(target, case), client=target.wire,
                **case.request
            )
        raw = case.raw
        assert raw is not None
        response = target.raw(case.operation, raw.method, raw.path, query=raw.query, body=raw.body)
        return expect.raw_refused(clause, response, _expected(target, case))
    except BillableRefused as exc:
        pytest.skip(f"not sent to real AWS: {exc}")
    except ConformanceFailure as exc:
        if exc.clause_id != clause:
            raise  # a wire clause of the response, already described
        raise ConformanceFailure(
            clause,
            f"{case.description} ({case.kind}): {exc.message}",
            request=exc.request,
            response=exc.response,
            schema_path=exc.schema_path,
        ) from None


@pytest.mark.parametrize("clause,operation,parameter,kinds", _rows())
def test_rejects_invalid(
    target: Target,
    request: pytest.FixtureRequest,
    clause: str,
    operation: str,
    parameter: str | None,
    kinds: tuple[str, ...],
) -> None:
    live = request.getfixturevalue("live_arn") if operation in NEEDS_LIVE else None
    base = _base(target, operation, live)
    cases = invalid.all_cases(operation, base, parameter=parameter, kinds=kinds)
    assert cases, f"no invalid case for {clause}"
    for case in cases:
        send(target, clause, case)

    @given(case=invalid.requests(operation, base, parameter=parameter, kinds=kinds))
    def generated(case: InvalidCase) -> None:
        send(target, clause, case)

    generated()
