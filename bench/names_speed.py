"""Speed of one name query against 10,000 stored names (median of repeats, one thread).

Stored names are two-word names made from the ar2en pairs, half in Arabic script and half in
Latin letters. The baseline is the simplest thing that works: anyascii transliteration of the
stored names done once, then rapidfuzz ``process.extract`` with ``token_sort_ratio``.

    .venv/bin/python bench/names_speed.py [--names 10000] [--queries 300]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from anyascii import anyascii
from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.names_eval import DEFAULT_DATA, FALLBACK_DATA, read_pairs
from heuristics.names import NameIndex, normalise


def make_names(count: int, seed: int) -> list[str]:
    pairs = read_pairs(DEFAULT_DATA if DEFAULT_DATA.exists() else FALLBACK_DATA)
    rng = random.Random(seed)
    names = []
    for number in range(count):
        first, last = rng.choice(pairs), rng.choice(pairs)
        script = number % 2
        names.append(f"{first[script]} {last[script]}")
    return names


def interleaved_ms(
    functions: dict[str, Callable[[str], object]], queries: list[str], block: int = 50
) -> dict[str, float]:
    """Median ms per query of each function. The functions take turns in blocks of ``block``
    queries, so they share whatever load the (shared) machine has, while each block runs with
    its own data in the CPU caches (alternating every query would make each evict the others)."""
    timings: dict[str, list[float]] = {name: [] for name in functions}
    for first in range(0, len(queries), block):
        for name, function in functions.items():
            for query in queries[first : first + block]:
                started = time.perf_counter()
                function(query)
                timings[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) * 1000 for name, values in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    stored = make_names(args.names, seed=1)
    queries = make_names(args.queries, seed=2)

    started = time.perf_counter()
    index = NameIndex((f"p{number}", name) for number, name in enumerate(stored))
    built = time.perf_counter() - started
    plain = [anyascii(name).lower() for name in stored]

    def baseline(query: str) -> object:
        return process.extract(anyascii(query).lower(), plain, scorer=fuzz.token_sort_ratio, limit=5, score_cutoff=90)

    def haris(query: str) -> object:
        return index.search(query, min_similarity=0.9)

    yardstick_keys = [anyascii(name).lower() for name in stored]

    def yardstick(query: str) -> object:
        """One C-level pass of rapidfuzz ratio over 10,000 keys: the machine's speed right now."""
        return process.cdist([query], yardstick_keys, scorer=fuzz.ratio, workers=1)

    def normalise_one(query: str) -> object:
        """What each contact sent with a check costs (contacts are normalised per check)."""
        return normalise(query)

    functions = {"baseline": baseline, "haris": haris, "yardstick": yardstick, "normalise": normalise_one}
    for function in functions.values():  # warm caches and code paths
        for query in queries[:20]:
            function(query)
    medians = interleaved_ms(functions, queries)
    print(f"{len(index)} stored names, index built in {built:.2f} s; {len(queries)} queries, medians:")
    print(f"  baseline (anyascii + token_sort_ratio extract, cut-off 90): {medians['baseline']:.3f} ms")
    print(f"  haris NameIndex.search (all keys, cut-off 0.9, evidence):   {medians['haris']:.3f} ms")
    print(f"  yardstick: one rapidfuzz cdist ratio over 10,000 keys:      {medians['yardstick']:.3f} ms")
    print(f"  normalise() of one name (the per-contact cost of a check):  {medians['normalise']:.3f} ms")
    print(f"  haris / baseline = {medians['haris'] / medians['baseline']:.2f}")
    print(f"  haris / yardstick = {medians['haris'] / medians['yardstick']:.2f}")


if __name__ == "__main__":
    main()
