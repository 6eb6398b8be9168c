"""The stateful lifecycle machines: the semantics no shape check can see.

Hypothesis ``RuleBasedStateMachine`` s drive random sequences of Create, Get, List, Update, Delete,
TagResource, UntagResource and ListTagsForResource against a target, keep their own model of what the target
must hold (written from the contract: docs/contract.md and conformance.catalogue.contract, never from the
reference emulator), and check the target against that model after every step.

- ``ProvisionedThroughputMachine``: the model, the shared actions (create, adopt one of the billable plan's shared
  Provisioned Throughputs instead of creating, delete, rename, wait for a record to settle) and the rules every
  machine has; the invariant "every live record agrees with Get, and the tags of the
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
``ConformanceFailure`` escapes a step, ``failure.reproducer`` gets a boto3 script taking the steps of the current
machine run its check needs, then the check (conformance.report.reproducer). Hypothesis shrinks before the final
raise, so the script comes from the minimal sequence.

Modules: ``common`` (operation names, strategies, helpers), ``calllog`` (the call log and the reproducer script),
``model`` (the records the target must hold), ``base`` (the base machine: shared actions, the check of a Get
answer, the invariant), ``machines`` (the
lifecycle, custom-model and commitment machines), ``listquery`` (one List query and its expectations),
``listmachine`` (the List machine) and ``runner`` (running a machine from a test). Imports point down that list.
"""

from __future__ import annotations

from conformance.catalogue.clauses import ConformanceFailure
from conformance.drivers.stateful.base import ProvisionedThroughputMachine
from conformance.drivers.stateful.calllog import Call, CallLog, step
from conformance.drivers.stateful.common import documented_refusals
from conformance.drivers.stateful.listmachine import ListMachine, PlannedListMachine
from conformance.drivers.stateful.listquery import Query, match_one, matches, summary_fails
from conformance.drivers.stateful.machines import CommitmentMachine, CustomModelMachine, LifecycleMachine
from conformance.drivers.stateful.model import Record, Snapshot
from conformance.drivers.stateful.runner import machine_settings, run, walk

__all__ = [
    "Call", "CallLog", "CommitmentMachine", "ConformanceFailure", "CustomModelMachine", "LifecycleMachine",
    "ListMachine", "PlannedListMachine", "ProvisionedThroughputMachine", "Query", "Record", "Snapshot",
    "documented_refusals", "machine_settings", "match_one", "matches", "run", "step", "summary_fails", "walk",
]
