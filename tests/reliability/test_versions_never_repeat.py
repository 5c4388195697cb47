"""A worker's copy of a bank, of the protected-people registry and of the rules is rebuilt when
the version it was built from changes. A counter alone could come back to a value a worker had
already built from with other contents: Redis lost (a restart without data, a failover to a
replica that had not caught up, a restore from an older snapshot) and the bank re-imported, the
person registered again, the rules published again. The worker that had not looked in between
(an idle one, another node) then kept answering from what it had. Each change also writes a
random stamp, so a version never repeats for other contents."""

from __future__ import annotations

from pathlib import Path

import redis

from heuristics.banks import BankLabel
from heuristics.images import AvatarFingerprint, decode, fingerprint
from heuristics.rules import parse_rules
from server.lookups.banks import BanksLookup
from server.lookups.protected import ProtectedLookup
from server.lookups.rules import ActiveRules
from server.storage.banks import BankStore, make_entry
from server.storage.protected import ProtectedAccount, ProtectedStore
from server.storage.rules import RulesStore

PHOTOS = Path(__file__).resolve().parents[1] / "data" / "photos"


def photo(name: str) -> AvatarFingerprint:
    return fingerprint(decode((PHOTOS / f"{name}.jpg").read_bytes()))


def snapshot(client: redis.Redis) -> dict[bytes, bytes]:
    """Every key as DUMP has it: what a backup or a lagging replica holds."""
    return {key: client.dump(key) for key in client.keys("haris:*")}


def roll_back(client: redis.Redis, saved: dict[bytes, bytes]) -> None:
    client.flushdb()
    for key, value in saved.items():
        client.restore(key, 0, value)


def test_a_bank_lost_and_imported_again_is_rebuilt_in_a_worker_that_had_not_looked(
    redis_client: redis.Redis,
) -> None:
    store = BankStore(redis_client)
    worker = BanksLookup(BankStore(redis_client), check_every=0)
    store.add("ngo-1", [make_entry(photo("astronaut"), BankLabel.ENTRAPMENT, "trainer")])
    assert worker.match(photo("astronaut")) is not None
    redis_client.flushdb()  # Redis lost everything …
    store.add("ngo-1", [make_entry(photo("rocket"), BankLabel.CAMPAIGN, "trainer")])  # … the file re-imported
    assert worker.match(photo("rocket")) is not None
    assert worker.match(photo("astronaut")) is None


def test_a_bank_rolled_back_then_changed_is_rebuilt(redis_client: redis.Redis) -> None:
    store = BankStore(redis_client)
    worker = BanksLookup(BankStore(redis_client), check_every=0)
    store.add("ngo-1", [make_entry(photo("astronaut"), BankLabel.ENTRAPMENT, "trainer")])
    saved = snapshot(redis_client)
    store.add("ngo-1", [make_entry(photo("coffee"), BankLabel.OTHER, "trainer")])
    assert worker.match(photo("coffee")) is not None  # the worker built the bank at its 2nd change
    roll_back(redis_client, saved)  # a failover or restore loses that change …
    store.add("ngo-1", [make_entry(photo("rocket"), BankLabel.CAMPAIGN, "trainer")])  # … another is the 2nd
    assert worker.match(photo("rocket")) is not None
    assert worker.match(photo("coffee")) is None


def test_a_registry_lost_and_filled_again_is_rebuilt(redis_client: redis.Redis) -> None:
    store = ProtectedStore(redis_client)
    worker = ProtectedLookup(ProtectedStore(redis_client), check_every=0)

    class Person:
        def __init__(self, name: str) -> None:
            self.display_names = [name]
            self.accounts = [ProtectedAccount(platform="x", handle=name.split()[0].lower())]
            self.avatar_hashes: list[str] = []
            self.note = None

    store.add(Person("Amal Haddad"), "trainer")
    assert worker.match("Amal Haddad", 0.9)
    redis_client.flushdb()
    store.add(Person("Nour Saleh"), "trainer")
    assert worker.match("Nour Saleh", 0.9)
    assert not worker.match("Amal Haddad", 0.9)


def rules_text(version: str) -> str:
    return f'version = "{version}"\nbias = -3.0\n[levels]\nmedium = 40\nhigh = 70\n'


def test_rules_lost_and_published_again_are_loaded(redis_client: redis.Redis) -> None:
    store = RulesStore(redis_client)
    worker = ActiveRules(parse_rules(rules_text("file")), RulesStore(redis_client), check_interval=0)
    store.publish(rules_text("first"))
    assert worker.current().version == "first"
    redis_client.flushdb()
    store.publish(rules_text("after-the-loss"))
    assert worker.current().version == "after-the-loss"
