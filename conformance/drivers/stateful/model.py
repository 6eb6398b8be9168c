"""The model: what the target must hold for each Provisioned Throughput a machine created, and what a List query
may see of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class Record:
    """What the target must hold for one Provisioned Throughput this machine created."""

    arn: str
    name: str
    model_id: str  # as given to Create
    model_arn: str  # the modelArn the record serves (changes when an update completes)
    desired_model_arn: str
    foundation_arn: str
    units: int
    commitment: str | None
    tags: dict[str, str]
    purchased_custom: bool
    create_params: dict[str, Any]
    token: str | None
    status: str = "Creating"  # as last seen
    pending: str | None = "create"  # None once a Get showed InService/Failed after the last change
    creation_time: datetime | None = None
    last_modified: datetime | None = None
    expiration: datetime | None = None
    old_names: list[str] = field(default_factory=list)
    last_update: str | None = None  # "rename" | "model" | "empty": the last update the target accepted
    floor_pending: datetime | None = None  # server time before the last accepted update
    advance_past: datetime | None = None  # a lastModifiedTime the next accepted update must pass (wait_past)
    seen_at: float | None = None  # time.monotonic() of the last Get the model checked
    tag_op: str = "create"  # the last tagging change: create | tag | untag | limit

    @property
    def updated(self) -> bool:
        return self.last_update is not None


@dataclass(frozen=True)
class Snapshot:
    """A record as the model knew it when a List query started."""

    arn: str
    name: str
    model_arn: str | None  # None: a model update is in progress
    status: str | None  # None: the status may change while the query runs
    creation_time: datetime


def created_at(rec: Record) -> datetime:
    """A record's creationTime (known from the Get right after its create)."""
    assert rec.creation_time is not None
    return rec.creation_time
