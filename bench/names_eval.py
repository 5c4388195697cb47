"""Cross-script name matching per pair of words, on held-out names: recall at a fixed false-match
rate, and at the rules' cut-off.

Pairs come from the ``held-out`` side of bench/names_data.py (words the learned table never saw):
a line's Arabic and Latin spellings are a genuine pair; an Arabic word against another line's
Latin spelling is an impostor pair (pairs sharing a string on either side are left out). *Near*
pairs are the hardest impostors: Arabic words one letter apart (حمد / حماد, سمير / سميرة) against
each other's spellings. For each method the threshold is the lowest score that keeps impostors
at or under the rate; recall is the share of genuine pairs at or above it. Per pair is not how a
user meets names (bench/names_checks.py is); it shows what one part's comparison is worth.

    .venv/bin/python bench/names_eval.py --data PATH [--impostors N]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from anyascii import anyascii
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.names_data import data_argument, pairs_on
from heuristics.names import NormalisedName, normalise
from heuristics.names.similarity import compare

RATES = (0.01, 0.001)
SIGNAL_THRESHOLD = 0.92  # min_similarity of the impersonation signals in heuristics/rules/default.toml
SEED = 20261123


def impostor_pairs(pairs: Sequence[tuple[str, str]], count: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    out: list[tuple[str, str]] = []
    while len(out) < count:
        i, j = rng.randrange(len(pairs)), rng.randrange(len(pairs))
        if pairs[i][0] != pairs[j][0] and pairs[i][1] != pairs[j][1]:
            out.append((pairs[i][0], pairs[j][1]))
    return out


def near_pairs(pairs: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each Arabic word against the spellings of the Arabic words one letter away from it (that
    share no spelling with it)."""
    spellings: dict[str, set[str]] = defaultdict(set)
    for arabic, latin in pairs:
        spellings[arabic].add(latin.lower())
    by_length: dict[int, list[str]] = defaultdict(list)
    for word in spellings:
        by_length[len(word)].append(word)
    near = []
    for word in sorted(spellings):
        for length in (len(word) - 1, len(word), len(word) + 1):
            for other in by_length.get(length, []):
                if spellings[word] & spellings[other] or Levenshtein.distance(word, other) != 1:
                    continue  # the same name, or not one letter away
                near.extend((word, latin) for latin in sorted(spellings[other]))
    return near


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


def evaluate(name: str, scorer: Callable[[str, str], float], genuine_pairs, impostors, near) -> None:
    started = time.perf_counter()
    genuine = np.array([scorer(a, b) for a, b in genuine_pairs])
    impostor = np.array([scorer(a, b) for a, b in impostors])
    elapsed = time.perf_counter() - started
    cells = []
    for rate in RATES:
        threshold, recall = recall_at(genuine, impostor, rate)
        cells.append(f"recall@{rate:.1%} FMR = {recall:.4f} (threshold {threshold:.3f})")
    print(f"{name:9s} " + "  ".join(cells) + f"  [{elapsed:.0f} s]")
    if name == "haris":
        recall = float(np.mean(genuine >= SIGNAL_THRESHOLD))
        false_matches = float(np.mean(impostor >= SIGNAL_THRESHOLD))
        near_matches = float(np.mean(np.array([scorer(a, b) for a, b in near]) >= SIGNAL_THRESHOLD))
        print(
            f"{'':9s} at the rules' cut-off {SIGNAL_THRESHOLD}: recall {recall:.4f}, FMR {false_matches:.5f}, "
            f"near pairs matched {near_matches:.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data_argument(parser)
    parser.add_argument("--impostors", type=int, default=100_000)
    args = parser.parse_args()
    held_out = pairs_on("held-out", args.data, wikidata_min_count=3)
    for source in ("ar2en", "wikidata"):
        pairs = [(pair.arabic, pair.latin) for pair in held_out if pair.source == source]
        impostors = impostor_pairs(pairs, args.impostors, SEED)
        near = near_pairs(pairs)
        print(
            f"{source} held-out: {len(pairs)} genuine pairs, {len(impostors)} impostor pairs, "
            f"{len(near)} near pairs (seed {SEED})"
        )
        evaluate("baseline", baseline, pairs, impostors, near)
        evaluate("haris", haris, pairs, impostors, near)
        print()


if __name__ == "__main__":
    main()
