"""Console accounts and API keys: what the console's account pages, ``flask user`` and
``flask apikey`` do, each recorded in the audit trail."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Protocol, TypeVar

from redis.exceptions import LockError
from werkzeug.wrappers import Response

from server.roles import Role
from server.services import CLI_ACTOR, Actor
from server.services.rules import SIGNAL_ACTOR
from server.state import app_state
from server.storage import Stores
from server.storage.apikeys import StoredKey, create_api_key, key_id, revoke_api_key, revoke_keys_of
from server.storage.optimistic import VERSION
from server.storage.users import MAX_CODE_FAILURES, AccountChanged, AccountError, SignInCheck
from server.web.errors import APIError
from server.web.limits import LimitReached, limits

T = TypeVar("T")
log = logging.getLogger("haris.accounts")
SIGN_IN_ACTOR = Actor("sign-in form", "anonymous", "console")
# The audit trail records who acted by name only: an account named as the operator's shell or a
# SIGHUP reload would have its actions read as theirs (and ``who=cli`` would show both).
RESERVED_NAMES = frozenset({CLI_ACTOR.name, SIGNAL_ACTOR.name})
_ACCOUNT_CHANGED = "The account was changed (or made again under its name) since the page was shown; not revoked."


def _recorded(done: T, actor: Actor, action: str, username: str) -> T:
    """``done``, after recording ``action`` on the account in the audit trail if it happened."""
    if done:
        app_state().stores.audit.record(actor.name, action, username)
    return done


def create_user(username: str, password: str, role: Role, actor: Actor) -> None:
    """Create an account (raises ``AccountError`` for a bad name, a weak password, a taken name,
    or a name the audit trail gives another door: ``RESERVED_NAMES``)."""
    if username in RESERVED_NAMES:
        raise AccountError(f"{username!r} names the operator's commands in the audit trail; choose another name")
    stores = app_state().stores
    stores.users.create(username, password, role)
    stores.audit.record(actor.name, "user.created", username, role=role.value)


def revoke_user(username: str, actor: Actor, seen: str | None = None) -> bool:
    """Delete the account and end all of its sessions at once; False if there was no such user.

    With ``seen`` (the ``version`` of the account on the page the revoke came from), 409
    ``account_changed`` when the account under that name is another one now — deleted and made
    again, or its role or second factor changed — and nothing is deleted or audited; 400
    ``bad_version`` when it is not a version the page gives. Without it (the CLI), the account
    under that name is revoked, as before."""
    if seen is not None and not VERSION.match(seen):
        raise APIError(400, "bad_version", "Not the version of an account as a page shows it.", "version")
    try:
        revoked = app_state().stores.users.revoke(username, expected=seen)
    except AccountChanged:
        raise APIError(409, "account_changed", _ACCOUNT_CHANGED, reason="account_changed") from None
    if not revoked:
        return False
    stores = app_state().stores
    stores.devices.forget_all(username)  # not known to an account made again under the name
    stores.audit.record(actor.name, "user.revoked", username)
    # Its API keys go with it (each one audited). Refused from the moment the account is gone
    # anyway (server.storage.apikeys.owner_lives): this deletes them, and any an earlier
    # revocation of the name left behind.
    for stored in revoke_keys_of(stores.client, username):
        _record_key_revoked(stores, actor, stored)
    return True


def create_key(role: Role, label: str, actor: Actor, owner: str | None = None) -> str:
    """A new API key, for the console account ``owner`` if given (raises ``ApiKeyError`` for a bad
    label, or an owner that is no account or whose role does not grant ``role``); the audit
    trail names its id."""
    stores = app_state().stores
    key = create_api_key(stores.client, role, label, owner=owner)
    detail = {"role": role.value, "label": label} | ({"owner": owner} if owner is not None else {})
    stores.audit.record(actor.name, "apikey.created", key_id(key), **detail)
    return key


def _record_key_revoked(stores: Stores, actor: Actor, stored: StoredKey) -> None:
    detail = {"role": stored.role.value, "label": stored.label}
    if stored.owner is not None:
        detail["owner"] = stored.owner
    stores.audit.record(actor.name, "apikey.revoked", stored.id, **detail)


def revoke_key(key_or_id: str, actor: Actor) -> StoredKey | None:
    """Revoke the key named by the key or its id; what was revoked, or None if there was none."""
    stores = app_state().stores
    stored = revoke_api_key(stores.client, key_or_id)
    if stored is not None:
        _record_key_revoked(stores, actor, stored)
    return stored


def set_second_factor(username: str, actor: Actor) -> str | None:
    """Give the account a new TOTP secret and end its sessions; the secret (to enter in the
    authenticator app), or None if there is no such user."""
    return _recorded(app_state().stores.users.set_totp(username), actor, "user.totp_set", username)


def remove_second_factor(username: str, actor: Actor) -> bool:
    """Remove the account's second factor (a lost phone); False if it had none."""
    return _recorded(app_state().stores.users.clear_totp(username), actor, "user.totp_removed", username)


def set_password(username: str, password: str, actor: Actor) -> bool:
    """Give the account a new password and end all its sessions (``AccountError`` for a weak
    one); False if there is no such user."""
    return _recorded(
        app_state().stores.users.set_password(username, password), actor, "user.password_changed", username
    )


class KnownBrowser(Protocol):
    """What a sign-in's browser proves of having signed in to the account before
    (``server.console.auth.PresentedDevice``: OWASP's device cookie)."""

    def known(self) -> bool:
        """Whether it did (read only)."""
        ...

    def spend(self) -> bool:
        """Whether it did, spending that proof for this one attempt."""
        ...


def checked_password(
    username: str,
    password: str,
    code: str,
    require_code: bool = False,
    device: KnownBrowser | None = None,
) -> SignInCheck:
    """``username``'s password (and second-factor code) checked within the failed sign-in limits,
    a failure charged to them: what signing in and confirming a change on *My account* share.

    Per address (``HARIS_LOGIN_LIMIT``, and an IPv6 client's /48: ``HARIS_LOGIN_NETWORK_LIMIT``):
    read before the account's lock, so an address past its limit never holds it (a flood from few
    addresses cannot keep the owner's own browser waiting on it). Past either, an attempt is
    refused (429) unless ``device`` (at sign-in, the browser's device cookie) is known to have
    signed in to this account before: a carrier's CGNAT address or /48 is shared by thousands, so
    whoever among them uses it up must not keep a trainer out of her own account. Per account
    name (``HARIS_LOGIN_ACCOUNT_LIMIT``, which binds known browsers too): read, checked and
    charged with no other check of the account in between (:func:`_one_attempt_at_a_time`). Past
    the account's limit an attempt is refused (429) before its password is looked at, unless
    ``device`` spends its proof for it (one checked attempt per sign-in of that browser); a
    sign-in so refused counts against its address too (``device`` given: the form is the sign-in
    form, where a guesser sprays across accounts)."""
    allowance = limits()
    for each in allowance.charged(allowance.login):
        standing = each.standing()
        if standing is not None and standing.used_up and not (device is not None and device.known()):
            raise LimitReached(standing.retry_after)
    with _one_attempt_at_a_time(username):
        account = allowance.login_account.standing()
        if account is not None and account.used_up and not (device is not None and device.spend()):
            if device is not None:
                allowance.charge(allowance.login, refuse=False)
            raise LimitReached(account.retry_after)
        checked = app_state().stores.users.sign_in(username, password, code, require_code)
        if checked.role is None:
            allowance.charge(allowance.login, refuse=False)
            allowance.login_account.charge(refuse=False)
    return checked


@contextmanager
def _one_attempt_at_a_time(username: str) -> Iterator[None]:
    """Read the sign-in limits, check ``username``'s password and charge a failure with no other
    password check of that account in between, wherever it comes from (sign-in or *My
    account*). The limits are read before the check and charged after it: without this, a burst
    of guesses sent together from many addresses all passed the same reading, about one more
    guess per concurrent request than ``HARIS_LOGIN_ACCOUNT_LIMIT`` in each window. An attempt
    that finds another one running is refused unchecked (429, retry in a second)."""
    lock = app_state().stores.users.attempt_lock(username)
    if not lock.acquire(blocking=False):
        raise LimitReached(1)
    try:
        yield
    finally:
        with suppress(LockError):  # held past ATTEMPT_SECONDS and taken since: not ours to release
            lock.release()


def record_refused_code_after(response: Response, username: str, actor: Actor = SIGN_IN_ACTOR) -> None:
    """Audit (``user.code_refused``) that a sign-in to ``username`` (or, by ``actor``, a
    confirmation on her account page) had the right password and a wrong second-factor code, and
    count it (:meth:`UserStore.count_refused_code`), once ``response`` has been sent (closed by
    the server).

    Only a right password with a wrong code writes to the audit trail: made before the answer,
    that write made it a Redis round trip slower than a wrong password's, the same answer
    otherwise — a timing that could confirm a phished password to whoever holds it."""
    stores = app_state().stores  # bound now: the request's context is gone when it runs
    response.call_on_close(lambda: _refused_code(stores, username, actor))


def _refused_code(stores: Stores, username: str, actor: Actor) -> None:
    """Audit a wrong code with the right password and count it: past ``MAX_CODE_FAILURES`` in a
    row the account takes no code until a new password is set (``flask user password``)."""
    stores.audit.record(actor.name, "user.code_refused", username)
    if stores.users.count_refused_code(username) == MAX_CODE_FAILURES:
        log.warning(
            "%s: %d wrong second-factor codes with the right password; set a new password", username, MAX_CODE_FAILURES
        )


def end_other_sessions(username: str, actor: Actor) -> None:
    """End every session of the account (the caller starts a fresh one for its own browser)."""
    app_state().stores.users.end_sessions(username)
    _recorded(True, actor, "user.sessions_ended", username)
