"""JSON Schema and OpenAPI documents of the Provisioned Model Throughput contract.

The documents are generated from the installed botocore model by `schemas.generate` and committed;
this module only reads them (no botocore import).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SCHEMA_DIR = Path(__file__).resolve().parent



@dataclass(frozen=True)
class Operation:
    """One operation of the contract: its botocore name, the short key clause ids and flags use (``CREATE``),
    the boto3 method name, and the request member that names the resource it acts on (None: no resource)."""

    name: str
    key: str
    method: str
    id_parameter: str | None


# The operation table: every other list of operations (clauses, strategies, targets, the schemathesis phase,
# the fault catalogue, tests) is derived from it. Contract order.
OPERATION_TABLE: tuple[Operation, ...] = (
    Operation("CreateProvisionedModelThroughput", "CREATE", "create_provisioned_model_throughput", None),
    Operation("GetProvisionedModelThroughput", "GET", "get_provisioned_model_throughput", "provisionedModelId"),
    Operation("ListProvisionedModelThroughputs", "LIST", "list_provisioned_model_throughputs", None),
    Operation("UpdateProvisionedModelThroughput", "UPDATE", "update_provisioned_model_throughput",
              "provisionedModelId"),
    Operation("DeleteProvisionedModelThroughput", "DELETE", "delete_provisioned_model_throughput",
              "provisionedModelId"),
    Operation("TagResource", "TAG", "tag_resource", "resourceARN"),
    Operation("UntagResource", "UNTAG", "untag_resource", "resourceARN"),
    Operation("ListTagsForResource", "LISTTAGS", "list_tags_for_resource", "resourceARN"),
)
OPERATIONS: tuple[str, ...] = tuple(op.name for op in OPERATION_TABLE)
OPERATION_KEYS: tuple[str, ...] = tuple(op.key for op in OPERATION_TABLE)
_BY_ANY = {**{op.name: op for op in OPERATION_TABLE}, **{op.key: op for op in OPERATION_TABLE},
           **{op.method: op for op in OPERATION_TABLE}}


def operation(name_key_or_method: str) -> Operation:
    """The table row for an operation name, key or boto3 method name."""
    try:
        return _BY_ANY[name_key_or_method]
    except KeyError:
        raise KeyError(f"unknown operation {name_key_or_method!r}; expected one of {', '.join(OPERATIONS)}") from None


def operations() -> list[str]:
    """The eight operation names, in contract order."""
    return list(OPERATIONS)


@cache
def _read(relative: str) -> dict:
    return json.loads((SCHEMA_DIR / relative).read_text(encoding="utf-8"))


def load(operation: str) -> dict:
    """The generated document `json/<operation>.json` (a fresh copy of the cached parse)."""
    if operation not in OPERATIONS:
        raise KeyError(f"unknown operation {operation!r}; expected one of {', '.join(OPERATIONS)}")
    return copy.deepcopy(_read(f"json/{operation}.json"))


def openapi() -> dict:
    """The generated OpenAPI 3.0 document `openapi.json` (a fresh copy of the cached parse)."""
    return copy.deepcopy(_read("openapi.json"))
