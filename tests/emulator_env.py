"""Shared by the emulator's own tests (test_emulator*.py): the models they use, a fake clock, one emulator
reached through one channel (`Env`: in-process or over HTTP) and the clients and server all tests share.
The fixtures built on them (server, make_env, env, local) are in conftest.py."""

from __future__ import annotations

import http.client
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from bedrock_emulator import Emulator, EmulatorConfig
from bedrock_emulator.botocore_adapter import attach
from bedrock_emulator.server import ServerHandle
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
# Request parts the validation, tag and list tests share.
CREATE = {"provisionedModelName": "v", "modelId": TITAN, "modelUnits": 1}
ARN_404 = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:provisioned-model/abcdefabcdef"
TAG = {"key": "k", "value": "v"}


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
    are shared: the clients by every test, the server (conftest's `server`) by the tests of one module."""

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


def error_of(call: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[str, int, dict[str, Any]]:
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    response = info.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"], response


def modelled_errors(operation: str) -> set[str]:
    return {shape.name for shape in MODEL.operation_model(operation).error_shapes}
