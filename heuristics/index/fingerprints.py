"""Near-duplicate search over many avatar fingerprints (not just single 64-bit hashes).

A fingerprint has probe hashes and reference hashes, and two fingerprints are as far apart as
their closest probe-to-reference pair, either way round (:meth:`AvatarFingerprint.distance`). So
two Hamming indexes are kept: the stored references, searched with the query's probes (the query
is a crop, mirror or re-encode of a stored picture), and the stored probes, searched with the
query's references (the stored picture is a crop of the query). Every candidate is confirmed with
the full distance, so the answer is exactly that of a scan over all fingerprints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from heuristics.images import MATCH_THRESHOLD, AvatarFingerprint
from heuristics.index.hamming import HammingIndex


@dataclass(frozen=True, slots=True)
class Match:
    index: int
    distance: int


class FingerprintIndex:
    """Immutable; rebuild and swap to change. Positions are those of the ``fingerprints`` given."""

    def __init__(self, fingerprints: Sequence[AvatarFingerprint], threshold: int = MATCH_THRESHOLD) -> None:
        self.fingerprints = tuple(fingerprints)
        self.threshold = threshold
        self._ref_owner: list[int] = []
        self._probe_owner: list[int] = []
        references: list[int] = []
        probes: list[int] = []
        for position, stored in enumerate(self.fingerprints):
            references += stored.references
            self._ref_owner += [position] * len(stored.references)
            probes += stored.probes
            self._probe_owner += [position] * len(stored.probes)
        self._references = HammingIndex(references)
        self._probes = HammingIndex(probes)

    def __len__(self) -> int:
        return len(self.fingerprints)

    def candidates(self, query: AvatarFingerprint, threshold: int | None = None, method: str = "auto") -> set[int]:
        """Positions within the threshold (the index's unless given). ``method``: how the Hamming
        indexes search (:meth:`HammingIndex.search`)."""
        return set(self.distances(query, threshold, method))

    def distances(self, query: AvatarFingerprint, threshold: int | None = None, method: str = "auto") -> dict[int, int]:
        """Position → candidate-stage distance (:meth:`AvatarFingerprint.distance`) of every
        stored fingerprint within the threshold: the smallest probe-to-reference distance the
        searches found, either way round, which is that distance whenever it is within reach."""
        radius = self.threshold if threshold is None else threshold
        found: dict[int, int] = {}
        searches = [(self._references, self._ref_owner, probe) for probe in query.probes]
        searches += [(self._probes, self._probe_owner, reference) for reference in query.references]
        for hashes, owner, value in searches:
            for pos, distance in hashes.search(value, radius, method):
                position = owner[pos]
                found[position] = min(distance, found.get(position, distance))
        return found

    def matches(self, query: AvatarFingerprint, threshold: int | None = None) -> list[Match]:
        """Every stored fingerprint within the threshold of ``query``, closest first."""
        found = self.distances(query, threshold)
        return sorted((Match(p, d) for p, d in found.items()), key=lambda match: (match.distance, match.index))
