"""``flask --app server case …``: verify an exported case archive, export a case from the shell."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from server.cli.files import StoreGroup, create_private, open_regular
from server.escalation.archive import verify
from server.services import CLI_ACTOR
from server.services.cases import EXPORT_KINDS, export_case
from server.state import app_state
from server.web.downloads import default_notifier
from server.web.errors import APIError


@click.group("case", cls=StoreGroup)
def case_group() -> None:
    """Escalation cases: verify archives, export cases."""


@case_group.command("verify")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
def verify_command(archive: Path) -> None:
    """Check a case archive (full or redacted) against its manifest. Exit 0 when every file is
    as exported; exit 1 naming each changed, missing or added file."""
    open_regular(archive).close()  # a FIFO or a device is refused before the zip reader waits on it
    result = verify(archive)
    if result.manifest_sha256:
        click.echo(f"manifest sha256 {result.manifest_sha256}")
    if not result.ok:
        for problem in result.problems:
            click.echo(f"FAIL {problem}", err=True)
        raise SystemExit(1)
    click.echo(f"OK {result.files} files match the manifest")


@case_group.command("export")
@click.argument("case_id")
@click.argument("kind", type=click.Choice(EXPORT_KINDS))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--locale", default="en", type=click.Choice(["ar", "en", "fr"]))
def export_command(case_id: str, kind: str, output: Path, locale: str) -> None:
    """Write one export of a case to a file (recorded in the audit trail as the operator)."""
    stores = app_state().stores
    notifier = default_notifier(current_app.config)
    try:
        result = export_case(
            stores.cases, stores.audit, case_id, kind, CLI_ACTOR,
            locale=locale, default_notifier=notifier,
        )  # fmt: skip
    except APIError as error:
        raise click.ClickException(error.message) from None
    # The export (its evidence, the reported accounts, the people they target) is written to a
    # new file its owner alone can read: never over a file, never through a planted link.
    with create_private(output) as written:
        written.write(result.data)
    click.echo(f"wrote {output} ({len(result.data)} bytes)")
