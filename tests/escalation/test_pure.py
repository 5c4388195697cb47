"""The escalation package is plain Python: its modules import neither Flask nor Redis, and from
the rest of the server nothing at all — so they move, and run, on their own."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "server" / "escalation"
FORBIDDEN = {"flask", "werkzeug", "redis", "flask_wtf", "flask_limiter"}


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_flask_no_redis_and_nothing_else_of_the_server() -> None:
    modules = sorted(PACKAGE.glob("*.py"))
    assert {"model", "tickets", "misp", "stix", "archive", "redact"} <= {p.stem for p in modules}
    for path in modules:
        for name in imported_modules(path):
            root = name.split(".")[0]
            assert root not in FORBIDDEN, (path.name, name)
            if root == "server":
                assert name.startswith("server.escalation"), (path.name, name)
