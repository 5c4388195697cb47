"""The multi-index Hamming index returns exactly what a brute-force scan returns."""

from __future__ import annotations

import random

import numpy as np
import pytest

from heuristics.images import MATCH_THRESHOLD, AvatarFingerprint
from heuristics.index import FingerprintIndex, HammingIndex, hamming, scan


def brute_force(hashes: list[int], query: int, radius: int) -> list[tuple[int, int]]:
    found = [(i, (h ^ query).bit_count()) for i, h in enumerate(hashes)]
    return sorted(((i, d) for i, d in found if d <= radius), key=lambda pair: (pair[1], pair[0]))


def near(value: int, bits: int, rng: random.Random) -> int:
    for bit in rng.sample(range(64), bits):
        value ^= 1 << bit
    return value


@pytest.mark.parametrize("substrings", [4, 5, 6, 8])
@pytest.mark.parametrize("radius", [0, 3, 10, 16])
def test_index_equals_brute_force_on_random_hashes_with_planted_neighbours(substrings: int, radius: int) -> None:
    rng = random.Random(substrings * 100 + radius)
    hashes = [rng.getrandbits(64) for _ in range(20_000)]
    queries = [rng.getrandbits(64) for _ in range(40)]
    for number, query in enumerate(queries):
        for k in range(4):  # neighbours at, inside and just outside the radius
            hashes[number * 4 + k] = near(query, max(0, radius + k - 2), rng)
    index = HammingIndex(hashes, substrings)
    for query in queries:
        expected = brute_force(hashes, query, radius)
        for method in ("auto", "index", "scan"):
            assert index.search(query, radius, method) == expected
        assert scan(index.hashes, query, radius) == expected
    assert any(index.search(q, radius) for q in queries)


def test_clustered_hashes_take_the_skewed_path_and_stay_exact() -> None:
    rng = random.Random(5)
    centre = rng.getrandbits(64)
    # A real bank clusters: thousands of hashes sharing most bits, so a few buckets are huge.
    hashes = [near(centre, rng.randint(0, 6), rng) for _ in range(5000)] + [rng.getrandbits(64) for _ in range(5000)]
    index = HammingIndex(hashes)
    for query in [centre, near(centre, 9, rng), rng.getrandbits(64)]:
        for radius in (10, 14):
            expected = brute_force(hashes, query, radius)
            assert index.search(query, radius, "index") == index.search(query, radius) == expected


def test_small_sets_are_scanned_large_ones_probed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Which way ``auto`` goes (the answer is the same either way): a scan reads every hash, so it
    wins while the set is small next to the buckets a probe reads."""
    rng = random.Random(9)
    scanned: list[int] = []

    def spy(hashes: np.ndarray, query: int, radius: int) -> list[tuple[int, int]]:
        scanned.append(len(hashes))
        return scan(hashes, query, radius)

    monkeypatch.setattr(hamming, "scan", spy)
    for size in (300, 400_000):
        hashes = [rng.getrandbits(64) for _ in range(size)]
        HammingIndex(hashes).search(hashes[0], 10)
    assert scanned == [300]


def test_edge_cases() -> None:
    assert HammingIndex([]).search(123, 10) == []
    index = HammingIndex(np.array([0, 2**64 - 1], dtype=np.uint64))
    assert index.search(0, 0) == [(0, 0)]
    assert index.search(2**64 - 1, 3) == [(1, 0)]
    assert index.search(0, 64) == [(0, 0), (1, 64)]
    assert index.search(0, -1) == []
    assert len(index) == 2
    with pytest.raises(ValueError):
        HammingIndex([1], substrings=9)
    with pytest.raises(ValueError):
        HammingIndex([1], substrings=2)


def test_fingerprint_index_equals_a_scan_of_full_fingerprint_distances() -> None:
    rng = random.Random(7)

    def fingerprint(probes: list[int], references: list[int]) -> AvatarFingerprint:
        return AvatarFingerprint(tuple(probes), tuple(references))

    stored = [fingerprint([rng.getrandbits(64)], [rng.getrandbits(64) for _ in range(3)]) for _ in range(3000)]
    queries = []
    for number in range(30):
        target = stored[number * 50]
        # A copy whose probe is near one stored reference, and one whose reference is near the
        # stored probe: each direction of AvatarFingerprint.distance, at and around the threshold.
        bits = MATCH_THRESHOLD + number % 5 - 2
        queries.append(fingerprint([near(target.references[number % 3], bits, rng)], [rng.getrandbits(64)]))
        queries.append(fingerprint([rng.getrandbits(64)], [near(target.probes[0], bits, rng)]))
    index = FingerprintIndex(stored)
    for query in queries:
        expected = sorted(
            ((i, query.distance(f)) for i, f in enumerate(stored) if query.distance(f) <= MATCH_THRESHOLD),
            key=lambda pair: (pair[1], pair[0]),
        )
        assert [(m.index, m.distance) for m in index.matches(query)] == expected
    assert sum(bool(index.matches(query)) for query in queries) >= 30
