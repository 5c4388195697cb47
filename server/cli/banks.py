"""``flask --app server bank export|import|remove``: hash banks as JSONL files, for banks larger
than a request body, and entries removed by id. An import goes through :mod:`server.services.banks`,
as ``POST /v1/banks/{bank}/import`` does, and is audited the same way; so is a removal."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from flask.cli import AppGroup

from server.services import CLI_ACTOR
from server.services.banks import (
    entries_from_jsonl,
    import_into_bank,
    record_export,
    remove_from_bank,
    valid_bank_name,
)
from server.state import app_state
from server.web.errors import APIError


@click.group("bank", cls=AppGroup)
def bank_group() -> None:
    """Export and import hash banks as JSONL; remove entries."""


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
            stream.write(entry.exported() + "\n")
            count += 1
    finally:
        if output:
            stream.close()
    record_export(bank, count, CLI_ACTOR)
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


@bank_group.command("remove")
@click.argument("bank")
@click.argument("entry_ids", nargs=-1, required=True)
def remove_command(bank: str, entry_ids: tuple[str, ...]) -> None:
    """Remove entries by id (``bank export`` lists them): every worker stops matching them within
    a second. Never delete them in Redis by hand: that moves no version, and workers keep them."""
    if not valid_bank_name(bank) or not app_state().stores.banks.exists(bank):
        raise click.ClickException(f"no such bank: {bank}")
    removed = remove_from_bank(bank, list(entry_ids), CLI_ACTOR)
    click.echo(f"removed {removed} of {len(entry_ids)} entries from {bank}")
