"""Red team: the console's sign-in, sessions and roles, as someone who stole a trainer's laptop
(her session and device cookies), sprays guesses from many addresses, or holds the server's
secret (``HARIS_SECRET_KEY``) without its Redis.

What held is listed in the report of that pass; what did not is tested here.

Finding 1 — a device cookie was a standing pass past the per-account limit. Past
``HARIS_LOGIN_ACCOUNT_LIMIT`` only a browser that signed in to the account before has its
password checked (``haris_device``, OWASP's device cookie). The cookie was stateless: a copy of
it (a stolen laptop, malware) let its holder send guess after guess, each from a new address,
as long as he liked (the per-address limit never binds), and anyone with the secret alone
could sign one for every account. Now a device cookie names a random nonce the server keeps
(its digest: ``server.storage.devices``), and while the account is under attack a known
browser gets one checked attempt per sign-in: a wrong one forgets it.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import pytest
import redis
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

from server.console.auth import DEVICE_COOKIE
from server.roles import Role
from server.services import CLI_ACTOR
from server.services import accounts as account_services
from server.storage.devices import DEVICES_PREFIX
from server.storage.users import UserStore
from tests.conftest import PASSWORD, TEST_SECRET
from tests.console.conftest import page_token, sign_in

LOGIN_PATH = "/console/login"


@pytest.fixture(params=["single", "cluster"])
def store_kind(request: pytest.FixtureRequest) -> str:
    """Every test here runs on a single Redis and on a three-node Redis Cluster (tests/conftest.py)."""
    return request.param


def _from(app: Any, address: str) -> FlaskClient:
    client: FlaskClient = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _lock(app: Any, username: str, failures: int) -> None:
    """Use up the account's allowance with wrong passwords from as many addresses."""
    for number in range(failures):
        assert sign_in(_from(app, f"203.0.113.{number + 1}"), username, "wrong password!!").status_code == 401


def _sign_out(client: FlaskClient) -> None:
    assert client.post("/console/logout", data={"csrf_token": page_token(client, "/console/check")}).status_code == 303


def _signed_out_owner(app: Any, username: str = "amal") -> FlaskClient:
    owner = _from(app, "198.51.100.7")
    assert sign_in(owner, username).status_code == 303
    _sign_out(owner)
    return owner


def test_a_stolen_device_cookie_gets_one_guess_not_a_run_of_them(make_app: Any, accounts: UserStore) -> None:
    app = make_app(HARIS_LOGIN_ACCOUNT_LIMIT="2/hour")
    owner = _signed_out_owner(app)
    stolen = owner.get_cookie(DEVICE_COOKIE, path=LOGIN_PATH)
    assert stolen is not None
    _lock(app, "amal", 2)
    statuses = []
    for number in range(4):
        thief = _from(app, f"192.0.2.{number + 1}")  # a new address for each guess
        thief.set_cookie(DEVICE_COOKIE, stolen.value, path=LOGIN_PATH)
        statuses.append(sign_in(thief, "amal", f"the thief's guess {number}").status_code)
    assert statuses == [401, 429, 429, 429]
    # Past that one guess, the right password is refused unchecked too: no oracle.
    thief = _from(app, "192.0.2.99")
    thief.set_cookie(DEVICE_COOKIE, stolen.value, path=LOGIN_PATH)
    assert sign_in(thief, "amal").status_code == 429
    assert accounts.authenticate("amal", PASSWORD) is Role.TRAINER


def test_the_owners_browser_still_gets_in_and_keeps_being_known(make_app: Any, accounts: UserStore) -> None:
    """A known browser's right password under attack signs in and gets a new device cookie,
    known for the next attempt too (the one it came with is spent)."""
    app = make_app(HARIS_LOGIN_ACCOUNT_LIMIT="2/hour")
    owner = _signed_out_owner(app)
    spent = owner.get_cookie(DEVICE_COOKIE, path=LOGIN_PATH)
    assert spent is not None
    _lock(app, "amal", 2)
    for _ in range(2):
        assert sign_in(owner, "amal").status_code == 303
        assert (
            owner.post("/console/logout", data={"csrf_token": page_token(owner, "/console/check")}).status_code == 303
        )
    replay = _from(app, "192.0.2.50")
    replay.set_cookie(DEVICE_COOKIE, spent.value, path=LOGIN_PATH)
    assert sign_in(replay, "amal").status_code == 429  # the cookie it signed in with is spent


def test_the_secret_alone_does_not_make_a_browser_known(make_app: Any, accounts: UserStore) -> None:
    """A device cookie signed with the server's secret (leaked from a deploy file, a CI log) for
    an account it never signed in from: not known, even with the right password."""
    app = make_app(HARIS_LOGIN_ACCOUNT_LIMIT="2/hour")
    _signed_out_owner(app)
    _lock(app, "amal", 2)
    digest = hmac.new(TEST_SECRET.encode(), b"device:amal", hashlib.sha256).hexdigest()[:32]
    for nonce in ("made-up", "x" * 22):
        forged = URLSafeTimedSerializer(TEST_SECRET, salt="haris-console-device").dumps([digest, nonce])
        client = _from(app, "192.0.2.77")
        client.set_cookie(DEVICE_COOKIE, forged, path=LOGIN_PATH)
        assert sign_in(client, "amal").status_code == 429


def test_redis_keeps_only_a_digest_of_each_device(
    make_app: Any, accounts: UserStore, redis_client: redis.Redis
) -> None:
    """A copy of Redis (and the secret) cannot be turned into a device cookie: the nonce itself is
    not kept. Each account keeps a few devices at most, each for DEVICE_SECONDS at most."""
    app = make_app()
    owner = _signed_out_owner(app)
    cookie = owner.get_cookie(DEVICE_COOKIE, path=LOGIN_PATH)
    assert cookie is not None
    _, nonce = URLSafeTimedSerializer(TEST_SECRET, salt="haris-console-device").loads(cookie.value)
    key = DEVICES_PREFIX + "amal"
    members = [member.decode() for member in redis_client.zrange(key, 0, -1)]
    assert members == [hashlib.sha256(nonce.encode()).hexdigest()]
    assert 0 < redis_client.ttl(key) <= 181 * 24 * 3600
    for _ in range(12):
        assert sign_in(_from(app, "198.51.100.8"), "amal").status_code == 303
    assert redis_client.zcard(key) <= 10


def test_a_revoked_accounts_browsers_are_forgotten(
    make_app: Any, accounts: UserStore, redis_client: redis.Redis
) -> None:
    app = make_app()
    _signed_out_owner(app)
    assert redis_client.exists(DEVICES_PREFIX + "amal")
    with app.app_context():
        assert account_services.revoke_user("amal", CLI_ACTOR)
    assert not redis_client.exists(DEVICES_PREFIX + "amal")
