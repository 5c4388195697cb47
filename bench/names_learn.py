"""Learn the Arabic↔Latin letter-correspondence table and write heuristics/names/data/arabic_latin.json.

Reads only the ``train`` side of the split in bench/names_data.py (ar2en lines, and Wikidata name
tokens seen at least twice, weighted by how often), so every benchmark on the ``held-out`` side
measures names the table never saw. Expectation-maximisation (heuristics/names/learn.py);
deterministic: the same data gives the same file.

    .venv/bin/python bench/names_learn.py --data PATH
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from bench.names_data import AR2EN, HELD_OUT_PERCENT, WIKIDATA, data_argument, pairs_on
from heuristics.names import normalise
from heuristics.names.learn import HAND_SET, train
from heuristics.names.transliteration import TABLE, latin_letters
from heuristics.names.units import arabic_symbols

WIKIDATA_MIN_COUNT = 2
COMMAND = "bench/names_learn.py --data PATH"


def as_model_input(arabic: str, latin: str) -> tuple[list[str], str] | None:
    """The pair as the model sees it at run time, or None unless each side is one name part."""
    arabic_parts = normalise(arabic).primary.parts
    latin_parts = normalise(latin).primary.parts
    if len(arabic_parts) != 1 or len(latin_parts) != 1:
        return None
    if arabic_parts[0].script != "arabic" or latin_parts[0].script != "latin":
        return None
    return arabic_symbols(arabic_parts), latin_letters(latin_parts[0].text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data_argument(parser)
    parser.add_argument("--iterations", type=int, default=8)
    parser.add_argument("--out", type=Path, default=TABLE)
    args = parser.parse_args()
    started = time.perf_counter()
    training = pairs_on("train", args.data, WIKIDATA_MIN_COUNT)
    pairs = []
    for pair in training:
        weight = 1.0 if pair.count == 1 else min(3.0, 1.0 + math.log(pair.count))
        found = as_model_input(pair.arabic, pair.latin)
        if found is not None:
            pairs.append((*found, weight))
    print(f"{len(pairs)} training pairs", file=sys.stderr)
    table = train(pairs, iterations=args.iterations, log=lambda line: print(line, file=sys.stderr))

    document = {
        "about": "Arabic letter (^ first, $ last) -> Latin segment -> log P, by EM (heuristics/names/learn.py)",
        "source": [
            f"{AR2EN}: google/transliteration ar2en-train.txt (Apache-2.0)",
            f"{WIKIDATA}: steveash/NETransliteration-COLING2018 wd_arabic tokens (CC0 1.0), "
            f"count >= {WIKIDATA_MIN_COUNT}",
        ],
        "split": f"train side only: Arabic words whose hash is not in the first {HELD_OUT_PERCENT}% "
        "(bench/names_data.py)",
        "pairs": len(pairs),
        "command": COMMAND,
        "hand_set": HAND_SET,
        **table,
    }
    args.out.write_text(json.dumps(document, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {args.out} in {time.perf_counter() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
