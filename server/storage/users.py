"""Console accounts (trainers and maintainers) and their server-side sessions.

Passwords are hashed with scrypt (werkzeug's ``generate_password_hash``: N=32768, r=8, p=1, a
random salt per hash): slow on purpose, so a stolen Redis dump does not give passwords away.
The browser holds only a Flask-signed cookie carrying a random session id; the session itself
lives in Redis under the id's SHA-256 (a copy of Redis — a backup, a replica — holds no session a
cookie could be made for), so revoking a user ends every session at once. Each account has an
``epoch``, renewed when its password or second factor changes; a session belongs to the epoch it
started in and ends when the account's moves on (and with a deleted account, whatever account is
later made under the same name).

A second factor (TOTP, RFC 6238, through ``pyotp``) is set per account by an operator
(``flask --app server user totp NAME``): the account then signs in only with a current
six-digit code from the authenticator app as well, so a phished password alone does not get in.
A code is accepted once (the step it belongs to is remembered until it can no longer be valid)
and one step either side of the server's clock. Wrong codes that came with the right password
are counted in the account's record (:meth:`UserStore.count_refused_code`, once the answer is
sent); after ``MAX_CODE_FAILURES`` of them in a row no code is checked — whoever holds the
password cannot grind codes, three of a million right at any time — until an operator sets a
new password (or second factor); a right code starts the count again.

The TOTP secret is stored sealed (``server.storage.sealed``: AES-256-GCM under a key derived
from ``HARIS_SECRET_KEY``), bound to the account — its name and the random ``instance`` of its
creation — so a Redis copy alone gives no second factor, and a sealed secret copied to another
account's record (or to an account made again under the same name) opens nowhere. A secret
stored in the clear by an earlier version, or sealed under a previous secret
(``HARIS_SECRET_KEY_FALLBACKS``), is sealed again under the current one when the app starts
(:meth:`UserStore.seal_second_factors`) and when it is next read at a sign-in. A secret no key
of the server opens (the server's secret was changed without keeping the old one as a fallback)
refuses every sign-in of its account, as a wrong code would, until an operator sets a new one.

The console's Users page carries, for each account, the version of the account it showed
(:func:`account_version`), and a revoke from it is refused (:class:`AccountChanged`) when the
account under that name is another by then: deleted and made again under the same name, or its
role or second factor changed. A stale page must not revoke a colleague's new account.

Redis keys:
- ``haris:{users}:user:<username>`` — hash ``role``, ``password`` (scrypt hash), ``created`` (unix time),
  ``epoch`` (random, renewed with the password or second factor), ``totp`` (the base32 TOTP
  secret sealed as ``v1:<key id>:<base64url>``, only for accounts with a second factor; in the
  clear only in a record an earlier version wrote and no start or sign-in has re-sealed),
  ``instance`` (random, written once when the account is made: tells it from one made again
  under the same name within the same second; the API keys made for the account name it:
  ``server.storage.apikeys``; absent from accounts made before it was written),
  ``code_failures`` (wrong second-factor codes in a row with the right password, only while
  there are some: past ``MAX_CODE_FAILURES`` the account takes no code until its password or
  second factor is set again).
  Kept until the account is revoked (``flask --app server user revoke``).
- ``haris:{users}:totp-used:<username>:<step>`` — a code's time step, once a sign-in used it, so the
  same code cannot be replayed; expires after ``TOTP_REPLAY_SECONDS``.
- ``haris:{users}:session:<sha256 of the session id>`` — hash ``user``, ``created``, ``epoch``. Expires after
  ``idle_seconds`` without use (refreshed on each request) and is refused after
  ``max_seconds`` from sign-in whatever the activity.
- ``haris:{users}:user-sessions:<username>`` — set of that user's session digests, so revocation can delete
  them; expires with the newest session (same idle lifetime, refreshed on sign-in).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import pyotp
import redis
from pydantic import BaseModel
from werkzeug.security import check_password_hash, generate_password_hash

from server.roles import Role
from server.storage.optimistic import version_of, watched
from server.storage.sealed import Sealer, Unreadable

log = logging.getLogger("haris.accounts")

USER_PREFIX = "haris:{users}:user:"
SESSION_PREFIX = "haris:{users}:session:"
USER_SESSIONS_PREFIX = "haris:{users}:user-sessions:"
TOTP_USED_PREFIX = "haris:{users}:totp-used:"
# One password check at a time per account name (:meth:`UserStore.attempt_lock`): the sign-in
# limits are read before the password is checked (scrypt, ~0.5 s) and charged after it, so
# without it a burst of parallel guesses from many addresses all passed the same reading.
ATTEMPT_PREFIX = "haris:{users}:attempt:"
ATTEMPT_SECONDS = 10  # the lock's life if its worker dies holding it
TOTP_CODE = re.compile(r"^[0-9]{6}$")
TOTP_WINDOW = 1  # steps accepted either side of the server's clock (phone clocks drift)
TOTP_REPLAY_SECONDS = 30 * (2 * TOTP_WINDOW + 2)  # a used step is remembered until no clock accepts it
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
PASSWORD_METHOD = "scrypt"  # noqa: S105 (a KDF name, not a password)
IDLE_SECONDS = 2 * 3600
MAX_SECONDS = 12 * 3600
_REVOKE_RETRIES = 5  # tries of a conditional revoke while the account keeps changing under it
_SHOWN = ("role", "created", "totp", "instance")  # the fields an account's version is made of
TOTP_PURPOSE = b"totp"  # the sealing key's own purpose (server.storage.sealed)
# Wrong codes in a row with the right password before the second factor takes none (NIST SP
# 800-63B caps failed attempts on an account at 100): 10 guesses find a code 3 times in 100,000.
MAX_CODE_FAILURES = 10


class AccountError(ValueError):
    """An account cannot be created as asked (bad name, weak password, already exists)."""


def _check_password_length(password: str) -> None:
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise AccountError(f"passwords need at least {MIN_PASSWORD_LENGTH} characters")


class _StillChanging(RuntimeError):
    """An account's record kept changing while its second factor was being sealed again."""


class AccountChanged(RuntimeError):
    """The account under that name is not the one the revoking page showed (or it kept changing)."""


class _AccountShown(BaseModel):
    """What the Users page shows of an account (role, creation, second factor on or off), and
    the random ``instance`` of its creation: the account a revoke from that page means."""

    role: str
    created: int
    totp: bool
    instance: str


def account_version(record: list[bytes | None]) -> str:
    """The version of an account as read (its ``_SHOWN`` fields, in that order): a digest worked
    out on each read and stored nowhere (:func:`server.storage.optimistic.version_of`). Neither
    the password nor the epoch is in it: a revoke is not refused because the owner changed her
    password or signed out elsewhere, which the page never showed."""
    role, created, totp, instance = record
    shown = _AccountShown(
        role=(role or b"").decode(),
        created=int(created or 0),
        totp=totp is not None,
        instance=(instance or b"").decode(),
    )
    return version_of(shown)


@dataclass(frozen=True)
class SignInCheck:
    """What a sign-in attempt's password and code amount to (never shown to the client: a refused
    code answers as a wrong password)."""

    role: Role | None
    code_refused: bool = False  # the password was right, the second-factor code was not
    # The account's epoch when its password was checked: the session this sign-in starts belongs
    # to it (:meth:`UserStore.start_session`), not to whatever epoch is current a moment later.
    epoch: bytes = b""


@dataclass(frozen=True)
class SignedIn:
    username: str
    role: Role
    session_id: str


@cache
def _decoy_hash() -> str:
    # Checked when the username does not exist, so a failed sign-in takes as long either way
    # and response time does not reveal which usernames exist.
    return generate_password_hash(secrets.token_urlsafe(16), method=PASSWORD_METHOD)


def _password_matches(stored: bytes | None, password: str) -> bool:
    """Whether ``password`` is the ``stored`` hash's; with no hash, a decoy is checked instead, so
    an unknown account costs what a wrong password costs."""
    if stored is None:
        check_password_hash(_decoy_hash(), password[:MAX_PASSWORD_LENGTH])
        return False
    return check_password_hash(stored.decode(), password)


def _session_digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _new_epoch() -> str:
    return secrets.token_hex(8)


def valid_username(username: str) -> bool:
    return bool(USERNAME_PATTERN.match(username))


def account_instance(client: redis.Redis, username: str) -> tuple[Role, str] | None:
    """The role of the account under ``username`` and what tells it from any other account ever
    made under that name: its random ``instance`` (``created:<unix time>`` for an account made
    before instances were written); None if there is no such account. API keys made for the
    account name it (``server.storage.apikeys``)."""
    plausible = valid_username(username)
    role, instance, created = (
        client.hmget(USER_PREFIX + username, "role", "instance", "created") if plausible else (None,) * 3
    )
    if role is None:
        return None
    identity = instance.decode() if instance else f"created:{int(created or 0)}"
    return Role(role.decode()), identity


def _forget_code_failures(client: redis.Redis | redis.client.Pipeline, username: str) -> None:
    """Start the account's count of wrong codes again (a right code, a new password or second
    factor), on ``client`` or queued on a pipeline."""
    client.hdel(USER_PREFIX + username, "code_failures")


def _totp_binding(username: str, instance: bytes | None) -> bytes:
    """What a sealed TOTP secret is bound to (its associated data): the account, by its name and
    the random ``instance`` written when it was made (empty for accounts made before it was)."""
    return b"totp\0" + username.encode() + b"\0" + (instance or b"")


@dataclass
class UserStore:
    client: redis.Redis
    idle_seconds: int = IDLE_SECONDS
    max_seconds: int = MAX_SECONDS
    clock: Callable[[], float] = field(default=time.time)
    # Seals TOTP secrets (made from HARIS_SECRET_KEY: server.storage.Stores.over). None: this
    # store cannot set a second factor, nor check one (a sign-in to such an account is refused).
    sealer: Sealer | None = None

    def __post_init__(self) -> None:
        # The decoy is made now (once per process), not at the first sign-in for an unknown name:
        # made then, that sign-in cost two scrypts, twice a wrong password's time, and each new
        # worker (gunicorn restarts them every ~20,000 requests) told one prober "no such user".
        _decoy_hash()

    def create(self, username: str, password: str, role: Role) -> None:
        if not valid_username(username):
            raise AccountError("usernames are 2–64 characters: lower-case letters, digits, '.', '_' or '-'")
        _check_password_length(password)
        record = {
            "role": role.value,
            "password": generate_password_hash(password, method=PASSWORD_METHOD),
            "created": int(self.clock()),
            "epoch": _new_epoch(),
            "instance": secrets.token_hex(8),
        }
        key = USER_PREFIX + username
        # HSETNX on the first field makes creation atomic: two concurrent creates cannot both win.
        if not self.client.hsetnx(key, "role", record["role"]):
            raise AccountError(f"user {username!r} already exists")
        self.client.hset(key, mapping=record)

    def revoke(self, username: str, expected: str | None = None) -> bool:
        """Delete the account and end all of its sessions. False if there was no such user.

        With ``expected`` (the :func:`account_version` the revoking page showed),
        :class:`AccountChanged` when the account is another one now. Its record is read WATCHed
        and deleted in the same MULTI, so an account made again (or changed) in between fails
        the EXEC and is read again, then refused."""
        if expected is None:  # the CLI and the services' callers without a page: as before
            with self.client.pipeline(transaction=True) as pipe:
                pipe.delete(USER_PREFIX + username)
                self._delete_sessions(pipe, username)
                existed, *_ = pipe.execute()
            return bool(existed)
        key = USER_PREFIX + username

        def attempt(pipe: redis.client.Pipeline) -> bool:
            record = pipe.hmget(key, *_SHOWN)
            if record[0] is None:
                return False
            if account_version(record) != expected:
                raise AccountChanged(username)
            pipe.multi()
            pipe.delete(key)
            self._delete_sessions(pipe, username)
            return bool(pipe.execute()[0])

        # Still changing after every try: it is not the account the page showed either.
        return watched(self.client, key, attempt, _REVOKE_RETRIES, AccountChanged(username))

    def _delete_sessions(self, pipe: redis.client.Pipeline, username: str) -> None:
        """Queue on ``pipe`` the deletion of every session of the account, and of their set."""
        sessions_key = USER_SESSIONS_PREFIX + username
        for digest in self.client.smembers(sessions_key):
            pipe.delete(SESSION_PREFIX + digest.decode())
        pipe.delete(sessions_key)

    def list(self) -> list[dict[str, str | int]]:
        """Every account: username, role, creation time, ``totp`` 1 if it has a second factor,
        and its ``version`` as read (:func:`account_version`)."""
        users = []
        for key in self.client.scan_iter(match=USER_PREFIX + "*", count=500):
            record = self.client.hmget(key, *_SHOWN)
            if record[0] is None:
                continue
            users.append(
                {
                    "username": key.decode()[len(USER_PREFIX) :],
                    "role": record[0].decode(),
                    "created": int(record[1] or 0),
                    "totp": int(record[2] is not None),
                    "version": account_version(record),
                }
            )
        return sorted(users, key=lambda user: str(user["username"]))

    def authenticate(self, username: str, password: str, code: str = "") -> Role | None:
        """The user's role if the password is right and, for an account with a second factor,
        ``code`` is a current TOTP code not used before; None otherwise (same cost either way)."""
        return self.sign_in(username, password, code).role

    def attempt_lock(self, username: str) -> redis.lock.Lock:
        """The lock one password check of ``username`` holds (not blocking: whoever finds it held
        is refused, not queued). Keyed by the name's SHA-256: any name typed is locked, and a
        name that is no account's (a password typed in the wrong field) is not written out."""
        digest = hashlib.sha256(username.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        return self.client.lock(ATTEMPT_PREFIX + digest, timeout=ATTEMPT_SECONDS, blocking=False)

    def sign_in(self, username: str, password: str, code: str = "", require_code: bool = False) -> SignInCheck:
        """:meth:`authenticate`, also saying whether it was the code that failed after a right
        password — the sign that someone else knows the password. With ``require_code`` an account
        without a second factor is refused whatever its password (after checking it: same cost)."""
        plausible = valid_username(username) and len(password) <= MAX_PASSWORD_LENGTH
        # The count of wrong codes is read with the hash, in the same round trip: a read made only
        # after a right password would time apart a right one from a wrong one.
        fields = ("role", "password", "totp", "epoch", "instance", "code_failures")
        found = self.client.hmget(USER_PREFIX + username, *fields) if plausible else None
        role, stored, sealed, epoch, instance, failures = found if found else (None,) * len(fields)
        # No such account (no role): the decoy is checked instead, at the same cost.
        if not _password_matches(stored if role is not None else None, password) or role is None:
            return SignInCheck(None)
        signed_in = SignInCheck(Role(role.decode()), epoch=epoch or b"")
        if sealed is None:
            return SignInCheck(None) if require_code else signed_in
        if int(failures or 0) >= MAX_CODE_FAILURES:  # no code is checked: refused as a wrong one
            return SignInCheck(None, code_refused=True)
        secret = self._open_totp(username, sealed, instance)
        # A secret no key opens cannot be checked: refused as a wrong code is (same answer).
        if secret is None or not self._second_factor(username, secret, code):
            return SignInCheck(None, code_refused=True)
        if failures is not None:
            _forget_code_failures(self.client, username)
        return signed_in

    def count_refused_code(self, username: str) -> int:
        """Count a wrong code that came with the account's right password (once the answer is
        sent: ``server.services.accounts.record_refused_code_after``); the count so far. Nothing
        for an account deleted meanwhile."""
        key = USER_PREFIX + username
        if not self.client.hexists(key, "role"):
            return 0
        return int(self.client.hincrby(key, "code_failures", 1))

    def _open_totp(self, username: str, sealed: bytes, instance: bytes | None) -> str | None:
        """The account's TOTP secret, or None when no key of this server opens it (logged: an
        operator sets a new one). One in the clear, or sealed under a previous secret, is sealed
        again under the current one."""
        if self.sealer is None:
            log.error("no sealer: the second factor of %s cannot be checked", username)
            return None
        try:
            opened = self.sealer.open(sealed.decode(), _totp_binding(username, instance))
        except Unreadable as error:
            log.error("the second factor of %s cannot be opened (%s): set it again", username, error)
            return None
        if opened.stale:
            self._reseal_totp(username)
        return opened.value

    def _reseal_totp(self, username: str) -> bool:
        """Seal the account's TOTP secret again under the current key if it is in the clear or
        under a previous secret; whether it was. WATCHed: a secret set or removed meanwhile is
        left as it is (never replaced by the old one)."""
        sealer = self.sealer
        if sealer is None:
            return False
        key = USER_PREFIX + username

        def attempt(pipe: redis.client.Pipeline) -> bool:
            stored, instance = pipe.hmget(key, "totp", "instance")
            if stored is None:
                return False
            binding = _totp_binding(username, instance)
            try:
                opened = sealer.open(stored.decode(), binding)
            except Unreadable:
                return False
            if not opened.stale:
                return False
            pipe.multi()
            pipe.hset(key, "totp", sealer.seal(opened.value, binding))
            pipe.execute()
            return True

        try:
            return watched(self.client, key, attempt, _REVOKE_RETRIES, _StillChanging(username))
        except _StillChanging:  # whoever keeps changing it writes it sealed
            return False

    def seal_second_factors(self) -> int:
        """Seal every TOTP secret stored in the clear (by an earlier version) or under a previous
        secret, under the current key; how many were. Run at start (``server.state``): a backup
        taken afterwards holds none in the clear, even of accounts that never sign in."""
        if self.sealer is None:
            return 0
        # _reseal_totp reads, opens and judges each secret itself (and leaves alone one without a
        # second factor, one already under the current key, one no key opens).
        keys = self.client.scan_iter(match=USER_PREFIX + "*", count=500)
        resealed = sum(self._reseal_totp(key.decode()[len(USER_PREFIX) :]) for key in keys)
        if resealed:
            log.info("sealed %d second-factor secrets under the current key", resealed)
        return resealed

    def _second_factor(self, username: str, secret: str, code: str) -> bool:
        """Whether ``code`` is the account's TOTP code at a step within the window, used once."""
        code = code.strip().replace(" ", "")
        if not TOTP_CODE.match(code):
            return False
        totp = pyotp.TOTP(secret)
        now = self.clock()
        for offset in range(-TOTP_WINDOW, TOTP_WINDOW + 1):
            if hmac.compare_digest(totp.at(now, counter_offset=offset), code):
                step = totp.timecode(now) + offset
                # SET NX: of two sign-ins with one code, only the first gets in.
                return bool(self.client.set(f"{TOTP_USED_PREFIX}{username}:{step}", 1, nx=True, ex=TOTP_REPLAY_SECONDS))
        return False

    def check_password(self, username: str, password: str) -> bool:
        """Whether ``password`` is the account's (the password alone, to confirm a change)."""
        plausible = valid_username(username) and len(password) <= MAX_PASSWORD_LENGTH
        return _password_matches(self.client.hget(USER_PREFIX + username, "password") if plausible else None, password)

    def set_password(self, username: str, password: str) -> bool:
        """Give the account a new password and end all its sessions (``AccountError`` for a weak
        one); False if there is no such user."""
        _check_password_length(password)
        if not self.client.hexists(USER_PREFIX + username, "role"):
            return False
        self.client.hset(USER_PREFIX + username, "password", generate_password_hash(password, method=PASSWORD_METHOD))
        _forget_code_failures(self.client, username)  # the grinder's password is void
        self.end_sessions(username)
        return True

    def set_totp(self, username: str) -> str | None:
        """Give the account a new TOTP secret (replacing any) and end its sessions; the secret,
        or None if there is no such user. Stored sealed, bound to the account."""
        if self.sealer is None:
            raise AccountError("this server cannot seal second factors (no HARIS_SECRET_KEY)")
        secret = pyotp.random_base32()
        role, instance = self.client.hmget(USER_PREFIX + username, "role", "instance")
        if role is None:
            return None
        self.client.hset(USER_PREFIX + username, "totp", self.sealer.seal(secret, _totp_binding(username, instance)))
        _forget_code_failures(self.client, username)
        self.end_sessions(username)
        return secret

    def clear_totp(self, username: str) -> bool:
        """Remove the account's second factor (a lost phone); False if it had none."""
        with self.client.pipeline(transaction=True) as pipe:
            pipe.hdel(USER_PREFIX + username, "totp")
            _forget_code_failures(pipe, username)
            removed, _ = pipe.execute()
        return bool(removed)

    def has_totp(self, username: str) -> bool:
        return bool(self.client.hexists(USER_PREFIX + username, "totp"))

    def live_sessions(self, username: str) -> int:
        """How many sessions of the account are live (its set may name some that expired)."""
        digests = [d.decode() for d in self.client.smembers(USER_SESSIONS_PREFIX + username)]
        return sum(bool(self.client.exists(SESSION_PREFIX + digest)) for digest in digests)

    def end_sessions(self, username: str) -> None:
        """End every session of the account (it stays): a new epoch, and its sessions deleted."""
        self.client.hset(USER_PREFIX + username, "epoch", _new_epoch())
        with self.client.pipeline(transaction=True) as pipe:
            self._delete_sessions(pipe, username)
            pipe.execute()

    def start_session(self, username: str, epoch: bytes | None = None) -> str:
        """A new session of the account's ``epoch`` (a sign-in's: the one its password was checked
        in, :attr:`SignInCheck.epoch`), else its current one; its id (Redis keeps only its digest).

        A sign-in with the old password that was checked just before the password changed (or
        the account's sessions were ended) belongs to the old epoch, so it ends at its first
        request; read here instead, the new epoch gave it a session that outlived the change."""
        session_id = secrets.token_urlsafe(32)
        digest = _session_digest(session_id)
        if epoch is None:
            epoch = self.client.hget(USER_PREFIX + username, "epoch") or b""
        with self.client.pipeline(transaction=True) as pipe:
            pipe.hset(
                SESSION_PREFIX + digest,
                mapping={"user": username, "created": int(self.clock()), "epoch": epoch},
            )
            pipe.expire(SESSION_PREFIX + digest, self.idle_seconds)
            pipe.sadd(USER_SESSIONS_PREFIX + username, digest)
            pipe.expire(USER_SESSIONS_PREFIX + username, self.max_seconds)
            pipe.execute()
        return session_id

    def resume(self, session_id: str) -> SignedIn | None:
        """The signed-in user of a live session (refreshing its idle timer), or None."""
        key = SESSION_PREFIX + _session_digest(session_id)
        record = self.client.hgetall(key)
        if not record:
            return None
        username = record[b"user"].decode()
        if self.clock() - int(record.get(b"created", b"0")) > self.max_seconds:
            self.end_session(session_id)
            return None
        # The account may have been revoked, or its password changed, between two requests of this
        # session: check it exists in the same epoch and take its current role, so a role change
        # applies at once.
        role, epoch = self.client.hmget(USER_PREFIX + username, "role", "epoch")
        if role is None or (epoch or b"") != record.get(b"epoch", b""):
            self.end_session(session_id)
            return None
        self.client.expire(key, self.idle_seconds)
        return SignedIn(username=username, role=Role(role.decode()), session_id=session_id)

    def end_session(self, session_id: str) -> None:
        digest = _session_digest(session_id)
        key = SESSION_PREFIX + digest
        username = self.client.hget(key, "user")
        with self.client.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            if username is not None:
                pipe.srem(USER_SESSIONS_PREFIX + username.decode(), digest)
            pipe.execute()
