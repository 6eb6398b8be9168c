"""How the reference emulator takes requests: input validation (through boto3 and raw), STS, prepared
requests, the HTTP server and its command line, concurrency."""

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
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

import boto3
import pytest
from emulator_env import (
    ARN_404,
    CREATE,
    MODEL,
    OPERATIONS,
    REGION,
    TAG,
    TITAN,
    Env,
    error_of,
    make_local,
    modelled_errors,
)

from bedrock_emulator import FAULTS, Emulator
from bedrock_emulator.botocore_adapter import handler_for
from bedrock_emulator.server import start

# --- validation ---------------------------------------------------------------------------------------

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
