"""Hash banks in memory: fingerprints of known-bad avatars, searchable by near-duplicate.

Pure library: the server keeps the entries in Redis and builds a :class:`BankIndex` from them in
each worker; signals only see the ``BankLookup`` protocol of :mod:`heuristics.services`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from heuristics.images import MATCH_THRESHOLD, AvatarFingerprint
from heuristics.index import FingerprintIndex

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


class BankIndex:
    """Near-duplicate search over bank entries (immutable; rebuild and swap to change), through a
    :class:`~heuristics.index.FingerprintIndex` of their fingerprints."""

    def __init__(self, entries: Sequence[BankEntry], threshold: int = MATCH_THRESHOLD) -> None:
        self.entries = tuple(entries)
        self.threshold = threshold
        self._index = FingerprintIndex([entry.fingerprint for entry in self.entries], threshold)

    def __len__(self) -> int:
        return len(self.entries)

    def match(self, fingerprint: AvatarFingerprint, *, defaults: bool = False) -> BankMatch | None:
        for found in self._index.matches(fingerprint):
            entry = self.entries[found.index]
            if (entry.bank == DEFAULTS_BANK) == defaults:
                return BankMatch(entry, found.distance)
        return None
