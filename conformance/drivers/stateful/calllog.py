"""The call log of a machine run and the boto3 script replaying it (the reproducer)."""

from __future__ import annotations

import contextvars
import copy
import functools
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore import xform_name

from conformance.catalogue.clauses import ConformanceFailure
from conformance.checker.judgement import Blocked, current
from conformance.checker.outcomes import BLOCKED
from conformance.drivers.stateful.common import response_body
from conformance.report import reproducer
from conformance.targets.target import Target


@dataclass
class Call:
    operation: str  # boto3 method name
    params: dict[str, Any]
    status: int | None = None
    outcome: Any = None  # the parsed body, or the error {"Code", "Message"}
    context: int = 0  # id of botocore's request context: calls in flight together find their own answer
    answer: tuple[int, dict[str, str], bytes] | None = None  # the raw answer (status, headers, body)
    at: float = 0.0  # when it was sent (time.monotonic): a reproducer waits where the run waited a second or more


# The logs of the running context: a log records only the calls of the test (or machine run) that attached it,
# whatever other tests run side by side on the same clients (their threads have contexts of their own).
_LOGS: contextvars.ContextVar[frozenset[int]] = contextvars.ContextVar("bc_call_logs", default=frozenset())


class CallLog:
    """Every call made through the target's boto3 clients while attached, in the context that attached it (and
    the contexts copied from it: Target.gather's calls), by botocore events on both clients."""

    def __init__(self, target: Target, *, what: str = "the calls it needs of the stateful machine's shortest "
                 "failing run") -> None:
        self.target = target
        self.what = what
        self.calls: list[Call] = []
        self._uid = f"bc-stateful-{id(self)}"
        self._clients = [target.sdk, target.wire]

    def attach(self) -> None:
        _LOGS.set(_LOGS.get() | {id(self)})
        for client in self._clients:
            client.meta.events.register("provide-client-params.bedrock", self._before, unique_id=self._uid + "b")
            client.meta.events.register("after-call.bedrock", self._after, unique_id=self._uid + "a")

    def detach(self) -> None:
        for client in self._clients:
            client.meta.events.unregister("provide-client-params.bedrock", unique_id=self._uid + "b")
            client.meta.events.unregister("after-call.bedrock", unique_id=self._uid + "a")

    def reset(self) -> None:
        self.calls = []

    def _before(self, params: dict[str, Any], model: Any, context: Any = None, **_: Any) -> None:
        if id(self) not in _LOGS.get():
            return
        self.calls.append(Call(xform_name(model.name), copy.deepcopy(dict(params)), context=id(context),
                               at=time.monotonic()))

    def _after(self, http_response: Any, parsed: dict[str, Any], model: Any, context: Any = None, **_: Any) -> None:
        name = xform_name(model.name)
        for call in reversed(self.calls):
            if call.operation == name and call.status is None and call.context == id(context):
                call.status = getattr(http_response, "status_code", None)
                call.answer = (int(call.status or 0), dict(getattr(http_response, "headers", {}) or {}),
                               bytes(getattr(http_response, "content", b"") or b""))
                call.outcome = parsed.get("Error") if "Error" in parsed else response_body(parsed)
                return

    # -- the script ----------------------------------------------------------------------------------------
    def script(self, failure: ConformanceFailure) -> str | None:
        """Give ``failure`` its reproducer: the logged calls its check needs, then the check
        (conformance.report.reproducer, the one generator); returns it (None: ``failure.no_reproducer`` says
        why)."""
        judgement = current()
        others = [(f.clause_id, f.check) for f in [*judgement.failures, *judgement.deviations]
                  if f is not failure and f.check]
        reproducer.attach(failure, self.target.settings.public(), calls=self.calls, run_id=self.target.run_id,
                          what=self.what, deviations=others)
        return failure.reproducer






def step(function: Callable[..., Any]) -> Callable[..., Any]:
    """One step of a machine run. A ConformanceFailure escaping it gets the reproducer (the calls of this machine
    run so far) and goes on to the rerun loop. A step the test's Judgement settles as blocked (a clause that
    already failed left it without what it needs, or it cannot read an answer the wire checker already failed)
    ends without a verdict: the machine drops the records it acted on and goes on, so the other clauses still get
    theirs."""

    @functools.wraps(function)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        judgement = self.t.judgement  # the test's (or, run outside one, the target's own)
        since = judgement.mark()
        recorded = len(judgement.failures)
        self.involved.clear()
        try:
            return function(self, *args, **kwargs)
        except ConformanceFailure as failure:
            if failure.reproducer is None and self.log is not None:
                self.log.script(failure)
            raise
        except Exception as exc:
            if judgement.settle(exc, since=since) != BLOCKED:
                raise
            self.drop_involved(exc.request if isinstance(exc, Blocked) else None)
            return None
        finally:  # failures a test that goes on recorded in this step (Judgement.goes_on): their reproducer
            for failure in judgement.failures[recorded:]:
                if failure.reproducer is None and self.log is not None:
                    failure.reproducer = self.log.script(failure)

    return wrapper
