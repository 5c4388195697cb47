"""How alike two names are: their parts aligned (:mod:`align`), each pair of units scored by
:mod:`units`, and the evidence of why (which parts aligned, how well, which were missing)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from heuristics.names.align import Alignment, Span, align
from heuristics.names.normalise import NameReading, NormalisedName, normalise
from heuristics.names.units import ClosedReadings, unit_scores

Mode = Literal["latin", "arabic", "cross"]


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
        """[[query part(s), candidate part(s), score], …] in the query's order."""
        if self.alignment is None:
            return []
        rows: list[list[object]] = []
        for pair in sorted(self.alignment.pairs, key=lambda pair: pair.a):
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


# Unit scores already known, by (id of reading a, span in a, id of reading b, span in b): the index
# scores the given-name units of all its candidates in one batch before comparing them.
Known = dict[tuple[int, Span, int, Span], float]


def second_has_particle(a: NameReading, b: NameReading) -> tuple[bool, bool]:
    """Whether each reading's second part follows a particle (it can then be no given name)."""
    return _second_has_particle(a), _second_has_particle(b)


def _second_has_particle(reading: NameReading) -> bool:
    return len(reading.parts) > 1 and bool(reading.parts[1].particle)


def compare_readings(
    a: NameReading,
    b: NameReading,
    at_least: float = 0.0,
    known: Known | None = None,
    closed: ClosedReadings | None = None,
) -> Alignment | None:
    """The best alignment of two readings' parts (see :func:`align.align` for ``at_least``).
    ``closed``: the closed tables' readings of the search's Latin units (else this call's own)."""
    closed = ClosedReadings() if closed is None else closed

    def scores(pairs: list[tuple[Span, Span]]) -> list[float]:
        found = [None if known is None else known.get((id(a), sa, id(b), sb)) for sa, sb in pairs]
        missing = [number for number, value in enumerate(found) if value is None]
        fresh = unit_scores(
            [(a.parts[pairs[n][0][0] : pairs[n][0][1]], b.parts[pairs[n][1][0] : pairs[n][1][1]]) for n in missing],
            closed,
        )
        for number, value in zip(missing, fresh, strict=True):
            found[number] = value
        return [value if value is not None else 0.0 for value in found]

    return align(len(a.parts), len(b.parts), scores, at_least, second_has_particle(a, b))


def compare(
    a: NormalisedName,
    b: NormalisedName,
    at_least: float = 0.0,
    known: Known | None = None,
    closed: ClosedReadings | None = None,
) -> NameSimilarity:
    """Similarity of two normalised names: the best pair of their readings. With ``at_least``,
    a score under it may be reported as 0 (work is saved where it cannot be reached). ``closed``:
    the closed tables' readings of the search's Latin units (else this comparison's own)."""
    closed = ClosedReadings() if closed is None else closed
    return best_of_readings(
        a, b, lambda reading_a, reading_b: compare_readings(reading_a, reading_b, at_least, known, closed)
    )


def best_of_readings(
    a: NormalisedName, b: NormalisedName, align_readings: Callable[[NameReading, NameReading], Alignment | None]
) -> NameSimilarity:
    """The similarity of the best-aligned pair of ``a``'s and ``b``'s readings (the first of equal
    ones), each pair aligned by ``align_readings``: :func:`compare`, and the registry's
    constant-work comparison (:func:`heuristics.names.even.even_compare`), which aligns otherwise."""
    best = (-1.0, a.primary, b.primary, None)
    for reading_a in a.readings:
        for reading_b in b.readings:
            found = align_readings(reading_a, reading_b)
            score = found.score if found is not None else 0.0
            if score > best[0]:
                best = (score, reading_a, reading_b, found)
    score, reading_a, reading_b, alignment = best
    return NameSimilarity(max(score, 0.0), mode_for(a, b), a, b, reading_a, reading_b, alignment)


def similarity(a: str, b: str) -> NameSimilarity:
    """Similarity of two names as written, in [0, 1], with how their parts aligned."""
    return compare(normalise(a), normalise(b))
