"""Side by side: the clause tests of one run that proceed together.

- ``Dealer`` (``-n N``, pytest-xdist's ``pytest_xdist_make_scheduler`` hook): the longest tests go one to a worker
  first, every worker then takes the next test as it finishes one (two in its queue, as xdist's workers need).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: The test modules whose tests run longest (one request after another for many steps): they start first.
LONGEST = ("test_stateful",)


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
