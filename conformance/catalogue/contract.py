"""The suite's own reading of the contract: expected ARNs, statuses and what a record must hold.

Written from the botocore model and the AWS docs (see docs/contract.md), never from the reference emulator.
"""

from __future__ import annotations

import functools
import re
import secrets
import string
from datetime import UTC, datetime
from typing import Any

STATUSES = ("Creating", "InService", "Updating", "Failed")
SETTLED = ("InService", "Failed")
COMMITMENTS = ("OneMonth", "SixMonths")
# Members every Get answer carries (the output shape's required list) and a List summary carries.
SUMMARY_MEMBERS = ("provisionedModelName", "provisionedModelArn", "modelArn", "desiredModelArn",
                   "foundationModelArn", "modelUnits", "desiredModelUnits", "status", "commitmentDuration",
                   "commitmentExpirationTime", "creationTime", "lastModifiedTime")
MAX_TAGS = 50  # per resource, counting existing tags (Bedrock user guide, tagging)

_ID_ALPHABET = string.ascii_lowercase + string.digits


def provisioned_arn_pattern(region: str, account: str | None) -> re.Pattern[str]:
    account_part = re.escape(account) if account else "[0-9]{12}"
    return re.compile(rf"arn:{re.escape(partition(region))}:bedrock:{re.escape(region)}:{account_part}:"
                      r"provisioned-model/[a-z0-9]{12}")


@functools.lru_cache(maxsize=64)
def partition(region: str) -> str:
    """The ARN partition of a region (aws, aws-cn, aws-us-gov, ...), from botocore's own partition data."""
    import botocore.session

    try:
        return botocore.session.get_session().get_partition_for_region(region)
    except Exception:  # noqa: BLE001 - an unknown region is the default partition's
        return "aws"


def random_arn(region: str, account: str | None) -> str:
    """A well-formed provisioned-model ARN that no server has issued (for 404 probes)."""
    suffix = "".join(secrets.choice(_ID_ALPHABET) for _ in range(12))
    return f"arn:{partition(region)}:bedrock:{region}:{account or '123456789012'}:provisioned-model/{suffix}"


def account_of(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 else None


def foundation_arn(model_id: str, region: str) -> str:
    return f"arn:{partition(region)}:bedrock:{region}::foundation-model/{model_id}"


_QUALIFIERS = re.compile(r"(:[a-z0-9-]{1,63}){1,2}$")


def foundation_arn_ok(actual: Any, expected: str) -> bool:
    """foundationModelArn names the expected base model; the version qualifiers of its id (``:0:8k``) may be
    dropped: the model calls it "the ARN of the base model" and no source shows which form AWS answers."""
    if actual == expected:
        return True
    head, _, model = expected.rpartition("/")
    return actual == f"{head}/{_QUALIFIERS.sub('', model)}"


def is_arn(value: str) -> bool:
    return value.startswith("arn:")


def expected_model_arn(model_id: str, region: str, *, custom_models: dict[str, str],
                       canonical: dict[str, str] | None = None) -> str:
    """modelArn for a create with ``model_id``: the full ARN of the model asked for.

    ``custom_models`` maps custom-model ARN -> base model id. A custom model given by name is not resolvable
    without the target's catalogue, so callers only pass ids, foundation ARNs or custom ARNs. ``canonical`` maps a
    model id to the ARN the target lists for it (on AWS, ListFoundationModels: AWS answers that canonical ARN,
    with version and context, whatever the request's spelling; U-11, hashicorp/terraform-provider-aws
    custom_model.go).
    """
    if canonical and model_id in canonical:
        return canonical[model_id]
    if is_arn(model_id):
        return model_id
    return foundation_arn(model_id, region)


def expected_foundation_arn(model_id: str, region: str, *, custom_models: dict[str, str],
                            canonical: dict[str, str] | None = None) -> str:
    if canonical and model_id in canonical:
        return canonical[model_id]
    if model_id in custom_models:
        return foundation_arn(custom_models[model_id], region)
    if is_arn(model_id):
        return model_id
    return foundation_arn(model_id, region)


def parse_time(value: Any) -> datetime:
    """botocore parses ISO 8601 timestamps to aware datetimes; accept both for comparisons."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def units_ok(allocated: Any, status: Any, requested: int) -> bool:
    """modelUnits is what is allocated: while Creating anything from 1 (the shape's minimum) up to the request,
    after that the request itself (Update never changes units)."""
    if status == "Creating":
        return type(allocated) is int and 1 <= allocated <= requested
    return allocated == requested


def same_value(a: Any, b: Any) -> bool:
    """Equal, with timestamps compared as instants."""
    if isinstance(a, datetime) and isinstance(b, datetime):
        return parse_time(a) == parse_time(b)
    return a == b


def tag_dict(tags: list[dict[str, str]] | None) -> dict[str, str]:
    return {t["key"]: t["value"] for t in tags or []}
