"""No import cycle among the project's modules, counting imports inside functions too (a cycle hidden in a
function is still a cycle: each module needs the other to be understood, and to be loaded)."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, List, Set

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "actions")


def modules(folder: Path, package: str) -> Dict[str, Path]:
    found = {}
    for path in sorted((folder / package).rglob("*.py")):
        name = ".".join(path.relative_to(folder).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


def import_graph(folder: Path, packages: tuple = PACKAGES) -> Dict[str, Set[str]]:
    """Module -> the project's modules it imports anywhere in its text (a package's own parents aside: a
    module of ``bot.privacy`` may use what ``bot/privacy/__init__.py`` gathers)."""
    known = {name: path for package in packages for name, path in modules(folder, package).items()}
    graph: Dict[str, Set[str]] = {name: set() for name in known}
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
                targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
            else:
                continue
            for target in targets:
                while target and target not in known:
                    target = target.rpartition(".")[0]
                if target and target != name and not name.startswith(target + "."):
                    graph[name].add(target)
    return graph


def cycles(graph: Dict[str, Set[str]]) -> List[List[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, without recursion)."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    found: List[List[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
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
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_the_project_has_no_import_cycle() -> None:
    assert cycles(import_graph(ROOT)) == []


def test_a_cycle_through_an_import_inside_a_function_is_found(tmp_path: Path) -> None:
    package = tmp_path / "bot"
    (package / "stores").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "stores" / "__init__.py").write_text("")
    (package / "stores" / "broker.py").write_text("from bot.stores.tracker_store import scrubber_for\n")
    (package / "stores" / "tracker_store.py").write_text(
        "def publishing():\n    from bot.stores.broker import Broker\n")
    (package / "stores" / "scrub.py").write_text("from . import broker\n")
    assert cycles(import_graph(tmp_path, ("bot",))) == [["bot.stores.broker", "bot.stores.tracker_store"]]
