"""`serve`, the emulator people use in their own tests: flags and their help, model ids, the request log, bursts
of parallel clients, page tokens that are bookmarks, and optional signature checking."""

from __future__ import annotations

import argparse
import http.client
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from bedrock_emulator import Emulator, EmulatorConfig
from bedrock_emulator.config import DEFAULT_FOUNDATION_MODELS
from bedrock_emulator.server import LISTEN_BACKLOG, RequestLog, ServerHandle, _parser, config_from, start
from bedrock_emulator.signatures import check

MODEL = "amazon.titan-text-express-v1:0:8k"


def client(url: str, secret: str = "testing", **config: Any) -> Any:
    return boto3.client("bedrock", region_name="us-east-1", endpoint_url=url, aws_access_key_id="testing",
                        aws_secret_access_key=secret, config=Config(retries={"max_attempts": 1}, **config))


@pytest.fixture
def served() -> Iterator[ServerHandle]:
    handle = start(Emulator(EmulatorConfig()))
    yield handle
    handle.stop()


def test_every_serve_flag_has_help_and_its_default() -> None:
    from conformance.cli import build_parser

    parser = build_parser()
    serve = next(a for a in parser._subparsers._group_actions[0].choices.items() if a[0] == "serve")[1]
    text = " ".join(serve.format_help().split())
    for flag, default in [("--host", "127.0.0.1"), ("--port", "5566"), ("--create-delay", "0.0"),
                          ("--update-delay", "0.0"), ("--region", "us-east-1"), ("--account-id", "123456789012"),
                          ("--models", DEFAULT_FOUNDATION_MODELS[0]), ("--custom-models", "conformance-titan-custom-a")]:
        assert flag in text
        action = next(a for a in serve._actions if flag in a.option_strings)
        assert action.help and "default" in action.help, flag
        assert default.replace("-", "") in text.replace("-", ""), (flag, default)
    for flag in ("--log", "-v", "--check-signatures", "--fault", "--quirk"):
        assert next(a for a in serve._actions if flag in a.option_strings).help


def test_models_and_custom_models_choose_what_creates_accept() -> None:
    args = _parser().parse_args(["--models", "m.one-v1:0:4k,m.two-v1", "--custom-models", "mine=m.one-v1:0:4k"])
    config = config_from(args)
    assert config.foundation_models == ("m.one-v1:0:4k", "m.two-v1")
    assert [(m.name, m.base_model_id) for m in config.custom_models or ()] == [("mine", "m.one-v1:0:4k")]
    emulator = Emulator(config)
    handle = start(emulator)
    try:
        bedrock = client(handle.url)
        bedrock.create_provisioned_model_throughput(modelUnits=1, provisionedModelName="a", modelId="m.two-v1")
        bedrock.create_provisioned_model_throughput(modelUnits=1, provisionedModelName="b", modelId="mine")
        with pytest.raises(ClientError):
            bedrock.create_provisioned_model_throughput(modelUnits=1, provisionedModelName="c", modelId=MODEL)
    finally:
        handle.stop()
    with pytest.raises(argparse.ArgumentTypeError):
        _parser()._option_string_actions["--custom-models"].type("no-equals-sign")  # type: ignore[misc]
    with pytest.raises(ValueError, match="not among --models"):
        config_from(_parser().parse_args(["--models", "m.one-v1", "--custom-models", "x=m.other-v1"]))


def test_request_log_writes_one_line_a_request(tmp_path: Path) -> None:
    lines: list[str] = []

    class Sink:
        def write(self, text: str) -> None:
            lines.append(text)

        def flush(self) -> None:
            pass

    handle = start(Emulator(EmulatorConfig()), request_log=RequestLog(Sink()))  # type: ignore[arg-type]
    try:
        bedrock = client(handle.url)
        bedrock.list_provisioned_model_throughputs()
        with pytest.raises(ClientError):
            bedrock.get_provisioned_model_throughput(provisionedModelId="nope")
    finally:
        handle.stop()
    assert len(lines) == 2
    assert " GET /provisioned-model-throughputs 200 " in lines[0]
    assert " GET /provisioned-model-throughput/nope 404 ResourceNotFoundException " in lines[1]
    assert all(line.endswith("ms\n") for line in lines)


def test_serve_log_flag_writes_the_file(tmp_path: Path) -> None:
    import socket
    import subprocess
    import sys
    import time

    log = tmp_path / "requests.log"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "conformance", "serve", "--port", str(port), "--log", str(log)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url == f"http://127.0.0.1:{port}"
        client(url).list_provisioned_model_throughputs()
        deadline = time.monotonic() + 10
        while "GET /provisioned-model-throughputs 200" not in (log.read_text() if log.exists() else ""):
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        proc.terminate()
        proc.wait(10)


def test_a_burst_of_40_parallel_clients_is_answered(served: ServerHandle) -> None:
    assert LISTEN_BACKLOG >= 40
    port = served.port
    statuses: list[int] = []
    barrier = threading.Barrier(40)

    def one() -> None:
        barrier.wait()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/provisioned-model-throughputs")
        statuses.append(connection.getresponse().status)
        connection.close()

    threads = [threading.Thread(target=one) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 40


def _create(emulator: Emulator, name: str) -> str:
    status, _, body = emulator.handle("POST", "/provisioned-model-throughput", "", {}, json.dumps(
        {"modelUnits": 1, "provisionedModelName": name, "modelId": MODEL}).encode())
    assert status == 201
    return str(json.loads(body)["provisionedModelArn"])


def _page(emulator: Emulator, token: str | None, size: int = 2, order: str = "") -> tuple[list[str], str | None]:
    query = f"maxResults={size}" + (f"&sortBy=CreationTime&sortOrder={order}" if order else "")
    if token:
        from urllib.parse import quote

        query += f"&nextToken={quote(token, safe='')}"
    status, _, body = emulator.handle("GET", "/provisioned-model-throughputs", query, {}, b"")
    assert status == 200, body
    document = json.loads(body)
    return [s["provisionedModelName"] for s in document["provisionedModelSummaries"]], document.get("nextToken")


@pytest.mark.parametrize("order", ["", "Ascending", "Descending"])
def test_page_tokens_are_bookmarks_under_concurrent_writes(order: str) -> None:
    """A create or a delete between two pages neither repeats nor skips a record that was there all along."""
    clock = iter(range(10**6))
    emulator = Emulator(EmulatorConfig(clock=lambda: 1_700_000_000 + next(clock)))
    arns = {name: _create(emulator, name) for name in ("p0", "p1", "p2", "p3", "p4", "p5")}
    first, token = _page(emulator, None, order=order)
    # a delete of a record already seen, and a create (newest of all) between the pages
    emulator.handle("DELETE", f"/provisioned-model-throughput/{first[0]}", "", {}, b"")
    _create(emulator, "p6")
    rest: list[str] = []
    while token:
        page, token = _page(emulator, token, order=order)
        rest += page
    seen = first + rest
    kept = [name for name in arns]
    assert len(seen) == len(set(seen)), seen  # nothing repeated
    assert set(kept) <= set(seen), seen  # nothing that was there all along skipped
    # and a delete of a record not yet seen removes only that record
    emulator2 = Emulator(EmulatorConfig(clock=lambda: 1_700_000_000 + next(clock)))
    for name in ("q0", "q1", "q2", "q3", "q4"):
        _create(emulator2, name)
    first, token = _page(emulator2, None, order=order)
    emulator2.handle("DELETE", f"/provisioned-model-throughput/{first[-1]}", "", {}, b"")  # the bookmark itself
    rest = []
    while token:
        page, token = _page(emulator2, token, order=order)
        rest += page
    assert sorted(first + rest) == ["q0", "q1", "q2", "q3", "q4"]


# -- --check-signatures ----------------------------------------------------------------------------------------

@pytest.fixture
def signed_server() -> Iterator[ServerHandle]:
    handle = start(Emulator(EmulatorConfig()), check_signatures="testing")
    yield handle
    handle.stop()


def _raw(url: str, headers: dict[str, str]) -> tuple[int, str, dict[str, Any]]:
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", "/provisioned-model-throughputs", headers=headers)
    response = connection.getresponse()
    body = json.loads(response.read())
    connection.close()
    return response.status, str(response.getheader("x-amzn-ErrorType")), body


def test_check_signatures_accepts_signed_sdk_calls(signed_server: ServerHandle) -> None:
    bedrock = client(signed_server.url)
    arn = bedrock.create_provisioned_model_throughput(modelUnits=1, provisionedModelName="s", modelId=MODEL)[
        "provisionedModelArn"]
    assert bedrock.get_provisioned_model_throughput(provisionedModelId=arn)["provisionedModelName"] == "s"
    assert bedrock.list_provisioned_model_throughputs(nameContains="s", sortBy="CreationTime")[
        "provisionedModelSummaries"]
    bedrock.tag_resource(resourceARN=arn, tags=[{"key": "k", "value": "v w"}])


def test_check_signatures_refuses_like_aws(signed_server: ServerHandle) -> None:
    status, code, body = _raw(signed_server.url, {})
    assert (status, code, body) == (403, "MissingAuthenticationTokenException",
                                     {"message": "Missing Authentication Token"})
    status, code, _ = _raw(signed_server.url, {"Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/"
                                                                "us-east-1/bedrock/aws4_request"})
    assert (status, code) == (400, "IncompleteSignatureException")
    with pytest.raises(ClientError) as refused:
        client(signed_server.url, secret="wrong").list_provisioned_model_throughputs()
    assert refused.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_signature_check_refuses_tampering_scope_and_skew() -> None:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    request = AWSRequest(method="POST", url="http://h:1/provisioned-model-throughput", data=b'{"a":1}',
                         headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials("AKID", "testing"), "bedrock", "us-east-1").add_auth(request)
    headers = dict(request.headers.items())
    headers["Host"] = "h:1"
    path = "/provisioned-model-throughput"
    assert check("POST", path, "", headers, b'{"a":1}') is None
    assert check("POST", path, "", headers, b'{"a":2}')[1] == "InvalidSignatureException"  # type: ignore[index]
    assert check("POST", path, "x=1", headers, b'{"a":1}')[1] == "InvalidSignatureException"  # type: ignore[index]
    assert check("POST", path, "", headers, b'{"a":1}', clock=lambda: 0.0)[:2] == (  # type: ignore[index]
        403, "InvalidSignatureException")
    other = request.__class__(method="POST", url="http://h:1" + path, data=b"", headers={})
    SigV4Auth(Credentials("AKID", "testing"), "s3", "us-east-1").add_auth(other)
    assert "correct service" in check("POST", path, "", {**dict(other.headers.items()), "Host": "h:1"}, b"")[2]  # type: ignore[index]
    no_date = {k: v for k, v in headers.items() if k.lower() != "x-amz-date"}
    assert check("POST", path, "", no_date, b'{"a":1}')[:2] == (400, "IncompleteSignatureException")  # type: ignore[index]
