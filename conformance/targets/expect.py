"""Small helpers the clause tests use to call a target and state expectations as clause failures."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError, ParamValidationError

import schemas
from conformance.catalogue import contract, rules
from conformance.catalogue.clauses import ConformanceFailure, QuotaRefused
from conformance.checker.judgement import current
from conformance.targets.target import RawResponse, Target

PLAUSIBLE_CLOCK_SKEW = 86400.0  # seconds: a creationTime further than a day from the client clock is wrong


def _response_of(exc: ClientError) -> dict[str, Any]:
    meta = exc.response.get("ResponseMetadata", {})
    return {"status": meta.get("HTTPStatusCode"), "error": exc.response.get("Error", {})}


def answer_of(response: dict[str, Any] | None = None, exc: ClientError | None = None) -> rules.Answer:
    """A boto3 call's answer (a response, or the ClientError of a refusal) as the rules read it."""
    source = exc.response if exc is not None else (response or {})
    meta = source.get("ResponseMetadata", {})
    error = source.get("Error") if exc is not None else None
    return {"status": meta.get("HTTPStatusCode"), "code": (error or {}).get("Code") if exc is not None else None,
            "body": error if exc is not None else {k: v for k, v in source.items() if k != "ResponseMetadata"},
            "headers": meta.get("HTTPHeaders", {}), "content": None}


def on_call(operation: str, params: dict[str, Any]) -> dict[str, Any]:
    """What a check judged: the last ``operation`` call with ``params`` (conformance.catalogue.rules.spec)."""
    return {"call": operation, "params": dict(params)}


def ok(target: Target, clause: str, operation: str, *, client: Any = None, **params: Any) -> dict[str, Any]:
    """Call ``operation`` (snake_case boto3 name) and require success; a refusal fails ``clause`` (and, once
    ``clause`` already failed in this test, blocks the caller: it needs the answer)."""
    client = client or target.sdk
    try:
        answer = getattr(client, operation)(**params)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ServiceQuotaExceededException":
            raise QuotaRefused(f"{operation}: the account has no quota for this (ServiceQuotaExceededException)"
                               ) from None
        failure = ConformanceFailure(
            clause, f"{operation}({_short(params)}) was refused: {exc.response.get('Error', {}).get('Code')}: "
                    f"{exc.response.get('Error', {}).get('Message')}",
            request=target.last_request, response=_response_of(exc),
            check=rules.spec("succeeded", on_call(operation, params)))
    else:
        current().judge(clause)
        return answer
    current().fail(failure, needed=f"{schemas.operation(operation).name} to succeed")
    raise failure  # pragma: no cover - fail() raises


def refused(target: Target, clause: str, operation: str, *, codes: Iterable[str], client: Any = None,
            accepted: Callable[[dict[str, Any]], Any] | None = None, steps: tuple[str, ...] | None = None,
            **params: Any) -> str:
    """Call ``operation`` and require a refusal with one of ``codes``; returns the code. Once ``clause`` already
    failed in this test, a wrong code goes on; an accepted change blocks the caller (the target no longer holds
    what the caller expects), unless the caller adopts what the server did: ``accepted(answer)`` is called with
    the accepted answer and the caller goes on (returns ""). ``steps``: the operations whose earlier calls a
    reproducer replays (default: every change of the resources the call is about)."""
    client = client or target.wire
    codes = tuple(codes)
    try:
        response = getattr(client, operation)(**params)
    except ClientError as exc:
        return str(_judge_refusal(target, clause, operation, params=params, exc=exc, codes=codes,
                                  expected=" or ".join(codes), rule="refused"))
    except ParamValidationError as exc:  # pragma: no cover - the wire client does not validate
        raise AssertionError(f"the wire client validated parameters: {exc}") from None
    meta = response.get("ResponseMetadata", {})
    check = rules.spec("refused", on_call(operation, params), codes=list(codes))
    if steps is not None:
        check["steps"] = list(steps)
    if rules.apply(check, answer_of(response)) is None:  # pragma: no cover - a success is never a refusal
        return ""
    failure = ConformanceFailure(
        clause, f"{operation}({_short(params)}) was accepted (HTTP {meta.get('HTTPStatusCode')}); expected "
                f"{' or '.join(codes)}",
        request=target.last_request,
        response={"status": meta.get("HTTPStatusCode"),
                  "body": {k: v for k, v in response.items() if k != "ResponseMetadata"}}, check=check)
    # a read that answers goes on; a change that went through leaves the caller without what it holds, unless it
    # adopts what the server did (``accepted``)
    goes_on = accepted is not None or operation.startswith(("get_", "list_"))
    current().fail(failure, needed=False if goes_on else f"{schemas.operation(operation).name} to be refused")
    if accepted is not None:
        accepted(response)
    return ""


def attempt(target: Target, clause: str, operation: str, *, codes: Iterable[str], client: Any = None,
            **params: Any) -> tuple[dict[str, Any] | None, str | None]:
    """Where the contract allows either: success returns (body, None), a refusal with one of ``codes`` returns
    (None, code); any other refusal fails ``clause``."""
    client = client or target.sdk
    codes = tuple(codes)
    try:
        answer = getattr(client, operation)(**params)
    except ClientError as exc:
        expected = " or ".join(("success", *codes))
        return None, _judge_refusal(target, clause, operation, params=params, exc=exc, codes=codes,
                                    expected=expected, rule="success_or")
    current().judge(clause)
    return answer, None


def _judge_refusal(target: Target, clause: str, operation: str, *, params: dict[str, Any], exc: ClientError,
                   codes: tuple[str, ...], expected: str, rule: str) -> str | None:
    """A refusal of ``operation``: one of ``codes`` passes ``clause``, any other fails it (once the clause
    already failed in this test, the caller goes on: a refusal like any other). Returns the code. ``rule``:
    refused, or success_or (either is allowed)."""
    code = exc.response.get("Error", {}).get("Code")
    check = rules.spec(rule, on_call(operation, params), codes=list(codes))
    if rules.apply(check, answer_of(exc=exc)) is None:
        current().judge(clause)
        return code
    message = f"{operation}({_short(params)}) answered {code}; expected {expected}"
    current().fail(ConformanceFailure(clause, message, request=target.last_request, response=_response_of(exc),
                                      check=check))
    return code


def raw_refused(clause: str, response: RawResponse, codes: Iterable[str]) -> str:
    codes = tuple(codes)
    check = rules.spec("refused", {"request": True}, codes=list(codes))
    answer = {"status": response.status, "code": response.code if response.status >= 300 else None,
              "body": response.data, "headers": response.headers, "content": response.body}
    if rules.apply(check, answer) is not None:
        what = f"HTTP {response.status}" + (f" {response.code}" if response.code else "")
        current().fail(ConformanceFailure(clause, f"answered {what}; expected {' or '.join(codes)}",
                                          request=response.request,
                                          response={"status": response.status, "headers": response.headers,
                                                    "body": response.body.decode("utf-8", "replace")[:2000]},
                                          check=check))
    else:
        current().judge(clause)
    return response.code or ""


def check(condition: bool, clause: str, message: str, *, target: Target | None = None,
          rule: dict[str, Any] | None = None, **details: Any) -> None:
    """A verdict on ``clause``: false fails it (or, once it already failed in this test, goes on). ``rule``: the
    shared rule that decided (``holds``), which a reproducer replays."""
    if condition:
        current().judge(clause)
        return
    fail(clause, message, target, rule=rule, **details)


def fail(clause: str, message: str, target: Target | None = None, *, rule: dict[str, Any] | None = None,
         **details: Any) -> None:
    """``clause`` fails (or, once it already failed in this test, goes on): a check whose condition is known
    false. ``rule``: the shared rule that decided, which a reproducer replays."""
    current().fail(ConformanceFailure(clause, message, request=target.last_request if target else None,
                                      response=details or None, check=rule))


def holds(rule: dict[str, Any], answer: Any, clause: str, *, message: str, target: Target | None = None,
          **details: Any) -> None:
    """A verdict on ``clause`` by a shared rule (conformance.catalogue.rules.spec) on ``answer``."""
    check(rules.apply(rule, answer) is None, clause, message, target=target, rule=rule, **details)


def wait_until(target: Target, clause: str, describe: str, *, probe: Callable[[], Any],
               done: Callable[[Any], bool], waiting_on: Callable[[Any], str | None] | None = None) -> Any:
    """Poll ``probe`` with the target's interval (backing off to 10x) until ``done``; a timeout fails.

    ``waiting_on(value)`` names what the wait waits out (a status such as "Updating"). A status that never settles
    costs one timeout per run: once a wait on it has timed out, a later wait that finds the same status fails at
    once, naming the first."""
    settings = target.settings
    deadline = time.monotonic() + settings.create_timeout
    interval = settings.poll_interval
    value = probe()
    while not done(value):
        key = waiting_on(value) if waiting_on else None
        first = target.timed_out.get(key) if key else None
        if first is not None:
            # also the rerun of a test whose wait timed out (conformance.checker.judgement): its clause is
            # muted, and a wait needed to go on blocks the step at once instead of timing out again
            current().fail(ConformanceFailure(clause, f"{describe}: still {key}; not waited for again because an "
                                              f"earlier wait on {key} timed out ({first})",
                                              request=target.last_request, response={"last": jsonable(value)}),
                           needed=describe)
        if time.monotonic() >= deadline:
            if key:
                target.timed_out.record(key, f"{clause}: {describe}, {settings.create_timeout:.0f}s")
            message = f"{describe}: not reached within {settings.create_timeout:.0f}s"
            current().fail(ConformanceFailure(clause, message, request=target.last_request,
                                              response={"last": jsonable(value)}), needed=describe)
        time.sleep(interval)
        interval = min(interval * 1.5, settings.poll_interval * 10)
        value = probe()
    return value


# How long a deleted Provisioned Throughput may still answer Get (U-5, unsettled): the user guide says "immediately
# deleted", a public IDP sample's create_provisioned_throughput.py "It may take a few minutes for the deletion to
# complete". AWS gets a few minutes, emulators a moment (the quirk delete-lingers proves the tolerance).
DELETE_SETTLE_SECONDS = {True: 180.0, False: 2.0}


def wait_gone(target: Target, ident: str) -> None:
    """After an accepted Delete: poll Get ``ident`` until it is refused or the window ends (DELETE_SETTLE_SECONDS).
    No verdict: the caller judges what the target answers then."""
    settings = target.settings
    deadline = time.monotonic() + DELETE_SETTLE_SECONDS[settings.kind.aws]
    interval = settings.poll_interval
    while True:
        try:
            target.sdk.get_provisioned_model_throughput(provisionedModelId=ident)
        except ClientError:
            return
        if time.monotonic() >= deadline:
            return
        time.sleep(interval)
        interval = min(interval * 1.5, settings.poll_interval * 10)


def jsonable(value: Any) -> Any:
    """A parsed answer as JSON for a failure's details: without botocore's ResponseMetadata, timestamps as ISO 8601
    in UTC, anything else that JSON lacks as its text."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime):
        return contract.parse_time(value).astimezone(UTC).isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _short(params: dict[str, Any]) -> str:
    text = ", ".join(f"{k}={v!r}" for k, v in params.items())
    return text if len(text) < 300 else text[:300] + "..."


def arn_ok(target: Target, clause: str, arn: str) -> None:
    """The ARN names the target's region and account (learned from the first ARN when not configured)."""
    from conformance.catalogue import contract

    target.learn_account(contract.account_of(arn))
    pattern = contract.provisioned_arn_pattern(target.settings.region, target.account_id)
    check(bool(pattern.fullmatch(arn)), clause,
          f"provisionedModelArn {arn!r} is not arn:{contract.partition(target.settings.region)}:bedrock:"
          f"{target.settings.region}:"
          f"{target.account_id or '<account>'}:provisioned-model/<12 lowercase letters or digits>",
          target=target)


def record_matches(target: Target, record: dict[str, Any], *, name: str, model_id: str, units: int,
                   commitment: str | None) -> None:
    """CREATE-RECORD-FIELDS / CREATE-FOUNDATION-ARN: a fresh record reflects its create request."""
    from conformance.catalogue import contract

    region = target.settings.region
    customs = {c.arn: c.base_model for c in target.custom_models}
    canonical = getattr(target, "canonical_models", None)  # aws: the ARNs ListFoundationModels lists
    want = {
        "provisionedModelName": name,
        "desiredModelUnits": units,
        "modelArn": contract.expected_model_arn(model_id, region, custom_models=customs, canonical=canonical),
        "desiredModelArn": contract.expected_model_arn(model_id, region, custom_models=customs,
                                                       canonical=canonical),
    }
    on = {"call": "get_provisioned_model_throughput", "arn": record.get("provisionedModelArn"), "success": True}
    for member, value in want.items():
        holds(rules.spec("member_is", on, member=member, want=value), {"status": 200, "code": None, "body": record},
              "CREATE-RECORD-FIELDS",
              message=f"{member} is {record.get(member)!r}; the create asked for {value!r}", target=target)
    check(record.get("commitmentDuration") == commitment, "CREATE-RECORD-FIELDS",
          f"commitmentDuration is {record.get('commitmentDuration')!r}; the create asked for {commitment!r}",
          target=target)
    check(contract.units_ok(record.get("modelUnits"), record.get("status"), units), "CREATE-RECORD-FIELDS",
          f"modelUnits is {record.get('modelUnits')!r} while {record.get('status')}; the create asked for {units}",
          target=target)
    foundation = contract.expected_foundation_arn(model_id, region, custom_models=customs,
                                                  canonical=canonical)
    check(contract.foundation_arn_ok(record.get("foundationModelArn"), foundation), "CREATE-FOUNDATION-ARN",
          f"foundationModelArn is {record.get('foundationModelArn')!r}; expected {foundation!r} (or the same "
          "without the model id's version qualifiers)", target=target)
    created = contract.parse_time(record["creationTime"]) if record.get("creationTime") else None
    if created is not None:
        drift = abs(created.timestamp() - time.time())
        check(drift < PLAUSIBLE_CLOCK_SKEW, "CREATE-TIMESTAMPS",
              f"creationTime {record['creationTime']} of a resource created just now is {drift / 3600:.1f} hours "
              "away from this machine's clock", target=target)


def wait_settled(target: Target, clause: str, ident: str) -> dict[str, Any]:
    """Poll Get until the status leaves Creating/Updating; Failed must carry a failureMessage."""
    from conformance.catalogue import contract

    def probe() -> dict[str, Any]:
        record = ok(target, clause, "get_provisioned_model_throughput", provisionedModelId=ident)
        check(record.get("status") in contract.STATUSES, clause, f"unknown status {record.get('status')!r}",
              target=target)
        return record

    record = wait_until(target, clause, f"{ident} reaching InService or Failed", probe=probe,
                        done=lambda r: r.get("status") in contract.SETTLED,
                        waiting_on=lambda r: r.get("status"))
    if record["status"] == "Failed":
        check(bool(record.get("failureMessage")), clause, "status Failed without a failureMessage",
              target=target)
    return record


def list_all(target: Target, clause: str, *, max_pages: int = 1000, **params: Any) -> list[dict[str, Any]]:
    """Every summary of a List, following nextToken; a token that never ends fails ``clause``."""
    summaries: list[dict[str, Any]] = []
    token = None
    for _ in range(max_pages):
        page = ok(target, clause, "list_provisioned_model_throughputs",
                  **params, **({"nextToken": token} if token else {}))
        summaries.extend(page.get("provisionedModelSummaries", []))
        token = page.get("nextToken")
        if not token:
            current().judge("LIST-LAST-PAGE")
            return summaries
    current().fail(ConformanceFailure("LIST-LAST-PAGE", f"List ({_short(params)}) still returned a nextToken after "
                                      f"{max_pages} pages", request=target.last_request))
    return summaries  # LIST-LAST-PAGE already failed in this test: judge the rest on what came


@functools.cache
def documented_refusals(operation: str) -> tuple[str, ...]:
    """Every 4xx error the operation documents, less ThrottlingException, and the ones that are undocumented but
    Bedrock-typical (clauses.BEDROCK_TYPICAL_ERRORS: ConflictException on Create and Update): any of them is an
    acceptable refusal where the contract leaves the exact code open."""
    import schemas
    from conformance.catalogue.clauses import BEDROCK_TYPICAL_ERRORS

    errors = {**schemas.load(operation)["errors"], **BEDROCK_TYPICAL_ERRORS.get(operation, {})}
    return tuple(sorted(code for code, status in errors.items()
                        if 400 <= status < 500 and code != "ThrottlingException"))


def tags_of(target: Target, clause: str, arn: str) -> dict[str, str]:
    answer = ok(target, clause, "list_tags_for_resource", resourceARN=arn)
    return {t["key"]: t["value"] for t in answer.get("tags", [])}
