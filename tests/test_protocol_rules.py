"""AWS's restJson1 protocol rules (docs/contract.md, Protocol rules): the checker reads every error-name form
Smithy's errors.smithy allows and nothing else, accepts SerializationException where a request can fail to
deserialise, and an authentication refusal ends the run with one line about credentials and exit 2."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import load_report

from bedrock_emulator import Emulator
from bedrock_emulator.server import start
from conformance.catalogue.clauses import (
    ABSENT_OMITTED,
    AUTH_REFUSALS,
    ConformanceFailure,
    NotImplementedOutcome,
    TargetUnavailable,
)
from conformance.checker.checks import ResponseChecker, error_code
from conformance.checker.judgement import Judgement

CORAL = "http://internal.amazon.com/coral/com.amazon.coral.validate/"
NS = "com.amazonaws.bedrock"
JSON = {"Content-Type": "application/json"}


# errors.smithy, FooError's client tests: every form names the shape FooError.
@pytest.mark.parametrize("headers,body", [
    ({"X-Amzn-Errortype": "FooError"}, {}),                                       # ...UsingXAmznErrorType
    ({"X-Amzn-Errortype": f"FooError:{CORAL}"}, {}),                              # ...WithUri
    ({"X-Amzn-Errortype": f"aws.protocoltests.restjson#FooError:{CORAL}"}, {}),   # ...WithUriAndNamespace
    ({"X-Amzn-Errortype": f"aws.different.namespace#FooError:{CORAL}"}, {}),      # ...DifferentNamespace
    ({}, {"code": "FooError"}),                                                   # ...UsingCode
    ({}, {"code": "aws.protocoltests.restjson#FooError"}),                        # ...UsingCodeAndNamespace
    ({}, {"code": f"aws.protocoltests.restjson#FooError:{CORAL}"}),               # ...UsingCodeUriAndNamespace
    ({}, {"__type": "FooError"}),                                                 # ...WithDunderType
    ({}, {"__type": "aws.protocoltests.restjson#FooError"}),                      # ...DunderTypeAndNamespace
    ({}, {"__type": f"aws.protocoltests.restjson#FooError:{CORAL}"}),             # ...DunderTypeUriAndNamespace
    ({}, {"__type": "aws.protocoltests.restjson#FooError",                        # ...WithNestedTypeProperty
          "ErrorDetails": [{"__type": "com.amazon.internal#ErrorDetails", "reason": "Some reason"}]}),
    ({"X-Amzn-Errortype": "FooError"}, {"code": "BarError"}),                     # the header comes first
])
def test_every_error_name_form_of_errors_smithy(headers, body):
    assert error_code(headers, body) == "FooError"


@pytest.mark.parametrize("headers,body", [
    ({}, {"message": "x", "error": {"__type": "FooError"}}),  # nested only: clients must not read it
    ({}, {"message": "x", "errorType": "FooError"}),
    ({"X-Amzn-Errortype": ""}, {"message": "x"}),
    ({}, {"code": "#:"}),
])
def test_forms_errors_smithy_does_not_allow_name_nothing(headers, body):
    assert error_code(headers, body) is None


def _check(operation: str, status: int, code_headers: dict, body: dict):
    return ResponseChecker().check(operation, status, headers={**JSON, **code_headers},
                                   body=json.dumps(body).encode(), request=None)


@pytest.mark.parametrize("operation", ["CreateProvisionedModelThroughput", "ListProvisionedModelThroughputs",
                                       "UpdateProvisionedModelThroughput", "TagResource", "UntagResource",
                                       "ListTagsForResource"])
def test_serialization_exception_is_documented_where_a_request_can_fail_to_deserialise(operation):
    _check(operation, 400, {"x-amzn-ErrorType": f"SerializationException:{CORAL}"}, {"message": "bad"})
    _check(operation, 400, {}, {"__type": f"{NS}#SerializationException", "message": "bad"})
    with pytest.raises(ConformanceFailure, match="its error shape says 400") as failure:
        _check(operation, 500, {"x-amzn-ErrorType": "SerializationException"}, {"message": "bad"})
    assert failure.value.clause_id.endswith("-WIRE-ERROR-DOCUMENTED")


@pytest.mark.parametrize("operation", ["GetProvisionedModelThroughput", "DeleteProvisionedModelThroughput"])
def test_serialization_exception_is_undocumented_for_a_string_path_label_alone(operation):
    with pytest.raises(ConformanceFailure, match="is not an error") as failure:
        _check(operation, 400, {"x-amzn-ErrorType": "SerializationException"}, {"message": "bad"})
    assert failure.value.clause_id.endswith("-WIRE-ERROR-DOCUMENTED")


def test_a_nested_code_fails_the_error_clause():
    with pytest.raises(ConformanceFailure, match="names no error code") as failure:
        _check("GetProvisionedModelThroughput", 404, {},
               {"message": "x", "error": {"__type": "ResourceNotFoundException"}})
    assert failure.value.clause_id == "GET-WIRE-ERROR-DOCUMENTED"


ARN = "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abcdefghijkl"
FM = "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1:0:8k"
WHEN = "2023-10-02T12:00:00Z"
SUMMARY = {"provisionedModelName": "pt-1", "provisionedModelArn": ARN, "modelArn": FM, "desiredModelArn": FM,
           "foundationModelArn": FM, "modelUnits": 1, "desiredModelUnits": 1, "status": "InService",
           "creationTime": WHEN, "lastModifiedTime": WHEN}


def _soft(operation: str, body: dict) -> tuple[dict, list[ConformanceFailure], ResponseChecker]:
    checker, judgement = ResponseChecker(), Judgement()
    data = checker.check(operation, 200, headers=JSON, body=json.dumps(body).encode(), request=None,
                         into=judgement)
    return data, judgement.take_soft(), checker


@pytest.mark.parametrize(("operation", "body"), [
    # json-structs.smithy, RestJsonDoesntDeserializeNullStructureValues: a client reads the null as absent
    ("GetProvisionedModelThroughput", {**SUMMARY, "failureMessage": None, "commitmentDuration": None}),
    ("ListProvisionedModelThroughputs", {"provisionedModelSummaries": [
        SUMMARY, {**SUMMARY, "commitmentDuration": None, "commitmentExpirationTime": None}], "nextToken": None}),
    ("ListTagsForResource", {"tags": None}),
])
def test_a_null_for_an_optional_member_fails_only_its_own_clause(operation, body):
    """The schema clause reads the null as absent, as every SDK does; the one deviation from AWS (which omits the
    member: RestJsonServersDontSerializeNullStructureValues) is named by one clause, with the member's path."""
    data, failures, checker = _soft(operation, body)
    assert [f.clause_id for f in failures] == [ABSENT_OMITTED]
    key = {"GetProvisionedModelThroughput": "GET", "ListProvisionedModelThroughputs": "LIST"}.get(operation,
                                                                                                 "LISTTAGS")
    assert checker.checked[f"{key}-WIRE-SCHEMA"] == 1 and data == body
    nulls = [path for path, value in _members(body) if value is None]
    assert nulls and all(path in failures[0].message for path in nulls)


def _members(value, prefix=""):
    if isinstance(value, dict):
        for name, member in value.items():
            yield f"{prefix}{name}", member
            yield from _members(member, f"{prefix}{name}/")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _members(item, f"{prefix}{index}/")


@pytest.mark.parametrize(("operation", "body"), [
    ("GetProvisionedModelThroughput", {**SUMMARY, "foundationModelArn": None}),
    ("ListProvisionedModelThroughputs", {"provisionedModelSummaries": [{**SUMMARY, "status": None}]}),
    ("ListTagsForResource", {"tags": [{"key": "k", "value": None}]}),
])
def test_a_null_for_a_required_member_stays_a_schema_failure(operation, body):
    _, failures, checker = _soft(operation, body)
    assert [f.clause_id.rsplit("-WIRE-", 1)[1] for f in failures] == ["SCHEMA"]
    assert checker.checked[ABSENT_OMITTED] == 1  # nothing optional was null


def test_an_answer_without_null_passes_the_absent_clause():
    _, failures, checker = _soft("GetProvisionedModelThroughput", {**SUMMARY, "failureMessage": "null"})
    assert not failures and checker.checked[ABSENT_OMITTED] == 1


@pytest.mark.parametrize("code", sorted(AUTH_REFUSALS))
def test_an_auth_refusal_is_no_verdict(code):
    with pytest.raises(TargetUnavailable, match="refused the credentials"):
        _check("ListProvisionedModelThroughputs", 403, {"x-amzn-ErrorType": code}, {"message": "no"})


class _Refuses(BaseHTTPRequestHandler):
    """A stub endpoint that refuses every signature, as AWS answers a bad secret key."""

    def _refuse(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = json.dumps({"message": "The request signature we calculated does not match the signature you "
                                      "provided."}).encode()
        self.send_response(403)
        self.send_header("Content-Type", "application/json")
        self.send_header("x-amzn-ErrorType", f"InvalidSignatureException:{CORAL}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PATCH = do_DELETE = _refuse

    def log_message(self, *args: object) -> None:
        pass


def _one_line(result) -> str:
    assert result.returncode == 2, (result.stdout[-3000:], result.stderr[-3000:])
    assert "Traceback" not in result.stderr + result.stdout
    assert "wrong-secret" not in result.stdout + result.stderr, "a credential was printed"
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("bedrock-conformance:"), result.stderr
    return lines[0]


def test_a_refused_signature_ends_the_run_with_one_line_and_exit_2(cli):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Refuses)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = cli("run", "--target", f"http://127.0.0.1:{server.server_address[1]}", "--account-id",
                     "123456789012", "--profile", "quick", "--report-dir", "out", "-q", timeout=120,
                     AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="wrong-secret")
    finally:
        server.shutdown()
        server.server_close()
    assert "refused the credentials: InvalidSignatureException" in _one_line(result)


class _ExpiresAfter:
    """The reference emulator until its credentials 'expire': then ExpiredTokenException for every request."""

    def __init__(self, requests: int) -> None:
        self.emulator, self.left = Emulator(), requests

    def handle(self, method, raw_path, query_string, headers, body):
        self.left -= 1
        if self.left >= 0 or raw_path == "/":
            return self.emulator.handle(method, raw_path, query_string, headers, body)
        payload = json.dumps({"message": "The security token included in the request is expired"}).encode()
        return 400, {"Content-Type": "application/json", "x-amzn-ErrorType": "ExpiredTokenException",
                     "Content-Length": str(len(payload))}, payload


def test_credentials_expiring_mid_run_stop_it_with_exit_2_and_no_verdict(cli, tmp_path):
    handle = start(_ExpiresAfter(40))
    try:
        result = cli("run", "--target", handle.url, "--account-id", "123456789012", "--profile", "quick",
                     "--report-dir", "out", timeout=300, AWS_ACCESS_KEY_ID="AKIDEXAMPLE",
                     AWS_SECRET_ACCESS_KEY="wrong-secret")
    finally:
        handle.stop()
    assert result.returncode == 2, result.stdout[-3000:]
    assert "Traceback" not in result.stderr
    assert "wrong-secret" not in result.stdout + result.stderr
    report = load_report(tmp_path / "out")
    assert report["exit_code"] == 2
    assert any("refused the credentials: ExpiredTokenException" in p for p in report["problems"])
    failed = [c["id"] for c in report["clauses"] if c["status"] == "failed"]
    assert not failed, f"a refusal of credentials is no conformance verdict: {failed}"
    errors = [c for c in report["clauses"] if c["status"] == "error"]
    assert len(errors) <= 8, "the run stops at the first refusal instead of erring every test"


def test_unknown_operation_is_not_implemented_never_an_undocumented_error():
    with pytest.raises(NotImplementedOutcome):
        _check("GetProvisionedModelThroughput", 404, {"x-amzn-ErrorType": "UnknownOperationException"},
               {"message": "No operation matches GET /provisioned-model-throughput/x"})


def test_no_live_resource_and_existence_first_reports_skipped_never_passed(cli, tmp_path):
    """Nothing can be created (a model the target does not offer) and the target looks the resource up first: the
    Update/tagging REJECT clauses saw only 404s, so they are skipped with the reason; validating first passes them."""
    only = "UPDATE-REJECT-desiredProvisionedModelName,TAG-REJECT-tags"
    common = ("run", "--models", "amazon.nonexistent-v1:0:4k", "--profile", "quick", "--seed", "1", "-q",
              "--only", only)
    cli(*common, "--quirk", "existence-before-validation", "--report-dir", "first")
    cli(*common, "--report-dir", "validating")
    for clause in only.split(","):
        first = next(c for c in load_report(tmp_path / "first")["clauses"] if c["id"] == clause)
        assert first["status"] == "skipped" and "validation not observed" in first["message"], first
        assert "the create was refused" in first["message"]
        validating = next(c for c in load_report(tmp_path / "validating")["clauses"] if c["id"] == clause)
        assert validating["status"] == "passed", validating
