"""JSON Schema and OpenAPI documents of the Provisioned Model Throughput contract.

The documents are generated from the installed botocore model by `schemas.generate` and committed;
this module only reads them (no botocore import).
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path

SCHEMA_DIR = Path(__file__).resolve().parent

OPERATIONS = (
    "CreateProvisionedModelThroughput",
    "GetProvisionedModelThroughput",
    "ListProvisionedModelThroughputs",
    "UpdateProvisionedModelThroughput",
    "DeleteProvisionedModelThroughput",
    "TagResource",
    "UntagResource",
    "ListTagsForResource",
)


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
