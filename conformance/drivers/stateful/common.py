"""Names, strategies and small helpers every stateful module shares."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from conformance.catalogue import contract
from conformance.targets.expect import documented_refusals, jsonable  # noqa: F401 - the machines' names

CREATE = "create_provisioned_model_throughput"
GET = "get_provisioned_model_throughput"
LIST = "list_provisioned_model_throughputs"
UPDATE = "update_provisioned_model_throughput"
DELETE = "delete_provisioned_model_throughput"
TAG = "tag_resource"
UNTAG = "untag_resource"
LIST_TAGS = "list_tags_for_resource"

NOT_FOUND = ("ResourceNotFoundException",)
NAME_PATTERN = re.compile(r"(?:[0-9a-zA-Z][_-]?)+")
TIMESTAMPS = ("creationTime", "lastModifiedTime", "commitmentExpirationTime")
PENDING_STATUSES = ("Creating", "Updating")
# A model id that follows the foundation-model pattern and that no target offers (modelArnEquals probes).
UNUSED_MODEL_ID = "amazon.conformance-unused-v1:0:4k"
# A well-formed model id naming no model (CREATE-UNKNOWN-MODEL).
UNKNOWN_MODEL_ID = "amazon.no-such-model-v9:0:1k"

INDEX = st.integers(min_value=0, max_value=63)
WORDS = ("a", "b", "ab", "ba", "abc", "c")
WORD = st.sampled_from(WORDS)
TAG_KEYS = ("k0", "k1", "k2", "k3", "Team", "cost:centre", "a.b/c")
TAG_VALUES = ("v", "", "blue", "x y", "a=b", "1")
TAGS = st.dictionaries(st.sampled_from(TAG_KEYS), st.sampled_from(TAG_VALUES), max_size=3)

FILTER_CLAUSES = {"status": "LIST-FILTER-STATUS", "model": "LIST-FILTER-MODEL", "name": "LIST-FILTER-NAME",
                  "time": "LIST-FILTER-TIME"}


def utc(value: Any) -> datetime:
    return contract.parse_time(value).astimezone(UTC)


def response_body(response: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def switched_on(data: st.DataObject, actions: list[Callable[[], Any]]) -> list[Callable[[], Any]]:
    """The actions of an initial battery that stay on: one flag drawn per action, each on 15 times in 16
    (Hypothesis' first, simplest example has them all off) and off once shrunk to 0, so a failure found in the
    battery shrinks to the actions it needs."""
    flags = data.draw(st.tuples(*[st.integers(0, 15)] * len(actions)), label="battery")
    return [action for flag, action in zip(flags, actions, strict=True) if flag]
