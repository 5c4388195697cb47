"""``flask --app server case …``: verify an exported case archive, export a case from the shell."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app

from server.audit import AuditLog
from server.case_download import default_notifier
from server.case_service import EXPORT_KINDS, Actor, export_case
from server.case_store import CaseStore
from server.errors import APIError
from server.escalation.archive import verify
from server.state import haris


def register_case_cli(app: Flask) -> None:
    @app.cli.group("case")
    def case_group() -> None:
        """Escalation cases: verify archives, export cases."""

    @case_group.command("verify")
    @click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
    def verify_command(archive: Path) -> None:
        """Check a case archive (full or redacted) against its manifest. Exit 0 when every file is
        as exported; exit 1 naming each changed, missing or added file."""
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
        client = haris().redis.client
        notifier = default_notifier(current_app.config)
        try:
            result = export_case(
                CaseStore(client), AuditLog(client), case_id, kind, Actor("cli", "maintainer", "console"),
                locale=locale, default_notifier=notifier,
            )  # fmt: skip
        except APIError as error:
            raise click.ClickException(error.message) from None
        output.write_bytes(result.data)
        click.echo(f"wrote {output} ({len(result.data)} bytes)")
