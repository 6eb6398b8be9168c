"""Account modes of the reference emulator (bedrock_emulator.accounts): each answers as the evidence says a real
account does, and only there; without a mode it answers as the reference always does."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest

from bedrock_emulator import Emulator, EmulatorConfig
from bedrock_emulator.accounts import ACCOUNT_MODES, CORAL_ROUTE_MISS, LEGACY_MODELS, XML_ROUTE_MISS
from bedrock_emulator.server import _parser, config_from

NOVA = "amazon.nova-lite-v1:0:24k"
TITAN = "amazon.titan-text-express-v1:0:8k"
COLLECTION = "/provisioned-model-throughput"
QUOTAS = {"X-Amz-Target": "ServiceQuotasV20190624.ListServiceQuotas"}


def call(emulator: Emulator, method: str, path: str, body: Any = None, query: str = "",
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    return emulator.handle(method, path, query, headers or {}, b"" if body is None else json.dumps(body).encode())


def create(emulator: Emulator, name: str = "pt", model: str = NOVA) -> tuple[int, dict[str, str], bytes]:
    return call(emulator, "POST", COLLECTION, {"provisionedModelName": name, "modelId": model, "modelUnits": 1})


def code(answer: tuple[int, dict[str, str], bytes]) -> tuple[int, str | None]:
    return answer[0], answer[1].get("x-amzn-ErrorType")


def listed(emulator: Emulator) -> dict[str, str]:
    body = json.loads(call(emulator, "GET", "/foundation-models", query="byInferenceType=PROVISIONED")[2])
    return {m["modelId"]: m["modelLifecycle"]["status"] for m in body["modelSummaries"]}


def test_no_mode_by_default_and_every_mode_is_described() -> None:
    assert EmulatorConfig().account_modes == frozenset()
    assert all(len(text) > 40 for text in ACCOUNT_MODES.values())
    with pytest.raises(ValueError, match="unknown account mode"):
        EmulatorConfig(account_modes={"no-such-mode"})


def test_foundation_models_are_listed_active_by_default() -> None:
    emulator = Emulator()
    assert set(listed(emulator).values()) == {"ACTIVE"} and NOVA in listed(emulator)
    assert code(create(emulator, model=TITAN))[0] == 201


def test_legacy_models_are_listed_legacy_and_refused() -> None:
    emulator = Emulator(EmulatorConfig(account_modes={"legacy-models"}))
    statuses = listed(emulator)
    assert statuses[NOVA] == "ACTIVE" and all(statuses[m] == "LEGACY" for m in LEGACY_MODELS)
    answer = create(emulator, model=TITAN)
    assert code(answer) == (404, "ResourceNotFoundException") and b"Legacy" in answer[2]
    assert emulator.live() == {} and code(create(emulator))[0] == 201


def test_zero_quota_refuses_every_create_and_lists_a_zero_quota() -> None:
    emulator = Emulator(EmulatorConfig(account_modes={"zero-quota"}))
    assert code(create(emulator)) == (400, "ServiceQuotaExceededException") and emulator.live() == {}
    quotas = json.loads(call(emulator, "POST", "/", {"ServiceCode": "bedrock"}, headers=QUOTAS)[2])["Quotas"]
    assert quotas and all(q["Value"] == 0 and "no-commitment" in q["QuotaName"] for q in quotas)
    # without a quota the emulator lists none (the preflight then relies on the create's answer)
    assert json.loads(call(Emulator(), "POST", "/", {"ServiceCode": "bedrock"}, headers=QUOTAS)[2]) == {"Quotas": []}


def test_region_without_pt_denies_every_operation() -> None:
    emulator = Emulator(EmulatorConfig(account_modes={"no-pt-region"}))
    for answer in (call(emulator, "GET", COLLECTION + "s"), create(emulator), call(emulator, "GET", COLLECTION + "/x"),
                   call(emulator, "POST", "/listTagsForResource", {"resourceARN": "arn:aws:bedrock:us-east-1:"
                                                                   "123456789012:provisioned-model/abcdefabcdef"})):
        assert code(answer) == (403, "AccessDeniedException") and b"not supported" in answer[2]
    assert listed(emulator) == {}


def test_conflicts_answer_conflict_exception() -> None:
    emulator = Emulator(EmulatorConfig(account_modes={"conflicts"}, create_delay=60))
    assert code(create(emulator, "a"))[0] == 201
    assert code(create(emulator, "a")) == (400, "ConflictException")
    assert code(call(emulator, "PATCH", f"{COLLECTION}/a", {"desiredProvisionedModelName": "b"})) == (
        400, "ConflictException")  # while Creating
    assert code(call(emulator, "DELETE", f"{COLLECTION}/a")) == (400, "ConflictException")  # while Creating
    assert [pt["name"] for pt in emulator.live().values()] == ["a"]


@pytest.mark.parametrize(("mode", "body", "content_type"), [("xml-route-miss", XML_ROUTE_MISS, "application/xml"),
                                                           ("coral-route-miss", CORAL_ROUTE_MISS, "application/json")])
def test_route_misses(mode: str, body: bytes, content_type: str) -> None:
    emulator = Emulator(EmulatorConfig(account_modes={mode}))
    for answer in (call(emulator, "GET", "/no-such-route"), call(emulator, "GET", "/foundation-models"),
                   call(emulator, "POST", "/", {"ServiceCode": "bedrock"}, headers=QUOTAS)):
        assert (answer[0], answer[2], answer[1]["Content-Type"]) == (404, body, content_type)
        assert "x-amzn-ErrorType" not in answer[1]
    assert code(call(Emulator(), "GET", "/no-such-route")) == (404, "UnknownOperationException")


def test_canonical_model_arn_names_the_listed_variant() -> None:
    emulator = Emulator(EmulatorConfig(account_modes={"canonical-model-arn"}))
    assert code(create(emulator, model="amazon.nova-lite-v1:0"))[0] == 201
    record = json.loads(call(emulator, "GET", f"{COLLECTION}/{quote('pt')}")[2])
    canonical = f"arn:aws:bedrock:us-east-1::foundation-model/{NOVA}"
    assert record["modelArn"] == record["desiredModelArn"] == record["foundationModelArn"] == canonical
    assert code(create(Emulator(), model="amazon.nova-lite-v1:0")) == (404, "ResourceNotFoundException")


def test_slow_creating_scales_twenty_minutes() -> None:
    config = EmulatorConfig(account_modes={"slow-creating"}, time_scale=0.001)
    assert config.create_delay == pytest.approx(1.2)
    assert EmulatorConfig(account_modes={"slow-creating"}).create_delay == 1200


def test_serve_takes_account_modes() -> None:
    args = _parser().parse_args(["--account-mode", "zero-quota,legacy-models", "--account-mode", "conflicts",
                                 "--time-scale", "0.01"])
    config = config_from(args)
    assert config.account_modes == {"zero-quota", "legacy-models", "conflicts"} and config.time_scale == 0.01


def test_conflict_exception_is_accepted_on_create_and_update_and_counted() -> None:
    """Declared once (clauses.BEDROCK_TYPICAL_ERRORS): the wire checker accepts it where Bedrock answers it and
    counts it for the report; elsewhere it stays undocumented."""
    from conformance.catalogue.clauses import ConformanceFailure, tolerated_note
    from conformance.checker.checks import ResponseChecker
    from conformance.targets.expect import documented_refusals

    checker = ResponseChecker()
    headers = {"Content-Type": "application/json", "x-amzn-ErrorType": "ConflictException"}
    body = b'{"message": "taken"}'
    for operation in ("CreateProvisionedModelThroughput", "UpdateProvisionedModelThroughput"):
        checker.check(operation, 400, headers=headers, body=body, request=None)
        assert "ConflictException" in documented_refusals(operation)
    assert checker.tolerated == {("CreateProvisionedModelThroughput", "ConflictException"): 1,
                                 ("UpdateProvisionedModelThroughput", "ConflictException"): 1}
    assert "Bedrock-typical" in tolerated_note("CreateProvisionedModelThroughput", "ConflictException", 1)
    with pytest.raises(ConformanceFailure, match="not an error ListProvisionedModelThroughputs documents"):
        checker.check("ListProvisionedModelThroughputs", 400, headers=headers, body=body, request=None)
    assert "ConflictException" not in documented_refusals("ListProvisionedModelThroughputs")


@pytest.mark.parametrize(("status", "headers", "body"), [
    (404, {"Content-Type": "application/xml"}, XML_ROUTE_MISS),
    (404, {"Content-Type": "application/json"}, CORAL_ROUTE_MISS),
    (400, {"Content-Type": "application/json"}, CORAL_ROUTE_MISS),
    (400, {"Content-Type": "application/json", "x-amzn-ErrorType": "ValidationException"},
     b'{"message": "Unknown operation"}'),
    (404, {"Content-Type": "application/json", "x-amzn-ErrorType": "UnknownOperationException"}, b'{"message":"x"}'),
])
def test_every_route_miss_form_is_not_implemented_and_on_aws_a_bad_path(status, headers, body) -> None:
    from conformance.catalogue.clauses import NotImplementedOutcome
    from conformance.checker.checks import ResponseChecker

    with pytest.raises(NotImplementedOutcome, match="not implemented by the target"):
        ResponseChecker().check("GetProvisionedModelThroughput", status, headers=headers, body=body,
                                request=None)
    with pytest.raises(NotImplementedOutcome, match="the suite built a bad path"):
        ResponseChecker(real_aws=True).check("GetProvisionedModelThroughput", status, headers=headers,
                                             body=body, request=None)


def test_a_validation_message_that_merely_mentions_an_operation_is_a_refusal() -> None:
    from conformance.checker.checks import ResponseChecker

    headers = {"Content-Type": "application/json", "x-amzn-ErrorType": "ValidationException"}
    data = ResponseChecker().check("GetProvisionedModelThroughput", 400, headers=headers,
                                   body=b'{"message": "1 validation error detected: operation failed"}',
                                   request=None)
    assert data["message"].startswith("1 validation")
