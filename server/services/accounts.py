"""Console accounts and API keys: what the console's account pages, ``flask user`` and
``flask apikey`` do, each recorded in the audit trail."""

from __future__ import annotations

from server.roles import Role
from server.services import Actor
from server.state import app_state
from server.storage.apikeys import StoredKey, create_api_key, key_id, revoke_api_key


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


def create_key(role: Role, label: str, actor: Actor) -> str:
    """A new API key (raises ``ApiKeyError`` for a bad label); the audit trail names its id."""
    stores = app_state().stores
    key = create_api_key(stores.client, role, label)
    stores.audit.record(actor.name, "apikey.created", key_id(key), role=role.value, label=label)
    return key


def revoke_key(key_or_id: str, actor: Actor) -> StoredKey | None:
    """Revoke the key named by the key or its id; what was revoked, or None if there was none."""
    stores = app_state().stores
    stored = revoke_api_key(stores.client, key_or_id)
    if stored is not None:
        stores.audit.record(actor.name, "apikey.revoked", stored.id, role=stored.role.value, label=stored.label)
    return stored


def set_second_factor(username: str, actor: Actor) -> str | None:
    """Give the account a new TOTP secret and end its sessions; the secret (to enter in the
    authenticator app), or None if there is no such user."""
    stores = app_state().stores
    secret = stores.users.set_totp(username)
    if secret is not None:
        stores.audit.record(actor.name, "user.totp_set", username)
    return secret


def remove_second_factor(username: str, actor: Actor) -> bool:
    """Remove the account's second factor (a lost phone); False if it had none."""
    stores = app_state().stores
    removed = stores.users.clear_totp(username)
    if removed:
        stores.audit.record(actor.name, "user.totp_removed", username)
    return removed


def set_password(username: str, password: str, actor: Actor) -> bool:
    """Give the account a new password and end all its sessions (``AccountError`` for a weak
    one); False if there is no such user."""
    stores = app_state().stores
    changed = stores.users.set_password(username, password)
    if changed:
        stores.audit.record(actor.name, "user.password_changed", username)
    return changed


SIGN_IN_ACTOR = Actor("sign-in form", "none", "console")


def record_refused_code(username: str) -> None:
    """A sign-in to ``username`` had the right password and a wrong second-factor code."""
    app_state().stores.audit.record(SIGN_IN_ACTOR.name, "user.code_refused", username)


def end_other_sessions(username: str, actor: Actor) -> None:
    """End every session of the account (the caller starts a fresh one for its own browser)."""
    stores = app_state().stores
    stores.users.end_sessions(username)
    stores.audit.record(actor.name, "user.sessions_ended", username)
