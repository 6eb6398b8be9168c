"""The layering rules of ARCHITECTURE.md, enforced on every module's imports (function-level imports included).

- Imports only point down the declared layers (a module may import its own layer and the layers below).
- No import cycles between modules.
- The folder tree shows the layers: only the front doors (cli, __main__, plugin) sit at the top of
  `conformance/`; each folder is one layer or a run of adjacent layers, no layer split between two folders.
- `strategies` and `schemas` never import `conformance`; `strategies` imports only `schemas`, Hypothesis and the
  standard library.
- `bedrock_emulator` imports nothing of the project, and only `conformance.targets.starters` (glue that starts a
  target) and `conformance.cli` (`serve`, `faults`) import it: the suite's expectations and the emulator never
  meet.
- Imports under `if TYPE_CHECKING:` are exempt from the layer and cycle rules (they never run: a type annotation
  may name a class of a higher layer, e.g. `Target.plan: Plan`); the emulator and strategies rules still see
  them.
- Only `conformance.cli` reads the fault catalogue (self-test data naming faults of the emulator).
- Nothing in the packages imports `benchmarks`.
"""

from __future__ import annotations

import ast
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("conformance", "strategies", "schemas", "bedrock_emulator")

# Top to bottom. A module belongs to the layer of its longest matching prefix (a package's own __init__ is
# "<package>.__init__"). Keep in step with ARCHITECTURE.md's "Layers".
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("command line", ("conformance.cli", "conformance.__main__")),
    ("pytest plugin", ("conformance.plugin",)),
    ("suite", ("conformance.suite",)),
    ("drivers", ("conformance.drivers",)),
    ("run", ("conformance.session",)),
    ("reports", ("conformance.report",)),
    ("expectations", ("conformance.targets.expect",)),
    ("target", ("conformance.targets",)),
    ("target parts", ("conformance.targets.starters", "conformance.targets.clients", "conformance.targets.ledger")),
    ("aws safety", ("conformance.targets.aws",)),
    ("checker", ("conformance.checker",)),
    ("catalogue", ("conformance.catalogue", "conformance.__init__")),
    ("strategies", ("strategies",)),
    ("schemas", ("schemas",)),
    ("reference emulator", ("bedrock_emulator",)),
)
EMULATOR_IMPORTERS = ("conformance.targets.starters", "conformance.cli")
CATALOGUE_READERS = ("conformance.cli",)
STRATEGIES_MAY_IMPORT = {"schemas", "hypothesis", "strategies", "__future__"} | set(sys.stdlib_module_names)


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The project module an imported name lives in (None: not the project's)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _type_checking_imports(tree: ast.AST) -> set[int]:
    """The ids of the import nodes under `if TYPE_CHECKING:` (they never run)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and (getattr(node.test, "id", None) == "TYPE_CHECKING"
                                         or getattr(node.test, "attr", None) == "TYPE_CHECKING"):
            found |= {id(inner) for child in node.body for inner in ast.walk(child)
                      if isinstance(inner, (ast.Import, ast.ImportFrom))}
    return found


def _imported_names(path: Path, module: str, *, runtime_only: bool = False) -> list[tuple[str, int]]:
    """Every name imported anywhere in the file (module level, functions, TYPE_CHECKING blocks unless
    ``runtime_only``): (name, line)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: list[tuple[str, int]] = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = _type_checking_imports(tree) if runtime_only else set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            names += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            # `from conformance.session import run` imports the module conformance.session.run.
            submodules = [f"{source}.{alias.name}" for alias in node.names if f"{source}.{alias.name}" in MODULES]
            names += [(name, node.lineno) for name in submodules]
            if len(submodules) < len(node.names):
                names.append((source, node.lineno))
    return names


@cache
def graph(*, runtime_only: bool = False) -> dict[str, dict[str, int]]:
    """module -> {project module it imports: line}; ``runtime_only``: without the TYPE_CHECKING imports."""
    edges: dict[str, dict[str, int]] = {}
    for module, path in MODULES.items():
        edges[module] = {}
        for name, line in _imported_names(path, module, runtime_only=runtime_only):
            target = _resolve(name)
            if target is not None and target != module:
                edges[module].setdefault(target, line)
    return edges


def layer_of(module: str) -> int | None:
    module = f"{module}.__init__" if module in PACKAGES else module
    best: tuple[int, int] | None = None
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                if best is None or len(prefix) > best[0]:
                    best = (len(prefix), index)
    return None if best is None else best[1]


def _where(module: str, target: str) -> str:
    return f"{MODULES[module].relative_to(ROOT)}:{graph()[module][target]} imports {target}"


def runtime_graph() -> dict[str, dict[str, int]]:
    """The imports the layer and cycle rules judge: those that run (TYPE_CHECKING imports are exempt)."""
    return graph(runtime_only=True)


def test_every_module_has_a_layer():
    missing = sorted(m for m in MODULES if layer_of(m) is None)
    assert not missing, f"declare the layer of {missing} in LAYERS (and ARCHITECTURE.md)"


def test_every_layer_names_modules():
    """A row of LAYERS naming no module (one moved or renamed) fails instead of quietly matching nothing."""
    stale = [prefix for _, prefixes in LAYERS for prefix in prefixes
             if not any(m == prefix.removesuffix(".__init__") or m.startswith(prefix + ".") for m in MODULES)]
    assert not stale, f"LAYERS names no module for {stale}"


FRONT_DOORS = {"conformance", "conformance.__main__", "conformance.cli", "conformance.plugin"}


def test_the_folder_tree_shows_the_layers():
    """Only the front doors sit at the top of conformance/; each of its folders is one layer or a run of adjacent
    layers, and no layer is split between two folders."""
    flat = sorted(m for m, path in MODULES.items() if path.parent == ROOT / "conformance" and m not in FRONT_DOORS)
    assert not flat, f"put {flat} in the folder of its layer (ARCHITECTURE.md, Layers)"
    folders: dict[str, set[int]] = {}
    for module in MODULES:
        parts = module.split(".")
        if parts[0] == "conformance" and len(parts) > 1 and module not in FRONT_DOORS:
            folders.setdefault(parts[1], set()).add(layer_of(module))
    for folder, layers in folders.items():
        assert layers == set(range(min(layers), max(layers) + 1)), f"conformance/{folder}/ skips a layer: {layers}"
    split = [(a, b) for a in folders for b in folders if a < b and folders[a] & folders[b]]
    assert not split, f"a layer is split between folders: {split}"


def test_imports_only_point_down():
    upward = []
    for module, targets in runtime_graph().items():
        for target in targets:
            mine, theirs = layer_of(module), layer_of(target)
            if mine is not None and theirs is not None and theirs < mine:
                upward.append(f"{_where(module, target)} ({LAYERS[mine][0]} -> {LAYERS[theirs][0]})")
    assert not upward, "imports pointing up the layers:\n" + "\n".join(upward)


def _cycles(edges: dict[str, dict[str, int]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, {}):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles():
    cycles = _cycles(runtime_graph())
    detail = ["; ".join(_where(a, b) for a in cycle for b in cycle if b in runtime_graph()[a]) for cycle in cycles]
    assert not cycles, "import cycles (function-level imports count):\n" + "\n".join(detail)


def test_the_cycle_finder_finds_cycles():
    assert _cycles({"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b": 1}, "b": {}}) == []


@pytest.mark.parametrize("package", ["strategies", "schemas"])
def test_strategies_and_schemas_never_import_conformance(package):
    bad = [_where(m, t) for m, targets in graph().items() if m.split(".")[0] == package
           for t in targets if t.split(".")[0] == "conformance"]
    assert not bad, bad


def test_strategies_import_only_schemas_hypothesis_and_stdlib():
    for module, path in MODULES.items():
        if module.split(".")[0] == "strategies":
            for name, line in _imported_names(path, module):
                assert name.split(".")[0] in STRATEGIES_MAY_IMPORT, f"{path.name}:{line} imports {name}"


def test_the_emulator_and_the_suite_never_import_each_other():
    bad = []
    for module, targets in graph().items():
        for target in targets:
            if module.split(".")[0] == "bedrock_emulator" and target.split(".")[0] != "bedrock_emulator":
                bad.append(_where(module, target))
            if target.split(".")[0] == "bedrock_emulator" and module.split(".")[0] != "bedrock_emulator" \
                    and module not in EMULATOR_IMPORTERS:
                bad.append(_where(module, target))
    assert not bad, ("only conformance.targets.starters and conformance.cli may import the emulator:\n"
                     + "\n".join(bad))


def test_only_the_cli_reads_the_fault_catalogue():
    bad = [_where(m, t) for m, targets in graph().items() for t in targets
           if t == "conformance.catalogue.fault_catalogue" and m not in CATALOGUE_READERS]
    assert not bad, bad


def test_packages_never_import_benchmarks():
    bad = [f"{MODULES[m].relative_to(ROOT)}:{line} imports {name}"
           for m, path in MODULES.items() for name, line in _imported_names(path, m)
           if name.split(".")[0] == "benchmarks"]
    assert not bad, bad


def test_the_rules_can_fail():
    """The rules see function-level imports and point at the line."""
    assert layer_of("conformance.drivers.stateful.base") == layer_of("conformance.drivers.schemathesis_phase")
    assert layer_of("conformance.reporting") is None  # a prefix matches whole dotted names only
    assert layer_of("conformance.cli") < layer_of("conformance.session.run") \
        < layer_of("conformance.catalogue.clauses")
    assert "conformance.targets.target" in graph()["conformance.session.run"]  # imported inside a function
    # a TYPE_CHECKING import (Target.plan: Plan) is seen, and exempt from the layer and cycle rules only
    assert "conformance.drivers.plan" in graph()["conformance.targets.target"]
    assert "conformance.drivers.plan" not in runtime_graph()["conformance.targets.target"]
