"""The campaign aggregate: how many OTHER accounts checked recently share a trait with this one.

Built so that whoever holds its contents, and its key, cannot confirm that a given account was
checked (docs/campaigns.md, "What the aggregate reveals"):

- **Counters only.** Per epoch (``epoch_days``), one table: ``cells`` 8-bit counters shared by
  every trait family. A trait key (``traits.py``) is placed at ``BLAKE2b(family | key, keyed with
  the epoch key) mod cells`` (:func:`position`); nothing else is stored — no account id, no hash
  of one, no time. Different traits, of one family or of several, share counters by chance.
- **Pre-filled noise.** A table is created with every counter set to a random whole number
  from 0 to ``noise`` (uniform): every counter exists from the start, and a counter of 1 (up
  to ``noise``) reads the same whether or not one more account was added to it. Reads subtract
  the most the noise can be, so a count is never more than the accounts really added: a flood
  capped at N contributions can never lift a count by more than N (the signals' thresholds sit
  above it). Each unit of noise costs every count up to one account; the seen bit below tells a
  holder of the store more than the counters do (bench/campaign_adversary.py), so the noise is
  1 (2 until rules 2026.12.4: the counters alone told a little less, the best test the same;
  docs/campaigns.md).
- **Distinct accounts, deniably.** An account is added once per window: a bit at its keyed-hash
  position in the table's ``seen_bits`` bitmap is tested and set first. The bitmap is pre-filled
  (share ``seen_prefill`` of bits set), so a set bit does not confirm a check either; the price
  is that that share of first checks is not counted.
- **Coarse time.** Only the epoch (15 days by default) a counter was added in is kept: a count
  covers the current and the previous epoch, and both expire a day after the next epoch ends
  (one moment, whenever they were made: a TTL from the write would date it).

A table is one byte string (:class:`Layout`): a marker byte (1: the table exists), the
counters, then the bitmap. One table per epoch lets a check read everything it needs — both
epochs' counters and seen bits — in one command per epoch (one round trip to Redis).

The counting is the library's; storage is a :class:`CellStore` — ``MemoryCellStore`` here (the
stream evaluation, tests) or the server's Redis store, tested to give equal answers.
"""

from __future__ import annotations

import functools
import hashlib
import math
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
    cells: int = 1 << 20  # shared by the five families (each had 2¹⁸ of its own before)
    seen_bits: int = 1 << 21
    noise: int = 1  # counters start at a uniform 0..noise; 0: none
    seen_prefill: float = 0.15
    epoch_days: int = 15


@dataclass(frozen=True, slots=True)
class Layout:
    """Where things are in an epoch's table: byte 0 is the marker (1 once the table exists),
    counter ``i`` is byte ``1 + i``, seen bit ``j`` is bit ``8 * (1 + cells) + j`` (bits count
    from the high bit of a byte, as Redis's do)."""

    cells: int
    seen_bits: int

    def counter(self, index: int) -> int:
        return 1 + index

    def bit(self, index: int) -> int:
        return 8 * (1 + self.cells) + index


@dataclass(frozen=True, slots=True)
class TableRead:
    """What a check reads of one table: counters at byte offsets, bits at bit offsets."""

    table: str
    counters: tuple[int, ...] = ()
    bits: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class TableState:
    exists: bool
    counters: tuple[int, ...]
    bits: tuple[bool, ...]


class CellStore(Protocol):
    """Where the tables live: byte strings of one-byte counters (saturating at 255) and bits.
    A missing table reads all zeros, marker included. ``create`` writes a table only if it does
    not exist (first writer wins); writes go only to tables that exist."""

    def epoch_key(self, epoch: int, candidate: bytes, ttl: int) -> bytes: ...

    def read(self, reads: Sequence[TableRead]) -> list[TableState]:
        """Every table's marker, counters and bits at once (one round trip: a check's whole read)."""
        ...

    def create(self, table: str, initial: bytes, ttl: int) -> None: ...

    def increment(self, table: str, offsets: Sequence[int]) -> None: ...

    def set_bit(self, table: str, offset: int) -> bool:
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

    def read(self, reads: Sequence[TableRead]) -> list[TableState]:
        found = []
        for read in reads:
            cells = self.tables.get(read.table)
            if cells is None:
                found.append(TableState(False, (0,) * len(read.counters), (False,) * len(read.bits)))
                continue
            bits = tuple(bool(cells[b >> 3] & (0x80 >> (b & 7))) for b in read.bits)
            found.append(TableState(cells[0] != 0, tuple(cells[c] for c in read.counters), bits))
        return found

    def create(self, table: str, initial: bytes, ttl: int) -> None:
        self.tables.setdefault(table, bytearray(initial))

    def increment(self, table: str, offsets: Sequence[int]) -> None:
        cells = self.tables[table]
        for offset in offsets:
            cells[offset] = min(255, cells[offset] + 1)

    def set_bit(self, table: str, offset: int) -> bool:
        cells = self.tables[table]
        mask = 0x80 >> (offset & 7)  # Redis SETBIT's bit order: the first bit is the high one
        was = bool(cells[offset >> 3] & mask)
        cells[offset >> 3] |= mask
        return was


@dataclass(frozen=True, slots=True)
class FamilyCount:
    """What the aggregate says about one family: distinct other accounts (estimated, ≥ 0)."""

    others: float
    family: Family


@dataclass(frozen=True, slots=True)
class Counts:
    families: dict[str, FamilyCount]
    # This account's seen bit is set in an existing table of the current or previous epoch:
    # ``contribute`` would add nothing (the bit may be pre-filled noise; it is then never added).
    maybe_counted: bool = False

    def others(self, name: str) -> float:
        found = self.families.get(name)
        return found.others if found else 0.0

    def family(self, name: str) -> FamilyCount | None:
        return self.families.get(name)


def initial_table(settings: AggregateSettings, rng: np.random.Generator | None = None) -> bytes:
    """A new epoch's table: the marker, counters drawn uniformly from 0..``noise``, and the seen
    bitmap with a share ``seen_prefill`` of its bits set at random.

    Without ``rng`` the draws come from the operating system (``secrets``): the noise and the
    pre-filled bits are what make a count or a set bit deniable, so nobody may replay them — not
    from the table's own values, and not from a seized worker's memory, where a seeded
    generator's state could be stepped back to the draw. ``rng`` (seeded) is for tests and
    evaluation, which must be reproducible."""
    if rng is None:
        # 32-bit draws: a modulo or a threshold on them is uniform to within 2^-32 per value.
        def uniform(count: int) -> np.ndarray:
            return np.frombuffer(secrets.token_bytes(4 * count), dtype=np.uint32)

        counter_values = uniform(settings.cells) % (settings.noise + 1) if settings.noise > 0 else None
        seen_bits = (
            uniform(settings.seen_bits) < round(settings.seen_prefill * 2**32) if settings.seen_prefill else None
        )
    else:
        counter_values = (rng.integers(0, settings.noise + 1, size=settings.cells, dtype=np.uint8)
                          if settings.noise > 0 else None)  # fmt: skip
        seen_bits = rng.random(settings.seen_bits) < settings.seen_prefill if settings.seen_prefill > 0 else None
    counters = counter_values.astype(np.uint8).tobytes() if counter_values is not None else bytes(settings.cells)
    seen = np.packbits(seen_bits).tobytes() if seen_bits is not None else bytes(settings.seen_bits // 8)
    return b"\x01" + counters + seen


# BLAKE2b's own key limit: an epoch key is 32 random bytes (``_key``); a longer one read from the
# store is hashed to this length first, as HMAC does with a key longer than its block.
MAX_KEY_BYTES = 64


def position(key: bytes, label: str, size: int) -> int:
    """Where ``label`` (``family|trait``, or ``seen|account``) sits among ``size`` places under an
    epoch key: BLAKE2b in its keyed mode (a PRF; RFC 7693, ``hashlib.blake2b(key=…)``), 8 bytes,
    big-endian, mod ``size`` — one call per position, where HMAC-SHA256 took three. Without the
    key a position cannot be computed; with it, only for a label one already knows (what that
    reveals: docs/campaigns.md). Every table under ``server.storage.campaigns.PREFIX`` is placed
    this way: a change here needs a new prefix (tests/unit/test_campaign_positions.py pins known
    answers), so that no table ever mixes two placements."""
    if len(key) > MAX_KEY_BYTES:
        key = hashlib.blake2b(key).digest()
    digest = hashlib.blake2b(label.encode("utf-8", "surrogatepass"), key=key, digest_size=8).digest()
    return int.from_bytes(digest, "big") % size


@dataclass
class CampaignAggregate:
    store: CellStore
    settings: AggregateSettings = field(default_factory=AggregateSettings)
    clock: Callable[[], float] = time.time
    # Noise and keys. None: from the operating system's randomness (initial_table); a seeded
    # generator makes two stores comparable (tests, evaluation).
    rng: np.random.Generator | None = None
    # epoch → (key, when read): saves a round trip per epoch on every check (KEY_CACHE_SECONDS).
    _keys: dict[int, tuple[bytes, float]] = field(default_factory=dict, repr=False)

    def _epoch(self) -> int:
        return int(self.clock() // (self.settings.epoch_days * DAY_SECONDS))

    def _ttl(self, epoch: int) -> int:
        """Seconds until an epoch's key and table expire: a day after the following epoch ends (the
        last one that reads them). One moment for every key of the epoch, whenever it was made:
        a TTL counted from the write would date the epoch's first check, or its first
        contribution, to the second for whoever reads the store."""
        expires = ((epoch + 2) * self.settings.epoch_days + 1) * DAY_SECONDS
        return max(1, math.ceil(expires - self.clock()))

    def _key(self, epoch: int) -> bytes:
        now = self.clock()
        cached = self._keys.get(epoch)
        if cached is not None and 0 <= now - cached[1] < KEY_CACHE_SECONDS:
            return cached[0]
        candidate = secrets.token_bytes(32) if self.rng is None else self.rng.bytes(32)
        key = self.store.epoch_key(epoch, candidate, self._ttl(epoch))
        self._keys = {e: v for e, v in self._keys.items() if e >= epoch - 1}  # older epochs are gone
        self._keys[epoch] = (key, now)
        return key

    @functools.cached_property
    def layout(self) -> Layout:
        return Layout(self.settings.cells, self.settings.seen_bits)

    @staticmethod
    def table(epoch: int) -> str:
        return str(epoch)

    def counter_offset(self, key: bytes, family: str, trait: str) -> int:
        return self.layout.counter(position(key, family + "|" + trait, self.settings.cells))

    def seen_offset(self, key: bytes, account: str) -> int:
        return self.layout.bit(position(key, "seen|" + account, self.settings.seen_bits))

    def _epochs(self) -> list[tuple[int, bytes]]:
        current = self._epoch()
        return [(epoch, self._key(epoch)) for epoch in (current - 1, current)]

    def lookup(self, traits: Traits) -> Counts:
        """Distinct OTHER accounts per family, in the current and previous epochs (one read of the
        store: both tables' markers, the counters, and this account's seen bits)."""
        epochs = self._epochs()
        # Every trait read, in order: (family, alternative, label). A label read by several
        # alternatives (a bucket read alone and with its neighbour) is placed and read once.
        wanted = [(f, n, f.name + "|" + t, t in f.write)
                  for f in traits.families for n, alternative in enumerate(f.read) for t in alternative]  # fmt: skip
        labels = list(dict.fromkeys(label for _, _, label, _ in wanted))
        reads = [
            TableRead(
                self.table(epoch),
                tuple(self.layout.counter(position(key, label, self.settings.cells)) for label in labels),
                (self.seen_offset(key, traits.account),) if traits.account is not None else (),
            )
            for epoch, key in epochs
        ]
        # Noise is subtracted only where a table exists (a missing one reads 0).
        existing = [state for state in self.store.read(reads) if state.exists]
        # A missing table reads 0 everywhere: only an existing table's bit can say "seen".
        maybe_self = any(bit for state in existing for bit in state.bits)
        noise = self.settings.noise * len(existing)
        counted = {label: sum(state.counters[i] for state in existing) - noise for i, label in enumerate(labels)}
        totals: dict[tuple[str, int], float] = {}
        for family, alternative, label, written in wanted:
            value = counted[label]
            if maybe_self and written:
                value -= 1  # this account may be in it already (a set bit may be noise)
            totals[family.name, alternative] = totals.get((family.name, alternative), 0.0) + value
        found: dict[str, FamilyCount] = {}
        for family in traits.families:
            estimates = sorted((totals[family.name, n] for n in range(len(family.read))), reverse=True)
            picked = estimates[1] if family.combine == "second" and len(estimates) > 1 else estimates[0]
            found[family.name] = FamilyCount(max(0.0, picked), family)
        return Counts(found, maybe_counted=maybe_self)

    def contribute(self, traits: Traits) -> bool:
        """Add this account to its traits' counters, once per window; whether it was added."""
        if traits.account is None or not traits.families:
            return False  # without an id, two checks of one account could not be told apart
        (previous, previous_key), (current, key) = self._epochs()
        previous_seen = self.seen_offset(previous_key, traits.account)
        before, now = self.store.read(
            [TableRead(self.table(previous), bits=(previous_seen,)), TableRead(self.table(current))]
        )
        if before.exists and before.bits[0]:
            return False
        table = self.table(current)
        if not now.exists:
            self.store.create(table, initial_table(self.settings, self.rng), self._ttl(current))
        if self.store.set_bit(table, self.seen_offset(key, traits.account)):
            return False
        self.store.increment(
            table, [self.counter_offset(key, f.name, trait) for f in traits.families for trait in f.write]
        )
        return True

    def probe(self, traits: Traits) -> tuple[bool, list[int]]:
        """What a holder of the store and its key reads for an account in the current epoch: its
        seen bit and the raw counters of its traits (bench/campaign_adversary.py)."""
        epoch, key = self._epochs()[1]
        offsets = tuple(self.counter_offset(key, f.name, trait) for f in traits.families for trait in f.write)
        seen = (self.seen_offset(key, traits.account),) if traits.account is not None else ()
        [state] = self.store.read([TableRead(self.table(epoch), offsets, seen)])
        return any(state.bits), list(state.counters)
