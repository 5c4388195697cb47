"""What a page of the registry's listing costs the limiter store (``HARIS_REGISTRY_LIST_LIMIT``,
server/services/registry_listing.py), counted by the server itself (``INFO commandstats``): its
allowance read before the page, one mark per person shown, and its allowance charged once. A
page is bounded by its size (50 people), whatever the size of the registry."""

from __future__ import annotations

from typing import Any

import redis

from server.roles import Role
from server.services.protected import PAGE_SIZE
from server.storage.apikeys import create_api_key
from tests.api.test_protected_listing import fill_registry
from tests.reliability.test_redis_commands import _commands

# What the limiter's scripts run (counted by the server as commands of their own).
_IN_SCRIPTS = {"evalsha", "incrby", "expire", "lindex", "ltrim", "lpush"}


def test_a_page_of_the_listing_makes_a_round_trip_per_person_and_a_few_more(
    make_app: Any, redis_client: redis.Redis, limiter_client: redis.Redis
) -> None:
    client = make_app().test_client()
    key = {"Authorization": "Bearer " + create_api_key(redis_client, Role.TRAINER, "ngo laptop")}
    fill_registry(redis_client, 3 * PAGE_SIZE)
    first = client.get("/v1/protected", headers=key)  # the hour's pepper fetched, the scripts loaded
    spent = []
    for cursor in (first.get_json()["next"],) * 2:  # a page new to her, then the same page again
        limiter_client.config_resetstat()
        answer = client.get("/v1/protected", query_string={"cursor": cursor} if cursor else {}, headers=key)
        assert answer.status_code == 200
        spent.append(_commands(limiter_client))
    new, again = spent
    # The allowance read (a script per hour's key), a mark per person (a script each), and the
    # charge of the fresh ones (a script per hour's key); a page seen again charges nothing.
    assert new["evalsha"] == 2 + PAGE_SIZE + 2 and again["evalsha"] == 2 + PAGE_SIZE
    # Outside the scripts: at most a couple of reads, not one per person.
    assert all(count <= 2 for command, count in new.items() if command not in _IN_SCRIPTS)
