"""Deterministic lifecycle walks: one short, fixed sequence per behaviour, so that every profile (quick included)
checks each lifecycle clause at least once. The stateful machines (test_stateful.py) explore random sequences.

Each walk is a fixed sequence of the machines' own actions (``conformance.stateful.walk``): one implementation per
clause, the same verdicts, and the same reproducer and blocking as a random run.

On a billable AWS run the walks the plan carries (conformance.aws.SCHEDULE) take the plan's shared Provisioned
Throughputs instead of creating their own: those are the ``_planned_*`` bodies below.
"""

from __future__ import annotations

import time

import pytest

from conformance import contract, stateful
from conformance.expect import (
    attempt,
    check,
    create_pt,
    documented_4xx,
    list_all,
    ok,
    planned_or_new,
    refused,
    tags_of,
    wait_settled,
)
from conformance.plan import PT1_TAGS
from conformance.stateful import CommitmentMachine, CustomModelMachine, LifecycleMachine

NOT_FOUND = ("ResourceNotFoundException",)
CREATE, UPDATE, DELETE = ("CreateProvisionedModelThroughput", "UpdateProvisionedModelThroughput",
                          "DeleteProvisionedModelThroughput")


def _get(target, clause, ident):
    return ok(target, clause, "get_provisioned_model_throughput", provisionedModelId=ident)


def _nothing_named(target, clause, name, what) -> None:
    refused(target, clause, "get_provisioned_model_throughput", NOT_FOUND, client=target.sdk,
            provisionedModelId=name)
    listed = [s for s in list_all(target, clause, nameContains=name) if s.get("provisionedModelName") == name]
    check(not listed, clause, f"{what} still created {name}", target)


def _wait_past(timestamp) -> None:
    """Sleep until the wall clock is safely past a server timestamp, so the next change must be later."""
    remaining = contract.parse_time(timestamp).timestamp() + 1.05 - time.time()
    if remaining > 0:
        time.sleep(min(remaining, 1.1))


@pytest.mark.clause("UPDATE-RENAME", "UPDATE-TIMESTAMPS", "UPDATE-IMMUTABLE", "UPDATE-RENAME-DUPLICATE",
                    "UPDATE-DESIRED-MODEL-BASE", "UPDATE-EMPTY")
def test_update_walk(target):
    if target.plan is not None:  # AWS: the plan's PT 1 and PT 2 (conformance.aws.SCHEDULE)
        return _planned_update_walk(target)

    def script(m: LifecycleMachine):
        made = []
        yield lambda: made.append(m.do_create(0, False, 1, {}, False, "upd"))
        yield lambda: made.append(m.do_create(0, False, 1, {}, False, "oth"))
        first = lambda: made[0] if made and made[0].arn in m.records else None
        second = lambda: made[1] if len(made) > 1 and made[1].arn in m.records else None
        yield lambda: [m.settle(r) for r in (first(), second()) if r]
        yield lambda: first() and second() and m.do_rename_onto_live_name(first(), second(), False)
        yield lambda: first() and m.do_desired_model_on_base(first(), 0, False, False)
        yield lambda: first() and m.do_rename(first(), False, "ren")
        yield lambda: first() and m.settle(first())
        yield lambda: first() and m.do_update_nothing(first(), False)
        yield lambda: first() and m.settle(first())

    stateful.walk(LifecycleMachine, target, script)


@pytest.mark.clause("UPDATE-DESIRED-MODEL-CUSTOM", "CREATE-FOUNDATION-ARN", "CREATE-RECORD-FIELDS")
def test_custom_model_walk(target):
    if not target.custom_models:
        pytest.skip("the target settings name no custom models (custom_models)")

    def script(m: CustomModelMachine):
        made = []
        yield lambda: made.append(m.do_create(0, False, 1, {}, False, "cus"))
        live = lambda: made[0] if made and made[0].arn in m.records else None
        yield lambda: live() and m.settle(live())
        yield lambda: live() and m.do_desired_model_custom(live(), 0, False)
        yield lambda: live() and m.settle(live())

    stateful.walk(CustomModelMachine, target, script)


@pytest.mark.clause("CREATE-IDEMPOTENT")
def test_idempotency(target):
    if target.plan is not None:  # AWS: the retry of PT 2's own create (conformance.aws.SCHEDULE)
        return _planned_idempotency(target)

    def script(m: LifecycleMachine):
        made = []
        yield lambda: made.append(m.do_create(0, False, 1, {}, True, "idem"))
        live = lambda: made[0] if made and made[0].arn in m.records else None
        yield lambda: live() and m.do_retry(live())

    stateful.walk(LifecycleMachine, target, script)


@pytest.mark.clause("CREATE-NAME-UNIQUE", "CREATE-UNKNOWN-MODEL")
def test_uniqueness_and_unknown_model(target):
    if target.plan is not None:  # AWS: a create onto PT 1's live name (conformance.aws.SCHEDULE)
        return _planned_uniqueness_and_unknown_model(target)

    def script(m: LifecycleMachine):
        made = []
        yield lambda: made.append(m.do_create(0, False, 1, {}, False, "uniq"))
        live = lambda: made[0] if made and made[0].arn in m.records else None
        yield lambda: live() and m.do_create_with_live_name(live(), 0, False)
        yield m.do_create_unknown_model

    stateful.walk(LifecycleMachine, target, script)


@pytest.mark.clause("CREATE-TAGS", "TAG-ADD", "UNTAG-REMOVE", "TAG-LIMIT", "CREATE-TOO-MANY-TAGS", "DELETE-GONE")
def test_tags_walk(target):
    if target.plan is not None:  # AWS: the plan's PT 1, created with PT1_TAGS (conformance.aws.SCHEDULE)
        return _planned_tags_walk(target)

    def script(m: LifecycleMachine):
        made = []
        yield lambda: made.append(m.do_create(0, False, 1, {"team": "conformance", "empty": ""}, False, "tag"))
        live = lambda: made[0] if made and made[0].arn in m.records else None
        yield lambda: live() and m.do_tag(live(), {"team": "other", "added": "1"})
        yield lambda: live() and m.do_untag(live(), ["added"])
        yield lambda: live() and m.do_untag(live(), ["never-there"])  # absent key: ignored or refused
        yield lambda: live() and m.do_fill_tags(live(), 1)
        yield m.do_create_too_many_tags
        yield lambda: live() and m.settle(live())  # open question 5: a delete while Creating may be refused
        yield lambda: live() and m.do_delete(live(), True)

    stateful.walk(LifecycleMachine, target, script)


@pytest.mark.clause("CREATE-COMMITMENT", "DELETE-COMMITMENT-REFUSED")
def test_commitment_walk(target):
    def script(m: CommitmentMachine):
        made = []
        yield lambda: made.append(m.do_create_committed(0, False, contract.COMMITMENTS[0], False))
        yield lambda: made and made[0].arn in m.records and m.do_delete(made[0], False)

    stateful.walk(CommitmentMachine, target, script)


# -- billable AWS runs: the same clauses on the plan's shared Provisioned Throughputs ------------------------


def _planned_update_walk(target):
    name, arn = planned_or_new(target, "pt1", "UPDATE-RENAME", hint="upd")
    other, other_arn = planned_or_new(target, "pt2", "UPDATE-RENAME", hint="oth")
    before = wait_settled(target, "UPDATE-RENAME", arn)
    wait_settled(target, "UPDATE-RENAME", other_arn)

    refused(target, "UPDATE-RENAME-DUPLICATE", "update_provisioned_model_throughput", documented_4xx(UPDATE),
            client=target.sdk, provisionedModelId=arn, desiredProvisionedModelName=other)
    check(_get(target, "UPDATE-RENAME-DUPLICATE", arn)["provisionedModelName"] == name,
          "UPDATE-RENAME-DUPLICATE", "a refused rename changed the name", target)

    base_model = target.settings.models[-1]
    refused(target, "UPDATE-DESIRED-MODEL-BASE", "update_provisioned_model_throughput", documented_4xx(UPDATE),
            client=target.sdk, provisionedModelId=arn, desiredModelId=base_model)
    kept = _get(target, "UPDATE-DESIRED-MODEL-BASE", arn)
    for member in ("desiredModelArn", "modelArn", "status"):
        check(kept.get(member) == before.get(member), "UPDATE-DESIRED-MODEL-BASE",
              f"a refused model change moved {member} from {before.get(member)!r} to {kept.get(member)!r}", target)

    _wait_past(before["lastModifiedTime"])
    new_name = target.new_name("ren")
    ok(target, "UPDATE-RENAME", "update_provisioned_model_throughput", provisionedModelId=arn,
       desiredProvisionedModelName=new_name)
    after = wait_settled(target, "UPDATE-RENAME", arn)
    check(after["provisionedModelName"] == new_name, "UPDATE-RENAME",
          f"after the rename Get by ARN says {after['provisionedModelName']!r}, not {new_name!r}", target)
    check(_get(target, "UPDATE-RENAME", new_name)["provisionedModelArn"] == arn, "UPDATE-RENAME",
          "the new name does not resolve to the renamed resource", target)
    refused(target, "UPDATE-RENAME", "get_provisioned_model_throughput", NOT_FOUND, client=target.sdk,
            provisionedModelId=name)
    listed = {s["provisionedModelArn"]: s["provisionedModelName"]
              for s in list_all(target, "UPDATE-RENAME", nameContains=target.run_prefix)}
    check(listed.get(arn) == new_name, "UPDATE-RENAME",
          f"List shows {listed.get(arn)!r} for the renamed resource, not {new_name!r}", target)

    check(contract.parse_time(after["creationTime"]) == contract.parse_time(before["creationTime"]),
          "UPDATE-TIMESTAMPS", f"creationTime changed from {before['creationTime']} to {after['creationTime']}",
          target)
    check(contract.parse_time(after["lastModifiedTime"]) > contract.parse_time(before["lastModifiedTime"]),
          "UPDATE-TIMESTAMPS", f"lastModifiedTime did not advance ({before['lastModifiedTime']} -> "
          f"{after['lastModifiedTime']}) although the rename came more than a second later", target)
    for member in ("modelUnits", "desiredModelUnits", "commitmentDuration", "commitmentExpirationTime",
                   "modelArn", "foundationModelArn"):
        check(after.get(member) == before.get(member), "UPDATE-IMMUTABLE",
              f"{member} changed from {before.get(member)!r} to {after.get(member)!r} on a rename", target)

    attempt(target, "UPDATE-EMPTY", "update_provisioned_model_throughput", documented_4xx(UPDATE),
            provisionedModelId=arn)  # success or a refusal: the contract does not say
    unchanged = wait_settled(target, "UPDATE-EMPTY", arn)
    check(unchanged["provisionedModelName"] == new_name and unchanged["modelArn"] == after["modelArn"]
          and unchanged["desiredModelArn"] == after["desiredModelArn"],
          "UPDATE-EMPTY", "an update naming nothing changed the record", target)


def _planned_idempotency(target):
    if target.plan is not None:  # AWS: the retry of PT 2's own create (conformance.aws.SCHEDULE)
        entry = target.plan.take("pt2", "CREATE-IDEMPOTENT", settle=False)
        name, params, first = entry.name, entry.params, entry.created
    else:
        token = f"tok{target.run_id}{int(time.time() * 1000)}"
        name = target.new_name("idem")
        params = dict(modelUnits=1, provisionedModelName=name, modelId=target.settings.models[0],
                      clientRequestToken=token, tags=[target.run_tag])
        first = ok(target, "CREATE-IDEMPOTENT", "create_provisioned_model_throughput", **params)
    again = ok(target, "CREATE-IDEMPOTENT", "create_provisioned_model_throughput", **params)
    check(first["provisionedModelArn"] == again["provisionedModelArn"], "CREATE-IDEMPOTENT",
          f"a retry with the same clientRequestToken returned {again['provisionedModelArn']}, not "
          f"{first['provisionedModelArn']}", target)
    listed = list_all(target, "CREATE-IDEMPOTENT", nameContains=name)
    check(len([s for s in listed if s["provisionedModelName"] == name]) == 1, "CREATE-IDEMPOTENT",
          f"{len(listed)} records named {name} after an idempotent retry", target)


def _planned_uniqueness_and_unknown_model(target):
    name, _ = planned_or_new(target, "pt1", "CREATE-NAME-UNIQUE", hint="uniq")
    refused(target, "CREATE-NAME-UNIQUE", "create_provisioned_model_throughput", documented_4xx(CREATE),
            client=target.sdk, modelUnits=1, provisionedModelName=name, modelId=target.settings.models[0],
            tags=[target.run_tag])
    listed = list_all(target, "CREATE-NAME-UNIQUE", nameContains=name)
    check(len([s for s in listed if s["provisionedModelName"] == name]) == 1, "CREATE-NAME-UNIQUE",
          "a create with a live name created a second record", target)

    missing_model = "amazon.no-such-model-v9:0:1k"
    nomodel = target.new_name("nomodel")
    refused(target, "CREATE-UNKNOWN-MODEL", "create_provisioned_model_throughput", documented_4xx(CREATE),
            client=target.sdk, modelUnits=1, provisionedModelName=nomodel, modelId=missing_model,
            tags=[target.run_tag])
    _nothing_named(target, "CREATE-UNKNOWN-MODEL", nomodel, "a create refused for an unknown model")


def _planned_tags_walk(target):
    given = [dict(tag) for tag in PT1_TAGS]  # on AWS the plan created PT 1 with these
    name, arn = planned_or_new(target, "pt1", "CREATE-TAGS", hint="tag", tags=given)
    expected = {target.run_tag["key"]: target.run_tag["value"], "team": "conformance", "empty": ""}
    check(tags_of(target, "CREATE-TAGS", arn) == expected, "CREATE-TAGS",
          f"ListTagsForResource after create: {tags_of(target, 'CREATE-TAGS', arn)}; expected {expected}", target)

    ok(target, "TAG-ADD", "tag_resource", resourceARN=arn,
       tags=[{"key": "team", "value": "other"}, {"key": "added", "value": "1"}])
    expected.update(team="other", added="1")
    got = tags_of(target, "TAG-ADD", arn)
    check(got == expected, "TAG-ADD", f"tags after TagResource: {got}; expected {expected}", target)

    ok(target, "UNTAG-REMOVE", "untag_resource", resourceARN=arn, tagKeys=["added"])
    expected.pop("added")
    got = tags_of(target, "UNTAG-REMOVE", arn)
    check(got == expected, "UNTAG-REMOVE", f"tags after UntagResource: {got}; expected {expected}", target)
    # a key the resource does not have: ignored or refused (no source says), never a change to other tags
    attempt(target, "UNTAG-REMOVE", "untag_resource", ("ValidationException",), resourceARN=arn,
            tagKeys=["never-there"])
    got = tags_of(target, "UNTAG-REMOVE", arn)
    check(got == expected, "UNTAG-REMOVE", f"tags after untagging an absent key: {got}; expected {expected}",
          target)

    room = contract.MAX_TAGS - len(expected)
    fill = [{"key": f"fill{i}", "value": "x"} for i in range(room)]
    ok(target, "TAG-LIMIT", "tag_resource", resourceARN=arn, tags=fill)
    refused(target, "TAG-LIMIT", "tag_resource", ("TooManyTagsException",), client=target.sdk, resourceARN=arn,
            tags=[{"key": "one-too-many", "value": "x"}])
    got = tags_of(target, "TAG-LIMIT", arn)
    check(len(got) == contract.MAX_TAGS and "one-too-many" not in got, "TAG-LIMIT",
          f"a refused 51st tag changed the tags ({len(got)} now)", target)

    many = target.new_name("many")
    refused(target, "CREATE-TOO-MANY-TAGS", "create_provisioned_model_throughput",
            ("TooManyTagsException", "ValidationException"), client=target.sdk, modelUnits=1,
            provisionedModelName=many, modelId=target.settings.models[0],
            tags=[target.run_tag] + [{"key": f"k{i}", "value": "v"} for i in range(contract.MAX_TAGS)])
    _nothing_named(target, "CREATE-TOO-MANY-TAGS", many, "a create refused for too many tags")

    wait_settled(target, "DELETE-GONE", arn)  # open question 5: a delete while Creating may be refused
    ok(target, "DELETE-GONE", "delete_provisioned_model_throughput", provisionedModelId=name)
    for operation, extra in (("list_tags_for_resource", {}), ("tag_resource", {"tags": [{"key": "a", "value": "b"}]}),
                             ("untag_resource", {"tagKeys": ["team"]})):
        refused(target, "DELETE-GONE", operation, NOT_FOUND, client=target.sdk, resourceARN=arn, **extra)
    for operation, extra in (("update_provisioned_model_throughput", {"desiredProvisionedModelName": "x1"}),
                             ("delete_provisioned_model_throughput", {})):
        refused(target, "DELETE-GONE", operation, NOT_FOUND, client=target.sdk, provisionedModelId=arn, **extra)
