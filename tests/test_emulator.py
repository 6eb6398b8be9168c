"""The reference emulator's records through boto3 (in-process and over HTTP) and on the raw wire: the life
cycle, models, create semantics and update."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from emulator_env import (
    ACCOUNT,
    CLAUDE,
    LLAMA,
    MODEL,
    PT_ARN,
    REGION,
    T0,
    TITAN,
    WIRE_TIME,
    Env,
    error_of,
    fm_arn,
    make_local,
)

from bedrock_emulator import CustomModel, EmulatorConfig

# --- the life cycle -----------------------------------------------------------------------------------


def test_create_get_list_delete(env: Env) -> None:
    response = env.sdk.create_provisioned_model_throughput(
        provisionedModelName="pt-one", modelId=TITAN, modelUnits=2
    )
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 201
    arn = response["provisionedModelArn"]
    assert PT_ARN.fullmatch(arn) and PT_ARN.fullmatch(arn).groups() == (REGION, ACCOUNT)  # type: ignore[union-attr]

    by_name, by_arn = env.get("pt-one"), env.get(arn)
    for record in (by_name, by_arn):
        record.pop("ResponseMetadata")
    assert by_name == by_arn
    assert by_name["provisionedModelArn"] == arn
    assert by_name["modelArn"] == by_name["desiredModelArn"] == by_name["foundationModelArn"] == fm_arn(TITAN)
    assert by_name["modelUnits"] == by_name["desiredModelUnits"] == 2
    assert by_name["status"] == "InService"
    assert by_name["creationTime"] == by_name["lastModifiedTime"] == datetime.fromtimestamp(T0, UTC)
    assert not {"failureMessage", "commitmentDuration", "commitmentExpirationTime"} & by_name.keys()

    [summary] = env.sdk.list_provisioned_model_throughputs()["provisionedModelSummaries"]
    assert summary == {k: v for k, v in by_name.items() if k != "failureMessage"}

    deleted = env.sdk.delete_provisioned_model_throughput(provisionedModelId=arn)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 200
    for ident in ("pt-one", arn):
        assert error_of(env.get, ident)[:2] == ("ResourceNotFoundException", 404)
        assert error_of(env.sdk.delete_provisioned_model_throughput, provisionedModelId=ident)[1] == 404
        code = error_of(
            env.sdk.update_provisioned_model_throughput,
            provisionedModelId=ident,
            desiredProvisionedModelName="x",
        )[0]
        assert code == "ResourceNotFoundException"
    assert env.names() == []


def test_wire_format(env: Env) -> None:
    created = env.raw(
        "POST",
        "/provisioned-model-throughput",
        body={"provisionedModelName": "w", "modelId": TITAN, "modelUnits": 1},
    )
    assert created.status == 201 and set(created.json) == {"provisionedModelArn"}
    for raw in (created, env.raw("GET", "/provisioned-model-throughput/w")):
        assert raw.headers["content-type"] == "application/json"
        assert uuid.UUID(raw.headers["x-amzn-requestid"]).version == 4
    record = env.raw("GET", "/provisioned-model-throughput/w").json
    assert WIRE_TIME.fullmatch(record["creationTime"]) and WIRE_TIME.fullmatch(record["lastModifiedTime"])
    assert None not in record.values()
    updated = env.raw("PATCH", "/provisioned-model-throughput/w", body={"desiredProvisionedModelName": "w2"})
    assert (updated.status, updated.json) == (200, {})
    deleted = env.raw("DELETE", "/provisioned-model-throughput/w2")
    assert (deleted.status, deleted.json) == (200, {})

    missing = env.raw("GET", "/provisioned-model-throughput/nothing-here")
    assert (missing.status, missing.error) == (404, "ResourceNotFoundException")
    assert missing.headers["content-type"] == "application/json" and missing.json["message"]


def test_ids_in_the_path_are_percent_encoded(env: Env) -> None:
    arn = env.create("enc")
    assert (
        env.raw("GET", "/provisioned-model-throughput/" + quote(arn, safe="")).json["provisionedModelName"]
        == "enc"
    )
    assert env.raw("GET", "/provisioned-model-throughput/%65nc").status == 200  # "%65" is "e"
    unencoded = env.raw("GET", "/provisioned-model-throughput/" + arn)  # a raw "/" can't be in the label
    assert (unencoded.status, unencoded.error) == (404, "UnknownOperationException")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/"),
        ("GET", "/nope"),
        ("PUT", "/provisioned-model-throughput/x"),
        ("POST", "/provisioned-model-throughputs"),
        ("GET", "/provisioned-model-throughput/"),
        ("GET", "/provisioned-model-throughputs/"),
    ],
)
def test_unknown_route(env: Env, method: str, path: str) -> None:
    raw = env.raw(method, path)
    assert (raw.status, raw.error) == (404, "UnknownOperationException")


# --- models -------------------------------------------------------------------------------------------


def test_model_ids_and_record_fields(env: Env) -> None:
    custom = {m.name: m for m in env.emulator.config.custom_models or ()}
    titan_custom = next(m for m in custom.values() if m.base_model_id == TITAN)
    env.create("by-id", TITAN)
    env.create("by-fm-arn", fm_arn(CLAUDE))
    env.create("by-custom-name", titan_custom.name)
    env.create("by-custom-arn", titan_custom.arn)
    assert env.get("by-id")["modelArn"] == fm_arn(TITAN)
    assert env.get("by-fm-arn")["modelArn"] == fm_arn(CLAUDE)
    for name in ("by-custom-name", "by-custom-arn"):
        record = env.get(name)
        assert record["modelArn"] == record["desiredModelArn"] == titan_custom.arn
        assert record["foundationModelArn"] == fm_arn(TITAN)


@pytest.mark.parametrize(
    "model_id",
    [
        "amazon.titan-text-express-v1",
        "acme.unknown-v1:0:4k",
        "no-such-custom-model",
        fm_arn(TITAN, "eu-west-1"),
        f"arn:aws:bedrock:{REGION}:{ACCOUNT}:custom-model/{TITAN}/abcdefabcdef",
    ],
)
def test_unknown_model_is_not_found(env: Env, model_id: str) -> None:
    code, status, _ = error_of(env.create, "x", model_id)
    assert (code, status) == ("ResourceNotFoundException", 404)


def test_region_comes_from_the_signature(env: Env) -> None:
    west = env.client(region="us-west-2")
    arn = west.create_provisioned_model_throughput(provisionedModelName="w", modelId=TITAN, modelUnits=1)[
        "provisionedModelArn"
    ]
    assert PT_ARN.fullmatch(arn).group(1) == "us-west-2"  # type: ignore[union-attr]
    assert west.get_provisioned_model_throughput(provisionedModelId="w")["foundationModelArn"] == fm_arn(
        TITAN, "us-west-2"
    )
    custom = (env.emulator.config.custom_models or ())[0]
    assert (
        error_of(
            west.create_provisioned_model_throughput,
            provisionedModelName="c",
            modelId=custom.name,
            modelUnits=1,
        )[1]
        == 404
    )  # custom models live in their own region
    assert env.names() == []  # regions don't see each other
    assert error_of(env.get, arn)[1] == 404
    env.create("w")  # the name is free in us-east-1
    # An unsigned request falls back to the configured region.
    assert env.raw("GET", "/provisioned-model-throughput/w").status == 200


@pytest.mark.parametrize(("region", "partition"), [("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov"),
                                                     ("eu-west-1", "aws")])
def test_every_arn_follows_the_region_partition(region: str, partition: str) -> None:
    env = make_local(region=region)
    client = env.client(region=region)
    custom = (env.emulator.config.custom_models or ())[0]
    assert custom.arn.startswith(f"arn:{partition}:bedrock:{region}:")
    for name, model_id in (("base", TITAN), ("custom", custom.arn)):
        arn = client.create_provisioned_model_throughput(provisionedModelName=name, modelId=model_id,
                                                         modelUnits=1)["provisionedModelArn"]
        assert arn.startswith(f"arn:{partition}:bedrock:{region}:{ACCOUNT}:provisioned-model/")
        got = client.get_provisioned_model_throughput(provisionedModelId=arn)
        for member in ("modelArn", "desiredModelArn", "foundationModelArn"):
            assert got[member].startswith(f"arn:{partition}:bedrock:{region}:"), (member, got[member])
    faulty = make_local(region="cn-north-1", faults=frozenset({"arn-partition-always-aws"})).client(
        region="cn-north-1")
    arn = faulty.create_provisioned_model_throughput(provisionedModelName="f", modelId=TITAN,
                                                     modelUnits=1)["provisionedModelArn"]
    assert arn.startswith("arn:aws:bedrock:cn-north-1:")
    assert faulty.get_provisioned_model_throughput(provisionedModelId=arn)["foundationModelArn"].startswith(
        "arn:aws:bedrock:cn-north-1::")


def test_config_derives_custom_models_and_checks_faults() -> None:
    config = EmulatorConfig(region="eu-west-1", account_id="111122223333")
    assert config.custom_models and len(config.custom_models) == 3
    pattern = re.compile(MODEL.shape_for("ModelArn").metadata["pattern"])
    for model in config.custom_models:
        assert model.arn.startswith(
            f"arn:aws:bedrock:eu-west-1:111122223333:custom-model/{model.base_model_id}/"
        )
        assert pattern.fullmatch(model.arn)
    assert sum(m.base_model_id == TITAN for m in config.custom_models) == 2
    with pytest.raises(ValueError, match="create-status-200"):
        EmulatorConfig(faults=frozenset({"no-such-fault"}))
    assert EmulatorConfig(faults=frozenset({"malformed-arn"})).faults == {"malformed-arn"}
    mine = CustomModel("mine", f"arn:aws:bedrock:{REGION}:{ACCOUNT}:custom-model/{TITAN}/abcdefabcdef", TITAN)
    assert EmulatorConfig(custom_models=(mine,)).custom_models == (mine,)


# --- create semantics ---------------------------------------------------------------------------------


def test_duplicate_name_is_a_validation_error(env: Env) -> None:
    env.create("dup")
    assert error_of(env.create, "dup")[:2] == ("ValidationException", 400)
    env.sdk.delete_provisioned_model_throughput(provisionedModelId="dup")
    env.create("dup")  # a deleted PT's name is free again


def test_client_request_token_makes_create_idempotent(env: Env) -> None:
    first = env.sdk.create_provisioned_model_throughput(
        provisionedModelName="idem", modelId=TITAN, modelUnits=1, clientRequestToken="token-1"
    )
    again = env.sdk.create_provisioned_model_throughput(
        provisionedModelName="idem", modelId=TITAN, modelUnits=1, clientRequestToken="token-1"
    )
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert again["provisionedModelArn"] == first["provisionedModelArn"]
    assert env.names() == ["idem"]
    code, status, _ = error_of(env.create, "idem", units=2, clientRequestToken="token-1")
    assert (code, status) == ("ValidationException", 400)
    assert (
        error_of(env.create, "idem", clientRequestToken="token-2")[0] == "ValidationException"
    )  # duplicate name


def test_model_unit_quota(make_env: Callable[..., Env]) -> None:
    env = make_env(model_unit_quota=3)
    env.create("a", units=2)
    assert error_of(env.create, "b", units=2)[:2] == ("ServiceQuotaExceededException", 400)
    env.create("b", units=1)
    env.sdk.delete_provisioned_model_throughput(provisionedModelId="a")
    env.create("c", units=2)
    none = make_local(model_unit_quota=0)
    assert error_of(none.create, "a")[:2] == ("ServiceQuotaExceededException", 400)


def test_throttling(make_env: Callable[..., Env]) -> None:
    env = make_env(throttle_every=3)
    env.sdk.list_provisioned_model_throughputs()
    env.sdk.list_provisioned_model_throughputs()
    code, status, _ = error_of(env.sdk.list_provisioned_model_throughputs)
    assert (code, status) == ("ThrottlingException", 429)
    env.sdk.list_provisioned_model_throughputs()


def test_create_delay_and_failure(make_env: Callable[..., Env]) -> None:
    env = make_env(create_delay=600, fail_models=(CLAUDE,))
    env.create("slow")
    env.create("doomed", CLAUDE)
    assert env.get("slow")["status"] == env.get("doomed")["status"] == "Creating"
    env.clock.advance(599.9)
    assert env.get("slow")["status"] == "Creating"
    env.clock.advance(0.1)
    assert env.get("slow")["status"] == "InService"
    doomed = env.get("doomed")
    assert doomed["status"] == "Failed" and doomed["failureMessage"]
    [summary] = env.sdk.list_provisioned_model_throughputs(statusEquals="Failed")["provisionedModelSummaries"]
    assert "failureMessage" not in summary
    assert env.get("slow")["lastModifiedTime"] == datetime.fromtimestamp(T0, UTC)


def test_commitments(env: Env) -> None:
    env.create("month", commitmentDuration="OneMonth")
    env.create("half-year", commitmentDuration="SixMonths")
    start = datetime.fromtimestamp(T0, UTC)
    month, half = env.get("month"), env.get("half-year")
    assert month["commitmentDuration"] == "OneMonth"
    assert month["commitmentExpirationTime"] == start + timedelta(days=30)
    assert half["commitmentExpirationTime"] == start + timedelta(days=182)
    code, status, _ = error_of(env.sdk.delete_provisioned_model_throughput, provisionedModelId="month")
    assert (code, status) == ("ConflictException", 400)
    env.clock.advance(30 * 86400 - 1)
    assert (
        error_of(env.sdk.delete_provisioned_model_throughput, provisionedModelId="month")[0]
        == "ConflictException"
    )
    env.clock.advance(1)
    env.sdk.delete_provisioned_model_throughput(provisionedModelId="month")
    assert error_of(env.sdk.delete_provisioned_model_throughput, provisionedModelId="half-year")[1] == 400
    assert env.names() == ["half-year"]


# --- update -----------------------------------------------------------------------------------------


def test_rename(env: Env) -> None:
    arn = env.create("old")
    other = env.create("other")
    env.clock.advance(5)
    response = env.sdk.update_provisioned_model_throughput(
        provisionedModelId="old", desiredProvisionedModelName="new"
    )
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert error_of(env.get, "old")[1] == 404
    record = env.get("new")
    assert record["provisionedModelArn"] == arn and record["status"] == "InService"
    assert record["creationTime"] == datetime.fromtimestamp(T0, UTC)
    assert record["lastModifiedTime"] == datetime.fromtimestamp(T0 + 5, UTC)
    assert sorted(env.names()) == ["new", "other"]
    env.create("old")  # the old name is free

    env.clock.advance(5)
    env.sdk.update_provisioned_model_throughput(provisionedModelId=arn, desiredProvisionedModelName="new")
    assert env.get(arn)["lastModifiedTime"] == datetime.fromtimestamp(T0 + 10, UTC)
    code, status, _ = error_of(
        env.sdk.update_provisioned_model_throughput,
        provisionedModelId=other,
        desiredProvisionedModelName="new",
    )
    assert (code, status) == ("ValidationException", 400)
    assert (
        error_of(env.sdk.update_provisioned_model_throughput, provisionedModelId="new")[0]
        == "ValidationException"
    )
    assert env.get("other")["lastModifiedTime"] == datetime.fromtimestamp(T0, UTC)


def test_desired_model_rules(make_env: Callable[..., Env]) -> None:
    env = make_env(update_delay=60)
    titan_a, titan_b, claude = env.emulator.config.custom_models or ()
    base_pt = env.create("base", TITAN)
    env.clock.advance(1)
    for target in (titan_a.name, TITAN, LLAMA):
        code = error_of(
            env.sdk.update_provisioned_model_throughput, provisionedModelId=base_pt, desiredModelId=target
        )[0]
        assert code == "ValidationException"

    env.create("custom", titan_a.arn, units=3, commitmentDuration="OneMonth")
    for target in (CLAUDE, claude.name, LLAMA):
        code = error_of(
            env.sdk.update_provisioned_model_throughput, provisionedModelId="custom", desiredModelId=target
        )[0]
        assert code == "ValidationException"
    assert error_of(
        env.sdk.update_provisioned_model_throughput,
        provisionedModelId="custom",
        desiredModelId="acme.none-v1:0:1k",
    )[:2] == ("ResourceNotFoundException", 404)

    env.sdk.update_provisioned_model_throughput(provisionedModelId="custom", desiredModelId=titan_b.name)
    record = env.get("custom")
    assert record["status"] == "Updating"
    assert (record["modelArn"], record["desiredModelArn"]) == (titan_a.arn, titan_b.arn)
    assert (
        error_of(
            env.sdk.update_provisioned_model_throughput,
            provisionedModelId="custom",
            desiredProvisionedModelName="busy",
        )[0]
        == "ValidationException"
    )  # only InService updates
    env.clock.advance(60)
    record = env.get("custom")
    assert record["status"] == "InService" and record["modelArn"] == record["desiredModelArn"] == titan_b.arn
    assert (record["modelUnits"], record["desiredModelUnits"], record["commitmentDuration"]) == (
        3,
        3,
        "OneMonth",
    )

    env.sdk.update_provisioned_model_throughput(provisionedModelId="custom", desiredModelId=fm_arn(TITAN))
    env.clock.advance(60)
    record = env.get("custom")
    assert record["modelArn"] == fm_arn(TITAN) and record["foundationModelArn"] == fm_arn(TITAN)
    assert env.names(modelArnEquals=fm_arn(TITAN)) == ["custom", "base"]
    env.sdk.update_provisioned_model_throughput(provisionedModelId="custom", desiredModelId=titan_a.arn)


def test_update_refused_while_creating(make_env: Callable[..., Env]) -> None:
    env = make_env(create_delay=10)
    env.create("c")
    code = error_of(
        env.sdk.update_provisioned_model_throughput, provisionedModelId="c", desiredProvisionedModelName="d"
    )
    assert code[:2] == ("ValidationException", 400)
    env.clock.advance(10)
    env.sdk.update_provisioned_model_throughput(provisionedModelId="c", desiredProvisionedModelName="d")
    env.sdk.delete_provisioned_model_throughput(provisionedModelId="d")
