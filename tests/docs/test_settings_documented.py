"""Every setting the server reads is in docs/deployment.md's table, with the default the code
uses; the table names no setting the code has dropped; README's short table agrees with it. Two
tables written by hand had drifted apart (settings missing from one or the other, a sign-in limit
described as it worked before the known-browser rule)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from server.config import DEFAULTS
from tests.docs.markdown import DOCUMENTS

ROOT = Path(__file__).resolve().parents[2]
# gunicorn.conf.py's settings: os.environ.get("NAME", "default") or _int("NAME", default, …).
GUNICORN = re.compile(r"""(?:environ\.get|_int)\(\s*"(?P<name>[A-Z_]+)",\s*(?P<default>"[^"]*"|[\w.]+)""")
ROW = re.compile(r"^\| (?P<names>`[A-Z_]+`[^|]*)\|(?P<meaning>[^|]*)\|(?P<default>[^|]*)\|\s*$")


def table(path: Path) -> dict[str, str]:
    """Setting name → its row's default cell, for every row of every settings table in ``path``
    (a row may name several settings, with their defaults in order, comma-separated)."""
    found: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        row = ROW.match(line)
        if row is None:
            continue
        names = re.findall(r"`([A-Z][A-Z_]+)`", row["names"])
        cell = row["default"].strip()
        defaults = cell.split("`, `") if len(names) > 1 else [cell]
        for number, name in enumerate(names):
            found[name] = defaults[min(number, len(defaults) - 1)]
    return found


def shown(value: object) -> str:
    """How a default is written in the tables: ``true``, ``600``, ``0.5``, ``60/minute``."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def gunicorn_settings() -> dict[str, str]:
    text = (ROOT / "gunicorn.conf.py").read_text(encoding="utf-8")
    return {match["name"]: match["default"].strip('"') for match in GUNICORN.finditer(text)}


def gunicorn_aliases() -> set[str]:
    """Other names ``_int`` reads a setting from (``WEB_CONCURRENCY`` for ``HARIS_WORKERS``)."""
    text = (ROOT / "gunicorn.conf.py").read_text(encoding="utf-8")
    calls = [line for line in text.splitlines() if "_int(" in line and not line.startswith("def ")]
    return {alias for line in calls for alias in re.findall(r'"([A-Z_]+)"', line)}


DEPLOYMENT = table(ROOT / "docs" / "deployment.md")
README = table(ROOT / "README.md")


@pytest.mark.parametrize("name", sorted(DEFAULTS))
def test_every_app_setting_is_in_the_deployment_table_with_its_default(name: str) -> None:
    assert name in DEPLOYMENT, f"{name} (server/config.py) is missing from docs/deployment.md's table"
    default = DEFAULTS[name]
    if default is not None:
        assert f"`{shown(default)}`".strip("`") in DEPLOYMENT[name].replace("`", ""), (name, DEPLOYMENT[name])


@pytest.mark.parametrize("name", sorted(gunicorn_settings()))
def test_every_gunicorn_setting_is_in_the_deployment_table(name: str) -> None:
    assert name in DEPLOYMENT, f"{name} (gunicorn.conf.py) is missing from docs/deployment.md's table"
    default = gunicorn_settings()[name]
    if not default.startswith("multiprocessing"):  # the CPU count: described in words
        assert default in DEPLOYMENT[name], (name, DEPLOYMENT[name])


def test_the_deployment_table_names_no_setting_the_code_does_not_read() -> None:
    compose = {"REDIS_PASSWORD"}  # deploy/compose.yaml's
    read = set(DEFAULTS) | set(gunicorn_settings()) | gunicorn_aliases() | compose
    assert sorted(set(DEPLOYMENT) - read) == []
    assert "REDIS_PASSWORD" in (ROOT / "deploy" / "compose.yaml").read_text(encoding="utf-8")


def test_readme_lists_settings_as_the_deployment_table_does() -> None:
    assert README, "README.md has a settings table"
    assert {name: README[name] for name in README} == {name: DEPLOYMENT.get(name) for name in README}


# A default quoted in prose: "`HARIS_X` (default `V`)", "`HARIS_X` (6 by default", "`HARIS_X` (48)".
QUOTED_DEFAULT = [
    re.compile(r"`(?P<name>HARIS_[A-Z_]+)`[^.;`]{0,60}?\(default `(?P<value>[^`]+)`"),
    re.compile(r"`(?P<name>HARIS_[A-Z_]+)`,? \(?(?P<value>[\d,./a-z]+) (?:an? \w+ )?(?:per \w+ )?by default"),
    re.compile(r"`(?P<name>HARIS_[A-Z_]+)`,? \((?P<value>[\d,]+)\)"),
]


def cli_environment() -> set[str]:
    """Variables the flask commands read for an option (``HARIS_NEW_PASSWORD``)."""
    from server.cli import GROUPS

    found: set[str] = set()
    commands = list(GROUPS)
    while commands:
        command = commands.pop()
        commands += list(getattr(command, "commands", {}).values())
        found |= {parameter.envvar for parameter in command.params if isinstance(parameter.envvar, str)}
    return found


def test_every_setting_the_documents_name_is_one_the_code_reads() -> None:
    known = set(DEPLOYMENT) | cli_environment()
    assert "HARIS_NEW_PASSWORD" in cli_environment()
    named = {
        (document.relative_to(ROOT).as_posix(), name)
        for document in DOCUMENTS
        for name in re.findall(r"\b(HARIS_[A-Z_]*[A-Z])\b", document.read_text(encoding="utf-8"))
    }
    assert sorted(f"{document}: {name}" for document, name in named if name not in known) == []


def quoted_defaults() -> list[tuple[str, str, str]]:
    found = []
    for document in DOCUMENTS:
        text = re.sub(r"\s+", " ", document.read_text(encoding="utf-8"))
        for pattern in QUOTED_DEFAULT:
            found += [(document.relative_to(ROOT).as_posix(), m["name"], m["value"]) for m in pattern.finditer(text)]
    return found


def test_defaults_quoted_in_prose_are_the_codes() -> None:
    quoted = quoted_defaults()
    assert {"HARIS_LOGIN_LIMIT", "HARIS_REJECTED_REPORT_HOURS"} <= {name for _, name, _ in quoted}
    wrong = []
    for document, name, value in quoted:
        default = shown(DEFAULTS[name])
        value = value.replace(",", "")
        if value != default and not default.startswith(f"{value}/"):  # "20" for 20/hour
            wrong.append(f"{document}: {name} quoted as {value}, the code's default is {default}")
    assert wrong == []
