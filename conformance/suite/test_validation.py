"""The REJECT clauses: every invalid request is refused with the documented error and changes nothing.

One test per clause: ``{OP}-REJECT-{parameter}`` for each parameter of each operation, plus
``{OP}-REJECT-MISSING-REQUIRED``, ``{OP}-REJECT-MALFORMED-BODY`` and ``CREATE-TOO-MANY-TAGS``. Each test
first sends every deterministic case of ``strategies.invalid.all_cases`` (each boundary, each distinct way
of breaking the constraint), then the generated ones of ``strategies.invalid.requests`` (example count from
the active profile). A case changes exactly one parameter of a valid base request: botocore-serialisable
cases go through the wire client (parameter validation off), the others as signed raw HTTP.

Update and the tagging operations work on a real Provisioned Throughput created once for this module, and their
deterministic cases also go to a well-formed ARN that does not exist: an invalid request on a missing resource
may be refused either way (ValidationException or ResourceNotFoundException; no source settles the order). Where
no Provisioned Throughput can be created (real AWS, a billable cap, a quota), a clause whose every answer was 404
is reported skipped with the reason, never passed. The invalid id/ARN cases cannot depend on existence.
SerializationException is accepted besides ValidationException where Smithy's protocol tests prescribe it (a
malformed body, a wrong JSON type, an unparseable query value). Anything an invalid request creates is tracked by
the target and deleted at cleanup.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from botocore import xform_name
from botocore.exceptions import ClientError
from hypothesis import given

import schemas
from conformance.catalogue import contract
from conformance.catalogue.clauses import (
    CATALOGUE,
    DESERIALIZATION_KINDS,
    OPERATION_KEYS,
    SERIALIZATION,
    ConformanceFailure,
    NotImplementedOutcome,
)
from conformance.targets import expect
from conformance.targets.target import BillableRefused, Target
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


@dataclass(frozen=True)
class Live:
    """The module's Provisioned Throughput for Update/tagging cases, or why there is none."""

    arn: str | None
    why_none: str = ""


@pytest.fixture(scope="module")
def live_arn(target: Target) -> Iterator[Live]:
    """A Provisioned Throughput of this run for the module's Update/tagging tests, or the reason none can be
    created (real AWS, a billable cap, a quota or a refused create): those tests then send their cases on a
    well-formed ARN that does not exist, where either refusal may come first (docs/contract.md, Protocol rules),
    and report skipped when the target only ever answered 404 there."""
    if target.settings.kind.billable:
        # Free clauses never buy anything on AWS, even with --allow-billable.
        yield Live(None, "free clauses create nothing on real AWS")
        return
    try:
        created = target.sdk.create_provisioned_model_throughput(
            modelUnits=1,
            provisionedModelName=target.new_name("validation"),
            modelId=target.settings.models[0],
            tags=[target.run_tag],
        )
    except BillableRefused as exc:
        yield Live(None, f"no Provisioned Throughput may be created: {exc}")
        return
    except ClientError as exc:
        error = exc.response.get("Error", {})
        yield Live(None, f"the create was refused: {error.get('Code')}: {error.get('Message')}")
        return
    except NotImplementedOutcome as exc:
        yield Live(None, f"the target does not implement Create: {exc.message}")
        return
    arn = created["provisionedModelArn"]
    yield Live(arn)
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


def _expected(target: Target, case: InvalidCase, *, on_missing: bool = False) -> tuple[str, ...]:
    """The codes that refuse ``case``: the case's own (ValidationException; TooManyTagsException for tag counts),
    SerializationException where the request cannot be deserialised (Smithy's malformedRequests tests), and
    ResourceNotFoundException where the case names a resource that does not exist (``on_missing``: which refusal
    comes first is unsettled) or an identifier that breaks its pattern."""
    expected = case.expected
    if case.kind in DESERIALIZATION_KINDS:
        expected = (*expected, SERIALIZATION)
    if on_missing:
        return (*expected, "ResourceNotFoundException")
    request = case.request or {}
    arn = request.get("resourceARN")
    shape_max = schemas.load(case.operation)["parameters"].get("tags", {}).get("schema", {}).get("maxItems", 0)
    if (case.kind == "too-many-items" and case.parameter == "tags" and arn and arn not in target.created
            and len(request.get("tags") or []) <= shape_max):
        # The 50-tags-per-resource limit counts a resource's tags: a shape-valid list on an ARN that does not
        # exist may be answered 404 first.
        return (*expected, "ResourceNotFoundException")
    if case.kind == "pattern" and case.parameter in IDENTIFIERS:
        # An identifier that breaks its pattern names nothing: a server may validate it (400) or just look it up
        # (404). Full-match pattern validation is inferred, not documented (docs/contract.md).
        return (*expected, "ResourceNotFoundException")
    return expected


IDENTIFIERS = frozenset({"provisionedModelId", "resourceARN"})


def send(target: Target, clause: str, case: InvalidCase, *, on_missing: bool = False) -> str:
    """Send one invalid case and require a refusal with one of its expected codes; returns the code."""
    codes = _expected(target, case, on_missing=on_missing)
    try:
        if case.request is not None:
            return expect.refused(
                target, clause, xform_name(case.operation), codes=codes, client=target.wire, **case.request
            )
        raw = case.raw
        assert raw is not None
        response = target.raw(case.operation, raw.method, raw.path, query=raw.query, body=raw.body)
        return expect.raw_refused(clause, response, codes)
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
            check=exc.check,
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
    live: Live | None = request.getfixturevalue("live_arn") if operation in NEEDS_LIVE else None
    # Where the base request names a resource, the deterministic cases also go to a well-formed ARN that does not
    # exist (an invalid request on a missing resource: ValidationException or 404, the order is unsettled). An
    # identifier's own cases do not depend on a resource.
    on_missing = live is not None and parameter not in IDENTIFIERS
    bases: list[tuple[Any, bool]] = []
    if live is None or live.arn is not None:
        bases.append((_base(target, operation, live.arn if live else None), False))
    if on_missing or (live is not None and live.arn is None):
        bases.append((_base(target, operation, contract.random_arn(target.settings.region, target.account_id)),
                      on_missing))
    sent: list[tuple[InvalidCase, bool]] = []  # (case, sent to a missing resource)
    for base, missing in bases:
        cases = invalid.all_cases(operation, base, parameter=parameter, kinds=kinds)
        assert cases, f"no invalid case for {clause}"
        sent += [(case, missing) for case in cases]
    deterministic = len(sent)

    base, missing = bases[0]

    # The generated cases are drawn first (the same seed draws the same cases), then every case is sent, up to
    # the target's concurrency at once; the first failure in this order is the verdict.
    @given(case=invalid.requests(operation, base, parameter=parameter, kinds=kinds))
    def generated(case: InvalidCase) -> None:
        sent.append((case, missing))

    generated()
    codes = target.gather(lambda case=case, missing=missing: send(target, clause, case, on_missing=missing)
                          for case, missing in sent)
    validated = sum(not missing or code != "ResourceNotFoundException"
                    for (_, missing), code in zip(sent[:deterministic], codes[:deterministic]))
    if bases[0][1] and not validated:
        assert live is not None
        pytest.skip(f"validation not observed: no Provisioned Throughput to name ({live.why_none}), and the target "
                    "answered ResourceNotFoundException on a missing one before validating")
