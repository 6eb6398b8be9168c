"""Reproducers judge the clause (issue 26): for each kind of failure (wire checks, validation cases, machines, fixed
walks, the concurrency tests, schemathesis cases), the script made from a failure exits 1 against a reference
served with the fault and 0 against a clean one, and carries the suite's own check verbatim.

Quick by design: the failures come from the suite's own pieces run in-process on a faulty reference (no suite
run), the servers are in-process on free ports, one or two representative faults per kind."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings

from bedrock_emulator import Emulator, EmulatorConfig
from bedrock_emulator.server import start
from conformance.catalogue import rules
from conformance.catalogue.clauses import ConformanceFailure
from conformance.catalogue.settings import Settings
from conformance.checker import checks, fastschema
from conformance.drivers import stateful
from conformance.drivers.schemathesis_phase import _shared_rule
from conformance.drivers.stateful.calllog import CallLog
from conformance.report import replay_judge, reproducer
from conformance.session.run import interesting_exception
from conformance.targets import expect
from conformance.targets.target import Target, open_target

MODEL = "amazon.titan-text-express-v1:0:8k"


@pytest.fixture(scope="module")
def servers() -> Iterator[Callable[[str | None], str]]:
    """A served reference per fault (None: a clean one), in-process on a free port."""
    handles: dict[str | None, Any] = {}

    def url(fault: str | None) -> str:
        if fault not in handles:
            handles[fault] = start(Emulator(EmulatorConfig(faults=frozenset({fault} if fault else ()))), port=0)
        return str(handles[fault].url)

    yield url
    for handle in handles.values():
        handle.stop()


@pytest.fixture
def make_target() -> Iterator[Callable[..., Target]]:
    opened: list[Target] = []

    def make(fault: str) -> Target:
        target = open_target(Settings(target="reference", faults=(fault,)))
        opened.append(target)
        return target

    yield make
    for target in opened:
        target.close()


def logged(target: Target, run: Callable[[], Any]) -> ConformanceFailure:
    """Run ``run`` as the plugin runs a test (its calls logged); the ConformanceFailure it raised, with its
    reproducer."""
    log = CallLog(target, what="the calls it needs of the test's run")
    log.attach()
    try:
        with pytest.raises(BaseException) as info:
            run()
    finally:
        log.detach()
    failure = interesting_exception(info.value)
    assert isinstance(failure, ConformanceFailure), repr(info.value)
    log.script(failure)
    return failure


def soft(target: Target, run: Callable[[], Any]) -> ConformanceFailure:
    """The wire failure the checker recorded while ``run`` went on (as the plugin takes it), with its reproducer."""
    run()
    found = target.outside.take_soft()
    assert found, "the wire checker recorded no failure"
    reproducer.attach(found[0], target.settings.public(), run_id=target.run_id)
    return found[0]


def both_ways(failure: ConformanceFailure, fault: str, servers: Callable[[str | None], str], tmp_path: Path) -> str:
    """The failure's script: exit 1 against the fault served alone, 0 against a clean reference; its text."""
    assert failure.reproducer, failure.no_reproducer
    script = tmp_path / f"{failure.clause_id}.py"
    script.write_text(failure.reproducer, encoding="utf-8")
    runs = [(subprocess.Popen([sys.executable, str(script), url], cwd=tmp_path, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}),
             code, said) for url, code, said in ((servers(fault), 1, "still fails"), (servers(None), 0, "holds now"))]
    for run, code, said in runs:  # python + boto3 alone, against the faulty and the clean server at once
        out, _ = run.communicate(timeout=120)
        assert run.returncode == code, out
        assert f"{failure.clause_id} {said}" in out
    assert len(failure.reproducer.splitlines()) < 150
    assert_verbatim(failure.reproducer, failure.check)
    return failure.reproducer


# -- the same check in both places ---------------------------------------------------------------------------
SOURCES = (rules, checks, fastschema, replay_judge)


def _without_docstring(node: ast.AST) -> str:
    body = list(getattr(node, "body", []))
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
        body = body[1:]
    node.body = body  # type: ignore[attr-defined]
    return ast.dump(node)


def assert_verbatim(text: str, check: dict[str, Any] | None) -> None:
    """Every function the script shares a name with in the suite's modules is that function (docstrings aside),
    and reproduce() returns the verdict of the rule the suite decided with."""
    assert check is not None
    tree = ast.parse(text)
    defined = {node.name: node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    assert check["rule"] in defined, f"the script lacks rules.{check['rule']}"
    for name, node in defined.items():
        if name == "reproduce":
            continue
        home = next((m for m in SOURCES if inspect.isfunction(getattr(m, name, None))
                     or inspect.isclass(getattr(m, name, None))), None)
        assert home is not None, f"{name} in a reproducer is no function of the suite: a second copy"
        source = ast.parse(textwrap.dedent(inspect.getsource(getattr(home, name)))).body[0]
        assert _without_docstring(node) == _without_docstring(source), f"{name} differs from {home.__name__}'s"
    returned = [n for n in ast.walk(defined["reproduce"]) if isinstance(n, ast.Return)]
    assert returned and isinstance(returned[-1].value, ast.Call)
    assert getattr(returned[-1].value.func, "id", None) == check["rule"]


@pytest.mark.parametrize("rule", sorted(rules.RULES))
def test_every_rule_is_copied_verbatim(rule: str, tmp_path: Path) -> None:
    """Whatever clause a reproducer is for, its check is one of the shared rules, copied as the suite has it."""
    args = {"refused": {"codes": ["X"]}, "success_or": {"codes": ["X"]}, "member_is": {"member": "m", "want": 1},
            "not_before": {"member": "m", "floor": None}, "tags_are": {"want": {}}, "tag_values": {"want": {}},
            "listed": {"arn": "a", "name": "n"}, "not_listed": {"name": "n"}, "page_sizes": {"max_results": 1},
            "names_contain": {"fragment": "f"}, "listed_pass_filter": {"member": "m", "want": 1},
            "creation_order": {"order": None, "sort_by": False}, "wire_status": {"expected": 200},
            "error_documented": {"documented": {}}, "body_schema": {"schema": {"type": "object"}},
            "absent_omitted": {"schema": {"type": "object"}}}.get(rule, {})
    failure = {"clause": "GET-WIRE-SCHEMA", "message": "m", "check": rules.spec(rule, {"request": True}, **args),
               "request": {"method": "GET", "url": "https://x/provisioned-model-throughput/nope", "headers": {},
                           "body": ""}, "response": {"status": 404}}
    script, why = reproducer.make(failure, {"target": "reference"})
    assert script, why
    assert_verbatim(script, failure["check"])


# -- each kind of failure, both ways -------------------------------------------------------------------------
def test_wire_status_and_error_message(make_target, servers, tmp_path):
    target = make_target("create-status-200")
    name = target.new_name("w")
    failure = soft(target, lambda: target.sdk.create_provisioned_model_throughput(
        provisionedModelName=name, modelId=MODEL, modelUnits=1, tags=[target.run_tag]))
    assert failure.clause_id == "CREATE-WIRE-STATUS"
    both_ways(failure, "create-status-200", servers, tmp_path)

    target = make_target("error-no-message")
    failure = soft(target, lambda: expect.refused(target, "GET-UNKNOWN-404", "get_provisioned_model_throughput",
                                                  codes=("ResourceNotFoundException",),
                                                  provisionedModelId="bc-nothing"))
    assert failure.clause_id == "GET-WIRE-ERROR-MESSAGE"
    both_ways(failure, "error-no-message", servers, tmp_path)


def test_wire_schema_on_a_resource_of_its_own(make_target, servers, tmp_path):
    """A request about a Provisioned Throughput the run created: the script creates one first."""
    target = make_target("modelunits-as-string")
    arn = target.sdk.create_provisioned_model_throughput(provisionedModelName=target.new_name("s"), modelId=MODEL,
                                                         modelUnits=1, tags=[target.run_tag])["provisionedModelArn"]
    failure = soft(target, lambda: target.sdk.get_provisioned_model_throughput(provisionedModelId=arn))
    assert failure.clause_id == "GET-WIRE-SCHEMA"
    text = both_ways(failure, "modelunits-as-string", servers, tmp_path)
    assert "made = send('POST'" in text and "compile_schema" in text


def test_validation_case(make_target, servers, tmp_path):
    from conformance.suite import test_validation
    from strategies import invalid

    target = make_target("no-modelunits-range")
    base = test_validation._base(target, "CreateProvisionedModelThroughput", None)
    cases = [c for c in invalid.all_cases("CreateProvisionedModelThroughput", base, parameter="modelUnits")
             if c.request is not None and c.kind == "below-minimum"]

    def every_case() -> None:
        for case in cases:
            test_validation.send(target, "CREATE-REJECT-modelUnits", case)

    failure = logged(target, every_case)
    assert failure.clause_id == "CREATE-REJECT-modelUnits"
    text = both_ways(failure, "no-modelunits-range", servers, tmp_path)
    assert "return refused(answer" in text and text.count("'create_provisioned_model_throughput'") == 1


def machine_failure(fault: str, machine: type[Any]) -> ConformanceFailure:
    """The failure a machine run finds on the faulty reference (no shrinking: the test is about the script)."""
    target = open_target(Settings(target="reference", faults=(fault,)))
    try:
        with pytest.raises(BaseException) as info:
            stateful.run(machine, target, settings(
                max_examples=4, stateful_step_count=12, deadline=None, database=None, derandomize=True,
                suppress_health_check=list(HealthCheck), print_blob=False,
                phases=[Phase.explicit, Phase.reuse, Phase.generate]))
    finally:
        target.close()
    failure = interesting_exception(info.value)
    assert isinstance(failure, ConformanceFailure), repr(failure)
    return failure


@pytest.fixture(scope="module")
def sort_failure() -> ConformanceFailure:
    return machine_failure("list-sort-ignored", stateful.ListMachine)


@pytest.mark.parametrize(("fault", "machine", "clause"), [
    ("list-sort-ignored", stateful.ListMachine, "LIST-SORT-ORDER"),
    ("untag-ignored", stateful.LifecycleMachine, "UNTAG-REMOVE"),
])
def test_machine(request, servers, tmp_path, fault, machine, clause):
    failure = request.getfixturevalue("sort_failure") if fault == "list-sort-ignored" else machine_failure(
        fault, machine)
    assert failure.clause_id == clause, repr(failure)
    text = both_ways(failure, fault, servers, tmp_path)
    assert "stateful machine's shortest failing run" in text
    assert "step('get_provisioned_model_throughput'" not in text  # the machine's own verification reads


def test_walk(make_target, servers, tmp_path):
    from conformance.suite import test_lifecycle

    target = make_target("update-keeps-last-modified")
    failure = logged(target, lambda: test_lifecycle.test_update_walk(target))
    assert failure.clause_id == "UPDATE-TIMESTAMPS"
    both_ways(failure, "update-keeps-last-modified", servers, tmp_path)


def test_concurrency_test(make_target, servers, tmp_path):
    from conformance.suite import test_concurrency

    target = make_target("idempotency-ignored")
    failure = logged(target, lambda: test_concurrency.test_create_token_reuse_other_params(target))
    assert failure.clause_id == "CREATE-TOKEN-REUSE-OTHER-PARAMS"
    text = both_ways(failure, "idempotency-ignored", servers, tmp_path)
    assert "arn_1 = step('create_provisioned_model_throughput'" in text


def test_schemathesis_case(make_target, servers, tmp_path):
    """A schemathesis case: its request, judged by the suite's rule for the schemathesis check that failed."""
    target = make_target("delete-status-204")
    arn = target.sdk.create_provisioned_model_throughput(provisionedModelName=target.new_name("st"), modelId=MODEL,
                                                         modelUnits=1, tags=[target.run_tag])["provisionedModelArn"]
    from urllib.parse import quote

    answer = target.raw("DeleteProvisionedModelThroughput", "DELETE",
                        f"/provisioned-model-throughput/{quote(arn, safe='')}")
    target.outside.take_soft()
    operation = target.checker.operation("DeleteProvisionedModelThroughput")
    failure = ConformanceFailure("API-SCHEMATHESIS", "schemathesis status_code_conformance: 204", request=answer.request,
                                 response={"status": answer.status},
                                 check=_shared_rule("status_code_conformance", operation, answer.status))
    reproducer.attach(failure, target.settings.public(), run_id=target.run_id)
    both_ways(failure, "delete-status-204", servers, tmp_path)


def test_replay_runs_a_reproducer_through_the_suite(sort_failure, servers, tmp_path):
    """bedrock-conformance replay: the same steps and check on the suite's clients, with its wire checks."""
    from conformance.cli import main

    failure = sort_failure
    assert failure.reproducer
    script = tmp_path / "LIST-SORT-ORDER.py"
    script.write_text(failure.reproducer, encoding="utf-8")
    assert main(["replay", str(script), "--target", servers("list-sort-ignored")]) == 1
    assert main(["replay", str(script), "--target", servers(None)]) == 0
    assert main(["replay", str(script), "--target", "reference", "--fault", "create-status-200"]) == 1  # wire
    assert main(["replay", str(tmp_path / "missing.py"), "--target", servers(None)]) == 2


def test_concurrency_burst(make_target, servers, tmp_path):
    """A burst of parallel creates: the script sends them at once (threads released by one barrier)."""
    from conformance.suite import test_concurrency

    target = make_target("name-check-not-atomic")
    failure = logged(target, lambda: test_concurrency.test_create_name_unique_concurrent(target))
    assert failure.clause_id == "CREATE-NAME-UNIQUE-CONCURRENT"
    text = both_ways(failure, "name-check-not-atomic", servers, tmp_path)
    assert "answer = burst([" in text and "threading.Barrier" in text
