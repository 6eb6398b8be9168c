"""The schemathesis phase: silent on the reference, a clause failure on a faulty one, and safe by construction."""

from __future__ import annotations

import json

import pytest
import requests
from conftest import load_report, statuses

from conformance.catalogue.settings import load
from conformance.drivers import schemathesis_phase
from conformance.targets.target import open_target


def _run_phase(cli, tmp_path, *args):
    report_dir = tmp_path / "out"
    result = cli("run", "--only", "API-SCHEMATHESIS", "--profile", "quick", "--seed", "3",
                 "--report-dir", str(report_dir), "-q", *args)
    return result, load_report(report_dir)


def test_phase_passes_on_reference_http(cli, tmp_path):
    result, report = _run_phase(cli, tmp_path, "--target", "reference-http")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert statuses(report)["API-SCHEMATHESIS"] == "passed"


def test_phase_fails_on_a_faulty_reference(cli, tmp_path):
    result, report = _run_phase(cli, tmp_path, "--target", "reference", "--fault", "create-status-200")
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-2000:]
    clause = next(c for c in report["clauses"] if c["id"] == "API-SCHEMATHESIS")
    assert clause["status"] == "failed"
    assert "status_code_conformance" in json.dumps(clause)  # the failing schemathesis check is named
    assert "Signature=" not in json.dumps(report).replace("Signature=<redacted>", "")  # never a signature


def test_phase_is_skipped_where_it_must_not_or_cannot_run():
    assert "never runs against real AWS" in schemathesis_phase.skip_reason(_Fake("aws"))
    assert "moto-server" in schemathesis_phase.skip_reason(_Fake("moto"))
    assert schemathesis_phase.skip_reason(_Fake("reference")) is None
    assert schemathesis_phase.skip_reason(_Fake("http://127.0.0.1:9")) is None


class _Fake:
    def __init__(self, name):
        self.settings = load({"target": name})


def test_sigv4_signs_the_serialised_body():
    from botocore.credentials import Credentials

    auth = schemathesis_phase.SigV4RequestsAuth(Credentials("AKIDEXAMPLE", "secret"), "us-west-2")
    body = b'{"provisionedModelName": "x"}'
    prepared = requests.Request("POST", "http://127.0.0.1:1/provisioned-model-throughput", data=body,
                                headers={"Content-Type": "application/json"}, auth=auth).prepare()
    authorization = prepared.headers["Authorization"]
    assert authorization.startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/us-west-2/bedrock/aws4_request" in authorization
    assert "X-Amz-Date" in prepared.headers
    # The signature covers the bytes requests sends: botocore computes the same one from the prepared request.
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    signer = SigV4Auth(Credentials("AKIDEXAMPLE", "secret"), "bedrock", "us-west-2")

    def signature(data):
        again = AWSRequest(method="POST", url=prepared.url, data=data, headers={
            k: v for k, v in prepared.headers.items() if k != "Authorization"})
        again.context["timestamp"] = prepared.headers["X-Amz-Date"]
        return signer.signature(signer.string_to_sign(again, signer.canonical_request(again)), again)

    assert authorization.endswith("Signature=" + signature(body))
    assert not authorization.endswith("Signature=" + signature(body + b" "))


def test_query_spaces_go_out_as_aws_clients_send_them():
    """requests form-encodes a space as '+'; AWS clients (SigV4, botocore) send %20, and a server may keep '+'."""
    encode = schemathesis_phase.aws_query_encoding
    assert encode("http://h/p?nextToken=space+inside&maxResults=2") == (
        "http://h/p?nextToken=space%20inside&maxResults=2")
    assert encode("http://h/p?nextToken=a%2Bb") == "http://h/p?nextToken=a%2Bb"  # a real '+' is untouched
    assert encode("http://h/a+b") == "http://h/a+b"  # only the query
    assert encode("http://h/p") == "http://h/p"
    from botocore.credentials import Credentials

    auth = schemathesis_phase.SigV4RequestsAuth(Credentials("AKIDEXAMPLE", "secret"), "us-east-1")
    prepared = requests.Request("GET", "http://127.0.0.1:1/provisioned-model-throughputs",
                                params={"nextToken": "space inside"}, auth=auth).prepare()
    assert prepared.url.endswith("?nextToken=space%20inside")


def test_a_space_in_a_token_is_invalid_on_a_server_that_keeps_plus_literal(cli, tmp_path):
    """Regression: over HTTP with garbage-token-empty (an unknown token answers an empty page) the reference, which
    reads '+' literally, took schemathesis' 'space+inside' for a well-formed unknown token and answered 200:
    negative_data_rejection fired on a conformant server (seed 1633605839, two workers)."""
    report_dir = tmp_path / "out"
    result = cli("run", "--only", "API-SCHEMATHESIS", "--profile", "quick", "--seed", "1633605839", "-n", "2",
                 "--target", "reference-http", "--quirk", "garbage-token-empty", "--report-dir", str(report_dir),
                 "-q")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert statuses(load_report(report_dir))["API-SCHEMATHESIS"] == "passed"


@pytest.fixture
def reference():
    target = open_target(load({"target": "reference"}))
    yield target
    target.close()


def test_generated_requests_only_touch_the_runs_own_resources(reference):
    """Foreign resources named the way generators like (0, A, a0...) survive the phase untouched."""
    emulator = reference.emulator
    foreign = {}
    for name in ("0", "A", "a0", "0-0", "00"):
        body = json.dumps({"provisionedModelName": name, "modelUnits": 1, "modelId": reference.settings.models[0],
                           "tags": [{"key": "owner", "value": "someone-else"}]}).encode()
        status, _, payload = emulator.handle("POST", "/provisioned-model-throughput", "", {}, body)
        assert status == 201
        foreign[json.loads(payload)["provisionedModelArn"]] = name

    phase = schemathesis_phase.Phase(reference)
    try:
        for operation in schemathesis_phase.OPERATIONS:
            assert phase.run_operation(operation, seed=5, fuzz_cases=6) > 0
        listed = reference.sdk.list_provisioned_model_throughputs(maxResults=1000)["provisionedModelSummaries"]
        ours = [s for s in listed if s["provisionedModelArn"] not in foreign]
        assert ours, "the phase created nothing: the rewrite of Create stopped working"
        for summary in ours:
            assert summary["provisionedModelName"].startswith(reference.run_prefix), summary
            assert reference.created.get(summary["provisionedModelArn"]), summary  # tracked for cleanup
    finally:
        phase.close()

    for arn, name in foreign.items():
        record = reference.sdk.get_provisioned_model_throughput(provisionedModelId=arn)
        assert record["provisionedModelName"] == name
        assert reference.sdk.list_tags_for_resource(resourceARN=arn)["tags"] == [
            {"key": "owner", "value": "someone-else"}]
    # The phase deleted what it created when it closed.
    listed = reference.sdk.list_provisioned_model_throughputs(maxResults=1000)["provisionedModelSummaries"]
    assert {s["provisionedModelArn"] for s in listed} == set(foreign)
    assert reference.cleanup() == {}


def test_schemathesis_alone_is_silent_on_the_reference_and_catches_a_fault():
    from bedrock_emulator import Emulator, EmulatorConfig
    from bedrock_emulator.server import start

    clean = start(Emulator(EmulatorConfig()))
    faulty = start(Emulator(EmulatorConfig(faults=frozenset({"create-status-200"}))))
    try:
        assert schemathesis_phase.run_schemathesis_only(clean.url, max_examples=5, seed=1) == []
        assert "status_code_conformance" in schemathesis_phase.run_schemathesis_only(
            faulty.url, max_examples=5, seed=1)
    finally:
        clean.stop()
        faulty.stop()
