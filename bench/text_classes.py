"""Cost of classifying a name's characters (heuristics.text: script, hidden, decorative), the
work ``name.deceptive_characters`` and the name matching do on every character of a checked name.

Three ways over the same characters (every name of the repository's name files, tests/data, and
decorative and hidden variants of them), medians of repeats, process CPU, in one run so the ratios
hold on a shared machine:

- ``lru_cache`` — the reference functions memoised per character (``lru_cache(maxsize=4096)``),
  as heuristics/text.py did before its tables: fast, but a record of the characters checked;
- ``reference`` — the reference functions, no cache;
- ``tables`` — the shipped tables (heuristics/text.py today).

Then ``deceptive_kinds`` over every name, as the signal runs it.

    .venv/bin/python -m bench.text_classes [--repeats 7]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from bench._cpu import median_cpu_ms
from heuristics.signals.name import deceptive_kinds
from heuristics.text import (
    is_decorative,
    is_decorative_reference,
    is_hidden,
    is_hidden_reference,
    script_of,
    script_of_reference,
)

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
FILES = ("names-held-out.tsv", "ar2en-sample.tsv", "wikidata-name-variants.tsv")
BOLD = {ord(letter): 0x1D400 + index for index, letter in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}


def names() -> list[str]:
    found = []
    for file in FILES:
        for line in (DATA / file).read_text("utf-8").splitlines():
            found += [column for column in line.split("\t")[:2] if column]
    # Decorative capitals and a hidden character in every tenth name: what the signal is for.
    found += [name.translate(BOLD) for name in found[::10]] + [name.replace("a", "a\u034f") for name in found[::10]]
    return found


def classify_all(functions: tuple[Callable[[str], object], ...], characters: str) -> Callable[[], None]:
    def work() -> None:
        for classify in functions:
            for ch in characters:
                classify(ch)

    return work


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    checked = names()
    characters = "".join(checked)
    references = (script_of_reference, is_hidden_reference, is_decorative_reference)
    ways = {
        "lru_cache": tuple(lru_cache(maxsize=4096)(function) for function in references),
        "reference": references,
        "tables": (script_of, is_hidden, is_decorative),
    }
    timings = {way: median_cpu_ms(classify_all(functions, characters), args.repeats) for way, functions in ways.items()}
    print(f"{len(checked):,} names, {len(characters):,} characters, 3 classifications each")
    print("| way | ms (median) | × tables |")
    print("|---|---|---|")
    for way, ms in timings.items():
        print(f"| {way} | {ms:.1f} | {ms / timings['tables']:.2f} |")
    signal_ms = median_cpu_ms(lambda: [deceptive_kinds(name) for name in checked], args.repeats)
    print(f"deceptive_kinds over every name: {signal_ms:.1f} ms ({1000 * signal_ms / len(checked):.2f} µs a name)")


if __name__ == "__main__":
    main()
