"""The campaign aggregate's tables in Redis — in the LIMITER store, which never writes to disk.

The counting is :class:`heuristics.campaigns.CampaignAggregate`'s; this is only where its tables
live. They are kept in the limiter store (``server.storage.connection``: embedded and non-persistent, or
``HARIS_LIMITER_URL`` with ``appendonly no`` and ``save ""``) for the same reason as the rate
limits: a seized disk must hold nothing of it, not even its order of writes. With no limiter store
(development with ``REDIS_URL`` and no ``HARIS_LIMITER_URL``) each process counts in its own memory.
A restart of the limiter store starts the aggregate afresh.

Redis keys (limiter store only; every key expires two epochs — 31 days by default — after it is
made; nothing is ever renewed):

- ``haris:campaign:key:<epoch>`` — 32 random bytes that place trait keys in that epoch's tables.
- ``haris:campaign:<epoch>:<family>`` — ``cells`` 8-bit counters (hour, day, name, bio, photo),
  pre-filled with noise.
- ``haris:campaign:<epoch>:seen`` — a bitmap, one bit per keyed-hash position of an account,
  pre-filled with random bits.

Which clients contribute: ``server.api.check`` counts an anonymous client at most
``HARIS_CAMPAIGN_CONTRIBUTIONS`` checks (2 an hour by default), like a rate limit (a peppered HMAC
of its address in the limiter store, no link to what it checked); a trainer's or maintainer's
checks always contribute (``server.services.check``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence

import redis

from heuristics.campaigns import AggregateSettings, CampaignAggregate, CellStore, MemoryCellStore
from server.storage.breaker import RedisBreaker

log = logging.getLogger("haris.campaigns")
PREFIX = "haris:campaign:"


class RedisCellStore:
    """:class:`~heuristics.campaigns.CellStore` in Redis strings (BITFIELD counters, SETBIT bits).
    After a Redis error it leaves Redis alone for a moment (``RedisBreaker``): the campaign
    signals are listed unavailable, and no check pays a timeout meanwhile."""

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

    def existing(self, tables: Sequence[str]) -> list[bool]:
        return [bool(found) for found in self._run([("EXISTS", PREFIX + t) for t in tables])]

    def create(self, table: str, initial: bytes, ttl: int) -> None:
        self._run([("SET", PREFIX + table, initial, "NX", "EX", ttl)])

    def counters(self, reads: Sequence[tuple[str, int]]) -> list[int]:
        by_table: dict[str, list[int]] = defaultdict(list)
        for table, index in reads:
            by_table[table].append(index)
        tables = list(by_table)
        replies = self._run(
            [("BITFIELD", PREFIX + t, *[part for i in by_table[t] for part in ("GET", "u8", f"#{i}")]) for t in tables]
        )
        values = {t: iter(reply) for t, reply in zip(tables, replies, strict=True)}
        return [int(next(values[table])) for table, _ in reads]

    def increment(self, writes: Sequence[tuple[str, int]]) -> None:
        by_table: dict[str, list[int]] = defaultdict(list)
        for table, index in writes:
            by_table[table].append(index)
        self._run(
            [
                ("BITFIELD", PREFIX + t, "OVERFLOW", "SAT", *[p for i in idx for p in ("INCRBY", "u8", f"#{i}", 1)])
                for t, idx in by_table.items()
            ]
        )

    def bits(self, reads: Sequence[tuple[str, int]]) -> list[bool]:
        return [bool(bit) for bit in self._run([("GETBIT", PREFIX + t, i) for t, i in reads])]

    def snapshot(
        self, tables: Sequence[str], counters: Sequence[tuple[str, int]], bits: Sequence[tuple[str, int]]
    ) -> tuple[list[bool], list[int], list[bool]]:
        # One pipeline. BITFIELD GET and GETBIT of a missing key read 0 and create nothing.
        by_table: dict[str, list[int]] = defaultdict(list)
        for table, index in counters:
            by_table[table].append(index)
        counted = list(by_table)
        replies = self._run(
            [
                *[("EXISTS", PREFIX + t) for t in tables],
                *[("BITFIELD", PREFIX + t, *[p for i in by_table[t] for p in ("GET", "u8", f"#{i}")]) for t in counted],
                *[("GETBIT", PREFIX + t, i) for t, i in bits],
            ]
        )
        first_bit = len(tables) + len(counted)
        there = [bool(found) for found in replies[: len(tables)]]
        values = {t: iter(r) for t, r in zip(counted, replies[len(tables) : first_bit], strict=True)}
        return there, [int(next(values[t])) for t, _ in counters], [bool(b) for b in replies[first_bit:]]

    def set_bit(self, table: str, index: int) -> bool:
        return bool(self._run([("SETBIT", PREFIX + table, index, 1)])[0])


def make_aggregate(
    limiter_client: redis.Redis | None, clock: Callable[[], float], settings: AggregateSettings | None = None
) -> CampaignAggregate:
    store: CellStore = RedisCellStore(limiter_client) if limiter_client is not None else MemoryCellStore()
    return CampaignAggregate(store, settings or AggregateSettings(), clock=clock)
