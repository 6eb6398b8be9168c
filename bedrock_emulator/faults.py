"""Deliberate, realistic bugs the emulator can be started with, so the suite can prove it catches them.

Each fault changes one behaviour. Each is declared once below as a constant (`CREATE_STATUS_200 =
_fault("create-status-200", description)`) and the emulator tests the constant where the behaviour lives
(`CREATE_STATUS_200 in self.faults`), so a misspelt fault fails at import; the validation faults are wired
through `VALIDATION_SKIPS` (which model constraints stop being checked).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FAULTS: dict[str, str] = {}  # name -> one-line description, filled by _fault() below


def _fault(name: str, description: str) -> str:
    """Declare a fault: its name on the command line (`--fault NAME`) and in FAULTS; the emulator tests the
    returned constant (`CREATE_STATUS_200 in self.faults`), so a misspelt fault fails at import."""
    assert name not in FAULTS, name
    FAULTS[name] = description
    return name


# Wire shape of success responses
CREATE_STATUS_200 = _fault("create-status-200", "Create answers 200 instead of the modelled 201.")
CREATE_MISSING_ARN = _fault("create-missing-arn", "Create answers without the required provisionedModelArn.")
GET_MISSING_MEMBER = _fault("get-missing-member", "Get omits the required foundationModelArn.")
GET_NULL_MEMBER = _fault("get-null-member", 'Get sends "failureMessage": null and "commitmentDuration": '
    "null instead of omitting them.")
LIST_NULL_MEMBER = _fault("list-null-member", 'List summaries send "commitmentDuration": null and '
    '"commitmentExpirationTime": null instead of omitting them.')
EPOCH_TIMESTAMPS = _fault("epoch-timestamps", "creationTime/lastModifiedTime are epoch-second numbers (Get "
    "and List), not ISO 8601.")
MODELUNITS_AS_STRING = _fault("modelunits-as-string", 'Get sends modelUnits as a JSON string ("1").')
MALFORMED_ARN = _fault("malformed-arn", "Provisioned model ARNs end in a 10-character id instead of 12.")
WRONG_REGION_ARN = _fault("wrong-region-arn", 'Provisioned model ARNs always name region "us-west-2", '
    "whatever the request region.")
WRONG_ACCOUNT_ARN = _fault("wrong-account-arn", "Provisioned model ARNs name account 000000000000 instead "
    "of the caller's account.")
CONTENT_TYPE_TEXT = _fault("content-type-text", "Success responses carry Content-Type text/plain.")
STATUS_MISSPELLED = _fault("status-misspelled", 'status is "INSERVICE" instead of "InService" (Get and '
    "List).")
DELETE_STATUS_204 = _fault("delete-status-204", "Delete answers 204 with an empty body instead of 200 {}.")
UPDATE_STATUS_202 = _fault("update-status-202", "Update answers 202 Accepted (the change completes "
    "asynchronously) instead of 200.")
TAG_STATUS_201 = _fault("tag-status-201", "TagResource answers 201 Created (the tags are new) instead of "
    "200.")
UNTAG_STATUS_204 = _fault("untag-status-204", "UntagResource answers 204 with an empty body instead of 200 "
    "{}.")
SUCCESS_STATUS_201 = _fault("success-status-201", "Every success answers 201 (the status of Create), not "
    "the operation's documented 200.")
EMPTY_ANSWERS_ARRAY = _fault("empty-answers-array", "An empty success body (Update, Delete, TagResource) is "
    "the JSON array [] instead of the object {} (an empty map serialised as a list).")
UNTAG_ANSWERS_TAG_LIST = _fault("untag-answers-tag-list", "UntagResource answers the tags left on the "
    "resource, as a JSON list, instead of the object {}.")
TAGS_AS_MAP = _fault("tags-as-map", 'ListTagsForResource answers tags as an object {"key": "value"} instead '
    'of a list of {"key", "value"} pairs.')
# Input validation
NO_NAME_PATTERN_VALIDATION = _fault("no-name-pattern-validation", "Create/Update accept provisioned model "
    "names that break the name pattern.")
NO_NAME_LENGTH_VALIDATION = _fault("no-name-length-validation", "Create/Update accept provisioned model "
    "names longer than 63 characters.")
NO_MODELUNITS_RANGE = _fault("no-modelunits-range", "Create accepts modelUnits of 0 or below.")
NO_ENUM_VALIDATION = _fault("no-enum-validation", "Any commitmentDuration/statusEquals/sortOrder string is "
    "accepted (an unknown commitment is treated as none).")
NO_MAXRESULTS_RANGE = _fault("no-maxresults-range", "List accepts maxResults 0 (an empty page) and above "
    "1000.")
NO_TOKEN_VALIDATION = _fault("no-token-validation", "clientRequestToken length and pattern are not checked.")
NO_TAG_VALIDATION = _fault("no-tag-validation", "Tag key/value length and pattern are not checked.")
MISSING_REQUIRED_ACCEPTED = _fault("missing-required-accepted", "Create without modelUnits is accepted and "
    "defaults to 1 unit.")
WRONG_TYPE_ACCEPTED = _fault("wrong-type-accepted", 'A string modelUnits such as "2" is coerced to an '
    "integer instead of refused.")
NO_MODEL_ID_VALIDATION = _fault("no-model-id-validation", "modelId and desiredModelId are not checked "
    "against their length and pattern: a malformed model id is looked up (and not found) instead of refused.")
NO_ARN_LENGTH_VALIDATION = _fault("no-arn-length-validation", "resourceARN is not checked for length: an "
    "over-long or too short ARN is looked up (and not found) instead of refused.")
NO_LIST_FILTER_VALIDATION = _fault("no-list-filter-validation", "List does not check its filters: malformed "
    "modelArnEquals/nameContains, an unknown sortBy or unparseable creationTime bounds are ignored instead "
    "of refused.")
TAGGING_REQUIRED_UNCHECKED = _fault("tagging-required-unchecked", "TagResource/UntagResource/"
    "ListTagsForResource don't check required members: a request without resourceARN, tags or tagKeys fails "
    "inside with InternalServerException 500.")
# Errors
UNDOCUMENTED_ERROR_CODE = _fault("undocumented-error-code", "Unknown ids answer NotFoundException 404 "
    "instead of ResourceNotFoundException.")
VALIDATION_STATUS_422 = _fault("validation-status-422", "ValidationException is sent with HTTP 422 instead "
    "of 400.")
VALIDATION_SERVER_ERROR = _fault("validation-server-error", "A request that fails validation answers "
    "InternalServerException 500 instead of ValidationException 400 (the validation error escapes the error "
    "mapping).")
ERROR_NO_MESSAGE = _fault("error-no-message", 'Error bodies lack "message".')
SERIALIZATION_FOR_CONSTRAINT = _fault("serialization-for-constraint", "A constraint violation (length, "
    "pattern, range, enum, required) is refused with SerializationException 400, which Smithy's protocol "
    "tests give only to requests that cannot be deserialised (its validation tests answer "
    "ValidationException).")
MALFORMED_BODY_500 = _fault("malformed-body-500", "A request body that is not a JSON object crashes the "
    "handler: InternalServerException 500 instead of a 400 refusal (Smithy: RestJsonInvalidJsonBody, "
    "RestJsonTechnicallyValidJsonBody).")
ERROR_CODE_NESTED = _fault("error-code-nested", "Errors carry no x-amzn-ErrorType and no top-level code or "
    "__type: the code is only in a nested object, which clients must not read (Smithy: "
    "RestJsonFooErrorWithNestedTypeProperty).")
UNKNOWN_ID_VALIDATION_ERROR = _fault("unknown-id-validation-error", "An identifier that names nothing "
    "answers ValidationException 400 instead of ResourceNotFoundException 404.")
UNKNOWN_MODEL_ACCEPTED = _fault("unknown-model-accepted", "Create accepts a well-formed modelId that names "
    "no model the server offers.")
LIST_NEEDS_MAX_RESULTS = _fault("list-needs-max-results", "List without maxResults is refused with "
    "ValidationException (maxResults is optional).")
EMPTY_UPDATE_SERVER_ERROR = _fault("empty-update-server-error", "An Update naming neither a new name nor a "
    "new model fails with InternalServerException 500.")
CUSTOM_DESIRED_MODEL_IGNORED = _fault("custom-desired-model-ignored", "Update's desiredModelId on a "
    "custom-model Provisioned Throughput answers 200 but changes nothing.")
SERVER_ERROR_ON_LONG_NAME = _fault("server-error-on-long-name", "Create with a valid 63-character name "
    "fails with InternalServerException 500.")
SERVER_ERROR_ON_EMPTY_TAG_VALUE = _fault("server-error-on-empty-tag-value", "A tag with an empty (valid) "
    "value fails with InternalServerException 500.")
# List
LIST_IGNORES_STATUS_FILTER = _fault("list-ignores-status-filter", "List ignores statusEquals.")
LIST_IGNORES_MODEL_FILTER = _fault("list-ignores-model-filter", "List ignores modelArnEquals.")
LIST_IGNORES_NAME_FILTER = _fault("list-ignores-name-filter", "List ignores nameContains.")
LIST_IGNORES_TIME_FILTERS = _fault("list-ignores-time-filters", "List ignores "
    "creationTimeAfter/creationTimeBefore.")
LIST_SORT_IGNORED = _fault("list-sort-ignored", "List ignores sortOrder: always Descending.")
LIST_DEFAULT_UNSORTED = _fault("list-default-unsorted", "Without sortOrder, List is ordered by name instead "
    "of creation time.")
LIST_PAGE_LOSES_ITEM = _fault("list-page-loses-item", "Each page boundary skips one item.")
LIST_PAGE_REPEATS_ITEM = _fault("list-page-repeats-item", "Each next page starts with the previous page's "
    "last item.")
LIST_MAXRESULTS_IGNORED = _fault("list-maxresults-ignored", "maxResults is ignored: the whole list comes in "
    "one page.")
REFUSED_CREATE_LEAVES_RECORD = _fault("refused-create-leaves-record", "A create refused for too many tags "
    "(TooManyTagsException) still stores the Provisioned Throughput.")
CLOCK_TWO_DAYS_BEHIND = _fault("clock-two-days-behind", "The server clock runs two days behind: "
    "creationTime of a new resource is two days old.")
LIST_TOKEN_NEVER_ENDS = _fault("list-token-never-ends", "The last page carries a nextToken that leads to an "
    "empty page with a nextToken, forever.")
LIST_TOKEN_IGNORED = _fault("list-token-ignored", "nextToken is ignored: always the first page, with a "
    "nextToken while more items exist (callers must bound their loops).")
LIST_GARBAGE_TOKEN_ACCEPTED = _fault("list-garbage-token-accepted", "An unparseable or tampered nextToken "
    "restarts from the first page.")
LIST_SUMMARY_STALE_STATUS = _fault("list-summary-stale-status", "List always reports InService, even while "
    "Creating/Updating.")
# Rename / delete / idempotency
RENAME_STALE_INDEX = _fault("rename-stale-index", "After a rename the old name still resolves "
    "(Get/Update/Delete by old name).")
RENAME_LIST_STALE = _fault("rename-list-stale", "List keeps showing the old name after a rename.")
RENAME_DUPLICATE_ACCEPTED = _fault("rename-duplicate-accepted", "A rename onto another live PT's name is "
    "accepted.")
DELETE_LEAVES_LISTED = _fault("delete-leaves-listed", "A deleted PT is still listed.")
DELETE_LEAVES_GETTABLE = _fault("delete-leaves-gettable", "A deleted PT still answers Get by ARN.")
DELETE_KEEPS_TAGS = _fault("delete-keeps-tags", "ListTagsForResource on a deleted PT still answers its tags.")
IDEMPOTENCY_IGNORED = _fault("idempotency-ignored", "clientRequestToken is ignored: a retry is a new "
    "create, so an idempotent retry fails with the duplicate-name ValidationException instead of returning "
    "the same ARN.")
DUPLICATE_NAMES_ACCEPTED = _fault("duplicate-names-accepted", "Create accepts a name a live PT already has.")
TOKEN_REUSE_CREATES_SECOND = _fault("token-reuse-creates-second", "A create reusing a clientRequestToken "
    "with other parameters (another name) creates a second Provisioned Throughput.")
# Concurrency: the faulty paths pause (RACE_SECONDS, BUSY_SECONDS) so the race window is wide and every run
# hits it, whatever the seed.
NAME_CHECK_NOT_ATOMIC = _fault("name-check-not-atomic", "Create checks the name, then inserts after a pause "
    "without the lock: concurrent creates of one name (distinct tokens) all succeed.")
TOKEN_CHECK_NOT_ATOMIC = _fault("token-check-not-atomic", "Create checks the clientRequestToken (and the "
    "name), then inserts after a pause without the lock: concurrent identical creates with one token each "
    "create a Provisioned Throughput.")
BUSY_500 = _fault("busy-500", "A request arriving while another one is handled answers "
    "InternalServerException 500 (writes take BUSY_SECONDS).")
# Tags
TAGS_DROPPED = _fault("tags-dropped", "Create's tags are not stored.")
TAG_LIMIT_UNCHECKED = _fault("tag-limit-unchecked", "More than 50 tags per resource are accepted.")
UNTAG_IGNORED = _fault("untag-ignored", "UntagResource answers 200 but removes nothing.")
# Update / model / commitment semantics
UPDATE_REWRITES_CREATION_TIME = _fault("update-rewrites-creation-time", "Update sets creationTime to now.")
UPDATE_KEEPS_LAST_MODIFIED = _fault("update-keeps-last-modified", "Update does not advance lastModifiedTime.")
UPDATE_CHANGES_MODEL_UNITS = _fault("update-changes-model-units", "Update adds one to modelUnits.")
DESIRED_MODEL_ON_BASE_ACCEPTED = _fault("desired-model-on-base-accepted", "desiredModelId is accepted on a "
    "PT purchased for a base model.")
CUSTOM_FOUNDATION_ARN_WRONG = _fault("custom-foundation-arn-wrong", "foundationModelArn is the custom "
    "model's ARN for custom-model PTs.")
COMMITMENT_DELETE_ALLOWED = _fault("commitment-delete-allowed", "Delete succeeds while the commitment term "
    "runs.")
COMMITMENT_EXPIRATION_MISSING = _fault("commitment-expiration-missing", "commitmentExpirationTime is never "
    "reported.")
GET_BY_ARN_BROKEN = _fault("get-by-arn-broken", "Get/Update/Delete by ARN answer 404 (by name works).")
GET_BY_NAME_REFUSED = _fault("get-by-name-refused", "Get by name answers ResourceNotFoundException: only Get "
    "by ARN finds a Provisioned Throughput (Update and Delete take both).")
MODEL_ARN_SHORT_ID = _fault("model-arn-short-id", "modelArn is the bare model id, not an ARN.")
STATUS_STUCK_CREATING = _fault("status-stuck-creating", "A PT never leaves Creating (with zero create_delay "
    "it starts Creating and stays).")
STATUS_STUCK_UPDATING = _fault("status-stuck-updating", "A PT that enters Updating never leaves it (the "
    "model change never completes).")

# Tag semantics under overwrite and concurrency
TAG_KEEPS_OLD_VALUE = _fault("tag-keeps-old-value", "TagResource with a key the resource already has keeps the "
    "old value.")
TAG_DUPLICATES_KEY = _fault("tag-duplicates-key", "TagResource with a key the resource already has adds a "
    "second pair: ListTagsForResource shows the key twice (old value first).")
TAG_LOST_UPDATE = _fault("tag-lost-update", "TagResource reads the tags, pauses RACE_SECONDS without the lock "
    "and writes them back: a concurrent TagResource's keys are lost.")
# List filters
LIST_NAME_FILTER_PREFIX = _fault("list-name-filter-prefix", "nameContains matches only names that start with it "
    "(a prefix filter, not a substring filter).")
# Wire types of request members
INTEGER_COERCES_BOOL_FLOAT = _fault("integer-coerces-bool-float", "An integer member (modelUnits) given a JSON "
    "true/false or a float is coerced (true -> 1, 1.5 -> 1) instead of refused.")
LIST_ACCEPTS_OBJECT = _fault("list-accepts-object", "A list member (tags) given one JSON object is taken as a "
    "one-item list instead of refused.")
# The record during an update
UPDATE_SWITCHES_MODEL_AT_ONCE = _fault("update-switches-model-at-once", "An Update with desiredModelId switches "
    "modelArn to the new model at once, while the PT is still Updating (modelArn must keep the old model until "
    "the update completes).")
UPDATE_CROSS_BASE_ACCEPTED = _fault("update-cross-base-accepted", "Update of a custom-model PT accepts "
    "desiredModelId naming a custom model of another base model.")
# ARNs
ARN_PARTITION_ALWAYS_AWS = _fault("arn-partition-always-aws", "Every ARN the server returns "
    "(provisionedModelArn, modelArn, desiredModelArn, foundationModelArn) names partition \"aws\", also in an "
    "aws-cn or aws-us-gov region.")

RACE_SECONDS = 0.1  # name-check-not-atomic, token-check-not-atomic: the pause between check and insert
BUSY_SECONDS = 0.02  # busy-500: how long a write keeps the server busy
# Named presets: many bugs at once, as real emulators carry them. `--fault PRESET` (run and serve) turns on every
# fault of the preset; names and presets mix (`--fault wire,list-sort-ignored`).
PRESETS: dict[str, tuple[str, ...]] = {
    # 17 faults over all eight operations and the wire, validation and lifecycle layers, chosen so that their
    # symptoms don't overlap: each is found by its own clause, next to the others.
    "many": (
        CREATE_STATUS_200, GET_NULL_MEMBER, DELETE_STATUS_204, ERROR_NO_MESSAGE,
        NO_MODELUNITS_RANGE, NO_MAXRESULTS_RANGE, NO_TOKEN_VALIDATION,
        LIST_IGNORES_STATUS_FILTER, LIST_SORT_IGNORED,
        IDEMPOTENCY_IGNORED, UPDATE_KEEPS_LAST_MODIFIED, DESIRED_MODEL_ON_BASE_ACCEPTED,
        RENAME_STALE_INDEX, UNTAG_IGNORED, TAG_LIMIT_UNCHECKED, DELETE_KEEPS_TAGS,
        COMMITMENT_DELETE_ALLOWED,
    ),
    # What an independently written emulator showed (issue 23), on top of `many`: a null for an absent member in
    # List, Get by name refused (only by ARN), a duplicate rename accepted. Each is named by its own clause and the
    # run goes on past it: the model adopts what the server did, so no later clause is blocked by it.
    "real-emulator": (LIST_NULL_MEMBER, GET_BY_NAME_REFUSED, RENAME_DUPLICATE_ACCEPTED),  # and many's, below
    # Every wire fault that leaves the answers usable (not: an ARN-less create answer, ARNs the emulator's own
    # validation refuses, or a status no waiting ever sees end).
    "wire": (
        CREATE_STATUS_200, GET_MISSING_MEMBER, GET_NULL_MEMBER, EPOCH_TIMESTAMPS, MODELUNITS_AS_STRING,
        CONTENT_TYPE_TEXT, DELETE_STATUS_204, UNDOCUMENTED_ERROR_CODE, VALIDATION_STATUS_422,
        ERROR_NO_MESSAGE,
    ),
    # The List faults that can coexist (ignoring maxResults or nextToken hides the paging faults).
    "list": (
        LIST_IGNORES_STATUS_FILTER, LIST_IGNORES_MODEL_FILTER, LIST_IGNORES_TIME_FILTERS, LIST_SORT_IGNORED,
        LIST_PAGE_REPEATS_ITEM, LIST_TOKEN_NEVER_ENDS, LIST_GARBAGE_TOKEN_ACCEPTED,
    ),
    # The lifecycle faults (rename, delete, idempotency, tags, update, commitment) that can coexist (a missing
    # commitmentExpirationTime hides whether a delete under a running term is refused).
    "lifecycle": (
        RENAME_STALE_INDEX, RENAME_DUPLICATE_ACCEPTED, DELETE_LEAVES_GETTABLE, IDEMPOTENCY_IGNORED,
        DUPLICATE_NAMES_ACCEPTED, TAGS_DROPPED, UNTAG_IGNORED, UPDATE_REWRITES_CREATION_TIME,
        UPDATE_CHANGES_MODEL_UNITS, DESIRED_MODEL_ON_BASE_ACCEPTED, COMMITMENT_DELETE_ALLOWED,
    ),
}

PRESETS["real-emulator"] = PRESETS["many"] + PRESETS["real-emulator"]


def expand(names: Iterable[str]) -> frozenset[str]:
    """Command-line fault names: comma-separated lists, and presets standing for their faults."""
    out: set[str] = set()
    for item in names:
        for name in (n.strip() for n in str(item).split(",")):
            if name:
                out.update(PRESETS.get(name, (name,)))
    return frozenset(out)


# fault -> (member name or shape name, constraint kind) pairs the validator stops checking.
# Kinds: required, type, min, max, pattern, enum, coerce.
VALIDATION_SKIPS: dict[str, frozenset[tuple[str, str]]] = {
    NO_NAME_PATTERN_VALIDATION: frozenset(
        {("provisionedModelName", "pattern"), ("desiredProvisionedModelName", "pattern")}
    ),
    NO_NAME_LENGTH_VALIDATION: frozenset(
        {("provisionedModelName", "max"), ("desiredProvisionedModelName", "max")}
    ),
    NO_MODELUNITS_RANGE: frozenset({("modelUnits", "min")}),
    NO_ENUM_VALIDATION: frozenset(
        {("commitmentDuration", "enum"), ("statusEquals", "enum"), ("sortOrder", "enum")}
    ),
    NO_MAXRESULTS_RANGE: frozenset({("maxResults", "min"), ("maxResults", "max")}),
    NO_TOKEN_VALIDATION: frozenset(
        {("clientRequestToken", "min"), ("clientRequestToken", "max"), ("clientRequestToken", "pattern")}
    ),
    NO_TAG_VALIDATION: frozenset(
        {(shape, kind) for shape in ("TagKey", "TagValue") for kind in ("min", "max", "pattern")}
    ),
    MISSING_REQUIRED_ACCEPTED: frozenset({("modelUnits", "required")}),
    WRONG_TYPE_ACCEPTED: frozenset({("modelUnits", "type")}),
    NO_MODEL_ID_VALIDATION: frozenset(
        {(member, kind) for member in ("modelId", "desiredModelId") for kind in ("min", "max", "pattern")}
    ),
    NO_ARN_LENGTH_VALIDATION: frozenset({("resourceARN", "min"), ("resourceARN", "max")}),
    NO_LIST_FILTER_VALIDATION: frozenset(
        {(member, kind) for member in ("modelArnEquals", "nameContains") for kind in ("min", "max", "pattern")}
        | {("sortBy", "enum"), ("creationTimeAfter", "type"), ("creationTimeBefore", "type")}
    ),
    TAGGING_REQUIRED_UNCHECKED: frozenset(
        {("resourceARN", "required"), ("tags", "required"), ("tagKeys", "required")}
    ),
}

VALIDATION_SKIPS.update({  # coerce: a value of another JSON type is converted instead of refused
    INTEGER_COERCES_BOOL_FLOAT: frozenset({("modelUnits", "coerce")}),
    LIST_ACCEPTS_OBJECT: frozenset({("tags", "coerce")}),
})

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
    if status == 200 and SUCCESS_STATUS_201 in faults:
        status = 201
    if name == "UpdateProvisionedModelThroughput" and UPDATE_STATUS_202 in faults:
        status = 202
    if name == "TagResource" and TAG_STATUS_201 in faults:
        status = 201
    if name == "UntagResource" and UNTAG_STATUS_204 in faults:
        status, document = 204, None
    if document == {} and name != "UntagResource" and EMPTY_ANSWERS_ARRAY in faults:
        document = []
    if name == "ListTagsForResource" and TAGS_AS_MAP in faults:
        document = {**document, "tags": {tag["key"]: tag["value"] for tag in document["tags"]}}
    return status, document


def apply_get_faults(faults: frozenset[str], document: dict[str, Any]) -> None:
    """Faults in Get's description of a Provisioned Throughput (changed in place)."""
    if GET_MISSING_MEMBER in faults:
        del document["foundationModelArn"]
    if GET_NULL_MEMBER in faults:
        document.setdefault("failureMessage", None)
        document.setdefault("commitmentDuration", None)
    if MODELUNITS_AS_STRING in faults:
        document["modelUnits"] = str(document["modelUnits"])


def apply_summary_faults(faults: frozenset[str], document: dict[str, Any]) -> None:
    """Faults in List's summary of a Provisioned Throughput (changed in place)."""
    if LIST_NULL_MEMBER in faults:
        document.setdefault("commitmentDuration", None)
        document.setdefault("commitmentExpirationTime", None)


# Issue 24: behaviours the public evidence of real AWS runs shows (docs/aws.md, "A first real run").
EMPTY_TAG_VALUE_DROPPED = _fault("empty-tag-value-dropped", "A tag with an empty value is accepted but not "
    "stored (Create and TagResource), so ListTagsForResource never answers it.")
TAG_KEYS_CASE_FOLDED = _fault("tag-keys-case-folded", "Tag keys are matched case-insensitively: tagging Team "
    "replaces team (key and value), untagging Team removes team.")
RENAME_REISSUES_ARN = _fault("rename-reissues-arn", "A rename gives the Provisioned Throughput a new ARN; the "
    "old ARN answers ResourceNotFoundException.")
RESERVED_PREFIX_PARTIAL_WRITE = _fault("reserved-prefix-partial-write", "TagResource with a key starting aws: "
    "is refused with ValidationException after the request's other tags were stored.")
QUOTA_REFUSAL_LEAVES_RECORD = _fault("quota-refusal-leaves-record", "The account has a quota of "
    "QUOTA_FAULT_UNITS model units; a create past it is refused with ServiceQuotaExceededException, but its "
    "record is stored anyway (listed and gettable).")
QUOTA_FAULT_UNITS = 1000
FAILED_NOT_DELETABLE = _fault("failed-not-deletable", "Delete of a Provisioned Throughput in Failed answers "
    "ValidationException: a failed create can never be removed.")
