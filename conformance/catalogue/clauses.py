"""The clause catalogue: every clause the suite checks, declared once.

A clause is one testable statement of the contract, with where it comes from (source), how sure that source is
(confidence: documented / observed / inferred) and what it costs to check on real AWS (cost class: free /
billable / commitment). Tests name the clauses they check (``@pytest.mark.clause``); a violation raises
``ConformanceFailure`` naming one clause, and every reporter renders that one type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import schemas

#: Clause-id key -> operation name, from the operation table in schemas/.
OPERATIONS = {op.key: op.name for op in schemas.OPERATION_TABLE}
OPERATION_KEYS = {name: key for key, name in OPERATIONS.items()}

CONFIDENCES = ("documented", "observed", "inferred")
COST_CLASSES = ("free", "billable", "commitment")

# Sources (see docs/contract.md for the full list with confidence).
MODEL = "botocore model bedrock/2023-04-20"
SEED = "seed changelog 2023-10-02"
UG = "https://docs.aws.amazon.com/bedrock/latest/userguide/"
API = "https://docs.aws.amazon.com/bedrock/latest/APIReference/API_"
NOTES = "contract notes (open question: every documented answer accepted)"
SMITHY = ("Smithy restJson1 protocol tests (smithy-lang/smithy, smithy-aws-protocol-tests/model/restJson1/, "
          "see docs/contract.md, Protocol rules)")

# ---------------------------------------------------------------------------------------------------------
# Protocol rules: answers of AWS's restJson1 framework that no operation models (docs/contract.md).
# A request that cannot be deserialised is refused with 400 SerializationException: a body that is not JSON or
# not a JSON object (RestJsonInvalidJsonBody, RestJsonTechnicallyValidJsonBody), a member of the wrong JSON type
# (RestJsonBodyIntegerMalformedValueRejected, RestJsonBodyBooleanStringCoercion,
# RestJsonBodyMalformedListNullItem), an integer out of its type's range (RestJsonBodyIntegerUnderflowOverflow,
# RestJsonQueryIntegerUnderflowOverflow), an unparseable integer or timestamp in the query string, path or a
# header (RestJsonQueryIntegerMalformedValueRejected, RestJsonQueryTimestampDefaultRejectsEpochSeconds,
# RestJsonPathTimestampDefaultRejectsHttpDate, RestJsonHeaderTimestampDefaultRejectsDateTime). Constraint
# violations (length, pattern, range, enum, required) are ValidationException (validation/malformed-*.smithy:
# RestJsonMalformedLengthString, RestJsonMalformedPatternString, RestJsonMalformedRangeInteger,
# RestJsonMalformedEnumString, RestJsonMalformedRequiredBodyUnset).
PROTOCOL_ERRORS: dict[str, int] = {"SerializationException": 400}
SERIALIZATION = "SerializationException"
# The kinds of invalid request (strategies.invalid.KINDS) that are deserialisation failures: there
# SerializationException is as right as the ValidationException the model documents.
DESERIALIZATION_KINDS = frozenset({"malformed-body", "wrong-type", "unknown-query-value"})
# Framework refusals of the credentials: the run cannot be made (exit 2), not a conformance verdict.
AUTH_REFUSALS = frozenset({"UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException",
                           "MissingAuthenticationTokenException", "MissingAuthenticationToken", "IncompleteSignature",
                           "IncompleteSignatureException", "InvalidClientTokenId", "SignatureDoesNotMatch"})


@dataclass(frozen=True)
class Clause:
    id: str
    operation: str
    statement: str
    source: str
    confidence: str = "documented"
    cost: str = "free"

    def __post_init__(self) -> None:
        assert self.confidence in CONFIDENCES, self.confidence
        assert self.cost in COST_CLASSES, self.cost


class ConformanceFailure(AssertionError):
    """A violation of one clause. The one failure type every reporter renders."""

    def __init__(
        self,
        clause_id: str,
        message: str,
        *,
        request: dict[str, Any] | None = None,
        response: dict[str, Any] | None = None,
        schema_path: str | None = None,
        reproducer: str | None = None,
        check: dict[str, Any] | None = None,
    ) -> None:
        self.clause_id = clause_id
        self.message = message
        self.request = request
        self.response = response
        self.schema_path = schema_path
        self.reproducer = reproducer
        self.check = check  # the rule that failed (conformance.catalogue.rules.spec): what a reproducer replays
        self.no_reproducer: str | None = None  # why no reproducer could be made
        super().__init__(f"[{clause_id}] {message}")

    def details(self) -> dict[str, Any]:
        return {
            "clause": self.clause_id,
            "message": self.message,
            "request": self.request,
            "response": self.response,
            "schema_path": self.schema_path,
            "reproducer": self.reproducer,
            "check": self.check,
            "no_reproducer": self.no_reproducer,
        }


class NotImplementedOutcome(ConformanceFailure):
    """The target does not implement the operation at all (e.g. moto: a 404 "Not yet implemented")."""


class QuotaRefused(Exception):
    """The account's quota refused a create (ServiceQuotaExceededException): an outcome of its own, at no cost."""


class TargetUnavailable(Exception):
    """The run cannot be made: the target is unreachable, hangs, or its settings are wrong."""


class CredentialsRefused(TargetUnavailable):
    """The target's framework refused the credentials (AUTH_REFUSALS): the run stops, exit 2, no verdict."""


CATALOGUE: dict[str, Clause] = {}


def declare(id: str, op: str, statement: str, source: str, confidence: str = "documented",
            cost: str = "free") -> Clause:
    assert id not in CATALOGUE, f"clause {id} declared twice"
    clause = Clause(id=id, operation=OPERATIONS.get(op, op), statement=statement, source=source,
                    confidence=confidence, cost=cost)
    CATALOGUE[id] = clause
    return clause


def get(clause_id: str) -> Clause:
    return CATALOGUE[clause_id]


def ops_page(op: str) -> str:
    return f"{API}{OPERATIONS[op]}.html"


# ---------------------------------------------------------------------------------------------------------
# Wire clauses: checked on every response the suite receives, before botocore parses it.
for _key, _op in OPERATIONS.items():
    _status = 201 if _key == "CREATE" else 200
    declare(f"{_key}-WIRE-STATUS", _key, f"A success answers HTTP {_status}, the operation's documented code.",
            MODEL)
    declare(f"{_key}-WIRE-CONTENT-TYPE", _key, "Every answer carries a JSON Content-Type.", MODEL, "observed")
    declare(f"{_key}-WIRE-SCHEMA", _key,
            "A success body matches the documented output shape: required members present, types, enums, "
            "full-match patterns, ISO 8601 timestamp strings, no null for a required member (a null for an optional "
            "one reads as absent: API-WIRE-ABSENT-OMITTED).", MODEL)
    declare(f"{_key}-WIRE-ERROR-DOCUMENTED", _key,
            "An error names an error this operation documents, or SerializationException (400) where a request "
            "can fail to deserialise, with the HTTP status of that error shape; the name is read as clients read "
            "it: x-amzn-ErrorType, else the body's top-level code or __type, namespace ('#') and ':' suffix "
            "dropped.", f"{MODEL}; {SMITHY}: errors.smithy, malformedRequests")
    declare(f"{_key}-WIRE-ERROR-MESSAGE", _key, "An error body is a JSON object carrying a string message.",
            MODEL, "observed")

# A null for an optional member: every AWS SDK reads it as absent, so the schema clauses above read it so too
# (schemas.generate.absent_as_null) and this one clause names the deviation from AWS, which omits the member.
ABSENT_OMITTED = "API-WIRE-ABSENT-OMITTED"
declare(ABSENT_OMITTED, "*",
        "A success body omits an optional member that has no value; it does not send it as JSON null. Clients read "
        "a null member as absent (botocore's JSON parsers drop it), so a null breaks only this clause; a null for "
        "a required member breaks the operation's WIRE-SCHEMA.",
        f"{SMITHY}: json-structs.smithy, RestJsonServersDontSerializeNullStructureValues (a null member is "
        "omitted), RestJsonDoesntDeserializeNullStructureValues (a client drops it); awsJson1_1/null.smithy "
        "beside it (\"Null structure values are dropped\"); botocore's JSON parser skips null members")

# ---------------------------------------------------------------------------------------------------------
# Validation: every invalid request gets ValidationException 400 (TooManyTagsException for tag counts).
_PARAMS = {
    "CREATE": ["provisionedModelName", "modelUnits", "modelId", "clientRequestToken", "commitmentDuration",
               "tags"],
    "GET": ["provisionedModelId"],
    "LIST": ["creationTimeAfter", "creationTimeBefore", "statusEquals", "modelArnEquals", "nameContains",
             "maxResults", "nextToken", "sortBy", "sortOrder"],
    "UPDATE": ["provisionedModelId", "desiredProvisionedModelName", "desiredModelId"],
    "DELETE": ["provisionedModelId"],
    "TAG": ["resourceARN", "tags"],
    "UNTAG": ["resourceARN", "tagKeys"],
    "LISTTAGS": ["resourceARN"],
}
for _key, _params in _PARAMS.items():
    for _param in _params:
        declare(f"{_key}-REJECT-{_param}", _key,
                f"A request whose {_param} breaks its documented constraint (length, range, enum or pattern) is "
                "refused with ValidationException (400) and changes nothing; a value of the wrong JSON type, out "
                "of its integer range or unparseable in the query may also be refused with SerializationException "
                "(400).", f"{MODEL}; {SMITHY}: validation/malformed-*, malformedRequests")
for _key in ("CREATE", "UPDATE", "TAG", "UNTAG", "LISTTAGS"):
    declare(f"{_key}-REJECT-MALFORMED-BODY", _key,
            "A body that is not JSON or not a JSON object is refused with SerializationException or "
            "ValidationException (400), never a 5xx, and changes nothing.",
            f"{SMITHY}: RestJsonInvalidJsonBody, RestJsonTechnicallyValidJsonBody")
for _key in ("CREATE", "TAG", "UNTAG", "LISTTAGS"):
    declare(f"{_key}-REJECT-MISSING-REQUIRED", _key,
            "A request missing a required member is refused with ValidationException (400).", MODEL)

# ---------------------------------------------------------------------------------------------------------
# Create
declare("CREATE-ACCEPTS-VALID", "CREATE",
        "A valid request for a model the target offers (every optional parameter, boundary lengths) is "
        "answered 201 with the new provisionedModelArn.", MODEL, cost="billable")
declare("CREATE-ARN-FORMAT", "CREATE",
        "provisionedModelArn is arn:<partition>:bedrock:<region>:<account>:provisioned-model/<12 chars> with the "
        "target's region, its partition (aws, aws-cn for cn-*, aws-us-gov for us-gov-*: every ARN the server "
        "returns follows the region's partition) and account.", f"{MODEL}; botocore partition data (endpoints)",
        cost="billable")
declare("CREATE-RECORD-FIELDS", "CREATE",
        "Get after Create reflects the request: name, modelUnits = desiredModelUnits, modelArn is the full ARN "
        "of the modelId in any accepted form, desiredModelArn = modelArn, commitmentDuration only when asked.",
        ops_page("GET"), cost="billable")
declare("CREATE-FOUNDATION-ARN", "CREATE",
        "foundationModelArn is the base model's foundation-model ARN, also for a custom-model Provisioned "
        "Throughput.", MODEL, cost="billable")
declare("CREATE-LIFECYCLE", "CREATE",
        "Status starts Creating (or InService) and reaches InService within the target's timeout, or Failed "
        "with a failureMessage.", UG + "prov-thru-purchase.html", "observed", "billable")
declare("CREATE-TIMESTAMPS", "CREATE", "lastModifiedTime >= creationTime.", MODEL, "inferred", "billable")
declare("CREATE-IDEMPOTENT", "CREATE",
        "A retry with the same clientRequestToken and parameters returns the same ARN and creates nothing.",
        ops_page("CREATE"), cost="billable")
declare("CREATE-NAME-UNIQUE", "CREATE",
        "A create with the name of a live Provisioned Throughput is refused with a documented 4xx and creates "
        "nothing (the exact code is undocumented: every documented 4xx is accepted).",
        UG + "prov-thru-purchase.html", "inferred", "billable")
declare("CREATE-UNKNOWN-MODEL", "CREATE",
        "A well-formed modelId naming no model the target offers is refused with a documented 4xx "
        "(which one is undocumented) and creates nothing.", MODEL, "inferred")
declare("CREATE-TAGS", "CREATE", "Tags given at create are returned by ListTagsForResource.", MODEL,
        cost="billable")
declare("CREATE-TOO-MANY-TAGS", "CREATE",
        "A create with more than 50 tags is refused with TooManyTagsException or ValidationException.",
        UG + "tagging.html")
declare("CREATE-COMMITMENT", "CREATE",
        "With commitmentDuration, Get returns it and a commitmentExpirationTime after creationTime.", MODEL,
        cost="commitment")

# ---------------------------------------------------------------------------------------------------------
# Concurrency: requests sent at once over separate connections (threads released by a barrier). N parallel
# requests, 4 by default and 2 on AWS (conformance.targets.aws.PARALLEL_ON_AWS, counted in max_live).
_UNIQUE_NAME = ' (provisionedModelName: "Unique name for this provisioned throughput")'
_TOKEN = (' (clientRequestToken: "If this token matches a previous request, Bedrock ignores the request, but does '
          'not return an error")')
declare("CREATE-NAME-UNIQUE-CONCURRENT", "CREATE",
        "N creates with one name and distinct clientRequestTokens, sent at once: exactly one succeeds, the others "
        "are refused with a documented 4xx (the code is undocumented: every documented 4xx is accepted), and Get "
        "and List show exactly one Provisioned Throughput with that name, the winner.", MODEL + _UNIQUE_NAME,
        "inferred", "billable")
declare("CREATE-IDEMPOTENT-CONCURRENT", "CREATE",
        "N identical creates with one clientRequestToken, sent at once, create exactly one Provisioned "
        "Throughput: every success names its ARN, Get and List show exactly one with that name; a losing "
        "request may be refused with a documented 4xx (no source forbids it).", ops_page("CREATE") + _TOKEN,
        "documented", "billable")
declare("CREATE-TOKEN-REUSE-OTHER-PARAMS", "CREATE",
        "A create reusing a clientRequestToken with other parameters (another name) never creates a second "
        "Provisioned Throughput: it answers the original ARN or a documented 4xx (open question 2, undocumented: "
        "both accepted), and nothing carries the other name afterwards.", NOTES, "inferred", "billable")
declare("API-NO-5XX-UNDER-LOAD", "*",
        "A bounded burst of parallel requests on the run's own resources (N workers at once, each: create, get, "
        "list, tag, list tags, untag, delete, get) gets no 5xx, and afterwards the server holds exactly what the "
        "requests left: no record lost or doubled, tags as sent (a delete while Creating may be refused: open "
        "question 5).", MODEL + " (InternalServerException is a server fault)", "inferred", "billable")

# ---------------------------------------------------------------------------------------------------------
# Get
declare("GET-BY-NAME-AND-ARN", "GET", "Get by name and Get by ARN return the same record.", ops_page("GET"),
        cost="billable")
declare("GET-UNKNOWN-404", "GET",
        "Get of a well-formed name or ARN that does not exist answers ResourceNotFoundException (404).",
        ops_page("GET"))

# ---------------------------------------------------------------------------------------------------------
# List
declare("LIST-ANSWERS", "LIST", "List without parameters answers 200 with provisionedModelSummaries.",
        ops_page("LIST"))
declare("LIST-PAGINATION-COMPLETE", "LIST",
        "Following nextToken with any maxResults returns every matching record exactly once: no duplicate, "
        "no gap.", MODEL, cost="billable")
declare("LIST-MAXRESULTS", "LIST", "A page never holds more than maxResults summaries.", MODEL,
        cost="billable")
declare("LIST-LAST-PAGE", "LIST",
        "Paging ends: following nextToken reaches a page without one (an empty final page after a full one is "
        "allowed).", MODEL, "observed", "billable")
declare("LIST-GARBAGE-TOKEN", "LIST",
        "A nextToken the target never issued is refused with ValidationException (400) or ends the listing (an "
        "empty page, no nextToken); it never restarts from the first page.", MODEL, "inferred")
declare("LIST-FILTER-STATUS", "LIST", "statusEquals returns exactly the records in that status.", MODEL,
        cost="billable")
declare("LIST-FILTER-MODEL", "LIST", "modelArnEquals returns exactly the records whose modelArn equals it.",
        MODEL, cost="billable")
declare("LIST-FILTER-NAME", "LIST",
        "nameContains returns exactly the records whose name contains it anywhere: a fragment from the start, "
        "the middle or the end of a name (\"if their name contains the expression that you specify\"; case "
        "sensitivity is undocumented: both answers are accepted for letters whose case differs).", MODEL,
        cost="billable")
declare("LIST-FILTER-TIME", "LIST",
        "creationTimeAfter/creationTimeBefore return exactly the records created after/before the bound "
        "(inclusive or exclusive bounds are undocumented: a record exactly on a bound may go either way).",
        MODEL, cost="billable")
declare("LIST-FILTER-COMBINED", "LIST", "Filters combine as a conjunction.", MODEL, "inferred", "billable")
declare("LIST-SORT-ORDER", "LIST",
        "sortBy CreationTime with sortOrder Ascending/Descending orders by creationTime across page boundaries "
        "(sortOrder alone: that order or the default one).", MODEL,
        cost="billable")
declare("LIST-SORT-DEFAULT", "LIST",
        "Without sortOrder the records come in a creation-time order, the same on every page (which direction "
        "is undocumented; sibling Bedrock list APIs document Descending).", NOTES, "inferred", "billable")
declare("LIST-SUMMARY-MATCHES-GET", "LIST",
        "Each summary agrees with Get for the same record (every member a summary carries).", MODEL,
        cost="billable")

# ---------------------------------------------------------------------------------------------------------
# Update
declare("UPDATE-UNKNOWN-404", "UPDATE",
        "Update of a well-formed name or ARN that does not exist answers ResourceNotFoundException (404).",
        ops_page("UPDATE"))
declare("UPDATE-RENAME", "UPDATE",
        "After a rename the new name resolves, the old name answers 404, and List shows the new name.",
        UG + "prov-thru-edit.html", cost="billable")
declare("UPDATE-RENAME-DUPLICATE", "UPDATE",
        "A rename onto the name of another live Provisioned Throughput is refused with a documented 4xx.",
        UG + "prov-thru-edit.html", "inferred", "billable")
declare("UPDATE-DESIRED-MODEL-BASE", "UPDATE",
        "desiredModelId is refused (documented 4xx) for a Provisioned Throughput serving a base model.",
        MODEL, cost="billable")
declare("UPDATE-DESIRED-MODEL-CUSTOM", "UPDATE",
        "For a custom-model Provisioned Throughput, desiredModelId (its base model or a custom model of the "
        "same base) sets desiredModelArn at once; while the update is in progress (Updating) modelArn keeps the "
        "old model (\"This value differs from the modelArn if updating hasn't completed\"), after it modelArn "
        "follows.", f"{MODEL} (desiredModelArn)", cost="billable")
declare("UPDATE-TIMESTAMPS", "UPDATE",
        "An accepted update advances lastModifiedTime (never backwards) and never changes creationTime.",
        MODEL, "inferred", "billable")
declare("UPDATE-IMMUTABLE", "UPDATE",
        "Update never changes modelUnits, desiredModelUnits, commitmentDuration or commitmentExpirationTime.",
        UG + "prov-thru-edit.html", cost="billable")
declare("UPDATE-EMPTY", "UPDATE",
        "An update naming neither a new name nor a new model answers 200 or a documented 4xx (undocumented: "
        "all accepted), and changes nothing.", NOTES, "inferred", "billable")

# ---------------------------------------------------------------------------------------------------------
# Delete
declare("DELETE-UNKNOWN-404", "DELETE",
        "Delete of a well-formed name or ARN that does not exist answers ResourceNotFoundException (404).",
        ops_page("DELETE"))
declare("DELETE-GONE", "DELETE",
        "After Delete (200, {}), Get, Update and Delete answer 404, List omits it and its tags are gone.",
        UG + "prov-thru-delete.html", cost="billable")
declare("DELETE-COMMITMENT-REFUSED", "DELETE",
        "A Provisioned Throughput under a running commitment term can't be deleted: a documented 4xx "
        "(the code is undocumented: any but ResourceNotFoundException) and it stays.",
        UG + "prov-thru-delete.html", "inferred", "commitment")

# ---------------------------------------------------------------------------------------------------------
# Tags
declare("TAG-ADD", "TAG", "TagResource adds or overwrites exactly the tags it names.", MODEL, cost="billable")
declare("UNTAG-REMOVE", "UNTAG",
        "UntagResource removes exactly the keys it names (a key the resource lacks: ignored or "
        "ValidationException, other tags unchanged).", MODEL, cost="billable")
declare("TAG-LIMIT", "TAG",
        "Tagging beyond 50 tags on a resource (counting existing ones) is refused with TooManyTagsException "
        "(or ValidationException past the shape's 200) and changes nothing.", UG + "tagging.html",
        cost="billable")
for _key in ("TAG", "UNTAG", "LISTTAGS"):
    declare(f"{_key}-UNKNOWN-404", _key,
            "A well-formed provisioned-model ARN that does not exist answers ResourceNotFoundException (404).",
            ops_page(_key))

# ---------------------------------------------------------------------------------------------------------
# The schemathesis phase: schema-driven requests from schemas/openapi.json.
declare("API-SCHEMATHESIS", "*",
        "Schema-driven requests (schemathesis, checks that hold for AWS) find no server error, undocumented "
        "status code, undocumented content type or response that breaks its schema.", MODEL)


def for_operation(operation: str) -> list[Clause]:
    return [c for c in CATALOGUE.values() if c.operation == operation]


def catalogue_markdown() -> str:
    """The catalogue as Markdown, one table per operation (``bedrock-conformance clauses``)."""
    lines = ["# Clause catalogue", "",
             f"{len(CATALOGUE)} clauses. Confidence: documented / observed / inferred. "
             "Cost class: free / billable / commitment (what checking it costs on real AWS).", ""]
    for op in [*OPERATIONS.values(), "*"]:
        clauses = for_operation(op)
        if not clauses:
            continue
        lines += [f"## {op if op != '*' else 'All operations'}", "",
                  "| id | statement | source | confidence | cost |", "|---|---|---|---|---|"]
        for c in clauses:
            lines.append(f"| `{c.id}` | {c.statement} | {c.source} | {c.confidence} | {c.cost} |")
        lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------
# Errors an operation does not document but Bedrock's framework answers. Declared once: the wire checker
# (CREATE-/UPDATE-WIRE-ERROR-DOCUMENTED) and every clause that accepts "any documented 4xx" (a taken name, a token
# reused with other parameters, an update or delete during a transition) accept them, and the report says on which
# ground (``tolerated_note``). Source: the botocore bedrock model (1.43.11): every Bedrock Create but
# CreateCustomModelDeployment and CreateModelCopyJob lists ConflictException, the PT model lists it for Delete
# only; a duplicate name, a reused token or an update while Creating/Updating may get it (team evidence X-7, U-1,
# U-2, U-3; docs/aws.md, "A first real run").
BEDROCK_TYPICAL_ERRORS: dict[str, dict[str, int]] = {
    OPERATIONS["CREATE"]: {"ConflictException": 400},
    OPERATIONS["UPDATE"]: {"ConflictException": 400},
}
BEDROCK_TYPICAL_SOURCE = (f"undocumented but Bedrock-typical: {MODEL} lists ConflictException for every sibling "
                          "Bedrock Create (not CreateCustomModelDeployment, CreateModelCopyJob) and for "
                          "DeleteProvisionedModelThroughput; see docs/aws.md, 'A first real run'")


def tolerated_note(operation: str, code: str, count: int) -> str:
    """The report's line for an undocumented error accepted as Bedrock-typical."""
    return (f"{operation} answered {code} {count} time(s): accepted, {BEDROCK_TYPICAL_SOURCE} (the operation's "
            "model does not list it)")


# ---------------------------------------------------------------------------------------------------------
# Tag semantics: an existing key, and concurrent TagResource calls.
declare("LISTTAGS-KEYS-UNIQUE", "LISTTAGS",
        "ListTagsForResource never shows one key twice: a tag key names one value per resource (TagResource with a "
        "key the resource has overwrites its value).",
        f"{MODEL} (Tag: key, value); https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html")
declare("TAG-CONCURRENT", "TAG",
        "N TagResource calls with different keys on one Provisioned Throughput, sent at once, all succeed and every "
        "key survives with its value (each call adds exactly the tags it names).", MODEL, "inferred", "billable")

# ---------------------------------------------------------------------------------------------------------
# Update across base models
declare("UPDATE-DESIRED-MODEL-CROSS-BASE", "UPDATE",
        "For a custom-model Provisioned Throughput, desiredModelId naming a custom model of another base model is "
        "refused (documented 4xx) and changes nothing (tried whenever the target's custom models have two base "
        "models; the report says when they have one).", f"{MODEL} (desiredModelId); {UG}prov-thru-edit.html",
        cost="billable")

# ---------------------------------------------------------------------------------------------------------
# Issue 24: clauses from the public evidence of real AWS runs (docs/aws.md, "A first real run").
TF_TAGS_TEST = ("hashicorp/terraform-provider-aws internal/service/bedrock/custom_model_tags_gen_test.go (Bedrock "
                "TagResource): 'The canonical value returned by the AWS API is \"\"'")
declare("TAG-EMPTY-VALUE", "TAG", 'A tag with an empty value is kept: ListTagsForResource answers its value as "".',
        TF_TAGS_TEST, "observed", "billable")
declare("TAG-KEY-CASE", "TAG",
        "Tag keys are case-sensitive: Case and case are two tags, and untagging one leaves the other.",
        "Tagging your AWS resources (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html): tag "
        "keys and values are case-sensitive; Bedrock's tagging follows it (UG tagging)", "inferred", "billable")
declare("TAG-RESERVED-PREFIX", "TAG",
        "A TagResource with a key starting aws: is accepted, or refused with a documented 4xx and nothing changed; "
        "never half-applied (unsettled: the generic AWS rule reserves the prefix, Bedrock's enforcement is "
        "unobserved; both answers are accepted).",
        "Tagging your AWS resources ('The aws: prefix is reserved for use by AWS'); UG tagging", "inferred",
        "billable")
declare("UPDATE-RENAME-KEEPS-ARN", "UPDATE",
        "A rename keeps provisionedModelArn: the ARN still resolves, to the new name, and still takes tagging.",
        "UG prov-thru-edit (a rename edits the Provisioned Throughput); Terraform and aws-nuke key PTs by ARN "
        "(hashicorp/terraform-provider-aws provisioned_model_throughput.go, ekristen/aws-nuke)", "inferred",
        "billable")
declare("CREATE-QUOTA-REFUSAL", "CREATE",
        "A create the account's model-unit quota refuses (ServiceQuotaExceededException) creates nothing: its "
        "name is neither gettable nor listed.",
        UG + "prov-thru-purchase.html (request MUs first); apache/airflow example_bedrock.py "
        "(ServiceQuotaExceededException on accounts without MUs)", "observed", "billable")
declare("DELETE-FAILED", "DELETE",
        "A Provisioned Throughput whose create ended Failed is still listed (status Failed) and can be deleted; then "
        "it is gone.",
        "apache/airflow waiters/bedrock.json (Failed is terminal) and hashicorp/terraform-provider-aws (a Failed PT "
        "stays in state to delete); unstated by AWS docs (team evidence N-11)", "inferred", "billable")
