"""Console accounts: what the console's account page and ``flask user`` both do."""

from __future__ import annotations

from server.roles import Role
from server.services import Actor
from server.state import app_state


def create_user(username: str, password: str, role: Role, actor: Actor) -> None:
    """Create an account (raises ``AccountError`` for a bad name, a weak password, a taken name)."""
    stores = app_state().stores
    stores.users.create(username, password, role)
    stores.audit.record(actor.name, "user.created", username, role=role.value)


def revoke_user(username: str, actor: Actor) -> bool:
    """Delete the account and end all of its sessions at once; False if there was no such user."""
    stores = app_state().stores
    revoked = stores.users.revoke(username)
    if revoked:
        stores.audit.record(actor.name, "user.revoked", username)
    return revoked
