"""Moving API keys out of ``haris:apikey:`` (``server.storage.migrate``, schema 3) loses none and
brings none back, whatever round trip a worker dies before and whatever another worker does
then: revoke a key (by its id, as an operator does), run the same migration, or both.

The old and new names may be in different cluster slots, so the move is several round trips. A
worker here is a client whose every round trip to Redis (a command, or a whole MULTI/EXEC) is
counted at the connection; before its n-th one it dies, or waits while someone else acts, for
every n from the first to one past its last. Then a worker starts again and migrates (a restart),
and every key must be where it belongs: the revoked one under no name and in no index, the others
usable under their new names, in their owners' index, and ``haris:schema`` at 3. On a single Redis
and on a three-node cluster (tests/console/conftest.py)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import redis
from redis.connection import AbstractConnection

from server.roles import Role
from server.storage.apikeys import (
    KEY_ID_LENGTH,
    KEY_PREFIX,
    OLD_KEY_PREFIX,
    OWNER_PREFIX,
    TOMBSTONE_PREFIX,
    TOMBSTONE_SECONDS,
    list_api_keys,
    revoke_api_key,
    stored_key,
)
from server.storage.migrate import SCHEMA, SCHEMA_KEY, migrate
from server.storage.users import UserStore
from tests.redis_cluster import open_client

OWNED, UNOWNED, CI = "hk_before-the-index-owned", "hk_before-the-index-unowned", "hk_before-the-index-ci"


class WorkerDied(BaseException):
    """A worker killed (not an error it could catch: ``except Exception`` lets it through)."""


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _seed(client: redis.Redis) -> None:
    """What a server before the owners' index left: three keys under their old names, schema 2."""
    instance = client.hget("haris:{users}:user:amal", "instance").decode()
    owned = {"role": "trainer", "label": "amal laptop", "created": 1, "owner": "amal", "owner_instance": instance}
    client.hset(OLD_KEY_PREFIX + _digest(OWNED), mapping=owned)
    client.hset(OLD_KEY_PREFIX + _digest(UNOWNED), mapping={"role": "maintainer", "label": "ops", "created": 2})
    client.hset(OLD_KEY_PREFIX + _digest(CI), mapping={"role": "trainer", "label": "ci", "created": 3})
    client.set(SCHEMA_KEY, b"2")


class RoundTrips:
    """Counts the round trips sent while :meth:`counting`; just before the ``before``-th, runs
    ``act()``, whose own round trips (on its own clients) are not counted."""

    def __init__(self, before: int, act: Callable[[], None]) -> None:
        self.before, self.act, self.sent, self.acting = before, act, 0, False

    def run_act(self) -> None:
        self.acting = True
        try:
            self.act()
        finally:
            self.acting = False

    @contextmanager
    def counting(self, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
        original = AbstractConnection.send_packed_command

        def send(connection: AbstractConnection, command: Any, check_health: bool = True) -> None:
            if not self.acting:
                self.sent += 1
                if self.sent == self.before:
                    self.run_act()
            original(connection, command, check_health)

        with monkeypatch.context() as patch:
            patch.setattr(AbstractConnection, "send_packed_command", send)
            yield


def _worker_migrates(redis_url: str, monkeypatch: pytest.MonkeyPatch, before: int, act: Callable[[], None]) -> int:
    """A worker migrating with ``act`` before its ``before``-th round trip (or once it has
    finished, if it sends fewer); how many round trips it sent."""
    worker = open_client(redis_url)
    trips = RoundTrips(before, act)
    try:
        with trips.counting(monkeypatch):
            try:
                migrate(worker)
                if trips.sent < before:  # past its last round trip: act once it has finished
                    trips.run_act()
            except WorkerDied:
                pass
        return trips.sent
    finally:
        worker.close()


def _restart(redis_url: str) -> None:
    worker = open_client(redis_url)
    try:
        migrate(worker)
    finally:
        worker.close()


def _die() -> None:
    raise WorkerDied


def _assert_moved(client: redis.Redis, revoked: set[str]) -> None:
    """Every key not in ``revoked`` works under its new name (the owned one in its owner's
    index); every revoked one is under no name, in no index, its tombstone expiring; no old name
    is left; schema 3."""
    assert client.keys(OLD_KEY_PREFIX + "*") == []
    assert client.get(SCHEMA_KEY) == SCHEMA
    expected = {OWNED: (Role.TRAINER, "amal laptop"), UNOWNED: (Role.MAINTAINER, "ops"), CI: (Role.TRAINER, "ci")}
    for key, found in expected.items():
        if key in revoked:
            assert stored_key(client, key) is None and not client.exists(KEY_PREFIX + _digest(key)), key
            assert 0 < client.ttl(TOMBSTONE_PREFIX + _digest(key)) <= TOMBSTONE_SECONDS
        else:
            assert stored_key(client, key) == found, key
    owned_index = set() if OWNED in revoked else {_digest(OWNED).encode()}
    assert client.smembers(OWNER_PREFIX + "amal") == owned_index
    assert len(list_api_keys(client)) == len(expected) - len(revoked)


def _every_point(redis_url: str, client: redis.Redis, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """1 .. one past the last round trip of a whole migration (measured, not assumed)."""
    _seed(client)
    total = _worker_migrates(redis_url, monkeypatch, 0, lambda: None)
    assert total >= 10  # a scan, three keys of several round trips each, the schema
    for before in range(1, total + 2):
        for key in client.keys("haris:*apikey*"):
            client.delete(key)
        _seed(client)
        yield before


def test_a_worker_killed_anywhere_loses_no_key(
    redis_url: str, redis_client: redis.Redis, accounts: UserStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    for before in _every_point(redis_url, redis_client, monkeypatch):
        _worker_migrates(redis_url, monkeypatch, before, _die)
        _restart(redis_url)
        _assert_moved(redis_client, revoked=set())


def _revoke_owned(redis_url: str, revocations: list[Any]) -> Callable[[], None]:
    """An operator's ``apikey revoke <id>`` (its own connection), what it answered kept."""

    def revoke() -> None:
        operator = open_client(redis_url)
        try:
            revocations.append(revoke_api_key(operator, _digest(OWNED)[:KEY_ID_LENGTH]))
        finally:
            operator.close()

    return revoke


@pytest.mark.parametrize("then_dies", [False, True], ids=["worker-goes-on", "worker-dies"])
def test_a_key_revoked_while_it_is_moved_stays_revoked(
    redis_url: str,
    redis_client: redis.Redis,
    accounts: UserStore,
    monkeypatch: pytest.MonkeyPatch,
    then_dies: bool,
) -> None:
    """The revocation finds the key (under whichever name it is) and, once it has answered, the
    key is gone for good: the moving worker, going on or dying and restarted, never writes it back."""
    for before in _every_point(redis_url, redis_client, monkeypatch):
        revocations: list[Any] = []
        revoke = _revoke_owned(redis_url, revocations)

        def revoke_then_maybe_die(revoke: Callable[[], None] = revoke) -> None:
            revoke()
            if then_dies:
                raise WorkerDied

        _worker_migrates(redis_url, monkeypatch, before, revoke_then_maybe_die)
        _restart(redis_url)
        assert [getattr(stored, "label", None) for stored in revocations] == ["amal laptop"], before
        _assert_moved(redis_client, revoked={OWNED})


@pytest.mark.parametrize("revoke_after", [False, True], ids=["alone", "then-a-revocation"])
def test_two_workers_moving_at_once_lose_nothing(
    redis_url: str,
    redis_client: redis.Redis,
    accounts: UserStore,
    monkeypatch: pytest.MonkeyPatch,
    revoke_after: bool,
) -> None:
    """A second worker runs the whole migration while the first waits before any of its round
    trips (and an operator then revokes a key); the first goes on with what it had read."""
    for before in _every_point(redis_url, redis_client, monkeypatch):
        revocations: list[Any] = []
        revoke = _revoke_owned(redis_url, revocations)

        def other_worker(revoke: Callable[[], None] = revoke) -> None:
            _restart(redis_url)
            if revoke_after:
                revoke()

        _worker_migrates(redis_url, monkeypatch, before, other_worker)
        _assert_moved(redis_client, revoked={OWNED} if revoke_after else set())
        assert len(revocations) == (1 if revoke_after else 0)
