"""The reference emulator's tagging operations and List: filters, sort order, pages and tokens."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from emulator_env import (
    ACCOUNT,
    ARN_404,
    CLAUDE,
    CREATE,
    LLAMA,
    REGION,
    T0,
    TAG,
    TITAN,
    Env,
    error_of,
    fm_arn,
    make_local,
)

# --- tags -------------------------------------------------------------------------------------------


def tags_of(env: Env, arn: str) -> list[tuple[str, str]]:
    return [(t["key"], t["value"]) for t in env.sdk.list_tags_for_resource(resourceARN=arn)["tags"]]


def test_tags(env: Env) -> None:
    arn = env.create("t", tags=[{"key": "team", "value": "ml"}, {"key": "env", "value": "test"}])
    assert tags_of(env, arn) == [("team", "ml"), ("env", "test")]
    assert (
        env.sdk.tag_resource(
            resourceARN=arn, tags=[{"key": "cost", "value": "1"}, {"key": "team", "value": "ai"}]
        )["ResponseMetadata"]["HTTPStatusCode"]
        == 200
    )
    assert tags_of(env, arn) == [("team", "ai"), ("env", "test"), ("cost", "1")]
    env.sdk.untag_resource(resourceARN=arn, tagKeys=["env", "never-there"])
    assert tags_of(env, arn) == [("team", "ai"), ("cost", "1")]
    assert "tags" not in env.get(arn)

    env.sdk.tag_resource(resourceARN=arn, tags=[{"key": f"k{i}", "value": ""} for i in range(48)])
    env.sdk.tag_resource(
        resourceARN=arn, tags=[{"key": "team", "value": "again"}]
    )  # overwriting doesn't count
    code, status, _ = error_of(
        env.sdk.tag_resource, resourceARN=arn, tags=[{"key": "one-too-many", "value": ""}]
    )
    assert (code, status) == ("TooManyTagsException", 400)
    assert (
        json.loads(
            env.raw(
                "POST", "/tagResource", body={"resourceARN": arn, "tags": [{"key": "x", "value": ""}]}
            ).body
        )["resourceName"]
        == arn
    )
    assert len(tags_of(env, arn)) == 50
    many = [{"key": f"k{i}", "value": "v"} for i in range(51)]
    assert error_of(env.create, "many", tags=many)[:2] == ("TooManyTagsException", 400)

    env.sdk.delete_provisioned_model_throughput(provisionedModelId=arn)
    for call, extra in (
        (env.sdk.list_tags_for_resource, {}),
        (env.sdk.tag_resource, {"tags": [TAG]}),
        (env.sdk.untag_resource, {"tagKeys": ["team"]}),
    ):
        assert error_of(call, resourceARN=arn, **extra)[:2] == ("ResourceNotFoundException", 404)


@pytest.mark.parametrize(
    "resource",
    [
        ARN_404,
        ARN_404.replace(ACCOUNT, "999999999999"),
        f"arn:aws:bedrock:{REGION}:{ACCOUNT}:custom-model/{TITAN}/abcdefabcdef",
        "a-plain-resource-name-0001",
    ],
)
def test_tagging_unknown_resources_is_not_found(env: Env, resource: str) -> None:
    assert error_of(env.sdk.list_tags_for_resource, resourceARN=resource)[:2] == (
        "ResourceNotFoundException",
        404,
    )
    assert error_of(env.sdk.tag_resource, resourceARN=resource, tags=[TAG])[1] == 404


# --- list -------------------------------------------------------------------------------------------


@pytest.fixture
def listed(make_env: Callable[..., Env]) -> Env:
    """Five PTs created 10 s apart (alpha, beta, Gamma, delta, alphabet); the last two are still Creating."""
    env = make_env(create_delay=25)
    for name, model in [
        ("alpha", TITAN),
        ("beta", CLAUDE),
        ("Gamma", TITAN),
        ("delta", LLAMA),
        ("alphabet", TITAN),
    ]:
        env.create(name, model)
        env.clock.advance(10)
    return env  # now = T0 + 50: the last two (created at T0+30, T0+40) are still Creating


def test_list_filters(listed: Env) -> None:
    assert listed.names(statusEquals="Creating") == ["alphabet", "delta"]
    assert listed.names(statusEquals="InService") == ["Gamma", "beta", "alpha"]
    assert listed.names(statusEquals="Updating") == []
    assert listed.names(modelArnEquals=fm_arn(TITAN)) == ["alphabet", "Gamma", "alpha"]
    assert listed.names(nameContains="alpha") == ["alphabet", "alpha"]
    assert listed.names(nameContains="gamma") == []  # case-sensitive
    start = datetime.fromtimestamp(T0, UTC)
    assert listed.names(creationTimeAfter=start) == ["alphabet", "delta", "Gamma", "beta"]  # exclusive
    assert listed.names(creationTimeBefore=start + timedelta(seconds=20)) == ["beta", "alpha"]
    assert listed.names(
        creationTimeAfter=start + timedelta(seconds=5), creationTimeBefore=start + timedelta(seconds=35)
    ) == ["delta", "Gamma", "beta"]
    assert listed.names(modelArnEquals=fm_arn(TITAN), nameContains="a", statusEquals="InService") == [
        "Gamma",
        "alpha",
    ]


def test_list_sorting(listed: Env) -> None:
    descending = ["alphabet", "delta", "Gamma", "beta", "alpha"]
    assert listed.names() == descending
    assert listed.names(sortOrder="Descending") == descending
    assert listed.names(sortBy="CreationTime", sortOrder="Ascending") == descending[::-1]


def test_list_ties_are_broken_by_arn(local: Env) -> None:
    arns = [local.create(f"same{i}") for i in range(6)]  # the clock stands still
    summaries = local.sdk.list_provisioned_model_throughputs(sortOrder="Ascending")[
        "provisionedModelSummaries"
    ]
    assert [s["provisionedModelArn"] for s in summaries] == sorted(arns)
    summaries = local.sdk.list_provisioned_model_throughputs()["provisionedModelSummaries"]
    assert [s["provisionedModelArn"] for s in summaries] == sorted(arns, reverse=True)


def test_pagination(listed: Env) -> None:
    pages, token = [], None
    while True:
        response = listed.sdk.list_provisioned_model_throughputs(
            maxResults=2, sortOrder="Ascending", **({"nextToken": token} if token else {})
        )
        pages.append([s["provisionedModelName"] for s in response["provisionedModelSummaries"]])
        token = response.get("nextToken")
        if not token:
            break
        assert len(pages) < 5
    assert pages == [["alpha", "beta"], ["Gamma", "delta"], ["alphabet"]]
    assert "nextToken" not in listed.sdk.list_provisioned_model_throughputs(maxResults=5)
    assert listed.sdk.list_provisioned_model_throughputs(maxResults=1000)["provisionedModelSummaries"]
    paginator = listed.sdk.get_paginator("list_provisioned_model_throughputs")
    names = [
        s["provisionedModelName"]
        for page in paginator.paginate(PaginationConfig={"PageSize": 1})
        for s in page["provisionedModelSummaries"]
    ]
    assert names == ["alphabet", "delta", "Gamma", "beta", "alpha"]


def test_default_page_size_is_1000(local: Env) -> None:
    for i in range(1003):
        body = json.dumps({**CREATE, "provisionedModelName": f"n{i}"}).encode()
        local.emulator.handle("POST", "/provisioned-model-throughput", "", {}, body)
    first = local.sdk.list_provisioned_model_throughputs(nameContains="n")
    assert len(first["provisionedModelSummaries"]) == 1000 and "nextToken" in first
    rest = local.sdk.list_provisioned_model_throughputs(nameContains="n", nextToken=first["nextToken"])
    names = {
        s["provisionedModelName"]
        for s in first["provisionedModelSummaries"] + rest["provisionedModelSummaries"]
    }
    assert len(names) == 1003 and "nextToken" not in rest


def test_bad_page_tokens(listed: Env) -> None:
    token = listed.sdk.list_provisioned_model_throughputs(maxResults=1)["nextToken"]
    body, _, mac = token.partition(".")
    foreign = make_local()
    for _ in range(3):
        foreign.create(f"f{_}")
    foreign_token = foreign.sdk.list_provisioned_model_throughputs(maxResults=1)["nextToken"]
    for bad in ("garbage", "a.b", token[:-2], token[::-1], body + "." + mac[::-1], foreign_token):
        code = error_of(listed.sdk.list_provisioned_model_throughputs, maxResults=1, nextToken=bad)[:2]
        assert code == ("ValidationException", 400), bad
    for other_query in ({"statusEquals": "InService"}, {"sortOrder": "Ascending"}, {"nameContains": "a"}):
        code = error_of(
            listed.sdk.list_provisioned_model_throughputs, maxResults=1, nextToken=token, **other_query
        )[0]
        assert code == "ValidationException"
    second = listed.sdk.list_provisioned_model_throughputs(
        maxResults=3, nextToken=token
    )  # page size may change
    assert len(second["provisionedModelSummaries"]) == 3


def test_list_summaries_follow_updates_and_deletes(local: Env) -> None:
    local.create("keep")
    local.create("gone")
    local.sdk.update_provisioned_model_throughput(
        provisionedModelId="keep", desiredProvisionedModelName="kept"
    )
    local.sdk.delete_provisioned_model_throughput(provisionedModelId="gone")
    assert local.names() == ["kept"]
