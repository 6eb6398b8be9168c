"""The clauses' own checks as pure functions, shared by the suite and its reproducers.

A rule takes what the target answered and what the clause expects, and returns None when the clause holds, else
what is wrong, in a few words. The suite decides with these (conformance.targets.expect, the wire checker, the
machines) and names the rule it used in the failure (``ConformanceFailure.check``: ``spec(...)``);
conformance.report.reproducer copies that rule, and the rules it calls, verbatim into the failure's script, so the
run and the reproducer judge alike (tests/test_reproducers.py holds every reproducer to this).

Standard library only, no project import: a reproducer runs with python and boto3 alone.

An answer is a dict: ``status`` (HTTP), ``code`` (the error code, None on success), ``body`` (boto3's parse of a
call's answer, or the JSON of a raw request's; None when unreadable), ``headers`` and ``content`` (the raw body;
raw requests only). A rule on a List query takes its pages (a list of answers, following nextToken).
"""

from __future__ import annotations

from typing import Any

Answer = dict[str, Any]


def spec(rule: str, on: dict[str, Any], **args: Any) -> dict[str, Any]:
    """What a failure names: the rule, the answer(s) it judged (``on``: {"call": operation, "params": ...},
    {"call": operation, "arn": ...} for the last such call answering about that ARN, {"pages": params} for a List
    query's pages, or {"request": True} for the failure's recorded request) and the rule's other arguments."""
    return {"rule": rule, "on": on, "args": args}


def apply(check: dict[str, Any], answer: Any) -> str | None:
    """The verdict of ``check`` (a ``spec``) on ``answer``."""
    return RULES[check["rule"]](answer, **check["args"])


# -- refusals and successes --------------------------------------------------------------------------------
def refused(answer: Answer, codes: list[str]) -> str | None:
    """The request is refused with one of ``codes``."""
    if answer["code"] in codes:
        return None
    if answer["code"] is None and (answer["status"] or 200) < 300:
        return f"accepted (HTTP {answer['status']}); expected {' or '.join(codes)}"
    return f"answered HTTP {answer['status']} {answer['code']}; expected {' or '.join(codes)}"


def succeeded(answer: Answer) -> str | None:
    """The request succeeds."""
    if answer["code"] is None and (answer["status"] or 200) < 300:
        return None
    return f"refused: HTTP {answer['status']} {answer['code']}"


def success_or(answer: Answer, codes: list[str]) -> str | None:
    """The request succeeds, or is refused with one of ``codes`` (where the contract allows either)."""
    if answer["code"] is None or answer["code"] in codes:
        return None
    return f"answered HTTP {answer['status']} {answer['code']}; expected success or {' or '.join(codes)}"


def not_server_error(answer: Answer) -> str | None:
    """The target answers without a server error (5xx)."""
    return None if (answer["status"] or 200) < 500 else f"answered HTTP {answer['status']}, a server error"


def client_error(answer: Answer) -> str | None:
    """A request breaking a documented constraint is refused with a 4xx."""
    status = answer["status"] or 200
    return None if 400 <= status < 500 else f"answered HTTP {status}; expected a 4xx refusal"


# -- requests sent at once -----------------------------------------------------------------------------------
def burst_one_winner(answers: list[Answer], codes: list[str]) -> str | None:
    """Of creates of one name sent at once (distinct tokens), exactly one succeeds; the others are refused with
    one of ``codes``."""
    wins = [a for a in answers if a["code"] is None]
    wrong = sorted({str(a["code"]) for a in answers if a["code"] is not None and a["code"] not in codes})
    if len(wins) == 1 and not wrong:
        return None
    return f"{len(wins)} of {len(answers)} parallel creates succeeded (exactly one must)" + (
        f"; losers answered {wrong}, not one of {codes}" if wrong else "")


def burst_one_arn(answers: list[Answer], codes: list[str]) -> str | None:
    """Identical creates sent at once (one clientRequestToken): at least one succeeds, every success names the same
    ARN, the others are refused with one of ``codes``."""
    arns = sorted({str((a["body"] or {}).get("provisionedModelArn")) for a in answers if a["code"] is None})
    wrong = sorted({str(a["code"]) for a in answers if a["code"] is not None and a["code"] not in codes})
    if len(arns) == 1 and not wrong:
        return None
    return f"the successes named {len(arns)} ARNs {arns} (exactly one)" + (
        f"; losers answered {wrong}, not one of {codes}" if wrong else "")


# -- the record's members ----------------------------------------------------------------------------------
def member_is(answer: Answer, member: str, want: Any) -> str | None:
    """A success whose ``member`` is ``want`` (a refusal judges nothing: the clause holds)."""
    got = (answer["body"] or {}).get(member) if answer["code"] is None else want
    return None if got == want else f"{member} is {got!r}; expected {want!r}"


def not_before(answer: Answer, member: str, floor: Any, strictly: bool = False) -> str | None:
    """The timestamp ``member`` is not before ``floor`` (``strictly``: after it)."""
    got = (answer["body"] or {}).get(member)
    if got is None or floor is None:
        return None
    if got > floor or (got == floor and not strictly):
        return None
    return f"{member} is {got.isoformat()}, {'not after' if strictly else 'before'} {floor.isoformat()}"


def tags_are(answer: Answer, want: dict[str, str]) -> str | None:
    """ListTagsForResource answers exactly the tags ``want``."""
    got = {t.get("key"): t.get("value") for t in (answer["body"] or {}).get("tags") or []}
    return None if got == want else f"the tags are {got}; expected {want}"


def tag_values(answer: Answer, want: dict[str, str | None]) -> str | None:
    """ListTagsForResource answers each key of ``want`` with its value (None: the key is absent)."""
    got = {t.get("key"): t.get("value") for t in (answer["body"] or {}).get("tags") or []}
    wrong = {k: got.get(k) for k, v in want.items() if got.get(k) != v or (v is None and k in got)}
    return None if not wrong else f"the tags hold {wrong} for those keys; expected {want}"


# -- List queries --------------------------------------------------------------------------------------------
def summaries(pages: list[Answer]) -> list[dict[str, Any]]:
    return [s for page in pages for s in (page["body"] or {}).get("provisionedModelSummaries") or []]


def listed(pages: list[Answer], arn: str, name: str) -> str | None:
    """The List shows the Provisioned Throughput ``arn`` under ``name``."""
    found = [s for s in summaries(pages) if s.get("provisionedModelArn") == arn]
    return None if any(s.get("provisionedModelName") == name for s in found) else \
        f"{name} ({arn}) is not listed" + (f" (listed as {[s.get('provisionedModelName') for s in found]})" if found else "")


def not_listed(pages: list[Answer], name: str | None = None, arn: str | None = None) -> str | None:
    """The List shows nothing named ``name`` (a name given up), or with the ARN ``arn`` (deleted)."""
    found = [s for s in summaries(pages) if (name is not None and s.get("provisionedModelName") == name)
             or (arn is not None and s.get("provisionedModelArn") == arn)]
    return None if not found else f"still listed: {[(s.get('provisionedModelName'), s.get('provisionedModelArn')) for s in found]}"


def no_repeats(pages: list[Answer]) -> str | None:
    """Following nextToken returns no Provisioned Throughput twice."""
    arns = [s.get("provisionedModelArn") for s in summaries(pages)]
    twice = sorted({a for a in arns if arns.count(a) > 1})
    return None if not twice else f"{twice} came more than once while following nextToken"


def page_sizes(pages: list[Answer], max_results: int) -> str | None:
    """No page holds more than ``max_results`` summaries."""
    sizes = [len((page["body"] or {}).get("provisionedModelSummaries") or []) for page in pages]
    return None if all(n <= max_results for n in sizes) else f"pages of {sizes} summaries; maxResults {max_results}"


def names_contain(pages: list[Answer], fragment: str) -> str | None:
    """Every summary a nameContains filter returned has the fragment in its name (any case)."""
    wrong = [s.get("provisionedModelName") for s in summaries(pages)
             if fragment.lower() not in str(s.get("provisionedModelName")).lower()]
    return None if not wrong else f"returned {wrong}, whose names do not contain {fragment!r}"


def created_within(pages: list[Answer], after: Any = None, before: Any = None) -> str | None:
    """Every summary a creationTime filter returned was created within its bounds (inclusive)."""
    wrong = [s.get("provisionedModelName") for s in summaries(pages)
             if after is not None and s["creationTime"] < after or before is not None and s["creationTime"] > before]
    return None if not wrong else f"returned {wrong}, created outside {after} .. {before}"


def listed_pass_filter(pages: list[Answer], member: str, want: Any) -> str | None:
    """Every summary a List filter returned has ``member`` equal to ``want`` (statusEquals, modelArnEquals)."""
    wrong = [s.get("provisionedModelName") for s in summaries(pages) if s.get(member) != want]
    return None if not wrong else f"returned {wrong}, whose {member} is not {want!r}"


def creation_order(pages: list[Answer], order: str | None, sort_by: bool, default: str | None = None
                   ) -> str | None:
    """Summaries in creationTime order across pages (ties in any order): the asked ``order`` with sortBy; with
    sortOrder alone, the asked order or the default one (``default``: a default-order List seen before, if any);
    with neither, some order."""
    listed = summaries(pages)
    created = [s["creationTime"] for s in listed]
    rising = any(a < b for a, b in zip(created, created[1:]))
    falling = any(a > b for a, b in zip(created, created[1:]))
    seen = "Ascending" if rising else "Descending" if falling else None
    in_order = order is not None and not (falling if order == "Ascending" else rising)
    if order and not sort_by:
        in_order = in_order or (not (rising and falling) and default in (None, seen))
    elif not order:
        in_order = not (rising and falling)
    names = [s.get("provisionedModelName") for s in listed]
    return None if in_order else f"{names} (creationTimes {[c.isoformat() for c in created]}) are out of order"


# -- the wire ------------------------------------------------------------------------------------------------
def wire_status(answer: Answer, expected: int) -> str | None:
    """A success answers the operation's documented status code."""
    status = answer["status"]
    return None if not 200 <= status < 300 or status == expected else \
        f"succeeded with HTTP {status}; the contract says {expected}"


def error_message(answer: Answer) -> str | None:
    """An error body carries a string message (message or Message)."""
    data = answer["body"]
    if answer["status"] < 300:
        return None
    message = data.get("message", data.get("Message")) if isinstance(data, dict) else None
    return None if isinstance(message, str) else "the error body carries no string message"


def error_documented(answer: Answer, documented: dict[str, int], typical: dict[str, int] | None = None
                     ) -> str | None:
    """An error names an error the operation documents, with that error's status (or one Bedrock typically
    answers, ``typical``, with its status)."""
    code, status = answer["code"], answer["status"]
    if status < 300 or (code not in documented and (typical or {}).get(code) == status):
        return None
    if code is None:
        return f"HTTP {status} names no error code (no x-amzn-ErrorType, no top-level code or __type)"
    if code not in documented:
        return f"{code} (HTTP {status}) is not an error the operation documents: {', '.join(sorted(documented))}"
    if documented[code] != status:
        return f"{code} answered HTTP {status}; its error shape says {documented[code]}"
    return None


def json_content_type(answer: Answer) -> str | None:
    """A body, and every error, comes as JSON (Content-Type)."""
    lowered = {str(k).lower(): str(v) for k, v in (answer["headers"] or {}).items()}
    content_type = lowered.get("content-type", "")
    if not (answer["content"] or b"").strip() and answer["status"] < 300:
        return None
    return None if "json" in content_type.lower() else f"Content-Type is {content_type!r}, not JSON"


def body_schema(answer: Answer, schema: dict[str, Any], compile_schema: Any) -> str | None:
    """A success body matches the response schema (compile_schema: the wire checker's, checker.fastschema)."""
    body = answer["body"]
    if answer["status"] >= 300 or compile_schema(schema)(body):
        return None
    wrong = [n for n, sub in (schema.get("properties") or {}).items()
             if isinstance(body, dict) and n in body and not compile_schema(sub)(body[n])]
    return f"the body breaks the response schema: members {wrong} (required: {schema.get('required')})"


def absent_omitted(answer: Answer, schema: dict[str, Any], null_members: Any) -> str | None:
    """A success omits an optional member it lacks instead of sending null (null_members: the wire checker's)."""
    found = null_members(schema)(answer["body"]) if answer["status"] < 300 else []
    return None if not found else f"null sent for the optional member(s) {found}; AWS omits an absent member"


RULES = {rule.__name__: rule for rule in (
    refused, succeeded, success_or, not_server_error, client_error, burst_one_winner, burst_one_arn, member_is, not_before, tags_are, tag_values, listed, not_listed, no_repeats, page_sizes, names_contain, created_within,
    listed_pass_filter, creation_order,
    wire_status, error_message, error_documented, json_content_type, body_schema, absent_omitted)}
