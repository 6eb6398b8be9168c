"""The pytest plugin: options, markers, the ``target`` fixture, and per-clause outcome collection.

Thin on purpose: settings live in ``conformance.catalogue.settings``, targets in
``conformance.targets.target``, the verdict in ``conformance.session.run``. The plugin stays passive unless
``--target`` (or ``--bc-config``) is given, so it does not touch other test runs in the same environment.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conformance.catalogue.clauses import (
    CATALOGUE,
    ConformanceFailure,
    CredentialsRefused,
    NotImplementedOutcome,
    QuotaRefused,
    TargetUnavailable,
)
from conformance.catalogue.flags import FLAGS
from conformance.checker.outcomes import BLOCKED, ERROR, FAILED, NOT_IMPLEMENTED, PASSED, SKIPPED
from conformance.checker.judgement import Findings, Judgement
from conformance.drivers.stateful.calllog import CallLog
from conformance.report import reproducer
from conformance.session import run as runmod
from conformance.targets import aws
from conformance.targets.aws import BillableRefused

COST_MARKERS = {
    "free": "checking it costs nothing on real AWS (reads, refusals, unknown ids)",
    "billable": "creates a no-commitment Provisioned Throughput: billed hourly on real AWS",
    "commitment": "needs a commitment term: never run against real AWS, emulators only",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("bedrock-conformance", "Bedrock Provisioned Throughput conformance")
    for flag in FLAGS:
        group.addoption(flag.option, **flag.pytest_kwargs())


def _active(config: pytest.Config) -> bool:
    return bool(config.getoption("bc_target") or config.getoption("bc_config"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "clause(*ids): the catalogue clauses this test checks")
    for name, text in COST_MARKERS.items():
        config.addinivalue_line("markers", f"{name}: cost class - {text}")
    if not _active(config):
        return
    workerinput = getattr(config, "workerinput", None)
    try:
        state = runmod.RunState.from_config(config, workerinput)
    except runmod.SettingsError as exc:
        raise pytest.UsageError(str(exc)) from None
    if state.settings.billable_run and getattr(config.option, "numprocesses", None):
        raise pytest.UsageError("a billable run against AWS runs in one process (its plan counts every "
                                "Provisioned Throughput): drop -n")
    config.stash[runmod.STATE] = state
    runmod.install_sigterm_cleanup()
    import hypothesis.core

    hypothesis.core.global_force_seed = state.seed
    runmod.load_profile(state.profile)


def pytest_sessionstart(session: pytest.Session) -> None:
    """One line before the progress dots: what is tested, and the seed that repeats this run."""
    state = session.config.stash.get(runmod.STATE, None)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if state is None or reporter is None or hasattr(session.config, "workerinput"):
        return
    # Progress lines name the suite's files from the package root (conformance/suite/test_x.py), wherever the
    # package is installed and whatever the working directory (not ../../venv/lib/.../site-packages/...).
    reporter.startpath = Path(__file__).resolve().parent.parent
    variants = "".join(f" · {variant} {','.join(names)}" for variant, names in
                       (("faults", state.settings.faults), ("quirks", state.settings.quirks)) if names)
    reporter.write_line(f"bedrock-conformance: target {state.settings.target} · profile {state.profile} · "
                        f"seed {state.seed} (repeat with --seed {state.seed}) · run id {state.run_id}{variants}")


def pytest_configure_node(node: Any) -> None:  # xdist controller -> worker
    state = node.config.stash.get(runmod.STATE, None)
    if state is not None:
        node.workerinput.update(state.worker_input())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    state = config.stash.get(runmod.STATE, None)
    if state is None:
        return
    planned = state.settings.billable_run
    free, billable = [], []
    for item in items:
        clauses = item_clauses(item)
        costs = {CATALOGUE[c].cost for c in clauses if c in CATALOGUE}
        for cost in costs:
            item.add_marker(getattr(pytest.mark, cost))
        reason = state.skip_reason(clauses)
        test = getattr(item, "originalname", item.name)
        if not reason and planned and "billable" in costs:
            reason = aws.NOT_PLANNED.get(test)
            if reason is None and aws.step_of(test) is None:
                reason = "not in the billable plan for AWS (conformance.targets.aws.SCHEDULE)"
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))
        elif planned and "billable" in costs:
            state.scheduled_tests.append(test)
        (billable if planned and "billable" in costs else free).append(item)
    if planned:
        # The plan's creates go out when the target opens: the free clauses run while they are Creating, then
        # the billable tests in the plan's order (each slot's deleting step last).
        order = {step.test: n for n, step in enumerate(aws.SCHEDULE)}
        billable.sort(key=lambda item: order.get(getattr(item, "originalname", item.name), len(order)))
        items[:] = free + billable
    elif state.side_by_side:
        # The tests that need only the target run in threads side by side (conformance.session.sidebyside): pytest's
        # loop runs the others first, then takes their results in this order.
        ahead = [item for item in items if _runs_ahead(item)]
        items[:] = [item for item in items if item not in set(ahead)] + ahead
        state.ahead_items = ahead


def _runs_ahead(item: pytest.Item) -> bool:
    """The test may run in a thread before pytest's loop reaches it: its module says its tests need only the
    target (SIDE_BY_SIDE), it takes no other fixture, and it is not skipped."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    return bool(getattr(getattr(item, "module", None), "SIDE_BY_SIDE", False)) and isinstance(
        item, pytest.Function) and set(item.fixturenames) <= {"target", "request", *params} and \
        item.get_closest_marker("skip") is None


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under -n (xdist's default load distribution): the longest tests one to a worker first, then each worker the
    next test as it finishes one (conformance.session.sidebyside.Dealer)."""
    if config.stash.get(runmod.STATE, None) is None or config.getoption("dist", "load") != "load":
        return None
    from conformance.session.sidebyside import Dealer

    return Dealer(config, log)


def item_clauses(item: pytest.Item) -> list[str]:
    ids: list[str] = []
    for mark in item.iter_markers("clause"):
        ids.extend(a for a in mark.args if a not in ids)
    return ids


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest) -> Any:
    state = request.config.stash.get(runmod.STATE, None)
    if state is None:
        pytest.skip("no --target given: bedrock-conformance tests are not active")
    opened = state.open_target()
    opened.canonical_models = state.canonical_models
    if state.scheduled_tests and opened.plan is None and state.settings.billable_run:
        from conformance.drivers.plan import Plan

        opened.plan = Plan(opened, state.scheduled_tests)
        opened.plan.start()
        stop_if_refused(state, opened.plan)
    if state.ahead_items and state.ahead is None:
        _start_side_by_side(state, opened)
    yield opened
    state.close_target()


def stop_if_refused(state: Any, plan: Any) -> None:
    """The plan's first creates, refused for what the account is (no model-unit quota, a Legacy model, a region
    without Provisioned Throughput): nothing was created; the run stops with one line, exit 2, and a report whose
    billable clauses are skipped with that reason (docs/aws.md, "A first real run")."""
    line = plan.account_refusal()
    if line is None:
        return
    try:
        verdict = plan.quota_refusal_verdict()
    except Exception:  # noqa: BLE001 - the List failed: the clause stays unjudged, the run still stops
        verdict = None
    if verdict is not None:
        passed, message = verdict
        state.outcomes.record("CREATE-QUOTA-REFUSAL", PASSED if passed else FAILED, message=message,
                              test="(billable plan)", examples=1)
    for clause in CATALOGUE.values():
        if clause.id in state.outcomes.by_clause:
            continue
        if clause.cost == "billable" and state.selected(clause.id):
            state.outcomes.record(clause.id, SKIPPED, message=f"not run: {line}", test="(billable plan)")
        elif clause.id not in state.outcomes.by_clause and state.selected(clause.id):
            state.outcomes.record(clause.id, SKIPPED, message=f"not run: the run stopped first ({line})",
                                  test="(billable plan)")
    state.target_problems.append(line)
    pytest.exit(f"bedrock-conformance: {line}", returncode=runmod.EXIT_UNUSABLE)


JUDGEMENT = pytest.StashKey[Judgement]()  # the test's Judgement, from its call to its report


def _start_side_by_side(state: Any, opened: Any) -> None:
    """Start the tests that run side by side, the longest first, each with the arguments pytest would give it."""
    from conformance.session.sidebyside import Ahead, lanes

    state.ahead = Ahead(state.settings.concurrency)
    opened.side_by_side = True
    runs = []
    for lane in lanes(state.ahead_items):
        for item in lane:
            params = getattr(getattr(item, "callspec", None), "params", {})
            item.funcargs.update({name: opened if name == "target" else item._request if name == "request" else
                                  params[name] for name in item.fixturenames})
        runs.append([(item, functools.partial(judge_test, item, state)) for item in lane])
    state.ahead.start(runs)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> Any:
    """A clause test: judged here (``judge_test``), or, when it ran side by side, its result taken in its turn."""
    state = pyfuncitem.config.stash.get(runmod.STATE, None)
    if state is None:
        return None
    if state.ahead is not None and pyfuncitem in state.ahead:
        return state.ahead.result(pyfuncitem)
    return judge_test(pyfuncitem, state)


def judge_test(pyfuncitem: pytest.Function, state: Any) -> Any:
    """Run a clause test until every clause it names has its own verdict. When the test fails clause C, C is
    recorded and the test runs again with C muted (its checks no longer stop it; see
    conformance.checker.judgement), so the next independent clause gets judged; at most once per clause that
    fails. Against real AWS only free tests run again (a rerun of a billable test costs): a billable test records
    each failure where it happens and goes on past it (Judgement.goes_on)."""
    clauses = item_clauses(pyfuncitem)
    rerun = not state.settings.kind.billable or all(CATALOGUE[c].cost == "free" for c in clauses if c in CATALOGUE)
    funcargs = {arg: pyfuncitem.funcargs[arg] for arg in pyfuncitem._fixtureinfo.argnames}
    # not run again (a billable test on AWS): it goes on past each failure instead (adoption, not a rerun)
    judgement = pyfuncitem.stash[JUDGEMENT] = Judgement(clauses, goes_on=not rerun)
    error: BaseException | None = None
    # the test's calls, for the reproducers of its failures (a machine's step gives its own from its run)
    log = CallLog(state.target, what="the calls it needs of the test's run") if state.target is not None else None
    if log is not None:
        log.attach()
    try:
        with judgement.active():
            # every attempt that ends FAILED mutes one more clause (named by the test or not, such as the create
            # clauses a walk's first step judges), so the catalogue's size bounds the attempts
            for _ in range(len(CATALOGUE) + 1):
                since = judgement.mark()
                if log is not None:
                    log.reset()
                try:
                    pyfuncitem.obj(**funcargs)
                except BaseException as raised:
                    ended = judgement.settle(runmod.interesting_exception(raised), since=since)
                    for failure in judgement.failures if log is not None else ():
                        log.script(failure)  # once: a failure that has its reproducer (or why not) keeps it
                    if ended == FAILED and rerun and judgement.unmuted():
                        continue
                    if ended == ERROR:
                        if not judgement.failures and judgement.blocked is None:
                            raise
                        error = raised
                break
        for failure in judgement.failures if log is not None else ():
            log.script(failure)  # a failure of the last attempt that did not end it
    finally:
        if log is not None:
            log.detach()
    if judgement.failures or judgement.blocked is not None:
        raise Findings(judgement, error)
    return True


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    """Each clause of the test gets its outcome from how the phase ended: passed, skipped, or the ending of
    ``_ENDINGS`` that matches the exception first."""
    outcome = yield
    report = outcome.get_result()
    state = item.config.stash.get(runmod.STATE, None)
    if state is None or call.when == "teardown" and report.passed:
        return
    ending = _Ending(state, item, report)
    if call.when == "call":
        ending.record_soft()
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        ending.record_all(SKIPPED, message=reason.removeprefix("Skipped: "))
    elif report.passed:
        if call.when == "call":
            ending.record_all(PASSED, examples=1)
    else:
        exc = runmod.interesting_exception(call.excinfo.value if call.excinfo else None)
        next((handler for kinds, handler in _ENDINGS if isinstance(exc, kinds)), _error)(ending, exc)


class _Ending:
    """One phase's report being written: the run's state, the test and its clauses."""

    def __init__(self, state: Any, item: pytest.Item, report: pytest.TestReport) -> None:
        self.state = state
        self.item = item
        self.report = report
        self.clauses = item_clauses(item)
        self.test = item.nodeid

    def record(self, clause: str, status: str, **fields: Any) -> None:
        self.state.outcomes.record(clause, status, test=self.test, **fields)

    def record_all(self, status: str, **fields: Any) -> None:
        for clause in self.clauses:
            self.record(clause, status, **fields)

    def record_failure(self, failure: ConformanceFailure) -> None:
        self.record(failure.clause_id, FAILED, message=failure.message,
                    failure={**failure.details(), **self.state.progress()})

    def record_soft(self) -> None:
        """The wire clauses the test's answers broke while it went on, and those answers outside any test broke
        since the last report (the test's fixtures): each clause's first failure."""
        target = self.state.target
        if target is None:
            return
        judgement = self.item.stash.get(JUDGEMENT, None)
        found: dict[str, ConformanceFailure] = {}
        for failure in target.outside.take_soft() + (judgement.take_soft() if judgement is not None else []):
            found.setdefault(failure.clause_id, failure)
        for failure in found.values():
            reproducer.attach(failure, target.settings.public(), run_id=target.run_id)
            self.record_failure(failure)

    def target_problem(self, error: BaseException | None) -> bool:
        """A target that stopped answering: noted for the verdict (exit 2); True when it is one."""
        if isinstance(error, TargetUnavailable) or runmod.is_connection_problem(error):
            self.state.target_problems.append(runmod.describe_error(error))
            return True
        return False

    def stop_run(self, why: str) -> None:
        """Every further request would be refused alike, or wait out its timeouts on a target that stopped
        answering: stop the run (exit 2; the reports are written with the reason)."""
        self.item.session.shouldstop = why


def _refused_before_cost(ending: _Ending, exc: BaseException) -> None:
    ending.record_all(SKIPPED, message=f"refused before any cost: {exc}")
    ending.report.outcome, ending.report.longrepr = "skipped", (str(ending.item.path), 0, f"Skipped: {exc}")


def _not_implemented(ending: _Ending, exc: BaseException) -> None:
    # moto in-process raises NotImplementedError for operations it lacks; over HTTP it answers 500/404.
    details = exc.details() if isinstance(exc, NotImplementedOutcome) else {"message": str(exc)}
    ending.record_all(NOT_IMPLEMENTED, message=details["message"], failure=details)
    ending.report.longrepr = f"not implemented: {details['message']}"


def _findings(ending: _Ending, exc: Findings) -> None:
    """Each failure fails its clause; of the test's other clauses, those it judged pass, the others are blocked
    (saying what the test needed and which clause took it away), or are errors when the last attempt ended in
    one."""
    judgement = exc.judgement
    error = runmod.interesting_exception(exc.error) if exc.error is not None else None
    unavailable = ending.target_problem(error)
    failed = {f.clause_id for f in judgement.failures}
    by, why = judgement.unjudged()
    for failure in judgement.failures:
        ending.record_failure(failure)
    blocked = []
    for clause in ending.clauses:
        if clause in failed:
            continue
        if clause in judgement.judged:
            ending.record(clause, PASSED, examples=1)
        elif error is not None:
            ending.record(clause, ERROR, message=runmod.describe_error(error))
        else:
            ending.record(clause, BLOCKED, message=why, blocked_by=by)
        outcome = ending.state.outcomes.by_clause.get(clause)
        if outcome is not None and outcome.status == BLOCKED:
            blocked.append(clause)
    parts = [runmod.render_failure(f) for f in judgement.failures]
    if blocked:
        parts.append(f"BLOCKED {', '.join(blocked)}: {why.removeprefix('blocked: ')}")
    if exc.error is not None:
        parts.append(f"then: {runmod.describe_error(exc.error)}")
        if unavailable:
            ending.stop_run(runmod.describe_error(error))  # as for an error: stop the run (exit 2)
    ending.report.longrepr = "\n\n".join(parts)


def _clause_failure(ending: _Ending, exc: ConformanceFailure) -> None:
    """A failure outside the rerun loop (a fixture's call): the test's other clauses were not reached. A clause
    the catalogue does not declare is an error of the suite."""
    if exc.clause_id not in CATALOGUE:
        _error(ending, exc)
        return
    ending.record_failure(exc)
    for clause in ending.clauses:
        if clause != exc.clause_id:
            ending.record(clause, SKIPPED, message=f"not reached: the test stopped at {exc.clause_id}")
    ending.report.longrepr = runmod.render_failure(exc)


def _error(ending: _Ending, exc: BaseException | None) -> None:
    message = runmod.describe_error(exc)
    if ending.target_problem(exc) or isinstance(exc, CredentialsRefused):
        ending.stop_run(message)
    for clause in ending.clauses or ["API-SCHEMATHESIS"]:
        ending.record(clause, ERROR, message=message)


# How a failed phase ends, by the exception that ended it: the first row that matches, else an error.
_ENDINGS: tuple[tuple[type | tuple[type, ...], Callable[[_Ending, Any], None]], ...] = (
    ((BillableRefused, QuotaRefused), _refused_before_cost),
    ((NotImplementedOutcome, NotImplementedError), _not_implemented),
    (Findings, _findings),
    (ConformanceFailure, _clause_failure),
)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    state = session.config.stash.get(runmod.STATE, None)
    if state is None:
        return
    state.close_target()
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["bc_outcomes"] = json.dumps(state.outcomes.dump(), default=str)
        workeroutput["bc_problems"] = json.dumps(state.target_problems)
        workeroutput["bc_warnings"] = json.dumps(state.warnings)
        return
    session.exitstatus = state.finish(int(exitstatus))


def pytest_testnodedown(node: Any, error: Any) -> None:
    state = node.config.stash.get(runmod.STATE, None)
    output = getattr(node, "workeroutput", None) or {}
    if state is not None:
        state.outcomes.load(json.loads(output.get("bc_outcomes", "[]")))
        state.target_problems.extend(json.loads(output.get("bc_problems", "[]")))
        state.warnings.extend(json.loads(output.get("bc_warnings", "[]")))
        if error:
            state.target_problems.append(f"worker {node.gateway.id} died: {error}")


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    state = config.stash.get(runmod.STATE, None)
    if state is not None and state.summary_lines:
        terminalreporter.section("bedrock-conformance")
        for line in state.summary_lines:
            terminalreporter.write_line(line)
