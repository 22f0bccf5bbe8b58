"""The code's directions, proved: import-linter's contracts in pyproject.toml (layers, ocr a
leaf, no textual below the CLI, no SQL modules in tui), and no import cycle among namecards'
modules, counting the imports made inside functions too."""

import ast
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]


def test_import_linter_contracts_are_kept(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


def _modules() -> dict[str, Path]:
    found = {}
    for path in (ROOT / "namecards").rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def import_graph() -> dict[str, set[str]]:
    """module -> the namecards modules it imports anywhere in its text (top level, inside
    functions, under TYPE_CHECKING): an import made late is still a dependency."""
    modules = _modules()

    def known(name: str) -> str | None:
        parts = name.split(".")
        while parts and ".".join(parts) not in modules:
            parts.pop()
        return ".".join(parts) or None

    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(known(a.name) for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package[: len(package) - node.level + 1]
                    base = ".".join(up + ([node.module] if node.module else []))
                # `from package import module` imports the module; `from module import name`
                # the module itself.
                targets.update(known(f"{base}.{a.name}") for a in node.names)
        graph[name] = {t for t in targets if t and t != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_cycles_among_namecards_modules():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_sees_function_level_imports(tmp_path):
    # The walk must see an import hidden in a function, or the test above proves nothing.
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    stats = import_graph()["namecards.services.stats"]
    assert "namecards.domain.card_kinds" in stats  # imported only inside its functions
    assert "namecards.services.scanning" not in stats


# What reaches the database: the CLI calls the API and prints, it runs no SQL of its own.
DATABASE_ATTRIBUTES = {"db", "execute", "executescript", "query", "rows_where", "conn"}


def database_reaches(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(node.lineno, node.attr) for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr in DATABASE_ATTRIBUTES]


def test_the_cli_runs_no_sql():
    found = {path.name: hits for path in sorted((ROOT / "namecards" / "cli").glob("*.py"))
             if (hits := database_reaches(path))}
    assert found == {}


def test_the_sql_finder_sees_a_query(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("def f(store):\n    return list(store.db.query('select 1'))\n")
    assert sorted(database_reaches(probe)) == [(2, "db"), (2, "query")]


def private_reaches(path: Path) -> list[tuple[int, str]]:
    """`from namecards.x import _name` (or ocr/tui): a module using another's private name."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if (isinstance(node, ast.ImportFrom) and node.module
                and node.module.split(".")[0] in ("namecards", "ocr", "tui")):
            found += [(node.lineno, a.name) for a in node.names
                      if a.name.startswith("_") and not a.name.startswith("__")]
    return found


def test_no_module_imports_another_modules_private_names():
    reaches = {str(path.relative_to(ROOT)): hits
               for package in ("namecards", "ocr", "tui")
               for path in sorted((ROOT / package).rglob("*.py"))
               if (hits := private_reaches(path))}
    assert reaches == {}


def test_the_private_reach_finder_sees_one(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("from namecards.services.scanning import scan, _secret\nfrom os import _exit\n")
    assert private_reaches(probe) == [(1, "_secret")]
