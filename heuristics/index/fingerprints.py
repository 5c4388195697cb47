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
        """Positions that may be within the threshold (the index's unless given; a superset of
        :meth:`matches`). ``method``: how the Hamming indexes search (:meth:`HammingIndex.search`)."""
        radius = self.threshold if threshold is None else threshold
        found: set[int] = set()
        for probe in query.probes:
            found.update(self._ref_owner[pos] for pos, _ in self._references.search(probe, radius, method))
        for reference in query.references:
            found.update(self._probe_owner[pos] for pos, _ in self._probes.search(reference, radius, method))
        return found

    def matches(self, query: AvatarFingerprint, threshold: int | None = None) -> list[Match]:
        """Every stored fingerprint within the threshold of ``query``, closest first."""
        radius = self.threshold if threshold is None else threshold
        found = []
        for position in self.candidates(query, radius):
            distance = query.distance(self.fingerprints[position])
            if distance <= radius:
                found.append(Match(position, distance))
        return sorted(found, key=lambda match: (match.distance, match.index))
