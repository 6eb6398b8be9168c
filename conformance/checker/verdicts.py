"""Every clause gets its own verdict: the per-test record of which clauses were judged, which already failed, and
what a failure blocks.

A test may judge several independent clauses. When one of them fails, the plugin records the failure and runs the
test again with that clause *muted*: its checks are still evaluated (and counted as judged) but no longer stop the
test, so the next independent clause gets its verdict. A muted check that the test cannot go on without (a call it
needs was refused, a record never settled) raises ``Blocked``: a state machine drops the step and the records it
touched and goes on; a plain test ends, and the clauses it never judged are reported "blocked" by the clause that
failed first.

This module sits below ``conformance.targets.expect`` (which reports every verdict here) and the machines; the
plugin reads it. One process runs one test at a time (xdist workers are processes), so one ``Verdicts`` per
process suffices.
"""

from __future__ import annotations

from typing import Any

from conformance.catalogue.clauses import ConformanceFailure

# What reading an answer the wire checker already failed can raise (a member missing, null or of another type).
UNREADABLE = (KeyError, TypeError, ValueError, AttributeError, IndexError)


class Blocked(Exception):
    """A step cannot go on because clause ``by`` (already failed and reported) left it nothing to work with."""

    def __init__(self, by: str, message: str = "", request: Any = None) -> None:
        self.by = by
        self.message = message
        self.request = request  # what the blocking call sent (a machine drops the records it names)
        super().__init__(f"blocked by {by}: {message}" if message else f"blocked by {by}")


class Verdicts:
    def __init__(self) -> None:
        self.muted: set[str] = set()
        self.judged: set[str] = set()
        self.blocked_by: str | None = None  # the first clause a muted, needed check blocked on

    def begin(self) -> None:
        """A new test: nothing judged, nothing muted."""
        self.muted = set()
        self.judged = set()
        self.blocked_by = None

    def mute(self, clause: str) -> None:
        self.muted.add(clause)

    def judge(self, clause: str) -> None:
        self.judged.add(clause)

    def fail(self, failure: ConformanceFailure, *, needed: bool = False) -> None:
        """A check of ``failure.clause_id`` failed: raise it, unless the clause already failed in this test (then
        go on, or raise ``Blocked`` when the caller cannot go on without the check: ``needed``)."""
        self.judged.add(failure.clause_id)
        if failure.clause_id not in self.muted:
            raise failure
        if needed:
            self.blocked_by = self.blocked_by or failure.clause_id
            raise Blocked(failure.clause_id, failure.message, failure.request) from None


VERDICTS = Verdicts()


class Findings(AssertionError):
    """The end of a test that failed one or more clauses: each failure (first first), the clauses it judged, and
    what ended its last attempt (None: it ran to the end; ``Blocked``; or an error)."""

    def __init__(self, failures: list[ConformanceFailure], judged: set[str], blocked_by: str | None,
                 error: BaseException | None = None) -> None:
        self.failures = failures
        self.judged = judged
        self.blocked_by = blocked_by
        self.error = error
        super().__init__("; ".join(f"[{f.clause_id}] {f.message}" for f in failures))
