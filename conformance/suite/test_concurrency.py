"""Concurrency clauses: requests sent at once over separate connections.

A burst runs N threads (``target.parallelism``: 4, 2 on AWS where they count in max_live), each with an SDK client
of its own (its own connection pool, opened by a warm-up request), released together by a barrier. Every response
passes through the wire checker as usual. After the burst the server's state (Get, List, tags) is compared with
what the requests should have left. Only the run's own resources are touched: names carry the run prefix, creates
carry the run tag, and what a burst created is deleted at the end (the target's cleanup deletes what is left).
Each test checks one clause, so one clause's failure never hides another's verdict.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import ClientError

import schemas
from conformance.catalogue import rules
from conformance.catalogue.clauses import ConformanceFailure, QuotaRefused, TargetUnavailable
from conformance.targets.aws import BillableRefused
from conformance.targets.expect import (
    answer_of,
    holds,
    on_call,
    attempt,
    check,
    documented_refusals,
    list_all,
    ok,
    refused,
    tags_of,
    wait_gone,
    wait_settled,
)

# its tests need only the target: they run side by side with the others (conformance.session.sidebyside)
SIDE_BY_SIDE = True

CREATE_OP, DELETE_OP = schemas.operation("CREATE").name, schemas.operation("DELETE").name
CREATE, GET, LIST, DELETE = (schemas.operation(key).method for key in ("CREATE", "GET", "LIST", "DELETE"))
NOT_FOUND = ("ResourceNotFoundException",)
QUOTA = "ServiceQuotaExceededException"


@dataclass
class Answer:
    """One request of a burst and what came back: a body, a refusal (code, status), or an error (no answer)."""

    operation: str
    params: dict[str, Any]
    body: dict[str, Any] | None = None
    code: str | None = None
    status: int | None = None
    message: str | None = None
    request: dict[str, Any] | None = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.body is not None

    @property
    def arn(self) -> str | None:
        return (self.body or {}).get("provisionedModelArn")

    def summary(self) -> str:
        if self.ok:
            return f"{self.operation}: HTTP {self.status}" + (f" {self.arn}" if self.arn else "")
        if self.error is not None:
            return f"{self.operation}: {type(self.error).__name__}: {self.error}"
        return f"{self.operation}: HTTP {self.status} {self.code}: {self.message}"

    def shown(self) -> dict[str, Any]:
        body = {k: v for k, v in (self.body or {}).items() if k != "ResponseMetadata"}
        return {"status": self.status, **({"body": body} if self.ok else {"error": {"Code": self.code,
                                                                                      "Message": self.message}})}


def _call(target: Any, client: Any, operation: str, **params: Any) -> Answer:
    """Send one request on this thread's client; never raises (a burst judges all its answers together)."""
    try:
        body = getattr(client, operation)(**params)
        status = body.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return Answer(operation, params, body=body, status=status, request=target.last_request)
    except ClientError as exc:
        error = exc.response.get("Error", {})
        return Answer(operation, params, code=error.get("Code"), message=error.get("Message"),
                      status=exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode"),
                      request=target.last_request)
    except Exception as exc:  # noqa: BLE001 - a wire clause failure, the billable guard, no connection
        return Answer(operation, params, error=exc, request=target.last_request)


def _width(target: Any) -> int:
    """N, the requests a burst sends at once; skips (with the reason) where the target cannot take them."""
    reason = target.parallel_unsupported
    if reason:
        pytest.skip(f"this target kind cannot take parallel calls: {reason}")
    width = target.parallelism
    if target.plan is not None:  # AWS: the shared slots are done with by now; their places go to the burst
        target.plan.retire()
    if target.guard is not None and target.guard.room() < width:
        pytest.skip(f"max_live={target.settings.max_live} leaves room for {max(target.guard.room(), 0)} more "
                    f"Provisioned Throughput(s); this clause sends {width} creates at once")
    return width


def _burst(target: Any, clause: str, work: list[Callable[[Any], list[Answer]]]) -> list[list[Answer]]:
    """Run each piece of work on a thread of its own with a client of its own, all released by one barrier."""
    clients = target.parallel_clients(len(work))
    for client in clients:  # open each client's connection before the barrier: the burst starts at once
        ok(target, clause, LIST, client=client, maxResults=1)
    barrier = threading.Barrier(len(work))
    results: list[list[Answer] | None] = [None] * len(work)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=60)
            results[index] = work[index](clients[index])
        except Exception as exc:  # noqa: BLE001 - reported below, in the test's thread
            results[index] = [Answer("burst", {}, error=exc)]

    # each thread in a copy of the test's context: its answers report into the test's Judgement
    threads = [threading.Thread(target=contextvars.copy_context().run, args=(run, i), daemon=True, name=f"burst-{i}")
               for i in range(len(work))]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60 + 10 * target.settings.read_timeout
    for thread in threads:
        thread.join(max(deadline - time.monotonic(), 0))
    if any(thread.is_alive() for thread in threads):
        raise TargetUnavailable(f"a burst of {len(work)} parallel requests got no answer within "
                                f"{60 + 10 * target.settings.read_timeout:.0f}s")
    answers = [result or [] for result in results]
    _raise_errors([a for each in answers for a in each])
    return answers


def _raise_errors(answers: list[Answer]) -> None:
    """What is not an answer is raised in the test's thread: the guard's refusal (a skip), a wire clause failure,
    an unreachable target."""
    errors = [a.error for a in answers if a.error is not None]
    for error_type in (BillableRefused, ConformanceFailure, TargetUnavailable):
        for error in errors:
            if isinstance(error, error_type):
                raise error
    if errors:
        raise errors[0]


def _create_params(target: Any, name: str, token: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {"modelUnits": 1, "provisionedModelName": name, "modelId": target.settings.models[0],
                              "tags": [target.run_tag]}
    if token:
        params["clientRequestToken"] = token
    return params


def _token(target: Any, hint: str) -> str:
    return f"tok{target.run_id}{hint}{time.time_ns() // 1000}"


def _quota_refused(answers: list[Answer]) -> None:
    if answers and all(a.code == QUOTA for a in answers):
        raise QuotaRefused("the account has no quota for these creates (ServiceQuotaExceededException)")


def _delete(target: Any, arns: set[str]) -> None:
    """Free what a burst created, so the next burst has room under max_live: a delete refused while Creating
    (open question 5) is tried again once the record settled; what still stays is left to the run's cleanup."""
    for arn in arns:
        answer = _call(target, target.sdk, DELETE, provisionedModelId=arn)
        if answer.ok or answer.code in NOT_FOUND or answer.error is not None:
            continue
        try:
            wait_settled(target, "CREATE-LIFECYCLE", arn)
        except Exception:  # noqa: BLE001, S112 - best effort: the verdict is already made
            continue
        _call(target, target.sdk, DELETE, provisionedModelId=arn)


def _fail(clause: str, problems: list[str], answers: list[Answer], *, culprit: Answer | None = None,
          rule: dict[str, Any] | None = None) -> None:
    """``rule``: the shared rule on the burst's answers, when it is what failed (a reproducer replays the burst)."""
    if not problems:
        return
    shown = culprit or next((a for a in answers if not a.ok), answers[0] if answers else None)
    raise ConformanceFailure(
        clause, "; ".join(problems), request=shown.request if shown else None,
        response={**(shown.shown() if shown else {}), "burst": [a.summary() for a in answers]}, check=rule)


def _burst_rule(rule: str, answers: list[Answer], codes: tuple[str, ...]) -> dict[str, Any] | None:
    """The shared rule judging a burst (conformance.catalogue.rules), when it fails on these answers."""
    check = rules.spec(rule, {"burst": [[a.operation, a.params] for a in answers]}, codes=list(codes))
    ruled = [{"status": a.status, "code": None if a.ok else a.code or "no answer", "body": a.body} for a in answers]
    return check if rules.apply(check, ruled) is not None else None


def _named(target: Any, clause: str, name: str) -> list[dict[str, Any]]:
    return [s for s in list_all(target, clause, nameContains=name) if s.get("provisionedModelName") == name]


def _losers(answers: list[Answer], codes: tuple[str, ...]) -> tuple[list[str], Answer | None]:
    problems, culprit = [], None
    for answer in answers:
        if not answer.ok and answer.code not in codes:
            problems.append(f"a losing create answered HTTP {answer.status} {answer.code}; expected a documented "
                            f"4xx ({', '.join(codes)})")
            culprit = culprit or answer
    return problems, culprit


def _state_problems(target: Any, clause: str, name: str, *, arns: list[str]) -> list[str]:
    """Get by name and List must show exactly one Provisioned Throughput with ``name``, one of ``arns``."""
    problems = []
    listed = [s.get("provisionedModelArn") for s in _named(target, clause, name)]
    if len(listed) != 1 or listed[0] not in arns:
        problems.append(f"List shows {len(listed)} Provisioned Throughput(s) named {name} {listed}; expected "
                        f"exactly one of {arns}")
    got, code = attempt(target, clause, GET, codes=NOT_FOUND, provisionedModelId=name)
    if got is None and len(listed) == 1 and listed[0] in arns:
        # Get by name refused while List shows the one record: GET-BY-NAME-AND-ARN's failure (judged by its own
        # tests), not this clause's; the record is resolved by its ARN and judged on its name
        got, code = attempt(target, clause, GET, codes=NOT_FOUND, provisionedModelId=listed[0])
        if got is not None and got.get("provisionedModelName") != name:
            problems.append(f"{listed[0]}, listed under {name}, answers Get with the name "
                            f"{got.get('provisionedModelName')!r}")
    found = (got or {}).get("provisionedModelArn")
    if found not in arns:
        problems.append(f"Get by name {name} answers {code or found}; expected one of {arns}")
    return problems


@pytest.mark.clause("CREATE-NAME-UNIQUE-CONCURRENT")
def test_create_name_unique_concurrent(target):
    clause = "CREATE-NAME-UNIQUE-CONCURRENT"
    width = _width(target)
    name = target.new_name("race")
    stamp = _token(target, "n")
    work = [lambda client, i=i: [_call(target, client, CREATE, **_create_params(target, name, f"{stamp}x{i}"))]
            for i in range(width)]
    answers = [a for each in _burst(target, clause, work) for a in each]
    wins = [a for a in answers if a.ok]
    try:
        if not wins:
            _quota_refused(answers)
        codes = documented_refusals(CREATE_OP)
        problems, culprit = _losers(answers, codes)
        rule = _burst_rule("burst_one_winner", answers, codes)
        if len(wins) != 1:
            problems.insert(0, f"{len(wins)} of {width} parallel creates named {name} (distinct tokens) succeeded "
                               f"{[a.arn for a in wins]}; exactly one must")
            culprit = wins[-1] if wins else culprit
        if wins:
            problems += _state_problems(target, clause, name, arns=[wins[0].arn] if len(wins) == 1
                                        else [a.arn for a in wins])
        _fail(clause, problems, answers, culprit=culprit, rule=rule)
    finally:
        _delete(target, {a.arn for a in wins if a.arn})


@pytest.mark.clause("CREATE-IDEMPOTENT-CONCURRENT")
def test_create_idempotent_concurrent(target):
    clause = "CREATE-IDEMPOTENT-CONCURRENT"
    width = _width(target)
    name = target.new_name("same")
    params = _create_params(target, name, _token(target, "i"))
    work = [lambda client: [_call(target, client, CREATE, **params)] for _ in range(width)]
    answers = [a for each in _burst(target, clause, work) for a in each]
    wins = [a for a in answers if a.ok]
    arns = sorted({a.arn for a in wins if a.arn})
    try:
        if not wins:
            _quota_refused(answers)
        codes = documented_refusals(CREATE_OP)
        problems, culprit = _losers(answers, codes)
        rule = _burst_rule("burst_one_arn", answers, codes)
        if not wins:
            problems.insert(0, f"none of {width} identical parallel creates (one clientRequestToken) succeeded")
        elif len(arns) != 1:
            problems.insert(0, f"{width} identical parallel creates with one clientRequestToken answered "
                               f"{len(arns)} different ARNs {arns}; every success must name the same one")
            culprit = wins[-1]
        if wins:
            problems += _state_problems(target, clause, name, arns=arns[:1])
        _fail(clause, problems, answers, culprit=culprit, rule=rule)
    finally:
        _delete(target, set(arns))


@pytest.mark.clause("CREATE-TOKEN-REUSE-OTHER-PARAMS")
def test_create_token_reuse_other_params(target):
    """Open question 2 (no source settles it): the original ARN or a documented refusal; never a second one."""
    clause = "CREATE-TOKEN-REUSE-OTHER-PARAMS"
    other = target.new_name("reuseb")
    if target.plan is not None:  # AWS: PT 2 of the plan was created with a token; reuse it, create nothing
        entry = target.plan.take("pt2", clause, settle=False)
        token, arn = entry.params["clientRequestToken"], entry.arn
        first, ours = target.plan.current_name("pt2", clause), set()
    else:
        token = _token(target, "r")
        first = target.new_name("reuse")
        arn = ok(target, clause, CREATE, **_create_params(target, first, token))["provisionedModelArn"]
        ours = {arn}
    answer = None
    try:
        second = _create_params(target, other, token)
        answer, _ = attempt(target, clause, CREATE, codes=documented_refusals(CREATE_OP), **second)
        if answer is not None:
            holds(rules.spec("member_is", on_call(CREATE, second), member="provisionedModelArn", want=arn),
                  answer_of(answer), clause,
                  message=f"a create reusing the clientRequestToken of {first} with the name {other} "
                          f"answered a new ARN "
                          f"{answer.get('provisionedModelArn')} (the first create answered {arn}); expected "
                          f"the original "
                          "ARN or a documented refusal", target=target)
        refused(target, clause, GET, codes=NOT_FOUND, client=target.sdk, provisionedModelId=other)
        check(not _named(target, clause, other), clause,
              f"List shows a Provisioned Throughput named {other} after a create reusing a token",
              target=target)
        kept = [s.get("provisionedModelArn") for s in _named(target, clause, first)]
        check(kept == [arn], clause, f"List shows {kept} named {first} after reusing its token; expected [{arn}]",
              target=target)
    finally:
        second = answer.get("provisionedModelArn") if answer else None
        _delete(target, ours | ({second} - {arn} if second else set()))  # never the plan's PT 2


@dataclass
class _Worker:
    """One thread of the load burst: its own Provisioned Throughput, its requests, and what it left."""

    name: str
    tag: dict[str, str]
    answers: list[Answer]
    arn: str | None = None
    deleted: bool = False


def _load_steps(target: Any, client: Any, worker: _Worker) -> list[Answer]:
    answers = worker.answers

    def send(operation: str, **params: Any) -> Answer:
        answer = _call(target, client, operation, **params)
        answers.append(answer)
        return answer

    created = send(CREATE, **_create_params(target, worker.name, None))
    if not created.arn:
        return answers
    arn = worker.arn = created.arn
    send(GET, provisionedModelId=arn)
    send(LIST, nameContains=worker.name)
    send("tag_resource", resourceARN=arn, tags=[worker.tag, {"key": "gone", "value": "x"}])
    send("list_tags_for_resource", resourceARN=arn)
    send("untag_resource", resourceARN=arn, tagKeys=["gone"])
    worker.deleted = send(DELETE, provisionedModelId=arn).ok
    if worker.deleted:
        wait_gone(target, arn)  # unsettled how soon a deleted PT stops answering (U-5): a short poll first
    send(GET, provisionedModelId=arn)
    return answers


def _load_problems(target: Any, worker: _Worker, delete_refusals: tuple[str, ...]) -> list[tuple[str, Answer]]:
    """What the worker's own answers say: no 5xx, nothing refused that the contract says must succeed."""
    problems = []
    for answer in worker.answers:
        if answer.status is not None and answer.status >= 500:
            problems.append((f"{answer.summary()} (a 5xx under parallel load)", answer))
        elif not answer.ok and answer.operation == DELETE and answer.code in delete_refusals:
            continue  # open question 5: a delete while Creating may be refused
        elif not answer.ok and answer.operation == CREATE and answer.code == QUOTA:
            continue  # the account's quota: no server fault
        elif not answer.ok and answer.operation == GET and worker.deleted and answer is worker.answers[-1]:
            if answer.code not in NOT_FOUND:
                problems.append((f"Get after the delete answered {answer.code}, not ResourceNotFoundException",
                                 answer))
        elif not answer.ok:
            problems.append((f"{answer.summary()} (refused during the burst)", answer))
        elif answer is worker.answers[-1] and answer.operation == GET and worker.deleted:
            problems.append((f"Get of {worker.arn} still answers after its delete succeeded", answer))
        elif answer.operation == LIST:
            listed = [s.get("provisionedModelArn") for s in (answer.body or {}).get("provisionedModelSummaries", [])
                      if s.get("provisionedModelName") == worker.name]
            if listed != [worker.arn]:
                text = f"List nameContains={worker.name} during the burst shows {listed}; expected [{worker.arn}]"
                problems.append((text, answer))
    return problems


@pytest.mark.clause("API-NO-5XX-UNDER-LOAD")
def test_no_5xx_under_load(target):
    clause = "API-NO-5XX-UNDER-LOAD"
    width = _width(target)
    base = target.new_name("load")
    workers = [_Worker(f"{base}w{i}", {"key": "worker", "value": str(i)}, []) for i in range(width)]
    try:
        _burst(target, clause, [lambda client, w=w: _load_steps(target, client, w) for w in workers])
        answers = [a for w in workers for a in w.answers]
        if not any(w.arn for w in workers):
            _quota_refused([w.answers[0] for w in workers])
        delete_refusals = tuple(c for c in documented_refusals(DELETE_OP) if c != "ResourceNotFoundException")
        found = [p for w in workers for p in _load_problems(target, w, delete_refusals)]
        problems = [text for text, _ in found]
        arns = [w.arn for w in workers if w.arn]
        if len(set(arns)) != len(arns):
            problems.append(f"parallel creates of different names answered the same ARN: {arns}")
        # The server against the model after the burst: exactly the records whose delete was refused remain.
        alive = {w.name: w for w in workers if w.arn and not w.deleted}
        listed = [s for s in list_all(target, clause, nameContains=base)
                  if str(s.get("provisionedModelName", "")).startswith(base)]
        names = sorted(s.get("provisionedModelName") for s in listed)
        if names != sorted(alive):
            problems.append(f"after the burst List shows {names}; the requests left {sorted(alive)}")
        for worker in alive.values():
            want = {target.run_tag["key"]: target.run_tag["value"], worker.tag["key"]: worker.tag["value"]}
            got = tags_of(target, clause, worker.arn)
            if got != want:
                problems.append(f"after the burst {worker.name} has tags {got}; the requests left {want}")
        _fail(clause, problems, answers, culprit=found[0][1] if found else None)
    finally:
        _delete(target, {w.arn for w in workers if w.arn and not w.deleted})


@pytest.mark.clause("TAG-CONCURRENT")
def test_tag_concurrent(target):
    """N TagResource calls at once on one Provisioned Throughput, each with a key of its own: every key survives
    (a server that reads, changes and writes the tags without a lock loses all but one)."""
    clause = "TAG-CONCURRENT"
    if target.parallel_unsupported:
        pytest.skip(f"this target kind cannot take parallel calls: {target.parallel_unsupported}")
    width = target.parallelism
    if target.plan is not None:  # AWS: the plan's PT 2, its tags restored after (conformance.targets.aws.SCHEDULE)
        name, arn, ours = "PT 2", target.plan.take("pt2", clause).arn, False
    else:
        name = target.new_name("tagrace")
        arn, ours = ok(target, clause, CREATE, **_create_params(target, name, None))["provisionedModelArn"], True
    tags = [{"key": f"parallel{i}", "value": f"v{i}"} for i in range(width)]
    try:
        before = tags_of(target, clause, arn)
        work = [lambda client, tag=tag: [_call(target, client, "tag_resource", resourceARN=arn, tags=[tag])]
                for tag in tags]
        answers = [a for each in _burst(target, clause, work) for a in each]
        problems = [f"{a.summary()} (a TagResource of the burst was refused)" for a in answers if not a.ok]
        got = tags_of(target, clause, arn)
        want = {**before, **{t["key"]: t["value"] for t in tags}}
        if got != want:
            lost = sorted(k for k in want if got.get(k) != want[k])
            problems.append(f"after {width} parallel TagResource calls with different keys on {name}, "
                            f"ListTagsForResource answers {got}; lost or changed: {lost}")
        _fail(clause, problems, answers)
    finally:
        if ours:
            _delete(target, {arn})
        else:
            _call(target, target.sdk, "untag_resource", resourceARN=arn, tagKeys=[t["key"] for t in tags])
