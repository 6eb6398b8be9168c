"""Side by side: the clause tests of one run that proceed together, and a seed that still repeats the run.

Against a target across a socket most of a test's time is waiting for answers. Two ways keep several tests in
flight, both deterministic in what they report:

- ``Ahead`` (one process, the default where ``Target.overlaps``): the tests that need nothing but the session's
  target (the state machines, the fixed walks, the per-operation and concurrency tests) run in threads, up to
  ``width`` at a time, started when the target opens, the longest first. pytest's own loop runs the tests with
  module fixtures first (the validation and schemathesis modules; their cases already go out together through
  ``Target.gather``), then reads each threaded test's result in its turn (``result``). Each test runs in a
  context of its own (``contextvars``: its Judgement, its last request), and the plugin records every outcome in
  pytest's order, so the report does not depend on which test answered first.
- ``Dealer`` (``-n N``, pytest-xdist's ``pytest_xdist_make_scheduler`` hook): the longest tests go one to a worker
  first, every worker then takes the next test as it finishes one (two in its queue, as xdist's workers need).

``-n 1 --concurrency 1`` is the strictly sequential run (one process, one request at a time), for a server that
cannot take parallel calls; a target kind that cannot (moto) never runs side by side.
"""

from __future__ import annotations

import ast
import contextvars
import functools
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

#: The test modules whose tests run longest (one request after another for many steps): they start first.
LONGEST = ("test_stateful", "test_schemathesis")


def longest_first(items: Sequence[Any]) -> list[Any]:
    """``items`` with the longest tests first, each group in its own order."""
    first = [i for i in items if _module(i).rpartition(".")[2] in LONGEST]
    return first + [i for i in items if i not in first]


def _module(item: Any) -> str:
    module = getattr(item, "module", None)
    return getattr(module, "__name__", "") or ""


_AST_LOCK = threading.RLock()


def _serialise_ast_parse() -> None:
    """One ``ast.parse`` at a time in this process. CPython before 3.11.8 and 3.12.2 tracks the AST validator's
    recursion depth in state shared by all threads (python/cpython gh-106905): two threads parsing at once (pytest
    formatting a failure's traceback, Hypothesis describing a rule or a strategy) raise "SystemError: AST
    constructor recursion depth mismatch". Installed once, by the first ``Ahead``."""
    if getattr(ast.parse, "_bc_serialised", False):
        return
    parse = ast.parse

    def serialised(*args: Any, **kwargs: Any) -> Any:
        with _AST_LOCK:
            return parse(*args, **kwargs)

    serialised._bc_serialised = True  # type: ignore[attr-defined]
    ast.parse = serialised  # type: ignore[assignment]


class Ahead:
    """Tests run in threads ahead of pytest's loop; ``result(item)`` waits for one and returns what it returned, or
    raises what it raised."""

    def __init__(self, width: int) -> None:
        self.width = max(1, width)
        self._futures: dict[str, Future] = {}
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def __contains__(self, item: Any) -> bool:
        return item.nodeid in self._futures

    def start(self, lanes: Iterable[Sequence[tuple[Any, Callable[[], Any]]]]) -> None:
        """Start each lane of ``(item, run)``, in this order, up to ``width`` lanes at a time; a lane's tests run one
        after another, each lane in a copy of the current context (what the caller set there, each test's own
        changes its own). A test that may run beside any other is a lane of its own."""
        _serialise_ast_parse()
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.width, thread_name_prefix="bc-test")
            for lane in lanes:
                futures: list[Future] = [Future() for _ in lane]
                for (item, _), future in zip(lane, futures, strict=True):
                    self._futures[item.nodeid] = future
                runs = [run for _, run in lane]
                self._pool.submit(contextvars.copy_context().run, functools.partial(_run_lane, runs, futures))

    def result(self, item: Any) -> Any:
        future = self._futures.pop(item.nodeid)
        return future.result()

    def stop(self) -> None:
        """Tests not started yet never start; the running ones end (their requests: see ``Target.halt``)."""
        with self._lock:
            pool, self._pool = self._pool, None
            for future in self._futures.values():
                future.cancel()
            self._futures.clear()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _run_lane(runs: list[Callable[[], Any]], futures: list[Future]) -> None:
    """Run a lane's tests in order, each one's result (or exception) into its future; a test not started when the
    run stops is cancelled."""
    for run, future in zip(runs, futures, strict=True):
        if not future.set_running_or_notify_cancel():
            continue
        try:
            future.set_result(run())
        except BaseException as exc:  # noqa: BLE001 - handed to the test's turn in pytest's loop (result)
            future.set_exception(exc)


def lanes(items: Sequence[Any]) -> list[list[Any]]:
    """The side-by-side tests in lanes: the tests of a module whose ``SIDE_BY_SIDE`` is ``"lane"`` (they share a
    resource of their own) one lane, in their order; every other test a lane of its own. The lane of the
    longest tests (``LONGEST``) first."""
    out: list[list[Any]] = []
    by_module: dict[str, list[Any]] = {}
    for item in longest_first(items):
        if getattr(getattr(item, "module", None), "SIDE_BY_SIDE", None) == "lane":
            module = _module(item)
            if module not in by_module:
                by_module[module] = []
                out.append(by_module[module])
            by_module[module].append(item)
        else:
            out.append([item])
    return out


#: Tests an xdist worker holds: the one it runs and the next (a worker runs a test once it knows the next one).
HELD = 2


class Dealer:
    """pytest-xdist's scheduler for a run on ``-n N`` workers (``pytest_xdist_make_scheduler``): the longest tests
    (``LONGEST``) are dealt first, one to each worker in turn, then each worker gets the next test in the
    collection's order whenever it finishes one, so that no worker queues two state machines while another has
    none and no worker idles while tests are left. It implements xdist's ``Scheduling`` protocol."""

    def __init__(self, config: Any, log: Any = None) -> None:
        from xdist.workermanage import parse_tx_spec_config

        self.numnodes = len(parse_tx_spec_config(config))
        self.config = config
        self.log = log
        self.node2collection: dict[Any, list[str]] = {}
        self.node2pending: dict[Any, list[int]] = {}
        self.queue: list[int] = []  # indices into the collection, in the order they are dealt
        self.collection: list[str] | None = None

    # -- xdist's Scheduling protocol --------------------------------------------------------------------------
    @property
    def nodes(self) -> list[Any]:
        return list(self.node2pending)

    @property
    def collection_is_completed(self) -> bool:
        return len(self.node2collection) >= self.numnodes

    @property
    def tests_finished(self) -> bool:
        return self.collection_is_completed and self.collection is not None and not self.queue and all(
            len(pending) < HELD for pending in self.node2pending.values())

    @property
    def has_pending(self) -> bool:
        return bool(self.queue) or any(self.node2pending.values())

    def add_node(self, node: Any) -> None:
        self.node2pending[node] = []

    def add_node_collection(self, node: Any, collection: Sequence[str]) -> None:
        if self.collection is not None and list(collection) != self.collection:
            self._say(f"worker {node.gateway.id} collected other tests than the first worker: not used")
            return
        self.node2collection[node] = list(collection)

    def mark_test_complete(self, node: Any, item_index: int, duration: float = 0) -> None:
        self.node2pending[node].remove(item_index)
        self._deal()

    def mark_test_pending(self, item: str) -> None:
        assert self.collection is not None
        self.queue.insert(0, self.collection.index(item))
        self._deal()

    def remove_pending_tests_from_node(self, node: Any, indices: Sequence[int]) -> None:
        returned = set(indices)  # never asked for (this scheduler does not steal): take them back all the same
        self.node2pending[node] = [i for i in self.node2pending[node] if i not in returned]
        self.queue[:0] = list(indices)
        self._deal()

    def remove_node(self, node: Any) -> str | None:
        pending = self.node2pending.pop(node)
        self.node2collection.pop(node, None)
        crashed = None
        if pending and self.collection is not None:
            crashed = self.collection[pending.pop(0)]  # the test it was running: reported as crashed
        self.queue[:0] = pending
        self._deal()
        return crashed

    def schedule(self) -> None:
        if self.collection is None:
            collections = list(self.node2collection.values())
            if any(c != collections[0] for c in collections[1:]):
                self._say("the workers collected different tests: nothing is scheduled")
                return
            self.collection = collections[0]
            first = [n for n, nodeid in enumerate(self.collection) if _nodeid_module(nodeid) in LONGEST]
            self.queue = first + [n for n in range(len(self.collection)) if n not in set(first)]
        self._deal()

    # -- dealing --------------------------------------------------------------------------------------------
    def _deal(self) -> None:
        """Round after round, one test to each worker that holds fewer than ``HELD``, until all hold that many or
        nothing is left."""
        if self.collection is None:
            return
        while self.queue:
            short = [node for node, pending in self.node2pending.items()
                     if len(pending) < HELD and not getattr(node, "shutting_down", False)]
            if not short:
                return
            for node in short:
                if not self.queue:
                    return
                index = self.queue.pop(0)
                self.node2pending[node].append(index)
                node.send_runtest_some([index])

    def _say(self, message: str) -> None:
        if self.log is not None:
            self.log(message)


def _nodeid_module(nodeid: str) -> str:
    """``test_stateful`` of ``conformance/suite/test_stateful.py::test_list`` (any path form)."""
    return nodeid.split("::", 1)[0].rpartition("/")[2].removesuffix(".py")
