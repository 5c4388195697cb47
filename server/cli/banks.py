"""``flask --app server bank export|import``: hash banks as JSONL files, for banks larger than
a request body. An import goes through :mod:`server.services.banks`, as ``POST /v1/banks/{bank}/import``
does, and is audited the same way."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from flask.cli import AppGroup

from server.services import CLI_ACTOR
from server.services.banks import entries_from_jsonl, import_into_bank
from server.state import app_state
from server.storage.banks import valid_bank_name
from server.web.errors import APIError


@click.group("bank", cls=AppGroup)
def bank_group() -> None:
    """Export and import hash banks as JSONL."""


@bank_group.command("export")
@click.argument("bank")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File (default stdout).")
def export_command(bank: str, output: Path | None) -> None:
    store = app_state().stores.banks
    if not valid_bank_name(bank) or not store.exists(bank):
        raise click.ClickException(f"no such bank: {bank}")
    stream = output.open("w", encoding="utf-8") if output else sys.stdout
    count = 0
    try:
        for entry in store.entries(bank):
            stream.write(entry.model_dump_json(exclude_none=True) + "\n")
            count += 1
    finally:
        if output:
            stream.close()
    click.echo(f"exported {count} entries", err=True)


@bank_group.command("import")
@click.argument("bank")
@click.argument("source", type=click.File("rb"))
def import_command(bank: str, source: Any) -> None:
    if not valid_bank_name(bank):
        raise click.ClickException("bank names are 1–64 of a-z, 0-9, '_' and '-'")
    try:
        count = import_into_bank(bank, entries_from_jsonl(source), CLI_ACTOR)
    except APIError as error:
        raise click.ClickException(f"{error.field}: {error.message}" if error.field else error.message) from None
    click.echo(f"imported {count} entries into {bank}")
