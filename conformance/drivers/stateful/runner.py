"""Running a machine from a pytest test: the profile's settings, the call log, the reproducer."""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import hypothesis.core
from hypothesis import Phase
from hypothesis import settings as hypothesis_settings
from hypothesis.stateful import run_state_machine_as_test

from conformance.catalogue.clauses import ConformanceFailure
from conformance.checker import judgement
from conformance.drivers.stateful.base import ProvisionedThroughputMachine
from conformance.drivers.stateful.calllog import CallLog
from conformance.session.run import interesting_exception
from conformance.targets.target import Target

M = TypeVar("M", bound=ProvisionedThroughputMachine)


def machine_settings() -> hypothesis_settings:
    """The active Hypothesis profile's settings, with the bedrock-conformance profile's stateful example count
    (its ``stateful_examples``) when one is loaded."""
    current = hypothesis_settings()
    examples = current.max_examples
    name = hypothesis_settings.get_current_profile_name()
    if name.startswith("bedrock-conformance-"):
        from conformance.session.run import PROFILES

        profile = PROFILES.get(name.removeprefix("bedrock-conformance-"))
        if profile is not None:
            examples = profile.stateful_examples
    # the explain phase re-runs a failing machine many times to annotate it: too slow for a remote target
    phases = tuple(phase for phase in current.phases if phase is not Phase.explain)
    if judgement.current().muted:
        # a run again after a failure (conformance.checker.judgement): the first failure was shrunk; later ones
        # keep the calls that found them (shrinking each again would cost one whole search per clause)
        phases = tuple(phase for phase in phases if phase is not Phase.shrink)
    return hypothesis_settings(current, max_examples=examples, deadline=None, phases=phases)


#: Where the run's tests go side by side (the target answers across a socket or with latency), a machine's examples
#: are split over this many runs of it at once, each with a seed of its own: its time is its examples', one after
#: another, at the server's pace, the longest of the run. Each share keeps one example more than its part, since
#: Hypothesis' first example of every run is the simplest one.
SHARES = 2


def shares(target: Target, examples: int) -> list[tuple[int | None, int]]:
    """(seed, examples) of each run of a machine: one run of ``examples`` with the run's seed, or, where tests run
    side by side and there are examples to split, ``SHARES`` runs: the first with the run's seed, each other with a
    seed derived from it and its index, so that a seed still repeats the run."""
    if not target.side_by_side or examples < 2:
        return [(None, examples)]
    each = -(-examples // SHARES) + 1
    base = hypothesis.core.global_force_seed or 0
    return [(None if index == 0 else (base * 1_000_003 + index) % 2**32, each) for index in range(SHARES)]


def run(machine: type[ProvisionedThroughputMachine], target: Target,
        settings: hypothesis_settings | None = None) -> None:
    """Run ``machine`` against ``target`` (a pytest test's body), in shares side by side (``shares``). A failure
    carries ``reproducer``. Every share runs to its end; then the failures go in the shares' order: each but the
    first is settled into the test's Judgement (recorded and muted), the first is raised (the rerun loop settles
    it), so the verdicts do not depend on which share answered first."""
    chosen = settings or machine_settings()
    plan = shares(target, chosen.max_examples)
    if len(plan) == 1:
        _run_share(machine, target, chosen)
        return
    outcomes: list[BaseException | None] = [None] * len(plan)

    def share(index: int, seed: int | None, examples: int) -> None:
        try:
            _run_share(machine, target, hypothesis_settings(chosen, max_examples=examples), seed=seed)
        except BaseException as exc:  # noqa: BLE001 - raised below, in the shares' order
            outcomes[index] = exc

    threads = [threading.Thread(target=contextvars.copy_context().run, args=(share, index, seed, examples),
                                name=f"bc-share-{index}", daemon=True)
               for index, (seed, examples) in enumerate(plan)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    raised = [exc for exc in outcomes if exc is not None]
    if not raised:
        return
    verdicts = judgement.current()
    first, *others = raised
    for exc in others:
        inner = interesting_exception(exc)
        if isinstance(inner, ConformanceFailure) and inner.clause_id != getattr(
                interesting_exception(first), "clause_id", None):
            verdicts.settle(inner)  # recorded and muted; a share's error beyond the first is the first's kind
    raise first


def _run_share(machine: type[ProvisionedThroughputMachine], target: Target, settings: hypothesis_settings, *,
               seed: int | None = None) -> None:
    log = CallLog(target)
    attributes: dict[str, Any] = {"target": target, "log": log, "__module__": machine.__module__}
    if seed is not None:
        attributes["_hypothesis_internal_use_seed"] = seed  # what hypothesis.seed() sets; stateful runs read it
    bound = type(machine.__name__, (machine,), attributes)
    log.attach()
    try:
        run_state_machine_as_test(bound, settings=settings)
    finally:
        log.detach()


def walk(machine: type[M], target: Target, script: Callable[[M], Iterable[Callable[[], Any]]]) -> None:
    """A fixed walk: ``script(machine)`` yields the machine's own actions, run in order outside Hypothesis, each as
    one step (the same verdicts, reproducer and blocking as a random run) followed by the machine's invariant.
    A walk is a fixed sequence of the machines' actions, never a second implementation of their clauses."""
    log = CallLog(target)
    bound = type(machine.__name__, (machine,), {"target": target, "log": log, "__module__": machine.__module__})
    log.attach()
    instance = bound()
    try:
        for action in script(instance):
            instance.act(action)
            instance.records_agree_with_get()
    finally:
        instance.teardown()
        log.detach()
