"""The name pairs the name benches learn from and test on, and their fixed train/held-out split.

Two files of the project's name data (not in the repository; see its PROVENANCE.md), found with
``--data DIR``:

- ``ar2en-train.tsv`` (google/transliteration, Apache-2.0): ``arabic<TAB>latin``, one name a line;
- ``wikidata-ar-en-name-tokens.tsv`` (NETransliteration-COLING2018, CC0):
  ``latin<TAB>spaced arabic letters<TAB>count``; a pair seen once is often alignment noise.

Every Arabic word belongs to one side of the split, with all its Latin spellings: ``held-out`` when
a hash of its folded letters falls in the first ``HELD_OUT_PERCENT`` of the range. The learner
(``bench/names_learn.py``) only reads the ``train`` side; every benchmark only the ``held-out`` one.
The unit tests' sample of the held-out side is printed by

    .venv/bin/python bench/names_data.py --data PATH > tests/data/names-held-out.tsv
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from heuristics.names.arabic import fold_arabic

AR2EN = "ar2en-train.tsv"
WIKIDATA = "wikidata-ar-en-name-tokens.tsv"
HELD_OUT_PERCENT = 30
Side = Literal["train", "held-out"]


@dataclass(frozen=True, slots=True)
class NamePair:
    arabic: str
    latin: str
    count: int  # how many people carried this pair (1 for ar2en lines)
    source: str


def side_of(arabic: str) -> Side:
    """Which side of the split an Arabic word is on (stable across runs and machines)."""
    digest = hashlib.blake2b(fold_arabic(arabic).encode("utf-8"), digest_size=4).digest()
    return "held-out" if int.from_bytes(digest, "big") % 100 < HELD_OUT_PERCENT else "train"


def read_ar2en(directory: Path) -> list[NamePair]:
    pairs = []
    for line in (directory / AR2EN).read_text(encoding="utf-8").splitlines():
        fields = [field.strip() for field in line.split("\t")]
        if len(fields) >= 2 and fields[0] and fields[1]:
            pairs.append(NamePair(fields[0], fields[1], 1, "ar2en"))
    return pairs


def read_wikidata(directory: Path, min_count: int) -> list[NamePair]:
    pairs = []
    for line in (directory / WIKIDATA).read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) == 3 and fields[2].strip().isdigit() and int(fields[2]) >= min_count:
            pairs.append(NamePair(fields[1].replace(" ", ""), fields[0].strip(), int(fields[2]), "wikidata"))
    return pairs


def pairs_on(side: Side, directory: Path, wikidata_min_count: int) -> list[NamePair]:
    """ar2en lines and Wikidata tokens seen at least ``wikidata_min_count`` times, on one side."""
    every = read_ar2en(directory) + read_wikidata(directory, wikidata_min_count)
    return [pair for pair in every if side_of(pair.arabic) == side]


def read_sample(path: Path) -> list[NamePair]:
    """Pairs as :func:`main` prints them: ``arabic<TAB>latin<TAB>count<TAB>source``."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        arabic, latin, count, source = line.split("\t")
        pairs.append(NamePair(arabic, latin, int(count), source))
    return pairs


def data_argument(parser: argparse.ArgumentParser) -> None:
    """The data are not in the repository (tests/data holds a held-out sample): give their folder."""
    parser.add_argument(
        "--data", type=Path, required=True, help="folder holding ar2en-train.tsv and wikidata-ar-en-name-tokens.tsv"
    )


def main() -> None:
    """Print a fixed sample of held-out pairs (the unit tests' copy: tests/data/names-held-out.tsv)."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    data_argument(parser)
    parser.add_argument("--sample", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    pairs = pairs_on("held-out", args.data, wikidata_min_count=3)
    for pair in sorted(random.Random(args.seed).sample(pairs, args.sample), key=lambda p: (p.source, p.arabic)):
        print(f"{pair.arabic}\t{pair.latin}\t{pair.count}\t{pair.source}")


if __name__ == "__main__":
    main()
