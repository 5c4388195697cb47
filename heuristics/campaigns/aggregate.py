"""The campaign aggregate: how many OTHER accounts checked recently share a trait with this one.

Built so that whoever holds its contents, and its key, cannot confirm that a given account was
checked (docs/campaigns.md, "What the aggregate reveals"):

- **Counters only.** Per epoch (``epoch_days``) and trait family, one fixed table of ``cells``
  8-bit counters. A trait key (``traits.py``) is placed at ``HMAC(epoch key, family | key) mod
  cells``; nothing else is stored — no account id, no hash of one, no time. Different traits
  share counters by chance.
- **Pre-filled noise.** A table is created with every counter set to a random whole number
  from 0 to ``noise`` (uniform): every counter exists from the start, and a counter of 1 or 2
  reads the same whether or not one more account was added to it. Reads subtract the most the
  noise can be, so a count is never more than the accounts really added: a flood capped at N
  contributions can never lift a count by more than N (the signals' thresholds sit above it).
- **Distinct accounts, deniably.** An account is added once per window: a bit at its keyed-hash
  position in a ``seen_bits`` bitmap is tested and set first. The bitmap is pre-filled (share
  ``seen_prefill`` of bits set), so a set bit does not confirm a check either; the price is that
  that share of first checks is not counted.
- **Coarse time.** Only the epoch (15 days by default) a counter was added in is kept: a count
  covers the current and the previous epoch, and both expire after two epochs.

The counting is the library's; storage is a :class:`CellStore` — ``MemoryCellStore`` here (the
stream evaluation, tests) or the server's Redis store, tested to give equal answers.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from heuristics.campaigns.traits import Family, Traits

DAY_SECONDS = 86_400
# How long a process trusts the epoch key it read (it never changes within an epoch, first writer
# wins; re-read now and then so that after a restart of the store every process agrees again).
KEY_CACHE_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class AggregateSettings:
    cells: int = 1 << 18
    seen_bits: int = 1 << 21
    noise: int = 2  # counters start at a uniform 0..noise; 0: none
    seen_prefill: float = 0.15
    epoch_days: int = 15

    @property
    def ttl_seconds(self) -> int:
        return (2 * self.epoch_days + 1) * DAY_SECONDS


class CellStore(Protocol):
    """Where the tables live. Tables are byte strings: counters (one byte each, saturating at
    255) or bitmaps. ``create`` writes a table only if it does not exist (first writer wins)."""

    def epoch_key(self, epoch: int, candidate: bytes, ttl: int) -> bytes: ...

    def existing(self, tables: Sequence[str]) -> list[bool]: ...

    def create(self, table: str, initial: bytes, ttl: int) -> None: ...

    def counters(self, reads: Sequence[tuple[str, int]]) -> list[int]: ...

    def increment(self, writes: Sequence[tuple[str, int]]) -> None: ...

    def bits(self, reads: Sequence[tuple[str, int]]) -> list[bool]: ...

    def snapshot(
        self, tables: Sequence[str], counters: Sequence[tuple[str, int]], bits: Sequence[tuple[str, int]]
    ) -> tuple[list[bool], list[int], list[bool]]:
        """``existing``, ``counters`` and ``bits`` at once (one round trip: a check's whole read)."""
        ...

    def set_bit(self, table: str, index: int) -> bool:
        """Set a bit; return whether it was already set."""
        ...


class MemoryCellStore:
    """The tables in this process's memory (the stream evaluation; tests). No expiry: an
    evaluation replays within one epoch."""

    def __init__(self) -> None:
        self.tables: dict[str, bytearray] = {}
        self.keys: dict[int, bytes] = {}

    def epoch_key(self, epoch: int, candidate: bytes, ttl: int) -> bytes:
        return self.keys.setdefault(epoch, candidate)

    def existing(self, tables: Sequence[str]) -> list[bool]:
        return [name in self.tables for name in tables]

    def create(self, table: str, initial: bytes, ttl: int) -> None:
        self.tables.setdefault(table, bytearray(initial))

    def counters(self, reads: Sequence[tuple[str, int]]) -> list[int]:
        return [self.tables[t][i] if t in self.tables else 0 for t, i in reads]

    def increment(self, writes: Sequence[tuple[str, int]]) -> None:
        for table, index in writes:
            cells = self.tables[table]
            cells[index] = min(255, cells[index] + 1)

    def bits(self, reads: Sequence[tuple[str, int]]) -> list[bool]:
        return [bool(self.tables[t][i >> 3] & (0x80 >> (i & 7))) if t in self.tables else False for t, i in reads]

    def snapshot(
        self, tables: Sequence[str], counters: Sequence[tuple[str, int]], bits: Sequence[tuple[str, int]]
    ) -> tuple[list[bool], list[int], list[bool]]:
        return self.existing(tables), self.counters(counters), self.bits(bits)

    def set_bit(self, table: str, index: int) -> bool:
        cells = self.tables[table]
        mask = 0x80 >> (index & 7)  # Redis SETBIT's bit order: the first bit is the high one
        was = bool(cells[index >> 3] & mask)
        cells[index >> 3] |= mask
        return was


@dataclass(frozen=True, slots=True)
class FamilyCount:
    """What the aggregate says about one family: distinct other accounts (estimated, ≥ 0)."""

    others: float
    family: Family


@dataclass(frozen=True, slots=True)
class Counts:
    families: dict[str, FamilyCount]

    def others(self, name: str) -> float:
        found = self.families.get(name)
        return found.others if found else 0.0

    def family(self, name: str) -> FamilyCount | None:
        return self.families.get(name)


def noise_table(size: int, most: int, rng: np.random.Generator) -> bytes:
    """``size`` counters drawn uniformly from 0..``most``."""
    if most <= 0:
        return bytes(size)
    return rng.integers(0, most + 1, size=size, dtype=np.uint8).tobytes()


def bitmap(bits: int, share: float, rng: np.random.Generator) -> bytes:
    if share <= 0:
        return bytes(bits // 8)
    return np.packbits(rng.random(bits) < share).tobytes()


@dataclass
class CampaignAggregate:
    store: CellStore
    settings: AggregateSettings = field(default_factory=AggregateSettings)
    clock: Callable[[], float] = time.time
    # Noise and keys; a seeded generator makes two stores comparable (tests, evaluation).
    rng: np.random.Generator = field(default_factory=lambda: np.random.default_rng(secrets.randbits(128)))
    # epoch → (key, when read): saves a round trip per epoch on every check (KEY_CACHE_SECONDS).
    _keys: dict[int, tuple[bytes, float]] = field(default_factory=dict, repr=False)

    def _epoch(self) -> int:
        return int(self.clock() // (self.settings.epoch_days * DAY_SECONDS))

    def _key(self, epoch: int) -> bytes:
        now = self.clock()
        cached = self._keys.get(epoch)
        if cached is not None and 0 <= now - cached[1] < KEY_CACHE_SECONDS:
            return cached[0]
        key = self.store.epoch_key(epoch, self.rng.bytes(32), self.settings.ttl_seconds)
        self._keys = {e: v for e, v in self._keys.items() if e >= epoch - 1}  # older epochs are gone
        self._keys[epoch] = (key, now)
        return key

    @staticmethod
    def _table(epoch: int, name: str) -> str:
        return f"{epoch}:{name}"

    def _index(self, key: bytes, label: str, size: int) -> int:
        digest = hmac.new(key, label.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()
        return int.from_bytes(digest[:8], "big") % size

    def _epochs(self) -> list[tuple[int, bytes]]:
        current = self._epoch()
        return [(epoch, self._key(epoch)) for epoch in (current - 1, current)]

    def lookup(self, traits: Traits) -> Counts:
        """Distinct OTHER accounts per family, in the current and previous epochs (one read of the
        store: which tables exist, the counters, and this account's seen bits)."""
        epochs = self._epochs()
        names = [f.name for f in traits.families]
        tables = [self._table(e, n) for e, _ in epochs for n in (*names, "seen")]
        reads: list[tuple[str, int]] = []
        for family in traits.families:
            for alternative in family.read:
                for trait in alternative:
                    for epoch, key in epochs:
                        reads.append((self._table(epoch, family.name), self._index(key, family.name + "|" + trait,
                                                                                  self.settings.cells)))  # fmt: skip
        seen_reads = []
        if traits.account is not None:
            seen_reads = [
                (self._table(e, "seen"), self._index(k, "seen|" + traits.account, self.settings.seen_bits))
                for e, k in epochs
            ]
        there, counters, seen = self.store.snapshot(tables, reads, seen_reads)
        exists = dict(zip(tables, there, strict=True))
        values = iter(counters)
        # A bit of a table that does not exist reads 0: only bits of existing tables can say "seen".
        maybe_self = any(seen)
        found: dict[str, FamilyCount] = {}
        for family in traits.families:
            estimates = []
            for alternative in family.read:
                total = 0.0
                for trait in alternative:
                    for epoch, _ in epochs:
                        value = next(values)
                        if exists[self._table(epoch, family.name)]:
                            total += value - self.settings.noise
                    if maybe_self and trait in family.write:
                        total -= 1  # this account may be in it already (a set bit may be noise)
                estimates.append(total)
            estimates.sort(reverse=True)
            picked = estimates[1] if family.combine == "second" and len(estimates) > 1 else estimates[0]
            found[family.name] = FamilyCount(max(0.0, picked), family)
        return Counts(found)

    def contribute(self, traits: Traits) -> bool:
        """Add this account to its traits' counters, once per window; whether it was added."""
        if traits.account is None or not traits.families:
            return False  # without an id, two checks of one account could not be told apart
        epochs = self._epochs()
        (previous, previous_key), (current, key) = epochs
        names = [f.name for f in traits.families]
        wanted = [self._table(current, n) for n in (*names, "seen")]
        missing = [t for t, there in zip(wanted, self.store.existing(wanted), strict=True) if not there]
        for table in missing:
            initial = (bitmap(self.settings.seen_bits, self.settings.seen_prefill, self.rng) if table.endswith(":seen")
                       else noise_table(self.settings.cells, self.settings.noise, self.rng))  # fmt: skip
            self.store.create(table, initial, self.settings.ttl_seconds)
        previous_table = self._table(previous, "seen")
        if self.store.existing([previous_table])[0]:
            index = self._index(previous_key, "seen|" + traits.account, self.settings.seen_bits)
            if self.store.bits([(previous_table, index)])[0]:
                return False
        if self.store.set_bit(self._table(current, "seen"), self._index(key, "seen|" + traits.account,
                                                                         self.settings.seen_bits)):  # fmt: skip
            return False
        writes = [
            (self._table(current, f.name), self._index(key, f.name + "|" + trait, self.settings.cells))
            for f in traits.families
            for trait in f.write
        ]
        self.store.increment(writes)
        return True
