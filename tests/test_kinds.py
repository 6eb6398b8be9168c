"""The target kinds table (conformance.catalogue.kinds): every target has its row, and code asks the row, not
the name."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import conformance
from conformance.catalogue import kinds, settings

PACKAGE = Path(conformance.__file__).resolve().parent
TABLE = PACKAGE / "catalogue" / "kinds.py"
# The reproducers' harness, copied verbatim into scripts that run with python and boto3 alone: it cannot ask
# the kinds table, and its "aws" is the script's own command-line word (`python CLAUSE.py aws --allow-billable`).
STANDALONE = {PACKAGE / "report" / "replay_judge.py"}


def test_every_named_target_has_its_row():
    assert settings.NAMED_TARGETS == tuple(k.name for k in kinds.KINDS if k is not kinds.URL)
    assert len({k.name for k in kinds.KINDS}) == len(kinds.KINDS)
    for name in settings.NAMED_TARGETS:
        assert settings.load({"target": name}, environ={}, cwd=PACKAGE).kind is kinds.BY_NAME[name]


@pytest.mark.parametrize("url", ["http://127.0.0.1:5566", "https://bedrock.example.test/"])
def test_a_url_maps_to_the_url_row(url):
    assert settings.load({"target": url}, environ={}, cwd=PACKAGE).kind is kinds.URL


@pytest.mark.parametrize("name", ["url", "Reference", "ftp://x", ""])
def test_anything_else_is_no_target(name):
    assert kinds.of(name) is None
    with pytest.raises(settings.SettingsError, match="unknown target"):
        settings.load({"target": name}, environ={}, cwd=PACKAGE)


def test_rows_are_consistent():
    for kind in kinds.KINDS:
        assert not (kind.in_process and kind.served_by_run), kind.name
        assert not (kind.outlives_run and (kind.in_process or kind.served_by_run)), kind.name
        assert kind.http or kind.in_process, kind.name  # only an in-process target can be out of HTTP's reach
        assert not kind.billable or kind.aws, kind.name
        assert not (kind.reference and kind.moto), kind.name


def _kind_literals(node: ast.AST) -> list[str]:
    """The target names a comparison operand spells: a string, or a tuple / list / set of strings."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value] if node.value in kinds.BY_NAME else []
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [name for element in node.elts for name in _kind_literals(element)]
    return []


def test_no_module_compares_a_target_to_a_kind_name():
    """`settings.target == "moto"`, `target in ("reference", "reference-http")`: ask settings.kind's row instead.
    Only the table itself spells the kinds' names."""
    assert TABLE.is_file(), TABLE  # the one module allowed to spell the names
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == TABLE or path in STANDALONE:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Compare) and not all(isinstance(op, (ast.Is, ast.IsNot)) for op in node.ops):
                names = [n for operand in (node.left, *node.comparators) for n in _kind_literals(operand)]
                if names:
                    found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} compares with {names}")
    assert not found, "ask settings.kind (conformance.catalogue.kinds) instead:\n" + "\n".join(found)
