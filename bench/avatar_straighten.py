"""What straightening a turned copy costs in the geometric check (heuristics.matching).

    OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/avatar_straighten.py [--pictures 24] [--repeats 5]

``--pictures`` drawn portraits (bench/portraits.py, fixed seeds) are stored as banks store them
(fingerprint and keypoints); each is turned by 5 degrees as an editor's straighten tool does
(bench/avatar_edits.py) and JPEG-encoded. Per copy, in one thread, CPU time of: its fingerprint
(:func:`heuristics.images.fingerprint_bytes`, the baseline every check with a photo pays); one
straightened comparison (:meth:`heuristics.images.Source.straightened`: the warp into the stored
frame and its detail and fine hashes); and the whole geometric check of the pair
(:func:`heuristics.matching.geometric_evidence` on a fresh fingerprint: keypoints, RANSAC, the
upright comparison and the straightened one that confirms; the fingerprint's time subtracted).
Medians over copies of the median of ``--repeats``; the ratios are to the fingerprint in the
same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from bench._cpu import median_cpu_ms
from bench.avatar_edits import rotate
from bench.portraits import drawn_portraits, encode, stored_forms
from heuristics.images import TRIMMED, AvatarFingerprint, detail_box, fingerprint_bytes
from heuristics.keypoints import align
from heuristics.matching import GEOMETRIC_CANDIDATE_THRESHOLD, geometric_evidence, relations


def geometric_check(data: bytes, stored: AvatarFingerprint) -> tuple[int, int, int]:
    """A check's geometric confirmation of one stored picture, from the photo's bytes."""
    fresh = fingerprint_bytes(data)
    return geometric_evidence(fresh, stored, relations(fresh, stored, GEOMETRIC_CANDIDATE_THRESHOLD))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pictures", type=int, default=24)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    fingerprints, warps, checks = [], [], []
    confirmed = 0
    for picture in drawn_portraits(args.pictures):
        stored = stored_forms(encode(picture))[2]
        assert stored.keypoints is not None
        data = encode(rotate(picture, 5))
        copy = fingerprint_bytes(data)
        assert copy.source is not None
        alignment = max(align(copy.source.keypoints(), stored.keypoints), key=lambda a: a.inliers, default=None)
        if alignment is None or not relations(copy, stored, GEOMETRIC_CANDIDATE_THRESHOLD):
            continue  # not a candidate, or no transform: the check never gets this far
        width, height = stored.keypoints.size
        left, top, right, bottom = detail_box(TRIMMED, stored.aspect)
        box = (left * width, top * height, right * width, bottom * height)
        fingerprints.append(median_cpu_ms(partial(fingerprint_bytes, data), args.repeats))
        warp = partial(copy.source.straightened, alignment.matrix, (width, height), False, box)
        warps.append(median_cpu_ms(warp, args.repeats))
        checks.append(median_cpu_ms(partial(geometric_check, data, stored), args.repeats) - fingerprints[-1])
        found = relations(copy, stored, GEOMETRIC_CANDIDATE_THRESHOLD)
        confirmed += bool(found) and geometric_evidence(copy, stored, found)[1] < 256
    base = statistics.median(fingerprints)
    print(f"{len(fingerprints)} drawn portraits turned 5 degrees, {confirmed} confirmed; CPU per copy, median:")
    print(f"  fingerprint of the copy (baseline)        {base:6.2f} ms  1.00x")
    for label, values in (
        ("one straightened comparison", warps),
        ("whole geometric check (keypoints on)", checks),
    ):
        value = statistics.median(values)
        print(f"  {label:40s} {value:6.2f} ms  {value / base:4.2f}x")


if __name__ == "__main__":
    main()
