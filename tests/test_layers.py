"""The package's layers: imports flow one way, and the hooks' modules stay stdlib-only.

A module may import from its own layer and the layers below it, never from a layer above. The
test reads every import (also the ones inside functions, which are how modules defer their
cost) with the ast module, so a deferred import cannot hide a circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "gitmilestone"

# Lowest first. `errors` and `resources` are shared by everything.
LAYERS = [
    {"errors", "resources", "__init__"},
    {"core"},
    {"git", "storage"},
    {"workspace", "analysis"},
    {"commands"},
    {"render"},
    {"hooks"},
    {"cli", "__main__", "launch"},
]
# git/ and storage/ sit side by side: storage may ask git where the repository is, and git
# never reads plan files.
ALLOWED_SIDEWAYS = {
    ("storage", "git"),
    ("__main__", "cli"),
    ("__main__", "launch"),
    ("launch", "cli"),  # the executable: a kept view printed as is, else the command line
}
# Modules the hooks load on every commit: nothing outside the standard library, and none of
# the standard library's slow modules either.
HOOK_PATH = [
    "hooks/handlers.py",
    "hooks/run.py",
    "git/where.py",
    "git/shortids.py",
    "git/branchwait.py",
    "git/spawn.py",
    "git/runner.py",
    "git/localstate.py",
    "git/headfile.py",
    "git/notewrite.py",
    "core/trailers.py",
]
HEAVY = {"pygit2", "jsonschema", "jsonschema_rs", "click", "yaml", "ruamel", "rich", "subprocess"}


def _layer(top: str) -> int:
    return next(i for i, names in enumerate(LAYERS) if top in names)


def _top(module: str) -> str:
    return module.split(".")[1] if module.startswith("gitmilestone.") else module


def _imports(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from pkg import mod` imports pkg.mod; `from mod import name` only mod.
            found += [(f"{node.module}.{a.name}", node.lineno) for a in node.names]
            found.append((node.module, node.lineno))
        elif isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names]
    return found


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "_data" not in p.parts)


def _own_top(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_flow_downwards(path: Path) -> None:
    mine = _own_top(path)
    wrong = []
    for module, line in _imports(path):
        if not module.startswith("gitmilestone.") or module.startswith("gitmilestone.__"):
            continue
        theirs = _top(module)
        if theirs == mine or (mine, theirs) in ALLOWED_SIDEWAYS:
            continue
        if _layer(theirs) >= _layer(mine):
            wrong.append(f"line {line}: {module}")
    assert not wrong, f"{path.relative_to(PACKAGE)} imports from a layer above it: {wrong}"


def _loaded_on_import(path: Path) -> set[str]:
    """Modules imported when `path` is imported: its top-level statements only (imports in
    functions are paid by the caller that needs them, TYPE_CHECKING blocks never)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
    return names


@pytest.mark.parametrize("rel", HOOK_PATH)
def test_hook_path_is_light(rel: str) -> None:
    """What a commit loads: a heavy import here costs every commit in every repository."""
    tops = _loaded_on_import(PACKAGE / rel)
    assert not tops & HEAVY, f"{rel} imports {sorted(tops & HEAVY)}"


def test_no_module_is_flat_beside_the_layers() -> None:
    """Every module sits in the folder of its layer; only the shared ones stay at the top."""
    flat = {p.stem for p in PACKAGE.glob("*.py")}
    # launch: the executable's entry, which must not import the cli package (click) first.
    assert flat <= {"__init__", "__main__", "errors", "resources", "workspace", "launch"}


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def test_no_import_circles() -> None:
    """No module reaches itself through imports, deferred ones included: a circle means two
    modules that are really one, or a rule in the wrong place."""
    known = {_module_name(p): p for p in _modules()}
    graph = {
        name: {m for m, _ in _imports(path) if m in known and m != name and "." in m}
        for name, path in known.items()
    }
    graph = {n: {m for m in deps if not n.startswith(m + ".")} for n, deps in graph.items()}
    circles = [" -> ".join(c) for c in _cycles(graph)]
    assert not circles, f"import circles: {circles}"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                found.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found
