"""Slow servers: overlapping independent requests, botocore's retry handler on every channel, one timeout per
stuck status. (Speed itself is measured in benchmarks/throughput.py, never here.)"""

from __future__ import annotations

import collections
import threading

import pytest
from botocore.exceptions import ClientError

from conformance.catalogue.clauses import ConformanceFailure
from conformance.catalogue.settings import Settings, SettingsError, load
from conformance.targets import expect
from conformance.targets.target import open_target


@pytest.fixture
def make_target():
    opened = []

    def make(**values):
        target = open_target(Settings(**{"target": "reference", **values}))
        opened.append(target)
        return target

    yield make
    for target in opened:
        target.close()


def test_gather_keeps_order_runs_everything_and_raises_the_first_failure_in_order(make_target):
    target = make_target(latency=0.001, concurrency=4)
    assert target.overlaps
    assert target.gather(lambda n=n: n * n for n in range(10)) == [n * n for n in range(10)]
    ran, started = [], threading.Barrier(2, timeout=5)

    def fails(n):
        def call():
            if n in (1, 2):
                started.wait()  # both failing calls are in flight together
            ran.append(n)
            if n in (1, 2):
                raise ValueError(n)
        return call

    with pytest.raises(ValueError) as caught:
        target.gather(fails(n) for n in range(5))
    assert caught.value.args == (1,)
    assert sorted(ran) == [0, 1, 2, 3, 4]


def test_in_process_reference_without_latency_does_not_use_threads(make_target):
    target = make_target()
    assert not target.overlaps
    names = target.gather(lambda: threading.current_thread().name for _ in range(3))
    assert names == [threading.current_thread().name] * 3


def test_concurrency_and_latency_are_settings_with_checked_values():
    assert load({"concurrency": "4", "latency": "0.15"}, environ={}).concurrency == 4
    assert load({}, environ={}).concurrency == 16
    assert load({"target": "aws"}, environ={}).concurrency == 8  # AWS throttles its control plane
    assert load({"target": "aws", "concurrency": "3"}, environ={}).concurrency == 3
    with pytest.raises(SettingsError, match="concurrency"):
        load({"concurrency": "0"}, environ={})
    with pytest.raises(SettingsError, match="latency"):
        load({"target": "http://127.0.0.1:1", "latency": "0.1"}, environ={})


@pytest.mark.parametrize("channel", ["sdk", "raw"])
def test_throttling_is_retried_by_botocores_handler_on_every_channel(make_target, channel):
    target = make_target(quirks=("throttling",))
    for _ in range(25):  # 2-3 throttled answers among them
        if channel == "sdk":
            target.sdk.list_provisioned_model_throughputs()
        else:
            assert target.raw("ListProvisionedModelThroughputs", "GET", "/provisioned-model-throughputs").status == 200
    assert target.emulator.calls["ListProvisionedModelThroughputs"] > 25


@pytest.mark.parametrize("channel", ["sdk", "raw"])
def test_refusals_do_not_use_up_the_retry_budget(make_target, channel):
    """botocore gives retry capacity back only on a 2xx, so refusals (validation cases, 404s: most of what the suite
    sends) under 10% throttling drained it after ~100 throttled answers, and the next throttle reached a clause: a
    REJECT clause 'answered ThrottlingException' on a conformant server (standard profile, --quirk all). Before the
    fix 60 of these 1,500 requests answered ThrottlingException."""
    target = make_target(quirks=("throttling",))
    codes = collections.Counter()
    for i in range(1500):  # about 150 throttled answers, each retried
        if channel == "sdk":
            try:
                target.sdk.get_provisioned_model_throughput(provisionedModelId=f"missing{i}")
            except ClientError as exc:
                codes[exc.response["Error"]["Code"]] += 1
        else:
            answer = target.raw("GetProvisionedModelThroughput", "GET", f"/provisioned-model-throughput/missing{i}")
            codes[answer.status] += 1
    assert codes == ({"ResourceNotFoundException": 1500} if channel == "sdk" else {404: 1500})
    assert target.emulator.calls["GetProvisionedModelThroughput"] > 1600  # the throttled ones were sent again


def test_an_emulators_server_error_is_not_retried(make_target):
    target = make_target(faults=("server-error-on-long-name",))
    with pytest.raises(Exception, match="InternalServerException"):
        target.sdk.create_provisioned_model_throughput(modelUnits=1, provisionedModelName="a" * 63,
                                                       modelId=target.settings.models[0])
    assert target.emulator.calls["CreateProvisionedModelThroughput"] == 1


def test_a_stuck_status_costs_one_timeout_then_later_waits_fail_at_once(make_target):
    target = make_target(faults=("status-stuck-creating",), create_timeout=0.3, poll_interval=0.01)
    arns = [target.sdk.create_provisioned_model_throughput(
        modelUnits=1, provisionedModelName=target.new_name("stuck"), modelId=target.settings.models[0],
    )["provisionedModelArn"] for _ in range(2)]
    with pytest.raises(ConformanceFailure, match="not reached within") as first:
        expect.wait_settled(target, "CREATE-LIFECYCLE", arns[0])
    assert first.value.clause_id == "CREATE-LIFECYCLE"
    polls = target.emulator.calls["GetProvisionedModelThroughput"]
    with pytest.raises(ConformanceFailure, match="not waited for again") as second:
        expect.wait_settled(target, "UPDATE-RENAME", arns[1])
    assert second.value.clause_id == "UPDATE-RENAME"
    assert arns[0] in second.value.message and "CREATE-LIFECYCLE" in second.value.message
    assert target.emulator.calls["GetProvisionedModelThroughput"] == polls + 1  # one look, no waiting


def _short():
    from hypothesis import HealthCheck, Phase
    from hypothesis import settings as hsettings

    return hsettings(max_examples=2, stateful_step_count=8, deadline=None, database=None, derandomize=True,
                     suppress_health_check=list(HealthCheck), print_blob=False,
                     phases=[p for p in Phase if p is not Phase.explain])


@pytest.mark.parametrize("machine", ["ListMachine", "LifecycleMachine"])
def test_machines_pass_with_requests_in_flight_together(make_target, machine):
    from conformance.drivers import stateful

    target = make_target(latency=0.0001, concurrency=4, create_delay=0.05, update_delay=0.05)
    assert target.overlaps
    stateful.run(getattr(stateful, machine), target, _short())
    assert [arn for arn, live in target.created.items() if live] == []


def test_a_list_fault_is_still_caught_and_shown_with_its_own_request(make_target):
    from conformance.drivers import stateful
    from conformance.session.run import interesting_exception

    target = make_target(latency=0.0001, concurrency=4, faults=("list-summary-stale-status",), create_delay=0.2)
    with pytest.raises(BaseException) as caught:
        stateful.run(stateful.ListMachine, target, _short())
    failure = interesting_exception(caught.value)
    assert isinstance(failure, ConformanceFailure), repr(caught.value)
    assert failure.clause_id.startswith("LIST-")
    assert failure.request is not None


def test_workers_of_one_run_share_the_timeouts(tmp_path):
    from conformance.targets.target import StatusTimeouts

    first, second = StatusTimeouts(str(tmp_path)), StatusTimeouts(str(tmp_path))
    assert second.get("Updating") is None
    first.record("Updating", "UPDATE-RENAME: x reaching InService or Failed, 60s")
    second.record("Updating", "a later one")
    assert second.get("Updating") == "a later one"  # its own first
    assert StatusTimeouts(str(tmp_path)).get("Updating") == "UPDATE-RENAME: x reaching InService or Failed, 60s"
    assert StatusTimeouts(str(tmp_path)).get("Creating") is None


def test_xdist_deals_one_state_machine_to_each_worker_first():
    """The -n scheduler (pytest_xdist_make_scheduler): the machines go one to a worker first, then every worker
    takes the next test when it finishes one; every test is run once."""
    from types import SimpleNamespace

    from conformance.session.sidebyside import Dealer

    class Node:
        def __init__(self, name):
            self.gateway, self.shutting_down, self.got = SimpleNamespace(id=name), False, []

        def send_runtest_some(self, indices):
            self.got.extend(indices)

    collection = [f"conformance/suite/test_lifecycle.py::t{n}" for n in range(20)] + \
        [f"conformance/suite/test_stateful.py::m{n}" for n in range(4)] + \
        [f"conformance/suite/test_validation.py::v{n}" for n in range(39)]
    machines = {n for n, nodeid in enumerate(collection) if "test_stateful" in nodeid}
    for workers in (4, 2):
        dealer = Dealer(SimpleNamespace(getvalue=lambda name, workers=workers: [f"{workers}*popen"]))
        nodes = [Node(f"gw{n}") for n in range(workers)]
        for node in nodes:
            dealer.add_node(node)
            dealer.add_node_collection(node, collection)
        dealer.schedule()
        assert [len(node.got) for node in nodes] == [2] * workers  # the test it runs and the next
        firsts = [node.got[0] for node in nodes]
        assert set(firsts) <= machines and len(set(firsts)) == workers  # one machine each, dealt first
        assert not dealer.tests_finished
        while dealer.has_pending:  # workers finish their first test in turn, and get the next
            for node in nodes:
                pending = dealer.node2pending[node]
                if pending:
                    dealer.mark_test_complete(node, pending[0])
        assert sorted(i for node in nodes for i in node.got) == list(range(len(collection)))
        assert dealer.tests_finished
        busy = [sum(i in machines for i in node.got) for node in nodes]
        assert max(busy) - min(busy) <= 1  # no worker queues two machines while another has none

def test_tests_run_side_by_side_where_requests_overlap_on_a_target_that_takes_parallel_calls():
    assert Settings(target="reference-http").side_by_side and Settings(target="http://127.0.0.1:1").side_by_side
    assert Settings(latency=0.1).side_by_side  # the in-process reference answering late: waiting costs
    assert not Settings().side_by_side  # in process without latency: threads would only add switching
    assert not Settings(target="reference-http", concurrency=1).side_by_side  # the strictly sequential run
    assert not Settings(target="moto").side_by_side and not Settings(target="moto-server").side_by_side
    assert Settings(target="aws").side_by_side  # free clauses only
    assert not Settings(target="aws", allow_billable=True).side_by_side  # the plan's order counts every PT


def test_ahead_runs_side_by_side_each_in_its_own_context_and_gives_results_in_their_turn():
    import contextvars
    from types import SimpleNamespace

    from conformance.session.sidebyside import Ahead

    mine = contextvars.ContextVar("mine", default="unset")
    mine.set("caller")
    together = threading.Barrier(3, timeout=60)  # all three in flight at once, or the barrier breaks

    def run(n):
        seen = mine.get()
        mine.set(f"test {n}")  # its own context: neither the caller nor the others see this
        together.wait()
        if n == 1:
            raise ValueError("test 1 failed")
        return seen, mine.get()

    items = [SimpleNamespace(nodeid=f"t{n}") for n in range(3)]
    ahead = Ahead(3)
    ahead.start([(item, lambda n=n: run(n))] for n, item in enumerate(items))  # each test a lane of its own
    assert all(item in ahead for item in items)
    assert ahead.result(items[0]) == ("caller", "test 0")
    with pytest.raises(ValueError, match="test 1 failed"):
        ahead.result(items[1])
    assert ahead.result(items[2]) == ("caller", "test 2")
    assert mine.get() == "caller" and not any(item in ahead for item in items)
    ahead.stop()


def test_a_lane_runs_its_tests_one_after_another_in_one_thread_beside_the_others():
    from types import SimpleNamespace

    from conformance.session.sidebyside import Ahead, lanes

    module = SimpleNamespace(__name__="conformance.suite.test_schemathesis", SIDE_BY_SIDE="lane")
    other = SimpleNamespace(__name__="conformance.suite.test_operations", SIDE_BY_SIDE=True)
    items = [SimpleNamespace(nodeid=f"s{n}", module=module) for n in range(3)] + [
        SimpleNamespace(nodeid="o", module=other)]
    grouped = lanes([items[3], *items[:3]])
    assert [[i.nodeid for i in lane] for lane in grouped] == [["s0", "s1", "s2"], ["o"]]
    order, threads = [], set()
    beside = threading.Event()

    def run(item):
        if item.nodeid == "o":
            beside.wait(60)  # the lane's first test runs while this one waits: side by side
            return "o"
        beside.set()
        order.append(item.nodeid)
        threads.add(threading.current_thread().name)
        if item.nodeid == "s1":
            raise ValueError("s1 failed")
        return item.nodeid

    ahead = Ahead(2)
    ahead.start([(item, lambda item=item: run(item)) for item in lane] for lane in grouped)
    assert ahead.result(items[0]) == "s0"
    with pytest.raises(ValueError, match="s1 failed"):
        ahead.result(items[1])
    assert ahead.result(items[2]) == "s2" and ahead.result(items[3]) == "o"
    assert order == ["s0", "s1", "s2"] and len(threads) == 1  # one thread, in order, past a failure
    ahead.stop()


def test_a_machine_runs_in_shares_only_side_by_side_and_a_seed_gives_the_same_shares(make_target):
    import hypothesis.core

    from conformance.drivers.stateful import runner

    target = make_target()
    assert runner.shares(target, 4) == [(None, 4)]  # in one run, as Hypothesis' own
    target.side_by_side = True
    forced, hypothesis.core.global_force_seed = hypothesis.core.global_force_seed, 7
    try:
        split = runner.shares(target, 4)
        assert split == runner.shares(target, 4) and len(split) == runner.SHARES
        assert split[0] == (None, 3) and all(seed is not None and n == 3 for seed, n in split[1:])
        assert len({seed for seed, _ in split}) == runner.SHARES  # each share a seed of its own
        assert runner.shares(target, 1) == [(None, 1)]
    finally:
        hypothesis.core.global_force_seed = forced


def test_a_halted_target_refuses_every_request_before_it_is_sent(make_target):
    from conformance.catalogue.clauses import TargetUnavailable

    target = make_target()
    target.halt()
    with pytest.raises(TargetUnavailable, match="stopping"):
        target.sdk.list_provisioned_model_throughputs()
    with pytest.raises(TargetUnavailable, match="stopping"):
        target.raw("ListProvisionedModelThroughputs", "GET", "/provisioned-model-throughputs")
    target.halted = False
    assert target.sdk.list_provisioned_model_throughputs()["provisionedModelSummaries"] == []
