"""``flask --app server …`` commands for operators."""

from __future__ import annotations

import click
from flask import Flask

from server.state import haris
from server.storage.users import AccountError, UserStore
from server.web.auth import Role, create_api_key, revoke_api_key


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

    @app.cli.group("user")
    def user() -> None:
        """Create and revoke console accounts (trainers and maintainers)."""

    @user.command("create")
    @click.argument("username")
    @click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
    @click.option(
        "--password",
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        envvar="HARIS_NEW_PASSWORD",
        help="Prompted for when not given (preferred: a password on the command line stays in shell history).",
    )
    def create_user(username: str, role: str, password: str) -> None:
        try:
            UserStore(haris().redis.client).create(username, password, Role(role))
        except AccountError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"created {role} {username}")

    @user.command("revoke")
    @click.argument("username")
    def revoke_user(username: str) -> None:
        """Delete the account and end all its sessions at once."""
        if not UserStore(haris().redis.client).revoke(username):
            raise click.ClickException("no such user")
        click.echo(f"revoked {username} and ended its sessions")

    @user.command("list")
    def list_users() -> None:
        for account in UserStore(haris().redis.client).list():
            click.echo(f"{account['username']}\t{account['role']}")
