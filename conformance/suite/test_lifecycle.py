"""Deterministic lifecycle walks: one short, fixed sequence per behaviour, so that every profile (quick included)
checks each lifecycle clause at least once. The stateful machines (test_stateful.py) explore random sequences.

Each walk is a fixed sequence of the machines' own actions (``conformance.drivers.stateful.walk``): one
implementation per clause, the same verdicts, and the same reproducer and blocking as a random run.

On a billable AWS run the walks the plan carries (conformance.targets.aws.SCHEDULE) start by adopting the
plan's shared Provisioned Throughputs (``ProvisionedThroughputMachine.adopt``) instead of creating their own:
only that first step differs (``shared_or_new``); the actions after it are the same on every target. The plan
owns the shared ones: the machine never deletes them, except where the schedule says (the tags walk deletes PT 1).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance.catalogue import contract
from conformance.drivers import stateful
from conformance.drivers.plan import PT1_TAGS
from conformance.drivers.stateful import CommitmentMachine, CustomModelMachine, LifecycleMachine, Record

# its tests need only the target: they run side by side with the others (conformance.session.sidebyside)
SIDE_BY_SIDE = True


def _live(m: LifecycleMachine, made: list[Record], index: int) -> Callable[[], Record | None]:
    """made[index] while the model still judges it, else None (a blocked step dropped it, or it was deleted)."""
    return lambda: made[index] if len(made) > index and m.alive(made[index]) else None


@pytest.mark.clause("UPDATE-RENAME", "UPDATE-TIMESTAMPS", "UPDATE-IMMUTABLE", "UPDATE-RENAME-DUPLICATE",
                    "UPDATE-DESIRED-MODEL-BASE", "UPDATE-EMPTY")
def test_update_walk(target):
    def script(m: LifecycleMachine):
        made: list[Record] = []
        yield lambda: made.append(m.shared_or_new("pt1", "UPDATE-RENAME", word="upd"))
        yield lambda: made.append(m.shared_or_new("pt2", "UPDATE-RENAME", word="oth"))
        first, second = _live(m, made, 0), _live(m, made, 1)
        yield lambda: [m.settle(r) for r in (first(), second()) if r]
        yield lambda: first() and second() and m.do_rename_onto_live_name(first(), second())
        yield lambda: first() and m.do_desired_model_on_base(first(), 0)
        yield lambda: first() and m.wait_past(first())  # UPDATE-TIMESTAMPS: the rename comes a clock tick later
        yield lambda: first() and m.do_rename(first(), word="ren")
        yield lambda: first() and m.settle(first())
        yield lambda: first() and m.do_update_nothing(first())
        yield lambda: first() and m.settle(first())

    stateful.walk(LifecycleMachine, target, script)


@pytest.mark.clause("UPDATE-DESIRED-MODEL-CUSTOM", "CREATE-FOUNDATION-ARN", "CREATE-RECORD-FIELDS")
def test_custom_model_walk(target):
    if not target.custom_models:
        pytest.skip("the target settings name no custom models (custom_models)")

    def script(m: CustomModelMachine):
        made = []
        yield lambda: made.append(m.do_create(0, word="cus"))
        live = lambda: made[0] if made and made[0].arn in m.records else None
        yield lambda: live() and m.settle(live())
        yield lambda: live() and m.do_desired_model_custom(live(), 0)
        yield lambda: live() and m.settle(live())

    stateful.walk(CustomModelMachine, target, script)


# the create clauses too: the walk judges its create, and a failure there must leave attempts for the clause
@pytest.mark.clause("UPDATE-DESIRED-MODEL-CROSS-BASE", "CREATE-ARN-FORMAT", "CREATE-RECORD-FIELDS",
                    "CREATE-FOUNDATION-ARN")
def test_cross_base_update(target):
    bases = sorted({c.base_model for c in target.custom_models})
    if len(bases) < 2:
        pytest.skip(f"no cross-base update tried: the settings give custom models of {len(bases)} base model(s) "
                    f"{bases}; custom_models needs custom models of two base models")

    def script(m: CustomModelMachine):
        made: list[Record] = []
        yield lambda: made.append(m.do_create(0, word="xb"))
        live = _live(m, made, 0)
        yield lambda: live() and m.do_desired_model_cross_base(live(), 0)
        yield lambda: live() and m.settle(live())

    stateful.walk(CustomModelMachine, target, script)


@pytest.mark.clause("CREATE-IDEMPOTENT")
def test_idempotency(target):
    def script(m: LifecycleMachine):
        made: list[Record] = []
        # AWS: PT 2, created with a token, retried while still Creating
        yield lambda: made.append(m.shared_or_new("pt2", "CREATE-IDEMPOTENT", use_token=True, word="idem",
                                                  settle=False))
        live = _live(m, made, 0)
        yield lambda: live() and m.do_retry(live())

    stateful.walk(LifecycleMachine, target, script)


@pytest.mark.clause("CREATE-NAME-UNIQUE", "CREATE-UNKNOWN-MODEL")
def test_uniqueness_and_unknown_model(target):
    def script(m: LifecycleMachine):
        made: list[Record] = []
        yield lambda: made.append(m.shared_or_new("pt1", "CREATE-NAME-UNIQUE", word="uniq"))
        live = _live(m, made, 0)
        yield lambda: live() and m.do_create_with_live_name(live(), 0)
        yield m.do_create_unknown_model

    stateful.walk(LifecycleMachine, target, script)


@pytest.mark.clause("CREATE-TAGS", "TAG-ADD", "UNTAG-REMOVE", "TAG-LIMIT", "CREATE-TOO-MANY-TAGS", "DELETE-GONE",
                    "LISTTAGS-KEYS-UNIQUE")
def test_tags_walk(target):
    def script(m: LifecycleMachine):
        made: list[Record] = []
        # AWS: PT 1, which the plan created with these tags; its delete below is the schedule's delete of PT 1
        given = contract.tag_dict(list(PT1_TAGS))
        yield lambda: made.append(m.shared_or_new("pt1", "CREATE-TAGS", tags=given, word="tag"))
        live = _live(m, made, 0)
        yield lambda: live() and m.do_tag(live(), {"team": "other", "added": "1"})
        yield lambda: live() and m.do_untag(live(), ["added"])
        yield lambda: live() and m.do_untag(live(), ["never-there"])  # absent key: ignored or refused
        yield lambda: live() and m.do_fill_tags(live(), 1)
        yield m.do_create_too_many_tags
        yield lambda: live() and m.settle(live())  # open question 5: a delete while Creating may be refused
        yield lambda: live() and m.do_delete(live(), by_name=True)

    stateful.walk(LifecycleMachine, target, script)


@pytest.mark.clause("CREATE-COMMITMENT", "DELETE-COMMITMENT-REFUSED")
def test_commitment_walk(target):
    def script(m: CommitmentMachine):
        made = []
        yield lambda: made.append(m.do_create_committed(0, commitment=contract.COMMITMENTS[0]))
        yield lambda: made and made[0].arn in m.records and m.do_delete(made[0])

    stateful.walk(CommitmentMachine, target, script)
