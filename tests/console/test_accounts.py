"""Console accounts: hashed with a slow KDF, created and revoked from the CLI, sessions server-side."""

from __future__ import annotations

from collections.abc import Callable
from hashlib import sha256
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from server.console import SESSION_COOKIE
from server.roles import Role
from server.storage.users import AccountError, UserStore
from tests.console.conftest import PASSWORD, page_token, sign_in


def test_passwords_are_stored_only_as_scrypt_hashes(redis_client: redis.Redis) -> None:
    store = UserStore(redis_client)
    store.create("amal", PASSWORD, Role.TRAINER)
    record = redis_client.hgetall("haris:{users}:user:amal")
    assert record[b"role"] == b"trainer"
    assert record[b"password"].startswith(b"scrypt:32768:8:1$")
    everything = b" ".join(v for key in redis_client.keys("*") for v in redis_client.hgetall(key).values())
    assert PASSWORD.encode() not in everything
    assert store.authenticate("amal", PASSWORD) is Role.TRAINER
    assert store.authenticate("amal", PASSWORD + "x") is None
    assert store.authenticate("nobody", PASSWORD) is None
    assert store.authenticate("amal", PASSWORD + "x" * 2000) is None


@pytest.mark.parametrize(
    ("username", "password"),
    [("Amal", PASSWORD), ("a", PASSWORD), ("amal/../x", PASSWORD), ("amal", "short"), ("", PASSWORD)],
)
def test_bad_usernames_and_weak_passwords_are_refused(redis_client: redis.Redis, username: str, password: str) -> None:
    with pytest.raises(AccountError):
        UserStore(redis_client).create(username, password, Role.TRAINER)
    assert redis_client.keys("haris:{users}:user:*") == []


def test_an_existing_user_is_not_overwritten(redis_client: redis.Redis) -> None:
    store = UserStore(redis_client)
    store.create("amal", PASSWORD, Role.TRAINER)
    with pytest.raises(AccountError):
        store.create("amal", "another long password", Role.MAINTAINER)
    assert store.authenticate("amal", PASSWORD) is Role.TRAINER


def test_cli_creates_with_a_prompted_password_and_lists(console_app: Flask, redis_client: redis.Redis) -> None:
    runner = console_app.test_cli_runner()
    created = runner.invoke(args=["user", "create", "hala", "--role", "maintainer"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert created.exit_code == 0, created.output
    assert UserStore(redis_client).authenticate("hala", PASSWORD) is Role.MAINTAINER
    listed = runner.invoke(args=["user", "list"])
    assert "hala\tmaintainer" in listed.output
    again = runner.invoke(args=["user", "create", "hala", "--role", "trainer", "--password", PASSWORD])
    assert again.exit_code != 0 and "already exists" in again.output
    weak = runner.invoke(args=["user", "create", "sami", "--role", "trainer", "--password", "short"])
    assert weak.exit_code != 0 and "at least 12" in weak.output


def test_revoking_a_user_ends_their_live_sessions(
    console_app: Flask, new_client: Callable[[], FlaskClient], accounts: UserStore, redis_client: redis.Redis
) -> None:
    laptop, phone = new_client(), new_client()
    assert sign_in(laptop, "amal").status_code == 303
    assert sign_in(phone, "amal").status_code == 303
    assert laptop.get("/console/reports").status_code == 200
    assert len(redis_client.smembers("haris:{users}:user-sessions:amal")) == 2

    result = console_app.test_cli_runner().invoke(args=["user", "revoke", "amal"])
    assert result.exit_code == 0, result.output
    for client in (laptop, phone):
        response = client.get("/console/reports")
        assert response.status_code == 302 and "/console/login" in response.headers["Location"]
    assert redis_client.keys("haris:{users}:session:*") == []
    assert not redis_client.exists("haris:{users}:user-sessions:amal")
    assert sign_in(new_client(), "amal").status_code == 401
    assert console_app.test_cli_runner().invoke(args=["user", "revoke", "amal"]).exit_code != 0


def test_sessions_expire_after_their_maximum_age(redis_client: redis.Redis) -> None:
    store = UserStore(redis_client, max_seconds=0)
    store.create("amal", PASSWORD, Role.TRAINER)
    session_id = store.start_session("amal")
    key = f"haris:{{users}}:session:{sha256(session_id.encode()).hexdigest()}"
    redis_client.hset(key, "created", 1)
    assert store.resume(session_id) is None
    assert not redis_client.exists(key)


def test_idle_sessions_expire_in_redis(redis_client: redis.Redis) -> None:
    store = UserStore(redis_client, idle_seconds=600)
    store.create("amal", PASSWORD, Role.TRAINER)
    session_id = store.start_session("amal")
    assert 0 < redis_client.ttl(f"haris:{{users}}:session:{sha256(session_id.encode()).hexdigest()}") <= 600
    signed_in = store.resume(session_id)
    assert signed_in is not None and signed_in.username == "amal" and signed_in.role is Role.TRAINER


def test_redis_holds_only_digests_of_session_ids(
    new_client: Callable[[], FlaskClient], accounts: UserStore, redis_client: redis.Redis
) -> None:
    """A copy of Redis (a backup, a replica) holds no session id a cookie could be made from."""
    client = new_client()
    assert sign_in(client, "amal").status_code == 303
    with client.session_transaction("/console/") as cookie_session:
        session_id = cookie_session["sid"]
    everything = b" ".join(
        [key for key in redis_client.keys("haris:{users}:*")]
        + [member for member in redis_client.smembers("haris:{users}:user-sessions:amal")]
    )
    assert session_id.encode() not in everything
    assert sha256(session_id.encode()).hexdigest().encode() in everything
    assert client.get("/console/check").status_code == 200


def change_password(client: FlaskClient, current: str, new: str, again: str | None = None) -> Any:
    token = page_token(client, "/console/account")
    return client.post(
        "/console/account", data={"csrf_token": token, "current": current, "new": new, "again": again or new}
    )


def test_changing_the_password_ends_every_other_session_and_is_audited(
    new_client: Callable[[], FlaskClient], accounts: UserStore, maintainer: FlaskClient
) -> None:
    laptop, stolen = new_client(), new_client()
    assert sign_in(laptop, "amal").status_code == 303
    assert sign_in(stolen, "amal").status_code == 303
    new = "a brand new long passphrase"
    response = change_password(laptop, PASSWORD, new)
    assert response.status_code == 303 and response.headers["Location"] == "/console/account"
    assert "every other session has ended" in laptop.get("/console/account").get_data(as_text=True)
    assert laptop.get("/console/check").status_code == 200
    assert stolen.get("/console/check").status_code == 302
    assert sign_in(new_client(), "amal").status_code == 401
    assert sign_in(new_client(), "amal", new).status_code == 303
    trail = maintainer.get("/console/audit").get_data(as_text=True)
    assert "changed a password" in trail and new not in trail


@pytest.mark.parametrize(
    ("current", "new", "again", "status", "message"),
    [
        ("not the password!", "a brand new long passphrase", None, 403, "current password is not right"),
        (PASSWORD, "a brand new long passphrase", "another long passphrase", 422, "differ"),
        (PASSWORD, "short", None, 422, "at least 12 characters"),
    ],
)
def test_a_refused_password_change_changes_nothing(
    trainer: FlaskClient, accounts: UserStore, current: str, new: str, again: str | None, status: int, message: str
) -> None:
    response = change_password(trainer, current, new, again)
    assert response.status_code == status and message in response.get_data(as_text=True)
    assert trainer.get("/console/check").status_code == 200
    assert accounts.authenticate("amal", PASSWORD) is Role.TRAINER


def test_a_stolen_session_cannot_guess_the_password_on_the_account_page(make_app: Any, accounts: UserStore) -> None:
    client = make_app(HARIS_LOGIN_LIMIT="2/minute").test_client()
    assert sign_in(client, "amal").status_code == 303
    new = "a brand new long passphrase"
    statuses = [change_password(client, f"guess number {n}!", new).status_code for n in range(3)]
    assert statuses == [403, 403, 429]
    assert change_password(client, PASSWORD, "a brand new long passphrase").status_code == 429
    assert accounts.authenticate("amal", PASSWORD) is Role.TRAINER


def test_an_account_made_again_under_a_revoked_name_gets_none_of_its_sessions(redis_client: redis.Redis) -> None:
    store = UserStore(redis_client)
    store.create("amal", PASSWORD, Role.MAINTAINER)
    session_id = store.start_session("amal")
    # A session started while the account was being revoked (not yet in its set) survives the
    # revocation in Redis; the name is then given to someone else.
    store.revoke("amal")
    late = store.start_session("amal")
    store.create("amal", PASSWORD, Role.TRAINER)
    assert store.resume(session_id) is None
    assert store.resume(late) is None


def test_the_cli_resets_a_password_and_ends_sessions(
    console_app: Flask, new_client: Callable[[], FlaskClient], accounts: UserStore, redis_client: redis.Redis
) -> None:
    client = new_client()
    assert sign_in(client, "amal").status_code == 303
    new = "a brand new long passphrase"
    result = console_app.test_cli_runner().invoke(args=["user", "password", "amal"], input=f"{new}\n{new}\n")
    assert result.exit_code == 0, result.output
    assert client.get("/console/check").status_code == 302
    assert UserStore(redis_client).authenticate("amal", new) is Role.TRAINER
    assert console_app.test_cli_runner().invoke(args=["user", "password", "nobody", "--password", new]).exit_code != 0
    weak = console_app.test_cli_runner().invoke(args=["user", "password", "amal", "--password", "short"])
    assert weak.exit_code != 0 and "at least 12" in weak.output


def test_signing_out_everywhere_else_keeps_this_browser_only(
    new_client: Callable[[], FlaskClient], accounts: UserStore, maintainer: FlaskClient
) -> None:
    here, there, elsewhere = new_client(), new_client(), new_client()
    for client in (here, there, elsewhere):
        assert sign_in(client, "amal").status_code == 303
    assert "this one included: 3." in here.get("/console/account").get_data(as_text=True)
    token = page_token(here, "/console/account")
    response = here.post("/console/account/sessions", data={"csrf_token": token, "current": PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == "/console/account"
    page = here.get("/console/account").get_data(as_text=True)
    assert "Every other session of your account has ended." in page and "this one included: 1." in page
    assert there.get("/console/check").status_code == 302 and elsewhere.get("/console/check").status_code == 302
    assert sign_in(new_client(), "amal").status_code == 303  # the password still works
    assert "signed out everywhere else" in maintainer.get("/console/audit").get_data(as_text=True)


def test_a_stolen_session_cannot_guess_the_password_from_many_addresses(make_app: Any, accounts: UserStore) -> None:
    """The cookie works from anywhere: a thief holding it sends each guess of the current password
    from a new address, so the per-address limit never stops him. Wrong current passwords count
    against the account as failed sign-ins do (``HARIS_LOGIN_ACCOUNT_LIMIT``); past it even the
    right one is refused (it would confirm the guess), and the sign-in form is guarded as after
    guesses there."""
    app = make_app(HARIS_LOGIN_ACCOUNT_LIMIT="2/hour")
    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert sign_in(owner, "amal").status_code == 303
    stolen = owner.get_cookie(SESSION_COOKIE)
    assert stolen is not None
    statuses = []
    for number, address in enumerate(("203.0.113.1", "203.0.113.2", "203.0.113.3")):
        thief = app.test_client()
        thief.environ_base["REMOTE_ADDR"] = address
        thief.set_cookie(SESSION_COOKIE, stolen.value)
        current = PASSWORD if number == 2 else f"guess number {number}!"
        statuses.append(change_password(thief, current, "the thief's own passphrase").status_code)
    assert statuses == [403, 403, 429]
    assert accounts.authenticate("amal", PASSWORD) is Role.TRAINER
    newcomer = app.test_client()
    newcomer.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    assert sign_in(newcomer, "amal").status_code == 429  # a browser that never signed in to her account
    assert owner.get("/console/account").status_code == 200  # her session goes on
    owner.post("/console/logout", data={"csrf_token": page_token(owner, "/console/account")})
    assert sign_in(owner, "amal").status_code == 303  # and her browser, known to her account, gets in


def test_a_sign_in_checked_just_before_a_password_change_gets_no_lasting_session(redis_client: redis.Redis) -> None:
    """The thief signs in with the phished password while its owner changes it: his password is
    checked, then hers is changed (every session ended, a new epoch), then his session is made.
    Made in the epoch current then, it outlived the change; it belongs to the epoch his password
    was checked in, and ends at its first request."""
    store = UserStore(redis_client)
    store.create("amal", PASSWORD, Role.TRAINER)
    thief = store.sign_in("amal", PASSWORD)
    assert thief.role is Role.TRAINER
    assert store.set_password("amal", "the owner's new passphrase")
    assert store.resume(store.start_session("amal", thief.epoch)) is None
    owner = store.sign_in("amal", "the owner's new passphrase")
    assert store.resume(store.start_session("amal", owner.epoch)) is not None
