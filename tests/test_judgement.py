"""The Judgement: one test's verdict state, and the one rule of what blocks it (conformance.checker.judgement)."""

from __future__ import annotations

import contextvars
from concurrent.futures import ThreadPoolExecutor

import pytest

from conformance.catalogue.clauses import ConformanceFailure, NotImplementedOutcome
from conformance.checker.judgement import Blocked, Judgement, current
from conformance.checker.outcomes import BLOCKED, ERROR, FAILED


def failure(clause: str = "CREATE-LIFECYCLE") -> ConformanceFailure:
    return ConformanceFailure(clause, "went wrong", request={"url": "/provisioned-model-throughput"})


def test_a_first_failure_raises_then_is_muted_and_a_needed_check_blocks_saying_what_it_needed() -> None:
    judgement = Judgement(["CREATE-LIFECYCLE", "GET-BY-NAME-AND-ARN"])
    with pytest.raises(ConformanceFailure) as raised:
        judgement.fail(failure())
    assert judgement.settle(raised.value) == FAILED
    assert judgement.failures == [raised.value] and judgement.unmuted() == ["GET-BY-NAME-AND-ARN"]
    judgement.fail(failure())  # muted: the test goes on
    with pytest.raises(Blocked) as blocked:
        judgement.fail(failure(), needed="the PT to reach InService")
    assert blocked.value.by == "CREATE-LIFECYCLE" and blocked.value.request == failure().request
    assert blocked.value.explanation == "blocked: needs the PT to reach InService; CREATE-LIFECYCLE failed first"
    assert judgement.blocked is blocked.value and judgement.settle(blocked.value) == BLOCKED
    assert judgement.judged == {"CREATE-LIFECYCLE"}
    assert judgement.settle(failure()) == ERROR  # a muted clause raised again: the test's own error
    assert judgement.unjudged() == ("CREATE-LIFECYCLE", blocked.value.explanation)


def test_a_test_that_goes_on_records_each_first_failure_where_it_happens() -> None:
    """A billable test on AWS is not run again (Judgement.goes_on): a failure is recorded and muted at once, the
    test goes past it, and a check it cannot go on without still blocks, saying what it needed."""
    judgement = Judgement(["CREATE-LIFECYCLE", "TAG-ADD"], goes_on=True)
    first, second = failure(), failure("TAG-ADD")
    judgement.fail(first)
    judgement.fail(failure())  # the same clause again: judged, not recorded twice
    judgement.fail(second)
    assert judgement.failures == [first, second] and judgement.unmuted() == []
    with pytest.raises(Blocked, match="needs a readable Get"):
        judgement.fail(failure(), needed="a readable Get")
    with pytest.raises(ConformanceFailure):  # not a clause of the catalogue: raised, as before
        judgement.fail(failure("NOT-A-CLAUSE"))


def test_a_test_that_stopped_at_a_failure_leaves_the_rest_unjudged_by_it() -> None:
    judgement = Judgement(["CREATE-LIFECYCLE", "TAG-ADD"])
    judgement.settle(failure("TAG-ADD"))
    assert judgement.unjudged() == ("TAG-ADD", "blocked: not judged, TAG-ADD failed first")


def test_the_first_block_is_the_one_reported() -> None:
    judgement = Judgement()
    judgement.muted |= {"CREATE-LIFECYCLE", "TAG-ADD"}
    for clause in ("CREATE-LIFECYCLE", "TAG-ADD"):
        with pytest.raises(Blocked):
            judgement.fail(failure(clause), needed=True)
    assert judgement.blocked_by == "CREATE-LIFECYCLE"
    assert judgement.blocked is not None and judgement.blocked.needs == "what CREATE-LIFECYCLE checks"


def test_an_unreadable_answer_is_blocked_by_the_last_wire_failure_since_the_mark_else_an_error() -> None:
    judgement = Judgement()
    since = judgement.mark()
    assert judgement.settle(KeyError("status"), since=since) == ERROR  # nothing failed: the test's own bug
    judgement.record_soft([failure("GET-WIRE-STATUS"), failure("GET-WIRE-SCHEMA")], "GetProvisionedModelThroughput")
    assert judgement.settle(KeyError("status"), since=since) == BLOCKED
    assert judgement.blocked is not None
    assert judgement.blocked.explanation == ("blocked: needs a readable GetProvisionedModelThroughput answer; "
                                             "GET-WIRE-SCHEMA failed first")
    assert judgement.settle(KeyError("status"), since=judgement.mark()) == ERROR  # none since this mark
    assert judgement.settle(KeyError("status")) == ERROR  # no mark: not a step's or an attempt's end
    assert {"GET-WIRE-STATUS", "GET-WIRE-SCHEMA"} <= judgement.judged
    assert [f.clause_id for f in judgement.take_soft()] == ["GET-WIRE-STATUS", "GET-WIRE-SCHEMA"]
    assert judgement.take_soft() == []


def test_need_names_the_precondition_of_the_code_inside() -> None:
    judgement = Judgement()
    judgement.muted.add("GET-WIRE-SCHEMA")
    with pytest.raises(Blocked) as blocked, judgement.need("a readable Get of the PT"):
        judgement.record_soft([failure("GET-WIRE-SCHEMA")], "GetProvisionedModelThroughput")
        {}["status"]  # noqa: B018 - reading the answer the checker failed
    assert blocked.value.explanation == "blocked: needs a readable Get of the PT; GET-WIRE-SCHEMA failed first"
    with pytest.raises(Blocked) as inner, judgement.need("the PT InService"):
        judgement.fail(failure("GET-WIRE-SCHEMA"), needed="a readable GetProvisionedModelThroughput answer")
    assert inner.value.needs == "the PT InService (a readable GetProvisionedModelThroughput answer)"
    with pytest.raises(KeyError), judgement.need("nothing failed"):
        {}["status"]  # noqa: B018 - no wire failure inside: the test's own error


def test_not_implemented_and_undeclared_clauses_are_not_failures_to_rerun() -> None:
    judgement = Judgement()
    assert judgement.settle(NotImplementedOutcome("CREATE-LIFECYCLE", "no")) == ERROR
    assert judgement.settle(ConformanceFailure("NO-SUCH-CLAUSE", "no")) == ERROR
    assert judgement.failures == [] and judgement.muted == set()


def test_code_reaches_the_active_judgement_from_threads_given_the_context_and_each_call_has_its_own_request() -> None:
    outside = Judgement()
    assert current(outside) is outside and current() is not current()  # no test: the default, or a fresh one
    judgement = Judgement()
    with judgement.active():
        judgement.request = "the test's"

        def call(n: int) -> tuple[Judgement, object]:
            current().request = n
            current().judge(f"CLAUSE-{n}")
            return current(), current().request

        with ThreadPoolExecutor(2) as pool:
            # as Target.gather: each call in a copy of the submitting context
            results = [f.result() for f in [pool.submit(contextvars.copy_context().run, call, n) for n in range(4)]]
        assert results == [(judgement, n) for n in range(4)]
        assert judgement.request == "the test's" and judgement.judged == {f"CLAUSE-{n}" for n in range(4)}
    assert current(outside) is outside


def test_target_gather_hands_each_call_the_tests_judgement_and_a_request_of_its_own() -> None:
    from conformance.catalogue.settings import Settings
    from conformance.targets.target import open_target

    target = open_target(Settings(target="reference", latency=0.001, concurrency=4))
    try:
        assert target.overlaps  # the calls run on the target's threads
        judgement = Judgement()
        with judgement.active():
            target.sdk.list_provisioned_model_throughputs(nameContains="before")

            def call(n: int) -> tuple[Judgement, str]:
                target.sdk.list_provisioned_model_throughputs(nameContains=f"call{n}x")
                current().judge(f"CLAUSE-{n}")
                return target.judgement, str((target.last_request or {}).get("url"))

            results = target.gather(lambda n=n: call(n) for n in range(4))
            assert [j for j, _ in results] == [judgement] * 4
            assert all(f"nameContains=call{n}x" in url for n, (_, url) in enumerate(results)), results
            assert judgement.judged == {f"CLAUSE-{n}" for n in range(4)}
            assert "nameContains=before" in str((target.last_request or {}).get("url"))  # the caller's own
        assert target.judgement is target.outside  # between tests
    finally:
        target.close()
