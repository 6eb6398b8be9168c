"""Running a machine from a pytest test: the profile's settings, the call log, the reproducer."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from hypothesis import Phase
from hypothesis import settings as hypothesis_settings
from hypothesis.stateful import run_state_machine_as_test

from conformance.checker import judgement
from conformance.drivers.stateful.base import ProvisionedThroughputMachine
from conformance.drivers.stateful.calllog import CallLog
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
