"""What matching a checked avatar against banks of look-alike portraits costs, and whether copies
still match there: the candidate search, the confirmation with its per-check budget against the
reference that confirms every candidate, and copy recall in the crowded bank.

    .venv/bin/python bench/avatar_candidates.py [--banks 1500,10000] [--checks 30] [--repeats 3] [--recall 50]

Each bank is drawn hard look-alikes (bench/portraits.py, fixed seeds: families of six, four
members of each family in the bank) stored as banks store photos (fingerprint and keypoints);
the smaller banks are the first entries of the largest. The checks are the other two members of
the first families, each fingerprinted from a JPEG (q85) as a check is. For each check, CPU time
(medians of ``--repeats`` runs): the fingerprint; the candidate search (the Hamming indexes
probed, ``method="index"``, and as they choose, ``"auto"``: a scan for small sets); the
confirmation, keypoints of the check included, by :meth:`PhotoMatcher.reference_matches`
(every candidate confirmed) and by :meth:`PhotoMatcher.matches` (the budget: one descriptor vote,
at most ``MAX_GEOMETRIC_CONFIRMATIONS`` geometric checks). Median and worst over checks. The
same for the bank as entries without keypoints (detail-hash confirmation, at most
``MAX_DETAIL_CONFIRMATIONS`` per check).

Copy recall: the first ``--recall`` portraits of the largest bank, each under the six transforms
(bench/portraits.py's TRANSFORMS), checked against that bank: the share whose original is among
:meth:`PhotoMatcher.matches`, the share the reference confirms (the pair confirmed, which is what
confirming every candidate finds), and how crowded it was: the look-alikes at least as close in
phash as the original. Compare within a run, not across machines.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._cpu import median_cpu_ms
from bench.portraits import TRANSFORMS, drawn_portraits, encode, stored_forms
from heuristics.images import AvatarFingerprint, fingerprint_bytes
from heuristics.index import FingerprintIndex
from heuristics.matching import (
    DETAIL_VOTERS,
    GEOMETRIC_CANDIDATE_THRESHOLD,
    MAX_DETAIL_CONFIRMATIONS,
    MAX_GEOMETRIC_CONFIRMATIONS,
    MAX_VOTERS,
    VOTE_KEYPOINTS,
    PhotoMatcher,
    compare,
)

FAMILY = 6
BANKED = 4  # members of each family in the bank; the others are checked
SIX = ("resize", "jpeg_q60", "crop_10%_random", "mirror", "border", "brightness")


def confirmation_ms(data: bytes, confirm: Callable[[AvatarFingerprint], object], repeats: int) -> float:
    """CPU of confirming one check, its keypoints included (a fresh fingerprint each run, whose
    own cost is taken off)."""
    whole = median_cpu_ms(lambda: confirm(fingerprint_bytes(data)), repeats)
    return max(0.0, whole - median_cpu_ms(lambda: fingerprint_bytes(data), repeats))


def costs(stored: list[AvatarFingerprint], checked: list[bytes], repeats: int) -> None:
    index = FingerprintIndex(stored)
    matcher = PhotoMatcher(stored)
    rows: dict[str, list[float]] = {name: [] for name in ("fingerprint", "index", "auto", "reference", "budget")}
    counts: dict[str, list[int]] = {"candidates": [], "geometric": []}
    for data in checked:
        query = fingerprint_bytes(data)
        rows["fingerprint"].append(median_cpu_ms(lambda data=data: fingerprint_bytes(data), repeats))
        for method in ("index", "auto"):
            search = lambda query=query, method=method: index.candidates(query, GEOMETRIC_CANDIDATE_THRESHOLD, method)  # noqa: E731
            rows[method].append(median_cpu_ms(search, repeats))
        counts["candidates"].append(len(matcher.candidates(query)))
        counts["geometric"].append(len(matcher.shortlist(query)))
        rows["reference"].append(confirmation_ms(data, matcher.reference_matches, repeats))
        rows["budget"].append(confirmation_ms(data, matcher.matches, repeats))
        assert set(matcher.matches(query)) <= set(matcher.reference_matches(query))
    median = {name: statistics.median(values) for name, values in rows.items()}
    worst = {name: max(values) for name, values in rows.items()}
    print(f"bank of {len(stored):,} look-alike portraits (keypoints), {len(checked)} checks of look-alikes:")
    print(f"  fingerprint {median['fingerprint']:.2f} ms")
    print(f"  candidate search: index probed {median['index']:.2f} ms, as chosen {median['auto']:.2f} ms")
    print(
        f"  candidates per check: median {statistics.median(counts['candidates']):g},"
        f" most {max(counts['candidates']):,}; geometric checks with the budget: most {max(counts['geometric'])}"
    )
    print(
        f"  confirmation CPU per check (with the candidate search and the check's keypoints), median / worst:"
        f" every candidate {median['reference']:.1f} / {worst['reference']:.1f} ms,"
        f" budget {median['budget']:.1f} / {worst['budget']:.1f} ms"
        f" ({median['reference'] / max(median['budget'], 1e-9):.1f}x"
        f" / {worst['reference'] / max(worst['budget'], 1e-9):.1f}x less)"
    )
    hashed(stored, checked, repeats)


def hashed(stored: list[AvatarFingerprint], checked: list[bytes], repeats: int) -> None:
    """The same bank as entries without keypoints (added from a fingerprint): detail-hash
    confirmation, at most MAX_DETAIL_CONFIRMATIONS per check."""
    matcher = PhotoMatcher([AvatarFingerprint.from_hex(fp.hex) for fp in stored])
    candidates, reference, budget = [], [], []
    for data in checked:
        candidates.append(len(matcher.candidates(fingerprint_bytes(data))))
        reference.append(confirmation_ms(data, matcher.reference_matches, repeats))
        budget.append(confirmation_ms(data, matcher.matches, repeats))
    print(
        f"  the same bank without keypoints: candidates per check median {statistics.median(candidates):g},"
        f" most {max(candidates):,}; confirmation CPU per check, median / worst: every candidate"
        f" {statistics.median(reference):.1f} / {max(reference):.1f} ms,"
        f" budget ({MAX_DETAIL_CONFIRMATIONS}) {statistics.median(budget):.1f} / {max(budget):.1f} ms"
    )


def recall(images: list, stored: list[AvatarFingerprint], count: int) -> None:
    matcher = PhotoMatcher(stored)
    print(f"copy recall in the bank of {len(stored):,}: {count} of its portraits under each transform")
    print(f"  {'':18s} budget  every candidate   look-alikes at least as close in phash: median, most")
    for label in SIX:
        found = confirmed = 0
        crowd = []
        for n in range(count):
            copy = fingerprint_bytes(TRANSFORMS[label](images[n]))
            candidates = np.array(matcher.candidates(copy), dtype=np.intp)
            if n in candidates:
                distances = matcher.distances(copy, candidates)
                crowd.append(int((distances <= distances[candidates == n][0]).sum()) - 1)
            found += n in [m.index for m in matcher.matches(copy)]
            confirmed += n in candidates and compare(copy, stored[n], n) is not None
        print(
            f"  {label:18s} {found / count:.3f}   {confirmed / count:.3f}"
            f"            {statistics.median(crowd) if crowd else 0:g}, {max(crowd, default=0):,}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--banks", default="1500,10000", help="bank sizes, comma-separated")
    parser.add_argument("--checks", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--recall", type=int, default=50, help="copies per transform in the largest bank")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.banks.split(","))
    families = -(-max(sizes) // BANKED)
    portraits = drawn_portraits(FAMILY * families)
    banked = [p for n, p in enumerate(portraits) if n % FAMILY < BANKED][: max(sizes)]
    checked = [encode(p, quality=85) for n, p in enumerate(portraits) if n % FAMILY >= BANKED][: args.checks]
    del portraits  # ~200 KB a picture: keep the ones copy recall needs, and the bank's fingerprints
    stored = [stored_forms(encode(image))[2] for image in banked]
    banked = banked[: args.recall]
    print(
        f"budget: {MAX_GEOMETRIC_CONFIRMATIONS} geometric checks per check, chosen by a vote of the check's"
        f" {VOTE_KEYPOINTS} keypoints (each orientation) over at most {MAX_VOTERS} candidates"
        f" ({DETAIL_VOTERS} of them by detail hash)"
    )
    for size in sizes:
        costs(stored[:size], checked, args.repeats)
    recall(banked, stored, args.recall)


if __name__ == "__main__":
    main()
