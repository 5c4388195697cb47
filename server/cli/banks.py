"""``flask --app server bank export|import|remove``: hash banks as JSONL files, for banks larger
than a request body, and entries removed by id. An import goes through :mod:`server.services.banks`,
as ``POST /v1/banks/{bank}/import`` does, and is audited the same way; so is a removal. The
operator's CLI acts as a maintainer (``CLI_ACTOR``), so it writes the ``platform-defaults`` bank
too, which API keys and console accounts write only with the maintainer role
(``server.services.defaults_bank``)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import click

from server.cli.files import StoreGroup, bounded_lines, create_private, open_regular
from server.services import CLI_ACTOR
from server.services.banks import (
    entries_from_jsonl,
    import_into_bank,
    record_export,
    remove_from_bank,
    valid_bank_name,
)
from server.state import app_state
from server.storage.banks import MAX_KEYPOINTS_BASE64, MAX_NOTE_LENGTH
from server.web.errors import APIError

# The longest line an entry can be: its keypoints, its note with every character escaped as
# JSON's \uXXXX\uXXXX (a character outside the BMP: 12 bytes), and room for its short fields. A
# longer line is no entry; read whole, one endless line would fill the server's memory.
MAX_LINE_BYTES = MAX_KEYPOINTS_BASE64 + 12 * MAX_NOTE_LENGTH + 4096


@click.group("bank", cls=StoreGroup)
def bank_group() -> None:
    """Export and import hash banks as JSONL; remove entries."""


@bank_group.command("export")
@click.argument("bank")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File (default stdout).")
def export_command(bank: str, output: Path | None) -> None:
    store = app_state().stores.banks
    if not valid_bank_name(bank) or not store.exists(bank):
        raise click.ClickException(f"no such bank: {bank}")
    # A new file of the operator's only (``create_private``): the export is the bank's photos'
    # fingerprints and, for reported accounts, their ids.
    stream = io.TextIOWrapper(create_private(output), encoding="utf-8") if output else sys.stdout
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
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
def import_command(bank: str, source: Path) -> None:
    if not valid_bank_name(bank):
        raise click.ClickException("bank names are 1–64 of a-z, 0-9, '_' and '-'")
    try:
        with open_regular(source) as lines:
            entries = entries_from_jsonl(bounded_lines(lines, str(source), MAX_LINE_BYTES))
        count = import_into_bank(bank, entries, CLI_ACTOR)
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
