"""Running against real AWS without surprise bills or leftovers.

- ``--target aws`` runs free clauses only. Billable clauses need ``--allow-billable`` and then stay inside hard
  caps (modelUnits 1, never a commitmentDuration, at most ``max_live`` alive at once, ``budget_seconds`` of
  wall clock); the run prints what it may create and an hourly estimate, and asks unless ``--yes``.
- Commitment clauses never run against AWS.
- ``sweep`` lists (and with ``--delete`` removes) only what carries both the run name prefix and the run tag.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

from conformance.catalogue.settings import RUN_TAG_KEY, Settings

# Hourly on-demand (no-commitment) price per model unit, USD, for planning only. Sources: the Amazon Bedrock
# pricing page's Provisioned Throughput tables as summarised in the team's contract notes; prices change, so
# the estimate says its date and the page to check. Unknown models use the conservative fallback.
PRICES_AS_OF = "2026-11-27 (check https://aws.amazon.com/bedrock/pricing/ before you run)"
HOURLY_PER_MODEL_UNIT = {
    "amazon.titan-text-express-v1:0:8k": 20.50,
    "amazon.titan-text-lite-v1:0:4k": 7.10,
    "amazon.titan-embed-text-v1:2:8k": 6.40,
    "anthropic.claude-instant-v1:2:100k": 44.00,
    "anthropic.claude-v2:1:200k": 70.00,
    "meta.llama2-13b-chat-v1:0:4k": 21.18,
    "cohere.command-text-v14:7:4k": 49.50,
}
FALLBACK_HOURLY = 100.0
MINIMUM_BILLED_HOURS = 1  # a no-commitment Provisioned Throughput is billed at least about one hour
# Concurrency clauses (conformance.suite.test_concurrency): creates sent at once on AWS (4 on emulators). Each
# counts in max_live: the guard reserves a slot per create in flight.
PARALLEL_ON_AWS = 2


class BillableRefused(Exception):
    """A request that could cost money was stopped before it left the process."""


@dataclass
class BillableGuard:
    """Checks every Create before it is sent to AWS. Never lets a commitment through, whatever the flags."""

    settings: Settings
    live: Callable[[], int]
    started: float = 0.0
    # clientRequestTokens of creates the target accepted: a retry with one creates nothing on a conformant server
    # (CREATE-IDEMPOTENT), so it passes the live cap; should it create, cleanup deletes it like any other.
    accepted_tokens: Callable[[], set[str]] = set
    in_flight: int = 0  # creates sent and not answered yet: they count in max_live too
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def check_create(self, body: bytes | str | None) -> None:
        raw = body.encode() if isinstance(body, str) else (body or b"")
        try:
            params = json.loads(raw) if raw.strip() else {}
        except ValueError:
            params = {}
        if b"commitmentDuration" in raw or (isinstance(params, dict) and "commitmentDuration" in params):
            raise BillableRefused("commitmentDuration is never sent to AWS")
        if not self.settings.allow_billable:
            raise BillableRefused("no create request is sent to AWS without --allow-billable")
        if isinstance(params, dict) and params.get("modelUnits") not in (1, None):
            raise BillableRefused(f"modelUnits {params.get('modelUnits')!r} exceeds the cap of 1 on AWS")
        token = params.get("clientRequestToken") if isinstance(params, dict) else None
        token = token if isinstance(token, str) else None
        if not self.started:
            self.started = time.monotonic()
        elif time.monotonic() - self.started > self.settings.budget_seconds:
            raise BillableRefused(f"the billable budget of {self.settings.budget_seconds:.0f}s is spent")
        with self._lock:  # parallel creates: the check and the reservation are one step
            retry = bool(token and token in self.accepted_tokens())
            if self.live() + self.in_flight >= self.settings.max_live and not retry:
                raise BillableRefused(f"{self.settings.max_live} Provisioned Throughputs are alive or being "
                                      "created: the cap (max_live) is reached")
            self.in_flight += 1

    def answered(self) -> None:
        """A create got its answer (its ARN, if any, now counts in live())."""
        with self._lock:
            self.in_flight = max(0, self.in_flight - 1)

    def room(self) -> int:
        """How many more creates max_live allows now."""
        with self._lock:
            return self.settings.max_live - self.live() - self.in_flight


# -- the billable schedule ----------------------------------------------------------------------------------
# A create on AWS stays Creating for 15-30 minutes (docs/aws.md) and bills at least an hour, so a billable run is
# a fixed schedule over at most max_live shared Provisioned Throughputs ("slots"), created at the start while the
# free clauses run. Each billable test of the schedule names the slots it uses and the slot it deletes last;
# a clause family that needs its own creates (e.g. concurrency) registers a Step with ``own_creates``: it runs
# after the shared slots are deleted, its creates counted against max_live like every other.
SLOT_HINTS = {"pt1": "p-b", "pt2": "p-a"}  # names ...-p-b1 / ...-p-a2: name order is not creation order
CREATE_MINUTES = (15, 30)  # how long a create stays Creating on AWS (planning figure, docs/aws.md)
STEP_MINUTES = 2  # the calls of one scheduled test, throttling included (planning figure)


@dataclass(frozen=True)
class Step:
    """One billable test of the plan: the shared slots it uses, the one it deletes, creates of its own."""

    test: str  # the test function's name
    uses: tuple[str, ...] = ()
    deletes: str | None = None
    own_creates: int = 0  # PTs it creates and deletes itself (all alive at once at most)
    probes: int = 0  # create requests it sends that a conformant server refuses or answers without creating
    carries: str = ""


SCHEDULE: list[Step] = [
    Step("test_idempotency", uses=("pt2",), probes=1, carries="idempotency (a retry with the same token)"),
    Step("test_list", uses=("pt1", "pt2"), carries="list filters, sort orders, pagination over two (the list "
         "state machine, bounded: it adopts the two PTs and creates nothing)"),
    Step("test_update_walk", uses=("pt1", "pt2"), carries="rename, rename onto a live name, desiredModelId on a "
         "base model, an empty update, timestamps, fields unchanged by updates"),
    Step("test_create_get_delete", uses=("pt2",), deletes="pt2", carries="get by name and ARN, record fields, "
         "lifecycle, delete, not-found after delete"),
    Step("test_uniqueness_and_unknown_model", uses=("pt1",), probes=2,
         carries="uniqueness (a create with PT 1's live name), unknown model"),
    Step("test_tags_walk", uses=("pt1",), deletes="pt1", probes=1, carries="tags at create (by the first step "
         "to adopt PT 1), tag, untag, the 50-tag limit, too many tags at create, delete, tagging after delete"),
]
# Billable tests the plan does not run on AWS, with the reason (their clauses are judged by the steps above).
NOT_PLANNED = {
    "test_lifecycle": "the lifecycle state machine creates at random: not in the AWS plan (its clauses are "
                      "judged by the plan's fixed walks)",
    "test_custom_model_lifecycle": "needs Provisioned Throughputs of a custom model: not in the AWS plan",
    "test_custom_model_walk": "needs a Provisioned Throughput of a custom model: not in the AWS plan",
    "test_cross_base_update": "needs a Provisioned Throughput of a custom model: not in the AWS plan",
}


def register_step(step: Step, *, before: str | None = None) -> None:
    """A clause family adds its billable test to the plan (before ``before``, else at the end)."""
    if any(s.test == step.test for s in SCHEDULE):
        raise ValueError(f"{step.test} is in the plan already")
    index = next((i for i, s in enumerate(SCHEDULE) if s.test == before), len(SCHEDULE))
    SCHEDULE.insert(index, step)


def step_of(test: str) -> Step | None:
    return next((s for s in SCHEDULE if s.test == test), None)


# -- concurrency clauses: each burst creates (and deletes) Provisioned Throughputs of its own ----------------------
# PARALLEL_ON_AWS creates at once, each holding a max_live slot while in flight. own_creates counts what a conformant
# server creates; the other requests of a burst are probes (refused, or answered with the same ARN).
for _step in (
    Step("test_create_name_unique_concurrent", own_creates=1, probes=PARALLEL_ON_AWS - 1,
         carries=f"CREATE-NAME-UNIQUE-CONCURRENT: {PARALLEL_ON_AWS} creates of one name at once, one wins"),
    Step("test_create_idempotent_concurrent", own_creates=1, probes=PARALLEL_ON_AWS - 1,
         carries=f"CREATE-IDEMPOTENT-CONCURRENT: {PARALLEL_ON_AWS} identical creates with one token at once"),
    Step("test_create_token_reuse_other_params", uses=("pt2",), probes=1,
         carries="CREATE-TOKEN-REUSE-OTHER-PARAMS: PT 2's token reused with another name creates nothing"),
    Step("test_tag_concurrent", uses=("pt2",),
         carries=f"TAG-CONCURRENT: {PARALLEL_ON_AWS} TagResource calls with different keys on PT 2 at once, "
                 "untagged after"),
    Step("test_no_5xx_under_load", own_creates=PARALLEL_ON_AWS,
         carries=f"API-NO-5XX-UNDER-LOAD: {PARALLEL_ON_AWS} workers at once, each create, get, list, tag, "
                 "untag, delete"),
):
    register_step(_step, before="test_create_get_delete" if "pt2" in _step.uses else None)


# Issue 24: clauses from the evidence of real AWS runs (conformance.suite.test_evidence) walk PT 1 before the tags walk
# deletes it: tags with an empty value and case-differing keys, the reserved aws: prefix, a rename that keeps the ARN.
NOT_PLANNED["test_quota_refusal_creates_nothing"] = (
    "a create past the quota is never sent to AWS (modelUnits is capped at 1): not in the AWS plan (on an account "
    "without model units the plan's first create is judged instead)")
NOT_PLANNED["test_failed_pt_walk"] = (
    "AWS gives no way to make a create end Failed: not in the AWS plan (DELETE-FAILED is judged on targets that "
    "name failing_models)")
register_step(Step("test_evidence_walk", uses=("pt1",), carries="an empty tag value, tag keys that differ in case, "
                   "the aws: prefix, a rename that keeps the ARN"), before="test_tags_walk")


@dataclass(frozen=True)
class Estimate:
    slots: tuple[str, ...]
    creates: int  # Provisioned Throughputs created
    create_requests: int  # creates sent, probes included
    most_alive: int
    minutes: tuple[int, int]  # expected wall clock, low and high
    pt_hours: float  # billed model-unit hours (at least one hour per PT)
    hourly: float  # at most, while the most are alive


def estimate(settings: Settings, steps: list[Step] | None = None) -> Estimate:
    """What the plan (or the selected part of it) creates, how long it takes and how many PT-hours it bills."""
    steps = SCHEDULE if steps is None else steps
    slots = tuple(s for s in SLOT_HINTS if any(s in step.uses for step in steps))
    shared = min(len(slots), settings.max_live)
    # Rounds of creation: the shared slots together (or one by one when max_live is smaller), then each step
    # with creates of its own.
    rounds = (1 if shared >= len(slots) else len(slots)) if slots else 0
    own = [step.own_creates for step in steps if step.own_creates]
    rounds += len(own)
    # The high end waits every round out to the create timeout (3600 s on aws: settings.AWS_CREATE_TIMEOUT).
    create_high = max(CREATE_MINUTES[1], round(settings.create_timeout / 60))
    low = rounds * CREATE_MINUTES[0] + len(steps) * STEP_MINUTES
    high = rounds * create_high + len(steps) * STEP_MINUTES * 2
    lifetime_hours = max(MINIMUM_BILLED_HOURS, (high + 1) / 60)  # a shared PT lives through the whole run
    own_hours = max(MINIMUM_BILLED_HOURS, (create_high + 2 * STEP_MINUTES) / 60)
    pt_hours = len(slots) * lifetime_hours + sum(own) * own_hours
    price = hourly_price(settings)
    most = max([shared, *own]) if (slots or own) else 0
    return Estimate(slots=slots, creates=len(slots) + sum(own),
                    create_requests=len(slots) + sum(own) + sum(s.probes for s in steps),
                    most_alive=min(most, settings.max_live), minutes=(low, high), pt_hours=round(pt_hours, 2),
                    hourly=price * most)


def hourly_price(settings: Settings) -> float:
    """The highest hourly price per model unit of the run's models (the fallback for an unknown one)."""
    return max((HOURLY_PER_MODEL_UNIT.get(m, FALLBACK_HOURLY) for m in settings.models), default=FALLBACK_HOURLY)


def describe_schedule(settings: Settings, steps: list[Step] | None = None, notes: tuple[str, ...] = ()) -> str:
    """What a billable run creates, in which order, how long it takes and what it may cost."""
    steps = SCHEDULE if steps is None else steps
    est = estimate(settings, steps)
    price = hourly_price(settings)
    model = settings.models[0] if settings.models else "the model the preflight chooses"
    lines = [
        "bedrock-conformance: billable run against real AWS",
        *(f"  {note}" for note in notes),
        f"  plan: {est.creates} no-commitment Provisioned Throughput(s), 1 model unit each, at most "
        f"{est.most_alive} alive at once (max_live {settings.max_live}), of {model}; "
        f"{est.create_requests} create requests in all (the others are retries and refusals that create nothing)",
    ]
    for slot in est.slots:
        carried = [step.carries for step in steps if slot in step.uses and step.carries]
        lines.append(f"    {slot.upper().replace('PT', 'PT ')}: " + "; ".join(carried))
    for step in steps:
        if step.own_creates:
            lines.append(f"    {step.test}: {step.own_creates} of its own, after the shared ones are deleted: "
                         f"{step.carries}")
    lines += [
        "  the state machines: the list machine runs bounded over PT 1 and PT 2 (no creates of its own); the "
        "lifecycle, custom-model and commitment machines are skipped on AWS",
        f"  expected duration: {est.minutes[0]}-{est.minutes[1]} minutes (a create stays Creating "
        f"{CREATE_MINUTES[0]}-{CREATE_MINUTES[1]} minutes, waited for up to create_timeout "
        f"{settings.create_timeout:.0f}s; the free clauses run meanwhile)",
        f"  estimated cost: about {est.pt_hours:g} PT-hours, ${est.pt_hours * price:,.2f} (at most "
        f"${est.hourly:,.2f} per hour while they live, at least {MINIMUM_BILLED_HOURS} hour billed each; prices "
        f"as of {PRICES_AS_OF}"
        + ("" if model in HOURLY_PER_MODEL_UNIT else f"; no price known for {model}: the conservative "
           f"${FALLBACK_HOURLY:,.0f} per model-unit hour") + ")",
        f"  names start with '{settings.name_prefix}<run id>-' and carry the tag bedrock-conformance-run",
        f"  wall-clock budget: {settings.budget_seconds:.0f}s; never a commitment term",
    ]
    if settings.budget_seconds < est.minutes[1] * 60:
        lines.append(f"  warning: the budget is shorter than the plan may take ({est.minutes[1]} minutes): the steps "
                     f"after it is spent are skipped with that reason; --budget-seconds {est.minutes[1] * 60} "
                     "covers the whole plan")
    lines += [
        "  everything it creates is deleted at the end, on failure, Ctrl-C and SIGTERM; "
        "`bedrock-conformance sweep --target aws --delete` removes leftovers of a killed run",
    ]
    return "\n".join(lines)


def confirm(settings: Settings, *, assume_yes: bool, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout,
            notes: tuple[str, ...] = ()) -> bool:
    """Print the plan (after the preflight's ``notes``: the model chosen and why, the quota) and ask."""
    stdout.write(describe_schedule(settings, notes=notes) + "\n")
    if assume_yes:
        return True
    if stdin is None or not stdin.isatty():
        stdout.write("bedrock-conformance: not confirmed (no terminal to ask; pass --yes to confirm)\n")
        return False
    stdout.write("Proceed? [y/N] ")
    stdout.flush()
    return stdin.readline().strip().lower() in ("y", "yes")


def leftovers(target: Any) -> list[dict[str, Any]]:
    """Provisioned Throughputs with both the name prefix and the run tag: what earlier runs left."""

    found = []
    paginator_token = None
    while True:
        params: dict[str, Any] = {"nameContains": target.settings.name_prefix}
        if paginator_token:
            params["nextToken"] = paginator_token
        page = target.sdk.list_provisioned_model_throughputs(**params)
        for summary in page.get("provisionedModelSummaries", []):
            if not summary["provisionedModelName"].startswith(target.settings.name_prefix):
                continue
            tags = target.sdk.list_tags_for_resource(resourceARN=summary["provisionedModelArn"]).get("tags", [])
            run = next((t["value"] for t in tags if t["key"] == RUN_TAG_KEY), None)
            if run is not None and summary["provisionedModelName"].startswith(target.settings.name_prefix + run):
                found.append({**summary, "run": run})
        paginator_token = page.get("nextToken")
        if not paginator_token:
            return found
