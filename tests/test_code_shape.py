"""Code a newcomer can read, held by the source (AST) of conformance/:

- no call passes a bare True/False positionally (`do_create(0, False, 1, {}, False, "cus")` says nothing at the
  call: the parameter is keyword-only, or the call names it). Container and builtin methods (`d.get(k, False)`,
  `getattr(o, n, False)`, `seen.append(True)`) take a value there, not a switch; a table of boolean columns (the
  KINDS rows, headed by their column names) is read by its header.
- no call passes more than three arguments positionally (`_judge_refusal(target, clause, operation, params,
  exc, codes, expected)`: the parameters past the third are keyword-only). `functools.partial(f, ...)` counts
  as a call of f. Exempt: the table rows (TABLES) and POSITIONAL_TAKERS, whose arguments are a list of like
  values or an API that is not ours.
- no function is longer than 80 lines.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 80
VALUE_TAKERS = {"get", "setdefault", "append", "add", "pop", "insert", "getattr", "setattr", "put", "send"}
# rows under a header naming each column (KINDS), or the one-line rows of a catalogue read by their
# constructor's signature (declare: the clauses; Flag/_setting: the options; Profile: the profiles)
TABLES = {("conformance/catalogue/kinds.py", "Kind"), ("conformance/catalogue/clauses.py", "declare"),
          ("conformance/catalogue/flags.py", "Flag"), ("conformance/catalogue/flags.py", "_setting"),
          ("conformance/catalogue/settings.py", "Profile")}
MAX_POSITIONALS = 3
# pytest.mark.clause(*ids) takes any number of clause ids; pytest.param takes a parametrized test's values in
# the order of its argument names; botocore.awsrequest.AWSRequest is botocore's (in the replay harness)
POSITIONAL_TAKERS = {"clause", "param", "AWSRequest"}


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


def many_positionals(trees: dict[str, ast.AST], limit: int = MAX_POSITIONALS) -> list[str]:
    found = []
    for where, tree in trees.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func, args = node.func, node.args
            if _callee(node) == "partial" and args:  # functools.partial(f, a, b, ...): a call of f
                func, args = args[0], args[1:]
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in POSITIONAL_TAKERS or (where, name) in TABLES:
                continue
            if len(args) > limit:
                found.append(f"{where}:{node.lineno}: {ast.unparse(node)[:100]}")
    return found


def long_functions(trees: dict[str, ast.AST], limit: int = MAX_LINES) -> list[str]:
    return [f"{where}:{node.lineno}: {node.name} has {node.end_lineno - node.lineno + 1} lines"
            for where, tree in trees.items() for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno + 1 > limit]


def test_no_call_passes_a_bare_boolean_positionally() -> None:
    found = bare_booleans(_trees())
    assert not found, "name the argument (make the parameter keyword-only):\n" + "\n".join(found)


def test_no_call_passes_more_than_three_positionals() -> None:
    found = many_positionals(_trees())
    assert not found, ("name the arguments past the third (make those parameters keyword-only):\n"
                       + "\n".join(found))


def test_the_rules_can_fail() -> None:
    tree = ast.parse("def f():\n    make(0, False, word='x')\n    d.get(k, False)\n    make(0, flag=True)\n"
                     "    send(a, b, c, d)\n    send(a, b, c, d=d)\n    partial(send, a, b, c, d)\n"
                     "    pytest.mark.clause(a, b, c, d)\n"
                     + "    pass\n" * 80)
    assert bare_booleans({"x.py": tree}) == ["x.py:2: make(0, False, word='x')"]
    assert many_positionals({"x.py": tree}) == ["x.py:5: send(a, b, c, d)",
                                                "x.py:7: partial(send, a, b, c, d)"]
    assert long_functions({"x.py": tree}) == ["x.py:1: f has 88 lines"]


def test_no_function_is_over_80_lines() -> None:
    found = long_functions(_trees())
    assert not found, "split these functions:\n" + "\n".join(found)
