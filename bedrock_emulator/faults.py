"""Deliberate, realistic bugs the emulator can be started with, so the suite can prove it catches them.

Each fault changes one behaviour. The emulator tests `"<name>" in self.faults` where the behaviour lives;
the validation faults are wired through `VALIDATION_SKIPS` (which model constraints stop being checked).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FAULTS: dict[str, str] = {
    # Wire shape of success responses
    "create-status-200": "Create answers 200 instead of the modelled 201.",
    "create-missing-arn": "Create answers without the required provisionedModelArn.",
    "get-missing-member": "Get omits the required foundationModelArn.",
    "get-null-member": 'Get sends "failureMessage": null and "commitmentDuration": null instead of omitting them.',
    "epoch-timestamps": "creationTime/lastModifiedTime are epoch-second numbers (Get and List), not ISO 8601.",
    "modelunits-as-string": 'Get sends modelUnits as a JSON string ("1").',
    "malformed-arn": "Provisioned model ARNs end in a 10-character id instead of 12.",
    "wrong-region-arn": 'Provisioned model ARNs always name region "us-west-2", whatever the request region.',
    "wrong-account-arn": "Provisioned model ARNs name account 000000000000 instead of the caller's account.",
    "content-type-text": "Success responses carry Content-Type text/plain.",
    "status-misspelled": 'status is "INSERVICE" instead of "InService" (Get and List).',
    "delete-status-204": "Delete answers 204 with an empty body instead of 200 {}.",
    "update-status-202": "Update answers 202 Accepted (the change completes asynchronously) instead of 200.",
    "tag-status-201": "TagResource answers 201 Created (the tags are new) instead of 200.",
    "untag-status-204": "UntagResource answers 204 with an empty body instead of 200 {}.",
    "success-status-201": "Every success answers 201 (the status of Create), not the operation's documented 200.",
    "empty-answers-array": "An empty success body (Update, Delete, TagResource) is the JSON array [] instead of the "
    "object {} (an empty map serialised as a list).",
    "untag-answers-tag-list": "UntagResource answers the tags left on the resource, as a JSON list, instead of the "
    "object {}.",
    "tags-as-map": 'ListTagsForResource answers tags as an object {"key": "value"} instead of a list of '
    '{"key", "value"} pairs.',
    # Input validation
    "no-name-pattern-validation": "Create/Update accept provisioned model names that break the name pattern.",
    "no-name-length-validation": "Create/Update accept provisioned model names longer than 63 characters.",
    "no-modelunits-range": "Create accepts modelUnits of 0 or below.",
    "no-enum-validation": "Any commitmentDuration/statusEquals/sortOrder string is accepted "
    "(an unknown commitment is treated as none).",
    "no-maxresults-range": "List accepts maxResults 0 (an empty page) and above 1000.",
    "no-token-validation": "clientRequestToken length and pattern are not checked.",
    "no-tag-validation": "Tag key/value length and pattern are not checked.",
    "missing-required-accepted": "Create without modelUnits is accepted and defaults to 1 unit.",
    "wrong-type-accepted": 'A string modelUnits such as "2" is coerced to an integer instead of refused.',
    "no-model-id-validation": "modelId and desiredModelId are not checked against their length and pattern: a "
    "malformed model id is looked up (and not found) instead of refused.",
    "no-arn-length-validation": "resourceARN is not checked for length: an over-long or too short ARN is looked up "
    "(and not found) instead of refused.",
    "no-list-filter-validation": "List does not check its filters: malformed modelArnEquals/nameContains, an "
    "unknown sortBy or unparseable creationTime bounds are ignored instead of refused.",
    "tagging-required-unchecked": "TagResource/UntagResource/ListTagsForResource don't check required members: a "
    "request without resourceARN, tags or tagKeys fails inside with InternalServerException 500.",
    # Errors
    "undocumented-error-code": "Unknown ids answer NotFoundException 404 instead of ResourceNotFoundException.",
    "validation-status-422": "ValidationException is sent with HTTP 422 instead of 400.",
    "validation-server-error": "A request that fails validation answers InternalServerException 500 instead of "
    "ValidationException 400 (the validation error escapes the error mapping).",
    "error-no-message": 'Error bodies lack "message".',
    "serialization-for-constraint": "A constraint violation (length, pattern, range, enum, required) is refused "
    "with SerializationException 400, which Smithy's protocol tests give only to requests that cannot be "
    "deserialised (its validation tests answer ValidationException).",
    "malformed-body-500": "A request body that is not a JSON object crashes the handler: InternalServerException "
    "500 instead of a 400 refusal (Smithy: RestJsonInvalidJsonBody, RestJsonTechnicallyValidJsonBody).",
    "error-code-nested": "Errors carry no x-amzn-ErrorType and no top-level code or __type: the code is only in a "
    "nested object, which clients must not read (Smithy: RestJsonFooErrorWithNestedTypeProperty).",
    "unknown-id-validation-error": "An identifier that names nothing answers ValidationException 400 instead of "
    "ResourceNotFoundException 404.",
    "unknown-model-accepted": "Create accepts a well-formed modelId that names no model the server offers.",
    "list-needs-max-results": "List without maxResults is refused with ValidationException (maxResults is "
    "optional).",
    "empty-update-server-error": "An Update naming neither a new name nor a new model fails with "
    "InternalServerException 500.",
    "custom-desired-model-ignored": "Update's desiredModelId on a custom-model Provisioned Throughput answers 200 "
    "but changes nothing.",
    "server-error-on-long-name": "Create with a valid 63-character name fails with InternalServerException 500.",
    "server-error-on-empty-tag-value": "A tag with an empty (valid) value fails with InternalServerException 500.",
    # List
    "list-ignores-status-filter": "List ignores statusEquals.",
    "list-ignores-model-filter": "List ignores modelArnEquals.",
    "list-ignores-name-filter": "List ignores nameContains.",
    "list-ignores-time-filters": "List ignores creationTimeAfter/creationTimeBefore.",
    "list-sort-ignored": "List ignores sortOrder: always Descending.",
    "list-default-unsorted": "Without sortOrder, List is ordered by name instead of creation time.",
    "list-page-loses-item": "Each page boundary skips one item.",
    "list-page-repeats-item": "Each next page starts with the previous page's last item.",
    "list-maxresults-ignored": "maxResults is ignored: the whole list comes in one page.",
    "refused-create-leaves-record": "A create refused for too many tags (TooManyTagsException) still stores the "
                                    "Provisioned Throughput.",
    "clock-two-days-behind": "The server clock runs two days behind: creationTime of a new resource is two days "
                             "old.",
    "list-token-never-ends": "The last page carries a nextToken that leads to an empty page with a nextToken, "
                             "forever.",
    "list-token-ignored": "nextToken is ignored: always the first page, with a nextToken while more items "
    "exist (callers must bound their loops).",
    "list-garbage-token-accepted": "An unparseable or tampered nextToken restarts from the first page.",
    "list-summary-stale-status": "List always reports InService, even while Creating/Updating.",
    # Rename / delete / idempotency
    "rename-stale-index": "After a rename the old name still resolves (Get/Update/Delete by old name).",
    "rename-list-stale": "List keeps showing the old name after a rename.",
    "rename-duplicate-accepted": "A rename onto another live PT's name is accepted.",
    "delete-leaves-listed": "A deleted PT is still listed.",
    "delete-leaves-gettable": "A deleted PT still answers Get by ARN.",
    "delete-keeps-tags": "ListTagsForResource on a deleted PT still answers its tags.",
    "idempotency-ignored": "clientRequestToken is ignored: a retry is a new create, so an idempotent retry "
    "fails with the duplicate-name ValidationException instead of returning the same ARN.",
    "duplicate-names-accepted": "Create accepts a name a live PT already has.",
    "token-reuse-creates-second": "A create reusing a clientRequestToken with other parameters (another name) "
                                  "creates a second Provisioned Throughput.",
    # Concurrency: the faulty paths pause (RACE_SECONDS, BUSY_SECONDS) so the race window is wide and every run
    # hits it, whatever the seed.
    "name-check-not-atomic": "Create checks the name, then inserts after a pause without the lock: concurrent "
                             "creates of one name (distinct tokens) all succeed.",
    "token-check-not-atomic": "Create checks the clientRequestToken (and the name), then inserts after a pause "
                              "without the lock: concurrent identical creates with one token each create a "
                              "Provisioned Throughput.",
    "busy-500": "A request arriving while another one is handled answers InternalServerException 500 (writes "
                "take BUSY_SECONDS).",
    # Tags
    "tags-dropped": "Create's tags are not stored.",
    "tag-limit-unchecked": "More than 50 tags per resource are accepted.",
    "untag-ignored": "UntagResource answers 200 but removes nothing.",
    # Update / model / commitment semantics
    "update-rewrites-creation-time": "Update sets creationTime to now.",
    "update-keeps-last-modified": "Update does not advance lastModifiedTime.",
    "update-changes-model-units": "Update adds one to modelUnits.",
    "desired-model-on-base-accepted": "desiredModelId is accepted on a PT purchased for a base model.",
    "custom-foundation-arn-wrong": "foundationModelArn is the custom model's ARN for custom-model PTs.",
    "commitment-delete-allowed": "Delete succeeds while the commitment term runs.",
    "commitment-expiration-missing": "commitmentExpirationTime is never reported.",
    "get-by-arn-broken": "Get/Update/Delete by ARN answer 404 (by name works).",
    "model-arn-short-id": "modelArn is the bare model id, not an ARN.",
    "status-stuck-creating": "A PT never leaves Creating (with zero create_delay it starts Creating and stays).",
    "status-stuck-updating": "A PT that enters Updating never leaves it (the model change never completes).",
}

RACE_SECONDS = 0.1  # name-check-not-atomic, token-check-not-atomic: the pause between check and insert
BUSY_SECONDS = 0.02  # busy-500: how long a write keeps the server busy
# Named presets: many bugs at once, as real emulators carry them. `--fault PRESET` (run and serve) turns on every
# fault of the preset; names and presets mix (`--fault wire,list-sort-ignored`).
PRESETS: dict[str, tuple[str, ...]] = {
    # 17 faults over all eight operations and the wire, validation and lifecycle layers, chosen so that their
    # symptoms don't overlap: each is found by its own clause, next to the others.
    "many": (
        "create-status-200", "get-null-member", "delete-status-204", "error-no-message",
        "no-modelunits-range", "no-maxresults-range", "no-token-validation",
        "list-ignores-status-filter", "list-sort-ignored",
        "idempotency-ignored", "update-keeps-last-modified", "desired-model-on-base-accepted",
        "rename-stale-index", "untag-ignored", "tag-limit-unchecked", "delete-keeps-tags",
        "commitment-delete-allowed",
    ),
    # Every wire fault that leaves the answers usable (not: an ARN-less create answer, ARNs the emulator's own
    # validation refuses, or a status no waiting ever sees end).
    "wire": (
        "create-status-200", "get-missing-member", "get-null-member", "epoch-timestamps", "modelunits-as-string",
        "content-type-text", "delete-status-204", "undocumented-error-code", "validation-status-422",
        "error-no-message",
    ),
    # The List faults that can coexist (ignoring maxResults or nextToken hides the paging faults).
    "list": (
        "list-ignores-status-filter", "list-ignores-model-filter", "list-ignores-time-filters", "list-sort-ignored",
        "list-page-repeats-item", "list-token-never-ends", "list-garbage-token-accepted",
    ),
    # The lifecycle faults (rename, delete, idempotency, tags, update, commitment) that can coexist (a missing
    # commitmentExpirationTime hides whether a delete under a running term is refused).
    "lifecycle": (
        "rename-stale-index", "rename-duplicate-accepted", "delete-leaves-gettable", "idempotency-ignored",
        "duplicate-names-accepted", "tags-dropped", "untag-ignored", "update-rewrites-creation-time",
        "update-changes-model-units", "desired-model-on-base-accepted", "commitment-delete-allowed",
    ),
}


def expand(names: Iterable[str]) -> frozenset[str]:
    """Command-line fault names: comma-separated lists, and presets standing for their faults."""
    out: set[str] = set()
    for item in names:
        for name in (n.strip() for n in str(item).split(",")):
            if name:
                out.update(PRESETS.get(name, (name,)))
    return frozenset(out)


# fault -> (member name or shape name, constraint kind) pairs the validator stops checking.
# Kinds: required, type, min, max, pattern, enum.
VALIDATION_SKIPS: dict[str, frozenset[tuple[str, str]]] = {
    "no-name-pattern-validation": frozenset(
        {("provisionedModelName", "pattern"), ("desiredProvisionedModelName", "pattern")}
    ),
    "no-name-length-validation": frozenset(
        {("provisionedModelName", "max"), ("desiredProvisionedModelName", "max")}
    ),
    "no-modelunits-range": frozenset({("modelUnits", "min")}),
    "no-enum-validation": frozenset(
        {("commitmentDuration", "enum"), ("statusEquals", "enum"), ("sortOrder", "enum")}
    ),
    "no-maxresults-range": frozenset({("maxResults", "min"), ("maxResults", "max")}),
    "no-token-validation": frozenset(
        {("clientRequestToken", "min"), ("clientRequestToken", "max"), ("clientRequestToken", "pattern")}
    ),
    "no-tag-validation": frozenset(
        {(shape, kind) for shape in ("TagKey", "TagValue") for kind in ("min", "max", "pattern")}
    ),
    "missing-required-accepted": frozenset({("modelUnits", "required")}),
    "wrong-type-accepted": frozenset({("modelUnits", "type")}),
    "no-model-id-validation": frozenset(
        {(member, kind) for member in ("modelId", "desiredModelId") for kind in ("min", "max", "pattern")}
    ),
    "no-arn-length-validation": frozenset({("resourceARN", "min"), ("resourceARN", "max")}),
    "no-list-filter-validation": frozenset(
        {(member, kind) for member in ("modelArnEquals", "nameContains") for kind in ("min", "max", "pattern")}
        | {("sortBy", "enum"), ("creationTimeAfter", "type"), ("creationTimeBefore", "type")}
    ),
    "tagging-required-unchecked": frozenset(
        {("resourceARN", "required"), ("tags", "required"), ("tagKeys", "required")}
    ),
}

assert VALIDATION_SKIPS.keys() <= FAULTS.keys()
assert all(set(faults) <= FAULTS.keys() for faults in PRESETS.values())
assert not PRESETS.keys() & FAULTS.keys()


def validation_skips(faults: Iterable[str]) -> frozenset[tuple[str, str]]:
    """The union of the constraint checks the given faults switch off."""
    skips: frozenset[tuple[str, str]] = frozenset()
    for name in faults:
        skips |= VALIDATION_SKIPS.get(name, frozenset())
    return skips


def answer_faults(faults: frozenset[str], name: str, status: int, document: Any) -> tuple[int, Any]:
    """Faults in how a success is written on the wire (status code, body shape): (status, document)."""
    if status == 200 and "success-status-201" in faults:
        status = 201
    if name == "UpdateProvisionedModelThroughput" and "update-status-202" in faults:
        status = 202
    if name == "TagResource" and "tag-status-201" in faults:
        status = 201
    if name == "UntagResource" and "untag-status-204" in faults:
        status, document = 204, None
    if document == {} and name != "UntagResource" and "empty-answers-array" in faults:
        document = []
    if name == "ListTagsForResource" and "tags-as-map" in faults:
        document = {**document, "tags": {tag["key"]: tag["value"] for tag in document["tags"]}}
    return status, document


def apply_get_faults(faults: frozenset[str], document: dict[str, Any]) -> None:
    """Faults in Get's description of a Provisioned Throughput (changed in place)."""
    if "get-missing-member" in faults:
        del document["foundationModelArn"]
    if "get-null-member" in faults:
        document.setdefault("failureMessage", None)
        document.setdefault("commitmentDuration", None)
    if "modelunits-as-string" in faults:
        document["modelUnits"] = str(document["modelUnits"])
