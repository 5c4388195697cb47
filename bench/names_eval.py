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


def evaluate(name: str, scorer: Callable[[str, str], float], genuine_pairs, impostors, near) -> list[str]:
    genuine = np.array([scorer(a, b) for a, b in genuine_pairs])
    impostor = np.array([scorer(a, b) for a, b in impostors])
    cells = []
    for rate in RATES:
        threshold, recall = recall_at(genuine, impostor, rate)
        cells.append(f"{recall:.4f} ({threshold:.3f})")
    lines = [f"| {name} | " + " | ".join(cells)]
    if name == "haris":
        recall = float(np.mean(genuine >= SIGNAL_THRESHOLD))
        false_matches = float(np.mean(impostor >= SIGNAL_THRESHOLD))
        near_matches = float(np.mean(np.array([scorer(a, b) for a, b in near]) >= SIGNAL_THRESHOLD))
        lines[0] += f" | {recall:.4f} | {false_matches:.5f} | {near_matches:.3f} |"
    else:
        lines[0] += " | | | |"
    return lines


def report(directory: Path, impostors: int = 100_000) -> str:
    """Both sources' tables (what ``main`` prints, and docs/names.md shows as ``names-pairs``)."""
    held_out = pairs_on("held-out", directory, wikidata_min_count=3)
    out = []
    for source in ("ar2en", "wikidata"):
        pairs = [(pair.arabic, pair.latin) for pair in held_out if pair.source == source]
        others = impostor_pairs(pairs, impostors, SEED)
        near = near_pairs(pairs)
        out += [
            f"{source}, held-out: {len(pairs)} genuine pairs, {len(others)} impostor pairs, {len(near)} near pairs "
            f"(seed {SEED})",
            "",
            f"| method | recall at 1% FMR (cut-off) | recall at 0.1% FMR (cut-off) | recall at {SIGNAL_THRESHOLD} "
            f"| FMR at {SIGNAL_THRESHOLD} | near pairs matched at {SIGNAL_THRESHOLD} |",
            "|---|---|---|---|---|---|",
            *evaluate("anyascii + token_sort_ratio", baseline, pairs, others, near),
            *evaluate("haris", haris, pairs, others, near),
            "",
        ]
    return "\n".join(out).rstrip("\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data_argument(parser)
    parser.add_argument("--impostors", type=int, default=100_000)
    args = parser.parse_args()
    print(report(args.data, args.impostors))


if __name__ == "__main__":
    main()
