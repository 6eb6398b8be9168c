"""Per-clause outcomes of a run: recorded by tests, merged across xdist workers, turned into a verdict."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from conformance.catalogue.clauses import CATALOGUE

PASSED, FAILED, NOT_IMPLEMENTED, SKIPPED, ERROR = "passed", "failed", "not implemented", "skipped", "error"
# A clause no test could judge because a clause it depends on failed first (the message names that clause).
BLOCKED = "blocked"
# When two tests report on one clause, the more serious outcome wins; a verdict beats "blocked" (another test that
# judged the clause knows more than one that could not).
_RANK = {SKIPPED: 0, BLOCKED: 1, PASSED: 2, NOT_IMPLEMENTED: 3, FAILED: 4, ERROR: 5}
STATUSES = (PASSED, FAILED, NOT_IMPLEMENTED, BLOCKED, SKIPPED, ERROR)
# How a reproducer marks a step whose answer in the run broke another clause (conformance.report.reproducer): a
# target fixed there may answer it otherwise, so a failure of the clause without such steps is the better evidence.
DEVIATION_NOTE = "in the run its answer broke"


def _evidence(failure: dict[str, Any] | None) -> int:
    """How well a failure reproduces: 2 a reproducer of steps that held in the run, 1 one with a step that broke
    another clause, 0 none."""
    script = (failure or {}).get("reproducer")
    return 0 if not script else 1 if DEVIATION_NOTE in script else 2
# Judged: the run reached a verdict on the clause. Blocked and skipped clauses were not judged.
JUDGED = (PASSED, FAILED, NOT_IMPLEMENTED)


@dataclass
class Outcome:
    clause: str
    status: str = SKIPPED
    message: str = ""
    examples: int = 0
    tests: list[str] = field(default_factory=list)
    failure: dict[str, Any] | None = None
    blocked_by: str | None = None  # BLOCKED: the clause whose failure left this one unjudged

    def merge(self, status: str, *, message: str = "", examples: int = 0, test: str | None = None,
              failure: dict[str, Any] | None = None, blocked_by: str | None = None) -> None:
        self.examples += examples
        if test and test not in self.tests:
            self.tests.append(test)
        if _RANK[status] > _RANK[self.status] or (status == self.status and not self.message and message):
            self.status, self.message = status, message
            self.blocked_by = blocked_by if status == BLOCKED else None
            if failure is not None:
                self.failure = failure
        elif status == self.status == FAILED and _evidence(failure) > _evidence(self.failure):
            self.message, self.failure = message or self.message, failure  # another test's failure: better evidence
        elif status == self.status == SKIPPED and message and message not in self.message:
            self.message = f"{self.message}; {message}"  # every test's reason, e.g. cost class and quota


class Outcomes:
    def __init__(self) -> None:
        self.by_clause: dict[str, Outcome] = {}

    def record(self, clause: str, status: str, **kwargs: Any) -> None:
        self.by_clause.setdefault(clause, Outcome(clause)).merge(status, **kwargs)

    def dump(self) -> list[dict[str, Any]]:
        return [asdict(o) for o in self.by_clause.values()]

    def load(self, items: Iterable[dict[str, Any]]) -> None:
        for item in items:
            tests = item.get("tests") or [None]
            for i, test in enumerate(tests):
                self.record(item["clause"], item["status"], message=item.get("message", ""),
                            examples=item.get("examples", 0) if i == 0 else 0, test=test,
                            failure=item.get("failure"), blocked_by=item.get("blocked_by"))

    def propagate_not_implemented(self) -> None:
        """An operation the target lacks has no answers to check: its wire clauses are not implemented too."""
        lacking = {CATALOGUE[o.clause].operation for o in self.by_clause.values()
                   if o.status == NOT_IMPLEMENTED and o.clause in CATALOGUE}
        for clause in CATALOGUE.values():
            if clause.operation in lacking and "-WIRE-" in clause.id and clause.id not in self.by_clause:
                self.record(clause.id, NOT_IMPLEMENTED, message=f"{clause.operation} is not implemented")

    def completed(self, selected_reason: str = "not checked by this run (no selected test covers it)"
                  ) -> list[Outcome]:
        """Every clause of the catalogue, in catalogue order; unreported ones are skipped with a reason."""
        out = []
        for clause_id in CATALOGUE:
            outcome = self.by_clause.get(clause_id) or Outcome(clause_id, SKIPPED, selected_reason)
            if outcome.status == SKIPPED and not outcome.message:
                outcome.message = selected_reason
            out.append(outcome)
        return out


def totals(outcomes: Iterable[Outcome]) -> dict[str, int]:
    counts = {status: 0 for status in STATUSES}
    for outcome in outcomes:
        counts[outcome.status] += 1
    return counts
