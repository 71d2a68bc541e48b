"""The import graph of server/twoway, from the source: no circles, and layers import downward
only. The layers are defined once, in the table of docs/architecture.md ("# Layers"); this test
reads that table.

Every import statement counts, also one inside a function or under TYPE_CHECKING: a circle
hidden in a function is still a circle. Importing `twoway.a.b` runs `twoway/a/__init__.py`
first; that is Python's package mechanics, not a dependency the code states, so it is not an edge.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "server" / "twoway"
ARCHITECTURE = ROOT / "docs" / "architecture.md"


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Module -> the twoway modules it imports (names without the leading `twoway.`, the
    package itself is `twoway`)."""
    files = {module_name(p, package): p for p in package.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        here = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here.split(".")[:len(here.split(".")) - node.level + 1]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                for alias in node.names:
                    sub = f"{module}.{alias.name}"
                    targets.add(sub if sub in files else module)
            elif isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
        graph[name] = {t for t in targets if t in files and t != name}
    return graph


def layers_from_docs(text: str) -> list[tuple[str, list[str]]]:
    """[(layer name, module patterns)] from the Layers table, top layer first."""
    section = text.split("# Layers", 1)[1]
    rows = re.findall(r"^\| (\d+)\. ([^|]+?) \| ([^|]+) \|$", section, re.MULTILINE)
    return [(name, re.findall(r"`([\w.*]+)`", modules)) for _, name, modules in rows]


def layer_of(module: str, layers) -> int | None:
    short = module.removeprefix("twoway.") if module != "twoway" else "twoway"
    for index, (_, patterns) in enumerate(layers):
        for pattern in patterns:
            if short == pattern or (pattern.endswith(".*") and short.startswith(pattern[:-1])):
                return index
    return None


def upward_imports(graph: dict[str, set[str]], layers) -> list[str]:
    """Each import of a module from a higher layer than its own, described."""
    out = []
    for module, targets in graph.items():
        low = layer_of(module, layers)
        for target in targets:
            high = layer_of(target, layers)
            if low is not None and high is not None and high > low:
                out.append(f"{module} ({layers[low][0]}) imports {target} ({layers[high][0]})")
    return sorted(out)


def find_circle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle as a path a -> ... -> a, or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


@pytest.fixture(scope="module")
def graph():
    return import_graph()


@pytest.fixture(scope="module")
def layers():
    found = layers_from_docs(ARCHITECTURE.read_text(encoding="utf-8"))
    assert len(found) >= 5, "docs/architecture.md has no Layers table"
    return found


def test_no_import_circle(graph):
    circle = find_circle(graph)
    assert circle is None, "import circle: " + " -> ".join(circle)


def test_every_module_has_a_layer(graph, layers):
    missing = sorted(m for m in graph if layer_of(m, layers) is None)
    assert not missing, f"modules in no layer (add them to the Layers table of docs/architecture.md): {missing}"


def test_layers_import_downward_only(graph, layers):
    upward = upward_imports(graph, layers)
    assert not upward, "imports reaching up a layer:\n" + "\n".join(upward)


def test_the_checker_sees_a_circle_and_an_upward_import(tmp_path):
    """The graph builder and the checks catch what they are for: a circle through an import
    inside a function (as the TYPE_CHECKING one engine -> rules/base -> engine was), and an
    import that reaches up a layer."""
    package = tmp_path / "twoway"
    (package / "rules").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "engine.py").write_text("from .rules import base\n")
    (package / "rules" / "__init__.py").write_text("")
    (package / "rules" / "base.py").write_text("def f():\n    from ..engine import Linter\n")
    graph = import_graph(package)
    assert graph["twoway.engine"] == {"twoway.rules.base"}
    assert graph["twoway.rules.base"] == {"twoway.engine"}
    assert find_circle(graph) == ["twoway.engine", "twoway.rules.base", "twoway.engine"]
    layers = layers_from_docs("# Layers\n| layer | modules |\n|---|---|\n| 1. low | `rules.*` |\n| 2. high | `engine` |\n")
    assert layer_of("twoway.rules.base", layers) == 0 and layer_of("twoway.engine", layers) == 1
    assert layer_of("twoway.api", layers) is None
    assert upward_imports(graph, layers) == ["twoway.rules.base (low) imports twoway.engine (high)"]
    assert upward_imports({"twoway.engine": {"twoway.rules.base"}, "twoway.rules.base": set()}, layers) == []
