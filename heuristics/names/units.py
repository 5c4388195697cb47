"""How alike two units of name parts are: one part, or neighbouring parts written as one word
(ولی جان / Walijan, a handle ``mohamedsaleh``), by the scripts they are written in.

- Latin ↔ Latin compares variant-folded spellings *with* vowels (Salih ≠ Salah, Samir ≠ Samira)
  with :func:`rapidfuzz.fuzz.ratio`.
- Arabic ↔ Arabic compares the folded Arabic letters (حسن ≠ حسين, محمد ≠ محمود) the same way.
- Across scripts the learned transliteration model (:mod:`transliteration`) gives log-odds, less
  ``SKELETON_PENALTY`` per point of consonant-skeleton difference, mapped to 0–1 by a logistic
  curve (``CROSS_MIDPOINT``, ``CROSS_SCALE``) placed so that the rules' cut-off (0.92) keeps false
  alarms on checks holding a namesake or a brother at or under 1 % (``bench/names_checks.py``).

محمد and the Latin spellings of the Mohammed family (Mohamed, Muhammad, Mouhamed …) match only each
other: the commonest name has near neighbours (محمود / Mahmoud, Ahmed) that letter correspondences
alone score as well as its own spellings.

Before any of these, the two units' consonant skeletons (:mod:`skeleton`) must be at most two
insertions or deletions apart or at least 60 % alike (:func:`passes_gate`); pairs that are not
score 0. The gate costs
little, lets the index skip most names without scoring them, and keeps index and one-by-one
comparison equal. A nasab particle (bin, ben, ould, بن) beside a part is tried both ways: glued to
it (Benkirane = بن كيران) and left out (bin Saleh = صالح).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from heuristics.names.closed import (
    LatinReading,
    closed_sets_allow,
    compound_heads_allow,
    persian_compounds_allow,
    read_latin,
)
from heuristics.names.latin import MOHAMMED
from heuristics.names.normalise import COMPOUND_ARTICLE, NameReading, Part
from heuristics.names.skeleton import arabic_skeleton, latin_skeleton
from heuristics.names.transliteration import ARTICLE, LINK, latin_letters, letter_symbols, model

# محمد and the Maghrebi امحمد (M'hamed), both written with the Mohammed spellings.
MOHAMMED_ARABIC = frozenset({"محمد", "امحمد"})
# The gate: skeletons at most GATE_EDITS insertions or deletions apart (a substitution is two), or
# at most GATE_SHARE of their letters apart (rapidfuzz ratio ≥ 60: ratio is 1 − InDel / lengths).
GATE_EDITS = 2
GATE_SHARE = 0.4
CROSS_MIDPOINT = -12.5
CROSS_SCALE = 4.0
# Across scripts, each point of consonant-skeleton difference costs this much evidence: the model
# alone lets an Arabic consonant go unwritten cheaply (عبيد / Ayed), the skeletons do not.
SKELETON_PENALTY = 0.2


# A Latin unit as the closed tables' readings are kept: its parts' ids. Whoever keeps a reading
# keeps the parts too (an index its stored names, a search its probe), so an id is not reused
# while the reading is kept.
LatinUnit = tuple[int, ...]


class ClosedReadings:
    """The closed tables' readings (:func:`closed.read_latin`) of the Latin units one search meets,
    each made once: ``stored``, those of an index's stored names, read when it was built; the
    others (the probe's, and a plain index's stored names) read when first met and kept only as
    long as this object, one search or one comparison. Never process-wide: a cache that outlived
    the search would hold the name parts of the profiles checked (docs/names.md)."""

    __slots__ = ("_found", "_stored")

    def __init__(self, stored: Mapping[LatinUnit, LatinReading] | None = None) -> None:
        self._stored: Mapping[LatinUnit, LatinReading] = stored if stored is not None else {}
        self._found: dict[LatinUnit, LatinReading] = {}

    def of(self, parts: Sequence[Part]) -> LatinReading:
        """The reading of a Latin unit, made the first time this search meets it."""
        key = tuple(map(id, parts))
        found = self._stored.get(key) or self._found.get(key)
        if found is None:
            found = self._found[key] = read_latin(parts)
        return found

    def read_all(self, readings: Iterable[NameReading]) -> None:
        """Read every Latin unit of ``readings`` the name rules can ask about now, whatever they
        meet: the constant-work search reads its probe's so, so that which of them are read does
        not depend on the stored names."""
        for unit in latin_units(readings):
            self.of(unit)


def latin_units(readings: Iterable[NameReading]) -> list[tuple[Part, ...]]:
    """The Latin units of ``readings`` the closed tables are asked about (:func:`name_rules_allow`):
    one part, or two neighbouring parts, all in Latin letters."""
    found = []
    for reading in readings:
        parts = reading.parts
        for size in (1, 2):
            for start in range(len(parts) - size + 1):
                unit = parts[start : start + size]
                if all(part.script == "latin" for part in unit):
                    found.append(unit)
    return found


def read_stored(readings: Iterable[NameReading]) -> dict[LatinUnit, LatinReading]:
    """The closed tables' readings of every Latin unit of an index's stored names, made once when
    the index is built (:class:`ClosedReadings`' ``stored``)."""
    return {tuple(map(id, unit)): read_latin(unit) for unit in latin_units(readings)}


def arabic_symbols(parts: Sequence[Part], particle: str = "") -> list[str]:
    """The model's symbols for Arabic parts written as one Latin word."""
    symbols: list[str] = []
    for number, part in enumerate(parts):
        for piece_number, piece in enumerate(part.text.split(COMPOUND_ARTICLE)):
            if piece_number:
                symbols.append(LINK)
            elif part.article:
                symbols.append(ARTICLE if number == 0 and not particle else LINK)
            if number == 0 and piece_number == 0 and particle:
                piece = particle + piece
            symbols.extend(letter_symbols(piece))
    return symbols


def cross_score(evidence: float) -> float:
    """0–1 from the model's log likelihood ratio."""
    if evidence == float("-inf"):
        return 0.0
    return 1.0 / (1.0 + math.exp(-(evidence - CROSS_MIDPOINT) / CROSS_SCALE))


def gate_limit(length_a: int, length_b: int) -> float:
    """The largest InDel distance between skeletons of these lengths that passes the gate."""
    return max(GATE_EDITS, GATE_SHARE * (length_a + length_b))


def passes_gate(skeleton_a: str, skeleton_b: str) -> bool:
    """Whether two units' skeletons are close enough for the pair to be scored at all."""
    return Indel.distance(skeleton_a, skeleton_b) <= gate_limit(len(skeleton_a), len(skeleton_b))


def unit_skeleton(parts: Sequence[Part], particle: str = "") -> str:
    """The gate key of a unit, with ``particle`` glued before it."""
    script = parts[0].script
    head = (arabic_skeleton if script == "arabic" else latin_skeleton)(particle) if particle else ""
    return head + "".join(part.skeleton for part in parts)


def unit_score(a: Sequence[Part], b: Sequence[Part]) -> float:
    """0–1: how alike two units (runs of parts, each run written as one word) are."""
    return unit_scores([(a, b)])[0]


def unit_scores(
    pairs: Sequence[tuple[Sequence[Part], Sequence[Part]]], closed: ClosedReadings | None = None
) -> list[float]:
    """:func:`unit_score` of many pairs, the learned model scoring all cross-script ones at once.
    ``closed``: the closed tables' readings of the search's Latin units (else this call's own)."""
    closed = ClosedReadings() if closed is None else closed
    best = [0.0] * len(pairs)
    crossing: list[tuple[int, float, tuple[list[str], str]]] = []  # pair, gate, model input
    for number, (a, b) in enumerate(pairs):
        for particle_a, particle_b, gate in _gated_variants(a, b):
            if a[0].script == b[0].script:
                same = fuzz.ratio(unit_key(a, particle_a), unit_key(b, particle_b)) / 100
                best[number] = max(best[number], same)
            elif a[0].script == "arabic":
                _add_cross(crossing, number, gate, a, particle_a, b, particle_b, closed)
            else:
                _add_cross(crossing, number, gate, b, particle_b, a, particle_a, closed)
    evidences = model().evidences([inputs for _, _, inputs in crossing])
    for (number, gate, _), evidence in zip(crossing, evidences, strict=True):
        best[number] = max(best[number], cross_score(evidence - SKELETON_PENALTY * (100.0 - gate)))
    return best


def particle_readings(a: Sequence[Part], b: Sequence[Part]) -> list[tuple[str, str]]:
    """(particle of a, particle of b): the ways to read a pair of units, before the gate: without
    particles, or with the particle one side writes (never both); none for a unit mixing scripts
    (never scored)."""
    script_a, script_b = a[0].script, b[0].script
    if any(p.script != script_a for p in a) or any(p.script != script_b for p in b):
        return []
    readings = [("", "")]
    if a[0].particle:
        readings.append((a[0].particle, ""))
    if b[0].particle:
        readings.append(("", b[0].particle))
    return readings


def _gated_variants(a: Sequence[Part], b: Sequence[Part]) -> list[tuple[str, str, float]]:
    """(particle of a, particle of b, skeleton ratio) of the :func:`particle_readings` of the pair
    that pass the gate."""
    variants = []
    for particle_a, particle_b in particle_readings(a, b):
        skeleton_a, skeleton_b = unit_skeleton(a, particle_a), unit_skeleton(b, particle_b)
        if passes_gate(skeleton_a, skeleton_b):
            variants.append((particle_a, particle_b, fuzz.ratio(skeleton_a, skeleton_b)))
    return variants


def _add_cross(
    crossing: list[tuple[int, float, tuple[list[str], str]]],
    number: int,
    gate: float,
    arabic: Sequence[Part],
    arabic_particle: str,
    latin: Sequence[Part],
    latin_particle: str,
    closed: ClosedReadings,
) -> None:
    if not name_rules_allow(arabic, arabic_particle, latin, latin_particle, closed):
        return  # score 0
    letters = latin_letters(latin_particle + "".join(part.text for part in latin))
    crossing.append((number, gate, (arabic_symbols(arabic, arabic_particle), letters)))


def unit_key(parts: Sequence[Part], particle: str) -> str:
    """What a unit is compared on against a unit of its own script (``fuzz.ratio``): one part's
    key, or the key of its parts written as one word (mohamedsaleh), ``particle`` glued before it.

    Public because the constant-work search (:mod:`even`) works the keys of stored units out once
    and must key them as :func:`unit_scores` does."""
    if len(parts) == 1 and not particle:
        return parts[0].key.replace(COMPOUND_ARTICLE, "")
    glued = Part("", parts[0].script, particle + "".join(part.text for part in parts), "")
    return glued.key.replace(COMPOUND_ARTICLE, "")


def name_rules_allow(
    arabic: Sequence[Part],
    arabic_particle: str,
    latin: Sequence[Part],
    latin_particle: str,
    closed: ClosedReadings | None = None,
) -> bool:
    """Whether an Arabic unit and a Latin unit may score above 0 by the name rules: محمد pairs
    only with a Mohammed spelling (Mohamed, Muhammad …) and those only with محمد, since the
    commonest name's near neighbours (محمود / Mahmoud) score as well by letters alone; and two
    parts that :mod:`closed`'s tables both know (Ahmed / حامد, Abdallah / عبد العزيز) pair only
    when they are the same name; units both starting or ending with گل or جان only when the rest
    has the same consonants (:func:`closed.persian_compounds_allow`: Ghulam is not Gul Ahmad).

    Public because the constant-work search (:func:`even.even_unit_scores`) scores the pairs this
    rule sets to 0 (so its work does not tell them apart) and must drop the same ones.
    ``closed``: the search's readings of Latin units (:class:`ClosedReadings`), else read here."""
    if _is_mohammed_arabic(arabic, arabic_particle) != _is_mohammed_latin(latin, latin_particle):
        return False
    arabic_words = [part.text for part in arabic]
    if arabic_particle:
        arabic_words[0] = arabic_particle + arabic_words[0]
    if not persian_compounds_allow(arabic_words, latin_particle + "".join(part.text for part in latin)):
        return False
    if len(arabic) != 1 or len(latin) > 2 or arabic_particle or latin_particle:
        return True
    # Nour Eddine and Ziaur Rahman are two Latin parts, one Arabic compound (نور الدين, ضياء
    # الرحمن): the heads are read from the unit's letters written together.
    reading = closed.of(latin) if closed is not None else read_latin(latin)
    if not compound_heads_allow(arabic[0].text, reading):
        return False
    return len(latin) != 1 or closed_sets_allow(arabic[0].text, reading)


def _is_mohammed_arabic(parts: Sequence[Part], particle: str) -> bool:
    return len(parts) == 1 and not particle and parts[0].text in MOHAMMED_ARABIC


def _is_mohammed_latin(parts: Sequence[Part], particle: str) -> bool:
    return len(parts) == 1 and not particle and parts[0].key == MOHAMMED
