"""The repository stands on its own: no document, source or test cites a design note that is not
in it, or a path that exists only on one machine (data comes by argument)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ["README.md", "Makefile", "docs", "server", "heuristics", "bench", "tests", "extension", "deploy", ".ci"]
SKIPPED_DIRS = {"node_modules", "__pycache__", ".hypothesis"}
TEXT_SUFFIXES = {".md", ".py", ".js", ".mjs", ".json", ".toml", ".html", ".yaml", ".yml", ".txt", ".css", ""}
# Built from parts so this file does not match itself.
FORBIDDEN = {
    "a design note outside the repository": re.compile(
        "|".join(name + r"\.md" for name in ("ARCHITECTURE", "FINDINGS", "API"))
    ),
    "a machine path": re.compile("/" + "work/|" + r"\.\./" + "shared/(?:data|design)|" + "shared/" + "data/"),
}


def scanned_files() -> list[Path]:
    files = []
    for entry in SCANNED:
        path = ROOT / entry
        candidates = [path] if path.is_file() else path.rglob("*")
        for file in candidates:
            if file.is_file() and file.suffix in TEXT_SUFFIXES and not SKIPPED_DIRS & set(file.parts):
                files.append(file)
    return files


@pytest.mark.parametrize("what", sorted(FORBIDDEN))
def test_nothing_points_outside_the_repository(what: str) -> None:
    pattern = FORBIDDEN[what]
    hits = [
        f"{file.relative_to(ROOT)}:{number}: {line.strip()}"
        for file in scanned_files()
        for number, line in enumerate(file.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        if pattern.search(line)
    ]
    assert hits == [], f"{what}:\n" + "\n".join(hits)


def test_the_scan_sees_the_documents_and_the_code() -> None:
    names = {file.relative_to(ROOT).as_posix() for file in scanned_files()}
    assert {"README.md", "docs/evaluation.md", "server/api/check.py", "bench/names_eval.py"} <= names
