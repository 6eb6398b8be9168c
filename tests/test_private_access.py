"""No module of the project reaches into another module's `_private` names (beside tests/test_layering.py).

A name with one leading underscore belongs to the module that defines it. Another module may not import it
(`from x import _name`) nor read it (`thing._name`) unless it defines that name itself: what modules share is
public and documented where it is defined. An object's own attributes (`self._x`, `cls._x`, inherited ones
included) are its own business. The check is by name, from the source (AST): `other._name` counts as another
module's when `_name` is defined in some other project module and not in this one. Names no project module
defines (a library's) are out of its scope.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("conformance", "strategies", "schemas", "bedrock_emulator", "benchmarks")


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


@cache
def _trees() -> dict[Path, ast.AST]:
    return {path: ast.parse(path.read_text(encoding="utf-8"))
            for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))}


def _defined(tree: ast.AST) -> set[str]:
    """Every name the module defines or binds: functions, classes, assignments (attributes too), arguments."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.keyword) and node.arg:
            names.add(node.arg)
    return names


def _project_module(module: str | None, level: int) -> bool:
    return bool(level) or (module or "").split(".")[0] in PACKAGES


def violations(trees: dict[Path, ast.AST]) -> list[str]:
    defined = {path: _defined(tree) for path, tree in trees.items()}
    everywhere = set().union(*defined.values()) if defined else set()
    found = []
    for path, tree in trees.items():
        where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and _project_module(node.module, node.level):
                found += [f"{where}:{node.lineno}: from {'.' * node.level}{node.module or ''} import {alias.name}"
                          for alias in node.names if _private(alias.name)]
            elif (isinstance(node, ast.Attribute) and _private(node.attr) and node.attr not in defined[path]
                  and node.attr in everywhere
                  and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))):
                found.append(f"{where}:{node.lineno}: .{node.attr}")
    return found


def test_no_module_reads_another_modules_private_names() -> None:
    found = violations(_trees())
    assert not found, ("another module's _private name (make it public where it is defined, and say so):\n"
                       + "\n".join(found))


def test_the_rule_can_fail(tmp_path: Path) -> None:
    owner = ast.parse("class T:\n    def __init__(self):\n        self._secret = 1\n_helper = 2\n")
    reader = ast.parse("from conformance.owner import _helper\n\ndef f(t):\n    return t._secret, t.public\n")
    inherits = ast.parse("class U(T):\n    def g(self):\n        return self._secret\n")
    found = violations({ROOT / "owner.py": owner, ROOT / "reader.py": reader, ROOT / "inherits.py": inherits})
    assert found == ["reader.py:1: from conformance.owner import _helper", "reader.py:4: ._secret"]
