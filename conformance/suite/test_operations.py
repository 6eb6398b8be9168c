"""Per-operation clauses: documented success, unknown ids, and one create-to-delete walk.

The wire checker checks the status, content type and shape of every response these tests receive.
"""

from __future__ import annotations

import functools
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.catalogue import contract
from conformance.drivers import stateful
from conformance.targets import expect
from conformance.targets.expect import check, ok, refused
from strategies import valid

# its tests need only the target: they run side by side with the others (conformance.session.sidebyside)
SIDE_BY_SIDE = True

NOT_FOUND = ("ResourceNotFoundException",)


@pytest.mark.clause("LIST-ANSWERS")
def test_list_answers(target):
    page = ok(target, "LIST-ANSWERS", "list_provisioned_model_throughputs")
    check(isinstance(page.get("provisionedModelSummaries", []), list), "LIST-ANSWERS",
          "provisionedModelSummaries is not a list", target=target)


def _cases(*rows):
    return [pytest.param(op, clause, extra, marks=pytest.mark.clause(clause), id=clause) for op, clause, extra in rows]


@pytest.mark.parametrize("operation,clause,extra", _cases(
    ("get_provisioned_model_throughput", "GET-UNKNOWN-404", {}),
    ("update_provisioned_model_throughput", "UPDATE-UNKNOWN-404", {"desiredProvisionedModelName": "x1"}),
    ("delete_provisioned_model_throughput", "DELETE-UNKNOWN-404", {}),
))
@pytest.mark.parametrize("form", ["name", "arn"])
def test_unknown_id_is_404(target, operation, clause, extra, form):
    missing = (target.new_name("missing") if form == "name"
               else contract.random_arn(target.settings.region, target.account_id))
    codes = NOT_FOUND if form == "name" else _not_found_for_arn(target)
    refused(target, clause, operation, codes=codes, client=target.sdk, provisionedModelId=missing, **extra)


def _not_found_for_arn(target) -> tuple[str, ...]:
    """An unknown ARN of the target's own account is 404. While the account is not known (a URL target without
    account_id, before any create showed it) the probe's ARN may name another account, and AccessDenied is what
    AWS answers for another account's resource."""
    return NOT_FOUND if target.account_id else NOT_FOUND + ("AccessDeniedException",)


@pytest.mark.parametrize("operation,clause,extra", _cases(
    ("tag_resource", "TAG-UNKNOWN-404", {"tags": [{"key": "k", "value": "v"}]}),
    ("untag_resource", "UNTAG-UNKNOWN-404", {"tagKeys": ["k"]}),
    ("list_tags_for_resource", "LISTTAGS-UNKNOWN-404", {}),
))
def test_tagging_unknown_arn_is_404(target, operation, clause, extra):
    missing = contract.random_arn(target.settings.region, target.account_id)
    refused(target, clause, operation, codes=_not_found_for_arn(target), client=target.sdk,
            resourceARN=missing, **extra)


@pytest.mark.clause("CREATE-ACCEPTS-VALID", "CREATE-ARN-FORMAT", "GET-BY-NAME-AND-ARN", "CREATE-RECORD-FIELDS",
                    "CREATE-FOUNDATION-ARN", "CREATE-LIFECYCLE", "CREATE-TIMESTAMPS", "DELETE-GONE")
def test_create_get_delete(target):
    """One create-to-delete walk: the lifecycle machine's own create (Get by name and by ARN, the record
    against the request), settle and delete (nothing answers for it afterwards) actions, in a fixed order. On
    a billable AWS run the first step adopts the plan's PT 2 instead and judges it as its create
    (conformance.targets.aws.SCHEDULE); the steps after it are the same on every target."""

    def script(m: stateful.LifecycleMachine):
        made = []
        yield lambda: made.append(m.shared_or_new("pt2", "CREATE-ACCEPTS-VALID", word="walk", settle=False,
                                                  judge=True))
        yield lambda: made and m.alive(made[0]) and m.settle(made[0])
        yield lambda: made and m.alive(made[0]) and m.do_delete(made[0])

    stateful.walk(stateful.LifecycleMachine, target, script)


def _boundary_create(target, stamp: str) -> dict:
    """The longest valid create: a 63-character name, a 256-character token and 50 tags of maximum lengths."""
    schema = valid.schema(valid.CREATE, "tags")["items"]["properties"]
    key_max, value_max = schema["key"]["maxLength"], schema["value"]["maxLength"]
    name = target.new_name("max")
    tags = [target.run_tag] + [{"key": f"k{i}".ljust(key_max, "k"), "value": "v" * value_max}
                               for i in range(valid.RESOURCE_TAG_LIMIT - 1)]
    return {"modelUnits": 1, "provisionedModelName": name.ljust(valid.schema(valid.CREATE, "provisionedModelName")
            ["maxLength"], "x"), "modelId": target.settings.models[0],
            "clientRequestToken": stamp.ljust(valid.schema(valid.CREATE, "clientRequestToken")["maxLength"], "t"),
            "tags": tags}


@pytest.mark.clause("CREATE-ACCEPTS-VALID")
def test_create_accepts_boundary_valid_requests(target):
    """CREATE-ACCEPTS-VALID on generated valid creates (strategies.valid): every optional parameter drawn present or
    absent, boundary lengths drawn often, and the longest request once. Each create is settled and deleted."""
    if target.settings.kind.billable:
        pytest.skip("each example buys a Provisioned Throughput: emulators only (on AWS the create walk's single "
                    "create checks this clause)")
    numbers = itertools.count()

    def unique(token: str) -> str:
        """Tokens stay unique within and across runs (a reused token with other parameters is refused by design);
        the drawn length is kept, so 256-character tokens still go out."""
        stamp = f"{target.run_prefix}{target.worker}{next(numbers)}".replace("-", "")
        return stamp + token[len(stamp):] if len(token) > len(stamp) else stamp

    def send(params: dict) -> None:
        created = ok(target, "CREATE-ACCEPTS-VALID", "create_provisioned_model_throughput", **params)
        arn = created.get("provisionedModelArn")
        check(isinstance(arn, str) and arn, "CREATE-ACCEPTS-VALID", "no provisionedModelArn in the answer",
              target=target)
        expect.wait_settled(target, "CREATE-ACCEPTS-VALID", arn)
        ok(target, "CREATE-ACCEPTS-VALID", "delete_provisioned_model_throughput", provisionedModelId=arn)
        target.forget(arn)

    requests = [_boundary_create(target, unique(""))]

    # The requests are drawn first (the same seed draws the same ones), then created up to the target's concurrency
    # at once, so their Creating phases overlap; the first failure in this order is the verdict.
    @given(params=valid.create_request(target.settings.models, st.builds(target.new_name, st.just("v")),
                                       fixed_tags=[target.run_tag], max_model_units=1))
    def generated(params: dict) -> None:
        if "clientRequestToken" in params:
            params = {**params, "clientRequestToken": unique(params["clientRequestToken"])}
        requests.append(params)

    generated()
    target.gather(functools.partial(send, params) for params in requests)
