"""Red team: a copy of Redis alone must not give every console account's second factor.

TOTP secrets were stored in the clear in each account's record, so a Redis dump, a replica or an
AOF/RDB backup held every second factor. They are now sealed (AES-256-GCM under a key derived
from ``HARIS_SECRET_KEY``), bound to the account, so a copy of Redis holds none of them and a
sealed secret moved to another account opens nowhere. Secrets an earlier version wrote in the
clear are sealed at start and at their account's next sign-in; after the secret is rotated, the
previous one (``HARIS_SECRET_KEY_FALLBACKS``) still opens them, and they are sealed again.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pyotp
import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from server.roles import Role
from server.state import app_state
from server.storage.sealed import Sealer
from server.storage.users import TOTP_PURPOSE, USER_PREFIX, AccountError, UserStore
from tests.conftest import TEST_SECRET
from tests.console.conftest import PASSWORD, HttpsClient
from tests.console.test_second_factor import NOW, secret_for, sign_in
from tests.privacy.harness import dump_redis, find

OTHER_SECRET = "another-secret-key-that-is-long-enough-9876543210"


def clocked(app: Flask) -> Flask:
    app.test_client_class = HttpsClient
    with app.app_context():
        app_state().stores.users.clock = lambda: NOW
    return app


def browser(app: Flask) -> FlaskClient:
    client = app.test_client()
    client.environ_base["HTTP_REFERER"] = "https://localhost/console/"
    return client


def stored(redis_client: redis.Redis, username: str) -> bytes:
    value = redis_client.hget(USER_PREFIX + username, "totp")
    assert value is not None
    return value


def test_a_copy_of_redis_holds_no_second_factor(
    make_app: Callable[..., Flask], accounts: UserStore, redis_client: redis.Redis
) -> None:
    app = clocked(make_app())
    secret = secret_for(app, "amal")
    assert stored(redis_client, "amal").startswith(b"v1:")
    raw_key = base64.b32decode(secret)
    seized = b"\n".join(entry.blob() for entry in dump_redis(redis_client))
    assert find([secret, secret.lower()], seized) == []
    assert raw_key not in seized and raw_key.hex().encode() not in seized
    # Still the account's second factor: a code from it signs in.
    assert sign_in(browser(app), "amal", pyotp.TOTP(secret).at(NOW)).status_code == 303


def test_a_sealed_secret_moved_to_another_account_opens_nowhere(
    make_app: Callable[..., Flask], accounts: UserStore, redis_client: redis.Redis
) -> None:
    """Someone who can write to Redis copies his own account's sealed secret into hers, to sign in
    with his phone's codes and her phished password: it is bound to his account."""
    app = clocked(make_app())
    secret_for(app, "amal")  # hers, unknown to him
    his = secret_for(app, "omar")
    redis_client.hset(USER_PREFIX + "amal", "totp", stored(redis_client, "omar"))
    assert sign_in(browser(app), "amal", pyotp.TOTP(his).at(NOW)).status_code == 401
    # The same name made again is another account: the old record's secret does not open there.
    old = stored(redis_client, "omar")
    accounts.revoke("omar")
    accounts.create("omar", PASSWORD, Role.MAINTAINER)
    redis_client.hset(USER_PREFIX + "omar", "totp", old)
    assert sign_in(browser(app), "omar", pyotp.TOTP(his).at(NOW, counter_offset=1)).status_code == 401


def test_a_secret_in_the_clear_is_sealed_at_start(
    make_app: Callable[..., Flask], accounts: UserStore, redis_client: redis.Redis
) -> None:
    legacy = pyotp.random_base32()
    redis_client.hset(USER_PREFIX + "amal", "totp", legacy)  # as an earlier version wrote it
    app = clocked(make_app())
    assert stored(redis_client, "amal").startswith(b"v1:")
    assert legacy.encode() not in stored(redis_client, "amal")
    assert sign_in(browser(app), "amal", pyotp.TOTP(legacy).at(NOW)).status_code == 303


def test_a_secret_in_the_clear_is_sealed_at_its_next_sign_in(
    make_app: Callable[..., Flask], accounts: UserStore, redis_client: redis.Redis
) -> None:
    app = clocked(make_app())
    legacy = pyotp.random_base32()
    redis_client.hset(USER_PREFIX + "amal", "totp", legacy)  # written after this app started
    totp = pyotp.TOTP(legacy)
    assert sign_in(browser(app), "amal", totp.at(NOW), "not the password!").status_code == 401
    assert stored(redis_client, "amal") == legacy.encode()  # a wrong password reads nothing of it
    assert sign_in(browser(app), "amal", totp.at(NOW)).status_code == 303
    assert stored(redis_client, "amal").startswith(b"v1:")
    assert sign_in(browser(app), "amal", totp.at(NOW, counter_offset=1)).status_code == 303


def test_after_a_rotation_the_previous_secret_still_opens_them_and_they_are_sealed_again(
    make_app: Callable[..., Flask], accounts: UserStore, redis_client: redis.Redis
) -> None:
    secret = secret_for(clocked(make_app()), "amal")
    before = stored(redis_client, "amal")
    totp = pyotp.TOTP(secret)
    # Rotated without keeping the old secret: the second factor cannot be checked; refused.
    forgotten = clocked(make_app(HARIS_SECRET_KEY=OTHER_SECRET))
    assert stored(redis_client, "amal") == before  # unreadable: left as it is, not dropped
    assert sign_in(browser(forgotten), "amal", totp.at(NOW)).status_code == 401
    # With the old one as a fallback: sealed again at start under the new key, and it signs in.
    rotated = clocked(make_app(HARIS_SECRET_KEY=OTHER_SECRET, HARIS_SECRET_KEY_FALLBACKS=f" {TEST_SECRET} ,"))
    after = stored(redis_client, "amal")
    assert after.startswith(b"v1:") and after.split(b":")[1] != before.split(b":")[1]
    assert sign_in(browser(rotated), "amal", totp.at(NOW, counter_offset=1)).status_code == 303
    # The old secret alone no longer opens it.
    assert sign_in(browser(clocked(make_app())), "amal", totp.at(NOW, counter_offset=-1)).status_code == 401


def test_a_store_that_cannot_seal_sets_no_second_factor(redis_client: redis.Redis) -> None:
    store = UserStore(redis_client)
    store.create("amal", PASSWORD, Role.TRAINER)
    with pytest.raises(AccountError):
        store.set_totp("amal")
    assert not store.has_totp("amal")


def test_without_a_configured_secret_the_cli_refuses_to_set_one(
    make_app: Callable[..., Any], accounts: UserStore
) -> None:
    """In development the secret is made up at each start: a second factor sealed under it would
    be unreadable by the server once the CLI (another process) exits."""
    app = make_app(HARIS_SECRET_KEY=None)
    result = app.test_cli_runner().invoke(args=["user", "totp", "amal"])
    assert result.exit_code != 0 and "HARIS_SECRET_KEY" in result.output
    assert not accounts.has_totp("amal")


def test_sealing_is_bound_and_keyed() -> None:
    sealer = Sealer(TEST_SECRET.encode(), TOTP_PURPOSE)
    sealed = sealer.seal("JBSWY3DPEHPK3PXP", b"amal")
    assert sealer.open(sealed, b"amal").value == "JBSWY3DPEHPK3PXP"
    assert sealed != sealer.seal("JBSWY3DPEHPK3PXP", b"amal")  # a fresh nonce each time
    # Another purpose derives another key: the same secret's TOTP key opens nothing else's.
    assert Sealer(TEST_SECRET.encode(), b"other").seal("x", b"amal").split(":")[1] != sealed.split(":")[1]
