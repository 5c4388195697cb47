"""Name matching measured per check, as a user meets it: recall and false alarms of
``impersonation.contact`` on checks that carry many trusted contacts.

Every name is made of held-out words only (bench/names_data.py): ar2en lines and Wikidata name
tokens (seen at least 3 times) whose Arabic word the learned table never saw. A Latin word is
spelled as one of its recorded spellings, drawn by how often people carried it.

- ``contacts``: 300 contacts a check, each a full name (first + family), stored in Arabic script
  or Latin letters at random. A *clone* check shows one contact's name in the other script; the
  check counts when the signal names that contact. A *namesake* check shows, in the other script,
  a name with one contact's first name and another family name; any finding is a false alarm.
- ``official``: 50 contacts a check, full names built like the names of official lists (given
  name, father, grandfather, family with al-; Gulf chains with bin; Afghan compounds with -ullah,
  -uddin, ur-Rahman, -jan, -gul written together or apart, Persian letters ی ک; Maghrebi first +
  family in upper case; now and then family first), from the held-out words with a letter that
  Arabic keeps for its own sounds (ع ح ص ض ظ ق ذ ث ة; not خ غ ط, which also write Spanish j,
  g and t), drawn by how many people carried them. Arabic script against Latin letters.
  *Relative* checks show a brother (another given name, same father, grandfather and family);
  *namesake* checks the same given name with another father, grandfather and family.

The signal runs as the engine runs it, with ``min_similarity`` lowered to the curve's lowest
cut-off; a check is a hit at cut-off t when the signal's best match is the right contact with
a score ≥ t, a false alarm when its best match scores ≥ t. Fixed seeds: the same command prints
the same table.

    .venv/bin/python bench/names_checks.py --data PATH [--checks 1000]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.names_data import NamePair, data_argument, pairs_on
from heuristics.context import CheckContext
from heuristics.profile import Contact, Platform, Profile
from heuristics.signals.impersonation import ImpersonationContact, ImpersonationParams

CUTOFFS = (0.80, 0.85, 0.88, 0.90, 0.91, 0.92, 0.93, 0.94, 0.95, 0.96, 0.97, 0.98)
SEED = 20261129
RULES_CUTOFF = 0.92  # min_similarity of impersonation.contact in heuristics/rules/default.toml


@dataclass(frozen=True, slots=True)
class Word:
    """A held-out Arabic word and its Latin spellings with how often each was carried."""

    arabic: str
    spellings: tuple[tuple[str, int], ...]

    def latin(self, rng: random.Random) -> str:
        words, weights = zip(*self.spellings, strict=True)
        return rng.choices(words, weights=weights)[0]


ROMAN_NUMERAL = re.compile(r"^(?:i{1,3}|iv|vi{0,3}|ix|x)$")  # regnal numbers (Hassan II), not names


def held_out_words(directory: Path) -> list[Word]:
    return words_of(pairs_on("held-out", directory, wikidata_min_count=3))


def words_of(pairs: Iterable[NamePair]) -> list[Word]:
    """Each Arabic word with its Latin spellings and how often each was carried."""
    spellings: dict[str, dict[str, int]] = defaultdict(dict)
    for pair in pairs:
        latin = pair.latin.lower()
        if ROMAN_NUMERAL.match(latin):
            continue
        spellings[pair.arabic][latin] = spellings[pair.arabic].get(latin, 0) + pair.count
    # A spelling carried by under 5% of a word's people is usually an alignment slip (محمد → morocco).
    return [
        Word(arabic, tuple(sorted((latin, n) for latin, n in found.items() if n >= 0.05 * sum(found.values()))))
        for arabic, found in sorted(spellings.items())
    ]


@dataclass(frozen=True, slots=True)
class Person:
    """A full name in both scripts."""

    arabic: str
    latin: str


# --- the two sets --------------------------------------------------------------------------------


def plain_person(words: list[Word], rng: random.Random) -> tuple[Person, Word, Word]:
    first, family = rng.sample(words, 2)
    return named(first, family, rng), first, family


def named(first: Word, family: Word, rng: random.Random) -> Person:
    return Person(f"{first.arabic} {family.arabic}", f"{first.latin(rng)} {family.latin(rng)}".title())


# Afghan and Persian compounds: (Arabic tail, Latin spellings of the tail glued to the name).
COMPOUNDS = (
    ("الله", ("ullah", "ulla", "allah", "ollah")),
    ("الدين", ("uddin", "uddeen", "eddine", "addin")),
    ("الرحمن", ("urrahman", "ur-rahman", "rahman")),
    ("جان", ("jan",)),
    ("گل", ("gul",)),
)
PERSIAN = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک"})


@dataclass(frozen=True, slots=True)
class OfficialName:
    """An official-list name: its words (as Word choices) and the style that writes it."""

    given: tuple[Word, ...]  # one word, or a name with a compound tail (see ``tail``)
    tail: int | None  # index into COMPOUNDS
    rest: tuple[Word, ...]  # father, grandfather, family … in order
    style: str  # nasab, gulf, afghan, maghrebi

    def write(self, rng: random.Random) -> Person:
        given_arabic = self.given[0].arabic
        given_latin = self.given[0].latin(rng)
        if self.tail is not None:
            arabic_tail, latin_tails = COMPOUNDS[self.tail]
            given_arabic += ("" if rng.random() < 0.3 else " ") + arabic_tail
            given_latin += rng.choice(("", "", " ", "-")) + rng.choice(latin_tails)
        arabic = [given_arabic]
        latin = [given_latin]
        for number, word in enumerate(self.rest):
            last = number == len(self.rest) - 1
            if self.style == "gulf" and not last:
                arabic.append("بن " + word.arabic)
                latin.append(rng.choice(("bin ", "ben ", "")) + word.latin(rng))
            elif last and self.style in ("nasab", "gulf"):
                arabic.append("ال" + word.arabic if self.style == "nasab" else "آل " + word.arabic)
                latin.append(rng.choice(("al-", "al ", "el-", "")) + word.latin(rng))
            else:
                arabic.append(word.arabic)
                latin.append(word.latin(rng))
        arabic_text = " ".join(arabic)
        if self.style == "afghan":
            arabic_text = arabic_text.translate(PERSIAN)
        latin_text = " ".join(latin).upper()
        if self.style == "maghrebi" and rng.random() < 0.2:
            family_first = latin[-1:] + latin[:-1]
            latin_text = " ".join(family_first).upper()
        return Person(arabic_text, latin_text)


def official_name(words: list[Word], weights: list[float], rng: random.Random) -> OfficialName:
    style = rng.choice(("nasab", "gulf", "afghan", "maghrebi"))
    count = {"nasab": rng.choice((3, 4, 4, 5)), "gulf": rng.choice((3, 4)), "afghan": 2, "maghrebi": 2}[style]
    drawn = rng.choices(words, weights=weights, k=count)
    tail = rng.randrange(len(COMPOUNDS)) if style == "afghan" and rng.random() < 0.6 else None
    return OfficialName((drawn[0],), tail, tuple(drawn[1:]), style)


def brother(name: OfficialName, words: list[Word], weights: list[float], rng: random.Random) -> OfficialName:
    taken = {word.arabic for word in name.given + name.rest}
    while True:
        given = rng.choices(words, weights=weights)[0]
        if given.arabic not in taken:
            tail = name.tail if rng.random() < 0.5 else None
            return OfficialName((given,), tail, name.rest, name.style)


def namesake(name: OfficialName, words: list[Word], weights: list[float], rng: random.Random) -> OfficialName:
    taken = {word.arabic for word in name.given + name.rest}
    other = official_name(words, weights, rng)
    while any(word.arabic in taken for word in other.rest):
        other = official_name(words, weights, rng)
    return OfficialName(name.given, name.tail, other.rest[: max(1, len(name.rest))], name.style)


# --- running checks ----------------------------------------------------------------------------


def shown(person: Person, script: str) -> str:
    return person.arabic if script == "arabic" else person.latin


def other(script: str) -> str:
    return "latin" if script == "arabic" else "arabic"


SIGNAL = ImpersonationContact()
PARAMS = ImpersonationParams(min_similarity=min(CUTOFFS))


def run_check(contacts: list[Contact], display_name: str) -> tuple[int | None, float, object]:
    """The contact the signal names (its number), the score and the parts it aligned, or (None, 0, [])."""
    context = CheckContext(platform=Platform.FACEBOOK, contacts=contacts)
    found = SIGNAL.detect(Profile(display_name=display_name, account_id="999"), context, PARAMS)
    if found is None:
        return None, 0.0, []
    number = next(i for i, c in enumerate(contacts) if c.display_name == found.evidence["contact"])
    return number, float(found.evidence["name_similarity"]), found.evidence["aligned_parts"]


def contact_list(people: list[Person], scripts: list[str]) -> list[Contact]:
    return [
        Contact(display_name=shown(person, script), platform=Platform.FACEBOOK, account_id=str(number))
        for number, (person, script) in enumerate(zip(people, scripts, strict=True))
    ]


@dataclass
class Outcomes:
    hits: list[float]  # per clone check: the score when the right contact was named, else 0
    alarms: dict[str, list[float]]  # per kind of negative check: the best score, 0 if none
    # misses and alarms at the rules' cut-off, with the parts the signal aligned (for --show)
    examples: list[str] = field(default_factory=list)

    def clone(self, contacts: list[Contact], target: int, name: str) -> None:
        found, score, parts = run_check(contacts, name)
        self.hits.append(score if found == target else 0.0)
        if found != target or score < RULES_CUTOFF:
            named = "nobody" if found is None else repr(contacts[found].display_name)
            self.examples.append(
                f"miss: {name!r} for {contacts[target].display_name!r}; named {named} ({score}) {parts}"
            )

    def negative(self, kind: str, contacts: list[Contact], target: int, name: str) -> None:
        found, score, parts = run_check(contacts, name)
        self.alarms[kind].append(score)
        if found is not None and score >= RULES_CUTOFF:
            alarm = f"{kind}: {name!r} of {contacts[target].display_name!r}"
            self.examples.append(f"{alarm}; named {contacts[found].display_name!r} ({score}) {parts}")


def contacts_set(words: list[Word], checks: int, size: int, rng: random.Random) -> Outcomes:
    outcomes = Outcomes([], {"namesake": []})
    for _ in range(checks):
        people = [plain_person(words, rng) for _ in range(size)]
        scripts = [rng.choice(("arabic", "latin")) for _ in people]
        contacts = contact_list([person for person, _, _ in people], scripts)
        target = rng.randrange(size)
        person, first, family = people[target]
        outcomes.clone(contacts, target, shown(person, other(scripts[target])))
        other_family = rng.choice([word for word in rng.sample(words, 2) if word is not family])
        sake = named(first, other_family, rng)
        outcomes.negative("namesake", contacts, target, shown(sake, other(scripts[target])))
    return outcomes


# Letters that Arabic uses for its own sounds and seldom for foreign names: a word with one of them
# is most likely an Arab, Persian or Turkish name rather than a European one written in Arabic.
ARABIC_SOUNDS = frozenset("عحصضظقذثة")


def official_set(words: list[Word], checks: int, size: int, rng: random.Random) -> Outcomes:
    words = [word for word in words if ARABIC_SOUNDS & set(word.arabic)]
    # By how many people carried the word, dampened: Wikidata's people are not a census, and
    # 553 Mohameds would make every other contact a Mohamed.
    weights = [sum(count for _, count in word.spellings) ** 0.5 for word in words]
    outcomes = Outcomes([], {"relative": [], "namesake": []})
    for _ in range(checks):
        names = [official_name(words, weights, rng) for _ in range(size)]
        scripts = [rng.choice(("arabic", "latin")) for _ in names]
        contacts = contact_list([name.write(rng) for name in names], scripts)
        target = rng.randrange(size)
        outcomes.clone(contacts, target, shown(names[target].write(rng), other(scripts[target])))
        for kind, make in (("relative", brother), ("namesake", namesake)):
            person = make(names[target], words, weights, rng).write(rng)
            outcomes.negative(kind, contacts, target, shown(person, other(scripts[target])))
    return outcomes


def curve(title: str, outcomes: Outcomes) -> str:
    """The recall and false alarms of one set at each cut-off, as a Markdown table."""
    kinds = list(outcomes.alarms)
    counts = ", ".join(f"{len(v)} {k} checks" for k, v in outcomes.alarms.items())
    lines = [
        f"{title}: {len(outcomes.hits)} clone checks, {counts}",
        "",
        "| cut-off | recall | " + " | ".join(f"false alarms, {kind} checks" for kind in kinds) + " |",
        "|" + "---|" * (2 + len(kinds)),
    ]
    for cutoff in CUTOFFS:
        recall = sum(score >= cutoff for score in outcomes.hits) / len(outcomes.hits)
        cells = [
            f"{sum(score >= cutoff for score in outcomes.alarms[kind]) / len(outcomes.alarms[kind]):.1%}"
            for kind in kinds
        ]
        mark = " (rules)" if cutoff == RULES_CUTOFF else ""
        lines.append(f"| {cutoff:.2f}{mark} | {recall:.3f} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def report(directory: Path, checks: int = 1000, sets: Iterable[str] = ("contacts", "official")) -> str:
    """Every set's curve (what ``main`` prints, and docs/names.md shows as ``names-checks``)."""
    words = held_out_words(directory)
    out = [f"{len(words)} held-out Arabic words (seed {SEED})"]
    for name in sets:
        make, size = SETS[name]
        outcomes = make(words, checks, size, random.Random(f"{SEED}-{name}"))
        out += ["", curve(f"{name} ({size} contacts a check)", outcomes)]
    return "\n".join(out)


SETS: dict[str, tuple[Callable[..., Outcomes], int]] = {"contacts": (contacts_set, 300), "official": (official_set, 50)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data_argument(parser)
    parser.add_argument("--checks", type=int, default=1000, help="clone checks per set (and as many of each negative)")
    parser.add_argument("--sets", nargs="*", default=list(SETS), choices=list(SETS))
    parser.add_argument(
        "--show",
        type=int,
        default=0,
        help="also print this many clones missed and alarms raised at the rules' cut-off, per set",
    )
    args = parser.parse_args()
    if not args.show:
        print(report(args.data, args.checks, args.sets))
        return
    words = held_out_words(args.data)
    for name in args.sets:
        make, size = SETS[name]
        outcomes = make(words, args.checks, size, random.Random(f"{SEED}-{name}"))
        print(curve(f"{name} ({size} contacts a check)", outcomes))
        for line in outcomes.examples[: args.show]:
            print(line)


if __name__ == "__main__":
    main()
