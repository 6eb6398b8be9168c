"""One run of the suite: its settings, target, outcomes, profile, seed, baseline and verdict.

Exit codes: 0 conformant (or only gaps the baseline accepts), 1 non-conformance found, 2 the run could not be
made (bad flags or settings, unreachable or hanging target, missing credentials).
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
import time
import traceback
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import (
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from conformance.catalogue import settings as settings_mod
from conformance.catalogue.clauses import (
    CATALOGUE,
    OPERATIONS,
    ConformanceFailure,
    TargetUnavailable,
    tolerated_note,
)
from conformance.catalogue.flags import settings_flags
from conformance.catalogue.settings import PROFILES, Profile, SettingsError  # noqa: F401 - the run's names
from conformance.checker.outcomes import ERROR, FAILED, JUDGED, NOT_IMPLEMENTED, PASSED, Outcomes, totals

STATE = pytest.StashKey["RunState"]()
EXIT_OK, EXIT_NONCONFORMANT, EXIT_UNUSABLE = 0, 1, 2


def load_profile(name: str) -> None:
    from hypothesis import HealthCheck, settings

    profile = PROFILES[name]
    settings.register_profile(
        f"bedrock-conformance-{name}", max_examples=profile.max_examples, deadline=None, database=None,
        stateful_step_count=profile.stateful_steps, suppress_health_check=list(HealthCheck),
        print_blob=False)
    settings.load_profile(f"bedrock-conformance-{name}")


def install_sigterm_cleanup() -> None:
    """SIGTERM ends the run like Ctrl-C does: teardown and cleanup run, the report is written."""
    import signal
    import threading

    def _interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)


def interesting_exception(exc: BaseException | None) -> BaseException | None:
    """Unwrap Hypothesis' exception groups to the conformance failure inside, if any."""
    if isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            found = interesting_exception(inner)
            if isinstance(found, ConformanceFailure):
                return found
        return interesting_exception(exc.exceptions[0]) if exc.exceptions else exc
    return exc


def is_connection_problem(exc: BaseException | None) -> bool:
    return isinstance(exc, (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError,
                            ConnectionClosedError, ConnectionError))


def describe_error(exc: BaseException | None) -> str:
    if exc is None:
        return "unknown error"
    if isinstance(exc, TargetUnavailable) or is_connection_problem(exc):
        return f"target unavailable: {exc}"
    frames = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f" at {frames[0].filename}:{frames[0].lineno}" if frames else ""
    return f"{type(exc).__name__}: {exc}{where}"


def render_failure(exc: ConformanceFailure) -> str:
    clause = CATALOGUE.get(exc.clause_id)
    lines = [f"{exc.clause_id} FAILED: {exc.message}"]
    if clause:
        lines.append(f"  clause: {clause.statement} [{clause.source}; {clause.confidence}]")
    if exc.schema_path:
        lines.append(f"  schema path: {exc.schema_path}")
    if exc.request:
        lines.append(f"  request: {json.dumps(exc.request, default=str)[:1500]}")
    if exc.response:
        lines.append(f"  response: {json.dumps(exc.response, default=str)[:1500]}")
    if exc.reproducer:
        lines.append(f"  reproducer: reproducers/{exc.clause_id}.py in the run's report directory (python "
                     f"{exc.clause_id}.py URL exits 1 while the clause fails, 0 when it holds)")
    return "\n".join(lines)


def selectors(values: list[str] | None) -> set[str]:
    """--only/--skip values: clause ids, operation keys or names, cost classes (comma-separated)."""
    found = {v.strip() for value in values or [] for v in value.split(",") if v.strip()}
    unknown = {s for s in found if not any(_matches({s}, c) for c in CATALOGUE)}
    if unknown:
        raise SettingsError(f"--only/--skip name no clause, operation or cost class: {', '.join(sorted(unknown))}")
    return found


def _matches(selector: set[str], clause_id: str) -> bool:
    clause = CATALOGUE.get(clause_id)
    if clause is None:
        return False
    keys = {clause.id, clause.operation, clause.cost, clause.id.split("-", 1)[0]}
    keys |= {k for k, v in OPERATIONS.items() if v == clause.operation}
    return bool(selector & keys)


class RunState:
    def __init__(self, config: pytest.Config, settings: settings_mod.Settings, *, run_id: str, seed: int,
                 worker: str, shared_url: str | None) -> None:
        self.config = config
        self.settings = settings
        self.run_id = run_id
        self.seed = seed
        self.worker = worker
        self.shared_url = shared_url
        self.profile = config.getoption("bc_profile")
        self.only = selectors(config.getoption("bc_only"))
        self.skip = selectors(config.getoption("bc_skip"))
        self.outcomes = Outcomes()
        self.target_problems: list[str] = []
        self.warnings: list[str] = []
        self.summary_lines: list[str] = []
        self.started = time.time()
        self.target: Any = None
        self._shared_stop: Any = None
        self.scheduled_tests: list[str] = []  # aws --allow-billable: the selected tests of aws.SCHEDULE
        self.shared_dir: str | None = None  # under xdist: made by the controller, removed when it closes
        self.canonical_models: dict[str, str] = {}  # aws: model id -> the ARN ListFoundationModels lists
        self.ahead_items: list[Any] = []  # the tests that run side by side (conformance.session.sidebyside)
        self.ahead: Any = None  # their threads (sidebyside.Ahead), once the target is open

    # -- construction --------------------------------------------------------------------------------------
    @classmethod
    def from_config(cls, config: pytest.Config, workerinput: dict[str, Any] | None) -> RunState:
        flags = settings_flags(lambda dest: config.getoption(f"bc_{dest}"))
        settings = settings_mod.load(flags, config=config.getoption("bc_config"))
        from conformance.targets.starters import expand_faults

        settings = expand_faults(settings)
        preflight_notes: list[str] = []
        canonical: dict[str, str] = {}
        if settings.kind.aws and workerinput is None:
            from conformance.targets import preflight

            found = next((p for p in preflight.LAST if p.settings.models == settings.models), None)
            if found is None and not settings.models:  # pytest without the CLI: the same preflight, here
                try:
                    found = preflight.run(settings)
                except (preflight.PreflightRefused, TargetUnavailable) as exc:
                    raise SettingsError(str(exc)) from None
                settings = found.settings
            if found is not None:
                preflight_notes, canonical = [f"preflight: {note}" for note in found.notes], dict(found.canonical)
        if workerinput is not None and "bc_run_id" in workerinput:
            state = cls(config, settings, run_id=workerinput["bc_run_id"], seed=workerinput["bc_seed"],
                        worker=workerinput.get("workerid", "w"), shared_url=workerinput.get("bc_shared_url"))
            state.shared_dir = workerinput.get("bc_shared_dir")
            return state
        from conformance.targets.ledger import new_run_id

        seed = config.getoption("bc_seed")
        if seed is None:
            hseed = config.getoption("hypothesis_seed", None)
            seed = int(hseed) if hseed is not None and str(hseed).isdigit() else random.randrange(2**32)
        state = cls(config, settings, run_id=new_run_id(), seed=seed, worker="m", shared_url=None)
        state.warnings += preflight_notes  # the model chosen and why, the quota: in every report
        state.canonical_models = canonical
        if getattr(config.option, "numprocesses", None):
            state.start_shared_server()
            # what the workers share besides the server: the status waits that timed out (expect.wait_until)
            state.shared_dir = tempfile.mkdtemp(prefix=f"bedrock-conformance-{state.run_id}-")
        return state

    def worker_input(self) -> dict[str, Any]:
        return {"bc_run_id": self.run_id, "bc_seed": self.seed, "bc_shared_url": self.shared_url,
                "bc_shared_dir": self.shared_dir}

    def start_shared_server(self) -> None:
        """Under xdist, one reference-http or moto-server serves every worker (as it would in real use)."""
        from conformance.targets.target import start_shared

        try:
            shared = start_shared(self.settings)
        except TargetUnavailable as exc:
            raise SettingsError(str(exc)) from None
        if shared is not None:
            self.shared_url, self._shared_stop = shared

    # -- selection -----------------------------------------------------------------------------------------
    def skip_reason(self, clauses: list[str]) -> str | None:
        # Wire clauses are checked on every response: selecting one selects its operation's tests.
        only = self.only | {s.split("-WIRE-", 1)[0] for s in self.only if "-WIRE-" in s}
        if only and not any(_matches(only, c) for c in clauses):
            return "not selected (--only)"
        if self.skip and all(_matches(self.skip, c) for c in clauses):
            return "deselected (--skip)"
        costs = {CATALOGUE[c].cost for c in clauses if c in CATALOGUE}
        if self.settings.kind.billable:
            if "commitment" in costs:
                return "commitment clause: never run against real AWS (emulators only)"
            if "billable" in costs and not self.settings.allow_billable:
                return "billable clause: needs --allow-billable against real AWS"
        return None

    def selected(self, clause: str) -> bool:
        """The user's --only/--skip keep this clause (cost classes and quotas aside)."""
        if self.only and not _matches(self.only, clause):
            return False
        return not (self.skip and _matches(self.skip, clause))

    @property
    def side_by_side(self) -> bool:
        """The tests that need only the target run side by side in this process (Settings.side_by_side; not under
        -n: its workers are processes, each given its tests one by one)."""
        return self.settings.side_by_side and self.worker == "m" and not getattr(
            self.config.option, "numprocesses", None)

    def progress(self) -> dict[str, Any]:
        """How far the run was when something failed: requests sent (this worker) and seconds elapsed."""
        requests = self.target.checker.responses if self.target is not None else None
        return {"requests_so_far": requests, "elapsed_seconds": round(time.time() - self.started, 3)}

    # -- the target ----------------------------------------------------------------------------------------
    def open_target(self) -> Any:
        from conformance.targets.target import open_target

        if self.target is None:
            try:
                self.target = open_target(self.settings, run_id=self.run_id, worker=self.worker,
                                          shared_url=self.shared_url, shared_dir=self.shared_dir)
            except (TargetUnavailable, settings_mod.SettingsError) as exc:
                self.target_problems.append(str(exc))
                pytest.exit(f"bedrock-conformance: {exc}", returncode=EXIT_UNUSABLE)
        return self.target

    def close_target(self) -> None:
        if self.ahead is not None:  # tests still running side by side (a stopped run): they end at their next call
            ahead, self.ahead = self.ahead, None
            if self.target is not None:
                self.target.halt()
            ahead.stop()
            if self.target is not None:
                self.target.halted = False
        if self.target is not None:
            target, self.target = self.target, None
            for clause, count in target.checker.checked.items():
                self.outcomes.record(clause, PASSED, examples=count, test="(wire checker)")
            for (operation, code), count in sorted(target.checker.tolerated.items()):
                self.warnings.append(tolerated_note(operation, code, count))
            for failure in target.outside.take_soft():  # answers outside any test's call (fixtures, cleanup)
                self.outcomes.record(failure.clause_id, FAILED, message=failure.message, test="(wire checker)",
                                     failure={**failure.details(), **self.progress()})
            left = target.cleanup()
            # A target that dies with the run (reference, reference-http, moto, moto-server) takes what it
            # holds with it: nothing is left behind, nothing to say.
            if left and self.settings.kind.outlives_run:  # e.g. a commitment term still running: not a failed run
                why = ", ".join(f"{arn} ({code})" for arn, code in left.items())
                self.warnings.append(
                    f"could not delete {len(left)} resource(s) this run created: {why}. A commitment term that has "
                    f"not ended refuses deletion (expected for the commitment walk on emulators); "
                    f"`bedrock-conformance sweep --target {self.settings.target}` lists the run's leftovers "
                    f"(--delete removes them once they can go)")
            target.close()
        if self._shared_stop is not None:
            stop, self._shared_stop = self._shared_stop, None
            stop()
        if self.shared_dir and self.worker == "m":
            shutil.rmtree(self.shared_dir, ignore_errors=True)

    # -- the verdict ---------------------------------------------------------------------------------------
    def finish(self, pytest_status: int) -> int:
        from conformance.report import report

        self.outcomes.propagate_not_implemented()
        outcomes = self.outcomes.completed()
        baseline = report.load_baseline(self.config.getoption("bc_baseline"))
        counts = totals(outcomes)
        gaps = [o for o in outcomes if o.status in (FAILED, NOT_IMPLEMENTED)]
        accepted = [o for o in gaps if o.clause in baseline]
        unaccepted = [o for o in gaps if o.clause not in baseline]
        stale = sorted(c for c in baseline if c in CATALOGUE and
                       next(o for o in outcomes if o.clause == c).status == PASSED)
        errors = [o for o in outcomes if o.status == ERROR]
        ran = counts[PASSED] + counts[FAILED] + counts[NOT_IMPLEMENTED]
        # the honest score: passed out of every clause the run was asked about (blocked and skipped ones count
        # against it; only clauses deselected with --only/--skip do not)
        considered = sum(1 for o in outcomes if self.selected(o.clause))
        passed = sum(1 for o in outcomes if o.status == PASSED and self.selected(o.clause))
        judged = sum(1 for o in outcomes if o.status in JUDGED and self.selected(o.clause))
        score = 100.0 * passed / considered if considered else 0.0
        fail_under = self.config.getoption("bc_fail_under")
        if self.target_problems or pytest_status in (pytest.ExitCode.INTERRUPTED, pytest.ExitCode.INTERNAL_ERROR,
                                                     pytest.ExitCode.USAGE_ERROR):
            verdict = EXIT_UNUSABLE
        elif fail_under is not None:
            verdict = EXIT_OK if score >= fail_under and not errors else EXIT_NONCONFORMANT
        elif unaccepted or errors:
            verdict = EXIT_NONCONFORMANT
        elif ran == 0:
            verdict = EXIT_UNUSABLE
            self.target_problems.append("no clause ran")
        else:
            verdict = EXIT_OK
        if self.config.getoption("bc_update_baseline") and self.config.getoption("bc_baseline"):
            report.write_baseline(self.config.getoption("bc_baseline"), gaps, baseline)
        summary = {
            "verdict": verdict, "counts": counts, "score": round(score, 1),
            "judged": {"passed": passed, "judged": judged, "total": considered},
            "accepted": [o.clause for o in accepted],
            "stale_baseline": stale, "problems": list(self.target_problems), "warnings": list(self.warnings),
        }
        paths = []
        if not self.config.getoption("bc_no_report"):
            paths = report.write_all(self, outcomes, summary,
                                     report_dir=self.config.getoption("bc_report_dir"))
        self.summary_lines = report.summary_lines(self, outcomes, summary, paths=paths)
        return verdict


@dataclass
class _UnusableRun:
    """What the reports need of a run that never reached its first test."""

    settings: settings_mod.Settings
    run_id: str
    seed: int | None
    profile: str
    started: float


def write_unusable_report(settings: settings_mod.Settings | None, reason: str, *, report_dir: str | None,
                          profile: str | None, seed: int | None) -> list[Any]:
    """Exit 2 before any test ran (bad settings, unreachable, hanging or resetting target, bad credentials,
    billable run not confirmed): still report.json, report.md, junit.xml and report.html, with the reason, so
    that a CI gate's artifact step finds them. Every clause is skipped: nothing was checked."""
    from conformance.report import report
    from conformance.targets.ledger import new_run_id

    run = _UnusableRun(settings=settings or settings_mod.Settings(), run_id=new_run_id(), seed=seed,
                       profile=profile or "standard", started=time.time())
    outcomes = Outcomes().completed(f"not checked: the run could not be made ({reason})")
    summary = {"verdict": EXIT_UNUSABLE, "counts": totals(outcomes), "score": 0.0,
               "judged": {"passed": 0, "judged": 0, "total": len(outcomes)}, "accepted": [],
               "stale_baseline": [], "problems": [reason], "warnings": []}
    return report.write_all(run, outcomes, summary, report_dir=report_dir)
