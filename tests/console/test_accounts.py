"""Console accounts: hashed with a slow KDF, created and revoked from the CLI, sessions server-side."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from server.roles import Role
from server.storage.users import AccountError, UserStore
from tests.console.conftest import PASSWORD, sign_in


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
    redis_client.hset(f"haris:{{users}}:session:{session_id}", "created", 1)
    assert store.resume(session_id) is None
    assert not redis_client.exists(f"haris:{{users}}:session:{session_id}")


def test_idle_sessions_expire_in_redis(redis_client: redis.Redis) -> None:
    store = UserStore(redis_client, idle_seconds=600)
    store.create("amal", PASSWORD, Role.TRAINER)
    session_id = store.start_session("amal")
    assert 0 < redis_client.ttl(f"haris:{{users}}:session:{session_id}") <= 600
    signed_in = store.resume(session_id)
    assert signed_in is not None and signed_in.username == "amal" and signed_in.role is Role.TRAINER
