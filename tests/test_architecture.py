"""The shape of the code, read from its source (ast, nothing imported): agent/ has no import circle,
only the CLI modules import typer or the CLI, reflect_env imports nothing from agent/."""
from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The modules that are the command line: they may import typer and each other; nothing else may.
CLI_MODULES = ("agent.cli", "agent.cli_util", "agent.commands", "agent.__main__")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules(package: str) -> dict[str, Path]:
    return {_module_name(p): p for p in sorted((REPO / package).rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(path: Path, name: str) -> list[tuple[str, int]]:
    """(module imported, line) for every import in the file, inside functions too; the body of an
    `if TYPE_CHECKING:` is skipped (it never runs). `from X import y` yields X.y as well as X, since y
    may be a submodule; the caller keeps the names that are modules."""
    is_package = path.name == "__init__.py"
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.extend((a.name, node.lineno) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((module, node.lineno))
            found.extend((f"{module}.{a.name}", node.lineno) for a in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    return found


def _graph(package: str) -> dict[str, dict[str, int]]:
    """module -> {module of `package` it imports: first line}."""
    modules = _modules(package)
    graph: dict[str, dict[str, int]] = {}
    for name, path in modules.items():
        edges: dict[str, int] = {}
        for target, line in _imports(path, name):
            if target in modules and target != name:
                edges.setdefault(target, line)
        graph[name] = edges
    return graph


def _cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Each strongly connected component with more than one module (Tarjan), as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in graph:
        if v not in index:
            connect(v)
    return out


def _is_cli(module: str) -> bool:
    return any(module == m or module.startswith(m + ".") for m in CLI_MODULES)


def test_agent_has_no_import_circle():
    graph = _graph("agent")
    circles = _cycles(graph)
    described = ["; ".join(f"{a} -> {b} (line {graph[a][b]})" for a in c for b in graph[a] if b in c)
                 for c in circles]
    assert not circles, "import circles in agent/:\n" + "\n".join(described)


def test_only_the_cli_imports_typer_or_the_cli():
    offenders = []
    for package in ("agent", "reflect_env", "baselines"):
        for name, path in _modules(package).items():
            if _is_cli(name):
                continue
            for target, line in _imports(path, name):
                if target.split(".")[0] in ("typer", "click") or _is_cli(target):
                    offenders.append(f"{path.relative_to(REPO)}:{line} imports {target}")
    assert not offenders, "library code imports the CLI:\n" + "\n".join(sorted(set(offenders)))


def test_reflect_env_imports_nothing_from_agent():
    offenders = [f"{path.relative_to(REPO)}:{line} imports {target}"
                 for name, path in _modules("reflect_env").items()
                 for target, line in _imports(path, name) if target.split(".")[0] == "agent"]
    assert not offenders, "\n".join(offenders)


# -- the checker itself: a circle it must see, one it must not ---------------------------------------

def _graph_of(tmp_path: Path, files: dict[str, str]) -> dict[str, dict[str, int]]:
    modules = {}
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
        parts = list(Path(rel).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = p
    return {n: {t: line for t, line in _imports(p, n) if t in modules and t != n} for n, p in modules.items()}


def test_the_checker_sees_a_circle_through_a_function_import_but_not_under_type_checking(tmp_path):
    circle = _graph_of(tmp_path / "a", {
        "pkg/__init__.py": "", "pkg/loop.py": "from pkg import helper\n",
        "pkg/helper.py": "def f():\n    from pkg.loop import g\n"})
    assert _cycles(circle) == [["pkg.helper", "pkg.loop"]]
    typing_only = _graph_of(tmp_path / "b", {
        "pkg/__init__.py": "", "pkg/loop.py": "from . import helper\n",
        "pkg/helper.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.loop import g\n"})
    assert "pkg.helper" in typing_only["pkg.loop"] and typing_only["pkg.helper"] == {} and _cycles(typing_only) == []


def test_test_modules_share_helpers_through_one_module():
    """tests/helpers.py holds what the tests share; a test module importing another's constants couples
    two unrelated test files (test_eval_support.py is the old name, kept as a re-export)."""
    offenders = []
    for path in sorted((REPO / "tests").glob("test_*.py")):
        if path.name == "test_eval_support.py":
            continue
        for target, line in _imports(path, f"tests.{path.stem}"):
            if target.startswith("tests.test_") and target.split(".")[1] != path.stem:
                offenders.append(f"{path.name}:{line} imports {target}")
    assert not offenders, "\n".join(sorted(set(offenders)))
