"""The stateful lifecycle machines: the semantics no shape check can see.

Hypothesis ``RuleBasedStateMachine`` s drive random sequences of Create, Get, List, Update, Delete, TagResource,
UntagResource and ListTagsForResource against a target, keep their own model of what the target must hold
(written from the contract: docs/contract.md and conformance.contract, never from the reference emulator), and
check the target against that model after every step.

- ``ProvisionedThroughputMachine``: the model, the shared actions (create, delete, rename, wait for a record to
  settle) and the rules every machine has; the invariant "every live record agrees with Get, and the tags of the
  records a step touched agree with ListTagsForResource" runs after every step.
- ``LifecycleMachine``: adds Get by name and ARN, updates (rename, rename onto a live name, desiredModelId on a
  base-model PT, empty update), idempotent retries, duplicate names and tags (add, remove, the 50-tag limit).
- ``CustomModelMachine``: the lifecycle on custom-model PTs, moved between their base and sibling custom models.
- ``CommitmentMachine``: the lifecycle plus at most ``max_commitments`` commitment creates (never against AWS).
- ``ListMachine``: populates 3 to ``max_live`` records (words in the names so that name order differs from
  creation order) and runs many List queries: pagination with every maxResults, every filter alone and combined,
  sort orders, summaries against Get, garbage tokens.

Each machine starts (``@initialize``) with a battery that takes every action once, each behind a flag Hypothesis
can shrink to off: a short run (``--profile quick``) still meets every clause, and a failure found there shrinks to
the actions it needs. Random steps follow.

Isolation: every name comes from ``target.new_name`` with a hint unique to the machine run, so each run has a
namespace (``self.ns``: run prefix, worker, machine number) and asserts only about its own records. List queries
whose result is compared exactly are isolated on the server side by a ``nameContains`` that holds the namespace,
so other workers' creates and deletes on a shared target cannot move records across page boundaries.

Time: nothing sleeps for a fixed time. A record's status is "pending" after a create or an accepted update until
a Get shows InService or Failed; rules that need InService wait for it with the target's poll interval and
timeout (``expect.wait_settled``), List expectations treat pending records as either way, and List queries are
re-run when a pending record changed status while the query ran. Rules have no preconditions on the model (what
is pending, what a timing-dependent refusal left): Hypothesis must draw the same way when it replays a run, so a
rule with nothing to act on does nothing.

Reproducers: every call the machine makes is logged (``CallLog``, botocore events on both clients). When a
``ConformanceFailure`` escapes a step, ``failure.reproducer`` gets a boto3 script replaying the calls of the
current machine run. Hypothesis shrinks before the final raise, so the script replays the minimal sequence.
"""

from __future__ import annotations

import copy
import functools
import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from botocore import xform_name
from botocore.exceptions import ClientError
from hypothesis import Phase
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

import schemas
from conformance import contract, expect
from conformance.clauses import ConformanceFailure
from conformance.expect import check, ok, refused
from conformance.targets import RUN_TAG_KEY, Target

CREATE = "create_provisioned_model_throughput"
GET = "get_provisioned_model_throughput"
LIST = "list_provisioned_model_throughputs"
UPDATE = "update_provisioned_model_throughput"
DELETE = "delete_provisioned_model_throughput"
TAG = "tag_resource"
UNTAG = "untag_resource"
LIST_TAGS = "list_tags_for_resource"

NOT_FOUND = ("ResourceNotFoundException",)
NAME_PATTERN = re.compile(r"(?:[0-9a-zA-Z][_-]?)+")
TIMESTAMPS = ("creationTime", "lastModifiedTime", "commitmentExpirationTime")
PENDING_STATUSES = ("Creating", "Updating")
# A model id that follows the foundation-model pattern and that no target offers (modelArnEquals probes).
UNUSED_MODEL_ID = "amazon.conformance-unused-v1:0:4k"

INDEX = st.integers(min_value=0, max_value=63)
# On/off flags of the initial battery of actions: each on 15 times in 16 (Hypothesis' first, simplest example has
# them all off), and off once shrunk to 0.
BATTERY = st.tuples(*[st.integers(0, 15)] * 16)
WORDS = ("a", "b", "ab", "ba", "abc", "c")
WORD = st.sampled_from(WORDS)
TAG_KEYS = ("k0", "k1", "k2", "k3", "Team", "cost:centre", "a.b/c")
TAG_VALUES = ("v", "", "blue", "x y", "a=b", "1")
TAGS = st.dictionaries(st.sampled_from(TAG_KEYS), st.sampled_from(TAG_VALUES), max_size=3)

FILTER_CLAUSES = {"status": "LIST-FILTER-STATUS", "model": "LIST-FILTER-MODEL", "name": "LIST-FILTER-NAME",
                  "time": "LIST-FILTER-TIME"}


@functools.cache
def documented_refusals(operation: str) -> tuple[str, ...]:
    """The 4xx errors an operation documents, less ThrottlingException: any of them is an acceptable refusal
    where the contract leaves the exact code open."""
    errors = schemas.load(operation)["errors"]
    return tuple(sorted(code for code, status in errors.items()
                        if 400 <= int(status) < 500 and code != "ThrottlingException"))


def created_at(rec: Record) -> datetime:
    """A record's creationTime (known from the Get right after its create)."""
    assert rec.creation_time is not None
    return rec.creation_time


def _utc(value: Any) -> datetime:
    return contract.parse_time(value).astimezone(UTC)


def _body(response: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


# ---------------------------------------------------------------------------------------------------------
# The call log and the reproducer script


@dataclass
class Call:
    operation: str  # boto3 method name
    params: dict[str, Any]
    status: int | None = None
    outcome: Any = None  # the parsed body, or the error {"Code", "Message"}


class CallLog:
    """Every call made through the target's boto3 clients while attached (botocore events on both clients)."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.calls: list[Call] = []
        self._uid = f"bc-stateful-{id(self)}"
        self._clients = [target.sdk, target.wire]

    def attach(self) -> None:
        for client in self._clients:
            client.meta.events.register("provide-client-params.bedrock", self._before, unique_id=self._uid + "b")
            client.meta.events.register("after-call.bedrock", self._after, unique_id=self._uid + "a")

    def detach(self) -> None:
        for client in self._clients:
            client.meta.events.unregister("provide-client-params.bedrock", unique_id=self._uid + "b")
            client.meta.events.unregister("after-call.bedrock", unique_id=self._uid + "a")

    def reset(self) -> None:
        self.calls = []

    def _before(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self.calls.append(Call(xform_name(model.name), copy.deepcopy(dict(params))))

    def _after(self, http_response: Any, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        name = xform_name(model.name)
        for call in reversed(self.calls):
            if call.operation == name and call.status is None:
                call.status = getattr(http_response, "status_code", None)
                call.outcome = parsed.get("Error") if "Error" in parsed else _body(parsed)
                return

    # -- the script ----------------------------------------------------------------------------------------
    def script(self, failure: ConformanceFailure | None = None) -> str:
        """A standalone boto3 script replaying the logged calls in order and printing each answer."""
        t = self.target
        s = t.settings
        variables: dict[str, str] = {}
        lines = ["#!/usr/bin/env python3",
                 "# Replays the calls of the shortest failing run of bedrock-conformance's stateful machine."]
        if failure is not None:
            lines.append(f"# {failure.clause_id}: " + " ".join(str(failure.message).split())[:400])
        lines += ["# Generated by bedrock-conformance; each call prints the target's answer. ARNs the creates",
                  "# return are kept in variables; timestamps (creationTime bounds) are the run's values.",
                  "import datetime", "", "import boto3", "from botocore.config import Config",
                  "from botocore.exceptions import ClientError", ""]
        config = "Config(parameter_validation=False, retries={'max_attempts': 1})"
        if s.target == "reference":
            faults = sorted(s.faults)
            lines += ["from bedrock_emulator.botocore_adapter import attach",
                      "from bedrock_emulator.config import EmulatorConfig",
                      "from bedrock_emulator.core import Emulator", "",
                      f"REGION = {s.region!r}",
                      "# A fresh in-process reference emulator configured as the run's (no server needed).",
                      (f"emulator = Emulator(EmulatorConfig(region=REGION, account_id={t.account_id!r}, "
                       f"faults=frozenset({faults!r}), create_delay={s.create_delay!r}, "
                       f"update_delay={s.update_delay!r}))"),
                      f"client = boto3.client('bedrock', region_name=REGION, endpoint_url={t.endpoint!r},",
                      "                      aws_access_key_id='testing', aws_secret_access_key='testing',",
                      f"                      config={config})",
                      "attach(client, emulator)"]
        elif s.is_aws:
            lines += ["import sys", "",
                      f"REGION = {s.region!r}",
                      "if '--allow-billable' not in sys.argv:",
                      ("    sys.exit('This script creates Provisioned Throughputs, billed hourly, that you must "
                       "delete yourself: rerun with --allow-billable to send it.')"),
                      "# Credentials come from the standard chain (environment, shared files, SSO, role).",
                      f"client = boto3.client('bedrock', region_name=REGION, config={config})"]
        else:
            lines += ["import sys", "", f"REGION = {s.region!r}"]
            if s.is_reference:
                flags = "".join(f" --fault {f}" for f in sorted(s.faults))
                flags += f" --create-delay {s.create_delay}" if s.create_delay else ""
                flags += f" --update-delay {s.update_delay}" if s.update_delay else ""
                lines += ["# The run's reference-http server stopped with the run. Start one:",
                          f"#     bedrock-conformance serve --port 5566{flags}",
                          "# and pass its URL (http://127.0.0.1:5566) as the first argument."]
            lines += [f"ENDPOINT = sys.argv[1] if len(sys.argv) > 1 else {t.endpoint!r}",
                      "client = boto3.client('bedrock', region_name=REGION, endpoint_url=ENDPOINT,",
                      "                      aws_access_key_id='testing', aws_secret_access_key='testing',",
                      f"                      config={config})"]
        lines += ["", "", "def call(operation, **params):",
                  "    try:",
                  "        answer = getattr(client, operation)(**params)",
                  "        status = answer.pop('ResponseMetadata', {}).get('HTTPStatusCode')",
                  "    except ClientError as exc:",
                  "        answer = exc.response.get('Error', {})",
                  "        status = exc.response.get('ResponseMetadata', {}).get('HTTPStatusCode')",
                  "    print(f'{operation}({params}) -> HTTP {status} {answer}')",
                  "    return answer", "",
                  "", "def poll(**params):",
                  "    \"\"\"Get until the status leaves Creating/Updating (at most 60 s).\"\"\"",
                  "    import time", "",
                  "    deadline = time.monotonic() + 60",
                  "    while True:",
                  "        answer = call('get_provisioned_model_throughput', **params)",
                  "        if answer.get('status') not in ('Creating', 'Updating') or time.monotonic() > deadline:",
                  "            return answer",
                  f"        time.sleep({s.poll_interval!r})", "", ""]
        for call, count in self._grouped():
            args = ", ".join(f"{k}={self._literal(v, variables)}" for k, v in call.params.items())
            observed = self._observed(call)
            if call.operation == GET and count > 1:
                lines.append(f"poll({args})  # the run polled {count} times; last: {observed}")
                continue
            text = f"call({call.operation!r}{', ' + args if args else ''})"
            outcome = call.outcome if isinstance(call.outcome, dict) else {}
            arn = outcome.get("provisionedModelArn") if call.operation == CREATE else None
            token = outcome.get("nextToken") if call.operation == LIST else None
            if arn and arn not in variables:
                variables[arn] = f"arn_{sum(v.startswith('arn_') for v in variables.values()) + 1}"
                text = f"{variables[arn]} = {text}.get('provisionedModelArn')"
            elif token and token not in variables:  # the target's tokens differ from run to run
                variables[token] = f"token_{sum(v.startswith('token_') for v in variables.values()) + 1}"
                text = f"{variables[token]} = {text}.get('nextToken')"
            if count > 1:
                text += f"  # sent {count} times in a row"
            lines.append(f"{text}  # run saw: {observed}")
        return "\n".join(lines) + "\n"

    def _grouped(self) -> Iterable[tuple[Call, int]]:
        for _, group in itertools.groupby(self.calls, key=lambda c: (c.operation, repr(c.params))):
            items = list(group)
            yield items[-1], len(items)

    @staticmethod
    def _observed(call: Call) -> str:
        outcome = call.outcome
        if isinstance(outcome, dict) and "Code" in outcome:
            return f"HTTP {call.status} {outcome.get('Code')}"
        if isinstance(outcome, dict) and call.operation == GET:
            return f"HTTP {call.status} {outcome.get('provisionedModelName')} {outcome.get('status')}"
        if isinstance(outcome, dict) and call.operation == LIST:
            names = [s.get("provisionedModelName") for s in outcome.get("provisionedModelSummaries", [])]
            return f"HTTP {call.status} {names}{' +nextToken' if outcome.get('nextToken') else ''}"
        return f"HTTP {call.status} " + " ".join(repr(outcome).split())[:150]

    @classmethod
    def _literal(cls, value: Any, variables: dict[str, str]) -> str:
        if isinstance(value, str) and value in variables:
            return variables[value]
        if isinstance(value, datetime):
            return f"datetime.datetime.fromisoformat({_utc(value).isoformat()!r})"
        if isinstance(value, dict):
            return "{" + ", ".join(f"{k!r}: {cls._literal(v, variables)}" for k, v in value.items()) + "}"
        if isinstance(value, (list, tuple)):
            return "[" + ", ".join(cls._literal(v, variables) for v in value) + "]"
        return repr(value)


def step(function: Callable[..., Any]) -> Callable[..., Any]:
    """Attach the reproducer (the calls of this machine run so far) to a ConformanceFailure escaping a step."""

    @functools.wraps(function)
    def wrapper(self: ProvisionedThroughputMachine, *args: Any, **kwargs: Any) -> Any:
        try:
            return function(self, *args, **kwargs)
        except ConformanceFailure as failure:
            if failure.reproducer is None and self.log is not None:
                failure.reproducer = self.log.script(failure)
            raise

    return wrapper


# ---------------------------------------------------------------------------------------------------------
# The model


@dataclass
class Record:
    """What the target must hold for one Provisioned Throughput this machine created."""

    arn: str
    name: str
    model_id: str  # as given to Create
    model_arn: str  # the modelArn the record serves (changes when an update completes)
    desired_model_arn: str
    foundation_arn: str
    units: int
    commitment: str | None
    tags: dict[str, str]
    purchased_custom: bool
    create_params: dict[str, Any]
    token: str | None
    status: str = "Creating"  # as last seen
    pending: str | None = "create"  # None once a Get showed InService/Failed after the last change
    creation_time: datetime | None = None
    last_modified: datetime | None = None
    expiration: datetime | None = None
    old_names: list[str] = field(default_factory=list)
    last_update: str | None = None  # "rename" | "model" | "empty": the last update the target accepted
    floor_pending: datetime | None = None  # server time before the last accepted update
    tag_op: str = "create"  # the last tagging change: create | tag | untag | limit

    @property
    def updated(self) -> bool:
        return self.last_update is not None


@dataclass(frozen=True)
class Snapshot:
    """A record as the model knew it when a List query started."""

    arn: str
    name: str
    model_arn: str | None  # None: a model update is in progress
    status: str | None  # None: the status may change while the query runs
    creation_time: datetime


class ProvisionedThroughputMachine(RuleBasedStateMachine):
    """The model and the rules every machine has. Subclasses add rules (fakeredis style)."""

    target: Target | None = None  # set by run() for each test
    log: CallLog | None = None
    hint = "s"
    max_live = 6
    min_live_to_delete = 1
    max_commitments = 0
    _machines = itertools.count(1)

    def __init__(self) -> None:
        super().__init__()
        cls = type(self)
        if cls.target is None:
            raise RuntimeError("run the machine with conformance.stateful.run(Machine, target)")
        self.t: Target = cls.target
        if self.log is not None:
            self.log.reset()
        self.hint_id = f"{cls.hint}{next(ProvisionedThroughputMachine._machines)}"
        self.ns = f"{self.t.run_prefix}-{self.t.worker}-{self.hint_id}-"
        self.records: dict[str, Record] = {}
        self.deleted: dict[str, Record] = {}
        self.refused_names: dict[str, str] = {}  # name -> clause of a create the target had to refuse
        self.floor: datetime | None = None  # the latest server timestamp seen so far
        self.times: list[datetime] = []  # creationTime of every record this run created
        self.commitments = 0
        self.tokens = itertools.count(1)
        self.touched: set[str] = set()  # ARNs the current step acted on
        self.fresh: set[str] = set()  # ARNs the current step verified (every action verifies after its change)
        region = self.t.settings.region
        self.customs = {c.arn: c.base_model for c in self.t.custom_models}
        self.choices: list[tuple[str, str]] = [("base", m) for m in self.t.settings.models]
        self.choices += [("custom", arn) for arn in self.customs]
        self.region = region

    # -- names, choices -------------------------------------------------------------------------------------
    def new_name(self, word: str = "") -> str:
        name = self.t.new_name(f"{self.hint_id}-{word}-" if word else f"{self.hint_id}-")
        if not name.startswith(self.ns) or not NAME_PATTERN.fullmatch(name):
            raise RuntimeError(f"target.new_name gave {name!r}, outside the machine's namespace {self.ns!r}")
        return name

    def new_token(self) -> str:
        return f"tok-{self.t.run_id}-{self.hint_id}-{next(self.tokens)}".replace("_", "-")

    def live(self) -> list[Record]:
        return list(self.records.values())

    def pick(self, items: list[Any], index: int) -> Any:
        """items[index] (modulo), or None when there is nothing to pick.

        Rules have no preconditions on the model: whether a record is still Creating, or whether a delete or an
        update was accepted, can depend on timing, and Hypothesis needs the same choices to draw the same way
        when it replays a run. A rule with nothing to act on does nothing."""
        if not items:
            return None
        chosen = items[index % len(items)]
        if isinstance(chosen, Record):
            self.touched.add(chosen.arn)
        return chosen

    def model_id_for(self, choice: int, foundation_form: bool) -> tuple[str, bool]:
        kind, value = self.pick(self.choices, choice)
        if kind == "custom":
            return value, True
        return (contract.foundation_arn(value, self.region) if foundation_form else value), False

    def full_model_arn(self, model_id: str) -> str:
        return contract.expected_model_arn(model_id, self.region, self.customs)

    def observe(self, *times: datetime) -> None:
        for value in times:
            if self.floor is None or value > self.floor:
                self.floor = value

    def is_own(self, summary: dict[str, Any]) -> bool:
        arn = summary.get("provisionedModelArn")
        return arn in self.records or arn in self.deleted or str(summary.get("provisionedModelName", "")).startswith(
            self.ns)

    @property
    def exclusive(self) -> bool:
        """Nobody else changes this target while a query runs (an in-process target of this worker)."""
        return self.t.emulator is not None or self.t.settings.target == "moto"

    # -- calls that may go either way -----------------------------------------------------------------------
    def attempt(self, clause: str, operation: str, codes: Iterable[str], **params: Any
                ) -> tuple[dict[str, Any] | None, str | None]:
        """Call; a success returns (body, None), a refusal with one of ``codes`` returns (None, code), any other
        refusal fails ``clause``."""
        return expect.attempt(self.t, clause, operation, codes, **params)

    def get(self, clause: str, ident: str) -> dict[str, Any]:
        return ok(self.t, clause, GET, provisionedModelId=ident)

    # -- clause attribution ---------------------------------------------------------------------------------
    @staticmethod
    def status_clause(rec: Record) -> str:
        return {"rename": "UPDATE-RENAME", "model": "UPDATE-DESIRED-MODEL-CUSTOM",
                "empty": "UPDATE-EMPTY"}.get(rec.last_update or "", "CREATE-LIFECYCLE")

    @staticmethod
    def tag_clause(rec: Record) -> str:
        return {"create": "CREATE-TAGS", "tag": "TAG-ADD", "untag": "UNTAG-REMOVE", "limit": "TAG-LIMIT"}[rec.tag_op]

    @staticmethod
    def history(rec: Record) -> str:
        done = f"after {rec.last_update} update" if rec.last_update else "after create"
        return f"{rec.name} ({rec.arn}, {done})"

    # -- the model's check of one Get answer ----------------------------------------------------------------
    def verify(self, rec: Record, got: dict[str, Any]) -> None:
        """``got`` (a Get answer for ``rec``) agrees with the model; then the model learns the new status."""
        t = self.t
        who = self.history(rec)

        def same(member: str, want: Any, clause: str) -> None:
            check(got.get(member) == want, clause, f"{member} of {who} is {got.get(member)!r}; expected {want!r}",
                  t)

        same("provisionedModelArn", rec.arn, "GET-BY-NAME-AND-ARN")
        same("provisionedModelName", rec.name, "UPDATE-RENAME" if rec.old_names else "CREATE-RECORD-FIELDS")
        fixed = "UPDATE-IMMUTABLE" if rec.updated else "CREATE-RECORD-FIELDS"
        check(contract.units_ok(got.get("modelUnits"), got.get("status"), rec.units), fixed,
              f"modelUnits of {who} is {got.get('modelUnits')!r} while {got.get('status')}; expected {rec.units} "
              "(1 up to it while Creating)", t)
        same("desiredModelUnits", rec.units, fixed)
        same("commitmentDuration", rec.commitment, fixed)
        check(contract.foundation_arn_ok(got.get("foundationModelArn"), rec.foundation_arn), "CREATE-FOUNDATION-ARN",
              f"foundationModelArn of {who} is {got.get('foundationModelArn')!r}; expected {rec.foundation_arn!r} "
              "(or the same without the model id's version qualifiers)", t)
        model_clause = "UPDATE-DESIRED-MODEL-CUSTOM" if rec.last_update == "model" or rec.model_arn != \
            rec.desired_model_arn else "CREATE-RECORD-FIELDS"
        same("desiredModelArn", rec.desired_model_arn, model_clause)

        status = str(got.get("status"))
        status_clause = self.status_clause(rec)
        if rec.pending is None:
            check(status == rec.status, status_clause,
                  f"status of {who} changed from {rec.status} to {status} without a request", t)
        else:
            allowed = {"InService", "Failed"}
            if rec.pending == "create" or rec.status == "Creating":
                allowed.add("Creating")
            if rec.updated:
                allowed.add("Updating")
            check(status in allowed, status_clause,
                  f"status of {who} is {status}; expected one of {sorted(allowed)}", t)
        settled = status in ("InService", "Failed")
        if status == "Failed":
            check(bool(got.get("failureMessage")), status_clause, f"{who} is Failed without a failureMessage", t)
        elif status == "InService":
            same("modelArn", rec.desired_model_arn, model_clause)
        else:
            check(got.get("modelArn") in (rec.model_arn, rec.desired_model_arn), model_clause,
                  f"modelArn of {who} is {got.get('modelArn')!r} while {status}; expected {rec.model_arn!r} or "
                  f"{rec.desired_model_arn!r}", t)

        created, modified = _utc(got["creationTime"]), _utc(got["lastModifiedTime"])
        times = "UPDATE-TIMESTAMPS" if rec.updated else "CREATE-TIMESTAMPS"
        if rec.creation_time is not None:
            check(created == rec.creation_time, times,
                  f"creationTime of {who} changed from {rec.creation_time.isoformat()} to {created.isoformat()}",
                  t)
        check(modified >= created, "CREATE-TIMESTAMPS" if not rec.updated else "UPDATE-TIMESTAMPS",
              f"lastModifiedTime {modified.isoformat()} of {who} is before its creationTime {created.isoformat()}",
              t)
        if rec.last_modified is not None:
            check(modified >= rec.last_modified, times,
                  f"lastModifiedTime of {who} went back from {rec.last_modified.isoformat()} to "
                  f"{modified.isoformat()}", t)
        if settled and rec.floor_pending is not None:
            check(modified >= rec.floor_pending, "UPDATE-TIMESTAMPS",
                  f"lastModifiedTime of {who} is {modified.isoformat()}, before {rec.floor_pending.isoformat()}, "
                  "a server time seen before the update was sent: the update did not advance it", t)
            rec.floor_pending = None

        expiration = got.get("commitmentExpirationTime")
        if rec.commitment is None:
            check(expiration is None, "CREATE-RECORD-FIELDS",
                  f"{who} has a commitmentExpirationTime but was created without a commitment", t)
        elif expiration is not None:
            when = _utc(expiration)
            check(when > created, "CREATE-COMMITMENT",
                  f"commitmentExpirationTime {when.isoformat()} of {who} is not after its creationTime", t)
            if rec.expiration is not None:
                check(when == rec.expiration, "UPDATE-IMMUTABLE" if rec.updated else "CREATE-COMMITMENT",
                      f"commitmentExpirationTime of {who} changed from {rec.expiration.isoformat()} to "
                      f"{when.isoformat()}", t)
            if status != "Creating":
                # open question 6: the term may count from InService, so a value shown while Creating can be a
                # provisional estimate; from InService on it never changes
                rec.expiration = when
        else:
            check(status != "InService" and rec.expiration is None, "CREATE-COMMITMENT",
                  f"{who} has commitmentDuration {rec.commitment} but no commitmentExpirationTime while {status}", t)

        rec.creation_time = created
        rec.last_modified = modified
        rec.status = status
        self.fresh.add(rec.arn)
        if settled:
            rec.pending = None
            rec.model_arn = got["modelArn"]
        self.observe(created, modified)

    def check_tags(self, rec: Record, clause: str | None = None) -> None:
        clause = clause or self.tag_clause(rec)
        answer = ok(self.t, clause, LIST_TAGS, resourceARN=rec.arn)
        tags = contract.tag_dict(answer.get("tags"))
        check(tags == rec.tags, clause,
              f"ListTagsForResource of {rec.name} answers {tags}; expected {rec.tags}", self.t)

    def compare(self, first: dict[str, Any], later: dict[str, Any], clause: str, what: str,
                rec: Record | None = None) -> None:
        """Every member ``first`` carries agrees with ``later`` (fetched after it). The status may have moved on
        (Creating -> InService/Failed/Updating, Updating -> InService/Failed), and with it lastModifiedTime,
        modelArn and commitmentExpirationTime."""
        before, after = first.get("status"), later.get("status")
        advanced = before != after and before in PENDING_STATUSES and (
            after in ("InService", "Failed") or (before, after) == ("Creating", "Updating"))
        name = first.get("provisionedModelName")
        if rec is not None and name != later.get("provisionedModelName") and name in rec.old_names:
            check(False, "UPDATE-RENAME", f"{what} still shows the old name {name!r} of {rec.name} "
                                          f"(renamed; Get answers {later.get('provisionedModelName')!r})", self.t)
        for member, value in first.items():
            if member == "ResponseMetadata":
                continue
            other = later.get(member)
            if member in TIMESTAMPS and value is not None and other is not None:
                value, other = _utc(value), _utc(other)
            if value == other:
                continue
            if member == "status" and advanced:
                continue
            if advanced and member in ("modelArn", "modelUnits", "commitmentExpirationTime"):
                continue
            if advanced and member == "lastModifiedTime" and other is not None and other >= value:
                continue
            check(False, clause, f"{what}: {member} is {value!r} but Get (after it) answers {other!r}", self.t,
                  first=_jsonable(first), get=_jsonable(later))

    # -- actions shared by the machines ---------------------------------------------------------------------
    def do_create(self, choice: int, foundation_form: bool, units: int, tags: dict[str, str], use_token: bool,
                  word: str = "", commitment: str | None = None) -> Record:
        t = self.t
        model_id, custom = self.model_id_for(choice, foundation_form)
        name = self.new_name(word)
        params: dict[str, Any] = {"provisionedModelName": name, "modelId": model_id, "modelUnits": units,
                                  "tags": [dict(t.run_tag)] + [{"key": k, "value": v} for k, v in tags.items()]}
        token = self.new_token() if use_token else None
        if token:
            params["clientRequestToken"] = token
        if commitment:
            params["commitmentDuration"] = commitment
        created = ok(t, "CREATE-ACCEPTS-VALID", CREATE, **params)
        arn = str(created.get("provisionedModelArn"))
        expect.arn_ok(t, "CREATE-ARN-FORMAT", arn)
        check(arn not in self.records and arn not in self.deleted, "CREATE-ACCEPTS-VALID",
              f"Create of {name} answered the ARN {arn} of an earlier Provisioned Throughput", t)
        full = self.full_model_arn(model_id)
        base = self.customs[model_id] if custom else None
        rec = Record(arn=arn, name=name, model_id=model_id, model_arn=full, desired_model_arn=full,
                     foundation_arn=contract.foundation_arn(base, self.region) if base else full, units=units,
                     commitment=commitment, tags={t.run_tag["key"]: t.run_tag["value"], **tags},
                     purchased_custom=custom, create_params=params, token=token)
        self.records[arn] = rec
        by_name = self.get("GET-BY-NAME-AND-ARN", name)
        by_arn = self.get("GET-BY-NAME-AND-ARN", arn)
        check(by_name.get("provisionedModelArn") == by_arn.get("provisionedModelArn") == arn, "GET-BY-NAME-AND-ARN",
              f"Get by name answers {by_name.get('provisionedModelArn')}, Get by ARN answers "
              f"{by_arn.get('provisionedModelArn')}; Create answered {arn}", t)
        self.compare(by_name, by_arn, "GET-BY-NAME-AND-ARN", f"Get of {name} by name then by ARN")
        expect.record_matches(t, by_arn, name=name, model_id=model_id, units=units, commitment=commitment)
        check(by_arn.get("status") in ("Creating", "InService", "Failed"), "CREATE-LIFECYCLE",
              f"a new Provisioned Throughput is {by_arn.get('status')}; expected Creating or InService", t)
        self.verify(rec, by_arn)
        self.times.append(created_at(rec))
        self.check_tags(rec, "CREATE-TAGS")
        return rec

    def settle(self, rec: Record) -> None:
        """Wait (poll with the target's interval, up to its timeout) until ``rec`` is InService or Failed."""
        if rec.pending is None:
            return
        got = expect.wait_settled(self.t, self.status_clause(rec), rec.arn)
        self.verify(rec, got)

    def gone(self, rec: Record) -> None:
        """After an accepted Delete: nothing answers for the record any more."""
        t = self.t
        self.records.pop(rec.arn, None)
        self.deleted[rec.arn] = rec
        t.forget(rec.arn)
        for ident in (rec.arn, rec.name):
            refused(t, "DELETE-GONE", GET, NOT_FOUND, client=t.sdk, provisionedModelId=ident)
        refused(t, "DELETE-GONE", UPDATE, NOT_FOUND, client=t.sdk, provisionedModelId=rec.arn,
                desiredProvisionedModelName=self.new_name("gone"))
        refused(t, "DELETE-GONE", DELETE, NOT_FOUND, client=t.sdk, provisionedModelId=rec.arn)
        refused(t, "DELETE-GONE", LIST_TAGS, NOT_FOUND, client=t.sdk, resourceARN=rec.arn)
        listed = expect.list_all(t, "DELETE-GONE", nameContains=rec.name)
        check(rec.arn not in {s.get("provisionedModelArn") for s in listed}, "DELETE-GONE",
              f"the deleted {rec.name} ({rec.arn}) is still listed", t)

    def listed_with_name(self, clause: str, name: str) -> list[dict[str, Any]]:
        return [s for s in expect.list_all(self.t, clause, nameContains=name) if s.get("provisionedModelName") == name]

    def do_delete(self, rec: Record, by_name: bool) -> None:
        t = self.t
        ident = rec.name if by_name else rec.arn
        if rec.commitment:
            self.settle(rec)
            if rec.expiration is not None and self.floor is not None and rec.expiration > self.floor:
                refused(t, "DELETE-COMMITMENT-REFUSED", DELETE, documented_refusals(
                    "DeleteProvisionedModelThroughput"), client=t.sdk, provisionedModelId=ident)
                self.verify(rec, self.get("DELETE-COMMITMENT-REFUSED", rec.arn))
                return
        answer: dict[str, Any] | None
        if rec.pending is None:
            answer = ok(t, "DELETE-GONE", DELETE, provisionedModelId=ident)
        else:  # open question 5: Delete while Creating/Updating; success or a documented 4xx
            answer, _ = self.attempt("DELETE-GONE", DELETE, documented_refusals("DeleteProvisionedModelThroughput"),
                                     provisionedModelId=ident)
            if answer is None:
                self.verify(rec, self.get("DELETE-GONE", rec.arn))
                return
        check(_body(answer) == {}, "DELETE-GONE", f"Delete of {rec.name} answered {_body(answer)}; expected {{}}", t)
        self.gone(rec)

    def do_rename(self, rec: Record, by_name: bool, word: str) -> None:
        """UPDATE-RENAME: the new name resolves, the old one answers 404, List shows the new name only."""
        t = self.t
        old, new = rec.name, self.new_name(word)
        params = {"provisionedModelId": old if by_name else rec.arn, "desiredProvisionedModelName": new}
        floor = self.floor
        if rec.pending is None and rec.status == "InService":
            ok(t, "UPDATE-RENAME", UPDATE, **params)
        else:  # open question 4: an update outside InService; success or a documented 4xx
            answer, _ = self.attempt("UPDATE-RENAME", UPDATE, documented_refusals(
                "UpdateProvisionedModelThroughput"), **params)
            if answer is None:
                self.verify(rec, self.get("UPDATE-RENAME", rec.arn))
                return
        rec.old_names.append(old)
        rec.name = new
        rec.last_update = "rename"
        rec.pending = rec.pending or "update"  # a rename may pass through Updating (undocumented)
        rec.floor_pending = floor
        got, _ = self.attempt("UPDATE-RENAME", GET, NOT_FOUND, provisionedModelId=new)
        if got is None:  # the new name may only take effect when an Updating phase ends (undocumented)
            settled = expect.wait_settled(t, "UPDATE-RENAME", rec.arn)
            self.verify(rec, settled)
            got = self.get("UPDATE-RENAME", new)
        check(got.get("provisionedModelArn") == rec.arn, "UPDATE-RENAME",
              f"after renaming {old} to {new}, Get {new} answers {got.get('provisionedModelArn')}, not {rec.arn}", t)
        refused(t, "UPDATE-RENAME", GET, NOT_FOUND, client=t.sdk, provisionedModelId=old)
        self.verify(rec, got)
        listed = expect.list_all(t, "UPDATE-RENAME", nameContains=new)
        check(any(s.get("provisionedModelArn") == rec.arn and s.get("provisionedModelName") == new for s in listed),
              "UPDATE-RENAME", f"after renaming {old} to {new}, List (nameContains={new}) does not show it", t)
        stale = [s for s in expect.list_all(t, "UPDATE-RENAME", nameContains=old)
                 if s.get("provisionedModelName") == old]
        check(not stale, "UPDATE-RENAME", f"after renaming {old} to {new}, List still shows the old name", t,
              listed=_jsonable(stale))

    # -- rules every machine has ----------------------------------------------------------------------------
    @rule(choice=INDEX, foundation_form=st.booleans(), units=st.integers(1, 3), tags=TAGS,
          use_token=st.booleans(), word=WORD)
    @step
    def create(self, choice: int, foundation_form: bool, units: int, tags: dict[str, str], use_token: bool,
               word: str) -> None:
        if len(self.records) < self.max_live:
            self.do_create(choice, foundation_form, units, tags, use_token, word)

    @rule(index=INDEX)
    @step
    def wait_for_settled(self, index: int) -> None:
        rec = self.pick([r for r in self.live() if r.pending], index)
        if rec:
            self.settle(rec)

    @rule(index=INDEX, by_name=st.booleans())
    @step
    def delete(self, index: int, by_name: bool) -> None:
        if len(self.records) >= self.min_live_to_delete:
            self.do_delete(self.pick(self.live(), index), by_name)

    @invariant()
    @step
    def records_agree_with_get(self) -> None:
        """After every step: every live record agrees with Get (other records included: a change must not leak
        to them); the tags of the records the step touched agree with ListTagsForResource."""
        for rec in self.live():
            if rec.arn not in self.fresh:  # the step itself already checked a Get answered after its last change
                self.verify(rec, self.get("GET-BY-NAME-AND-ARN", rec.arn))
            if rec.arn in self.touched:
                self.check_tags(rec)
        self.touched.clear()
        self.fresh.clear()

    # -- cleanup --------------------------------------------------------------------------------------------
    def teardown(self) -> None:
        """Delete what this run created and is still alive; never raise (a failing step's error wins)."""
        for rec in list(self.records.values()):
            try:
                self._delete_quietly(rec)
            except Exception:  # noqa: BLE001, S110 - the session cleanup tries again
                pass
        self.records.clear()

    def _delete_quietly(self, rec: Record) -> None:
        for attempt in range(2):
            try:
                self.t.sdk.delete_provisioned_model_throughput(provisionedModelId=rec.arn)
                self.t.forget(rec.arn)
                return
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code")
                if code == "ResourceNotFoundException" or rec.commitment:
                    # A commitment term can't be cut short: it stays on the (per-run) emulator.
                    self.t.forget(rec.arn)
                    return
                if attempt == 0 and rec.pending:  # refused while Creating/Updating: wait, then once more
                    expect.wait_settled(self.t, "DELETE-GONE", rec.arn)


# ---------------------------------------------------------------------------------------------------------
# The lifecycle machine


class LifecycleMachine(ProvisionedThroughputMachine):
    """Create, Get, Update, Delete and tagging, checked against the model after every step.

    It starts from two records (one on a base model, one on a custom model when the target has one) and, unless
    Hypothesis shrinks it away, a battery that takes every action once, so that a short run still meets every
    clause; then random steps."""

    hint = "s"
    max_live = 6
    custom_moves = False  # desiredModelId on custom-model PTs: CustomModelMachine (needs target.custom_models)

    def _custom_movable(self) -> list[Record]:
        if not self.custom_moves:
            return []
        return [r for r in self.live() if r.purchased_custom and r.desired_model_arn in self.customs
                and r.status != "Failed"]

    def _retryable(self) -> list[Record]:
        return [r for r in self.live() if r.token and not r.old_names]

    # -- the start ------------------------------------------------------------------------------------------
    @initialize(battery=BATTERY, foundation_form=st.booleans(), units=st.integers(1, 3), tags=TAGS,
                words=st.tuples(WORD, WORD))
    @step
    def populate(self, battery: tuple[int, ...], foundation_form: bool, units: int, tags: dict[str, str],
                 words: tuple[str, str]) -> None:
        first = self.do_create(0, foundation_form, units, tags, True, words[0])
        custom = next((n for n, (kind, _) in enumerate(self.choices) if kind == "custom"), 0)
        second = self.do_create(custom, not foundation_form, 1, {}, False, words[1])
        actions = self.battery(first, second)
        for flag, action in zip(battery, actions):
            if flag:
                action()

    def battery(self, first: Record, second: Record) -> list[Callable[[], None]]:
        """Every action once, in an order where each meets the state it needs. Each is on unless Hypothesis
        shrinks its flag to 0, so a failure found here shrinks to the actions it needs."""
        return [
            lambda: self.settle(first),
            lambda: self.do_get_both(first),
            lambda: self.do_retry(first) if first.arn in self.records else None,
            lambda: self.do_create_with_live_name(second, 0, True) if second.arn in self.records else None,
            lambda: self.do_tag(first, {"k0": "v", "k1": ""}),
            lambda: self.do_untag(first, ["k0"]),
            lambda: self.do_fill_tags(second, 1),
            lambda: self.do_desired_model_on_base(first, 0, False, True) if not first.purchased_custom else None,
            lambda: self.do_desired_model_custom(second, 0, False) if second in self._custom_movable() else None,
            lambda: self.do_update_nothing(first, True),
            lambda: self.do_rename(first, False, "b"),
            lambda: self.do_rename_onto_live_name(second, first, True),
            lambda: self.settle(second),
            lambda: self.do_delete(second, False),
        ]

    # -- actions --------------------------------------------------------------------------------------------
    def do_get_both(self, rec: Record) -> None:
        """GET-BY-NAME-AND-ARN: both identifiers answer the same record."""
        by_name = self.get("GET-BY-NAME-AND-ARN", rec.name)
        by_arn = self.get("GET-BY-NAME-AND-ARN", rec.arn)
        self.compare(by_name, by_arn, "GET-BY-NAME-AND-ARN", f"Get of {rec.name} by name then by ARN", rec)
        self.verify(rec, by_arn)

    def do_retry(self, rec: Record) -> None:
        """CREATE-IDEMPOTENT: the same request with the same clientRequestToken returns the same ARN."""
        answer = ok(self.t, "CREATE-IDEMPOTENT", CREATE, **rec.create_params)
        check(answer.get("provisionedModelArn") == rec.arn, "CREATE-IDEMPOTENT",
              f"a retry of the create of {rec.name} (same clientRequestToken {rec.token}) answered "
              f"{answer.get('provisionedModelArn')}; the first answer was {rec.arn}", self.t)
        listed = self.listed_with_name("CREATE-IDEMPOTENT", rec.name)
        check([s.get("provisionedModelArn") for s in listed] == [rec.arn], "CREATE-IDEMPOTENT",
              f"after a retry List shows {len(listed)} Provisioned Throughputs named {rec.name}: "
              f"{[s.get('provisionedModelArn') for s in listed]}", self.t)
        self.verify(rec, self.get("CREATE-IDEMPOTENT", rec.arn))

    def do_reuse_token(self, rec: Record, units: int) -> None:
        """Open question 2: a reused token with other parameters. 201 with the same ARN (changing nothing) or a
        documented 4xx are accepted; either way nothing new exists."""
        params = dict(rec.create_params, modelUnits=rec.units % 3 + 1 if units == rec.units else units)
        answer, _ = self.attempt("CREATE-IDEMPOTENT", CREATE, documented_refusals("CreateProvisionedModelThroughput"),
                                 **params)
        if answer is not None:
            check(answer.get("provisionedModelArn") == rec.arn, "CREATE-IDEMPOTENT",
                  f"a create reusing the clientRequestToken of {rec.name} with other modelUnits answered a new "
                  f"ARN {answer.get('provisionedModelArn')} (the first create answered {rec.arn})", self.t)
        listed = self.listed_with_name("CREATE-IDEMPOTENT", rec.name)
        check([s.get("provisionedModelArn") for s in listed] == [rec.arn], "CREATE-IDEMPOTENT",
              f"after reusing a token List shows {len(listed)} Provisioned Throughputs named {rec.name}", self.t)
        got = self.get("CREATE-IDEMPOTENT", rec.arn)
        check(got.get("desiredModelUnits") == rec.units
              and contract.units_ok(got.get("modelUnits"), got.get("status"), rec.units), "CREATE-IDEMPOTENT",
              f"a create reusing the clientRequestToken of {rec.name} with modelUnits={params['modelUnits']} "
              f"changed its units from {rec.units} to {got.get('desiredModelUnits')} (desired) / "
              f"{got.get('modelUnits')} (allocated, {got.get('status')})", self.t)
        self.verify(rec, got)

    def do_create_with_live_name(self, rec: Record, choice: int, use_token: bool) -> None:
        """CREATE-NAME-UNIQUE: a create with a live name is refused (any documented 4xx) and creates nothing."""
        model_id, _ = self.model_id_for(choice, False)
        params: dict[str, Any] = {"provisionedModelName": rec.name, "modelId": model_id, "modelUnits": 1,
                                  "tags": [dict(self.t.run_tag)]}
        if use_token:
            params["clientRequestToken"] = self.new_token()
        self.refused_names[rec.name] = "CREATE-NAME-UNIQUE"
        refused(self.t, "CREATE-NAME-UNIQUE", CREATE, documented_refusals("CreateProvisionedModelThroughput"),
                client=self.t.sdk, **params)
        listed = self.listed_with_name("CREATE-NAME-UNIQUE", rec.name)
        check([s.get("provisionedModelArn") for s in listed] == [rec.arn], "CREATE-NAME-UNIQUE",
              f"after a refused duplicate create List shows {len(listed)} Provisioned Throughputs named "
              f"{rec.name}", self.t)

    def do_rename_onto_live_name(self, rec: Record, taken: Record, by_name: bool) -> None:
        """UPDATE-RENAME-DUPLICATE: a rename onto another live name is refused and changes nothing."""
        refused(self.t, "UPDATE-RENAME-DUPLICATE", UPDATE, documented_refusals("UpdateProvisionedModelThroughput"),
                client=self.t.sdk, provisionedModelId=rec.name if by_name else rec.arn,
                desiredProvisionedModelName=taken.name)
        self.verify(rec, self.get("UPDATE-RENAME-DUPLICATE", rec.arn))
        holder = self.get("UPDATE-RENAME-DUPLICATE", taken.name)
        check(holder.get("provisionedModelArn") == taken.arn, "UPDATE-RENAME-DUPLICATE",
              f"after a refused rename of {rec.name} onto {taken.name}, that name resolves to "
              f"{holder.get('provisionedModelArn')}, not {taken.arn}", self.t)

    def do_desired_model_on_base(self, rec: Record, choice: int, foundation_form: bool, by_name: bool) -> None:
        """UPDATE-DESIRED-MODEL-BASE: desiredModelId is refused for a Provisioned Throughput on a base model."""
        options = []
        for n in range(len(self.choices)):
            model_id, _ = self.model_id_for(n, foundation_form)
            if self.full_model_arn(model_id) != rec.model_arn:
                options.append(model_id)
        if not options:  # only one model is configured: ask for the one it serves in the other form
            options = [self.model_id_for(0, not foundation_form)[0]]
        refused(self.t, "UPDATE-DESIRED-MODEL-BASE", UPDATE, documented_refusals("UpdateProvisionedModelThroughput"),
                client=self.t.sdk, provisionedModelId=rec.name if by_name else rec.arn,
                desiredModelId=options[choice % len(options)])
        self.verify(rec, self.get("UPDATE-DESIRED-MODEL-BASE", rec.arn))

    def do_desired_model_custom(self, rec: Record, choice: int, by_name: bool) -> None:
        """UPDATE-DESIRED-MODEL-CUSTOM: a custom-model PT moves to its base model or another custom model of the
        same base; desiredModelArn changes at once, modelArn follows when the update ends."""
        self.settle(rec)
        if rec.status != "InService":
            return
        base = self.customs[rec.model_arn]
        options = [base, contract.foundation_arn(base, self.region)]
        options += [arn for arn, b in self.customs.items() if b == base and arn != rec.model_arn]
        desired = options[choice % len(options)]
        floor = self.floor
        ok(self.t, "UPDATE-DESIRED-MODEL-CUSTOM", UPDATE, provisionedModelId=rec.name if by_name else rec.arn,
           desiredModelId=desired)
        rec.desired_model_arn = self.full_model_arn(desired)
        rec.last_update = "model"
        rec.pending = "update"
        rec.floor_pending = floor
        self.verify(rec, self.get("UPDATE-DESIRED-MODEL-CUSTOM", rec.arn))

    def do_update_nothing(self, rec: Record, by_name: bool) -> None:
        """UPDATE-EMPTY: an update naming nothing answers 200 or ValidationException and changes nothing."""
        answer, _ = self.attempt("UPDATE-EMPTY", UPDATE, ("ValidationException",),
                                 provisionedModelId=rec.name if by_name else rec.arn)
        if answer is not None:
            rec.last_update = rec.last_update or "empty"
            rec.pending = rec.pending or "update"
        self.verify(rec, self.get("UPDATE-EMPTY", rec.arn))

    def do_tag(self, rec: Record, tags: dict[str, str]) -> None:
        """TAG-ADD, or TAG-LIMIT past 50 tags counting existing ones (refused, nothing changes)."""
        t = self.t
        self.touched.add(rec.arn)
        wire = [{"key": k, "value": v} for k, v in tags.items()]
        if len(set(rec.tags) | set(tags)) <= contract.MAX_TAGS:
            ok(t, "TAG-ADD", TAG, resourceARN=rec.arn, tags=wire)
            rec.tags.update(tags)
            rec.tag_op = "tag"
        else:
            codes = ("TooManyTagsException",) + (("ValidationException",) if len(wire) > 200 else ())
            refused(t, "TAG-LIMIT", TAG, codes, client=t.sdk, resourceARN=rec.arn, tags=wire)
            rec.tag_op = "limit"
        self.check_tags(rec)

    def do_fill_tags(self, rec: Record, extra: int) -> None:
        """Tag up to exactly 50 (accepted), then ``extra`` more (TAG-LIMIT: refused, nothing changes)."""
        fresh = (f"fill{n}" for n in itertools.count() if f"fill{n}" not in rec.tags)
        room = contract.MAX_TAGS - len(rec.tags)
        if room > 0:
            self.do_tag(rec, {key: "x" for key in itertools.islice(fresh, room)})
        if extra:
            self.do_tag(rec, {key: "y" for key in itertools.islice(fresh, extra)})

    def do_untag(self, rec: Record, keys: list[str]) -> None:
        """UNTAG-REMOVE: exactly the named keys go (never the run tag, so the sweep can find leftovers)."""
        self.touched.add(rec.arn)
        if all(key in rec.tags for key in keys):
            ok(self.t, "UNTAG-REMOVE", UNTAG, resourceARN=rec.arn, tagKeys=keys)
        else:  # a key the resource lacks: ignored or ValidationException (undocumented), nothing else changes
            answer, _ = self.attempt("UNTAG-REMOVE", UNTAG, ("ValidationException",), resourceARN=rec.arn,
                                     tagKeys=keys)
            if answer is None:
                self.check_tags(rec, "UNTAG-REMOVE")
                return
        for key in keys:
            rec.tags.pop(key, None)
        rec.tag_op = "untag"
        self.check_tags(rec)

    # -- rules ----------------------------------------------------------------------------------------------
    @rule(index=INDEX)
    @step
    def get_by_name_and_arn(self, index: int) -> None:
        rec = self.pick(self.live(), index)
        if rec:
            self.do_get_both(rec)

    @rule(index=INDEX)
    @step
    def retry_create(self, index: int) -> None:
        rec = self.pick(self._retryable(), index)
        if rec:
            self.do_retry(rec)

    @rule(index=INDEX, units=st.integers(1, 3))
    @step
    def reuse_token_other_units(self, index: int, units: int) -> None:
        rec = self.pick(self._retryable(), index)
        if rec:
            self.do_reuse_token(rec, units)

    @rule(index=INDEX, choice=INDEX, use_token=st.booleans())
    @step
    def create_with_live_name(self, index: int, choice: int, use_token: bool) -> None:
        rec = self.pick(self.live(), index)
        if rec:
            self.do_create_with_live_name(rec, choice, use_token)

    @rule(index=INDEX, by_name=st.booleans(), word=WORD)
    @step
    def rename(self, index: int, by_name: bool, word: str) -> None:
        rec = self.pick(self.live(), index)
        if rec:
            self.do_rename(rec, by_name, word)

    @rule(index=INDEX, other=INDEX, by_name=st.booleans())
    @step
    def rename_onto_live_name(self, index: int, other: int, by_name: bool) -> None:
        rec = self.pick(self.live(), index)
        taken = self.pick([r for r in self.live() if r is not rec], other)
        if rec and taken:
            self.do_rename_onto_live_name(rec, taken, by_name)

    @rule(index=INDEX, choice=INDEX, foundation_form=st.booleans(), by_name=st.booleans())
    @step
    def desired_model_on_base(self, index: int, choice: int, foundation_form: bool, by_name: bool) -> None:
        rec = self.pick([r for r in self.live() if not r.purchased_custom], index)
        if rec:
            self.do_desired_model_on_base(rec, choice, foundation_form, by_name)

    @precondition(lambda self: self.custom_moves)
    @rule(index=INDEX, choice=INDEX, by_name=st.booleans())
    @step
    def desired_model_custom(self, index: int, choice: int, by_name: bool) -> None:
        rec = self.pick(self._custom_movable(), index)
        if rec:
            self.do_desired_model_custom(rec, choice, by_name)

    @rule(index=INDEX, by_name=st.booleans())
    @step
    def update_nothing(self, index: int, by_name: bool) -> None:
        rec = self.pick(self.live(), index)
        if rec:
            self.do_update_nothing(rec, by_name)

    @rule(index=INDEX, tags=st.dictionaries(st.sampled_from(TAG_KEYS), st.sampled_from(TAG_VALUES), min_size=1,
                                            max_size=4))
    @step
    def tag(self, index: int, tags: dict[str, str]) -> None:
        rec = self.pick(self.live(), index)
        if rec:
            self.do_tag(rec, tags)

    @rule(index=INDEX, extra=st.integers(0, 2))
    @step
    def fill_tags(self, index: int, extra: int) -> None:
        rec = self.pick(self.live(), index)
        if rec:
            self.do_fill_tags(rec, extra)

    @rule(index=INDEX, picks=st.lists(INDEX, min_size=1, max_size=4))
    @step
    def untag(self, index: int, picks: list[int]) -> None:
        rec = self.pick(self.live(), index)
        if rec is None:
            return
        keys = sorted(k for k in rec.tags if k != RUN_TAG_KEY)
        if not keys:  # nothing to remove yet: add one first
            self.do_tag(rec, {"k0": "v"})
            keys = ["k0"]
        self.do_untag(rec, sorted({keys[p % len(keys)] for p in picks}))


class CustomModelMachine(LifecycleMachine):
    """The lifecycle on custom-model Provisioned Throughputs, moved between their base model and custom models of
    the same base (UPDATE-DESIRED-MODEL-CUSTOM)."""

    hint = "u"
    max_live = 4
    custom_moves = True

    def __init__(self) -> None:
        super().__init__()
        self.choices = [("custom", arn) for arn in self.customs]


class CommitmentMachine(LifecycleMachine):
    """The lifecycle with a commitment term on at most ``max_commitments`` records (emulators only)."""

    hint = "c"
    max_live = 4
    max_commitments = 1

    def battery(self, first: Record, second: Record) -> list[Callable[[], None]]:
        committed: list[Record] = []
        return [lambda: committed.append(self.do_create_committed(0, False, contract.COMMITMENTS[0], True)),
                lambda: self.do_delete(committed[0], False) if committed else None,
                *super().battery(first, second)]

    def do_create_committed(self, choice: int, foundation_form: bool, commitment: str, use_token: bool) -> Record:
        """CREATE-COMMITMENT; its delete is DELETE-COMMITMENT-REFUSED (do_delete)."""
        self.commitments += 1
        rec = self.do_create(choice, foundation_form, 1, {}, use_token, "cm", commitment)
        self.settle(rec)
        return rec

    @rule(choice=INDEX, foundation_form=st.booleans(), commitment=st.sampled_from(contract.COMMITMENTS),
          use_token=st.booleans())
    @step
    def create_with_commitment(self, choice: int, foundation_form: bool, commitment: str, use_token: bool) -> None:
        if len(self.records) < self.max_live and self.commitments < self.max_commitments \
                and not self.t.settings.is_aws:
            self.do_create_committed(choice, foundation_form, commitment, use_token)

    @rule(index=INDEX, by_name=st.booleans())
    @step
    def delete_committed(self, index: int, by_name: bool) -> None:
        rec = self.pick([r for r in self.live() if r.commitment], index)
        if rec:
            self.do_delete(rec, by_name)


# ---------------------------------------------------------------------------------------------------------
# The list machine


@dataclass(frozen=True)
class Query:
    """One List query: the user's filters, paging and sorting, and the namespace filter that isolates it."""

    status: str | None = None
    model: str | None = None
    name: str | None = None  # a user nameContains (holds the namespace when the query is isolated)
    after: datetime | None = None
    before: datetime | None = None
    max_results: int | None = None
    order: str | None = None
    sort_by: bool = False
    isolation: str | None = None  # nameContains=<namespace> when no user name filter

    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {}
        if self.status:
            params["statusEquals"] = self.status
        if self.model:
            params["modelArnEquals"] = self.model
        if self.name or self.isolation:
            params["nameContains"] = self.name or self.isolation
        if self.after:
            params["creationTimeAfter"] = self.after
        if self.before:
            params["creationTimeBefore"] = self.before
        if self.max_results:
            params["maxResults"] = self.max_results
        if self.order:
            params["sortOrder"] = self.order
        if self.sort_by:
            params["sortBy"] = "CreationTime"
        return params

    def filters(self) -> list[str]:
        """The user's filters (the namespace isolation is not one)."""
        kinds = [("status", self.status), ("model", self.model), ("name", self.name),
                 ("time", self.after or self.before)]
        return [kind for kind, value in kinds if value]

    def only(self, kind: str) -> Query:
        """This query with one user filter kept (and the isolation), as one page: for attribution."""
        kept: dict[str, dict[str, Any]] = {
            "status": {"status": self.status}, "model": {"model": self.model}, "name": {"name": self.name},
            "time": {"after": self.after, "before": self.before}}
        keep = kept[kind]
        return Query(**keep, order=self.order, max_results=1000,
                     isolation=None if kind == "name" else self.isolation)

    def single_page(self) -> Query:
        return Query(self.status, self.model, self.name, self.after, self.before, 1000, self.order, self.sort_by,
                     self.isolation)

    def primary_clause(self) -> str:
        filters = self.filters()
        if len(filters) > 1:
            return "LIST-FILTER-COMBINED"
        if filters:
            return FILTER_CLAUSES[filters[0]]
        return "LIST-PAGINATION-COMPLETE"


def _matches(query: Query, snap: Snapshot) -> bool | None:
    """Whether a record must (True), must not (False) or may (None) be in the query's answer."""
    results = [_match_one(query, kind, snap) for kind in ("status", "model", "name", "time")]
    if query.isolation and query.isolation not in snap.name:
        results.append(False)
    if False in results:
        return False
    return None if None in results else True


def _match_one(query: Query, kind: str, snap: Snapshot) -> bool | None:
    if kind == "status" and query.status:
        return None if snap.status is None else snap.status == query.status
    if kind == "model" and query.model:
        return None if snap.model_arn is None else snap.model_arn == query.model
    if kind == "name" and query.name:
        return query.name in snap.name
    if kind == "time":
        verdicts: list[bool | None] = []
        if query.after:
            verdicts.append(None if snap.creation_time == query.after else snap.creation_time > query.after)
        if query.before:
            verdicts.append(None if snap.creation_time == query.before else snap.creation_time < query.before)
        if False in verdicts:
            return False
        return None if None in verdicts else True
    return True


def _summary_fails(query: Query, kind: str, summary: dict[str, Any]) -> bool:
    """The summary itself shows that the filter should have left it out (bounds inclusive, names any case)."""
    if kind == "status" and query.status:
        return summary.get("status") != query.status
    if kind == "model" and query.model:
        return summary.get("modelArn") != query.model
    if kind == "name" and (query.name or query.isolation):
        return (query.name or query.isolation or "").lower() not in str(summary.get("provisionedModelName")).lower()
    if kind == "time" and (query.after or query.before):
        created = _utc(summary["creationTime"])
        return bool(query.after and created < query.after or query.before and created > query.before)
    return False


class ListMachine(ProvisionedThroughputMachine):
    """Populates 3 to ``max_live`` records, then List queries, each checked against the model.

    The first three names carry the words b, c, a: name order is then no creation-time order. Unless Hypothesis
    shrinks it away, a sweep (each filter, each order, small pages, a garbage token) follows the populate, so that a
    short run still meets every clause; then random queries, creates, renames and deletes."""

    hint = "l"
    max_live = 8
    min_live_to_delete = 3  # so that most queries have several records to page through

    def __init__(self) -> None:
        super().__init__()
        self.default_order: str | None = None  # Ascending/Descending once a default-order List showed one
        self.query_request: dict[str, Any] | None = None

    @initialize(specs=st.lists(st.integers(0, 31), min_size=3, max_size=6), sweep=BATTERY)
    @step
    def populate(self, specs: list[int], sweep: tuple[int, ...]) -> None:
        """One small integer per record (model, model id form, word): little for Hypothesis to shrink."""
        for n, spec in enumerate(specs):
            word = "bca"[n] if n < 3 else WORDS[spec % len(WORDS)]
            self.do_create(spec // 2, bool(spec % 2), 1, {}, False, word)
        for flag, action in zip(sweep, self.sweep()):
            if flag:
                action()

    def sweep(self) -> list[Callable[[], None]]:
        """Each kind of query once (each on unless Hypothesis shrinks its flag to 0)."""
        live = self.live()
        first, middle = live[0], live[len(live) // 2]
        times = sorted(set(self.times))
        queries = [
            Query(max_results=1, isolation=self.ns),
            Query(max_results=2, order="Ascending", sort_by=True, isolation=self.ns),
            Query(max_results=1, order="Descending", sort_by=True, isolation=self.ns),
            Query(status="Failed", isolation=self.ns),
            Query(status=first.status, max_results=2, isolation=self.ns),
            Query(model=self.model_options()[-1], isolation=self.ns),
            Query(model=first.model_arn, max_results=1, isolation=self.ns),
            Query(name=self.ns + first.name[len(self.ns)]),
            Query(after=times[len(times) // 2], isolation=self.ns),
            Query(before=times[len(times) // 2], order="Ascending", isolation=self.ns),
            Query(status=middle.status, model=middle.model_arn, after=times[0], isolation=self.ns),
        ]
        actions: list[Callable[[], None]] = [functools.partial(self.check_query, q, complete=True) for q in queries]
        return actions + [lambda: self.do_garbage_token("sweep", True)]

    def do_garbage_token(self, suffix: str, isolate: bool) -> None:
        """LIST-GARBAGE-TOKEN: a nextToken the target never issued is refused with ValidationException, or ends
        the listing (an empty page, no nextToken); it must not restart the listing from the first page."""
        params: dict[str, Any] = {"nextToken": "not-a-token-" + suffix}
        if isolate:
            params["nameContains"] = self.ns
        try:
            page, _ = self.attempt("LIST-GARBAGE-TOKEN", LIST, ("ValidationException",), **params)
            if page is not None:
                own = [s.get("provisionedModelName") for s in page.get("provisionedModelSummaries", [])
                       if self.is_own(s)]
                check(not own and not page.get("nextToken"), "LIST-GARBAGE-TOKEN",
                      f"a nextToken the target never issued answered a page with {own or 'a nextToken'}: expected "
                      "ValidationException or an empty last page", self.t)
        except ConformanceFailure:
            # A target that ignores every nextToken accepts garbage too: name the root cause when it is that.
            if len(self.records) >= 2:
                self.check_query(Query(max_results=1, isolation=self.ns), complete=True)
            raise

    @rule(index=INDEX, word=WORD)
    @step
    def rename(self, index: int, word: str) -> None:
        """A rename, so that List sees names move (the lifecycle machine checks renames in full)."""
        rec = self.pick(self.live(), index)
        if rec is None:
            return
        self.settle(rec)
        if rec.status == "InService":
            self.do_rename(rec, False, word)

    @rule(suffix=st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12), isolate=st.booleans())
    @step
    def garbage_token(self, suffix: str, isolate: bool) -> None:
        self.do_garbage_token(suffix, isolate)

    # -- the query rule -------------------------------------------------------------------------------------
    def model_options(self) -> list[str]:
        used = {r.model_arn for r in [*self.records.values(), *self.deleted.values()]}
        offered = {self.full_model_arn(m) for m in self.t.settings.models} | set(self.customs)
        unused = sorted(offered - used) or [contract.foundation_arn(UNUSED_MODEL_ID, self.region)]
        return sorted(used) + unused

    def fragments(self, rec: Record, isolated: bool) -> list[str]:
        """Substrings of a live name usable as nameContains: the namespace plus a part of the rest (isolated),
        or a part of the rest alone."""
        rest = rec.name[len(self.ns):]
        if isolated:
            candidates = [self.ns + rest[:k] for k in range(1, len(rest) + 1)]
        else:
            candidates = [rest[i:j] for i in range(len(rest)) for j in range(i + 1, len(rest) + 1)]
        return [c for c in candidates if NAME_PATTERN.fullmatch(c) and len(c) <= 63] or [self.ns]

    @rule(max_results=st.one_of(st.integers(1, 4), st.none(), st.just(1000)),
          order=st.sampled_from((None, "Ascending", "Descending")), sort_by=st.booleans(), isolate=st.booleans())
    @step
    def paginate(self, max_results: int | None, order: str | None, sort_by: bool, isolate: bool) -> None:
        """Every record once across pages, no page over maxResults, no token on the last page, the order."""
        self.do_query(max_results, order, sort_by, None, None, None, None, None, isolate)

    @rule(kind=st.sampled_from(("status", "model", "name", "time")), value=INDEX, other=INDEX,
          max_results=st.one_of(st.none(), st.integers(1, 4)), order=st.sampled_from((None, "Ascending", "Descending")),
          isolate=st.booleans())
    @step
    def filter_one(self, kind: str, value: int, other: int, max_results: int | None, order: str | None,
                   isolate: bool) -> None:
        """One filter: exactly the records it selects."""
        status = contract.STATUSES[value % len(contract.STATUSES)] if kind == "status" else None
        model = value if kind == "model" else None
        name = (value, other, isolate) if kind == "name" else None
        after = value if kind == "time" and other % 3 != 1 else None
        before = other if kind == "time" and other % 3 != 0 else None
        self.do_query(max_results, order, False, status, model, name, after, before, isolate)

    @rule(max_results=st.one_of(st.none(), st.integers(1, 5), st.just(1000)),
          order=st.sampled_from((None, "Ascending", "Descending")), sort_by=st.booleans(),
          status=st.one_of(st.none(), st.sampled_from(contract.STATUSES)),
          model=st.one_of(st.none(), INDEX),
          name=st.one_of(st.none(), st.tuples(INDEX, INDEX, st.booleans())),
          after=st.one_of(st.none(), INDEX), before=st.one_of(st.none(), INDEX), isolate=st.booleans())
    @step
    def query(self, max_results: int | None, order: str | None, sort_by: bool, status: str | None,
              model: int | None, name: tuple[int, int, bool] | None, after: int | None, before: int | None,
              isolate: bool) -> None:
        """Any combination of filters, paging and sorting."""
        self.do_query(max_results, order, sort_by, status, model, name, after, before, isolate)

    def do_query(self, max_results: int | None, order: str | None, sort_by: bool, status: str | None,
                 model: int | None, name: tuple[int, int, bool] | None, after: int | None, before: int | None,
                 isolate: bool) -> None:
        """Build a query from drawn indices (over the run's own records, times and model ARNs) and check it.
        Unless the target is this worker's alone, the query is isolated on the namespace."""
        isolated = isolate or not self.exclusive
        fragment = None
        if name is not None and self.records:
            rec_index, frag_index, frag_isolated = name
            frag_isolated = frag_isolated or not self.exclusive
            fragment = self.pick(self.fragments(self.pick(self.live(), rec_index), frag_isolated), frag_index)
            isolated = frag_isolated
        times = sorted(set(self.times))
        query = Query(
            status=status,
            model=self.pick(self.model_options(), model) if model is not None else None,
            name=fragment,
            after=self.pick(times, after) if after is not None and times else None,
            before=self.pick(times, before) if before is not None and times else None,
            max_results=max_results, order=order, sort_by=sort_by,
            isolation=self.ns if isolated and fragment is None else None)
        self.check_query(query, complete=isolated or self.exclusive)

    # -- running and judging one query ----------------------------------------------------------------------
    def snapshot(self) -> dict[str, Snapshot]:
        return {r.arn: Snapshot(r.arn, r.name, r.model_arn if r.model_arn == r.desired_model_arn else None,
                                None if r.pending else r.status, created_at(r)) for r in self.live()}

    def pages(self, query: Query, *, check_duplicates: bool) -> list[list[dict[str, Any]]]:
        params = query.params()
        pages: list[list[dict[str, Any]]] = []
        seen: set[str] = set()
        token = None
        limit = (len(self.records) + len(self.deleted) + 50) if (query.isolation or query.name) else 1000
        placeholder = query.model == contract.foundation_arn(UNUSED_MODEL_ID, self.region)
        for _ in range(limit):
            if placeholder and token is None:
                # a filter naming a model the target does not offer: an empty answer or ValidationException
                page, _ = self.attempt(query.primary_clause(), LIST, ("ValidationException",), **params)
                if page is None:
                    return [[]]
            else:
                page = ok(self.t, query.primary_clause(), LIST, **params, **({"nextToken": token} if token else {}))
            items = page.get("provisionedModelSummaries", [])
            if query.max_results:
                check(len(items) <= query.max_results, "LIST-MAXRESULTS",
                      f"a page holds {len(items)} summaries; maxResults was {query.max_results}", self.t)
            for summary in items:
                arn = summary.get("provisionedModelArn")
                if check_duplicates and self.is_own(summary):
                    check(arn not in seen, "LIST-PAGINATION-COMPLETE",
                          f"{summary.get('provisionedModelName')} ({arn}) comes twice while following nextToken "
                          f"(maxResults={query.max_results})", self.t)
                seen.add(arn)
            pages.append(items)
            token = page.get("nextToken")
            if not token:
                break
        else:
            check(False, "LIST-LAST-PAGE", f"List with {_describe(query)} still returned a nextToken after {limit} "
                  f"pages (more pages than the run's records allow)", self.t)
        return pages

    def stable_pages(self, query: Query) -> tuple[list[list[dict[str, Any]]], dict[str, Snapshot], bool]:
        """Run the query while no record changes status: pending records are fetched before and after, and the
        query runs again (a few times) if one moved. Returns (pages, what the records were, stable)."""
        for _ in range(4):
            before = self.refresh_pending()
            snap = self.snapshot()
            # a record entering or leaving a status filter mid-query may shift offsets: judge duplicates later
            pages = self.pages(query, check_duplicates=not (query.status and before))
            if self.refresh_pending() == before:
                exact = {arn: Snapshot(s.arn, s.name, s.model_arn, before.get(arn, s.status), s.creation_time)
                         for arn, s in snap.items()}
                return pages, exact, True
        return pages, snap, False

    def refresh_pending(self) -> dict[str, str]:
        statuses = {}
        for rec in self.live():
            if rec.pending:
                got = self.get("LIST-SUMMARY-MATCHES-GET", rec.arn)
                self.verify(rec, got)
                statuses[rec.arn] = got["status"]
        return statuses

    def check_query(self, query: Query, *, complete: bool) -> None:
        t = self.t
        pages, snap, stable = self.stable_pages(query)
        self.query_request = t.last_request  # the query's last page: what a failure of the query shows
        self.judge(query, pages, snap, stable, complete)

    def listing(self, condition: bool, clause: str, message: str, **details: Any) -> None:
        """A verdict about the query just run: a failure shows the query's request, not a later Get."""
        if not condition:
            raise ConformanceFailure(clause, message, request=self.query_request, response=details or None)

    def judge(self, query: Query, pages: list[list[dict[str, Any]]], snap: dict[str, Snapshot], stable: bool,
              complete: bool) -> None:
        if stable:
            # the records held still: now duplicates are the target's doing (re-check them page by page)
            ordered = [s for page in pages for s in page if self.is_own(s)]
            arns = [str(s.get("provisionedModelArn")) for s in ordered]
            dupes = sorted({a for a in arns if arns.count(a) > 1})
            self.listing(not dupes, "LIST-PAGINATION-COMPLETE",
                         f"following nextToken with {_describe(query)} returned {dupes} more than once")
        summaries = [s for page in pages for s in page]
        own = [s for s in summaries if self.is_own(s)]

        # 1. nothing deleted, nothing unknown in our namespace
        for summary in own:
            arn = summary.get("provisionedModelArn")
            if arn in self.deleted:
                self.listing(False, "DELETE-GONE", f"the deleted {self.deleted[arn].name} ({arn}) is still listed")
            if arn not in self.records:
                clause = self.refused_names.get(summary.get("provisionedModelName", ""), "LIST-PAGINATION-COMPLETE")
                self.listing(False, clause, f"List shows {summary.get('provisionedModelName')} ({arn}), which this "
                                            "run never created")

        # 2. each summary agrees with Get (fetched after it)
        for arn in dict.fromkeys(str(s.get("provisionedModelArn")) for s in own):
            summary = next(s for s in own if s.get("provisionedModelArn") == arn)
            rec = self.records[arn]
            got = self.get("LIST-SUMMARY-MATCHES-GET", arn)
            self.compare(summary, got, "LIST-SUMMARY-MATCHES-GET", f"the List summary of {rec.name}", rec)
            self.verify(rec, got)

        # 3. every summary passes every filter it was listed under
        for summary in summaries:
            for kind in ("name", "status", "model", "time"):
                if _summary_fails(query, kind, summary):
                    self.blame(query, kind, summary.get("provisionedModelArn"), present=True,
                               why=f"{summary.get('provisionedModelName')} ({kind} filter; summary "
                                   f"{_jsonable({k: summary.get(k) for k in ('status', 'modelArn', 'creationTime')})})")

        # 4. exactly the model's set (records whose membership is undecided may go either way)
        if complete:
            returned = {s.get("provisionedModelArn") for s in own}
            for arn, record in snap.items():
                verdict = _matches(query, record)
                if verdict is True and arn not in returned:
                    self.blame_missing(query, record)
                if verdict is False and arn in returned:
                    failing = [k for k in ("status", "model", "name", "time") if _match_one(query, k, record) is False]
                    if len(failing) != 1:
                        self.listing(False, "LIST-FILTER-COMBINED" if failing else "LIST-FILTER-NAME",
                                     f"List with {_describe(query)} returned {record.name}, which fails "
                                     f"{failing or ['the namespace filter']}")
                    self.blame(query, failing[0], arn, present=True, why=f"{record.name} (by the model)")

        # 5. order by creationTime across pages (ties in any order)
        created = [_utc(s["creationTime"]) for s in own]
        rising = any(a < b for a, b in itertools.pairwise(created))
        falling = any(a > b for a, b in itertools.pairwise(created))
        names = [s.get("provisionedModelName") for s in own]
        times = {"creationTimes": [c.isoformat() for c in created]}
        seen = "Ascending" if rising else "Descending" if falling else None  # the direction, when there is one
        in_asked_order = query.order is not None and not (falling if query.order == "Ascending" else rising)
        if query.order and query.sort_by:
            self.listing(in_asked_order, "LIST-SORT-ORDER",
                         f"List with {_describe(query)} returned {names} out of creationTime order", **times)
        elif query.order:
            # sortOrder without sortBy: the model does not say it applies alone, so the asked order or the
            # default order (whichever the target uses) is accepted
            in_default_order = not (rising and falling) and self.default_order in (None, seen)
            self.listing(in_asked_order or in_default_order, "LIST-SORT-ORDER",
                         f"List with {_describe(query)} returned {names} neither {query.order.lower()} by "
                         "creationTime nor in the default order", **times)
        else:
            self.listing(not (rising and falling), "LIST-SORT-DEFAULT",
                         f"List with {_describe(query)} (no sortOrder) returned {names} in no creationTime order",
                         **times)
            if seen:
                self.listing(self.default_order in (None, seen), "LIST-SORT-DEFAULT",
                             f"List with {_describe(query)} (no sortOrder) returned {names} {seen.lower()} by "
                             f"creationTime; an earlier default-order List was {str(self.default_order).lower()}",
                             **times)
                self.default_order = seen

    def blame(self, query: Query, kind: str, arn: str | None, *, present: bool, why: str) -> None:
        """A record was listed against filter ``kind``: that filter's clause, or LIST-FILTER-COMBINED when the
        filter alone works."""
        clause = FILTER_CLAUSES[kind]
        if len(query.filters()) > 1 and kind in query.filters():
            alone = self.pages(query.only(kind), check_duplicates=False)
            if arn not in {s.get("provisionedModelArn") for page in alone for s in page}:
                clause = "LIST-FILTER-COMBINED"
        self.listing(False, clause, f"List with {_describe(query)} returned {why}")

    def blame_missing(self, query: Query, record: Snapshot) -> None:
        """A record that matches every filter was not listed: pagination lost it, or a filter dropped it."""
        whole = self.pages(query.single_page(), check_duplicates=False)
        if record.arn in {s.get("provisionedModelArn") for page in whole for s in page} or not query.filters():
            self.listing(False, "LIST-PAGINATION-COMPLETE",
                         f"following nextToken with {_describe(query)} never returned {record.name} ({record.arn})")
        clause = query.primary_clause()
        if len(query.filters()) > 1:
            for kind in query.filters():
                alone = self.pages(query.only(kind), check_duplicates=False)
                if record.arn not in {s.get("provisionedModelArn") for page in alone for s in page}:
                    clause = FILTER_CLAUSES[kind]
                    break
        self.listing(False, clause, f"List with {_describe(query)} left out {record.name} ({record.arn}), which "
                                    "matches every filter")


def _describe(query: Query) -> str:
    return ", ".join(f"{k}={CallLog._literal(v, {})}" for k, v in query.params().items()) or "no parameters"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return _utc(value).isoformat()
    return value


# ---------------------------------------------------------------------------------------------------------
# Running a machine from a test


def machine_settings() -> hypothesis_settings:
    """The active Hypothesis profile's settings, with the bedrock-conformance profile's stateful example count
    (its ``stateful_examples``) when one is loaded."""
    current = hypothesis_settings()
    examples = current.max_examples
    name = hypothesis_settings.get_current_profile_name()
    if name.startswith("bedrock-conformance-"):
        from conformance.run import PROFILES

        profile = PROFILES.get(name.removeprefix("bedrock-conformance-"))
        if profile is not None:
            examples = profile.stateful_examples
    # the explain phase re-runs a failing machine many times to annotate it: too slow for a remote target
    phases = tuple(phase for phase in current.phases if phase is not Phase.explain)
    return hypothesis_settings(current, max_examples=examples, deadline=None, phases=phases)


def run(machine: type[ProvisionedThroughputMachine], target: Target,
        settings: hypothesis_settings | None = None) -> None:
    """Run ``machine`` against ``target`` (a pytest test's body). A failure carries ``reproducer``."""
    log = CallLog(target)
    bound = type(machine.__name__, (machine,), {"target": target, "log": log, "__module__": machine.__module__})
    log.attach()
    try:
        run_state_machine_as_test(bound, settings=settings or machine_settings())
    finally:
        log.detach()
