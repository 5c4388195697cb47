"""How often ``name.deceptive_characters`` fires on real display names, and on which characters.

    .venv/bin/python -m bench.deceptive_survey FILE... [--emoji]

A ``.csv`` is a set of Twitter user objects (the Cresci 2015 files, not in the repository: its
``name`` and ``screen_name`` are one profile's display name and handle); a ``.tsv`` holds one name
a line in each of its first two columns (Arabic and Latin; the Wikidata tokens' Arabic letters are
written apart and are joined here), each checked as a display name alone. The names of these sets
are genuine people's, so every name it fires on is a false alarm unless the name really hides
something; the characters it counted are printed (as code points) to judge which. ``--emoji``
checks "Hala Ahed" followed by each emoji and emoji sequence the ``emoji`` package knows (Unicode's
emoji-test data: ZWJ sequences, keycaps, flags, presentation selectors; a test dependency), none
of which hides anything. Deterministic: no sampling, files read in full.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from heuristics.signals.name import deceptive_kinds
from heuristics.text import hidden_characters


def names_of(source: str) -> Iterator[tuple[str, str]]:
    """(display name, handle) of every profile or name in the file ``source``, or of the emoji."""
    if source == "--emoji":
        import emoji  # the test dependency's copy of Unicode's emoji data, only for this survey

        yield from ((f"Hala Ahed {sequence}", "") for sequence in emoji.EMOJI_DATA)
        return
    path = Path(source)
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as rows:
            for row in csv.DictReader(rows):
                yield row.get("name") or "", row.get("screen_name") or ""
        return
    for line in path.read_text("utf-8").splitlines():
        for column in line.split("\t")[:2]:
            # The Wikidata tokens write an Arabic word's letters apart (م ح م د).
            spaced = " " in column and all(len(piece) == 1 for piece in column.split(" "))
            yield (column.replace(" ", "") if spaced else column), ""


def survey(source: str) -> tuple[int, int, Counter[str], Counter[str]]:
    """How many names, how many the signal fires on, on how many per kind, and the code points of
    the characters it counted as invisible."""
    total = fired = 0
    kinds: Counter[str] = Counter()
    characters: Counter[str] = Counter()
    for display_name, handle in names_of(source):
        total += 1
        found: Counter[str] = Counter()
        for text in (display_name, handle):
            found.update(deceptive_kinds(text))
            characters.update(f"U+{ord(text[index]):04X}" for index in hidden_characters(text))
        fired += bool(found)
        kinds.update(dict.fromkeys(found, 1))
    return total, fired, kinds, characters


# The files in the repository the figure ``names-deceptive`` reads (tests/data/PROVENANCE.md).
_TEST_DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
REPOSITORY_NAMES = tuple(
    str(_TEST_DATA / name) for name in ("ar2en-sample.tsv", "names-held-out.tsv", "wikidata-name-variants.tsv")
)


def table(sources: list[str]) -> str:
    """A Markdown table of what ``main`` prints: per file, the names checked, how many the signal
    fires on, by kind, and the code points it counted as invisible (docs/names.md)."""
    rows = ["| names | checked | fire | by kind | invisible characters counted |", "|---|---|---|---|---|"]
    for source in sources:
        total, fired, kinds, characters = survey(source)
        label = 'Unicode\'s emoji sequences, after "Hala Ahed"' if source == "--emoji" else f"`{Path(source).name}`"
        by_kind = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
        common = ", ".join(f"{code} ×{count}" for code, count in characters.most_common(8))
        rows.append(f"| {label} | {total:,} | {fired:,} | {by_kind} | {common} |")
    return "\n".join(rows)


def main(sources: list[str]) -> int:
    for source in sources:
        total, fired, kinds, characters = survey(source)
        by_kind = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items())) or "-"
        common = ", ".join(f"{code} ×{count}" for code, count in characters.most_common(8)) or "-"
        print(f"{Path(source).name.lstrip('-')}: {fired} of {total} fire ({by_kind}); invisible: {common}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
