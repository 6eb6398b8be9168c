"""Behaviours the API contract allows but the reference emulator does not choose by default.

A fault (faults.py) is a bug the suite must catch; a quirk is a different *conformant* choice the suite must
accept. Each quirk takes one freedom the contract leaves open (docs/contract.md, "Open questions", or an
undocumented detail) and answers only with errors the operation models. Quirks are never on by default and
compose: `ALL_QUIRKS` at once is still a consistent, conformant server. Each is declared once below as a
constant (`THROTTLING = _quirk("throttling", description)`) that the emulator tests (`THROTTLING in
self.quirks`), so a misspelt quirk fails at import.
"""

from __future__ import annotations

from collections.abc import Iterable

QUIRKS: dict[str, str] = {}  # name -> one-line description, filled by _quirk() below


def _quirk(name: str, description: str) -> str:
    """Declare a quirk: its name on the command line (`--quirk NAME`) and in QUIRKS; the emulator tests the
    returned constant (`THROTTLING in self.quirks`), so a misspelt quirk fails at import."""
    assert name not in QUIRKS, name
    QUIRKS[name] = description
    return name


# Open question 5: delete while Creating/Updating (200 or a documented 4xx).
DELETE_REFUSED_WHILE_PENDING = _quirk("delete-refused-while-pending", "Delete of a PT in Creating or "
    "Updating answers ConflictException 400 (open question 5: delete while pending may succeed or be "
    "refused).")
# Open question 4: the reference refuses an Update outside InService (ValidationException); Update models
# no ConflictException, so the other documented answer is to accept it.
UPDATE_ACCEPTED_WHILE_PENDING = _quirk("update-accepted-while-pending", "Update of a PT in Creating or "
    "Updating is accepted: a rename applies at once, a model change retargets the pending update (after "
    "Creating it continues as Updating) (open question 4: update outside InService may answer 200).")
# Pagination details are undocumented.
TRAILING_TOKEN = _quirk("trailing-token", "A full List page always carries a nextToken, even when nothing "
    "follows; the next page is then empty with no nextToken (the paginator's contract is only: no token, no "
    "more pages).")
UNTAG_ABSENT_REFUSED = _quirk("untag-absent-refused", "UntagResource naming a key the resource doesn't have "
    "answers ValidationException and removes nothing (undocumented: absent keys may be ignored or refused).")
GARBAGE_TOKEN_EMPTY = _quirk("garbage-token-empty", "An unknown, tampered or foreign nextToken answers 200 "
    "with an empty page and no nextToken instead of ValidationException (undocumented token handling).")
UNKNOWN_MODEL_ACCESS_DENIED = _quirk("unknown-model-access-denied", "Create with a well-formed modelId "
    "naming no offered model answers AccessDeniedException 403 (modelled for Create; the code for an "
    "unknown model is undocumented).")
FOREIGN_ACCOUNT_DENIED = _quirk("foreign-account-denied", "A provisionedModelId or resourceARN that names "
    "another account answers AccessDeniedException 403 instead of ResourceNotFoundException (modelled; "
    "cross-account access is undocumented).")
# Open question 6.
COMMITMENT_FROM_INSERVICE = _quirk("commitment-from-inservice", "commitmentExpirationTime is a provisional "
    "estimate (creation + term) while Creating, fixed at InService time + term when the PT reaches "
    "InService, never changed afterwards (open question 6: the term's origin).")
MALFORMED_ID_404 = _quirk("malformed-id-404", "provisionedModelId (path) and resourceARN (tag operations) "
    "are not checked against their patterns: an identifier that matches nothing answers "
    "ResourceNotFoundException 404; length, type and missing-member errors stay ValidationException "
    "(docs/contract.md, further freedoms).")
MODELARN_FILTER_UNKNOWN_REFUSED = _quirk("modelarn-filter-unknown-refused", "List with modelArnEquals "
    "naming a model the server does not offer answers ValidationException (undocumented: an unknown model "
    "filter may match nothing or be refused).")
SORT_NEEDS_SORTBY = _quirk("sort-needs-sortby", "sortOrder without sortBy is ignored and the default order "
    "is used (undocumented interplay of sortBy and sortOrder).")
# Open question 4.
EMPTY_UPDATE_OK = _quirk("empty-update-ok", "An Update naming neither desiredProvisionedModelName nor "
    "desiredModelId answers 200 and changes nothing (open question 4: an empty update).")
RENAME_VIA_UPDATING = _quirk("rename-via-updating", "A rename passes through Updating for update_delay "
    "seconds, the new name effective at once (open question 4: whether a rename passes through Updating).")
# Open question 3.
DEFAULT_ASCENDING = _quirk("default-ascending", "Without sortOrder, List is in ascending creation time "
    "(open question 3: the default sortOrder).")
DEFAULT_PAGE_2 = _quirk("default-page-2", "Without maxResults, a List page holds at most 2 summaries (open "
    "question 3: the default maxResults).")
LASTMOD_ON_TAG = _quirk("lastmod-on-tag", "TagResource and UntagResource advance lastModifiedTime "
    "(undocumented: what counts as a modification).")
FOUNDATION_ARN_UNQUALIFIED = _quirk("foundation-arn-unqualified", "foundationModelArn drops the model id's "
    "':<version>:<context>' qualifiers (…/foundation-model/amazon.titan-text-express-v1 for "
    "amazon.titan-text-express-v1:0:8k); modelArn and desiredModelArn unchanged (the FoundationModelArn "
    "pattern allows both).")
UNITS_RAMP = _quirk("units-ramp", "While Creating, modelUnits reports 1 (the units allocated so far) and "
    "reaches the requested units at InService; desiredModelUnits is the requested number throughout "
    "(modelUnits is what is allocated, desiredModelUnits what was requested).")
# Open question 3.
NAME_CASE_INSENSITIVE_FILTER = _quirk("name-case-insensitive-filter", "nameContains matches "
    "case-insensitively (open question 3: nameContains case sensitivity).")
# Open question 2.
TOKEN_REUSE_ORIGINAL_ARN = _quirk("token-reuse-original-arn", "A create reusing a clientRequestToken with "
    "other parameters answers 201 with the original ARN and changes nothing (open question 2: the docs say "
    "a matching token is ignored without an error; a reuse with other parameters may be ignored the same "
    "way or refused).")
# Concurrency: a loser of a race may be refused.
RETRY_IN_FLIGHT_REFUSED = _quirk("retry-in-flight-refused", "A create whose clientRequestToken or name "
    "belongs to a create still in progress (creates with a token take IN_FLIGHT_SECONDS) answers "
    "ValidationException; a retry after it ends gets the first create's ARN (undocumented: a concurrent "
    "retry may wait for the first answer or be refused).")
TIME_BOUNDS_INCLUSIVE = _quirk("time-bounds-inclusive", "creationTimeAfter/creationTimeBefore are "
    "inclusive: a PT created exactly on a bound is listed (open question 3: inclusive or exclusive time "
    "bounds; the reference is exclusive).")
# AWS's protocol rules (Smithy restJson1 protocol tests, docs/contract.md "Protocol rules").
SERIALIZATION_EXCEPTION_FOR_MALFORMED = _quirk("serialization-exception-for-malformed", "A request that "
    "cannot be deserialised (a body that is not a JSON object, a member of the wrong JSON type, an integer "
    "out of its range, an unparseable query integer or timestamp) answers SerializationException 400; "
    "constraint violations stay ValidationException (Smithy's malformedRequests tests, e.g. "
    "RestJsonInvalidJsonBody, RestJsonBodyIntegerMalformedValueRejected).")
EXISTENCE_BEFORE_VALIDATION = _quirk("existence-before-validation", "A request whose well-formed identifier "
    "names no Provisioned Throughput answers ResourceNotFoundException 404 before its other members are "
    "validated (no source settles the precedence of an invalid request on a missing resource).")
ERROR_NAME_FORMS = _quirk("error-name-forms", "Errors name their code in turn in each form Smithy's "
    "errors.smithy allows: x-amzn-ErrorType with a ':' URI suffix and a '#' namespace, or no header and the "
    "body's code or __type with or without namespace and URI (RestJsonFooErrorUsingCodeAndNamespace and its "
    "siblings).")
# Every operation models ThrottlingException 429; a real control plane throttles.
THROTTLING = _quirk("throttling", "One answer in THROTTLE_EVERY (10%) is ThrottlingException 429, whatever "
    "the request (modelled for every operation; clients are expected to retry it).")
# Undocumented for Create and Update, but Bedrock-typical (the one exception to "modelled errors only").
CONFLICT_EXCEPTION = _quirk("conflict-exception", "A create with a taken name, a clientRequestToken reused with "
    "other parameters, a rename onto a taken name and an update outside InService are refused with "
    "ConflictException 400 instead of ValidationException (undocumented for Create and Update, but every sibling "
    "Bedrock Create documents it).")
# Issue 24, unsettled: the generic AWS tagging rule reserves aws: (UG tagging defers to "Tagging your AWS
# resources"); Bedrock's enforcement is not observed. The reference accepts such keys (CHOICE).
RESERVED_PREFIX_REFUSED = _quirk("reserved-prefix-refused", "TagResource with a key starting aws: answers "
    "ValidationException and changes nothing (the generic AWS rule reserves the prefix; Bedrock's enforcement is "
    "unobserved: accepting it is as conformant).")
# Issue 24, unsettled (U-5): the user guide says "immediately deleted", a public sample "It may take a few minutes
# for the deletion to complete".
DELETE_LINGERS = _quirk("delete-lingers", "After a Delete, Get by name or ARN still answers the Provisioned "
    "Throughput for LINGER_SECONDS (0.3 s), then ResourceNotFoundException; List and every other operation treat "
    "it as gone at once (a deletion that takes a moment to complete).")
LINGER_SECONDS = 0.3

# The throttling quirk's rate: one answer in this many (EmulatorConfig.throttle_every overrides it).
THROTTLE_EVERY = 10
IN_FLIGHT_SECONDS = 0.03  # retry-in-flight-refused: how long a create with a token stays in progress

ALL_QUIRKS: frozenset[str] = frozenset(QUIRKS)


def expand(names: Iterable[str]) -> frozenset[str]:
    """Command-line quirk names: "all" stands for ALL_QUIRKS (EmulatorConfig itself takes real names only)."""
    names = frozenset(names)
    return (names - {"all"}) | ALL_QUIRKS if "all" in names else names
