"""How alike two names are: their parts aligned (:mod:`align`), each pair scored by script.

- Latin ↔ Latin compares variant-folded spellings *with* vowels (Salih ≠ Salah, Samir ≠ Samira)
  with :func:`rapidfuzz.fuzz.ratio`.
- Arabic ↔ Arabic compares the folded Arabic letters (حسن ≠ حسين, محمد ≠ محمود) the same way.
- Across scripts the learned transliteration model (:mod:`transliteration`) gives a log likelihood
  ratio, mapped to 0–1 by a logistic curve (``CROSS_MIDPOINT``, ``CROSS_SCALE``) placed so that the
  rules' cut-off keeps false alarms on namesakes and brothers at or under 1 % of checks
  (``bench/names_checks.py``).

محمد and the Latin spellings of the Mohammed family (Mohamed, Muhammad, Mouhamed …) match only each
other: the commonest name has near neighbours (محمود / Mahmoud, Ahmed) that letter correspondences
alone score as well as its own spellings.

Before any of these, the two parts' consonant skeletons (:mod:`skeleton`) must be at most one edit
apart or at least 60 % alike (``passes_gate``); pairs that are not are scored 0. The gate costs little, lets the index
skip most contacts without scoring them, and keeps index and one-by-one comparison equal.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from heuristics.names.align import Alignment, Span, align
from heuristics.names.latin import MOHAMMED
from heuristics.names.normalise import LINK, NameReading, NormalisedName, Part, normalise
from heuristics.names.skeleton import arabic_skeleton, latin_skeleton
from heuristics.names.transliteration import ARTICLE, latin_letters, letter_symbols, model
from heuristics.names.transliteration import LINK as LINK_SYMBOL

Mode = Literal["latin", "arabic", "cross"]
MOHAMMED_ARABIC = "محمد"
# The gate: skeletons at most GATE_EDITS edits apart, or at least GATE_RATIO (0–100) alike.
GATE_EDITS = 1
GATE_RATIO = 60.0
CROSS_MIDPOINT = -14.5
CROSS_SCALE = 4.0
# Across scripts, each point of consonant-skeleton difference costs this much evidence: the model
# alone lets an Arabic consonant go unwritten cheaply (عبيد / Ayed), the skeletons do not.
SKELETON_PENALTY = 0.2


def arabic_symbols(parts: Sequence[Part], particle: str = "") -> list[str]:
    """The model's symbols for Arabic parts written as one Latin word."""
    symbols: list[str] = []
    for number, part in enumerate(parts):
        for piece_number, piece in enumerate(part.text.split(LINK)):
            if piece_number:
                symbols.append(LINK_SYMBOL)
            elif part.article:
                symbols.append(ARTICLE if number == 0 and not particle else LINK_SYMBOL)
            if number == 0 and piece_number == 0 and particle:
                piece = particle + piece
            symbols.extend(letter_symbols(piece))
    return symbols


def cross_score(evidence: float) -> float:
    """0–1 from the model's log likelihood ratio."""
    if evidence == float("-inf"):
        return 0.0
    return 1.0 / (1.0 + math.exp(-(evidence - CROSS_MIDPOINT) / CROSS_SCALE))


def passes_gate(skeleton_a: str, skeleton_b: str) -> bool:
    """Whether two units' skeletons are close enough for the pair to be scored at all."""
    return (
        Levenshtein.distance(skeleton_a, skeleton_b) <= GATE_EDITS or fuzz.ratio(skeleton_a, skeleton_b) >= GATE_RATIO
    )


def unit_skeleton(parts: Sequence[Part], particle: str = "") -> str:
    """The gate key of a unit, with ``particle`` glued before it."""
    script = parts[0].script
    head = (arabic_skeleton if script == "arabic" else latin_skeleton)(particle) if particle else ""
    return head + "".join(part.skeleton for part in parts)


def pair_score(a: Sequence[Part], b: Sequence[Part]) -> float:
    """0–1: how alike two units (runs of parts, each run written as one word) are."""
    script_a, script_b = a[0].script, b[0].script
    if any(p.script != script_a for p in a) or any(p.script != script_b for p in b):
        return 0.0
    best = 0.0
    particles_a = ["", a[0].particle] if a[0].particle else [""]
    particles_b = ["", b[0].particle] if b[0].particle else [""]
    for particle_a in particles_a:
        for particle_b in particles_b:
            if particle_a and particle_b:
                continue  # both written with the particle: compare without
            skeleton_a, skeleton_b = unit_skeleton(a, particle_a), unit_skeleton(b, particle_b)
            if not passes_gate(skeleton_a, skeleton_b):
                continue
            best = max(best, _score(a, particle_a, b, particle_b, fuzz.ratio(skeleton_a, skeleton_b)))
    return best


def _same_script_key(parts: Sequence[Part], particle: str) -> str:
    """One part's key; parts written as one word are keyed as that word (mohamedsaleh)."""
    if len(parts) == 1 and not particle:
        return parts[0].key.replace(LINK, "")
    return Part("", parts[0].script, particle + "".join(part.text for part in parts), "").key.replace(LINK, "")


def _score(a: Sequence[Part], particle_a: str, b: Sequence[Part], particle_b: str, gate: float) -> float:
    if a[0].script == b[0].script:
        return fuzz.ratio(_same_script_key(a, particle_a), _same_script_key(b, particle_b)) / 100
    if a[0].script == "latin":
        a, particle_a, b, particle_b = b, particle_b, a, particle_a
    if _is_mohammed_arabic(a, particle_a) != _is_mohammed_latin(b, particle_b):
        return 0.0
    latin = latin_letters(particle_b + "".join(part.text for part in b))
    evidence = model().evidence(arabic_symbols(a, particle_a), latin)
    return cross_score(evidence - SKELETON_PENALTY * (100.0 - gate))


def _is_mohammed_arabic(parts: Sequence[Part], particle: str) -> bool:
    return len(parts) == 1 and not particle and parts[0].text == MOHAMMED_ARABIC


def _is_mohammed_latin(parts: Sequence[Part], particle: str) -> bool:
    return len(parts) == 1 and not particle and parts[0].key == MOHAMMED


def mode_for(a: NormalisedName, b: NormalisedName) -> Mode:
    if a.script == b.script:
        return "arabic" if a.script == "arabic" else "latin"
    return "cross"


@dataclass(frozen=True, slots=True)
class NameSimilarity:
    """A score in [0, 1], the readings compared, and how their parts aligned (for evidence)."""

    score: float
    mode: Mode
    query: NormalisedName
    candidate: NormalisedName
    query_reading: NameReading
    candidate_reading: NameReading
    alignment: Alignment | None

    def aligned_parts(self) -> list[list[object]]:
        """[[query part(s), candidate part(s), score], …], the given name first."""
        if self.alignment is None:
            return []
        rows: list[list[object]] = []
        for pair in self.alignment.pairs:
            query = " ".join(p.shown for p in self.query_reading.parts[pair.a[0] : pair.a[1]])
            candidate = " ".join(p.shown for p in self.candidate_reading.parts[pair.b[0] : pair.b[1]])
            rows.append([query, candidate, round(pair.score, 3)])
        return rows

    def missing_parts(self) -> list[str]:
        """Parts of either name with no partner in the other (a nasab chain cut short)."""
        if self.alignment is None:
            return []
        return [self.query_reading.parts[i].shown for i in self.alignment.missing_a] + [
            self.candidate_reading.parts[i].shown for i in self.alignment.missing_b
        ]

    def evidence(self) -> dict[str, object]:
        """JSON evidence: the similarity, the names as compared and which parts aligned."""
        return {
            "name_similarity": round(self.score, 3),
            "compared_as": self.mode,
            "normalised_name": self.query_reading.latin,
            "normalised_match": self.candidate_reading.latin,
            "aligned_parts": self.aligned_parts(),
            "missing_parts": self.missing_parts(),
        }


def compare_readings(a: NameReading, b: NameReading, at_least: float = 0.0) -> Alignment | None:
    """The best alignment of two readings' parts (see :func:`align.align` for ``at_least``)."""

    def score(span_a: Span, span_b: Span) -> float:
        return pair_score(a.parts[span_a[0] : span_a[1]], b.parts[span_b[0] : span_b[1]])

    return align(len(a.parts), len(b.parts), score, at_least)


def compare(a: NormalisedName, b: NormalisedName, at_least: float = 0.0) -> NameSimilarity:
    """Similarity of two normalised names: the best pair of their readings. With ``at_least``,
    a score under it may be reported as 0 (work is saved where it cannot be reached)."""
    best = (-1.0, a.primary, b.primary, None)
    for reading_a in a.readings:
        for reading_b in b.readings:
            found = compare_readings(reading_a, reading_b, at_least)
            score = found.score if found is not None else 0.0
            if score > best[0]:
                best = (score, reading_a, reading_b, found)
    score, reading_a, reading_b, alignment = best
    return NameSimilarity(max(score, 0.0), mode_for(a, b), a, b, reading_a, reading_b, alignment)


def similarity(a: str, b: str) -> NameSimilarity:
    """Similarity of two names as written, in [0, 1], with how their parts aligned."""
    return compare(normalise(a), normalise(b))
