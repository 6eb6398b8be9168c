"""Clauses from the public evidence of real AWS runs (issue 24; docs/aws.md, "A first real run"): tags with an empty
value, tag keys that differ in case, the reserved aws: prefix (unsettled: every answer the sources allow), a rename
that keeps the ARN, and a quota refusal that creates nothing. Fixed walks of the lifecycle machine's own actions; on
a billable AWS run the walk adopts the plan's PT 1 (conformance.targets.aws.SCHEDULE)."""

from __future__ import annotations

import pytest

from conformance.catalogue import contract
from conformance.drivers import stateful
from conformance.drivers.plan import PT1_TAGS
from conformance.drivers.stateful import LifecycleMachine, Record

# More model units than any account holds without asking: refused by a quota, where the target has one.
QUOTA_PROBE_UNITS = 100_000


@pytest.mark.clause("TAG-EMPTY-VALUE", "TAG-KEY-CASE", "TAG-RESERVED-PREFIX", "UPDATE-RENAME-KEEPS-ARN")
def test_evidence_walk(target):
    def script(m: LifecycleMachine):
        made: list[Record] = []
        given = contract.tag_dict(list(PT1_TAGS))
        yield lambda: made.append(m.shared_or_new("pt1", "TAG-EMPTY-VALUE", tags=given, word="evi"))
        live = lambda: made[0] if made and m.alive(made[0]) else None  # noqa: E731
        yield lambda: live() and m.settle(live())
        yield lambda: live() and m.do_tag_empty_value(live())
        yield lambda: live() and m.do_tag_key_case(live())
        yield lambda: live() and m.do_tag_reserved_prefix(live())
        yield lambda: live() and m.do_rename_keeps_arn(live())
        yield lambda: live() and m.settle(live())

    stateful.walk(LifecycleMachine, target, script)


@pytest.mark.clause("CREATE-QUOTA-REFUSAL")
def test_quota_refusal_creates_nothing(target):
    if target.settings.kind.billable:
        pytest.skip("a create past the quota is never sent to AWS (modelUnits is capped at 1); on a billable run "
                    "the plan's first create judges it when the quota refuses it")

    judged: list[bool] = []

    def script(m: LifecycleMachine):
        yield lambda: judged.append(m.do_quota_probe(QUOTA_PROBE_UNITS))

    stateful.walk(LifecycleMachine, target, script)
    if not any(judged):
        pytest.skip(f"not judged: the target has no quota that refuses {QUOTA_PROBE_UNITS} model units (it "
                    "accepted them, or refused otherwise)")


@pytest.mark.clause("DELETE-FAILED")
def test_failed_pt_walk(target):
    failing = target.settings.failing_models
    if not failing:
        pytest.skip("the target settings name no model whose create ends Failed (failing_models)")
    judged: list[bool] = []

    def script(m: LifecycleMachine):
        yield lambda: judged.append(m.do_failed_lifecycle(failing[0]))

    stateful.walk(LifecycleMachine, target, script)
    if not any(judged):
        pytest.skip(f"not judged: a create of {failing[0]} did not end Failed")
