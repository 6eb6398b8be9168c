"""The guard: clause ids the suite names exist, every clause is exercised, and every clause is proven able to fail.

- Every clause id a suite test names (``@pytest.mark.clause``, as collected) and every clause-id literal in the
  suite's code (``ok(target, "DELETE-GONE", ...)``, ``ConformanceFailure("...")``) is in the catalogue: a mistyped
  id on a passing test would otherwise vanish from the report without a word.
- Every clause is exercised: some collected test names it, or it is a wire clause of an operation some test calls
  (the checker checks every response).
- Every clause is named by at least one fault's expected clauses
  (conformance.catalogue.fault_catalogue.EXPECTED), or is listed in UNPROVEN with a reason (at most 5).
  tests/test_fault_detection.py shows each fault is caught.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import conformance
import schemas
from bedrock_emulator.faults import FAULTS
from conformance.catalogue.clauses import CATALOGUE
from conformance.catalogue.fault_catalogue import EXPECTED, UNPROVEN

SUITE_DIR = Path(conformance.__file__).resolve().parent
MAX_UNPROVEN = 5
# A clause id: an operation key (or API) then upper-case words, the REJECT clauses ending in a member name.
CLAUSE_ID = re.compile(rf"(?:{'|'.join([*schemas.OPERATION_KEYS, 'API'])})-[A-Z][A-Z0-9]*(?:-[A-Za-z0-9]+)*")


class _Collector:
    def __init__(self) -> None:
        self.named: dict[str, set[str]] = {}

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            for mark in item.iter_markers("clause"):
                for clause in mark.args:
                    self.named.setdefault(clause, set()).add(item.nodeid)


@pytest.fixture(scope="module")
def named() -> dict[str, set[str]]:
    """Clause id -> the suite tests that name it, as pytest collects them (parametrised marks included)."""
    collector = _Collector()
    code = pytest.main(["--collect-only", "-q", "-p", "no:cacheprovider", "-c", str(SUITE_DIR / "suite" /
                        "conformance.ini"), "--rootdir", str(SUITE_DIR / "suite"), "--pyargs", "conformance.suite"],
                       plugins=[collector])
    assert code == 0, f"collecting the suite failed (exit {code})"
    assert collector.named, "no test of the suite names a clause"
    return collector.named


def _literal_ids() -> dict[str, list[str]]:
    """Clause-id string literals in the suite's code (not the catalogue that declares them): id -> where."""
    found: dict[str, list[str]] = {}
    for path in sorted(SUITE_DIR.rglob("*.py")):
        if path.name in ("clauses.py", "fault_catalogue.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CLAUSE_ID.fullmatch(node.value):
                found.setdefault(node.value, []).append(f"{path.relative_to(SUITE_DIR.parent)}:{node.lineno}")
    return found


def test_every_clause_id_a_test_names_exists(named):
    unknown = {clause: sorted(tests) for clause, tests in named.items() if clause not in CATALOGUE}
    assert not unknown, f"tests name clauses the catalogue does not declare: {unknown}"


def test_every_clause_id_literal_in_the_suite_exists():
    literals = _literal_ids()
    assert len(literals) > 20, "the scan found almost no clause ids: is CLAUSE_ID still right?"
    unknown = {clause: where for clause, where in literals.items() if clause not in CATALOGUE}
    assert not unknown, f"the suite's code names clauses the catalogue does not declare: {unknown}"


def test_a_mistyped_clause_id_is_caught():
    """The guard itself can fail: a misspelt id matches the id shape and is not in the catalogue."""
    for typo in ("DELETE-GOEN", "CREATE-REJECT-modelUnit", "GET-WIRE-SATUS"):
        assert CLAUSE_ID.fullmatch(typo) and typo not in CATALOGUE
    assert all(CLAUSE_ID.fullmatch(clause) for clause in CATALOGUE)


def test_every_clause_is_exercised_by_some_test(named):
    operations = {CATALOGUE[c].operation for c in named if c in CATALOGUE}
    wire = {c for c, clause in CATALOGUE.items() if "-WIRE-" in c and clause.operation in operations}
    unexercised = sorted(set(CATALOGUE) - set(named) - wire)
    assert not unexercised, f"no test exercises {unexercised}"


def test_expected_clauses_name_real_faults_and_clauses():
    assert set(EXPECTED) == set(FAULTS)
    for fault, (clauses, _extra) in EXPECTED.items():
        assert clauses, f"{fault} names no clause"
        assert clauses <= set(CATALOGUE), f"{fault} names unknown clauses {sorted(clauses - set(CATALOGUE))}"


def test_every_clause_is_proven_by_a_fault_or_exempt_with_a_reason():
    proven = set().union(*(clauses for clauses, _ in EXPECTED.values()))
    assert len(UNPROVEN) <= MAX_UNPROVEN, f"at most {MAX_UNPROVEN} exemptions, not {len(UNPROVEN)}"
    for clause, reason in UNPROVEN.items():
        assert clause in CATALOGUE, f"UNPROVEN names an unknown clause {clause}"
        assert clause not in proven, f"{clause} is proven by a fault: drop its exemption"
        assert len(reason.split()) >= 4, f"{clause}: say why no fault can prove it"
    unproven = sorted(set(CATALOGUE) - proven - set(UNPROVEN))
    assert not unproven, f"{len(unproven)} clauses no fault proves (add a fault or an exemption): {unproven}"
