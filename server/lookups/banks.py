"""The ``banks`` lookup: one :class:`heuristics.banks.BankIndex` per bank in this worker, rebuilt
when that bank's version in Redis (its counter and stamp) moves (``server.storage.banks``).

The versions are read in one round trip at most once per ``check_every`` seconds
(:data:`~server.lookups.versioned.VERSION_CHECK_SECONDS`, 1 s) by one request thread; the others
answer from the copy they have. So an entry added from another worker or node counts within a
second, and one added through this worker (its ``BankStore``: the API, the console, a confirmed
report) at its next check. Only a bank whose version moved is reloaded. A check's avatar signals
(``avatar.known_bad``, ``avatar.missing_or_default``) see the same copy through
:meth:`BanksLookup.for_check`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from heuristics.banks import DEFAULTS_BANK, BankIndex, BankMatch
from heuristics.images import AvatarFingerprint
from server.lookups.versioned import VERSION_CHECK_SECONDS, Versioned
from server.storage.banks import BankStore
from server.storage.breaker import RedisBreaker
from server.storage.stamps import Version

Versions = dict[str, Version]
Indexes = dict[str, BankIndex]


class BanksLookup:
    """The ``banks`` service of :mod:`heuristics.services`."""

    def __init__(
        self, store: BankStore, check_every: float = VERSION_CHECK_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.store = store
        self.copy: Versioned[Versions, Indexes] = Versioned(
            self._versions, self._indexes, RedisBreaker("banks"), check_every, clock=clock
        )
        self._writes_seen = store.writes

    @property
    def breaker(self) -> RedisBreaker:
        return self.copy.breaker

    def _versions(self) -> Versions:
        loaded = self.copy.loaded
        return self.store.versions(loaded[1] if loaded else ())

    def _indexes(self, versions: Versions, previous: Indexes | None) -> Indexes:
        """The indexes of ``versions``: unchanged banks kept, changed ones rebuilt, gone ones dropped."""
        loaded = self.copy.loaded
        old_versions: Mapping[str, Version] = loaded[0] if loaded else {}
        indexes: Indexes = {}
        for name, version in versions.items():
            if previous is not None and name in previous and old_versions.get(name) == version:
                indexes[name] = previous[name]
            else:
                indexes[name] = BankIndex([entry.to_bank_entry(name) for entry in self.store.entries(name)])
        return indexes

    def indexes(self) -> Indexes:
        writes = self.store.writes
        if writes != self._writes_seen:  # this worker changed a bank: look now, not in a second
            self._writes_seen = writes
            self.copy.invalidate()
        return self.copy.current()

    def weak_entries(self) -> dict[str, tuple[int, int]]:
        """Each bank's entries that never confirm and that lack keypoints (BankIndex.weak_entries)."""
        return {name: index.weak_entries() for name, index in self.indexes().items()}

    def match(self, fingerprint: AvatarFingerprint, *, defaults: bool = False) -> BankMatch | None:
        return best_match(self.indexes(), fingerprint, defaults)

    def platform_default(self, fingerprint: AvatarFingerprint) -> BankMatch | None:
        """The entry of the defaults bank this picture is a copy of (:func:`platform_default`)."""
        return platform_default(self.indexes(), fingerprint)

    def default_distance(self, fingerprint: AvatarFingerprint) -> int | None:
        """How far this picture is from the entry of the defaults bank it is a copy of
        (:func:`platform_default`), None when it is none: the registry's photo match asks it
        (``server.lookups.protected.ProtectedLookup``)."""
        found = self.platform_default(fingerprint)
        return None if found is None else found.distance

    def shadowed(self, fingerprint: AvatarFingerprint) -> int:
        """How many entries outside the defaults bank a check of this picture confirms as known
        bad: those that :func:`best_match` silences once the picture is in the defaults bank
        (within the matcher's budget per bank: at least that many). For the maintainer who adds it."""
        others = (index for name, index in self.indexes().items() if name != DEFAULTS_BANK)
        return sum(len(index.confirmed_all(fingerprint)) for index in others)

    def for_check(self) -> CheckBanks:
        """The banks as one check sees them (the versions read at its first match, then kept)."""
        return CheckBanks(self)


class CheckBanks:
    """The ``banks`` service for one check: the copy is taken at the first match and kept, so a
    check's avatar signals see the same banks and cost one version read at most together (a
    failed read is not kept: the next match asks again, and the breaker answers at once)."""

    def __init__(self, lookup: BanksLookup) -> None:
        self._lookup = lookup
        self._indexes: Indexes | None = None

    def match(self, fingerprint: AvatarFingerprint, *, defaults: bool = False) -> BankMatch | None:
        if self._indexes is None:
            self._indexes = self._lookup.indexes()
        return best_match(self._indexes, fingerprint, defaults)


def best_match(indexes: Indexes, fingerprint: AvatarFingerprint, defaults: bool) -> BankMatch | None:
    """The closest match over every bank's index (of the defaults bank only, with ``defaults``).

    A known-bad match of a picture that is itself a platform default (:func:`platform_default`)
    is no match: an entry confirmed against a default avatar, a logo or a stock photo that the
    defaults bank holds would flag everyone showing it. New entries of such pictures are refused
    (``common_picture``: server.services.avatars); this covers those stored before their default
    was added. It costs one confirmation against the defaults bank, only in a check whose avatar
    already matched a bank entry, within the matcher's budget (heuristics.matching)."""
    best: BankMatch | None = None
    for index in indexes.values():
        found = index.match(fingerprint, defaults=defaults)
        if found is not None and (best is None or found.distance < best.distance):
            best = found
    if best is not None and not defaults and platform_default(indexes, fingerprint) is not None:
        return None
    return best


def platform_default(indexes: Indexes, fingerprint: AvatarFingerprint) -> BankMatch | None:
    """The entry of the defaults bank the known-bad confirmation finds this picture a copy of:
    not the candidate stage alone (what ``avatar.missing_or_default`` asks), which also pairs
    portraits of different people and would refuse or silence genuine bait photos."""
    defaults = indexes.get(DEFAULTS_BANK)
    return defaults.confirmed(fingerprint) if defaults is not None else None
