"""CPU of the transliteration model's batch (``Transliteration.batch_log_likelihoods``): the
implementation before 2026-12-01 (copied below) against the shipped one, in the same run, on the
batches the name index really sends, and a check that every score is the same float.

    .venv/bin/python bench/transliteration_batch.py [--repeats 30] [--registry]

Batches: recorded while the protected-people registry's searches of ``bench/registry_timing.py``
run (its seeded ordinary names, half in each script, against a registry of her name only and of
the 1,000 names; constant work, the model's batch padded to the longest registered unit, and the
plain index), plus batches of 1, 3, 10 and 40 pairs drawn from tests/data/ar2en-sample.tsv (seeded).
Each batch is timed old then new, taking turns, ``repeats`` times (CPU of this thread); the table
gives, per group, how many batches, their median pairs and longest symbols and Latin word, the sum
over its batches of the median CPU per batch (ms), and the ratio old / new.

``--registry``: instead, the last table of ``bench/registry_timing.py`` (the registry's search
alone, ``NameIndex.search``, constant work and plain index), once with the old batch and once
with the new, three times taking turns; the medians of each figure over the three.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import registry_timing
from heuristics.names import NameIndex
from heuristics.names.transliteration import NEVER, Transliteration, _DenseTable, letter_symbols, model, with_added

SEED = 20261201
SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "data" / "ar2en-sample.tsv"
Pairs = list[tuple[list[str], str]]


def old_log_likelihoods(self: _DenseTable, pairs: Sequence[tuple[Sequence[str], str]]) -> np.ndarray:
    """``_DenseTable.log_likelihoods`` as it was (commit 55f9131), for the comparison."""
    steps = [with_added(symbols) for symbols, _ in pairs]
    count, width = len(pairs), max(len(latin) for _, latin in pairs) + 1
    rows = np.full((count, max(map(len, steps))), self.pad, dtype=np.int64)
    for number, symbols in enumerate(steps):
        rows[number, : len(symbols)] = [self.rows.get(symbol, self.unknown) for symbol in symbols]
    # numbers[p, j, k]: the segment latin[j:j+k] of pair p (k = 0..3), or none past its end
    letters = np.zeros((count, width + 2), dtype=np.int64)
    lengths = np.array([len(latin) for _, latin in pairs])
    for number, (_, latin) in enumerate(pairs):
        letters[number, : len(latin)] = [ord(ch) - 96 if "a" <= ch <= "z" else 27 for ch in latin]
    numbers = np.zeros((count, width, 4), dtype=np.int64)
    for size in range(1, 4):
        numbers[:, :, size] = numbers[:, :, size - 1] + letters[:, size - 1 : size - 1 + width] * 28 ** (size - 1)
    columns = self.columns[numbers]
    ends = np.arange(width)[None, :, None] + np.arange(4)[None, None, :]
    columns[ends > lengths[:, None, None]] = self.costs.shape[1] - 1  # past the end: never
    best = np.full((count, width), NEVER)
    best[:, 0] = 0.0
    for step in range(rows.shape[1]):
        costs = self.costs[rows[:, step][:, None, None], columns]  # pair × start × size
        following = np.full((count, width), NEVER)
        for size in range(4):
            np.maximum(
                following[:, size:],
                best[:, : width - size] + costs[:, : width - size, size],
                out=following[:, size:],
            )
        best = following
    return best[np.arange(count), lengths]


def recorded_batches() -> dict[str, list[Pairs]]:
    """The pairs of every batch the registry's searches send to the model, by registry and mode."""
    seen: list[Pairs] = []
    original = Transliteration.batch_log_likelihoods

    def recording(self: Transliteration, pairs: Sequence[tuple[Sequence[str], str]]) -> np.ndarray:
        seen.append([(list(symbols), latin) for symbols, latin in pairs])
        return original(self, pairs)

    rows = [line.split("\t") for line in registry_timing.HELD_OUT.read_text("utf-8").splitlines()]
    rng = random.Random(registry_timing.SEED + 1)
    names = []
    for number in range(60):
        words = rng.sample(rows, 2)
        names.append(" ".join(word[number % 2].title() for word in words))
    large = [[registry_timing.REGISTERED], *registry_timing.others(999)]
    groups: dict[str, list[Pairs]] = {}
    Transliteration.batch_log_likelihoods = recording  # type: ignore[method-assign]
    try:
        for size, entries in (("1 name", [[registry_timing.REGISTERED]]), ("1,000 names", large)):
            pairs = [(str(n), name) for n, names_of in enumerate(entries) for name in names_of]
            for constant_work in (True, False):
                index = NameIndex(pairs, constant_work=constant_work)
                seen.clear()
                for name in names:
                    index.search(name, 0.92)
                mode = "constant work" if constant_work else "plain"
                groups[f"registry of {size}, {mode}"] = [batch for batch in seen if batch]
    finally:
        Transliteration.batch_log_likelihoods = original  # type: ignore[method-assign]
    return groups


def sampled_batches() -> dict[str, list[Pairs]]:
    rows = [line.split("\t") for line in SAMPLE.read_text("utf-8").splitlines()]
    rng = random.Random(SEED)
    groups = {}
    for count in (1, 3, 10, 40):
        batches = []
        for _ in range(20):
            batches.append([(letter_symbols(arabic), latin) for arabic, latin in rng.sample(rows, count)])
        groups[f"{count} sampled pairs"] = batches
    return groups


def cpu_ms(work: Callable[[], object]) -> float:
    start = time.thread_time()
    work()
    return (time.thread_time() - start) * 1000


def old_and_new(dense: _DenseTable, pairs: Pairs, repeats: int) -> tuple[float, float]:
    """Median CPU (ms) of the old and the new batch of ``pairs``, taking turns, after checking
    that they give the same floats, bit for bit, and those of the readable alignment."""
    old, new = old_log_likelihoods(dense, pairs), dense.log_likelihoods(pairs)
    assert old.tobytes() == new.tobytes(), pairs
    assert new.tolist() == [model().viterbi(symbols, latin)[0] for symbols, latin in pairs]
    spent: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeats):
        spent[0].append(cpu_ms(lambda: old_log_likelihoods(dense, pairs)))
        spent[1].append(cpu_ms(lambda: dense.log_likelihoods(pairs)))
    return statistics.median(spent[0]), statistics.median(spent[1])


@contextlib.contextmanager
def old_batch(old: bool) -> Iterator[None]:
    """With ``old``, the model's batch is the old one."""
    new = _DenseTable.log_likelihoods
    if old:
        _DenseTable.log_likelihoods = old_log_likelihoods  # type: ignore[method-assign]
    try:
        yield
    finally:
        _DenseTable.log_likelihoods = new  # type: ignore[method-assign]


def registry_searches(repeats: int) -> None:
    large = [[registry_timing.REGISTERED], *registry_timing.others(999)]
    found: dict[tuple[str, bool], list[tuple[float, float]]] = {}
    for _ in range(3):
        for old in (True, False):
            with old_batch(old):
                for label, even, plain in registry_timing.search_costs(large, repeats):
                    found.setdefault((label, old), []).append((even, plain))
    print("the registry's search alone, median CPU per search (ms): constant work / plain index, old and new batch")
    for label in dict.fromkeys(label for label, _ in found):
        old_even, old_plain = (statistics.median(row[i] for row in found[label, True]) for i in (0, 1))
        new_even, new_plain = (statistics.median(row[i] for row in found[label, False]) for i in (0, 1))
        print(
            f"  {label:<34} old {old_even:6.3f} / {old_plain:6.3f} (+{old_even - old_plain:.3f}),"
            f" new {new_even:6.3f} / {new_plain:6.3f} (+{new_even - new_plain:.3f})"
            f"  constant work {old_even / new_even:.2f}x, plain {old_plain / new_plain:.2f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--registry", action="store_true", help="bench/registry_timing.py's last table, old and new")
    args = parser.parse_args()
    if args.registry:
        registry_searches(max(1, args.repeats // 6))
        return
    dense = model()._dense
    groups = {**recorded_batches(), **sampled_batches()}
    print(f"median CPU per batch (ms), summed over each group's batches ({args.repeats} repeats, taking turns)")
    print(f"  {'batches':<40} {'batches':>7} {'pairs x symbols x Latin':>24} {'old':>8} {'new':>8} {'old/new':>7}")
    for label, batches in groups.items():
        old_total = new_total = 0.0
        for pairs in batches:
            old, new = old_and_new(dense, pairs, args.repeats)
            old_total, new_total = old_total + old, new_total + new
        pairs_of = statistics.median(len(pairs) for pairs in batches)
        symbols_of = max(len(symbols) for pairs in batches for symbols, _ in pairs)
        latin_of = max(len(latin) for pairs in batches for _, latin in pairs)
        shape = f"{pairs_of:.0f} x {symbols_of} x {latin_of}"
        ratio = old_total / new_total
        print(f"  {label:<40} {len(batches):>7} {shape:>24} {old_total:8.2f} {new_total:8.2f} {ratio:6.2f}x")


if __name__ == "__main__":
    main()
