"""Cross-script name matching quality: recall at a fixed false-match rate.

Data: ar2en-train.tsv (google/transliteration, Apache-2.0): one name a line, in Arabic script and
in Latin letters. A line's two spellings are a genuine pair; an Arabic spelling against another
line's Latin spelling is an impostor pair (pairs whose strings are identical on either side are
left out: they are the same name written on two lines). For each method the threshold is the
lowest score that keeps the impostor pairs at or under the false-match rate; recall is the share
of genuine pairs at or above it.

    .venv/bin/python bench/names_eval.py PATH/ar2en-train.tsv [--impostors N]
    .venv/bin/python bench/names_eval.py PATH/wikidata-ar-en-name-tokens.tsv

The data files are not in the repository (tests/data/ holds a 300-line sample of ar2en-train):
give their path; there is no default.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from anyascii import anyascii
from rapidfuzz import fuzz

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from heuristics.names import NormalisedName, normalise
from heuristics.names.similarity import compare

RATES = (0.01, 0.001)
SIGNAL_THRESHOLD = 0.92  # min_similarity of the impersonation signals in default.toml


def read_pairs(path: Path, min_count: int = 3) -> list[tuple[str, str]]:
    """(Arabic, Latin) pairs from ar2en (``arabic<TAB>latin``) or from the Wikidata token file
    (``latin<TAB>spaced arabic letters<TAB>count``, kept when count ≥ ``min_count``: rarer pairs are
    often alignment noise)."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = [part.strip() for part in line.split("\t")]
        if len(parts) == 3 and parts[2].isdigit():
            if int(parts[2]) >= min_count:
                pairs.append((parts[1].replace(" ", ""), parts[0]))
        elif len(parts) >= 2 and parts[0] and parts[1]:
            pairs.append((parts[0], parts[1]))
    return pairs


def impostor_pairs(pairs: Sequence[tuple[str, str]], count: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    out: list[tuple[str, str]] = []
    while len(out) < count:
        i, j = rng.randrange(len(pairs)), rng.randrange(len(pairs))
        if pairs[i][0] != pairs[j][0] and pairs[i][1] != pairs[j][1]:
            out.append((pairs[i][0], pairs[j][1]))
    return out


def baseline(arabic: str, latin: str) -> float:
    """Plain transliteration with anyascii, then rapidfuzz on the raw strings."""
    return fuzz.token_sort_ratio(anyascii(arabic).lower(), latin.lower()) / 100


_FORMS: dict[str, NormalisedName] = {}


def _form(name: str) -> NormalisedName:
    if name not in _FORMS:
        _FORMS[name] = normalise(name)
    return _FORMS[name]


def haris(arabic: str, latin: str) -> float:
    return compare(_form(arabic), _form(latin)).score


def recall_at(genuine: np.ndarray, impostor: np.ndarray, rate: float) -> tuple[float, float]:
    """(threshold, recall): the lowest threshold whose false-match rate is ≤ ``rate``."""
    candidates = np.unique(np.concatenate([genuine, impostor]))
    best = (float("inf"), 0.0)
    for threshold in candidates[::-1]:
        if np.mean(impostor >= threshold) > rate:
            break
        best = (float(threshold), float(np.mean(genuine >= threshold)))
    return best


def evaluate(name: str, scorer: Callable[[str, str], float], genuine_pairs, impostors) -> None:
    started = time.perf_counter()
    genuine = np.array([scorer(a, b) for a, b in genuine_pairs])
    impostor = np.array([scorer(a, b) for a, b in impostors])
    elapsed = time.perf_counter() - started
    cells = []
    for rate in RATES:
        threshold, recall = recall_at(genuine, impostor, rate)
        cells.append(f"recall@{rate:.1%} FMR = {recall:.4f} (threshold {threshold:.3f})")
    print(f"{name:9s} " + "  ".join(cells) + f"  [{elapsed:.1f} s]")
    if name == "haris":
        recall = float(np.mean(genuine >= SIGNAL_THRESHOLD))
        false_matches = float(np.mean(impostor >= SIGNAL_THRESHOLD))
        print(f"{'':9s} at the signals' threshold {SIGNAL_THRESHOLD}: recall {recall:.4f}, FMR {false_matches:.5f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="pairs file: ar2en (arabic<TAB>latin) or Wikidata tokens")
    parser.add_argument("--impostors", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()
    pairs = read_pairs(args.data)
    impostors = impostor_pairs(pairs, args.impostors, args.seed)
    print(f"{args.data.name}: {len(pairs)} genuine pairs, {len(impostors)} impostor pairs (seed {args.seed})")
    evaluate("baseline", baseline, pairs, impostors)
    evaluate("haris", haris, pairs, impostors)


if __name__ == "__main__":
    main()
