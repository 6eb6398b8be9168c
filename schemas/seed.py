"""The seed changelog (botocore, 2023-10-02, "Amazon Bedrock - 5 new api methods") as data.

Transcribed from the changelog's Request Syntax / Response Syntax blocks. Parameters are top-level request
members; response fields are dotted paths (a list's items add no segment: "provisionedModelSummaries.status").
The current model is authoritative; `drift()` reports how it differs from this history.
"""

from __future__ import annotations

SEED_DATE = "2023-10-02"

SEED_PARAMETERS: dict[str, list[str]] = {
    "DeleteProvisionedModelThroughput": ["provisionedModelId"],
    "ListProvisionedModelThroughputs": [
        "creationTimeAfter", "creationTimeBefore", "statusEquals", "modelArnEquals", "nameContains",
        "maxResults", "nextToken", "sortBy", "sortOrder",
    ],
    "CreateProvisionedModelThroughput": [
        "clientRequestToken", "modelUnits", "provisionedModelName", "modelId", "commitmentDuration", "tags",
    ],
    "GetProvisionedModelThroughput": ["provisionedModelId"],
    "UpdateProvisionedModelThroughput": ["provisionedModelId", "desiredProvisionedModelName", "desiredModelId"],
}

_SUMMARY = [
    "provisionedModelName", "provisionedModelArn", "modelArn", "desiredModelArn", "foundationModelArn",
    "modelUnits", "desiredModelUnits", "status", "commitmentDuration", "commitmentExpirationTime",
    "creationTime", "lastModifiedTime",
]

SEED_RESPONSE_FIELDS: dict[str, list[str]] = {
    "DeleteProvisionedModelThroughput": [],
    "ListProvisionedModelThroughputs": [
        "nextToken", "provisionedModelSummaries", *(f"provisionedModelSummaries.{f}" for f in _SUMMARY),
    ],
    "CreateProvisionedModelThroughput": ["provisionedModelArn"],
    "GetProvisionedModelThroughput": [
        "modelUnits", "desiredModelUnits", "provisionedModelName", "provisionedModelArn", "modelArn",
        "desiredModelArn", "foundationModelArn", "status", "creationTime", "lastModifiedTime", "failureMessage",
        "commitmentDuration", "commitmentExpirationTime",
    ],
    "UpdateProvisionedModelThroughput": [],
}


def field_paths(schema: dict, prefix: str = "") -> list[str]:
    """Dotted paths of every object property in a JSON Schema (array items add no segment)."""
    kind = schema.get("type")
    if kind == "array" or (isinstance(kind, list) and "array" in kind):  # a type list: an optional member
        return field_paths(schema["items"], prefix)
    paths = []
    for name, child in schema.get("properties", {}).items():
        paths += [prefix + name, *field_paths(child, f"{prefix}{name}.")]
    return paths


def _compare(current: list[str], seed: list[str]) -> dict[str, list[str]]:
    return {"added": [x for x in current if x not in seed], "removed": [x for x in seed if x not in current]}


def drift(schemas_by_op: dict[str, dict]) -> dict[str, dict[str, dict[str, list[str]]]]:
    """Per seed operation: {"parameters": {"added", "removed"}, "response_fields": {"added", "removed"}}.

    `schemas_by_op` maps operation names to `schemas.load()` documents; a seed operation missing from it
    counts as entirely removed.
    """
    result = {}
    for operation, parameters in SEED_PARAMETERS.items():
        doc = schemas_by_op.get(operation, {})
        result[operation] = {
            "parameters": _compare(list(doc.get("parameters", {})), parameters),
            "response_fields": _compare(field_paths(doc.get("response", {})), SEED_RESPONSE_FIELDS[operation]),
        }
    return result
