"""Hash banks in memory: fingerprints of known-bad avatars, searchable by near-duplicate.

Pure library: the server keeps the entries in Redis and builds a :class:`BankIndex` from them in
each worker; signals only see the :class:`BankLookup` and :class:`ReuseCounter` protocols.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from heuristics.images import MATCH_THRESHOLD, AvatarFingerprint
from heuristics.index import HammingIndex

# A bank with this name holds platforms' default avatars (silhouettes, initials on a colour): a
# match there means "no photo of its own", not "known bad".
DEFAULTS_BANK = "platform-defaults"


class BankLabel(StrEnum):
    ENTRAPMENT = "entrapment"
    STOLEN_PHOTO = "stolen_photo"
    STOCK_PHOTO = "stock_photo"
    CAMPAIGN = "campaign"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class BankEntry:
    id: str
    bank: str
    label: BankLabel
    fingerprint: AvatarFingerprint


@dataclass(frozen=True, slots=True)
class BankMatch:
    entry: BankEntry
    distance: int


class BankLookup(Protocol):
    """The ``banks`` service. Raises :class:`heuristics.context.ServiceUnavailable` when down."""

    def match(self, fingerprint: AvatarFingerprint, *, defaults: bool = False) -> BankMatch | None:
        """The closest entry within the match threshold: of the defaults bank if ``defaults``,
        else of every other bank."""
        ...


class ReuseCounter(Protocol):
    """The ``reuse`` service. Raises :class:`heuristics.context.ServiceUnavailable` when down."""

    def observe(self, fingerprint: AvatarFingerprint, account: str, window_seconds: int) -> int:
        """Record that ``account`` (``platform:account_id``) shows this avatar; return how many
        distinct accounts showed it (or a near-duplicate) within the window, this one included."""
        ...


class BankIndex:
    """Near-duplicate search over bank entries (immutable; rebuild and swap to change).

    Two Hamming indexes: the entries' reference hashes (searched with a query's probes: the query
    is a crop/mirror/re-encode of a banked photo) and their probe hashes (searched with the
    query's references: the banked picture is itself a crop of the query). Candidates are then
    confirmed with the full fingerprint distance, the same rule as :meth:`AvatarFingerprint.distance`.
    """

    def __init__(self, entries: Sequence[BankEntry], threshold: int = MATCH_THRESHOLD) -> None:
        self.entries = tuple(entries)
        self.threshold = threshold
        ref_owner: list[int] = []
        ref_hashes: list[int] = []
        probe_owner: list[int] = []
        probe_hashes: list[int] = []
        for number, entry in enumerate(self.entries):
            ref_hashes += entry.fingerprint.references
            ref_owner += [number] * len(entry.fingerprint.references)
            probe_hashes += entry.fingerprint.probes
            probe_owner += [number] * len(entry.fingerprint.probes)
        self._ref_owner, self._probe_owner = ref_owner, probe_owner
        self._refs = HammingIndex(ref_hashes)
        self._probes = HammingIndex(probe_hashes)

    def __len__(self) -> int:
        return len(self.entries)

    def candidates(self, fingerprint: AvatarFingerprint) -> set[int]:
        found: set[int] = set()
        for probe in fingerprint.probes:
            found.update(self._ref_owner[pos] for pos, _ in self._refs.search(probe, self.threshold))
        for reference in fingerprint.references:
            found.update(self._probe_owner[pos] for pos, _ in self._probes.search(reference, self.threshold))
        return found

    def match(self, fingerprint: AvatarFingerprint, *, defaults: bool = False) -> BankMatch | None:
        best: BankMatch | None = None
        for number in sorted(self.candidates(fingerprint)):
            entry = self.entries[number]
            if (entry.bank == DEFAULTS_BANK) != defaults:
                continue
            distance = fingerprint.distance(entry.fingerprint)
            if distance <= self.threshold and (best is None or distance < best.distance):
                best = BankMatch(entry, distance)
        return best
