"""Code a newcomer can read, held by the source (AST) of conformance/:

- no call passes a bare True/False positionally (`do_create(0, False, 1, {}, False, "cus")` says nothing at the
  call: the parameter is keyword-only, or the call names it). Container and builtin methods (`d.get(k, False)`,
  `getattr(o, n, False)`, `seen.append(True)`) take a value there, not a switch; a table of boolean columns (the
  KINDS rows, headed by their column names) is read by its header.
- no function is longer than 80 lines.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 80
VALUE_TAKERS = {"get", "setdefault", "append", "add", "pop", "insert", "getattr", "setattr", "put", "send"}
TABLES = {("conformance/catalogue/kinds.py", "Kind")}  # rows under a header naming each column


@cache
def _trees() -> dict[str, ast.AST]:
    return {str(path.relative_to(ROOT)): ast.parse(path.read_text(encoding="utf-8"))
            for path in sorted((ROOT / "conformance").rglob("*.py"))}


def _callee(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def bare_booleans(trees: dict[str, ast.AST]) -> list[str]:
    found = []
    for where, tree in trees.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _callee(node) in VALUE_TAKERS or (where, _callee(node)) in TABLES:
                continue
            if any(isinstance(arg, ast.Constant) and isinstance(arg.value, bool) for arg in node.args):
                found.append(f"{where}:{node.lineno}: {ast.unparse(node)[:100]}")
    return found


def long_functions(trees: dict[str, ast.AST], limit: int = MAX_LINES) -> list[str]:
    return [f"{where}:{node.lineno}: {node.name} has {node.end_lineno - node.lineno + 1} lines"
            for where, tree in trees.items() for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno + 1 > limit]


def test_no_call_passes_a_bare_boolean_positionally() -> None:
    found = bare_booleans(_trees())
    assert not found, "name the argument (make the parameter keyword-only):\n" + "\n".join(found)


def test_the_rules_can_fail() -> None:
    tree = ast.parse("def f():\n    make(0, False, word='x')\n    d.get(k, False)\n    make(0, flag=True)\n"
                     + "    pass\n" * 80)
    assert bare_booleans({"x.py": tree}) == ["x.py:2: make(0, False, word='x')"]
    assert long_functions({"x.py": tree}) == ["x.py:1: f has 84 lines"]


def test_no_function_is_over_80_lines() -> None:
    found = long_functions(_trees())
    assert not found, "split these functions:\n" + "\n".join(found)
