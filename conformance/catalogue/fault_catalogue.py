"""Each faulty variant of the reference emulator, the clauses that must catch it, and any extra run flags.

A variant is caught when the quick run exits 1 and at least one of its expected clauses failed (or, for
not-implemented style faults, was reported not implemented). Every clause of the catalogue is named by some
fault here, or listed in UNPROVEN with the reason (tests/test_guard.py). This is self-test data: it names
faults of the reference emulator by name only (the emulator and the suite's expectations never import each
other); `bedrock-conformance faults` joins it with the emulator's descriptions, tests/test_fault_detection.py
and `python -m benchmarks.detection` run it."""

from __future__ import annotations

import schemas

DELAY = ("--create-delay", "0.3", "--update-delay", "0.3")
# A fault seen only while a record is Creating, by a List: the list machine's first queries come after its 3-6
# creates and their checks, which took over 0.3 s on a loaded machine or at 10 ms per answer (the fault went
# unseen); 2 s covers them there too (on AWS, Creating lasts minutes).
LONG_DELAY = ("--create-delay", "2", "--update-delay", "2")

EXPECTED: dict[str, tuple[set[str], tuple[str, ...]]] = {
    "create-status-200": ({"CREATE-WIRE-STATUS"}, ()),
    "create-missing-arn": ({"CREATE-WIRE-SCHEMA"}, ()),
    "get-missing-member": ({"GET-WIRE-SCHEMA"}, ()),
    # a null for an optional member reads as absent (every SDK reads it so): only the clause of its own fails
    "get-null-member": ({"API-WIRE-ABSENT-OMITTED"}, ()),
    "list-null-member": ({"API-WIRE-ABSENT-OMITTED"}, ()),
    "epoch-timestamps": ({"GET-WIRE-SCHEMA", "LIST-WIRE-SCHEMA"}, ()),
    "modelunits-as-string": ({"GET-WIRE-SCHEMA"}, ()),
    "malformed-arn": ({"CREATE-WIRE-SCHEMA", "CREATE-ARN-FORMAT", "GET-WIRE-SCHEMA", "LIST-WIRE-SCHEMA"}, ()),
    "wrong-region-arn": ({"CREATE-ARN-FORMAT"}, ()),
    "wrong-account-arn": ({"CREATE-ARN-FORMAT"}, ()),
    "content-type-text": ({f"{op}-WIRE-CONTENT-TYPE" for op in schemas.OPERATION_KEYS}, ()),
    "status-misspelled": ({"GET-WIRE-SCHEMA", "LIST-WIRE-SCHEMA"}, ()),
    "delete-status-204": ({"DELETE-WIRE-STATUS"}, ()),
    # Every success 201: the reads and Delete show it (a failed Get stops the walks before Update and tagging).
    "success-status-201": ({f"{op}-WIRE-STATUS" for op in ("GET", "LIST", "DELETE", "LISTTAGS")}, ()),
    "update-status-202": ({"UPDATE-WIRE-STATUS"}, ()),
    "tag-status-201": ({"TAG-WIRE-STATUS"}, ()),
    "untag-status-204": ({"UNTAG-WIRE-STATUS"}, ()),
    "empty-answers-array": ({f"{op}-WIRE-SCHEMA" for op in ("UPDATE", "DELETE", "TAG")}, ()),
    "untag-answers-tag-list": ({"UNTAG-WIRE-SCHEMA"}, ()),
    # No test is about ListTagsForResource alone: the tag walks read tags through it.
    "tags-as-map": ({"LISTTAGS-WIRE-SCHEMA", "CREATE-TAGS", "TAG-ADD"}, ()),
    "no-name-pattern-validation": ({"CREATE-REJECT-provisionedModelName",
                                    "UPDATE-REJECT-desiredProvisionedModelName"}, ()),
    "no-name-length-validation": ({"CREATE-REJECT-provisionedModelName",
                                   "UPDATE-REJECT-desiredProvisionedModelName"}, ()),
    "no-modelunits-range": ({"CREATE-REJECT-modelUnits"}, ()),
    "no-enum-validation": ({"CREATE-REJECT-commitmentDuration", "LIST-REJECT-statusEquals",
                            "LIST-REJECT-sortOrder"}, ()),
    "no-maxresults-range": ({"LIST-REJECT-maxResults"}, ()),
    "no-token-validation": ({"CREATE-REJECT-clientRequestToken"}, ()),
    "no-tag-validation": ({"CREATE-REJECT-tags", "TAG-REJECT-tags", "UNTAG-REJECT-tagKeys"}, ()),
    "missing-required-accepted": ({"CREATE-REJECT-modelUnits", "CREATE-REJECT-MISSING-REQUIRED"}, ()),
    "wrong-type-accepted": ({"CREATE-REJECT-modelUnits"}, ()),
    "no-model-id-validation": ({"CREATE-REJECT-modelId", "UPDATE-REJECT-desiredModelId"}, ()),
    "no-arn-length-validation": ({"TAG-REJECT-resourceARN", "UNTAG-REJECT-resourceARN",
                                  "LISTTAGS-REJECT-resourceARN"}, ()),
    # provisionedModelId has only a pattern, and 404 for an id breaking it is conformant: a 500 is not.
    "validation-server-error": ({"GET-REJECT-provisionedModelId", "UPDATE-REJECT-provisionedModelId",
                                 "DELETE-REJECT-provisionedModelId", "CREATE-REJECT-modelUnits",
                                 "LIST-REJECT-maxResults"}, ()),
    "no-list-filter-validation": ({"LIST-REJECT-creationTimeAfter", "LIST-REJECT-creationTimeBefore",
                                   "LIST-REJECT-modelArnEquals", "LIST-REJECT-nameContains", "LIST-REJECT-sortBy"},
                                  ()),
    "tagging-required-unchecked": ({"TAG-REJECT-MISSING-REQUIRED", "UNTAG-REJECT-MISSING-REQUIRED",
                                    "LISTTAGS-REJECT-MISSING-REQUIRED"}, ()),
    "unknown-id-validation-error": ({f"{op}-UNKNOWN-404" for op in ("GET", "UPDATE", "DELETE", "TAG", "UNTAG",
                                                                    "LISTTAGS")}, ()),
    "unknown-model-accepted": ({"CREATE-UNKNOWN-MODEL"}, ()),
    "list-needs-max-results": ({"LIST-ANSWERS"}, ()),
    "empty-update-server-error": ({"UPDATE-EMPTY"}, ()),
    "custom-desired-model-ignored": ({"UPDATE-DESIRED-MODEL-CUSTOM"}, ()),
    "undocumented-error-code": ({"GET-WIRE-ERROR-DOCUMENTED", "UPDATE-WIRE-ERROR-DOCUMENTED",
                                 "DELETE-WIRE-ERROR-DOCUMENTED", "TAG-WIRE-ERROR-DOCUMENTED",
                                 "UNTAG-WIRE-ERROR-DOCUMENTED", "LISTTAGS-WIRE-ERROR-DOCUMENTED",
                                 "CREATE-WIRE-ERROR-DOCUMENTED"}, ()),
    "validation-status-422": ({f"{op}-WIRE-ERROR-DOCUMENTED" for op in schemas.OPERATION_KEYS}, ()),
    "error-no-message": ({f"{op}-WIRE-ERROR-MESSAGE" for op in schemas.OPERATION_KEYS}, ()),
    "serialization-for-constraint": ({"CREATE-REJECT-provisionedModelName", "CREATE-REJECT-modelUnits",
                                      "LIST-REJECT-maxResults", "GET-WIRE-ERROR-DOCUMENTED",
                                      "DELETE-WIRE-ERROR-DOCUMENTED"}, ()),
    "malformed-body-500": ({f"{op}-REJECT-MALFORMED-BODY" for op in ("CREATE", "UPDATE", "TAG", "UNTAG",
                                                                     "LISTTAGS")}, ()),
    "error-code-nested": ({f"{op}-WIRE-ERROR-DOCUMENTED" for op in schemas.OPERATION_KEYS}, ()),
    "server-error-on-long-name": ({"CREATE-ACCEPTS-VALID", "API-SCHEMATHESIS"}, ()),
    "server-error-on-empty-tag-value": ({"CREATE-ACCEPTS-VALID", "TAG-ADD", "API-SCHEMATHESIS", "CREATE-TAGS"},
                                        ()),
    "list-ignores-status-filter": ({"LIST-FILTER-STATUS", "LIST-FILTER-COMBINED"}, ()),
    "list-ignores-model-filter": ({"LIST-FILTER-MODEL", "LIST-FILTER-COMBINED"}, ()),
    "list-ignores-name-filter": ({"LIST-FILTER-NAME", "LIST-FILTER-COMBINED"}, ()),
    "list-ignores-time-filters": ({"LIST-FILTER-TIME", "LIST-FILTER-COMBINED"}, ()),
    "list-sort-ignored": ({"LIST-SORT-ORDER"}, ()),
    "list-default-unsorted": ({"LIST-SORT-DEFAULT"}, ()),
    "list-page-loses-item": ({"LIST-PAGINATION-COMPLETE"}, ()),
    "list-page-repeats-item": ({"LIST-PAGINATION-COMPLETE"}, ()),
    "list-maxresults-ignored": ({"LIST-MAXRESULTS"}, ()),
    "list-token-ignored": ({"LIST-PAGINATION-COMPLETE"}, ()),
    "list-token-never-ends": ({"LIST-LAST-PAGE"}, ()),
    "refused-create-leaves-record": ({"CREATE-TOO-MANY-TAGS"}, ()),
    "clock-two-days-behind": ({"CREATE-TIMESTAMPS"}, ()),
    "list-garbage-token-accepted": ({"LIST-GARBAGE-TOKEN", "LIST-REJECT-nextToken"}, ()),
    "list-summary-stale-status": ({"LIST-SUMMARY-MATCHES-GET", "LIST-FILTER-STATUS"}, LONG_DELAY),
    "rename-stale-index": ({"UPDATE-RENAME"}, ()),
    "rename-list-stale": ({"UPDATE-RENAME", "LIST-SUMMARY-MATCHES-GET", "LIST-FILTER-NAME"}, ()),
    "rename-duplicate-accepted": ({"UPDATE-RENAME-DUPLICATE"}, ()),
    "delete-leaves-listed": ({"DELETE-GONE", "LIST-PAGINATION-COMPLETE"}, ()),
    "delete-leaves-gettable": ({"DELETE-GONE"}, ()),
    "delete-keeps-tags": ({"DELETE-GONE"}, ()),
    "idempotency-ignored": ({"CREATE-IDEMPOTENT"}, ()),
    "duplicate-names-accepted": ({"CREATE-NAME-UNIQUE"}, ()),
    "tags-dropped": ({"CREATE-TAGS"}, ()),
    "tag-limit-unchecked": ({"TAG-LIMIT", "CREATE-TOO-MANY-TAGS", "CREATE-REJECT-tags", "TAG-REJECT-tags"}, ()),
    "untag-ignored": ({"UNTAG-REMOVE"}, ()),
    "update-rewrites-creation-time": ({"UPDATE-TIMESTAMPS"}, ()),
    "update-keeps-last-modified": ({"UPDATE-TIMESTAMPS"}, ()),
    "update-changes-model-units": ({"UPDATE-IMMUTABLE"}, ()),
    "desired-model-on-base-accepted": ({"UPDATE-DESIRED-MODEL-BASE"}, ()),
    "custom-foundation-arn-wrong": ({"CREATE-FOUNDATION-ARN", "GET-WIRE-SCHEMA", "LIST-WIRE-SCHEMA"}, ()),
    "commitment-delete-allowed": ({"DELETE-COMMITMENT-REFUSED"}, ()),
    "commitment-expiration-missing": ({"CREATE-COMMITMENT"}, ()),
    "get-by-name-refused": ({"GET-BY-NAME-AND-ARN"}, ()),
    "get-by-arn-broken": ({"GET-BY-NAME-AND-ARN", "DELETE-GONE", "UPDATE-RENAME"}, ()),
    "model-arn-short-id": ({"GET-WIRE-SCHEMA", "CREATE-RECORD-FIELDS", "LIST-WIRE-SCHEMA"}, ()),
    "status-stuck-creating": ({"CREATE-LIFECYCLE"}, ("--create-delay", "0.2", "--create-timeout", "2")),
    "status-stuck-updating": ({"UPDATE-DESIRED-MODEL-CUSTOM"}, ("--update-delay", "0.2", "--create-timeout", "2")),
    "token-reuse-creates-second": ({"CREATE-TOKEN-REUSE-OTHER-PARAMS"}, ()),
    "name-check-not-atomic": ({"CREATE-NAME-UNIQUE-CONCURRENT"}, ()),
    "token-check-not-atomic": ({"CREATE-IDEMPOTENT-CONCURRENT", "CREATE-NAME-UNIQUE-CONCURRENT"}, ()),
    "busy-500": ({"API-NO-5XX-UNDER-LOAD", "CREATE-NAME-UNIQUE-CONCURRENT", "CREATE-IDEMPOTENT-CONCURRENT"}, ()),
}

EXPECTED.update({
    # the tags walk overwrites a key given at create (team); the duplicate's last value is the new one
    "tag-keeps-old-value": ({"TAG-ADD"}, ()),
    "tag-duplicates-key": ({"LISTTAGS-KEYS-UNIQUE"}, ()),
    "tag-lost-update": ({"TAG-CONCURRENT"}, ()),
    # seen only while Updating lasts: the delay keeps the Get right after the update inside it
    "update-switches-model-at-once": ({"UPDATE-DESIRED-MODEL-CUSTOM"}, DELAY),
    "update-cross-base-accepted": ({"UPDATE-DESIRED-MODEL-CROSS-BASE"}, ()),
    "list-name-filter-prefix": ({"LIST-FILTER-NAME"}, ()),
    "integer-coerces-bool-float": ({"CREATE-REJECT-modelUnits"}, ()),
    "list-accepts-object": ({"CREATE-REJECT-tags", "TAG-REJECT-tags"}, ()),
    # only a region outside the aws partition shows it
    "arn-partition-always-aws": ({"CREATE-ARN-FORMAT", "CREATE-RECORD-FIELDS", "CREATE-FOUNDATION-ARN"},
                                 ("--region", "cn-north-1")),
})

# Issue 24: clauses from the evidence of real AWS runs.
EXPECTED.update({
    "empty-tag-value-dropped": ({"TAG-EMPTY-VALUE"}, ()),
    "tag-keys-case-folded": ({"TAG-KEY-CASE"}, ()),
    "reserved-prefix-partial-write": ({"TAG-RESERVED-PREFIX"}, ()),
    "rename-reissues-arn": ({"UPDATE-RENAME-KEEPS-ARN"}, ()),
    "quota-refusal-leaves-record": ({"CREATE-QUOTA-REFUSAL"}, ()),
    # the reference ends creates of this model in Failed only when told to
    "failed-not-deletable": ({"DELETE-FAILED"}, ("--failing-models", "amazon.titan-text-lite-v1:0:4k")),
})

# Faults that only show when requests overlap: also caught over HTTP (reference-http), not only in-process.
OVER_HTTP = ("token-reuse-creates-second", "name-check-not-atomic", "token-check-not-atomic", "busy-500")
OVER_HTTP += ("tag-lost-update",)

#: Clauses no fault proves, with the reason (at most 5; tests/test_guard.py).
UNPROVEN: dict[str, str] = {}
