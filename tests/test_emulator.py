"""The reference emulator's behaviour, through boto3 (in-process and over HTTP) and on the raw wire."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from bedrock_emulator import FAULTS, CustomModel, Emulator, EmulatorConfig
from bedrock_emulator.botocore_adapter import attach, handler_for
from bedrock_emulator.server import ServerHandle, start
from bedrock_emulator.spec import OPERATION_NAMES

REGION = "us-east-1"
ACCOUNT = "123456789012"
TITAN = "amazon.titan-text-express-v1:0:8k"
CLAUDE = "anthropic.claude-v2:1:200k"
LLAMA = "meta.llama2-13b-chat-v1:0:4k"
T0 = datetime(2023, 10, 2, 12, 0, tzinfo=UTC).timestamp()
PT_ARN = re.compile(r"arn:aws:bedrock:([a-z0-9-]+):(\d{12}):provisioned-model/[a-z0-9]{12}")
WIRE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")
MODEL = botocore.session.get_session().get_service_model("bedrock")
OPERATIONS = OPERATION_NAMES


def fm_arn(model_id: str, region: str = REGION) -> str:
    return f"arn:aws:bedrock:{region}::foundation-model/{model_id}"


class FakeClock:
    def __init__(self, start: float = T0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Raw:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def error(self) -> str | None:
        return self.headers.get("x-amzn-errortype")


class Switch:
    """Routes requests to the emulator of the Env in use, so boto3 clients and the HTTP server (slow to make)
    are shared by all tests of the module."""

    emulator: Emulator

    def handle(self, method: str, path: str, query: str, headers: Any, body: bytes) -> Any:
        return self.emulator.handle(method, path, query, headers, body)


SWITCH = Switch()
_CLIENTS: dict[tuple[str, ...], Any] = {}


def shared_client(endpoint: str, region: str, service: str, validate: bool, in_process: bool) -> Any:
    key = (endpoint, region, service, str(validate), str(in_process))
    if key not in _CLIENTS:
        client = boto3.client(
            service,
            region_name=region,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            endpoint_url=endpoint,
            config=Config(parameter_validation=validate, retries={"total_max_attempts": 1}),
        )
        if in_process:
            attach(client, SWITCH)
        _CLIENTS[key] = client
    return _CLIENTS[key]


@dataclass
class Env:
    """One emulator reached through one channel: "inprocess" (attach) or "http" (the server)."""

    emulator: Emulator
    clock: FakeClock
    server: ServerHandle | None = None

    def client(self, region: str = REGION, validate: bool = True, service: str = "bedrock") -> Any:
        SWITCH.emulator = self.emulator
        endpoint = self.server.url if self.server else f"https://bedrock.{REGION}.amazonaws.com"
        return shared_client(endpoint, region, service, validate, self.server is None)

    @property
    def sdk(self) -> Any:
        return self.client()

    @property
    def wire(self) -> Any:
        return self.client(validate=False)

    def raw(self, method: str, path: str, query: str = "", body: bytes | str | dict[str, Any] = b"") -> Raw:
        data = (
            json.dumps(body).encode()
            if isinstance(body, dict)
            else body
            if isinstance(body, bytes)
            else body.encode()
        )
        if self.server is None:
            status, headers, payload = self.emulator.handle(method, path, query, {}, data)
            return Raw(status, {k.lower(): v for k, v in headers.items()}, payload)
        SWITCH.emulator = self.emulator
        connection = http.client.HTTPConnection(self.server.host, self.server.port, timeout=5)
        try:
            connection.request(method, path + ("?" + query if query else ""), body=data)
            response = connection.getresponse()
            return Raw(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
        finally:
            connection.close()

    def create(self, name: str = "pt", model: str = TITAN, units: int = 1, **extra: Any) -> str:
        return self.sdk.create_provisioned_model_throughput(
            provisionedModelName=name, modelId=model, modelUnits=units, **extra
        )["provisionedModelArn"]

    def get(self, ident: str) -> dict[str, Any]:
        return self.sdk.get_provisioned_model_throughput(provisionedModelId=ident)

    def names(self, **query: Any) -> list[str]:
        summaries = self.sdk.list_provisioned_model_throughputs(**query)["provisionedModelSummaries"]
        return [s["provisionedModelName"] for s in summaries]


def make_local(**config: Any) -> Env:
    clock = FakeClock()
    return Env(Emulator(EmulatorConfig(clock=clock, **config)), clock)


@pytest.fixture(scope="module")
def server() -> Iterator[ServerHandle]:
    handle = start(SWITCH)
    yield handle
    handle.stop()


@pytest.fixture(params=["inprocess", "http"])
def make_env(request: pytest.FixtureRequest) -> Callable[..., Env]:
    http_server = request.getfixturevalue("server") if request.param == "http" else None

    def make(**config: Any) -> Env:
        env = make_local(**config)
        env.server = http_server
        return env

    return make


@pytest.fixture
def env(make_env: Callable[..., Env]) -> Env:
    return make_env()


@pytest.fixture
def local() -> Env:
    """In-process only, for knobs that don't depend on the channel."""
    return make_local()


def error_of(call: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[str, int, dict[str, Any]]:
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    response = info.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"], response


def modelled_errors(operation: str) -> set[str]:
    return {shape.name for shape in MODEL.operation_model(operation).error_shapes}


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


# --- validation ---------------------------------------------------------------------------------------

CREATE = {"provisionedModelName": "v", "modelId": TITAN, "modelUnits": 1}
ARN_404 = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:provisioned-model/abcdefabcdef"
TAG = {"key": "k", "value": "v"}

INVALID_SDK_CALLS: list[tuple[str, dict[str, Any]]] = [
    # Create: each constraint kind of each member
    ("create_provisioned_model_throughput", {**CREATE, "provisionedModelName": "a" * 64}),
    ("create_provisioned_model_throughput", {**CREATE, "provisionedModelName": ""}),
    ("create_provisioned_model_throughput", {**CREATE, "provisionedModelName": "bad name"}),
    ("create_provisioned_model_throughput", {**CREATE, "provisionedModelName": "a--b"}),
    ("create_provisioned_model_throughput", {**CREATE, "provisionedModelName": 12}),
    ("create_provisioned_model_throughput", {**CREATE, "modelUnits": 0}),
    ("create_provisioned_model_throughput", {**CREATE, "modelUnits": -3}),
    ("create_provisioned_model_throughput", {**CREATE, "modelUnits": "2"}),
    ("create_provisioned_model_throughput", {**CREATE, "modelUnits": 1.5}),
    ("create_provisioned_model_throughput", {**CREATE, "modelUnits": True}),
    ("create_provisioned_model_throughput", {**CREATE, "modelUnits": 2**31}),
    ("create_provisioned_model_throughput", {**CREATE, "modelId": "x" * 2049}),
    ("create_provisioned_model_throughput", {**CREATE, "modelId": "Bad Model!"}),
    ("create_provisioned_model_throughput", {**CREATE, "modelId": ""}),
    ("create_provisioned_model_throughput", {**CREATE, "commitmentDuration": "OneYear"}),
    ("create_provisioned_model_throughput", {**CREATE, "clientRequestToken": "-starts-with-dash"}),
    ("create_provisioned_model_throughput", {**CREATE, "clientRequestToken": "a" * 257}),
    ("create_provisioned_model_throughput", {**CREATE, "clientRequestToken": ""}),
    ("create_provisioned_model_throughput", {**CREATE, "tags": [{"key": "", "value": "v"}]}),
    ("create_provisioned_model_throughput", {**CREATE, "tags": [{"key": "k" * 129, "value": "v"}]}),
    ("create_provisioned_model_throughput", {**CREATE, "tags": [{"key": "bad!", "value": "v"}]}),
    ("create_provisioned_model_throughput", {**CREATE, "tags": [{"key": "k", "value": "v" * 257}]}),
    ("create_provisioned_model_throughput", {**CREATE, "tags": [{"key": "k", "value": "ü"}]}),
    ("create_provisioned_model_throughput", {**CREATE, "tags": [{"key": "k"}]}),
    ("create_provisioned_model_throughput", {**CREATE, "tags": [TAG] * 201}),
    ("create_provisioned_model_throughput", {k: v for k, v in CREATE.items() if k != "modelUnits"}),
    ("create_provisioned_model_throughput", {k: v for k, v in CREATE.items() if k != "provisionedModelName"}),
    ("create_provisioned_model_throughput", {k: v for k, v in CREATE.items() if k != "modelId"}),
    # Get/Update/Delete: the id pattern (a name or a provisioned-model ARN)
    ("get_provisioned_model_throughput", {"provisionedModelId": "bad name"}),
    ("get_provisioned_model_throughput", {"provisionedModelId": ARN_404[:-1]}),
    ("delete_provisioned_model_throughput", {"provisionedModelId": "bad_-name"}),
    (
        "update_provisioned_model_throughput",
        {"provisionedModelId": "bad!", "desiredProvisionedModelName": "a"},
    ),
    (
        "update_provisioned_model_throughput",
        {"provisionedModelId": "p", "desiredProvisionedModelName": "a" * 64},
    ),
    (
        "update_provisioned_model_throughput",
        {"provisionedModelId": "p", "desiredProvisionedModelName": "a b"},
    ),
    ("update_provisioned_model_throughput", {"provisionedModelId": "p", "desiredModelId": "Bad Model!"}),
    # List: the query members
    ("list_provisioned_model_throughputs", {"maxResults": 0}),
    ("list_provisioned_model_throughputs", {"maxResults": 1001}),
    ("list_provisioned_model_throughputs", {"statusEquals": "Deleting"}),
    ("list_provisioned_model_throughputs", {"sortOrder": "Up"}),
    ("list_provisioned_model_throughputs", {"sortBy": "Name"}),
    ("list_provisioned_model_throughputs", {"nameContains": "bad name"}),
    ("list_provisioned_model_throughputs", {"nameContains": "a" * 64}),
    ("list_provisioned_model_throughputs", {"modelArnEquals": TITAN}),
    ("list_provisioned_model_throughputs", {"nextToken": "has space"}),
    ("list_provisioned_model_throughputs", {"nextToken": "t" * 2049}),
    # Tagging: the resourceARN constraints, tags and tag keys
    ("tag_resource", {"resourceARN": "short", "tags": [TAG]}),
    ("tag_resource", {"resourceARN": ARN_404.replace("abcdefabcdef", "ABCDEFABCDEF"), "tags": [TAG]}),
    ("tag_resource", {"resourceARN": ARN_404, "tags": [{"key": "bad!", "value": "v"}]}),
    ("tag_resource", {"resourceARN": ARN_404}),
    ("untag_resource", {"resourceARN": ARN_404, "tagKeys": ["k" * 129]}),
    ("untag_resource", {"resourceARN": ARN_404, "tagKeys": ["k"] * 201}),
    ("untag_resource", {"resourceARN": ARN_404}),
    ("list_tags_for_resource", {"resourceARN": "x" * 1012}),
    ("list_tags_for_resource", {}),
]


@pytest.mark.parametrize(
    ("method", "kwargs"), INVALID_SDK_CALLS, ids=lambda v: v if isinstance(v, str) else None
)
def test_invalid_input_is_a_validation_error(local: Env, method: str, kwargs: dict[str, Any]) -> None:
    local.create("p")
    code, status, response = error_of(getattr(local.wire, method), **kwargs)
    assert (code, status) == ("ValidationException", 400)
    assert "validation error" in response["Error"]["Message"]


def test_invalid_input_over_http(env: Env) -> None:
    for method, kwargs in INVALID_SDK_CALLS[::7]:
        assert error_of(getattr(env.wire, method), **kwargs)[:2] == ("ValidationException", 400)


@pytest.mark.parametrize(
    ("method", "path", "query", "body"),
    [
        ("POST", "/provisioned-model-throughput", "", b"{not json"),
        ("POST", "/provisioned-model-throughput", "", b"[1, 2]"),
        ("POST", "/provisioned-model-throughput", "", b'"text"'),
        ("POST", "/provisioned-model-throughput", "", b""),
        (
            "POST",
            "/provisioned-model-throughput",
            "",
            b'{"provisionedModelName": "n", "modelId": "m", "modelUnits": NaN}',
        ),
        ("POST", "/provisioned-model-throughput", "", b"\xff\xfe{"),
        (
            "POST",
            "/provisioned-model-throughput",
            "",
            b'{"provisionedModelName": null, "modelId": "m", "modelUnits": 1}',
        ),
        ("PATCH", "/provisioned-model-throughput/p", "", b"{oops"),
        ("PATCH", "/provisioned-model-throughput/p", "", b'{"desiredProvisionedModelName": ["x"]}'),
        ("POST", "/tagResource", "", b'{"resourceARN": "' + ARN_404.encode() + b'", "tags": {"k": "v"}}'),
        ("POST", "/tagResource", "", b'{"resourceARN": "' + ARN_404.encode() + b'", "tags": [["k", "v"]]}'),
        ("POST", "/untagResource", "", b'{"resourceARN": "' + ARN_404.encode() + b'", "tagKeys": [1]}'),
        ("POST", "/listTagsForResource", "", b"null"),
        ("GET", "/provisioned-model-throughputs", "maxResults=abc", b""),
        ("GET", "/provisioned-model-throughputs", "maxResults=", b""),
        ("GET", "/provisioned-model-throughputs", "maxResults=2.5", b""),
        ("GET", "/provisioned-model-throughputs", "maxResults=99999999999999", b""),
        ("GET", "/provisioned-model-throughputs", "creationTimeAfter=yesterday", b""),
        ("GET", "/provisioned-model-throughputs", "creationTimeBefore=2023-13-45T00:00:00Z", b""),
        ("GET", "/provisioned-model-throughputs", "nextToken=", b""),
        ("GET", "/provisioned-model-throughputs", "statusEquals=inservice", b""),
        ("GET", "/provisioned-model-throughput/%20", "", b""),
    ],
)
def test_invalid_raw_requests(local: Env, method: str, path: str, query: str, body: bytes) -> None:
    local.create("p")
    raw = local.raw(method, path, query, body)
    assert (raw.status, raw.error) == (400, "ValidationException"), raw.body
    assert raw.json["message"]


@pytest.mark.parametrize(
    "query",
    [
        "creationTimeAfter=2023-10-01T00%3A00%3A00Z",
        "creationTimeAfter=2023-10-01T02:00:00%2B02:00",
        "creationTimeAfter=2023-10-01T00:00:00+02:00",
        "creationTimeAfter=2023-10-01T00:00:00.5Z",
        "creationTimeAfter=1696118400",
        "creationTimeAfter=1696118400.25",
        "creationTimeBefore=2030-01-01",
        "maxResults=%2B5",
        "sortBy=CreationTime&sortOrder=Ascending&statusEquals=InService&unknownParam=1",
    ],
)
def test_valid_query_forms(local: Env, query: str) -> None:
    local.create("p")
    raw = local.raw("GET", "/provisioned-model-throughputs", query)
    assert raw.status == 200, raw.body
    assert [s["provisionedModelName"] for s in raw.json["provisionedModelSummaries"]] == ["p"]


def test_valid_boundaries_are_accepted(local: Env) -> None:
    name = "a" * 63
    local.create(
        name,
        tags=[{"key": "k" * 128, "value": ""}, {"key": "x", "value": "v" * 256}],
        clientRequestToken="t" * 256,
    )
    local.create("a_b-c9", units=2**31 - 1, clientRequestToken="t")
    assert local.get(name)["provisionedModelName"] == name
    body = {"provisionedModelName": "extra", "modelId": TITAN, "modelUnits": 1, "someFutureMember": {"x": 1}}
    assert local.raw("POST", "/provisioned-model-throughput", body=body).status == 201


def test_errors_stay_within_each_operations_modelled_list(local: Env) -> None:
    """Whatever goes wrong, an operation only answers with errors its model lists."""
    quota = make_local(model_unit_quota=1, throttle_every=5)
    for env in (local, quota):
        env.create("a", commitmentDuration="OneMonth")
        requests = [
            ("POST", "/provisioned-model-throughput", "", CREATE | {"provisionedModelName": "a"}),
            ("POST", "/provisioned-model-throughput", "", CREATE | {"modelId": "acme.none-v1"}),
            (
                "POST",
                "/provisioned-model-throughput",
                "",
                CREATE | {"provisionedModelName": "b", "modelUnits": 5},
            ),
            (
                "POST",
                "/provisioned-model-throughput",
                "",
                CREATE | {"tags": [{"key": str(i), "value": ""} for i in range(51)]},
            ),
            ("DELETE", "/provisioned-model-throughput/a", "", b""),
            ("PATCH", "/provisioned-model-throughput/a", "", b"{}"),
            ("PATCH", "/provisioned-model-throughput/zz", "", {"desiredModelId": TITAN}),
            ("GET", "/provisioned-model-throughputs", "nextToken=abc", b""),
            ("POST", "/tagResource", "", {"resourceARN": ARN_404, "tags": []}),
            ("POST", "/untagResource", "", {"resourceARN": ARN_404, "tagKeys": []}),
            ("POST", "/listTagsForResource", "", {"resourceARN": ARN_404}),
        ] * 2
        for method, path, query, body in requests:
            raw = env.raw(method, path, query, body)
            if raw.status < 400:
                continue
            operation = next(
                op
                for op in OPERATIONS
                if MODEL.operation_model(op).http["method"] == method
                and re.fullmatch(
                    re.sub(r"\{[^}]+\}", "[^/]+", MODEL.operation_model(op).http["requestUri"]), path
                )
            )
            assert raw.error in modelled_errors(operation), (method, path, raw)
            assert raw.status == MODEL.shape_for(raw.error).metadata["error"]["httpStatusCode"]


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


# --- STS, server, concurrency -------------------------------------------------------------------------


def test_sts_get_caller_identity(make_env: Callable[..., Env]) -> None:
    env = make_env(account_id="210987654321")
    sts = env.client(service="sts")
    identity = sts.get_caller_identity()
    assert identity["Account"] == "210987654321"
    assert identity["Arn"] == "arn:aws:iam::210987654321:user/conformance"
    raw = env.raw("POST", "/", body="Action=Nope&Version=2011-06-15")
    assert raw.status == 400 and b"InvalidAction" in raw.body


def test_handler_for_routes_prepared_requests(local: Env) -> None:
    handler = handler_for(local.emulator)
    captured = {}

    def capture(request: Any, **_: Any) -> Any:
        captured["response"] = handler(request=request)
        return captured["response"]

    client = boto3.client(
        "bedrock",
        region_name=REGION,
        aws_access_key_id="a",
        aws_secret_access_key="b",
        endpoint_url="https://bedrock.us-east-1.amazonaws.com",
    )
    client.meta.events.register("before-send.bedrock", capture)
    client.create_provisioned_model_throughput(provisionedModelName="h", modelId=TITAN, modelUnits=1)
    assert captured["response"].status_code == 201
    assert local.names() == ["h"]


def test_server_keep_alive_head_and_chunked() -> None:
    emulator = Emulator()
    server = start(emulator)
    try:
        connection = http.client.HTTPConnection(server.host, server.port, timeout=5)
        body = json.dumps(CREATE).encode()
        connection.request(
            "POST",
            "/provisioned-model-throughput",
            body=iter([body[:10], body[10:]]),
            encode_chunked=True,
            headers={"Content-Type": "application/json"},
        )
        response = connection.getresponse()
        assert response.status == 201 and response.getheader("Content-Length") == str(len(response.read()))
        for _ in range(3):  # same connection
            connection.request("GET", "/provisioned-model-throughputs?" + urlencode({"maxResults": 1}))
            response = connection.getresponse()
            assert response.status == 200 and json.loads(response.read())["provisionedModelSummaries"]
        connection.request("HEAD", "/provisioned-model-throughput/v")
        response = connection.getresponse()
        assert response.status == 404 and response.read() == b""
        connection.close()
        with socket.create_connection((server.host, server.port), timeout=5) as raw:
            raw.sendall(b"POST /tagResource HTTP/1.1\r\nHost: x\r\nContent-Length: many\r\n\r\n")
            assert raw.recv(100).startswith(b"HTTP/1.1 400")
        assert urlsplit(server.url).port == server.port
    finally:
        server.stop()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_command_line_serves_until_signalled(signum: int) -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bedrock_emulator",
            "--port",
            "0",
            "--fault",
            "create-status-200",
            "--region",
            "eu-west-1",
            "--account-id",
            "111122223333",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        parts = urlsplit(url)
        assert parts.scheme == "http" and parts.port
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
        connection.request("POST", "/provisioned-model-throughput", body=json.dumps(CREATE))
        response = connection.getresponse()
        assert response.status == 200  # the fault is on
        assert ":111122223333:" in json.loads(response.read())["provisionedModelArn"]
        connection.close()
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=10)
        assert process.returncode == 0 and "Traceback" not in stderr
    finally:
        if process.poll() is None:
            process.kill()


def test_command_line_rejects_unknown_fault() -> None:
    from bedrock_emulator.server import main

    with pytest.raises(SystemExit) as info:
        main(["--fault", "no-such-fault"])
    assert info.value.code == 2


def test_concurrent_requests_are_safe() -> None:
    emulator = Emulator()

    def worker(prefix: str) -> None:
        for i in range(25):
            body = json.dumps({**CREATE, "provisionedModelName": f"{prefix}-{i}"}).encode()
            assert emulator.handle("POST", "/provisioned-model-throughput", "", {}, body)[0] == 201
            emulator.handle("GET", "/provisioned-model-throughputs", "maxResults=5", {}, b"")

    threads = [threading.Thread(target=worker, args=(f"t{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    _, _, body = emulator.handle("GET", "/provisioned-model-throughputs", "", {}, b"")
    summaries = json.loads(body)["provisionedModelSummaries"]
    assert len(summaries) == len({s["provisionedModelArn"] for s in summaries}) == 200
    emulator.reset()
    assert json.loads(emulator.handle("GET", "/provisioned-model-throughputs", "", {}, b"")[2]) == {
        "provisionedModelSummaries": []
    }


def test_every_fault_has_a_description() -> None:
    assert len(FAULTS) >= 55 and all(isinstance(text, str) and text for text in FAULTS.values())
