"""Self-tests of the stateful machines' pure parts: queries, expectations, refusal lists, the reproducer text."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from conformance.drivers import stateful
from conformance.drivers.stateful import Call, CallLog, Query, Snapshot

T0 = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
NS = "bcabc123-gw0-l7-"
TITAN = "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1:0:8k"


def snap(name: str = NS + "a-1", status: str | None = "InService", model: str | None = TITAN,
         created: datetime = T0) -> Snapshot:
    return Snapshot("arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abcdefabcdef", name,
                    model_arn=model, status=status,
                    creation_time=created)


def test_documented_refusals_are_the_operations_4xx_less_throttling():
    assert stateful.documented_refusals("DeleteProvisionedModelThroughput") == (
        "AccessDeniedException", "ConflictException", "ResourceNotFoundException", "ValidationException")
    create = stateful.documented_refusals("CreateProvisionedModelThroughput")
    assert "ThrottlingException" not in create and "InternalServerException" not in create
    assert {"ValidationException", "TooManyTagsException", "ServiceQuotaExceededException"} <= set(create)


def test_query_params_and_filters():
    query = Query(status="Creating", name=NS + "a", after=T0, max_results=2, order="Ascending", sort_by=True)
    assert query.params() == {"statusEquals": "Creating", "nameContains": NS + "a", "creationTimeAfter": T0,
                              "maxResults": 2, "sortOrder": "Ascending", "sortBy": "CreationTime"}
    assert query.filters() == ["status", "name", "time"]
    assert query.primary_clause() == "LIST-FILTER-COMBINED"
    isolated = Query(max_results=1, isolation=NS)
    assert isolated.params() == {"nameContains": NS, "maxResults": 1}
    assert isolated.filters() == [] and isolated.primary_clause() == "LIST-PAGINATION-COMPLETE"
    assert Query(model=TITAN, isolation=NS).primary_clause() == "LIST-FILTER-MODEL"
    alone = query.only("status")
    assert alone.params() == {"statusEquals": "Creating", "maxResults": 1000, "sortOrder": "Ascending"}
    assert query.single_page().max_results == 1000


@pytest.mark.parametrize("query,record,verdict", [
    (Query(status="InService"), snap(), True),
    (Query(status="Creating"), snap(), False),
    (Query(status="Creating"), snap(status=None), None),  # a pending record may go either way
    (Query(model=TITAN), snap(), True),
    (Query(model=TITAN), snap(model="arn:aws:bedrock:us-east-1::foundation-model/x.y"), False),
    (Query(model=TITAN), snap(model=None), None),  # a model update in progress
    (Query(name=NS + "a"), snap(), True),
    (Query(name=NS + "b"), snap(), False),
    (Query(after=T0 - timedelta(microseconds=1)), snap(), True),
    (Query(after=T0), snap(), None),  # exactly on a bound: inclusive or exclusive is undocumented
    (Query(after=T0 + timedelta(microseconds=1)), snap(), False),
    (Query(before=T0 + timedelta(seconds=1)), snap(), True),
    (Query(before=T0), snap(), None),
    (Query(after=T0 - timedelta(seconds=1), before=T0 - timedelta(microseconds=1)), snap(), False),
    (Query(status="InService", model=TITAN, name=NS), snap(), True),
    (Query(status="InService", name=NS + "b"), snap(), False),
    (Query(isolation="bcother-"), snap(), False),
])
def test_matches(query, record, verdict):
    assert stateful.matches(query, record) is verdict


def test_summary_fails_accepts_inclusive_bounds_and_any_case():
    summary = {"provisionedModelName": NS + "a-1", "status": "InService", "modelArn": TITAN,
               "creationTime": T0}
    assert not stateful.summary_fails(Query(after=T0), "time", summary)
    assert not stateful.summary_fails(Query(before=T0), "time", summary)
    assert stateful.summary_fails(Query(after=T0 + timedelta(microseconds=1)), "time", summary)
    assert not stateful.summary_fails(Query(name=(NS + "A").upper()), "name", summary)
    assert stateful.summary_fails(Query(name=NS + "b"), "name", summary)
    assert stateful.summary_fails(Query(isolation="bcother-"), "name", summary)
    assert stateful.summary_fails(Query(status="Creating"), "status", summary)
    assert not stateful.summary_fails(Query(), "status", summary)


def _log(calls: list[Call], **settings: object) -> CallLog:
    values = {"target": "reference", "region": "us-east-1", "faults": ("list-page-loses-item",),
              "create_delay": 0.0, "update_delay": 0.0, "poll_interval": 0.05}
    values.update(settings)
    settings = SimpleNamespace(**values, public=lambda: values)
    target = SimpleNamespace(settings=settings, account_id="123456789012", run_prefix="bcabcdef", run_id="abcdef",
                             endpoint="https://bedrock.us-east-1.amazonaws.com", sdk=None, wire=None)
    log = CallLog(target)  # type: ignore[arg-type]
    log.calls = calls
    return log


ARN = "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abcdefabcdef"


def _calls() -> list[Call]:
    return [
        Call("create_provisioned_model_throughput",
             {"provisionedModelName": "n1", "modelId": "m", "modelUnits": 1}, 201, {"provisionedModelArn": ARN}),
        Call("get_provisioned_model_throughput", {"provisionedModelId": ARN}, 200,
             {"provisionedModelName": "n1", "status": "Creating"}),
        Call("get_provisioned_model_throughput", {"provisionedModelId": ARN}, 200,
             {"provisionedModelName": "n1", "status": "InService"}),
        Call("list_provisioned_model_throughputs", {"maxResults": 1, "creationTimeAfter": T0}, 200,
             {"provisionedModelSummaries": [{"provisionedModelName": "n1"}], "nextToken": "tok/1=="}),
        Call("list_provisioned_model_throughputs", {"maxResults": 1, "creationTimeAfter": T0,
                                                     "nextToken": "tok/1=="}, 200,
             {"provisionedModelSummaries": []}),
        Call("delete_provisioned_model_throughput", {"provisionedModelId": ARN}, 400,
             {"Code": "ConflictException", "Message": "a\nb"}),
        Call("list_tags_for_resource", {"resourceARN": ARN}, 200,
             {"tags": [{"key": f"k{n}", "value": "v"} for n in range(60)]}),
    ]


def test_reproducer_takes_the_steps_its_check_needs():
    """The create of the resource the judged call is about, not the machine's own reads; the ARN as a variable,
    the run id renamed, the judged List query as its pages, and the check's own rule."""
    from conformance.catalogue import rules

    check = rules.spec("creation_order", {"pages": {"maxResults": 1, "creationTimeAfter": T0}}, order="Ascending",
                       sort_by=True)
    failure = stateful.ConformanceFailure("LIST-SORT-ORDER", "out of\norder", check=check)
    text = _log(_calls()).script(failure)
    assert text is not None, failure.no_reproducer
    ast.parse(text)
    body = text[text.index("def reproduce():"):text.index("\n\n", text.index("def reproduce():"))]
    assert "arn_1 = step('create_provisioned_model_throughput', provisionedModelName='n1'" in body
    assert "get_provisioned_model_throughput" not in body and "delete" not in body  # reads and unrelated calls
    assert "answer = pages(maxResults=1, creationTimeAfter=datetime.datetime.fromisoformat(" in body
    assert "return creation_order(answer, order='Ascending', sort_by=True)" in body
    assert "The run (reference) saw: out of order" in text and "def creation_order(" in text
    assert "--fault list-page-loses-item" in text  # how to serve the same emulator
    assert "DEFAULT_URL, BILLABLE = 'LIST-SORT-ORDER', 'us-east-1', None, True" in text


def test_reproducer_binds_a_value_read_from_an_earlier_answer():
    from conformance.catalogue import rules

    calls = _calls()
    calls[2].outcome = {"provisionedModelName": "n1", "status": "InService", "lastModifiedTime": T0}
    check = rules.spec("not_before", {"call": "get_provisioned_model_throughput", "arn": ARN, "success": True},
                       member="lastModifiedTime", floor=T0)
    failure = stateful.ConformanceFailure("UPDATE-TIMESTAMPS", "m", check=check)
    text = _log([*calls, Call("get_provisioned_model_throughput", {"provisionedModelId": ARN}, 200,
                              {"provisionedModelArn": ARN})]).script(failure)
    assert text is not None, failure.no_reproducer
    assert "seen_1 = step('get_provisioned_model_throughput', provisionedModelId=arn_1)" in text
    assert "floor=seen_1['lastModifiedTime']" in text
    assert "answer = call('get_provisioned_model_throughput', True, provisionedModelId=arn_1)" in text


def test_reproducer_for_http_and_aws_targets():
    from conformance.catalogue import rules

    def failure() -> stateful.ConformanceFailure:
        return stateful.ConformanceFailure("DELETE-GONE", "m", check=rules.spec(
            "refused", {"call": "list_tags_for_resource", "params": {"resourceARN": ARN}}, codes=["X"]))

    http = _log(_calls(), target="http://127.0.0.1:9").script(failure())
    assert http is not None
    ast.parse(http)
    assert "'http://127.0.0.1:9', True" in http
    aws = _log(_calls(), target="aws").script(failure())
    assert aws is not None
    ast.parse(aws)
    assert "'aws', True" in aws and "--allow-billable" in aws
    unruled = stateful.ConformanceFailure("DELETE-GONE", "m")
    assert _log(_calls()).script(unruled) is None and "shared rules" in str(unruled.no_reproducer)
