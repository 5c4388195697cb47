"""Hash banks in memory: fingerprints of known-bad avatars, searchable by near-duplicate.

Pure library: the server keeps the entries in Redis and builds a :class:`BankIndex` from them in
each worker; signals only see the ``BankLookup`` protocol of :mod:`heuristics.services`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from heuristics.images import AvatarFingerprint
from heuristics.matching import PhotoMatcher

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
    :class:`~heuristics.matching.PhotoMatcher` of their fingerprints: phash candidates, each
    confirmed by its detail hash (legacy entries never confirm)."""

    def __init__(self, entries: Sequence[BankEntry]) -> None:
        self.entries = tuple(entries)
        self._index = PhotoMatcher([entry.fingerprint for entry in self.entries])

    def __len__(self) -> int:
        return len(self.entries)

    def weak_entries(self) -> tuple[int, int]:
        """How many entries can never confirm a match (legacy fingerprints: version 1 or a bare
        phash), and how many confirm only by their detail hash (no keypoints: added from a
        fingerprint, not a photo). Adding the photo again upgrades either kind."""
        legacy = sum(e.fingerprint.legacy for e in self.entries)
        return legacy, sum(not e.fingerprint.legacy and e.fingerprint.keypoints is None for e in self.entries)

    def confirmed(self, fingerprint: AvatarFingerprint) -> BankMatch | None:
        """The closest entry the known-bad confirmation confirms, whichever bank it is of. Asked of
        the defaults bank: whether a picture is a platform default *as a known-bad match would
        find it* (server.lookups.banks.platform_default), stricter than :meth:`match`'s
        ``defaults`` (the candidate stage alone, which also pairs portraits of different people)."""
        found = self._index.matches(fingerprint)
        return BankMatch(self.entries[found[0].index], found[0].distance) if found else None

    def confirmed_all(self, fingerprint: AvatarFingerprint) -> list[BankMatch]:
        """Every entry the known-bad confirmation confirms (within the matcher's per-check budget),
        closest first: what a picture joining the defaults bank silences (server.lookups.banks)."""
        return [BankMatch(self.entries[m.index], m.distance) for m in self._index.matches(fingerprint)]

    def match(self, fingerprint: AvatarFingerprint, *, defaults: bool = False) -> BankMatch | None:
        # Platforms' default avatars (flat silhouettes and initials) have no detail to confirm
        # with, and calling a photo a default is a weak finding: the candidate stage decides.
        found = self._index.candidate_matches(fingerprint) if defaults else self._index.matches(fingerprint)
        for match in found:
            entry = self.entries[match.index]
            if (entry.bank == DEFAULTS_BANK) == defaults:
                return BankMatch(entry, match.distance)
        return None
