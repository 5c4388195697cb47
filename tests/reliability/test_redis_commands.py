"""How many Redis commands one check makes, counted by the servers themselves (``INFO
commandstats``), so that a change adding a round trip to the hot path cannot pass unnoticed
(bench/check_api.py measures what each costs).

Some reads are periodic, not per check (the rules', the banks' and the registry's versions at
most once a second, the campaign aggregate's epoch key once a minute): each case counts several checks in a
row and keeps the one with the fewest commands, the steady state of a busy worker.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import redis
from flask.testing import FlaskClient

from heuristics.images import fingerprint_bytes

PHOTOS = Path(__file__).resolve().parents[1] / "data" / "photos"
# Commands this test sends itself to count the others.
_OWN = {"info", "config"}


def _commands(client: redis.Redis) -> Counter[str]:
    stats = client.info("commandstats")
    return Counter({name.removeprefix("cmdstat_"): int(value["calls"]) for name, value in stats.items()
                    if name.removeprefix("cmdstat_") not in _OWN})  # fmt: skip


def _steady_commands(
    client: FlaskClient, main: redis.Redis, limiter: redis.Redis, body: dict[str, Any], checks: int = 6
) -> tuple[Counter[str], Counter[str]]:
    """The main store's and the limiter store's commands of the check (of ``checks`` in a row)
    that made the fewest."""
    found = []
    for _ in range(checks):
        for store in (main, limiter):
            store.config_resetstat()
        assert client.post("/v1/check", json=body).status_code == 200
        found.append((_commands(main), _commands(limiter)))
    return min(found, key=lambda pair: pair[0].total() + pair[1].total())


def test_a_metadata_check_makes_two_round_trips_to_the_limiter_store_and_none_to_the_main_store(
    make_app: Any, redis_client: redis.Redis, limiter_client: redis.Redis
) -> None:
    client = make_app().test_client()
    body = {"platform": "instagram", "profile": {"handle": "sara19283746", "display_name": "Sara", "followers": 3}}
    client.post("/v1/check", json=body)  # first check: rules, registry and epoch key read, scripts loaded
    main, limiter = _steady_commands(client, redis_client, limiter_client, body)
    assert main == Counter()
    # The rate limit's counter (one script, which runs INCRBY), and one pipeline reading the
    # campaign aggregate's two epoch tables (BITFIELD_RO, read-only).
    assert limiter == Counter({"evalsha": 1, "incrby": 1, "bitfield_ro": 2})


def test_a_check_with_an_avatar_makes_no_round_trip_to_the_main_store(
    make_app: Any, redis_client: redis.Redis, limiter_client: redis.Redis
) -> None:
    client = make_app().test_client()
    avatar = fingerprint_bytes((PHOTOS / "astronaut.jpg").read_bytes()).hex
    body = {"platform": "instagram", "profile": {"handle": "sara19283746", "account_id": "9001"}, "avatar_hash": avatar}
    for _ in range(3):  # past the campaign contributions this client may make in an hour (1)
        client.post("/v1/check", json=body)
    main, limiter = _steady_commands(client, redis_client, limiter_client, body)
    # avatar.known_bad and avatar.missing_or_default answer from this worker's copy of the banks,
    # whose versions are read at most once a second (the test below counts that read).
    assert main == Counter()
    # The rate limit (a script: INCRBY) and the aggregate's read, which finds this account's seen
    # bit set (the first check added it): no contribution allowance is spent on it.
    assert limiter == Counter({"evalsha": 1, "incrby": 1, "bitfield_ro": 2})


def test_a_check_that_may_contribute_charges_the_allowance_once(
    make_app: Any, redis_client: redis.Redis, limiter_client: redis.Redis
) -> None:
    app = make_app()
    # Keys and pre-filled bits from a seeded generator: 5 new accounts all pre-filled would be a
    # draw of 0.15^5 with a random one.
    app.extensions["haris"].campaigns.rng = np.random.default_rng(20)
    client = app.test_client()
    # Each with a trait to count (the bio): an account with none adds nothing, and spends no
    # allowance (CampaignCheck.may_add).
    bio = "Proud mother, nurse and volunteer. Justice for all, every single day."
    bodies = iter(
        {"platform": "instagram", "profile": {"handle": "sara19283746", "account_id": str(9100 + n), "bio": bio}}
        for n in range(20)
    )
    for _ in range(2):  # scripts loaded, epoch key read, this client's one contribution an hour used
        client.post("/v1/check", json=next(bodies))
    found = []
    for _ in range(5):  # new accounts: each may contribute (unless its seen bit is pre-filled)
        for store in (redis_client, limiter_client):
            store.config_resetstat()
        assert client.post("/v1/check", json=next(bodies)).status_code == 200
        found.append(_commands(limiter_client))
    # The rate limit, the aggregate's read, and the contribution allowance (a moving-window script
    # that finds the client past its cap under the first of its two keys: LINDEX).
    assert Counter({"evalsha": 2, "incrby": 1, "lindex": 1, "bitfield_ro": 2}) in found


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_bank_versions_are_read_once_a_second_and_this_workers_own_additions_at_once(
    redis_client: redis.Redis,
) -> None:
    from heuristics.banks import BankLabel
    from server.lookups.banks import BanksLookup
    from server.lookups.versioned import VERSION_CHECK_SECONDS
    from server.storage.banks import BankStore, make_entry

    store = BankStore(redis_client)
    clock = _Clock()
    lookup = BanksLookup(store, clock=clock)
    photo = fingerprint_bytes((PHOTOS / "astronaut.jpg").read_bytes())
    assert lookup.for_check().match(photo) is None  # the first read
    redis_client.config_resetstat()
    first = lookup.for_check()
    assert first.match(photo) is None and first.match(photo, defaults=True) is None
    assert _commands(redis_client) == Counter()  # within the second: this worker's copy
    # Another worker (its own store) adds a bank: this one sees it once the second has passed.
    BankStore(redis_client).add("ngo", [make_entry(photo, BankLabel.ENTRAPMENT, "trainer")])
    clock.now += VERSION_CHECK_SECONDS - 0.01
    redis_client.config_resetstat()
    assert lookup.for_check().match(photo) is None
    assert _commands(redis_client) == Counter()
    clock.now += 0.02
    found = lookup.for_check().match(photo)
    assert found is not None and found.entry.bank == "ngo"
    assert _commands(redis_client) == Counter({"smembers": 1, "mget": 1, "hscan": 1})  # versions, the new bank
    # An addition through this worker's own store counts at its next check, without waiting.
    other = fingerprint_bytes((PHOTOS / "coffee.jpg").read_bytes())
    assert lookup.for_check().match(other) is None
    store.add("ngo", [make_entry(other, BankLabel.STOLEN_PHOTO, "trainer")])
    found = lookup.for_check().match(other)
    assert found is not None and found.entry.label is BankLabel.STOLEN_PHOTO


def test_a_checks_bank_view_keeps_one_copy_and_a_failed_read_is_not_kept(redis_client: redis.Redis) -> None:
    from heuristics.banks import BankLabel
    from heuristics.context import ServiceUnavailable
    from server.lookups.banks import BanksLookup
    from server.storage.banks import BankStore, make_entry

    store = BankStore(redis_client)
    lookup = BanksLookup(store, check_every=0.0)  # read the versions at every check
    photo = fingerprint_bytes((PHOTOS / "astronaut.jpg").read_bytes())
    first = lookup.for_check()
    assert first.match(photo) is None
    store.add("ngo", [make_entry(photo, BankLabel.ENTRAPMENT, "trainer")])
    redis_client.config_resetstat()
    assert first.match(photo) is None and first.match(photo, defaults=True) is None  # the check's own copy
    assert _commands(redis_client) == Counter()
    found = lookup.for_check().match(photo)  # the next check: one read, the new bank
    assert found is not None and found.entry.bank == "ngo"
    assert _commands(redis_client) == Counter({"smembers": 1, "mget": 1, "hscan": 1})  # versions, then the new bank
    # A read that failed is not kept: the next signal asks again (and the breaker answers at once).
    broken = BanksLookup(BankStore(redis.Redis(unix_socket_path="/nonexistent/haris.sock")))
    view = broken.for_check()
    for _ in range(2):
        with pytest.raises(ServiceUnavailable):
            view.match(photo)
