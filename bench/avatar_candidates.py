"""What matching a checked avatar against a bank of look-alike portraits costs: the candidate search
(the Hamming indexes probed, or scanned) and the geometric confirmation of each candidate.

    .venv/bin/python bench/avatar_candidates.py [--bank 300] [--checks 30] [--repeats 5]

The bank is ``--bank`` drawn hard look-alikes (bench/portraits.py, fixed seeds) stored as banks
store photos (fingerprint and keypoints); the checks are other members of the same families, each
fingerprinted from a JPEG as a check is. For each check: the fingerprint; the candidate search
(:class:`heuristics.index.FingerprintIndex` at the 14 bits banks and protected people use) with
the Hamming indexes probed (``method="index"``) and as they choose (``"auto"``: a scan for small
sets); the confirmation of every candidate (:func:`heuristics.matching.compare`). CPU time per
check: medians over checks of the median of ``--repeats`` runs. Compare within a run, not across
machines.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.portraits import drawn_portraits, encode, stored_forms
from heuristics.images import fingerprint_bytes
from heuristics.index import FingerprintIndex
from heuristics.matching import GEOMETRIC_CANDIDATE_THRESHOLD, compare

FAMILY = 6


def cpu_ms(work: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.process_time()
        work()
        times.append((time.process_time() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bank", type=int, default=300)
    parser.add_argument("--checks", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    families = -(-args.bank // 4)
    portraits = drawn_portraits(FAMILY * families)
    banked = [p for n, p in enumerate(portraits) if n % FAMILY < 4][: args.bank]
    checked = [encode(p, quality=85) for n, p in enumerate(portraits) if n % FAMILY >= 4][: args.checks]
    stored = [stored_forms(encode(image))[2] for image in banked]
    index = FingerprintIndex(stored)
    rows: dict[str, list[float]] = {"fingerprint": [], "index": [], "auto": [], "confirm": [], "candidates": []}
    for data in checked:
        query = fingerprint_bytes(data)
        rows["fingerprint"].append(cpu_ms(lambda data=data: fingerprint_bytes(data), args.repeats))
        for method in ("index", "auto"):
            search = lambda query=query, method=method: index.candidates(query, GEOMETRIC_CANDIDATE_THRESHOLD, method)  # noqa: E731
            rows[method].append(cpu_ms(search, args.repeats))
        found = sorted(index.candidates(query, GEOMETRIC_CANDIDATE_THRESHOLD))
        rows["candidates"].append(len(found))

        def confirm(data: bytes = data, found: list[int] = found) -> None:
            fresh = fingerprint_bytes(data)  # keypoints are computed once per check: count them
            for i in found:
                compare(fresh, stored[i], i)

        rows["confirm"].append(cpu_ms(confirm, args.repeats) - rows["fingerprint"][-1])
    median = {name: statistics.median(values) for name, values in rows.items()}
    per_candidate = sum(rows["confirm"]) / max(sum(rows["candidates"]), 1)
    print(f"bank of {len(banked):,} look-alike portraits (keypoints), {len(checked)} checks of look-alikes:")
    print(f"  fingerprint {median['fingerprint']:.2f} ms")
    print(f"  candidate search: index probed {median['index']:.2f} ms, as chosen {median['auto']:.2f} ms")
    print(
        f"  confirmation: {median['candidates']:g} candidates (median), {median['confirm']:.1f} ms"
        f" ({per_candidate:.2f} ms per candidate, keypoints of the check included)"
    )


if __name__ == "__main__":
    main()
