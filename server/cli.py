"""``flask --app server …`` commands for operators."""

from __future__ import annotations

import click
from flask import Flask

from server.auth import Role, create_api_key, revoke_api_key
from server.state import haris


def register_cli(app: Flask) -> None:
    @app.cli.group("apikey")
    def apikey() -> None:
        """Create and revoke API keys for the trainer and maintainer endpoints."""

    @apikey.command("create")
    @click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
    @click.option("--label", required=True, help="Who or what the key is for (kept for audit trails).")
    def create(role: str, label: str) -> None:
        key = create_api_key(haris().redis.client, Role(role), label)
        click.echo(key)

    @apikey.command("revoke")
    @click.argument("key")
    def revoke(key: str) -> None:
        if not revoke_api_key(haris().redis.client, key):
            raise click.ClickException("no such key")
        click.echo("revoked")
