"""The stateful lifecycle machines (conformance.drivers.stateful): random call sequences checked against a
model.

Each test runs one machine with the active profile's stateful example and step counts. A failure names one
clause and carries a boto3 script replaying the shortest failing sequence (``reproducer``).
"""

from __future__ import annotations

import pytest

from conformance.drivers import stateful

# its tests need only the target: they run side by side with the others (conformance.session.sidebyside)
SIDE_BY_SIDE = True

CREATE_CLAUSES = ("CREATE-ACCEPTS-VALID", "CREATE-ARN-FORMAT", "CREATE-RECORD-FIELDS", "CREATE-FOUNDATION-ARN",
                  "CREATE-LIFECYCLE", "CREATE-TIMESTAMPS", "CREATE-TAGS", "GET-BY-NAME-AND-ARN", "DELETE-GONE")
LIFECYCLE_CLAUSES = CREATE_CLAUSES + (
    "CREATE-IDEMPOTENT", "CREATE-NAME-UNIQUE", "UPDATE-RENAME", "UPDATE-RENAME-DUPLICATE",
    "UPDATE-DESIRED-MODEL-BASE", "UPDATE-TIMESTAMPS", "UPDATE-IMMUTABLE", "UPDATE-EMPTY", "TAG-ADD",
    "UNTAG-REMOVE", "TAG-LIMIT", "LISTTAGS-KEYS-UNIQUE")
COMMITMENT_CLAUSES = ("CREATE-COMMITMENT", "DELETE-COMMITMENT-REFUSED")
LIST_CLAUSES = (
    "LIST-PAGINATION-COMPLETE", "LIST-MAXRESULTS", "LIST-LAST-PAGE", "LIST-GARBAGE-TOKEN", "LIST-FILTER-STATUS",
    "LIST-FILTER-MODEL", "LIST-FILTER-NAME", "LIST-FILTER-TIME", "LIST-FILTER-COMBINED", "LIST-SORT-ORDER",
    "LIST-SORT-DEFAULT", "LIST-SUMMARY-MATCHES-GET") + CREATE_CLAUSES + (
    "UPDATE-RENAME", "UPDATE-TIMESTAMPS", "UPDATE-IMMUTABLE")


@pytest.mark.clause(*LIFECYCLE_CLAUSES)
def test_lifecycle(target):
    stateful.run(stateful.LifecycleMachine, target)


@pytest.mark.clause(*LIFECYCLE_CLAUSES, "UPDATE-DESIRED-MODEL-CUSTOM")
def test_custom_model_lifecycle(target):
    if not target.custom_models:
        pytest.skip("the target names no custom models (settings: custom_models)")
    stateful.run(stateful.CustomModelMachine, target)


@pytest.mark.clause(*LIST_CLAUSES)
def test_list(target):
    # AWS (billable): bounded over the plan's two Provisioned Throughputs, no creates
    # (conformance.targets.aws.SCHEDULE)
    stateful.run(stateful.PlannedListMachine if target.plan is not None else stateful.ListMachine, target)


@pytest.mark.clause(*LIFECYCLE_CLAUSES, *COMMITMENT_CLAUSES)
def test_commitment_lifecycle(target, request):
    if target.settings.kind.billable:
        pytest.skip("commitment terms are never bought on real AWS (emulators only)")
    from conformance.session import run as runmod

    state = request.config.stash.get(runmod.STATE, None)
    if state is not None and state.skip_reason(list(COMMITMENT_CLAUSES)):
        pytest.skip("the commitment clauses are not selected")
    stateful.run(stateful.CommitmentMachine, target)
