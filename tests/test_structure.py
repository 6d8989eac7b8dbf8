"""The code's shape stays what the README's code map says: small modules, no import cycles, and
imports that point down only (bot -> watchers -> rules).

Imports are read from the source with `ast`, wherever they stand: at the top, inside a function (a
lazy import is still a dependency) or under `if TYPE_CHECKING:`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "watchers", "rules")
# A layer may import the layers after it in this tuple, never those before it.
LAYERS = ("bot", "watchers", "rules")
MAX_LINES = 400
# Inside watchers/, the stages in the order data flows down through imports: a stage may import the
# stages after it in this tuple (and itself), never those before it. The pipeline calls dedup
# (stories), dedup calls the store, the store calls nothing above it; feeds and statements are pure
# stages any of them may use.
WATCHERS_STAGES = ("pipeline", "stories", "store", "statements", "feeds", "model")


def _modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


MODULES = _modules()


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _resolve(name: str) -> str | None:
    """The most specific module of ours that `name` (a module or a name inside one) stands for."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(module: str) -> set[str]:
    """Every module of ours that `module` imports, lazily or not."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"), filename=str(MODULES[module]))
    here = module if _is_package(module) else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = here.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            # "from pkg import name": the submodule pkg.name when there is one, else pkg itself
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        else:
            continue
        for target in targets:
            resolved = _resolve(target)
            if resolved is not None and resolved != module:
                found.add(resolved)
    return found


GRAPH = {name: imports_of(name) for name in MODULES}


def _layer(module: str) -> int:
    return LAYERS.index(module.split(".")[0])


def non_blank_lines(path: Path) -> int:
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


def test_the_checker_sees_the_code() -> None:
    # guards the checks below against passing on an empty graph
    assert len(MODULES) > 30
    assert "watchers.pipeline" in MODULES
    assert any(dep.startswith("rules.") for dep in GRAPH["watchers.pipeline"])
    assert any(dep.startswith("watchers.") for dep in GRAPH["bot.cli"])
    assert set(WATCHERS_STAGES) == {m.split(".")[1] for m in MODULES if m.count(".") >= 1 and m.startswith("watchers.")}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_is_small(module: str) -> None:
    lines = non_blank_lines(MODULES[module])
    assert lines <= MAX_LINES, (
        f"{MODULES[module].relative_to(ROOT)} has {lines} non-blank lines (at most {MAX_LINES}): "
        "split it along its own seams"
    )


def test_imports_point_down_only() -> None:
    wrong = sorted(
        f"{module} imports {dep}"
        for module, deps in GRAPH.items()
        for dep in deps
        if _layer(dep) < _layer(module)
    )
    assert not wrong, "imports must point down (bot -> watchers -> rules):\n" + "\n".join(wrong)


def _stage(module: str) -> int | None:
    parts = module.split(".")
    if parts[0] != "watchers" or len(parts) < 2:
        return None
    return WATCHERS_STAGES.index(parts[1])


def test_watchers_stages_import_down_only() -> None:
    wrong = sorted(
        f"{module} imports {dep}"
        for module, deps in GRAPH.items()
        for dep in deps
        if (a := _stage(module)) is not None and (b := _stage(dep)) is not None and b < a
    )
    assert not wrong, f"inside watchers/, imports go {' -> '.join(WATCHERS_STAGES)}:\n" + "\n".join(wrong)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return out


def test_no_import_cycles() -> None:
    cycles = _cycles(GRAPH)
    assert not cycles, "import cycles (lazy imports count):\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
