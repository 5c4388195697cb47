"""The folders are the architecture, and the imports keep it so (docs/architecture.md):

- no route module imports another route module: what two doors share lives in ``server.services``;
- services, storage and lookups never read a request: they are called by routes, pages and
  commands alike;
- the library never imports the server (or Flask, or Redis).

Modules are read with ``ast``, not imported, so a new module is covered without editing this file.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROUTE_METHODS = {"get", "post", "put", "patch", "delete", "route"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(package: str) -> dict[str, ast.Module]:
    return {
        module_name(path): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def imported(name: str, tree: ast.Module, known: set[str]) -> set[str]:
    """The modules of ``known`` that a module imports (``from a import b`` counts ``a.b`` when it is a module)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module if node.level == 0 else _relative(name, node.module, node.level)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found & known


def _relative(name: str, module: str, level: int) -> str:
    package = name.split(".")[:-level]
    return ".".join([*package, module])


def declares_routes(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                call = decorator.func if isinstance(decorator, ast.Call) else decorator
                if (
                    isinstance(call, ast.Attribute)
                    and call.attr in ROUTE_METHODS
                    and isinstance(call.value, ast.Name)
                    and call.value.id == "bp"
                ):
                    return True
    return False


SERVER = modules("server")
ROUTES = {name for name, tree in SERVER.items() if declares_routes(tree)}


def test_the_scan_finds_the_route_modules() -> None:
    assert {"server.api.check", "server.api.reviews", "server.console.views"} <= ROUTES
    assert "server.services.check" not in ROUTES


def test_no_route_module_imports_another() -> None:
    crossing = {
        name: sorted(imported(name, SERVER[name], ROUTES) - {name})
        for name in ROUTES
        if imported(name, SERVER[name], ROUTES) - {name}
    }
    assert crossing == {}, "move what both doors share into server/services"


def test_services_storage_and_lookups_never_read_a_request() -> None:
    readers = {}
    for name, tree in SERVER.items():
        if not name.startswith(("server.services", "server.storage", "server.lookups")):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "flask":
                names = {alias.name for alias in node.names} & {"request", "g", "session"}
                if names:
                    readers[name] = sorted(names)
        if imported(name, tree, ROUTES):
            readers[name] = sorted(imported(name, tree, ROUTES))
    assert readers == {}


def test_the_library_does_not_know_the_server() -> None:
    library = modules("heuristics")
    for name, tree in library.items():
        for node in ast.walk(tree):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            assert not any(n.split(".")[0] in {"server", "flask", "redis"} for n in names), name
