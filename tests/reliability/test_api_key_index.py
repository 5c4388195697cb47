"""Revoking an account reads its own API keys, not every key (``server.storage.apikeys``): an
index per owner, written in the key's own transaction. Keys written before it are moved into it
at start-up: tests/console/test_api_keys_moved.py (on a single Redis and a cluster)."""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

import redis

from server.roles import Role
from server.services import CLI_ACTOR
from server.services.accounts import revoke_user
from server.storage.apikeys import KEY_PREFIX, OWNER_PREFIX, create_api_key, stored_key
from server.storage.users import UserStore

_OWN = {"info", "config"}  # what this test sends itself to count the others


def _commands(client: redis.Redis) -> Counter[str]:
    stats = client.info("commandstats")
    return Counter({name.removeprefix("cmdstat_"): int(value["calls"]) for name, value in stats.items()
                    if name.removeprefix("cmdstat_") not in _OWN})  # fmt: skip


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def test_revoking_an_account_reads_only_its_own_keys(
    make_app: Any, redis_client: redis.Redis, accounts: UserStore
) -> None:
    app = make_app()
    accounts.create("nadia", "another long passphrase", Role.TRAINER)
    hers = [create_api_key(redis_client, Role.TRAINER, f"amal {n}", owner="amal") for n in range(3)]
    others = [create_api_key(redis_client, Role.TRAINER, f"nadia {n}", owner="nadia") for n in range(20)]
    others += [create_api_key(redis_client, Role.MAINTAINER, f"unowned {n}") for n in range(20)]
    redis_client.config_resetstat()
    with app.app_context():
        assert revoke_user("amal", CLI_ACTOR)
    used = _commands(redis_client)
    # Her three keys are read (one HGETALL each) and deleted; no other key is read, nothing scanned.
    assert used["hgetall"] == 3 and used["scan"] == 0 and used["keys"] == 0
    assert [stored_key(redis_client, key) for key in hers] == [None] * 3
    assert all(stored_key(redis_client, key) is not None for key in others)
    assert not redis_client.exists(OWNER_PREFIX + "amal")
    assert redis_client.scard(OWNER_PREFIX + "nadia") == 20


def test_a_key_and_its_owners_index_are_written_and_deleted_together(
    make_app: Any, redis_client: redis.Redis, accounts: UserStore
) -> None:
    app = make_app()
    key = create_api_key(redis_client, Role.TRAINER, "amal laptop", owner="amal")
    assert redis_client.smembers(OWNER_PREFIX + "amal") == {_digest(key).encode()}
    result = app.test_cli_runner().invoke(args=["apikey", "revoke", key])
    assert result.exit_code == 0, result.output
    assert not redis_client.exists(KEY_PREFIX + _digest(key), OWNER_PREFIX + "amal")
