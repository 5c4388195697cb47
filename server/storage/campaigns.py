"""The campaign aggregate's tables in Redis — in the LIMITER store, which never writes to disk.

The counting is :class:`heuristics.campaigns.CampaignAggregate`'s; this is only where its tables
live. They are kept in the limiter store (``server.storage.connection``: embedded and non-persistent, or
``HARIS_LIMITER_URL`` with ``appendonly no`` and ``save ""``) for the same reason as the rate
limits: a seized disk must hold nothing of it, not even its order of writes. With no limiter store
(development with ``REDIS_URL`` and no ``HARIS_LIMITER_URL``) each process counts in its own memory.
A restart of the limiter store starts the aggregate afresh.

Redis keys (limiter store only; an epoch's key and table expire a day after the following epoch
ends — at most 31 days by default —, one moment whenever they were made, so a TTL dates no check;
nothing is ever renewed; all under one hash tag, ``{campaign}``, so that on a Redis Cluster a
check's read of both epochs' tables goes to one node in one round trip):

- ``haris:{campaign}:v3:key:<epoch>`` — 32 random bytes that place trait keys in that epoch's table
  (``heuristics.campaigns.aggregate.position``: keyed BLAKE2b).
- ``haris:{campaign}:v3:<epoch>`` — the epoch's table (``heuristics.campaigns.aggregate.Layout``): a
  marker byte, ``cells`` 8-bit counters shared by every trait family (``heuristics.campaigns.traits``),
  pre-filled with noise, then a bitmap, one bit per keyed-hash position of an account,
  pre-filled with random bits.

``v3``: positions by keyed BLAKE2b, of traits read as a person reads them (a handle's separators
and a bio's look-alikes folded, a photo's mirror written beside it: docs/campaigns.md). The tables of v2
(the same placement, traits read before that) and of v1 (``haris:campaign:key:<epoch>``,
``haris:campaign:<epoch>``: HMAC-SHA256 positions) are never read again and expire on their own;
a new placement — or a trait that now has another key for the same account — needs a new prefix,
so that no table mixes two, even while a deploy runs old and new workers side by side (an
account counted by an old worker has its seen bit set, and a new one would never add its new
keys). Changing the prefix starts the aggregate afresh, as a restart of the limiter store does.

Which clients contribute: ``server.api.check`` counts an anonymous client at most
``HARIS_CAMPAIGN_CONTRIBUTIONS`` checks (1 in any hour by default; an IPv6 /48 as a whole
``HARIS_CAMPAIGN_NETWORK_CONTRIBUTIONS``, 1 too), like a rate limit (a peppered
HMAC of its address in the limiter store, no link to what it checked); a trainer's or maintainer's
checks always contribute (``server.services.check``).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Sequence

import redis

from heuristics.campaigns import AggregateSettings, CampaignAggregate, CellStore, MemoryCellStore
from heuristics.campaigns.aggregate import TableRead, TableState
from heuristics.campaigns.traits import Traits
from heuristics.context import ServiceUnavailable
from server.storage.breaker import RedisBreaker

log = logging.getLogger("haris.campaigns")
PREFIX = "haris:{campaign}:v3:"


class RedisCellStore:
    """:class:`~heuristics.campaigns.CellStore` in Redis strings: one BITFIELD_RO per table reads
    its marker, counters and bits (a missing key reads 0 and is not created), both tables in one
    pipeline; writes are BITFIELD INCRBY (saturating) and SETBIT. After a Redis error it leaves
    Redis alone for a moment (``RedisBreaker``): the campaign signals are listed unavailable, and
    no check pays a timeout meanwhile."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self.breaker = RedisBreaker("campaigns")

    def _run(self, commands: Sequence[tuple]) -> list:
        def run() -> list:
            with self.client.pipeline(transaction=False) as pipe:
                for command in commands:
                    pipe.execute_command(*command)
                return pipe.execute()

        return self.breaker.call(run)

    def epoch_key(self, epoch: int, candidate: bytes, ttl: int) -> bytes:
        name = f"{PREFIX}key:{epoch}"
        _, stored = self._run([("SET", name, candidate, "NX", "EX", ttl), ("GET", name)])
        return stored or candidate

    def read(self, reads: Sequence[TableRead]) -> list[TableState]:
        commands = []
        for read in reads:
            fields = ["GET", "u8", "#0"]
            for offset in read.counters:
                fields += ("GET", "u8", f"#{offset}")
            for offset in read.bits:
                fields += ("GET", "u1", offset)
            commands.append(("BITFIELD_RO", PREFIX + read.table, *fields))
        found = []
        for read, reply in zip(reads, self._run(commands), strict=True):
            counters = 1 + len(read.counters)
            found.append(TableState(reply[0] != 0, tuple(reply[1:counters]), tuple(v != 0 for v in reply[counters:])))
        return found

    def create(self, table: str, initial: bytes, ttl: int) -> None:
        self._run([("SET", PREFIX + table, initial, "NX", "EX", ttl)])

    def increment(self, table: str, offsets: Sequence[int]) -> None:
        if offsets:
            parts = [p for offset in offsets for p in ("INCRBY", "u8", f"#{offset}", 1)]
            self._run([("BITFIELD", PREFIX + table, "OVERFLOW", "SAT", *parts)])

    def set_bit(self, table: str, offset: int) -> bool:
        return bool(self._run([("SETBIT", PREFIX + table, offset, 1)])[0])


def make_aggregate(
    limiter_client: redis.Redis | None, clock: Callable[[], float], settings: AggregateSettings | None = None
) -> CampaignAggregate:
    store: CellStore = RedisCellStore(limiter_client) if limiter_client is not None else MemoryCellStore()
    return CampaignAggregate(store, settings or AggregateSettings(), clock=clock)


# Contributions one worker holds at most until its next release (a flood must not grow memory
# without bound: the anonymous ones are capped per client, a trainer's are not); more are lost.
MAX_HELD_CONTRIBUTIONS = 20_000


class HeldContributions:
    """Contributions to the campaign aggregate held in this worker's memory and written, shuffled,
    after the clock passes the next multiple of ``HARIS_CAMPAIGN_HOLD_SECONDS`` (by the first
    request that ends after it: ``server.lookups``), instead of at their check.

    Written at once, an account's first check changed its seen bit and its traits' counts at
    that moment, and a client reading them again and again (docs/privacy.md, "Known limits of what
    is kept") saw when, to its polling interval: with an ISP's record of who connected then, who.
    Held, the change comes at the first request after the boundary, and says only that the account
    was first added in the interval before it. The aggregate's counts are late by as much, and a
    restart loses what a worker held. Live memory holds what is not written yet (the accounts'
    traits and ids, in no order of arrival once shuffled; never a client).
    """

    def __init__(
        self, aggregate: CampaignAggregate, hold_seconds: float, clock: Callable[[], float] = time.time
    ) -> None:
        self.aggregate = aggregate
        self.hold_seconds = hold_seconds
        self.clock = clock
        self._held: list[Traits] = []
        self._lock = threading.Lock()
        self._interval = self._now_interval()

    def _now_interval(self) -> int:
        return int(self.clock() // self.hold_seconds)

    def contribute(self, traits: Traits) -> bool:
        """Hold one contribution (:class:`heuristics.campaigns.Contributions`): nothing is added now."""
        with self._lock:
            if len(self._held) < MAX_HELD_CONTRIBUTIONS:
                self._held.append(traits)
        return False

    def release_when_due(self) -> int:
        """Write what was held once the clock has passed the interval's end; how many were added
        (an account already counted, or held twice, adds nothing). What Redis cannot take is lost."""
        interval = self._now_interval()
        if interval == self._interval:
            return 0
        with self._lock:
            if interval == self._interval:
                return 0
            held, self._held, self._interval = self._held, [], interval
        random.SystemRandom().shuffle(held)  # the order of writes says nothing of the order of checks
        added = 0
        for traits in held:
            try:
                added += self.aggregate.contribute(traits)
            except ServiceUnavailable:
                break  # the limiter store is down: the rest is lost, as a contribution at its check would be
        return added
