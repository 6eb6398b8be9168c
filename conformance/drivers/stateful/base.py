"""The base machine: its shared actions (create, adopt a shared Provisioned Throughput of the billable plan, delete,
rename, wait for a record to settle), the check of a Get answer against the model, and the rules and invariant
every machine has."""

from __future__ import annotations

import functools
import itertools
import json
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from conformance.catalogue import contract, rules
from conformance.catalogue.clauses import ConformanceFailure
from conformance.checker.judgement import current
from conformance.drivers.stateful.calllog import CallLog, step
from conformance.drivers.stateful.common import (
    CREATE,
    DELETE,
    GET,
    INDEX,
    LIST_TAGS,
    NAME_PATTERN,
    NOT_FOUND,
    PENDING_STATUSES,
    TAG,
    TAGS,
    TIMESTAMPS,
    UNTAG,
    UPDATE,
    WORD,
    documented_refusals,
    jsonable,
    response_body,
    utc,
)
from conformance.drivers.stateful.model import Record, created_at
from conformance.targets import expect
from conformance.targets.expect import answer_of, check, fail, holds, ok, on_call, refused
from conformance.targets.target import Target


def _pages(summaries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A List's summaries as the rules read a query's pages (conformance.catalogue.rules)."""
    return [{"status": 200, "code": None, "body": {"provisionedModelSummaries": summaries}}]


class ProvisionedThroughputMachine(RuleBasedStateMachine):
    """The model and the rules every machine has. Subclasses add rules (fakeredis style)."""

    target: Target | None = None  # set by run() for each test
    log: CallLog | None = None
    hint = "s"
    max_live = 6
    min_live_to_delete = 1
    max_commitments = 0
    # Which of the shared rules the machine has at all (a class's choice, never the model's: see pick()).
    creates = True
    deletes = True
    _machines = itertools.count(1)

    def __init__(self) -> None:
        super().__init__()
        cls = type(self)
        if cls.target is None:
            raise RuntimeError("run the machine with conformance.drivers.stateful.run(Machine, target)")
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
        self.involved: set[str] = set()  # ARNs the current step created, picked or verified
        self.lost: dict[str, Record] = {}  # records a blocked step left in a state the model no longer knows
        self.adopted: set[str] = set()  # ARNs of the plan's shared PTs taken as records (adopt): never deleted here
        # What the model adopted from a judged failure, so that later clauses are judged against the server's
        # actual state (see "adoption" below): Get by name refused while Get by ARN answers.
        self.by_name_refused = False
        self.shared: set[str] = set()  # names two records held at once (an accepted duplicate): addressed by ARN
        self.follow_foundation: set[str] = set()  # ARNs whose accepted model change (refused by the contract) may
        # move foundationModelArn: the model learns it from the target's answers
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
            self.involved.add(chosen.arn)
        return chosen

    def model_id_for(self, choice: int, *, foundation_form: bool) -> tuple[str, bool]:
        origin, value = self.pick(self.choices, choice)
        if origin == "custom":
            return value, True
        return (contract.foundation_arn(value, self.region) if foundation_form else value), False

    def full_model_arn(self, model_id: str) -> str:
        return contract.expected_model_arn(model_id, self.region, custom_models=self.customs,
                                           canonical=getattr(self.t, "canonical_models", None))

    def observe(self, *times: datetime) -> None:
        for value in times:
            if self.floor is None or value > self.floor:
                self.floor = value

    def is_own(self, summary: dict[str, Any]) -> bool:
        arn = summary.get("provisionedModelArn")
        return arn in self.records or arn in self.deleted or arn in self.lost or str(
            summary.get("provisionedModelName", "")).startswith(self.ns)

    def alive(self, *recs: Record) -> bool:
        """Every record is still judged by the model (not deleted, not lost to a blocked step)."""
        return all(rec.arn in self.records for rec in recs)

    def drop_involved(self, request: Any = None) -> None:
        """A step was blocked (a call it needed failed a clause that already failed): the records it acted on (and
        any the blocking request names) may now hold anything, so the model stops judging them (they stay this
        run's own, and teardown deletes them). The other records and the rest of the run go on."""
        text = urllib.parse.unquote(json.dumps(request, default=str)) if request else ""
        for rec in self.live():
            if rec.arn in self.involved or rec.arn in self.touched or (text and (
                    rec.arn in text or f'"{rec.name}"' in text or f"/{rec.name}" in text)):
                self.lost[rec.arn] = self.records.pop(rec.arn)
        self.involved.clear()

    # -- adoption: after a judged failure the model follows what the server did --------------------------------
    # A failure is reported once, against its own clause; then the model takes the server's state as it is (a
    # rename onto a live name accepted: two records share the name; Get by name refused: records are resolved by
    # ARN), and every later check is judged against that state instead of being blocked by the first failure.
    def holders(self, name: str) -> list[Record]:
        """The records of this machine (judged or lost) that hold ``name``."""
        return [rec for rec in [*self.records.values(), *self.lost.values()] if rec.name == name]

    def ident(self, rec: Record, *, by_name: bool) -> str:
        """The identifier to address ``rec`` by: its name when asked, unless two records held the name at once (an
        accepted duplicate: what the name resolves to is the server's guess from then on), else its ARN."""
        return rec.name if by_name and rec.name not in self.shared else rec.arn

    def sole(self, rec: Record) -> bool:
        """``rec``'s name names it alone (a uniqueness check on it means what it says)."""
        return rec.name not in self.shared

    def holder_arns(self, name: str) -> list[str]:
        """What List must show under ``name``: the model's records of that name (one, unless it is shared)."""
        return sorted(rec.arn for rec in self.holders(name))

    def resolve(self, clause: str, rec: Record, name: str) -> dict[str, Any]:
        """Get ``rec`` by ``name`` (a clause's check that the name resolves); once the model learned that this
        server refuses Get by name (GET-BY-NAME-AND-ARN failed), by its ARN: the clause is judged on the rest."""
        if self.by_name_refused:
            return self.get(clause, rec.arn)
        return ok(self.t, clause, GET, provisionedModelId=name)

    def name_gone(self, rec: Record, old: str) -> None:
        """UPDATE-RENAME: after ``rec`` was renamed, its old name answers 404 (unless another record holds it).
        Once the model learned that Get by name is refused here, an Update by the old name tells instead: it
        renames ``rec`` to the name it has (no change) if the old name still resolves."""
        if old in self.shared:
            return
        refused(self.t, "UPDATE-RENAME", GET, codes=NOT_FOUND, client=self.t.sdk, provisionedModelId=old)
        if self.by_name_refused:
            refused(self.t, "UPDATE-RENAME", UPDATE, codes=NOT_FOUND, client=self.t.sdk,
                    provisionedModelId=old,
                    desiredProvisionedModelName=rec.name,
                    accepted=lambda _: setattr(rec, "pending", rec.pending or "update"))

    def renamed(self, rec: Record, new: str, floor: datetime | None) -> None:
        """The model learns that the server accepted a rename of ``rec`` to ``new`` (onto a live name too)."""
        if self.holders(new):
            self.shared.add(new)
        rec.old_names.append(rec.name)
        rec.name = new
        rec.last_update = "rename"
        rec.pending = rec.pending or "update"  # a rename may pass through Updating (undocumented)
        rec.floor_pending = floor

    def adopt_created(self, params: dict[str, Any], answer: dict[str, Any], *, custom: bool) -> Record | None:
        """A create the target had to refuse was accepted (its clause failed): the model takes the new record as
        one of its own, so later steps judge it (and teardown deletes it)."""
        arn = answer.get("provisionedModelArn")
        if not isinstance(arn, str) or arn in self.records or arn in self.deleted:
            return None
        if self.holders(params["provisionedModelName"]):
            self.shared.add(params["provisionedModelName"])
        rec = self.record_of(params, arn, custom=custom, token=params.get("clientRequestToken"))
        self.records[arn] = rec
        self.involved.add(arn)
        return rec

    @property
    def exclusive(self) -> bool:
        """Nobody else changes this target while a query runs (an in-process target of this worker, no test side by
        side with this one)."""
        return (self.t.emulator is not None or self.t.settings.kind.in_process) and not self.t.side_by_side

    # -- calls that may go either way -----------------------------------------------------------------------
    def attempt(self, clause: str, operation: str, codes: Iterable[str], **params: Any
                ) -> tuple[dict[str, Any] | None, str | None]:
        """Call; a success returns (body, None), a refusal with one of ``codes`` returns (None, code), any other
        refusal fails ``clause``."""
        return expect.attempt(self.t, clause, operation, codes=codes, **params)

    def get(self, clause: str, ident: str) -> dict[str, Any]:
        """Get ``ident``. For a record of the model asked by ARN: when the ARN is refused but the name answers,
        that fails GET-BY-NAME-AND-ARN alone, and the machine goes on by name."""
        rec = self.records.get(ident)
        if rec is None:
            return ok(self.t, clause, GET, provisionedModelId=ident)
        try:
            answer = self.t.sdk.get_provisioned_model_throughput(provisionedModelId=ident)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            request = self.t.last_request
        else:
            current().judge(clause)
            return answer
        by_name = ok(self.t, clause, GET, provisionedModelId=rec.name)  # neither answers: the caller's clause
        current().fail(ConformanceFailure(
            "GET-BY-NAME-AND-ARN", f"Get by ARN {ident} was refused ({code}) while Get by name {rec.name} answers",
            request=request, response={"by_name": jsonable(by_name)}))
        return by_name

    def get_all(self, clause: str, idents: Iterable[str]) -> Iterator[dict[str, Any]]:
        """Get each, in flight together (Target.gather); yields the answers in the same order, each with its own
        request as the target's last request (what a failure of the check that follows shows)."""
        def one(ident: str) -> tuple[dict[str, Any], Any]:
            return self.get(clause, ident), current().request

        for got, request in self.t.gather(functools.partial(one, ident) for ident in idents):
            current().request = request
            yield got

    def together(self, *calls: Callable[[], Any]) -> list[Callable[[], Any]]:
        """Independent calls (reads, refusals) in flight together (Target.gather); one reader per call, to be read
        in the order a sequential step would have made the calls: a reader makes its call's request the target's
        last request, then returns its answer or raises what the call raised (each time it is read). The checks
        after each read stay where they were, so the verdicts come in the same order as from the calls one after
        another. On a target where nothing overlaps (in process), each call is made when it is first read."""
        t = self.t
        done: list[tuple[Any, BaseException | None, Any] | None] = [None] * len(calls)

        def one(n: int) -> None:
            try:
                done[n] = calls[n](), None, current().request
            except BaseException as exc:  # noqa: BLE001 - raised by its reader, in the step's order
                done[n] = None, exc, current().request

        if t.overlaps and len(calls) > 1:
            t.gather(functools.partial(one, n) for n in range(len(calls)))

        def read(n: int) -> Any:
            if done[n] is None:
                one(n)
            answer, exc, request = done[n]  # type: ignore[misc]
            current().request = request
            if exc is not None:
                raise exc
            return answer

        return [functools.partial(read, n) for n in range(len(calls))]

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

        on = {"call": GET, "arn": rec.arn, "success": True}  # what is judged: the last Get answering about rec
        answer = answer_of(got)

        def same(member: str, want: Any, clause: str) -> None:
            holds(rules.spec("member_is", on, member=member, want=want), answer, clause,
                  message=f"{member} of {who} is {got.get(member)!r}; expected {want!r}", target=t)

        same("provisionedModelArn", rec.arn, "GET-BY-NAME-AND-ARN")
        same("provisionedModelName", rec.name, "UPDATE-RENAME" if rec.old_names else "CREATE-RECORD-FIELDS")
        fixed = "UPDATE-IMMUTABLE" if rec.updated else "CREATE-RECORD-FIELDS"
        check(contract.units_ok(got.get("modelUnits"), got.get("status"), rec.units), fixed,
              f"modelUnits of {who} is {got.get('modelUnits')!r} while {got.get('status')}; expected {rec.units} "
              "(1 up to it while Creating)", target=t)
        same("desiredModelUnits", rec.units, fixed)
        same("commitmentDuration", rec.commitment, fixed)
        if rec.arn in self.follow_foundation and isinstance(got.get("foundationModelArn"), str):
            rec.foundation_arn = got["foundationModelArn"]  # adopted: what the target says after the change
        check(contract.foundation_arn_ok(got.get("foundationModelArn"), rec.foundation_arn), "CREATE-FOUNDATION-ARN",
              f"foundationModelArn of {who} is {got.get('foundationModelArn')!r}; expected {rec.foundation_arn!r} "
              "(or the same without the model id's version qualifiers)", target=t)
        model_clause = "UPDATE-DESIRED-MODEL-CUSTOM" if rec.last_update == "model" or rec.model_arn != \
            rec.desired_model_arn else "CREATE-RECORD-FIELDS"
        same("desiredModelArn", rec.desired_model_arn, model_clause)

        status = str(got.get("status"))
        status_clause = self.status_clause(rec)
        if rec.pending is None:
            check(status == rec.status, status_clause,
                  f"status of {who} changed from {rec.status} to {status} without a request", target=t)
        else:
            allowed = {"InService", "Failed"}
            if rec.pending == "create" or rec.status == "Creating":
                allowed.add("Creating")
            if rec.updated:
                allowed.add("Updating")
            check(status in allowed, status_clause,
                  f"status of {who} is {status}; expected one of {sorted(allowed)}", target=t)
        settled = status in ("InService", "Failed")
        if status == "Failed":
            check(bool(got.get("failureMessage")), status_clause, f"{who} is Failed without a failureMessage",
                  target=t)
        elif status == "InService":
            same("modelArn", rec.desired_model_arn, model_clause)
        else:  # "desiredModelArn differs from the modelArn if updating hasn't completed": the old model stays
            check(got.get("modelArn") == rec.model_arn, model_clause,
                  f"modelArn of {who} is {got.get('modelArn')!r} while {status}; expected {rec.model_arn!r}, the "
                  f"model it served before the update (desiredModelArn carries {rec.desired_model_arn!r})",
                  target=t)

        created, modified = self.verify_times(rec, got, who, on=on, answer=answer, settled=settled)
        self.verify_commitment(rec, got, who, status=status, created=created)

        rec.creation_time = created
        rec.last_modified = modified
        rec.seen_at = time.monotonic()
        rec.status = status
        self.fresh.add(rec.arn)
        self.involved.add(rec.arn)
        if settled:
            rec.pending = None
            rec.model_arn = got["modelArn"]
            # a modelArn that failed its check above: the model adopts the one the server serves, so that later
            # Gets are not judged as an update in progress (UPDATE-DESIRED-MODEL-CUSTOM) that nobody asked for
            rec.desired_model_arn = rec.model_arn
        self.observe(created, modified)

    def verify_times(self, rec: Record, got: dict[str, Any], who: str, *, on: dict[str, Any], answer: Any,
                     settled: bool) -> tuple[datetime, datetime]:
        """verify(): creationTime never changes, lastModifiedTime never goes back and an update advances it;
        returns (creationTime, lastModifiedTime). ``on`` and ``answer``: what the rules judge (verify's)."""
        t = self.t
        created, modified = utc(got["creationTime"]), utc(got["lastModifiedTime"])
        times = "UPDATE-TIMESTAMPS" if rec.updated else "CREATE-TIMESTAMPS"
        if rec.creation_time is not None:
            check(created == rec.creation_time, times,
                  f"creationTime of {who} changed from {rec.creation_time.isoformat()} to {created.isoformat()}",
                  target=t)
        check(modified >= created, "CREATE-TIMESTAMPS" if not rec.updated else "UPDATE-TIMESTAMPS",
              f"lastModifiedTime {modified.isoformat()} of {who} is before its creationTime {created.isoformat()}",
              target=t)
        if rec.last_modified is not None:
            check(modified >= rec.last_modified, times,
                  f"lastModifiedTime of {who} went back from {rec.last_modified.isoformat()} to "
                  f"{modified.isoformat()}", target=t)
        if settled and rec.floor_pending is not None:
            holds(rules.spec("not_before", on, member="lastModifiedTime", floor=rec.floor_pending),
                  {**answer, "body": {"lastModifiedTime": modified}}, "UPDATE-TIMESTAMPS",
                  message=f"lastModifiedTime of {who} is {modified.isoformat()}, before "
                          f"{rec.floor_pending.isoformat()}, "
                          "a server time seen before the update was sent: the update did not advance it",
                  target=t)
            if rec.advance_past is not None:
                holds(rules.spec("not_before", on, member="lastModifiedTime", floor=rec.advance_past, strictly=True),
                      {**answer, "body": {"lastModifiedTime": modified}}, "UPDATE-TIMESTAMPS",
                      message=f"lastModifiedTime of {who} is {modified.isoformat()}, not after "
                              f"{rec.advance_past.isoformat()}"
                              ", which it showed more than a second before the update was sent: the update "
                              "did not advance it", target=t)
                rec.advance_past = None
            rec.floor_pending = None
        return created, modified

    def verify_commitment(self, rec: Record, got: dict[str, Any], who: str, *, status: str,
                          created: datetime) -> None:
        """verify(): commitmentExpirationTime is there exactly with a commitment, after creationTime, fixed."""
        t = self.t
        expiration = got.get("commitmentExpirationTime")
        if rec.commitment is None:
            check(expiration is None, "CREATE-RECORD-FIELDS",
                  f"{who} has a commitmentExpirationTime but was created without a commitment", target=t)
        elif expiration is not None:
            when = utc(expiration)
            check(when > created, "CREATE-COMMITMENT",
                  f"commitmentExpirationTime {when.isoformat()} of {who} is not after its creationTime",
                  target=t)
            if rec.expiration is not None:
                check(when == rec.expiration, "UPDATE-IMMUTABLE" if rec.updated else "CREATE-COMMITMENT",
                      f"commitmentExpirationTime of {who} changed from {rec.expiration.isoformat()} to "
                      f"{when.isoformat()}", target=t)
            if status != "Creating":
                # open question 6: the term may count from InService, so a value shown while Creating can be a
                # provisional estimate; from InService on it never changes
                rec.expiration = when
        else:
            check(status != "InService" and rec.expiration is None, "CREATE-COMMITMENT",
                  f"{who} has commitmentDuration {rec.commitment} but no commitmentExpirationTime while "
                  f"{status}", target=t)

    def check_tags(self, rec: Record, clause: str | None = None, fetched: Callable[[], Any] | None = None) -> None:
        """ListTagsForResource of ``rec`` agrees with the model (``fetched``: a reader of ``together`` whose call is
        ``tags_call(rec, clause)``)."""
        clause = clause or self.tag_clause(rec)
        answer = fetched() if fetched is not None else self.tags_call(rec, clause)()
        keys = [tag.get("key") for tag in answer.get("tags") or []]
        check(len(keys) == len(set(keys)), "LISTTAGS-KEYS-UNIQUE",
              f"ListTagsForResource of {rec.name} shows the key(s) {sorted({k for k in keys if keys.count(k) > 1})} "
              "more than once", target=self.t)
        tags = contract.tag_dict(answer.get("tags"))
        holds(rules.spec("tags_are", {**on_call(LIST_TAGS, {"resourceARN": rec.arn}), "success": True},
                         want=dict(rec.tags)),
              answer_of(answer), clause,
              message=f"ListTagsForResource of {rec.name} answers {tags}; expected {rec.tags}",
              target=self.t)
        rec.tags = tags  # once the clause already failed: later tag changes are judged from what the target holds

    def tags_call(self, rec: Record, clause: str) -> Callable[[], Any]:
        return functools.partial(ok, self.t, clause, LIST_TAGS, resourceARN=rec.arn)

    def compare(self, first: dict[str, Any], later: dict[str, Any], clause: str, *, what: str,
                rec: Record | None = None) -> None:
        """Every member ``first`` carries agrees with ``later`` (fetched after it). The status may have moved on
        (Creating -> InService/Failed/Updating, Updating -> InService/Failed), and with it lastModifiedTime,
        modelArn and commitmentExpirationTime."""
        before, after = first.get("status"), later.get("status")
        advanced = before != after and before in PENDING_STATUSES and (
            after in ("InService", "Failed") or (before, after) == ("Creating", "Updating"))
        name = first.get("provisionedModelName")
        if rec is not None and name != later.get("provisionedModelName") and name in rec.old_names:
            fail("UPDATE-RENAME", f"{what} still shows the old name {name!r} of {rec.name} "
                 f"(renamed; Get answers {later.get('provisionedModelName')!r})", self.t)
        for member, value in first.items():
            if member == "ResponseMetadata":
                continue
            other = later.get(member)
            if member in TIMESTAMPS and value is not None and other is not None:
                value, other = utc(value), utc(other)
            if value == other:
                continue
            if member == "status" and advanced:
                continue
            if advanced and member in ("modelArn", "modelUnits", "commitmentExpirationTime"):
                continue
            if advanced and member == "lastModifiedTime" and other is not None and other >= value:
                continue
            fail(clause, f"{what}: {member} is {value!r} but Get (after it) answers {other!r}", self.t,
                 first=jsonable(first), get=jsonable(later))

    # -- actions shared by the machines ---------------------------------------------------------------------
    def do_create(self, choice: int, *, foundation_form: bool = False, units: int = 1,
                  tags: dict[str, str] | None = None, use_token: bool = False, word: str = "",
                  commitment: str | None = None) -> Record:
        t = self.t
        model_id, custom = self.model_id_for(choice, foundation_form=foundation_form)
        name = self.new_name(word)
        tag_list = [dict(t.run_tag)] + [{"key": k, "value": v} for k, v in (tags or {}).items()]
        params: dict[str, Any] = {"provisionedModelName": name, "modelId": model_id, "modelUnits": units,
                                  "tags": tag_list}
        token = self.new_token() if use_token else None
        if token:
            params["clientRequestToken"] = token
        if commitment:
            params["commitmentDuration"] = commitment
        created = ok(t, "CREATE-ACCEPTS-VALID", CREATE, **params)
        return self.record_created(params, created, custom=custom, token=token)

    def record_created(self, params: dict[str, Any], created: dict[str, Any], *, custom: bool,
                       token: str | None) -> Record:
        """The model learns a record from its Create request and answer, and checks what Get shows of it."""
        t = self.t
        arn = str(created.get("provisionedModelArn"))
        expect.arn_ok(t, "CREATE-ARN-FORMAT", arn)
        check(arn not in self.records and arn not in self.deleted, "CREATE-ACCEPTS-VALID",
              f"Create of {params['provisionedModelName']} answered the ARN {arn} of an earlier Provisioned "
              "Throughput", target=t)
        rec = self.record_of(params, arn, custom=custom, token=token)
        self.records[arn] = rec
        self.involved.add(arn)
        self.judge_new(rec)
        self.times.append(created_at(rec))
        return rec

    def record_of(self, params: dict[str, Any], arn: str, *, custom: bool, token: str | None) -> Record:
        """The model's record of a Create request whose answer named ``arn``: what Get must show of it."""
        t = self.t
        model_id = params["modelId"]
        full = self.full_model_arn(model_id)
        base = self.customs[model_id] if custom else None
        tags = {tag["key"]: tag["value"] for tag in params.get("tags", []) if tag["key"] != t.run_tag["key"]}
        return Record(arn=arn, name=params["provisionedModelName"], model_id=model_id, model_arn=full,
                      desired_model_arn=full,
                      foundation_arn=contract.foundation_arn(base, self.region) if base else full,
                      units=params["modelUnits"], commitment=params.get("commitmentDuration"),
                      tags={t.run_tag["key"]: t.run_tag["value"], **tags}, purchased_custom=custom,
                      create_params=params, token=token)

    def judge_new(self, rec: Record) -> None:
        """What the target shows of a Provisioned Throughput just created, against its Create request: Get by name
        and by ARN, the record's fields and status, its tags. After a create of the machine's own, or on a billable
        AWS run at the plan's PT the step judging its create adopts (``adopt(judge=True)``)."""
        t = self.t
        arn, name = rec.arn, rec.name
        # by name, then by ARN: either may fail GET-BY-NAME-AND-ARN; the machine goes on with the one that answers
        # its tags are read together with the Get by name (the Get by ARN must come after it: compare), each
        # answer judged where it was before
        read_name, read_tags = self.together(
            functools.partial(self.attempt, "GET-BY-NAME-AND-ARN", GET, (), provisionedModelId=name),
            self.tags_call(rec, "CREATE-TAGS"))
        by_name, _ = read_name()
        by_arn = self.get("GET-BY-NAME-AND-ARN", arn)
        self.by_name_refused = self.by_name_refused or by_name is None  # adopted: resolve by ARN from now on
        if by_name is not None:
            check(by_name.get("provisionedModelArn") == by_arn.get("provisionedModelArn") == arn,
                  "GET-BY-NAME-AND-ARN", f"Get by name answers {by_name.get('provisionedModelArn')}, Get by ARN "
                  f"answers {by_arn.get('provisionedModelArn')}; Create answered {arn}", target=t)
            self.compare(by_name, by_arn, "GET-BY-NAME-AND-ARN", what=f"Get of {name} by name then by ARN")
        expect.record_matches(t, by_arn, name=name, model_id=rec.model_id, units=rec.units,
                              commitment=rec.commitment)
        check(by_arn.get("status") in ("Creating", "InService", "Failed"), "CREATE-LIFECYCLE",
              f"a new Provisioned Throughput is {by_arn.get('status')}; expected Creating or InService",
              target=t)
        self.verify(rec, by_arn)
        self.check_tags(rec, "CREATE-TAGS", read_tags)

    def shared_or_new(self, slot: str, clause: str, *, word: str, tags: dict[str, str] | None = None,
                      use_token: bool = False, settle: bool = True, judge: bool = False) -> Record:
        """A fixed walk's next Provisioned Throughput: on a billable AWS run the plan's shared ``slot``, adopted
        (``adopt``; ``settle`` and ``judge`` are its), elsewhere one this machine creates (one unit of the first
        model, with ``tags`` and a token if ``use_token``). Only this step differs between the two."""
        if self.t.plan is not None:
            return self.adopt(slot, clause, settle=settle, judge=judge)
        return self.do_create(0, tags=tags, use_token=use_token, word=word)

    def adopt(self, slot: str, clause: str, *, settle: bool = True, judge: bool = False) -> Record:
        """A billable AWS run: take the plan's shared Provisioned Throughput ``slot``
        (conformance.drivers.plan) as a record of the model instead of creating one. The first machine to
        adopt it learns it from the plan's create request (its name, model, units, tags, token) and judges Get
        and its tags against that, as after a create of its own; a later one (earlier steps renamed or changed
        it) learns it from what the target holds now. The plan owns its lifetime: teardown never deletes an
        adopted record; the slot's scheduled deleting step deletes it with ``do_delete``. ``settle``: wait
        until it is InService or Failed first (conformance.drivers.plan.Plan.take). ``judge``: the step that
        carries the slot's create clauses (conformance.targets.aws.SCHEDULE) judges it as a create of its own
        (``judge_new``, the plan's create answer's ARN included), whoever adopted it first."""
        t = self.t
        if t.plan is None:
            raise RuntimeError("adopt() takes a shared Provisioned Throughput of a billable AWS run's plan")
        entry = t.plan.take(slot, clause, settle=settle)
        first, entry.adopted = not entry.adopted, True
        params = dict(entry.params)  # the plan's create request: the run's tag is among its tags
        arn = entry.arn
        got = ok(t, clause, GET, provisionedModelId=arn)
        if not first and (got.get("status") == "Updating" or (settle and got.get("status") in PENDING_STATUSES)):
            got = expect.wait_settled(t, clause, arn)  # an update an earlier step left: the model starts after it
        rec = self.record_of(params, arn, custom=params["modelId"] in self.customs,
                             token=params.get("clientRequestToken"))
        self.records[arn] = rec
        self.adopted.add(arn)
        self.involved.add(arn)
        if judge:
            expect.arn_ok(t, "CREATE-ARN-FORMAT", arn)
            self.judge_new(rec)
        elif first:
            self.verify(rec, got)
            self.check_tags(rec, "CREATE-TAGS")
        else:  # what the target holds now is the model's start: no verdict on what earlier steps left
            name = str(got.get("provisionedModelName"))
            if name != rec.name:
                rec.old_names.append(rec.name)
                rec.name = name
            rec.model_arn, rec.desired_model_arn = str(got.get("modelArn")), str(got.get("desiredModelArn"))
            rec.foundation_arn = str(got.get("foundationModelArn"))
            rec.units = int(got.get("desiredModelUnits") or rec.units)
            rec.status = str(got.get("status"))
            rec.pending = "create" if rec.status == "Creating" else None
            rec.creation_time, rec.last_modified = utc(got["creationTime"]), utc(got["lastModifiedTime"])
            rec.seen_at = time.monotonic()
            rec.tags = contract.tag_dict(ok(t, clause, LIST_TAGS, resourceARN=arn).get("tags"))
            self.observe(rec.creation_time, rec.last_modified)
            self.fresh.add(arn)
        self.times.append(created_at(rec))
        return rec

    def wait_past(self, rec: Record) -> None:
        """Sleep until more than a second has passed since the Get that last showed ``rec`` (UPDATE-TIMESTAMPS on a
        clock of any resolution): the next accepted update must then advance lastModifiedTime past the one it
        showed, not merely keep it."""
        if rec.seen_at is not None:
            time.sleep(max(0.0, rec.seen_at + 1.05 - time.monotonic()))
        rec.advance_past = rec.last_modified

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
        expect.wait_gone(t, rec.arn)  # unsettled how soon (U-5): a short poll before the verdict
        gone = functools.partial(refused, t, "DELETE-GONE",
                                 codes=NOT_FOUND)  # every call after the delete: 404
        # the reads go out together (each judged where it was); the changes the target must refuse, one at a time
        idents = (rec.arn, *((rec.name,) if self.sole(rec) else ()))  # a shared name: the server's guess
        *get_idents, read_tags, read_listed = self.together(
            *(functools.partial(gone, GET, client=t.sdk, provisionedModelId=ident) for ident in idents),
            functools.partial(gone, LIST_TAGS, client=t.sdk, resourceARN=rec.arn),
            functools.partial(expect.list_all, t, "DELETE-GONE", nameContains=rec.name))
        for get_ident in get_idents:
            get_ident()
        gone(UPDATE, client=t.sdk, provisionedModelId=rec.arn,
             desiredProvisionedModelName=self.new_name("gone"))
        gone(DELETE, client=t.sdk, provisionedModelId=rec.arn)
        read_tags()
        gone(TAG, client=t.sdk, resourceARN=rec.arn, tags=[{"key": "a", "value": "b"}])
        gone(UNTAG, client=t.sdk, resourceARN=rec.arn, tagKeys=["a"])
        listed = read_listed()
        holds(rules.spec("not_listed", {"pages": {"nameContains": rec.name}}, arn=rec.arn), _pages(listed),
              "DELETE-GONE", message=f"the deleted {rec.name} ({rec.arn}) is still listed", target=t)

    def listed_with_name(self, clause: str, name: str) -> list[dict[str, Any]]:
        return [s for s in expect.list_all(self.t, clause, nameContains=name) if s.get("provisionedModelName") == name]

    def do_delete(self, rec: Record, *, by_name: bool = False) -> None:
        t = self.t
        ident = self.ident(rec, by_name=by_name)
        if rec.commitment:
            self.settle(rec)
            if rec.expiration is not None and self.floor is not None and rec.expiration > self.floor:
                # the clause: a documented 4xx, any but ResourceNotFoundException (the record stays)
                code = refused(t, "DELETE-COMMITMENT-REFUSED", DELETE, codes=tuple(
                    c for c in documented_refusals("DeleteProvisionedModelThroughput")
                    if c not in NOT_FOUND), client=t.sdk, provisionedModelId=ident, accepted=lambda _: None)
                if code:
                    self.verify(rec, self.get("DELETE-COMMITMENT-REFUSED", rec.arn))
                else:  # accepted (the clause failed): the model adopts the delete, judged as any delete
                    self.gone(rec)
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
        check(response_body(answer) == {}, "DELETE-GONE",
              f"Delete of {rec.name} answered {response_body(answer)}; expected {{}}", target=t)
        self.gone(rec)

    def do_rename(self, rec: Record, *, word: str, by_name: bool = False) -> None:
        """UPDATE-RENAME: the new name resolves, the old one answers 404, List shows the new name only."""
        t = self.t
        old, new = rec.name, self.new_name(word)
        params = {"provisionedModelId": self.ident(rec, by_name=by_name), "desiredProvisionedModelName": new}
        floor = self.floor
        if rec.pending is None and rec.status == "InService":
            ok(t, "UPDATE-RENAME", UPDATE, **params)
        else:  # open question 4: an update outside InService; success or a documented 4xx
            answer, _ = self.attempt("UPDATE-RENAME", UPDATE, documented_refusals(
                "UpdateProvisionedModelThroughput"), **params)
            if answer is None:
                self.verify(rec, self.get("UPDATE-RENAME", rec.arn))
                return
        self.renamed(rec, new, floor)
        got = None
        if not self.by_name_refused:
            got, _ = self.attempt("UPDATE-RENAME", GET, NOT_FOUND, provisionedModelId=new)
        if got is None:  # the new name may only take effect when an Updating phase ends (undocumented)
            settled = expect.wait_settled(t, "UPDATE-RENAME", rec.arn)
            self.verify(rec, settled)
            got = self.resolve("UPDATE-RENAME", rec, new)
        check(got.get("provisionedModelArn") == rec.arn, "UPDATE-RENAME",
              f"after renaming {old} to {new}, Get {new} answers {got.get('provisionedModelArn')}, not "
              f"{rec.arn}", target=t)
        # the new name answers: the reads of both names go out together, each judged where it was before (the old
        # name answers 404: name_gone, which knows the names the model shares or cannot Get)
        old_gone, list_new, list_old = self.together(
            functools.partial(self.name_gone, rec, old),
            *(functools.partial(expect.list_all, t, "UPDATE-RENAME", nameContains=n) for n in (new, old)))
        old_gone()
        self.verify(rec, got)
        listed = list_new()
        holds(rules.spec("listed", {"pages": {"nameContains": new}}, arn=rec.arn, name=new), _pages(listed),
              "UPDATE-RENAME",
              message=f"after renaming {old} to {new}, List (nameContains={new}) does not show it", target=t)
        others = {r.arn for r in self.holders(old)}  # an accepted duplicate: another record keeps the name
        stale = [s for s in list_old() if s.get("provisionedModelName") == old
                 and s.get("provisionedModelArn") not in others]
        holds(rules.spec("not_listed", {"pages": {"nameContains": old}}, name=old), _pages(stale), "UPDATE-RENAME",
              message=f"after renaming {old} to {new}, List still shows the old name", target=t,
              listed=jsonable(stale))

    @step
    def act(self, action: Callable[[], Any]) -> Any:
        """Run one action as a step (fixed walks: conformance.drivers.stateful.runner.walk)."""
        return action()

    # -- rules every machine has ----------------------------------------------------------------------------
    @precondition(lambda self: self.creates)
    @rule(choice=INDEX, foundation_form=st.booleans(), units=st.integers(1, 3), tags=TAGS,
          use_token=st.booleans(), word=WORD)
    @step
    def create(self, choice: int, foundation_form: bool, units: int, tags: dict[str, str], use_token: bool,
               word: str) -> None:
        if len(self.records) < self.max_live:
            self.do_create(choice, foundation_form=foundation_form, units=units, tags=tags, use_token=use_token,
                           word=word)

    @rule(index=INDEX)
    @step
    def wait_for_settled(self, index: int) -> None:
        rec = self.pick([r for r in self.live() if r.pending], index)
        if rec:
            self.settle(rec)

    @precondition(lambda self: self.deletes)
    @rule(index=INDEX, by_name=st.booleans())
    @step
    def delete(self, index: int, by_name: bool) -> None:
        if len(self.records) >= self.min_live_to_delete:
            self.do_delete(self.pick(self.live(), index), by_name=by_name)

    @invariant()
    @step
    def records_agree_with_get(self) -> None:
        """After every step: every live record agrees with Get (other records included: a change must not leak
        to them); the tags of the records the step touched agree with ListTagsForResource."""
        # the step itself already checked a Get answered after its last change of the fresh ones
        stale = [rec for rec in self.live() if rec.arn not in self.fresh]
        touched = [rec for rec in self.live() if rec.arn in self.touched]
        # the Gets and the ListTags go out together; a Get that fails ends the step before any verdict on them
        reads = self.together(*(functools.partial(self.get, "GET-BY-NAME-AND-ARN", rec.arn) for rec in stale),
                              *(self.tags_call(rec, self.tag_clause(rec)) for rec in touched))
        gets = reads[:len(stale)]
        for read in gets:
            read()
        for rec, read in zip(stale, gets):
            self.verify(rec, read())
        for rec, read in zip(touched, reads[len(stale):]):
            self.check_tags(rec, fetched=read)
        self.touched.clear()
        self.fresh.clear()

    # -- cleanup --------------------------------------------------------------------------------------------
    def teardown(self) -> None:
        """Delete what this run created and is still alive (never an adopted record: the plan's); never raise (a
        failing step's error wins)."""
        for rec in [*self.records.values(), *self.lost.values()]:
            # the plan's: conformance.drivers.plan deletes it at its scheduled step
            if rec.arn in self.adopted:
                continue
            try:
                self._delete_quietly(rec)
            except Exception:  # noqa: BLE001, S110 - the session cleanup tries again
                pass
        self.records.clear()
        self.lost.clear()

    def _delete_quietly(self, rec: Record) -> None:
        for attempt in range(2):
            try:
                self.t.sdk.delete_provisioned_model_throughput(provisionedModelId=rec.arn)
                self.t.forget(rec.arn)
                return
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code")
                if code == "ResourceNotFoundException":
                    self.t.forget(rec.arn)
                    return
                if rec.commitment:
                    # A commitment term can't be cut short: it stays tracked, so that the session's cleanup
                    # names it when the target outlives the run.
                    return
                if attempt == 0 and rec.pending:  # refused while Creating/Updating: wait, then once more
                    expect.wait_settled(self.t, "DELETE-GONE", rec.arn)


