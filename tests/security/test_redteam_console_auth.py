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

Finding 2 — a phished password could grind second-factor codes for ever. Each right password
with a wrong code was audited, and counted against ``HARIS_LOGIN_ACCOUNT_LIMIT`` (20 an hour),
but never stopped: three codes of a million are accepted at any moment, so 20 guesses an hour
came to about 4% a month and 40% a year (NIST SP 800-63B caps failed attempts on one account
at 100). Now an account's second factor stops accepting codes after ``MAX_CODE_FAILURES``
wrong ones in a row with its right password, until an operator sets a new password (or second
factor); the count is kept in the account's record, read with its password hash and written
once the answer is sent, so it adds no timing that confirms the password.

Finding 3 — the audit trail names who acted by name alone, and ``cli`` (the operator's shell) and
``sighup`` (a rules reload) are valid usernames: a console account so named had its actions
read as the operator's. Such names are refused.

Finding 4 — the decoy hash an unknown name is checked against was made at the first sign-in
for an unknown name in each worker: that answer took two scrypts, about twice a wrong
password's, so the first probe of each new worker
(gunicorn recycles them every ~20,000 requests) told that the name does not exist. It is made
when the store is.

Finding 5 — the audit page showed the newest 300 entries (of those a filter kept) and no more: a
stolen session, or a trainer, that read the protected-people registry then loaded an audited page
a few hundred times pushed those reads out of every maintainer's reach in the console. The page
now goes back, page after page, through the whole trail.

Finding 6 (the lead, from this pass's report) — the sign-in limits were read before a password
was checked (scrypt, about half a second) and charged after it, so guesses sent together, from
as many addresses, all passed the same reading: about one guess more than
``HARIS_LOGIN_ACCOUNT_LIMIT`` per request in flight, in every window (gunicorn's 2 × 8 threads
per node). One password check of an account runs at a time now
(``server.services.accounts.checked_password``), at sign-in and on *My account*; one that finds
another running is refused unchecked.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import re
from typing import Any

import pyotp
import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

from server.console.auth import DEVICE_COOKIE
from server.console.views import AUDIT_PAGE
from server.roles import Role
from server.services import CLI_ACTOR
from server.services import accounts as account_services
from server.state import app_state
from server.storage import users as users_storage
from server.storage.devices import DEVICES_PREFIX
from server.storage.users import MAX_CODE_FAILURES, USER_PREFIX, UserStore
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


NOW = 1_800_000_000.0  # the users store's clock in the second-factor tests (never the real time)


def _sent(response: Any) -> Any:
    """Read and close the response, as the server does once it is sent (``call_on_close`` runs)."""
    response.make_sequence()
    response.close()
    return response


def _with_code(client: FlaskClient, username: str, code: str, password: str = PASSWORD) -> Any:
    form = {"username": username, "password": password, "code": code}
    form["csrf_token"] = page_token(client, LOGIN_PATH)
    return _sent(client.post(LOGIN_PATH, data=form))


def _second_factor_app(make_app: Any) -> tuple[Flask, pyotp.TOTP]:
    app: Flask = make_app(HARIS_LOGIN_ACCOUNT_LIMIT="1000/hour", HARIS_LOGIN_LIMIT="1000/hour")
    with app.app_context():
        app_state().stores.users.clock = lambda: NOW
    result = app.test_cli_runner().invoke(args=["user", "totp", "amal"])
    assert result.exit_code == 0, result.output
    secret = next(line for line in result.stdout.splitlines() if line.startswith("secret: "))
    return app, pyotp.TOTP(secret.removeprefix("secret: "))


def test_a_phished_password_cannot_grind_second_factor_codes(
    make_app: Any, accounts: UserStore, redis_client: redis.Redis
) -> None:
    app, totp = _second_factor_app(make_app)
    valid = {totp.at(NOW, counter_offset=offset) for offset in (-1, 0, 1)}
    wrong = [f"{number:06d}" for number in range(200) if f"{number:06d}" not in valid][:MAX_CODE_FAILURES]
    for number, code in enumerate(wrong):
        assert _with_code(_from(app, f"192.0.2.{number + 1}"), "amal", code).status_code == 401
    # The next guess is the right code: refused as a wrong one, unchecked (it is not used up).
    answer = _with_code(_from(app, "192.0.2.200"), "amal", totp.at(NOW))
    assert answer.status_code == 401
    assert b"haris_device" not in b"".join(v.encode() for v in answer.headers.getlist("Set-Cookie"))
    assert not redis_client.exists(f"haris:{{users}}:totp-used:amal:{totp.timecode(NOW)}")
    # The owner's way back: an operator sets a new password; the same code then signs in.
    reset = app.test_cli_runner().invoke(args=["user", "password", "amal"], input="a brand new passphrase\n" * 2)
    assert reset.exit_code == 0, reset.output
    assert not redis_client.hexists(USER_PREFIX + "amal", "code_failures")
    assert _with_code(_from(app, "198.51.100.9"), "amal", totp.at(NOW), "a brand new passphrase").status_code == 303


def test_a_right_code_starts_the_count_again(make_app: Any, accounts: UserStore, redis_client: redis.Redis) -> None:
    """Only wrong codes in a row count: the owner's occasional typo never adds up to a lock."""
    app, totp = _second_factor_app(make_app)
    wrong = "000000" if "000000" not in {totp.at(NOW, counter_offset=o) for o in (-1, 0, 1)} else "000001"
    owner = _from(app, "198.51.100.7")
    for _ in range(MAX_CODE_FAILURES - 1):
        assert _with_code(owner, "amal", wrong).status_code == 401
    assert _with_code(owner, "amal", totp.at(NOW, counter_offset=-1)).status_code == 303
    assert not redis_client.hexists(USER_PREFIX + "amal", "code_failures")
    _sign_out(owner)
    assert _with_code(owner, "amal", wrong).status_code == 401
    assert _with_code(owner, "amal", totp.at(NOW)).status_code == 303


@pytest.mark.parametrize("name", ["cli", "sighup"])
def test_no_account_takes_a_name_the_audit_trail_gives_the_operator(
    make_app: Any, redis_client: redis.Redis, name: str
) -> None:
    app = make_app()
    runner = app.test_cli_runner()
    made = runner.invoke(args=["user", "create", name, "--role", "maintainer"], input=f"{PASSWORD}\n" * 2)
    assert made.exit_code != 0 and "audit trail" in made.output
    assert not redis_client.exists(USER_PREFIX + name)


def test_the_decoy_hash_is_ready_before_the_first_sign_in(make_app: Any) -> None:
    """No timing here: whether the app made the decoy before any sign-in asked for it."""
    users_storage._decoy_hash.cache_clear()
    make_app()
    assert users_storage._decoy_hash.cache_info().currsize == 1


_OLDER = re.compile(r'<a href="(/console/audit\?[^"]*before=[^"]+)">Older entries</a>')


@pytest.mark.parametrize("query", ["who=amal&kind=reads", "kind=all"])
def test_a_flood_of_newer_entries_does_not_hide_an_older_read(make_app: Any, accounts: UserStore, query: str) -> None:
    app = make_app()
    maintainer = _from(app, "198.51.100.3")
    assert sign_in(maintainer, "omar").status_code == 303
    with app.app_context():
        trail = app_state().stores.audit
        trail.record("amal", "protected.viewed", "p-0123456789abcdef")  # what she wants hidden
        for _ in range(AUDIT_PAGE + 5):  # her page loads of the registry's list afterwards
            trail.record("amal", "protected.listed", "registry", people=3)
    path, pages = f"/console/audit?{query}", []
    while path and len(pages) < 5:
        page = html.unescape(maintainer.get(path).get_data(as_text=True))
        pages.append(page)
        found = _OLDER.search(page)
        path = found.group(1) if found else ""
    assert "p-0123456789abcdef" not in pages[0]
    assert any("p-0123456789abcdef" in page for page in pages[1:])
    assert maintainer.get("/console/audit?before=nonsense").status_code == 200  # not an id: the newest


def test_guesses_sent_together_do_not_all_pass_one_reading_of_the_limits(make_app: Any, accounts: UserStore) -> None:
    app = make_app(HARIS_LOGIN_ACCOUNT_LIMIT="2/hour")
    # A password check of "amal" is running (a guess sent at the same moment, in another worker).
    running = accounts.attempt_lock("amal")
    assert running.acquire(blocking=False)
    try:
        statuses = [
            sign_in(_from(app, f"192.0.2.{number + 1}"), "amal", "a guess!!!!!").status_code for number in range(4)
        ]
        assert statuses == [429, 429, 429, 429]
        assert sign_in(_from(app, "192.0.2.9"), "amal").status_code == 429  # the right one is not checked either
    finally:
        running.release()
    # Refused unchecked, they counted nothing: the account's two failures are still to come.
    _lock(app, "amal", 2)
    assert sign_in(_from(app, "192.0.2.10"), "amal", "a third guess").status_code == 429
    # Another account's checks never waited on amal's.
    assert accounts.attempt_lock("amal").acquire(blocking=False)
    assert sign_in(_from(app, "198.51.100.20"), "omar").status_code == 303


def test_my_account_checks_the_current_password_one_at_a_time_too(make_app: Any, accounts: UserStore) -> None:
    """A stolen session cookie sends each guess of the current password from a new address: the
    same lock holds there."""
    app = make_app()
    thief = _from(app, "198.51.100.30")
    assert sign_in(thief, "amal").status_code == 303
    running = accounts.attempt_lock("amal")
    assert running.acquire(blocking=False)
    try:
        token = page_token(thief, "/console/account")
        response = thief.post("/console/account/sessions", data={"csrf_token": token, "current": PASSWORD})
        assert response.status_code == 429
    finally:
        running.release()
    token = page_token(thief, "/console/account")
    assert thief.post("/console/account/sessions", data={"csrf_token": token, "current": PASSWORD}).status_code == 303
