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
from pathlib import Path

from anyascii import anyascii
from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.names_eval import DEFAULT_DATA, FALLBACK_DATA, read_pairs
from heuristics.names import NameIndex


def make_names(count: int, seed: int) -> list[str]:
    pairs = read_pairs(DEFAULT_DATA if DEFAULT_DATA.exists() else FALLBACK_DATA)
    rng = random.Random(seed)
    names = []
    for number in range(count):
        first, last = rng.choice(pairs), rng.choice(pairs)
        script = number % 2
        names.append(f"{first[script]} {last[script]}")
    return names


def median_ms(function, queries: list[str]) -> float:
    timings = []
    for query in queries:
        started = time.perf_counter()
        function(query)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


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

    for function in (baseline, haris):  # warm caches and code paths
        for query in queries[:20]:
            function(query)
    # Queries are new strings each time in real use: clear normalise()'s cache between runs.
    from heuristics.names.normalise import normalise

    normalise.cache_clear()
    haris_ms = median_ms(haris, queries)
    base_ms = median_ms(baseline, queries)
    print(f"{len(index)} stored names, index built in {built:.2f} s")
    print(f"baseline (anyascii + token_sort_ratio extract): median {base_ms:.3f} ms per query")
    print(f"haris NameIndex.search (all keys, evidence):    median {haris_ms:.3f} ms per query")
    print(f"ratio haris/baseline: {haris_ms / base_ms:.2f}")


if __name__ == "__main__":
    main()
