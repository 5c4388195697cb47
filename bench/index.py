"""Near-duplicate lookup at one million 64-bit hashes: Python loops, numpy scan, multi-index hashing.

Usage: ``.venv/bin/python bench/index.py [N] [RADIUS]`` (defaults 1,000,000 and the avatar match
threshold). Random hashes, with a few planted neighbours per query so every method has answers to
find; the index's answers are checked against the numpy scan. Figures are medians of repeats (11
queries for the two Python loops, 100 for the scan, 300 for the index, each after one warm-up
call), and ratios are against baselines measured in this same run.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import imagehash
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from heuristics.images import MATCH_THRESHOLD
from heuristics.index import HammingIndex, scan


def median_ms(function: Callable[[int], object], queries: list[int]) -> float:
    """Median over ``queries`` after one warm-up call (first-call costs are not the method's)."""
    function(queries[-1])
    times = []
    for query in queries:
        start = time.perf_counter()
        function(query)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    radius = int(sys.argv[2]) if len(sys.argv) > 2 else MATCH_THRESHOLD
    rng = np.random.default_rng(7)
    hashes = rng.integers(0, 2**64, size=count, dtype=np.uint64)
    queries = [int(x) for x in rng.integers(0, 2**64, size=300, dtype=np.uint64)]
    for i, query in enumerate(queries):
        for k in range(3):  # planted neighbours 0..radius bits away
            flipped = query
            for bit in rng.choice(64, size=int(rng.integers(0, radius + 1)), replace=False):
                flipped ^= 1 << int(bit)
            hashes[(i * 3 + k) % count] = flipped
    print(f"{count:,} random 64-bit hashes, radius {radius}, {len(queries)} queries (planted neighbours)\n")

    as_ints = [int(h) for h in hashes]
    subset = 50_000
    objects = [
        imagehash.ImageHash(np.unpackbits(np.array([h], dtype=">u8").view(np.uint8)).reshape(8, 8).astype(bool))
        for h in as_ints[:subset]
    ]

    def imagehash_loop(query: int) -> list[int]:
        target = imagehash.ImageHash(
            np.unpackbits(np.array([query], dtype=">u8").view(np.uint8)).reshape(8, 8).astype(bool)
        )
        return [i for i, h in enumerate(objects) if target - h <= radius]

    def int_loop(query: int) -> list[int]:
        return [i for i, h in enumerate(as_ints) if (h ^ query).bit_count() <= radius]

    start = time.perf_counter()
    index = HammingIndex(hashes)
    build = time.perf_counter() - start
    for query in queries[:50]:
        assert index.search(query, radius) == scan(hashes, query, radius), "index disagrees with the scan"

    # The two Python loops are slow (a tenth of a second or more per query): 11 queries each.
    loop_objects = median_ms(imagehash_loop, queries[:11]) * count / subset
    loop_ints = median_ms(int_loop, queries[:11])
    flat = median_ms(lambda q: scan(hashes, q, radius), queries[:100])
    mih = median_ms(lambda q: index.search(q, radius), queries)
    rows = [
        ("imagehash object loop (50k, scaled)", loop_objects),
        ("Python int loop (bit_count)", loop_ints),
        ("numpy XOR + bitwise_count scan", flat),
        (f"HammingIndex (MIH, {index.substrings}×{index.widths[0]} bit)", mih),
    ]
    print(f"{'method':42s} {'median ms':>10s} {'vs index':>9s}")
    for name, value in rows:
        print(f"{name:42s} {value:10.3f} {value / mih:8.1f}×")
    print(f"\nindex: build {build:.2f} s, {index.nbytes / 1e6:.1f} MB; numpy scan array {hashes.nbytes / 1e6:.1f} MB")
    print("target: ≤ 0.3 ms median per query at 1M, < 100 MB")


if __name__ == "__main__":
    main()
