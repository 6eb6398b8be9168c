"""The emulator's record model: a Provisioned Throughput as the emulator stores it, the model it serves, and
the moment a request is answered at (timestamps are microseconds since the epoch)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

Document = dict[str, Any]

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
PENDING = frozenset({"Creating", "Updating"})


@functools.lru_cache(maxsize=64)
def partition(region: str) -> str:
    """The ARN partition of a region (aws, aws-cn, aws-us-gov, ...), from botocore's partition data."""
    import botocore.session

    try:
        return str(botocore.session.get_session().get_partition_for_region(region))
    except Exception:  # noqa: BLE001 - a region botocore does not know is the default partition's
        return "aws"


def foundation_model_arn(region: str, model_id: str) -> str:
    return f"arn:{partition(region)}:bedrock:{region}::foundation-model/{model_id}"


def iso_timestamp(micros: int) -> str:
    """ISO 8601 UTC with microseconds, e.g. 2023-10-02T12:00:00.123456Z."""
    return (EPOCH + timedelta(microseconds=micros)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True, slots=True)
class Model:
    """A model a PT serves, resolved for one region."""

    arn: str
    short_id: str  # the foundation model id, or the custom model's name
    base_id: str
    foundation_arn: str
    custom: bool


@dataclass(slots=True)
class Throughput:
    arn: str
    region: str
    name: str
    purchased: Model  # the model the PT was bought for: decides which model changes are allowed
    model: Model
    desired_model: Model
    model_units: int
    desired_model_units: int
    commitment: str | None
    commitment_expiration: int | None
    creation_time: int  # microseconds since the epoch
    last_modified_time: int
    status: str
    status_since: int  # when the pending Creating/Updating began
    will_fail: bool
    failure_message: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    shadow_tags: list[tuple[str, str]] = field(default_factory=list)  # tag-duplicates-key: overwritten pairs


@dataclass(frozen=True, slots=True)
class Request:
    region: str
    now: int  # microseconds since the epoch, read under the state lock
