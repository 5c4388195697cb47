"""``flask --app server …`` commands for operators."""

from __future__ import annotations

from datetime import UTC, datetime

import click
import pyotp
import redis
from flask import current_app

from server.cli.files import StoreGroup
from server.roles import Role
from server.services import CLI_ACTOR, accounts
from server.state import app_state
from server.storage.apikeys import ApiKeyError, StoredKey, key_id, list_api_keys, owner_lives
from server.storage.users import AccountError

TOTP_ISSUER = "Haris"


@click.group("apikey", cls=StoreGroup)
def apikey() -> None:
    """Create and revoke API keys for the trainer and maintainer endpoints."""


@apikey.command("create")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--label", required=True, help="Who or what the key is for (kept for audit trails).")
@click.option(
    "--owner",
    default=None,
    help="The console account the key is for: revoked with it (its role must grant the key's).",
)
def create(role: str, label: str, owner: str | None) -> None:
    """Print a new key (shown this once; only its hash is kept) and, on stderr, its id."""
    try:
        key = accounts.create_key(Role(role), label, CLI_ACTOR, owner=owner)
    except ApiKeyError as error:
        raise click.ClickException(str(error)) from None
    click.echo(key)
    click.echo(f"id {key_id(key)} (list and revoke it by this id; the key is not shown again)", err=True)


@apikey.command("list")
def list_keys() -> None:
    """Every key's id, role, creation date, owner and label (the keys themselves are not kept).
    The owner is the console account the key was made for, "unowned" for a key made for none
    (not revoked with any account), and "NAME (gone)" when that account is no more: the key is
    refused, and revoked with ``apikey revoke``."""
    client = app_state().stores.client
    for stored in list_api_keys(client):
        created = datetime.fromtimestamp(stored.created, UTC).strftime("%Y-%m-%d")
        click.echo(f"{stored.id}\t{stored.role.value}\t{created}\t{_owner_shown(client, stored)}\t{stored.label}")
    if current_app.config.get("HARIS_BOOTSTRAP_KEY"):
        # Not in Redis, so not revocable here: it lives as long as the setting does.
        click.echo("bootstrap\tmaintainer\t-\tunowned\tHARIS_BOOTSTRAP_KEY (remove the setting once real keys exist)")


def _owner_shown(client: redis.Redis, stored: StoredKey) -> str:
    if stored.owner is None:
        return "unowned"
    return stored.owner if owner_lives(client, stored) else f"{stored.owner} (gone)"


@apikey.command("revoke")
@click.argument("key_or_id")
def revoke(key_or_id: str) -> None:
    """Revoke a key, named by the key itself or by its id (``apikey list``)."""
    try:
        stored = accounts.revoke_key(key_or_id, CLI_ACTOR)
    except ApiKeyError as error:
        raise click.ClickException(str(error)) from None
    if stored is None:
        raise click.ClickException("no such key")
    click.echo(f"revoked {stored.id} ({stored.role.value}, {stored.label})")


@click.group("user", cls=StoreGroup)
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
def create_user_command(username: str, role: str, password: str) -> None:
    try:
        accounts.create_user(username, password, Role(role), CLI_ACTOR)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"created {role} {username}")


@user.command("password")
@click.argument("username")
@click.option(
    "--password",
    prompt="New password",
    hide_input=True,
    confirmation_prompt=True,
    envvar="HARIS_NEW_PASSWORD",
    help="Prompted for when not given (preferred: a password on the command line stays in shell history).",
)
def password_command(username: str, password: str) -> None:
    """Give USERNAME a new password (a forgotten or phished one); all its sessions end."""
    try:
        changed = accounts.set_password(username, password, CLI_ACTOR)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    if not changed:
        raise click.ClickException("no such user")
    click.echo(f"new password set for {username}; its sessions have ended")


@user.command("revoke")
@click.argument("username")
def revoke_user_command(username: str) -> None:
    """Delete the account, end all its sessions and revoke the API keys made for it, at once."""
    if not accounts.revoke_user(username, CLI_ACTOR):
        raise click.ClickException("no such user")
    click.echo(f"revoked {username}, ended its sessions and revoked its API keys")


@user.command("list")
def list_users() -> None:
    """Every account: username, role, and "totp" for those with a second factor."""
    for account in app_state().stores.users.list():
        factor = "\ttotp" if account["totp"] else ""
        click.echo(f"{account['username']}\t{account['role']}{factor}")


@user.command("totp")
@click.argument("username")
@click.option("--remove", is_flag=True, help="Remove the second factor (a lost phone) instead of setting one.")
def totp_command(username: str, remove: bool) -> None:
    """Give USERNAME a second factor: print a new TOTP secret (shown this once) for their
    authenticator app. Their sessions end; from now on they sign in with a code as well."""
    if remove:
        if not accounts.remove_second_factor(username, CLI_ACTOR):
            raise click.ClickException("no such user, or no second factor to remove")
        click.echo(f"removed the second factor of {username}")
        return
    try:
        secret = accounts.set_second_factor(username, CLI_ACTOR)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    if secret is None:
        raise click.ClickException("no such user")
    click.echo(f"secret: {secret}")
    click.echo(f"uri:    {pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=TOTP_ISSUER)}")
    click.echo("Enter it in their authenticator app (or a QR code of the uri) with the person, never by e-mail.")
