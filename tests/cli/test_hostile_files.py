"""Red team: the files a maintainer's commands read and write (``server.cli.files``).

A hostile file handed to a maintainer — a bank export "from a partner", a rules file — must not
fill the server's memory nor hang the command; what a command writes (a case's evidence, a bank)
is the operator's alone and never lands through a planted link or over another file; and Redis out
of reach is one line, exit 1, never a traceback.
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from server.api.admin import MAX_RULES_BYTES
from server.cli.banks import MAX_LINE_BYTES
from tests.api.test_banks import add, b64, photo_bytes
from tests.api.test_cases import KEY, open_case


@pytest.fixture
def app(make_app: Any) -> Flask:
    return make_app()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_one_endless_line_of_a_bank_file_is_refused_by_its_number(app: Flask, tmp_path: Path) -> None:
    """One line with no end: read whole, a 10 GB file of it was 10 GB of the server's memory
    before it was found not to be JSON. Now no line is read past the longest entry there can be."""
    hostile = tmp_path / "partner-bank.jsonl"
    with hostile.open("wb") as out:
        out.write(b"\n")
        out.write(b"[" * (MAX_LINE_BYTES + 10))
    ran = app.test_cli_runner().invoke(args=["bank", "import", "partner", str(hostile)])
    assert ran.exit_code == 1
    assert f"line 2 is longer than {MAX_LINE_BYTES} bytes" in ran.output
    assert "Traceback" not in ran.output


def test_a_bank_file_of_the_longest_entries_is_still_read(app: Flask, tmp_path: Path) -> None:
    """The bound is past any real entry: a line of exactly MAX_LINE_BYTES is read (and refused
    for what it is, not for its length)."""
    edge = tmp_path / "edge.jsonl"
    edge.write_bytes(b" " * (MAX_LINE_BYTES - 3) + b"{}\n")
    ran = app.test_cli_runner().invoke(args=["bank", "import", "partner", str(edge)])
    assert ran.exit_code == 1 and "longer than" not in ran.output and "line 1" in ran.output


def test_a_fifo_or_a_directory_is_refused_at_once(app: Flask, tmp_path: Path) -> None:
    """A FIFO waits for a writer forever; the command refuses it instead (a watchdog writes to it
    if the command blocks, so a regression fails here rather than hanging the run)."""
    fifo = tmp_path / "bank.jsonl"
    os.mkfifo(fifo)
    unblocked = threading.Event()

    def watchdog() -> None:
        unblocked.wait(10)
        while not unblocked.wait(0.2):  # a command still blocked: let its open return, so it fails
            try:
                writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # no reader waiting right now
                continue
            os.write(writer, b"{}\n")
            os.close(writer)

    threading.Thread(target=watchdog, daemon=True).start()
    runner = app.test_cli_runner()
    for args in (
        ["bank", "import", "partner", str(fifo)],
        ["rules", "check", str(fifo)],
        ["case", "verify", str(fifo)],
    ):
        ran = runner.invoke(args=args)
        assert ran.exit_code == 1 and "not a regular file" in ran.output, (args, ran.output)
    unblocked.set()


def test_a_rules_file_past_the_apis_bound_is_refused(app: Flask, tmp_path: Path) -> None:
    big = tmp_path / "rules.toml"
    big.write_bytes(b"#" * (MAX_RULES_BYTES + 1))
    ran = app.test_cli_runner().invoke(args=["rules", "check", str(big)])
    assert ran.exit_code == 1 and f"larger than {MAX_RULES_BYTES} bytes" in ran.output


def test_a_case_export_is_a_new_file_of_the_operators_only(app: Flask, tmp_path: Path) -> None:
    case_id = open_case(app.test_client())
    runner = app.test_cli_runner()
    old_umask = os.umask(0o022)
    try:
        out = tmp_path / "case.zip"
        ran = runner.invoke(args=["case", "export", case_id, "archive", "-o", str(out)])
    finally:
        os.umask(old_umask)
    assert ran.exit_code == 0, ran.output
    assert _mode(out) == 0o600  # not 0644: the evidence, the suspect, the person targeted

    # A file already there (another export, the operator's notes) is not overwritten.
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    ran = runner.invoke(args=["case", "export", case_id, "ticket", "-o", str(notes)])
    assert ran.exit_code == 1 and "already exists" in ran.output and notes.read_text() == "mine"

    # A link planted where the export is written does not send it elsewhere.
    elsewhere = tmp_path / "shared" / "case.zip"
    elsewhere.parent.mkdir()
    planted = tmp_path / "export.zip"
    planted.symlink_to(elsewhere)
    ran = runner.invoke(args=["case", "export", case_id, "archive", "-o", str(planted)])
    assert ran.exit_code == 1 and not elsewhere.exists()


def test_a_bank_export_is_a_new_file_of_the_operators_only(app: Flask, tmp_path: Path) -> None:
    client = app.test_client()
    assert add(client, "ngo-1", KEY, avatar=b64(photo_bytes("rocket")), label="campaign").status_code == 201
    runner = app.test_cli_runner()
    out = tmp_path / "ngo-1.jsonl"
    assert runner.invoke(args=["bank", "export", "ngo-1", "-o", str(out)]).exit_code == 0
    assert _mode(out) == 0o600 and out.read_text().count("\n") == 1
    again = runner.invoke(args=["bank", "export", "ngo-1", "-o", str(out)])
    assert again.exit_code == 1 and "already exists" in again.output and out.read_text().count("\n") == 1


@pytest.mark.parametrize(
    "args",
    [
        ["user", "list"],
        ["apikey", "list"],
        ["bank", "remove", "ngo-1", "x"],
        ["case", "export", "0123456789abcdef", "ticket", "-o", "/nonexistent/out"],
    ],
)
def test_redis_out_of_reach_is_one_line_not_a_traceback(make_app: Any, args: list[str]) -> None:
    app = make_app(REDIS_URL="redis://127.0.0.1:1/0", HARIS_REDIS_TIMEOUT=0.2)
    ran = app.test_cli_runner().invoke(args=args)
    assert ran.exit_code == 1
    assert "cannot reach the store (REDIS_URL): ConnectionError" in ran.output, ran.output
    assert isinstance(ran.exception, SystemExit)  # click's own exit, not an exception escaping


def test_a_line_nested_past_the_json_parsers_depth_is_not_json(app: Flask, tmp_path: Path) -> None:
    """2,000 brackets on one line (well inside the line bound): Python's json parser recursed past
    its limit, a RecursionError: a traceback from the command, a 500 from the API and the console."""
    nested = b"[" * 2000 + b"]" * 2000 + b"\n"
    hostile = tmp_path / "nested.jsonl"
    hostile.write_bytes(nested)
    ran = app.test_cli_runner().invoke(args=["bank", "import", "partner", str(hostile)])
    assert ran.exit_code == 1 and "[not_json]" in ran.output, ran.output
    answer = app.test_client().post(
        "/v1/banks/partner/import", data=nested, headers=KEY, content_type="application/x-ndjson"
    )
    assert answer.status_code == 422 and answer.get_json()["error"]["field"] == "line 1"


RULES_HEAD = 'bias = 0\n[levels]\nmedium = 40\nhigh = 70\n[signals."account.new"]\npoints = 1.5\n'


def test_a_rules_file_cannot_write_escape_sequences_to_the_terminal(app: Flask, tmp_path: Path) -> None:
    """A signal code made of ``ESC[2K``, a carriage return and "FILE: valid": printed raw, the
    terminal erased the error line and the maintainer read that the file was valid."""
    hostile = tmp_path / "partner-rules.toml"
    hostile.write_text(
        'version = "p-1"\n' + RULES_HEAD + '[signals."\\u001b[2K\\rpartner-rules.toml: valid\\u202e"]\npoints = 1\n'
    )
    ran = app.test_cli_runner().invoke(args=["rules", "check", str(hostile)], color=True)
    assert ran.exit_code == 1
    assert not any(ch in ran.output for ch in "\x1b\r\u202e"), repr(ran.output)
    assert "signals.\\x1b[2K\\rpartner-rules.toml: valid\\u202e: unknown signal code" in ran.output


@pytest.mark.parametrize("version", ["\\u001b]0;owned\\u0007", "2026.1\\u202e", "a\\rb"])
def test_a_rules_version_that_hides_or_rewrites_text_is_refused(app: Flask, tmp_path: Path, version: str) -> None:
    """The version is printed by ``rules check``, ``publish`` and ``evaluate``, and shown by the API."""
    hostile = tmp_path / "rules.toml"
    hostile.write_text(f'version = "{version}"\n' + RULES_HEAD)
    ran = app.test_cli_runner().invoke(args=["rules", "check", str(hostile)], color=True)
    assert ran.exit_code == 1 and "version: must be printable" in ran.output, repr(ran.output)
    answer = app.test_client().post(
        "/v1/admin/rules", data=hostile.read_bytes(), headers={**KEY, "Content-Type": "application/toml"}
    )
    assert answer.status_code == 422 and answer.get_json()["error"]["field"] == "version"
