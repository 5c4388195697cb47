"""Photo-only matching against the protected-people registry: per-check cost by registry size.

Usage: ``.venv/bin/python bench/protected_photos.py [PEOPLE ...]`` (default 100 1000 5000), four
registered photos per person. Compares the per-check scan the registry used to do (parse every
stored fingerprint and measure it, :func:`heuristics.images.best_match` per person) with the
:class:`heuristics.index.FingerprintIndex` the registry now builds once per version. Medians of
repeated queries; the ratio is against the scan measured in the same run, and both must agree.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from heuristics.images import AvatarFingerprint, best_match
from heuristics.index import FingerprintIndex

PHOTOS_PER_PERSON = 4


def random_fingerprint(rng: random.Random) -> AvatarFingerprint:
    return AvatarFingerprint((rng.getrandbits(64), rng.getrandbits(64)), tuple(rng.getrandbits(64) for _ in range(3)))


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [100, 1000, 5000]
    rng = random.Random(1)
    print(f"photo-only lookup, {PHOTOS_PER_PERSON} photos per person, median ms per check")
    for people in sizes:
        stored = [[random_fingerprint(rng).hex for _ in range(PHOTOS_PER_PERSON)] for _ in range(people)]
        # Queries: half are a stored photo (a clone), half unrelated.
        queries = [AvatarFingerprint.from_hex(stored[rng.randrange(people)][0]) for _ in range(10)]
        queries += [random_fingerprint(rng) for _ in range(10)]

        def scan_all(query: AvatarFingerprint, stored: list[list[str]] = stored) -> list[int]:
            return [number for number, hashes in enumerate(stored) if best_match(query, hashes) is not None]

        started = time.perf_counter()
        index = FingerprintIndex([AvatarFingerprint.from_hex(value) for hashes in stored for value in hashes])
        build_ms = (time.perf_counter() - started) * 1000

        def indexed(query: AvatarFingerprint, index: FingerprintIndex = index) -> list[int]:
            return sorted({m.index // PHOTOS_PER_PERSON for m in index.matches(query)})

        timings: dict[str, list[float]] = {"scan": [], "index": []}
        for query in queries:
            for name, function in (("scan", scan_all), ("index", indexed)):
                started = time.perf_counter()
                function(query)
                timings[name].append((time.perf_counter() - started) * 1000)
            assert indexed(query) == scan_all(query)
        scan_ms, index_ms = (statistics.median(timings[name]) for name in ("scan", "index"))
        print(
            f"{people:>6} people: scan {scan_ms:8.3f} ms  index {index_ms:7.3f} ms"
            f"  ({scan_ms / index_ms:6.1f}x faster; built once per registry version in {build_ms:.0f} ms)"
        )


if __name__ == "__main__":
    main()
