"""Speed of name matching (medians of repeats, one thread, CPU time of this process).

1. A check with 300 trusted contacts: ``impersonation.contact`` normalises every contact's name,
   builds a throw-away index (nothing about contacts may outlive the check) and searches it for the
   profile's name. Contacts are full names (first + family) of held-out words, half in Arabic
   script, half in Latin letters; the profile is one contact's name in the other script.
2. The protected-people registry: one query against 500, 2,000 and 10,000 stored two-word names
   (same words), each index built once.

The machine is shared, so a yardstick is printed too: one plain rapidfuzz ``cdist`` ratio pass
over 10,000 short strings, whose speed moves with the machine's. Figures are CPU time
(``time.process_time``), steadier than wall time when other work shares the cores.

    .venv/bin/python bench/names_speed.py --data PATH
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

from anyascii import anyascii
from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._cpu import median_cpu_ms
from bench.names_checks import contact_list, held_out_words, other, plain_person, shown
from bench.names_data import data_argument
from heuristics.context import CheckContext
from heuristics.names import NameIndex, normalise
from heuristics.profile import Platform, Profile
from heuristics.signals.impersonation import ImpersonationContact, ImpersonationParams

SEED = 20261129
SIZES = (500, 2_000, 10_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data_argument(parser)
    parser.add_argument("--checks", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    words = held_out_words(args.data)
    rng = random.Random(SEED)

    checks = []
    for _ in range(args.checks):
        people = [plain_person(words, rng)[0] for _ in range(300)]
        scripts = ["arabic", "latin"] * 150
        target = rng.randrange(300)
        checks.append((contact_list(people, scripts), shown(people[target], other(scripts[target]))))
    signal, params = ImpersonationContact(), ImpersonationParams()

    def matching(contacts, name) -> Callable[[], object]:
        return lambda: NameIndex((str(n), c.display_name) for n, c in enumerate(contacts)).search(name, 0.92)

    def detect(contacts, name) -> Callable[[], object]:
        context = CheckContext(platform=Platform.FACEBOOK, contacts=contacts)
        return lambda: signal.detect(Profile(display_name=name, account_id="999"), context, params)

    def normalising(contacts, name) -> Callable[[], object]:
        return lambda: [normalise(c.display_name) for c in contacts]

    stored = [shown(plain_person(words, rng)[0], rng.choice(["arabic", "latin"])) for _ in range(10_000)]
    registries = {size: NameIndex((f"p{n}", name) for n, name in enumerate(stored[:size])) for size in SIZES}
    queries = [shown(plain_person(words, rng)[0], rng.choice(["arabic", "latin"])) for _ in range(args.checks)]
    plain = [anyascii(name).lower() for name in stored]

    rows: dict[str, list[float]] = {name: [] for name in ("matching", "detect", "normalise", "yardstick", *SIZES)}
    for (contacts, name), query in zip(checks, queries, strict=True):  # interleaved: they share the load
        rows["matching"].append(median_cpu_ms(matching(contacts, name), args.repeats))
        rows["detect"].append(median_cpu_ms(detect(contacts, name), args.repeats))
        rows["normalise"].append(median_cpu_ms(normalising(contacts, name), args.repeats))
        for size, registry in registries.items():
            rows[size].append(median_cpu_ms(lambda q=query, r=registry: r.search(q, 0.92), args.repeats))
        yardstick = lambda q=query: process.cdist([q], plain, scorer=fuzz.ratio, workers=1)  # noqa: E731
        rows["yardstick"].append(median_cpu_ms(yardstick, args.repeats))
    ms = {name: statistics.median(values) for name, values in rows.items()}
    print(f"{args.checks} checks of 300 contacts, {args.repeats} repeats each; medians, CPU ms:")
    print(f"  matching (normalise 300 names, index, search):  {ms['matching']:.2f} ms")
    print(f"  impersonation.contact detect, whole signal:      {ms['detect']:.2f} ms")
    print(f"    of which normalising the 300 names:          {ms['normalise']:.2f} ms")
    print("protected registry, one query (NameIndex.search):")
    for size in SIZES:
        print(f"  {size:>6} stored names:                          {ms[size]:.2f} ms")
    print(f"yardstick, one rapidfuzz cdist over 10,000 keys:   {ms['yardstick']:.3f} ms")
    print(f"matching / yardstick = {ms['matching'] / ms['yardstick']:.1f}")


if __name__ == "__main__":
    main()
