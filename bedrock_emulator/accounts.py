"""Account modes: what real AWS accounts answer that a fresh emulator does not.

Nobody testing this project can reach AWS; public evidence from people who ran against real accounts (summarised
with sources in docs/aws.md, "A first real run") says a real account answers some things no emulator showed. An
account mode makes the reference answer that way, so that ``--target aws --endpoint-url URL`` can be tested
against each. Modes compose; none is on by default. They are neither faults (every mode is what AWS does) nor
quirks (a quirk is a choice the contract leaves open; a mode is a property of an account, a region or an
endpoint).

Besides the eight operations the modes need two answers an account gives: Bedrock's ListFoundationModels
(``GET /foundation-models``: the models Provisioned Throughput can be bought for, with their lifecycle status) and
Service Quotas' ListServiceQuotas (``POST /``, ``X-Amz-Target: ServiceQuotasV20190624.ListServiceQuotas``: the
account's no-commitment model-unit quota, when the emulator has one).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qs

ACCOUNT_MODES: dict[str, str] = {}  # name -> one-line description, filled by _mode() below


def _mode(name: str, description: str) -> str:
    """Declare an account mode (`--account-mode NAME`); the emulator tests the returned constant."""
    assert name not in ACCOUNT_MODES, name
    ACCOUNT_MODES[name] = description
    return name


LEGACY = _mode("legacy-models", "The older default models (Titan Text G1 - Express and the other pre-2024 "
    "ids) are in the "
    "Legacy lifecycle state: ListFoundationModels lists them LEGACY and Create refuses them with "
    "ResourceNotFoundException 'This Model is marked by provider as Legacy' (UG model-lifecycle: no new "
    "Provisioned Throughput for a Legacy model; aws-samples/amazon-bedrock-workshop#386).")
ZERO_QUOTA = _mode("zero-quota", "The account has no model-unit quota (a fresh account): Create answers "
    "ServiceQuotaExceededException and Service Quotas lists the no-commitment model-unit quota as 0 (UG "
    "prov-thru-purchase: request MUs from support first; apache/airflow example_bedrock.py).")
NO_PT_REGION = _mode("no-pt-region", "The region offers no Provisioned Throughput: every PT and tagging "
    "operation answers "
    "AccessDeniedException '... is not supported in this region' and ListFoundationModels lists no model for "
    "PROVISIONED (stdapi-ai/stdapi.ai stdapi/models/__init__.py matches 'not supported').")
CONFLICTS = _mode("conflicts", "Bedrock's framework answers ConflictException (400) for a taken name (create "
    "and rename), a "
    "clientRequestToken reused with other parameters, and an update or delete during Creating/Updating (sibling "
    "Bedrock Creates document ConflictException; the PT model lists it for Delete only).")
XML_ROUTE_MISS_MODE = _mode("xml-route-miss", "A request no route matches answers 404 with the XML body "
    "<UnknownOperationException/> "
    "(aws-samples/aws-genai-llm-chatbot#270); ListFoundationModels and Service Quotas are such misses here (an "
    "endpoint that serves the PT routes only).")
CORAL_ROUTE_MISS_MODE = _mode("coral-route-miss", "A request no route matches answers 404 with the nested Coral body "
    '{"Output":{"__type":"com.amazon.coral.service#UnknownOperationException"},"Version":"1.0"} (BerriAI/litellm '
    "#3805, #13618); ListFoundationModels and Service Quotas are such misses here.")
CANONICAL_MODEL_ARN = _mode("canonical-model-arn", "A foundation model may be named without its context "
    "suffix (amazon.nova-lite-v1:0 "
    "for amazon.nova-lite-v1:0:24k); modelArn, desiredModelArn and foundationModelArn are always the canonical "
    "ARN ListFoundationModels lists, with version and context (hashicorp/terraform-provider-aws custom_model.go: "
    "the base model ARN 'can contain the model version and parameter count').")
SLOW_CREATING = _mode("slow-creating", "A create stays Creating for SLOW_CREATING_SECONDS (20 minutes, as on "
    "AWS: 15-30 minutes) "
    "times --time-scale (e.g. 0.001: 1.2 s), unless --create-delay is longer.")

SLOW_CREATING_SECONDS = 1200.0
# Model ids that AWS has moved to Legacy (UG model-lifecycle; pt-supported no longer lists Titan Text G1 - Express;
# hashicorp/terraform-provider-aws#47833 moved its tests off Titan). Under legacy-models these are refused.
LEGACY_MODELS = frozenset({
    "amazon.titan-text-express-v1:0:8k", "amazon.titan-text-lite-v1:0:4k", "amazon.titan-embed-text-v1:2:8k",
    "anthropic.claude-v2:1:200k", "anthropic.claude-instant-v1:2:100k", "meta.llama2-13b-chat-v1:0:4k",
    "cohere.command-text-v14:7:4k",
})
LEGACY_MESSAGE = "This Model is marked by provider as Legacy and you have not been actively using the model"
NOT_SUPPORTED_MESSAGE = "Provisioned Throughput is not supported in this region ({region})"
XML_ROUTE_MISS = b"<UnknownOperationException/>"
CORAL_ROUTE_MISS = json.dumps({"Output": {"__type": "com.amazon.coral.service#UnknownOperationException"},
                               "Version": "1.0"}, separators=(",", ":")).encode()
# The codes the conflicts mode answers where the reference refuses with ValidationException (and their status).
CONFLICT = "ConflictException"
TYPICAL_ERRORS: Mapping[str, int] = {CONFLICT: 400}

SERVICE_QUOTAS_TARGET = "ServiceQuotasV20190624."
# The quota names of the General Reference's "Amazon Bedrock endpoints and quotas" for no-commitment model units.
NO_COMMITMENT_QUOTAS = (("L-conformance1", "Model units no-commitment Provisioned Throughputs across base models"),
                        ("L-conformance2", "Model units no-commitment Provisioned Throughputs across custom models"))

Response = tuple[int, dict[str, str], bytes]


def context_free(model_id: str) -> str | None:
    """``amazon.nova-lite-v1:0`` for ``amazon.nova-lite-v1:0:24k`` (None when the id has no context suffix)."""
    parts = model_id.split(":")
    return ":".join(parts[:2]) if len(parts) == 3 and parts[2].endswith("k") else None


def route_miss(modes: Iterable[str], request_id: str, method: str, path: str) -> Response:
    """The answer to a request no route matches, in the form the modes give (default: restJson1's JSON)."""
    modes = frozenset(modes)
    if XML_ROUTE_MISS_MODE in modes:
        return _answer(404, request_id, XML_ROUTE_MISS, "application/xml")
    if CORAL_ROUTE_MISS_MODE in modes:
        return _answer(404, request_id, CORAL_ROUTE_MISS, "application/json")
    body = json.dumps({"message": f"No operation matches {method} {path}"}).encode()
    return _answer(404, request_id, body, "application/json", error_type="UnknownOperationException")


def foundation_models(models: Iterable[str], modes: Iterable[str], region: str, query_string: str,
                      request_id: str) -> Response:
    """ListFoundationModels: each offered model for PROVISIONED, with its lifecycle status."""
    modes = frozenset(modes)
    query = parse_qs(query_string)
    wanted = query.get("byInferenceType", [None])[0]
    summaries = []
    if NO_PT_REGION not in modes and wanted in (None, "PROVISIONED"):
        for model_id in models:
            status = "LEGACY" if LEGACY in modes and model_id in LEGACY_MODELS else "ACTIVE"
            provider = model_id.split(".", 1)[0]
            summaries.append({
                "modelArn": f"arn:aws:bedrock:{region}::foundation-model/{model_id}", "modelId": model_id,
                "modelName": model_id, "providerName": provider.capitalize(), "inputModalities": ["TEXT"],
                "outputModalities": ["TEXT"], "responseStreamingSupported": True, "customizationsSupported": [],
                "inferenceTypesSupported": ["PROVISIONED"], "modelLifecycle": {"status": status}})
    return _answer(200, request_id, json.dumps({"modelSummaries": summaries}).encode(), "application/json")


def service_quotas(target: str, body: bytes, quota: int | None, region: str, account_id: str,
                   request_id: str) -> Response:
    """Service Quotas (JSON 1.1): ListServiceQuotas for bedrock lists the no-commitment model-unit quotas when the
    emulator has a quota; other calls answer UnknownOperationException as Service Quotas would."""
    operation = target[len(SERVICE_QUOTAS_TARGET):]
    try:
        params = json.loads(body or b"{}")
    except ValueError:
        params = {}
    if operation != "ListServiceQuotas":
        payload = {"__type": "UnknownOperationException", "message": f"{operation} is not served here"}
        return _answer(400, request_id, json.dumps(payload).encode(), "application/x-amz-json-1.1")
    quotas = []
    if quota is not None and isinstance(params, dict) and params.get("ServiceCode") == "bedrock":
        for code, name in NO_COMMITMENT_QUOTAS:
            quotas.append({"ServiceCode": "bedrock", "ServiceName": "Amazon Bedrock",
                           "QuotaArn": f"arn:aws:servicequotas:{region}:{account_id}:bedrock/{code}",
                           "QuotaCode": code, "QuotaName": name, "Value": float(quota), "Unit": "None",
                           "Adjustable": True, "GlobalQuota": False})
    return _answer(200, request_id, json.dumps({"Quotas": quotas}).encode(), "application/x-amz-json-1.1")


def _answer(status: int, request_id: str, payload: bytes, content_type: str, *, error_type: str = "") -> Response:
    headers = {"Content-Type": content_type, "x-amzn-RequestId": request_id, "Content-Length": str(len(payload))}
    if error_type:
        headers["x-amzn-ErrorType"] = error_type
    return status, headers, payload
