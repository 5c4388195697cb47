"""How the compounds' shape (``closed.heads_look_alike``) tells heads apart where the table has no
say, measured on the table itself as if it did not hold its heads: every Arabic head of
``COMPOUND_HEADS_ARABIC`` with each tail (الدين, الله, الرحمن) against every Latin spelling of
``COMPOUND_HEADS_LATIN`` with each written form of the tail (the convention tests' forms: Eddine,
-uddin, al-Din, -ullah, ur-Rahman …). Same head: the share the shape would refuse (a clone
missed); another head: the share it refuses (brothers told apart).

    .venv/bin/python bench/names_compound_shape.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from heuristics.names import normalise
from heuristics.names.closed import COMPOUND_HEADS_ARABIC, COMPOUND_HEADS_LATIN, heads_look_alike, read_latin
from heuristics.names.normalise import COMPOUND_ARTICLE

TAILS = {
    "الدين": ["eddine", "uddin", " al-Din", " ad-Din", " Eddine", "-Eddine", "dine", "deen", "ettin"],
    "الله": ["ullah", "ollah", "allah", " Allah", "-ullah", "ulla"],
    "الرحمن": ["ur Rahman", " ur-Rahman", "urrahman", "ur Rehman", " al-Rahman", " ar-Rahman"],
}


def main() -> None:
    counts = {True: [0, 0], False: [0, 0]}  # same head?: [refused, pairs]
    refused_same: set[tuple[str, str]] = set()
    latin = {
        (name, spelling, written): read_latin(normalise(f"{spelling}{written} Zekri").primary.parts[:-1])
        for name, spellings in COMPOUND_HEADS_LATIN.items()
        for spelling in spellings
        for forms in TAILS.values()
        for written in forms
    }
    for arabic_head, name in COMPOUND_HEADS_ARABIC.items():
        for arabic_tail, forms in TAILS.items():
            part = normalise(f"{arabic_head} {arabic_tail} زكري").primary.parts[0]
            head, mark, tail = part.text.partition(COMPOUND_ARTICLE)
            if not mark:
                continue
            for (other, spelling, written), reading in latin.items():
                if written not in forms:
                    continue
                found = next((found for found in reading.heads if found[0] == tail), None)
                refused = found is not None and not heads_look_alike(head, found[1], found[2])
                same = other == name
                counts[same][0] += refused
                counts[same][1] += 1
                if refused and same:
                    refused_same.add((arabic_head, spelling))
    for same, label in ((True, "same head, refused (clones missed)"), (False, "another head, refused")):
        refused, pairs = counts[same]
        print(f"{label:<42} {refused:>7} of {pairs:>7}  ({100 * refused / pairs:.1f}%)")
    print("same-head pairs refused:", ", ".join(f"{a} / {b}" for a, b in sorted(refused_same)))


if __name__ == "__main__":
    main()
