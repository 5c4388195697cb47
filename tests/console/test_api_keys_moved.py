"""API keys written before the owners' index (under ``haris:apikey:``, by servers on a single
Redis or on a cluster) are moved into the ``{apikeys}`` family and its index once, at start-up
(``server.storage.migrate``): owned ones are still revoked with their account, unowned ones kept."""

from __future__ import annotations

import hashlib
from typing import Any

import redis

from server.roles import Role
from server.services import CLI_ACTOR
from server.services.accounts import revoke_user
from server.storage.apikeys import KEY_PREFIX, OLD_KEY_PREFIX, OWNER_PREFIX, list_api_keys, stored_key
from server.storage.migrate import SCHEMA, SCHEMA_KEY, migrate
from server.storage.users import UserStore


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def test_keys_written_before_the_index_are_moved_and_still_revoked(
    make_app: Any, redis_client: redis.Redis, accounts: UserStore
) -> None:
    """A store a server before the index wrote: owned and unowned keys under ``haris:apikey:``,
    schema 2. Start-up moves them into the ``{apikeys}`` family and the owners' index, once; the
    account's keys still go with it, the unowned one stays and still works."""
    instance = redis_client.hget("haris:{users}:user:amal", "instance").decode()
    owned, unowned = "hk_made-before-the-index-owned", "hk_made-before-the-index-unowned"
    redis_client.hset(
        OLD_KEY_PREFIX + _digest(owned),
        mapping={"role": "trainer", "label": "old laptop", "created": 1, "owner": "amal", "owner_instance": instance},
    )
    unowned_record = {"role": "maintainer", "label": "ci", "created": 2}
    redis_client.hset(OLD_KEY_PREFIX + _digest(unowned), mapping=unowned_record)
    redis_client.set(SCHEMA_KEY, b"2")
    app = make_app()
    assert redis_client.get(SCHEMA_KEY) == SCHEMA
    assert redis_client.keys(OLD_KEY_PREFIX + "*") == []
    assert [(k.label, k.owner) for k in list_api_keys(redis_client)] == [("old laptop", "amal"), ("ci", None)]
    assert stored_key(redis_client, owned) == (Role.TRAINER, "old laptop")
    assert stored_key(redis_client, unowned) == (Role.MAINTAINER, "ci")
    assert migrate(redis_client) == 0  # recorded: a later start costs one GET
    assert redis_client.smembers(OWNER_PREFIX + "amal") == {_digest(owned).encode()}
    with app.app_context():
        assert revoke_user("amal", CLI_ACTOR)
    assert stored_key(redis_client, owned) is None and not redis_client.exists(KEY_PREFIX + _digest(owned))
    assert stored_key(redis_client, unowned) == (Role.MAINTAINER, "ci")
