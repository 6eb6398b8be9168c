"""Self-tests of the stateful machines against the reference emulator: they pass on it (with and without status
delays), they clean up, each catches a sample of the emulator's faults under the right clause, and the reproducer
they attach replays the failure."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings

from conformance.catalogue.clauses import ConformanceFailure
from conformance.catalogue.settings import Settings
from conformance.drivers import stateful
from conformance.session.run import interesting_exception
from conformance.targets.target import Target, open_target

ROOT = Path(__file__).resolve().parents[1]
MACHINES = [stateful.LifecycleMachine, stateful.CustomModelMachine, stateful.CommitmentMachine,
            stateful.ListMachine]


def short(examples: int = 4, steps: int = 12) -> settings:
    return settings(max_examples=examples, stateful_step_count=steps, deadline=None, database=None,
                    derandomize=True, suppress_health_check=list(HealthCheck), print_blob=False,
                    phases=[p for p in Phase if p is not Phase.explain])


@pytest.fixture
def make_target() -> Any:
    opened: list[Target] = []

    def make(**values: Any) -> Target:
        target = open_target(Settings(target="reference", **values))
        opened.append(target)
        return target

    yield make
    for target in opened:
        target.close()


def failure_of(run: Callable[[], None]) -> ConformanceFailure:
    with pytest.raises(BaseException) as info:
        run()
    failure = interesting_exception(info.value)
    assert isinstance(failure, ConformanceFailure), repr(info.value)
    return failure


@pytest.mark.parametrize("machine", MACHINES, ids=lambda m: m.__name__)
def test_passes_on_the_reference_and_cleans_up(make_target, machine):
    target = make_target()
    stateful.run(machine, target, short())
    alive = [arn for arn, live in target.created.items() if live]
    # only an unexpired commitment term may stay, still tracked for the session's cleanup to name it
    terms = [arn for arn in alive
             if target.sdk.get_provisioned_model_throughput(provisionedModelId=arn).get("commitmentDuration")]
    assert alive == terms, "the machine left Provisioned Throughputs behind"
    assert target.create_requests > 0


@pytest.mark.parametrize("machine", MACHINES, ids=lambda m: m.__name__)
def test_passes_with_status_delays(make_target, machine):
    stateful.run(machine, make_target(create_delay=0.15, update_delay=0.15, poll_interval=0.02), short(2, 10))


FAULTS = [
    ("list-page-loses-item", stateful.ListMachine, "LIST-PAGINATION-COMPLETE", {}),
    ("list-sort-ignored", stateful.ListMachine, "LIST-SORT-ORDER", {}),
    ("list-ignores-time-filters", stateful.ListMachine, "LIST-FILTER-TIME", {}),
    ("list-token-ignored", stateful.ListMachine, "LIST-PAGINATION-COMPLETE", {}),
    ("list-summary-stale-status", stateful.ListMachine, "LIST-SUMMARY-MATCHES-GET", {"create_delay": 0.3}),
    ("rename-list-stale", stateful.LifecycleMachine, "UPDATE-RENAME", {}),
    ("update-keeps-last-modified", stateful.LifecycleMachine, "UPDATE-TIMESTAMPS", {}),
    ("tag-limit-unchecked", stateful.LifecycleMachine, "TAG-LIMIT", {}),
    ("idempotency-ignored", stateful.LifecycleMachine, "CREATE-IDEMPOTENT", {}),
    ("commitment-delete-allowed", stateful.CommitmentMachine, "DELETE-COMMITMENT-REFUSED", {}),
    ("status-stuck-creating", stateful.LifecycleMachine, "CREATE-LIFECYCLE",
     {"create_delay": 0.2, "create_timeout": 0.5}),
]


@pytest.mark.parametrize("fault,machine,clause,values", FAULTS, ids=[f[0] for f in FAULTS])
def test_catches_fault(make_target, fault, machine, clause, values):
    target = make_target(faults=(fault,), **values)
    failure = failure_of(lambda: stateful.run(machine, target, short()))
    assert failure.clause_id == clause, failure
    if fault in NO_SHARED_RULE:  # its check is not a shared rule yet: the failure says so instead
        assert failure.reproducer is None and "not one of the shared rules" in str(failure.no_reproducer)
    else:
        assert failure.reproducer and "def reproduce():" in failure.reproducer


# The faults whose clause's check is no shared rule (conformance.catalogue.rules) yet: no reproducer, and why.
NO_SHARED_RULE = {"list-summary-stale-status", "status-stuck-creating"}


def _lenient_schema(target: Target) -> None:
    """Let responses that break the output schema through, so the semantic check behind the wire check shows."""
    strict = target.checker.check

    def check(operation: str, status: int, headers: Any, body: bytes, request: Any, **_: Any) -> Any:
        try:
            return strict(operation, status, headers=headers, body=body, request=request)
        except ConformanceFailure as failure:
            if failure.clause_id.endswith("-WIRE-SCHEMA"):
                return json.loads(body)
            raise

    target.checker.check = check  # type: ignore[method-assign]


@pytest.mark.parametrize("fault,clause", [("custom-foundation-arn-wrong", "CREATE-FOUNDATION-ARN"),
                                          ("model-arn-short-id", "CREATE-RECORD-FIELDS")])
def test_semantic_check_behind_the_wire_schema(make_target, fault, clause):
    # The wire checker names <OP>-WIRE-SCHEMA first for these faults (the value breaks the member's pattern);
    # without it, the machine's own model names the semantic clause.
    target = make_target(faults=(fault,))
    _lenient_schema(target)
    failure = failure_of(lambda: stateful.run(stateful.LifecycleMachine, target, short()))
    assert failure.clause_id == clause, failure


def test_reproducer_replays_the_failure(make_target, tmp_path):
    """The machine's reproducer exits 1 against a served faulty reference, 0 against a clean one."""
    from bedrock_emulator import Emulator, EmulatorConfig
    from bedrock_emulator.server import start

    target = make_target(faults=("rename-list-stale",))
    failure = failure_of(lambda: stateful.run(stateful.LifecycleMachine, target, short()))
    script = tmp_path / "replay.py"
    script.write_text(failure.reproducer)
    faulty = start(Emulator(EmulatorConfig(faults=frozenset({"rename-list-stale"}))))
    clean = start(Emulator(EmulatorConfig()))
    try:
        for url, code in ((faulty.url, 1), (clean.url, 0)):
            done = subprocess.run([sys.executable, str(script), url], cwd=tmp_path, capture_output=True, text=True,
                                  timeout=120, check=False)
            assert done.returncode == code, done.stdout + done.stderr
            assert (f"{failure.clause_id} still fails: " if code else f"{failure.clause_id} holds now.") in done.stdout
    finally:
        faulty.stop()
        clean.stop()
