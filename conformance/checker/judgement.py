"""The verdict of one test: which clauses it judged, which failed, what blocked it and why (``Judgement``).

A test may judge several independent clauses. When one of them fails, the plugin's rerun loop records the
failure and runs the test again with that clause *muted*: its checks are still made (and count as judged) but no
longer stop the test, so the next independent clause gets its verdict. A muted check the test cannot go on
without (a call it needs was refused, an answer it must read is unreadable) raises ``Blocked``, which names the
clause that failed first and the precondition the test lacked: a state machine step drops the records it touched
and goes on; a plain test ends, and the clauses it never judged are reported blocked, with that precondition.
"""

from __future__ import annotations

import collections

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from conformance.catalogue.clauses import CATALOGUE, ConformanceFailure, NotImplementedOutcome
from conformance.checker.outcomes import BLOCKED, ERROR, FAILED

# What reading an answer the wire checker already failed can raise (a member missing, null or of another type).
UNREADABLE = (KeyError, TypeError, ValueError, AttributeError, IndexError)

_CURRENT: ContextVar[Judgement | None] = ContextVar("bc_judgement", default=None)
_REQUEST: ContextVar[Any] = ContextVar("bc_request", default=None)  # the last request this context sent
_NEEDS: ContextVar[tuple[str, ...]] = ContextVar("bc_needs", default=())  # the enclosing need() blocks


class Blocked(Exception):
    """The test cannot go on: it ``needs`` something (e.g. "a readable GetProvisionedModelThroughput answer")
    that clause ``by``, already failed and reported, left it without."""

    def __init__(self, by: str, needs: str, *, message: str = "", request: Any = None) -> None:
        self.by = by
        self.needs = needs
        self.message = message
        self.request = request  # what the blocking call sent (a machine drops the records it names)
        super().__init__(f"blocked by {by}: needs {needs}" + (f" ({message})" if message else ""))

    @property
    def explanation(self) -> str:
        """What a blocked clause's report says: the precondition, then the clause that took it away."""
        return f"blocked: needs {self.needs}; {self.by} failed first"


class Judgement:
    """Every piece of verdict state of one test (all its attempts), in one place.

    Who holds it: the plugin's rerun loop makes one per clause test (``judge_test``) and runs every attempt
    inside ``active()``; code reaches it through ``current()`` (a ``contextvars.ContextVar``: ``Target.gather``
    runs each call in a copy of the caller's context, so its threads reach the same Judgement). Outside any test
    (fixtures, cleanup) the target's own ``Target.outside`` collects what the wire checker finds.

    The API (for checks, machines and reproducers):
    - ``judge(clause)``: a check of ``clause`` passed. ``fail(failure, needed=...)``: a check failed: raises
      ``failure``, unless its clause is already muted; then it goes on, or, when ``needed`` (True, or the
      precondition in words), raises ``Blocked`` naming the precondition. A Judgement made with ``goes_on`` (a
      test that is not run again) records and mutes a clause's first failure right there instead of raising it.
    - ``with need("a readable Get of the PT"):`` names the precondition of the code inside: a ``Blocked`` raised
      there says it, and an unreadable answer (``UNREADABLE``) after a wire failure becomes ``Blocked``.
    - ``record_soft(failures, operation)``: the wire checker's failures on answers the test could still read (each
      judged; ``take_soft()`` hands them to the report). ``mark()``: how many there were so far.
    - ``settle(exc, since=mark)``: what ended an attempt or a step: ``BLOCKED`` (a ``Blocked``, or an unreadable
      answer after a wire failure since ``since``: blocked by the last of them), ``FAILED`` (the first failure of
      a catalogue clause in this test: recorded in ``failures`` and muted, so the next attempt goes past it) or
      ``ERROR`` (anything else: the caller raises or reports it). A step settles what is not a clause failure
      (those go to the rerun loop, after Hypothesis shrank them).
    - ``request``: the last request sent in this context (each of gather's calls has its own).
    - What the report reads: ``judged``, ``failures`` (first first), ``blocked`` (the first ``Blocked``, or
      None), ``blocked_by``, and ``unjudged()``: why the clauses it never judged have no verdict.
    """

    def __init__(self, clauses: Iterable[str] = (), *, goes_on: bool = False) -> None:
        self.clauses = list(clauses)
        # A test that is not run again after a failure (a billable test on AWS): a failure is recorded and muted
        # where it happens, and the test goes on past it (the machines adopt what the server did), instead of
        # ending it and leaving its later clauses blocked.
        self.goes_on = goes_on
        self.judged: set[str] = set()
        self.muted: set[str] = set()
        self.failures: list[ConformanceFailure] = []
        # later failures of clauses already failed (muted): a reproducer names the steps that were deviations
        self.deviations: collections.deque[ConformanceFailure] = collections.deque(maxlen=200)
        self.blocked: Blocked | None = None
        self._soft: dict[str, ConformanceFailure] = {}  # clause -> its first wire failure not yet taken
        self._soft_seen = 0
        self._last_soft: tuple[str, str] | None = None  # (clause, operation) of the latest wire failure
        self._lock = threading.Lock()

    # -- reaching it -----------------------------------------------------------------------------------------
    @contextmanager
    def active(self) -> Iterator[Judgement]:
        """Make this the Judgement ``current()`` returns while the block runs."""
        token = _CURRENT.set(self)
        try:
            yield self
        finally:
            _CURRENT.reset(token)

    @property
    def request(self) -> Any:
        return _REQUEST.get()

    @request.setter
    def request(self, request: Any) -> None:
        _REQUEST.set(request)

    # -- verdicts --------------------------------------------------------------------------------------------
    def judge(self, clause: str) -> None:
        self.judged.add(clause)

    def fail(self, failure: ConformanceFailure, *, needed: str | bool = False) -> None:
        """A check of ``failure.clause_id`` failed: raise it, unless the clause already failed in this test; then
        go on, or raise ``Blocked`` when the caller cannot go on without the check (``needed``: what it needs).
        A test that ``goes_on`` records its first failure of the clause here and goes on as if it were muted."""
        self.judged.add(failure.clause_id)
        if failure.clause_id not in self.muted:
            if not self.goes_on or failure.clause_id not in CATALOGUE:
                raise failure
            with self._lock:
                self.failures.append(failure)
                self.muted.add(failure.clause_id)
        else:
            self.deviations.append(failure)
        if needed:
            what = needed if isinstance(needed, str) else f"what {failure.clause_id} checks"
            raise self._block(Blocked(failure.clause_id, self._needs(what), message=failure.message,
                                      request=failure.request)) from None

    @contextmanager
    def need(self, what: str) -> Iterator[None]:
        """The code inside needs ``what``: a block raised there names it."""
        mark = self.mark()
        token = _NEEDS.set((*_NEEDS.get(), what))
        try:
            yield
        except UNREADABLE as exc:
            blocked = self._unreadable(exc, mark, what)
            if blocked is None:
                raise
            raise blocked from exc
        finally:
            _NEEDS.reset(token)

    def settle(self, exc: BaseException | None, *, since: int | None = None) -> str:
        """Decide what ended an attempt (the rerun loop) or a step (``since``: its ``mark()`` when it began; the
        rerun loop passes the attempt's): ``BLOCKED``, ``FAILED`` or ``ERROR`` (see the class docstring)."""
        if isinstance(exc, Blocked):
            self._block(exc)
            return BLOCKED
        if isinstance(exc, ConformanceFailure) and not isinstance(exc, NotImplementedOutcome) \
                and exc.clause_id in CATALOGUE and exc.clause_id not in self.muted:
            self.failures.append(exc)
            self.muted.add(exc.clause_id)
            return FAILED
        if isinstance(exc, UNREADABLE) and since is not None and self._unreadable(exc, since) is not None:
            return BLOCKED
        return ERROR

    @property
    def blocked_by(self) -> str | None:
        return self.blocked.by if self.blocked is not None else None

    def unjudged(self) -> tuple[str | None, str]:
        """Why the test's clauses it never judged have no verdict: (the clause that blocked them, the message). The
        first block's, else the first failure's (the test stopped there and did not run again)."""
        if self.blocked is not None:
            return self.blocked.by, self.blocked.explanation
        by = self.failures[0].clause_id if self.failures else None
        return by, f"blocked: not judged, {by} failed first"

    def unmuted(self) -> list[str]:
        """The test's clauses that have not failed yet (another attempt could still judge them)."""
        return [c for c in self.clauses if c not in self.muted]

    # -- the wire checker's failures on readable answers ------------------------------------------------------
    def record_soft(self, failures: list[ConformanceFailure], operation: str) -> None:
        if not failures:
            return
        with self._lock:
            for failure in failures:
                self.judged.add(failure.clause_id)
                self._soft.setdefault(failure.clause_id, failure)
                self._soft_seen += 1
                self._last_soft = (failure.clause_id, operation)

    def take_soft(self) -> list[ConformanceFailure]:
        """The wire failures recorded since the last call (the first of each clause)."""
        with self._lock:
            taken, self._soft = list(self._soft.values()), {}
        return taken

    def mark(self) -> int:
        """How many wire failures were recorded so far (``settle(since=...)`` compares)."""
        return self._soft_seen

    # -- blocks ----------------------------------------------------------------------------------------------
    def _unreadable(self, exc: BaseException, since: int, what: str | None = None) -> Blocked | None:
        """The one rule for an answer the test could not read: when the wire checker failed an answer since
        ``since``, the test is blocked by the latest such clause; otherwise it is the test's own error (None)."""
        if self._soft_seen <= since or self._last_soft is None:
            return None
        clause, operation = self._last_soft
        return self._block(Blocked(clause, self._needs(what or f"a readable {operation} answer"),
                                   message=f"{type(exc).__name__}: {exc}"))

    def _block(self, blocked: Blocked) -> Blocked:
        """The first block of the test is the one its blocked clauses report."""
        with self._lock:
            if self.blocked is None:
                self.blocked = blocked
        return blocked

    @staticmethod
    def _needs(what: str) -> str:
        """``what`` the failing check needed, inside the precondition the enclosing ``need()`` names (if any)."""
        enclosing = _NEEDS.get()
        return what if not enclosing or enclosing[-1] == what else f"{enclosing[-1]} ({what})"


def current(default: Judgement | None = None) -> Judgement:
    """The running test's Judgement; outside any test ``default``, else a fresh one (nothing muted: every failure
    raises)."""
    judgement = _CURRENT.get()
    if judgement is not None:
        return judgement
    return default if default is not None else Judgement()


class Findings(AssertionError):
    """The end of a test that failed or was blocked: its ``judgement`` and what ended its last attempt when that
    was an error (``error``; None otherwise)."""

    def __init__(self, judgement: Judgement, error: BaseException | None = None) -> None:
        self.judgement = judgement
        self.error = error
        super().__init__("; ".join(f"[{f.clause_id}] {f.message}" for f in judgement.failures)
                         or str(judgement.blocked))
