"""The preflight of ``--target aws``: free, fast checks of the account before anything billable.

What a real account answers that no emulator did (docs/aws.md, "A first real run", with the sources):
- credentials: STS GetCallerIdentity (the target opening discovers the account);
- the region: a ListProvisionedModelThroughputs of one item; AccessDeniedException "... not supported ..." means
  Provisioned Throughput is not offered there (stdapi-ai/stdapi.ai stdapi/models/__init__.py);
- the model: ListFoundationModels(byInferenceType=PROVISIONED); only a model in the ACTIVE lifecycle state takes a
  new Provisioned Throughput (UG model-lifecycle), and PT needs a contextual variant such as ``:24k`` (UG
  prov-thru-supported). Without ``--models`` the run picks one; with it the run checks it;
- the quota: Service Quotas' no-commitment model-unit quotas for bedrock, where the caller may read them (fresh
  accounts have none: UG prov-thru-purchase, apache/airflow example_bedrock.py). An unanswerable Service Quotas
  call is "unknown": the plan's first create then tells (ServiceQuotaExceededException, at no cost).

Each refusal is one line (``PreflightRefused``): the run exits 2 with a report, never a clause failure.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from conformance.catalogue.settings import Settings
from conformance.targets.target import Target, open_target

# AWS's own Provisioned Throughput example names it (UG prov-thru-code-examples: modelId='amazon.nova-lite-v1:0:24k');
# the pt-supported table gives it a no-commitment purchase in us-east-1. Preferred when the account lists it ACTIVE,
# and the model used when ListFoundationModels cannot be read.
PREFERRED_MODELS = ("amazon.nova-lite-v1:0:24k",)
FALLBACK_MODEL = PREFERRED_MODELS[0]
CONTEXTUAL = re.compile(r"^[^:]+:[0-9]+:[0-9]+[km]$")  # amazon.nova-lite-v1:0:24k (UG prov-thru-supported)
# Service Quotas names of the no-commitment model-unit quotas (General Reference, "Amazon Bedrock endpoints and
# quotas": "Model units no-commitment Provisioned Throughputs across base models" / "... across custom models").
NO_COMMITMENT_QUOTA = re.compile(r"no-commitment.*model units|model units.*no-commitment", re.IGNORECASE)
BASE_MODELS_QUOTA = re.compile(r"base models", re.IGNORECASE)
QUOTA_PAGES = 20
QUOTA_HELP = ("request model units first: Service Quotas console (Amazon Bedrock) or the AWS support center, see "
              "https://docs.aws.amazon.com/bedrock/latest/userguide/prov-thru-purchase.html")


class PreflightRefused(Exception):
    """The account cannot take this run: one line, exit 2, a report; nothing was created."""


@dataclass
class Listed:
    model_id: str
    arn: str
    status: str  # ACTIVE | LEGACY


@dataclass
class Preflight:
    settings: Settings  # with the chosen models (and max_live capped to the quota)
    notes: list[str] = field(default_factory=list)  # what was found and chosen, one line each
    canonical: dict[str, str] = field(default_factory=dict)  # model id -> the ARN ListFoundationModels lists
    quota: float | None = None  # no-commitment model units for base models, None when unreadable
    asked_max_live: int = 0  # max_live before the quota capped it


def models_given(settings: Settings) -> bool:
    return bool(settings.models)


def _plain(target: Target, service: str) -> Any:
    """A plain client (no wire checker: these are not the eight operations) on the target's session."""
    s = target.settings
    kwargs: dict[str, Any] = {"region_name": s.region, "config": Config(
        connect_timeout=s.connect_timeout, read_timeout=s.read_timeout,
        retries={"mode": "standard", "max_attempts": s.max_attempts})}
    if s.endpoint_url:
        kwargs["endpoint_url"] = s.endpoint_url
    return boto3.Session(botocore_session=target.clients.botocore_session()).client(service, **kwargs)


def listing(target: Target) -> tuple[dict[str, Listed] | None, str]:
    """ListFoundationModels(byInferenceType=PROVISIONED) by model id; None (and why) when it cannot be read."""
    try:
        answer = _plain(target, "bedrock").list_foundation_models(byInferenceType="PROVISIONED")
    except ClientError as exc:
        error = exc.response.get("Error", {})
        return None, f"{error.get('Code') or exc.response.get('ResponseMetadata', {}).get('HTTPStatusCode')}"
    except (BotoCoreError, ValueError) as exc:
        return None, type(exc).__name__
    found = {}
    for summary in answer.get("modelSummaries", []):
        if not isinstance(summary, dict) or not summary.get("modelId"):
            continue
        status = str((summary.get("modelLifecycle") or {}).get("status", "ACTIVE"))
        found[str(summary["modelId"])] = Listed(str(summary["modelId"]), str(summary.get("modelArn", "")), status)
    return found, ""


def listed_as(listed: dict[str, Listed], model_id: str) -> Listed | None:
    """The listing's entry for a model as the run names it: its id, its ARN, or its id without the context
    suffix when exactly one listed contextual variant extends it (AWS answers the canonical ARN: U-11)."""
    if model_id in listed:
        return listed[model_id]
    by_arn = next((m for m in listed.values() if m.arn == model_id), None)
    if by_arn is not None:
        return by_arn
    bare = model_id.rpartition("/")[2]
    extended = [m for m in listed.values() if m.model_id.startswith(bare + ":")]
    return extended[0] if len(extended) == 1 else None


def choose(listed: dict[str, Listed]) -> tuple[str | None, str]:
    """The model to buy: ACTIVE, a contextual variant; AWS's own example first, then the cheapest known."""
    from conformance.targets.aws import FALLBACK_HOURLY, HOURLY_PER_MODEL_UNIT

    active = sorted(m.model_id for m in listed.values() if m.status == "ACTIVE" and CONTEXTUAL.match(m.model_id))
    for preferred in PREFERRED_MODELS:
        if preferred in active:
            return preferred, "ACTIVE for Provisioned Throughput here, and AWS's own PT example (UG prov-thru-code-" \
                              "examples)"
    if not active:
        return None, ""
    cheapest = min(active, key=lambda m: (HOURLY_PER_MODEL_UNIT.get(m, FALLBACK_HOURLY), m))
    return cheapest, "the cheapest ACTIVE contextual variant listed for Provisioned Throughput here"


LAST: list[Preflight] = []  # the run's preflight (the CLI's), for the plugin in the same process: its report


def run(settings: Settings) -> Preflight:
    """Open the target (credentials), check the region, choose or check the model, read the quota."""
    target = open_target(settings)
    try:
        result = _check(target, settings)
    finally:
        target.close()
    LAST[:] = [result]
    return result


def _check(target: Target, settings: Settings) -> Preflight:
    region = settings.region
    try:
        target.sdk.list_provisioned_model_throughputs(maxResults=1)
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code, message = error.get("Code"), str(error.get("Message") or "")
        if code == "AccessDeniedException" and "not supported" in message.lower():
            raise PreflightRefused(f"Provisioned Throughput is not offered in {region} (AccessDeniedException: "
                                   f"{message}): choose a region that offers it (--region; see "
                                   "https://docs.aws.amazon.com/bedrock/latest/userguide/pt-supported.html)") from None
        if code == "AccessDeniedException":
            raise PreflightRefused(f"these credentials may not list Provisioned Throughputs in {region} "
                                   f"(AccessDeniedException: {message}): the run needs bedrock:*ProvisionedModel"
                                   "Throughput* and tagging permissions") from None
    result = Preflight(settings, asked_max_live=settings.max_live)
    chosen = choose_models(target, settings, result)
    result.settings = dataclasses.replace(settings, models=chosen)
    if settings.billable_run:
        _quota(target, result)
    return result


def choose_models(target: Target, settings: Settings, result: Preflight) -> tuple[str, ...]:
    """The models the run names: the account's choice without --models, else the given ones, checked."""
    listed, why_not = listing(target)
    if listed is not None:
        for entry in listed.values():
            if entry.arn:
                result.canonical[entry.model_id] = entry.arn
    if not models_given(settings):
        if listed is None:
            result.notes.append(f"model: {FALLBACK_MODEL} (ListFoundationModels could not be read: {why_not}; "
                                "AWS's own Provisioned Throughput example; --models overrides)")
            return (FALLBACK_MODEL,)
        model, why = choose(listed)
        if model is None:
            raise PreflightRefused(f"no model is ACTIVE for Provisioned Throughput in {settings.region} "
                                   f"(ListFoundationModels byInferenceType=PROVISIONED lists {len(listed)}, none "
                                   "ACTIVE with a contextual variant): choose another region or give --models")
        result.notes.append(f"model: {model} ({why}; --models overrides)")
        return (model,)
    for model in settings.models:
        entry = listed_as(listed, model) if listed is not None else None
        if listed is None:
            result.notes.append(f"model: {model} (given; ListFoundationModels could not be read: {why_not})")
        elif entry is None:
            result.notes.append(f"model: {model} (given; not listed for PROVISIONED here: sent as given)")
        elif entry.status != "ACTIVE":
            line = (f"--models {model}: ListFoundationModels lists it {entry.status} in {settings.region}; a "
                    "model that is not ACTIVE takes no new Provisioned Throughput (UG model-lifecycle)")
            if settings.billable_run:
                alternative, _ = choose(listed)
                raise PreflightRefused(line + (f": choose an ACTIVE one (e.g. {alternative}) or drop --models"
                                               if alternative else ": choose another model or region"))
            result.notes.append("warning: " + line)
        else:
            canonical = f", listed as {entry.arn}" if entry.model_id != model and entry.arn != model else ""
            result.notes.append(f"model: {model} (given; ACTIVE for Provisioned Throughput here{canonical})")
            if canonical:
                result.canonical[model] = entry.arn
    return settings.models


def _quota(target: Target, result: Preflight) -> None:
    """The no-commitment model-unit quota for base models, where Service Quotas answers; 0 refuses the run, less
    than max_live caps max_live."""
    settings = result.settings
    values: list[float] = []
    try:
        client = _plain(target, "service-quotas")
        pages = client.get_paginator("list_service_quotas").paginate(ServiceCode="bedrock")
        for number, page in enumerate(pages):
            for quota in page.get("Quotas", []):
                name = str(quota.get("QuotaName", ""))
                if NO_COMMITMENT_QUOTA.search(name) and BASE_MODELS_QUOTA.search(name) and "Value" in quota:
                    values.append(float(quota["Value"]))
            if number + 1 >= QUOTA_PAGES:
                break
    except (ClientError, BotoCoreError, ValueError) as exc:
        code = exc.response.get("Error", {}).get("Code") if isinstance(exc, ClientError) else type(exc).__name__
        result.notes.append(f"quota: unknown (Service Quotas could not be read: {code}); the first create tells")
        return
    if not values:
        result.notes.append("quota: unknown (Service Quotas lists no no-commitment model-unit quota for base "
                            "models); the first create tells")
        return
    result.quota = min(values)
    if result.quota < 1:
        raise PreflightRefused(f"this account can't buy a no-commitment Provisioned Throughput in {settings.region}"
                               f" (Service Quotas: {result.quota:g} no-commitment model units for base models): "
                               f"{QUOTA_HELP}")
    if result.quota < settings.max_live:
        result.settings = dataclasses.replace(settings, max_live=int(result.quota))
        result.notes.append(f"quota: {result.quota:g} no-commitment model units: max_live lowered from "
                            f"{settings.max_live} to {int(result.quota)}")
    else:
        result.notes.append(f"quota: {result.quota:g} no-commitment model units for base models")


def quota_refused_line(region: str, detail: str) -> str:
    """The one line of a run whose first create the quota refused (nothing was created)."""
    return (f"this account can't buy a no-commitment Provisioned Throughput in {region} ({detail}): "
            f"{QUOTA_HELP}")
