"""What README.md and docs/*.md tell a reader to open or run exists: every repository path they
name (``server/web/limits.py``, ``tests/api/test_reports.py::test_…``),
every ``make`` target, every ``flask --app server`` command and its options, and every option
shown for a ``bench/*.py`` script or ``python -m bench.figures``. Files had moved and commands
been renamed under documents that still named the old ones."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from tests.docs.markdown import DOCUMENTS, ROOT, code_spans, fences

TOP_LEVEL = ("server", "heuristics", "bench", "tests", "deploy", "extension", "docs", ".ci")
# A repository path: a top-level folder, then path characters; ``::test`` or ``:line`` may follow.
TOP = "|".join(map(re.escape, TOP_LEVEL))
PATH = re.compile(r"(?<![\w./-])(?:\.\./)?((?:" + TOP + r")/[\w./*<>{}…-]*[\w/*>}…])(?:::(\w+))?")
# Files an operator makes by following the documents, never in the repository.
MADE_BY_THE_READER = {"deploy/.env"}
MAKE = re.compile(r"(?<![\w-])make ((?:[a-z][\w-]*\s*)+)")
FLASK = re.compile(r"flask --app server ((?:[^\n`|&;>]|(?<! )\|(?! ))*)")
BENCH = re.compile(
    r"(?:python |python -m |\s|^)(bench/\w+\.py|bench\.(?!figures\b)\w+)"  # the script, then its words
    r"((?:\s+(?:--?[\w-]+(?:[ =](?!-)[^\s\\`]+)?|[^\s\\`-][^\s\\`]*))*)"
)
FIGURES = re.compile(r"python -m bench\.figures((?:\s+[\w=.-]+)*)")


def texts() -> list[tuple[str, str]]:
    """(where, text) of every code span and command block of the documents."""
    found = []
    for document in DOCUMENTS:
        name = document.relative_to(ROOT).as_posix()
        for span in [*code_spans(document), *fences(document)]:
            found.append((f"{name}:{span.line}", span.text))
    return found


def mentioned_paths() -> list[tuple[str, str, str | None]]:
    """(where, path, test name or None) of every repository path a document names, in code or in
    prose (a path with a placeholder, ``<thing>.py`` or ``extract-*.js``, is a pattern: left out)."""
    found = []
    for document in DOCUMENTS:
        name = document.relative_to(ROOT).as_posix()
        for number, line in enumerate(document.read_text(encoding="utf-8").splitlines(), 1):
            for match in PATH.finditer(line):
                path = match.group(1).rstrip("./")
                if not any(mark in path for mark in ("*", "<", "{", "…")):
                    found.append((f"{name}:{number}", path, match.group(2)))
    return found


def test_paths_are_found_in_the_documents() -> None:
    paths = {path for _, path, _ in mentioned_paths()}
    assert {"server/web/limits.py", "bench/check_api.py", "deploy/compose.yaml"} <= paths


def exists(path: str) -> bool:
    """``path`` is a file or folder, or ``module.Name`` (a class or function of a module)."""
    if (ROOT / path).exists() or path in MADE_BY_THE_READER:
        return True
    module, _, name = path.rpartition(".")
    return bool(module) and name.isidentifier() and (ROOT / f"{module}.py").is_file()


def test_every_path_named_exists() -> None:
    missing = sorted({f"{where}: {path}" for where, path, _ in mentioned_paths() if not exists(path)})
    assert not missing, "\n".join(missing)


def test_every_test_named_exists_in_its_file() -> None:
    missing = []
    for where, path, test in mentioned_paths():
        if test is None or not (ROOT / path).is_file():
            continue
        if not re.search(rf"^\s*(?:async )?def {re.escape(test)}\(", (ROOT / path).read_text(encoding="utf-8"), re.M):
            missing.append(f"{where}: {path}::{test}")
    assert not missing, "\n".join(missing)


def make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][\w-]*):", text, re.M))


def test_every_make_target_named_exists() -> None:
    targets = make_targets()
    assert {"run", "test", "lint", "figures"} <= targets
    named = {
        (where, target)
        for where, text in texts()
        for match in MAKE.finditer(text)
        for target in match.group(1).split()
        if "=" not in target
    }
    assert named, "the documents name make targets"
    unknown = sorted(f"{where}: make {target}" for where, target in named if target not in targets)
    assert not unknown, "\n".join(unknown)


def flask_commands() -> click.Group:
    from server.cli import GROUPS

    root = click.Group("flask")
    for command in GROUPS:
        root.add_command(command)
    return root


def resolve(words: list[str]) -> tuple[click.Command | None, list[str]]:
    """The command ``words`` name, and the options given to it; None if a name is unknown."""
    command: click.Command = flask_commands()
    rest = list(words)
    while isinstance(command, click.Group) and rest and not rest[0].startswith("-"):
        names = rest.pop(0).split("|")  # ``bank export|import|remove``: each must exist
        found = [command.get_command(click.Context(command), name) for name in names]
        if any(sub is None for sub in found):
            return None, []
        command = found[0]
        if len(found) > 1:
            return command, []
    return command, [word.lstrip("[").split("=")[0] for word in rest if word.lstrip("[").startswith("--")]


def flask_invocations() -> list[tuple[str, list[str]]]:
    found = []
    for where, text in texts():
        for match in FLASK.finditer(text.replace("\\\n", " ")):
            line = re.sub(r"\s+#.*", "", match.group(1))
            try:
                words = shlex.split(line)
            except ValueError:  # an unclosed quote: a span cut inside a command
                words = line.split()
            found.append((where, words))
    return found


def test_every_flask_command_and_option_named_exists() -> None:
    invocations = flask_invocations()
    assert len(invocations) > 10
    problems = []
    for where, words in invocations:
        if not words or words[0] == "…":  # "flask --app server …": commands in general
            continue
        command, options = resolve(words)
        if command is None:
            problems.append(f"{where}: flask --app server {' '.join(words)}: no such command")
            continue
        known = {name for parameter in command.params for name in [*parameter.opts, *parameter.secondary_opts]}
        problems += [f"{where}: {command.name} has no option {option}" for option in options if option not in known]
    assert not problems, "\n".join(problems)


def script_options(script: Path) -> set[str]:
    """The options a script declares, and those of the bench modules it imports (a shared
    ``--data`` argument, say)."""
    text = script.read_text(encoding="utf-8")
    options = set(re.findall(r"""["'](--[\w-]+)["']""", text))
    for module in re.findall(r"^\s*from bench\.(\w+) import", text, re.M):
        imported = ROOT / "bench" / f"{module}.py"
        if imported.is_file():
            options |= set(re.findall(r"""["'](--[\w-]+)["']""", imported.read_text(encoding="utf-8")))
    return options


def test_every_bench_option_named_exists() -> None:
    problems = []
    seen = 0
    for where, text in texts():
        for match in BENCH.finditer(text.replace("\\\n", " ")):
            script = ROOT / (
                match.group(1) if match.group(1).endswith(".py") else match.group(1).replace(".", "/") + ".py"
            )
            options = re.findall(r"(?<![^\s\[])(--[\w-]+)", match.group(2))
            if not script.is_file() or not options:
                continue
            seen += 1
            known = script_options(script)
            problems += [
                f"{where}: {match.group(1)} has no option {option}" for option in options if option not in known
            ]
    assert seen > 3, "the documents show bench scripts with options"
    assert not problems, "\n".join(problems)


def test_every_figure_named_for_bench_figures_exists() -> None:
    from bench.figures import load_generators

    generators = set(load_generators())
    known = script_options(ROOT / "bench" / "figures" / "__main__.py") | script_options(
        ROOT / "bench" / "figures" / "__init__.py"
    )
    problems = []
    for where, text in texts():
        for match in FIGURES.finditer(text):
            words = match.group(1).split()
            for number, word in enumerate(words):
                if word.startswith("--"):
                    if word.split("=")[0] not in known:
                        problems.append(f"{where}: bench.figures has no option {word}")
                elif (number == 0 or not words[number - 1].startswith("--")) and word not in generators:
                    problems.append(f"{where}: bench.figures has no figure {word}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("text", "paths"),
    [
        ("`server/web/limits.py`", ["server/web/limits.py"]),
        ("see tests/api/test_x.py::test_y, then", ["tests/api/test_x.py"]),
        ("`../bench/figures/` and `docs/img/`", ["bench/figures", "docs/img"]),
        ("`web/limits.py` `haris:{banks}:*`", []),
        ("`extension/content/extract-*.js`", ["extension/content/extract-*.js"]),
    ],
)
def test_path_pattern(text: str, paths: list[str]) -> None:
    assert [match.group(1).rstrip("./") for match in PATH.finditer(text)] == paths


def test_resolve_finds_commands_and_refuses_unknown_ones() -> None:
    command, options = resolve(["apikey", "create", "--role", "trainer", "--label", "x"])
    assert command is not None and command.name == "create" and options == ["--role", "--label"]
    assert resolve(["apikey", "nonesuch"])[0] is None
    assert resolve(["bank", "export|nonesuch"])[0] is None


def test_every_flask_command_is_shown_somewhere() -> None:
    """The reverse: a command no document shows is one an operator cannot find."""
    shown = set()
    for _, words in flask_invocations():
        command: click.Command = flask_commands()
        path = []
        for word in words:
            if not isinstance(command, click.Group) or word.startswith("-"):
                break
            for name in word.split("|"):
                sub = command.get_command(click.Context(command), name)
                if sub is not None:
                    shown.add(" ".join([*path, name]))
            found = command.get_command(click.Context(command), word.split("|")[0])
            if found is None:
                break
            path.append(word.split("|")[0])
            command = found
    leaves = []
    stack: list[tuple[list[str], click.Command]] = [([], flask_commands())]
    while stack:
        path, command = stack.pop()
        if isinstance(command, click.Group):
            stack += [([*path, name], sub) for name, sub in command.commands.items()]
        else:
            leaves.append(" ".join(path))
    assert len(leaves) > 10
    assert sorted(set(leaves) - shown) == []


def test_every_test_file_and_test_named_alone_exists() -> None:
    """``test_stix.py`` or ``test_defang`` without a folder: some file or test of tests/ has the name."""
    sources = list((ROOT / "tests").rglob("*.py"))
    files = {path.name for path in sources}
    tests = {name for path in sources for name in re.findall(r"def (test_\w+)\(", path.read_text(encoding="utf-8"))}
    missing = []
    for document in DOCUMENTS:
        text = document.read_text(encoding="utf-8")
        where = document.relative_to(ROOT).as_posix()
        named_files = re.findall(r"(?<![\w/])(test_\w+\.py)", text)
        named_tests = re.findall(r"(?<![\w/.:])(test_\w+)(?![\w.])", text)
        missing += [f"{where}: {name}" for name in named_files if name not in files]
        missing += [f"{where}: {name}" for name in named_tests if name not in tests]
    assert not missing, "\n".join(sorted(set(missing)))
