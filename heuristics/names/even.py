"""Scoring unit pairs with work that does not depend on how alike they are, for an index whose
search cost must not tell what it holds (the protected-people registry: :class:`index.NameIndex`
with ``constant_work``).

:func:`units.unit_scores` skips the pairs that fail the consonant-skeleton gate (most of them) and
calls the learned model only when a pair across scripts passes it; the model's batch costs about
as much as the longest Arabic unit in it is long. So scoring a probe against a name close to it
costs more than against one far from it. :func:`even_unit_scores` returns exactly the same scores
but scores every reading of every pair whatever the gate says (keeping only the ones that pass),
and, given ``pad``, always calls the model with one more pair of that many Arabic letters and
Latin letters, at least as long as any in the batch: a batch then costs what its *shape* costs
(how many pairs, in which scripts), not what their letters are.

:func:`align.align` completes an alignment (pairs the other parts: :func:`align.complete`) only from
the given-name pairs that reach the cut-off, so a name whose given name the probe repeats ("Hala
Hala" reaches hers as written and family first) or reaches in one of its readings and not the
others costs a completion more or less than a name it is far from. :func:`even_compare` returns
exactly :func:`similarity.compare`'s result but completes one alignment from every given-name pair
of every pair of readings, the ones that do not reach the cut-off with their given names made to
agree (results dropped): its work depends on the names' shapes only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rapidfuzz import fuzz

from heuristics.names.align import (
    FLOOR,
    MAX_MERGED,
    Alignment,
    Pair,
    complete,
    family_first_allowed,
    given_pairs,
    unit_pairs,
)
from heuristics.names.normalise import NameReading, NormalisedName, Part
from heuristics.names.similarity import Known, NameSimilarity, best_of_readings, second_has_particle
from heuristics.names.transliteration import latin_letters, model
from heuristics.names.units import (
    SKELETON_PENALTY,
    ClosedReadings,
    arabic_symbols,
    cross_score,
    name_rules_allow,
    particle_readings,
    passes_gate,
    unit_key,
    unit_skeleton,
)

# (Arabic symbols, Latin letters) of the model's padding pair: the longest units a batch can hold.
Extent = tuple[int, int]
_PAD_SYMBOL = "\x00"  # outside the model's table: scored as an unseen letter, like any other


# What the scoring reads of a unit (its parts' ids and a particle glued before it): its gate key,
# its same-script key, and what the model reads of it (Arabic symbols or Latin letters).
UnitKey = tuple[tuple[int, ...], str]
Described = tuple[str, str, list[str] | str]


def describe(parts: Sequence[Part], particle: str) -> Described:
    return unit_skeleton(parts, particle), unit_key(parts, particle), _read(parts, particle)


def _read(parts: Sequence[Part], particle: str) -> list[str] | str:
    """What the model reads of a unit (as :func:`units._add_cross` gives it)."""
    if parts[0].script == "arabic":
        return arabic_symbols(parts, particle)
    return latin_letters(particle + "".join(part.text for part in parts))


_WORK = (unit_skeleton, unit_key, _read)  # how each part of a Described is worked out


def describe_all(readings: Iterable[NameReading]) -> dict[UnitKey, Described]:
    """:func:`describe` of every unit of ``readings`` that can be scored (runs of up to
    MAX_MERGED parts and the whole name, with and without their particle), worked out once for
    stored names: a search then reads it instead of folding their letters again."""
    table: dict[UnitKey, Described] = {}
    for reading in readings:
        for start, end in _spans(len(reading.parts), whole=True):
            unit = reading.parts[start:end]
            for particle in {"", unit[0].particle}:
                table[tuple(map(id, unit)), particle] = describe(unit, particle)
    return table


def even_unit_scores(
    pairs: Sequence[tuple[Sequence[Part], Sequence[Part]]],
    pad: Extent | None,
    described: Mapping[UnitKey, Described] | None = None,
    closed: ClosedReadings | None = None,
) -> list[float]:
    """:func:`units.unit_scores` of ``pairs`` (the same floats), every reading of every pair scored
    whatever the gate, the model called once with the pairs across scripts and, given ``pad``, a
    padding pair of that extent (its result dropped). ``described``: units already described
    (:func:`describe_all`); the others are described once each here. ``closed``: the search's
    closed-table readings of Latin units (else this call's own)."""
    closed = ClosedReadings() if closed is None else closed
    best = [0.0] * len(pairs)
    crossing: list[tuple[int, float, bool]] = []  # pair, skeleton ratio, whether it may count
    inputs: list[tuple[list[str], str]] = []
    known = described or {}
    fresh: tuple[dict[UnitKey, Any], ...] = ({}, {}, {})  # the query's units, each part when needed

    def unit(kind: int, parts: Sequence[Part], particle: str) -> Any:
        key = (tuple(map(id, parts)), particle)
        found = known.get(key)
        if found is not None:
            return found[kind]
        value = fresh[kind].get(key)
        if value is None:
            value = fresh[kind][key] = _WORK[kind](parts, particle)
        return value

    for number, (a, b) in enumerate(pairs):
        for particle_a, particle_b in particle_readings(a, b):
            skeleton_a, skeleton_b = unit(0, a, particle_a), unit(0, b, particle_b)
            passes = passes_gate(skeleton_a, skeleton_b)
            if a[0].script == b[0].script:
                same = fuzz.ratio(unit(1, a, particle_a), unit(1, b, particle_b)) / 100
                if passes:
                    best[number] = max(best[number], same)
                continue
            sides = ((a, particle_a, unit(2, a, particle_a)), (b, particle_b, unit(2, b, particle_b)))
            (arabic, arabic_particle, symbols), (latin, latin_particle, letters) = (
                sides if a[0].script == "arabic" else sides[::-1]
            )
            # محمد only pairs with the Mohammed spellings, and names the closed tables tell apart
            # never pair: such a pair scores 0, but is scored.
            allowed = name_rules_allow(arabic, arabic_particle, latin, latin_particle, closed)
            crossing.append((number, fuzz.ratio(skeleton_a, skeleton_b), passes and allowed))
            inputs.append((symbols, letters))  # type: ignore[arg-type]
    if pad is not None:
        inputs.append(([_PAD_SYMBOL] * max(pad[0], 1), "a" * max(pad[1], 1)))
    evidences = model().evidences(inputs)[: len(crossing)] if inputs else []
    for (number, gate, counts), evidence in zip(crossing, evidences, strict=True):
        score = cross_score(evidence - SKELETON_PENALTY * (100.0 - gate))
        if counts:
            best[number] = max(best[number], score)
    return best


def _spans(count: int, whole: bool) -> list[tuple[int, int]]:
    """Runs of up to MAX_MERGED parts of a name of ``count``, and with ``whole`` the whole name."""
    spans = [(start, start + size) for size in range(1, MAX_MERGED + 1) for start in range(count - size + 1)]
    return [*spans, (0, count)] if whole and count > MAX_MERGED else spans


def extent(readings: Iterable[NameReading], whole: bool) -> Extent:
    """The most Arabic symbols and the most Latin letters the model can be given for a unit of
    these readings: runs of up to MAX_MERGED parts, with and without their particle, and, with
    ``whole``, the whole name (a unit when the other name has one part: :func:`align._units`)."""
    symbols = letters = 0
    for reading in readings:
        parts = reading.parts
        for start, end in _spans(len(parts), whole):
            unit = parts[start:end]
            for particle in {"", unit[0].particle}:
                if unit[0].script == "arabic":
                    symbols = max(symbols, len(arabic_symbols(unit, particle)))
                else:
                    letters = max(letters, len(_read(unit, particle)))
    return symbols, letters


def even_compare(a: NormalisedName, b: NormalisedName, at_least: float, known: Known) -> NameSimilarity:
    """:func:`similarity.compare` of two names whose unit pairs are all in ``known`` (the same
    result), completing an alignment from every given-name pair of every pair of readings: the
    loop of :func:`align.align`, where a given-name pair it would skip (under the cut-off, or
    unable to beat the best found) is completed anyway, made to agree, and dropped."""
    return best_of_readings(a, b, lambda reading_a, reading_b: _even_align(reading_a, reading_b, at_least, known))


def _even_align(a: NameReading, b: NameReading, at_least: float, known: Known) -> Alignment | None:
    """:func:`align.align` of two readings (their pairs' scores from ``known``), one completion per
    given-name pair. Keep in step with align.align: the identity tests compare the two."""
    count_a, count_b = len(a.parts), len(b.parts)
    pairs = unit_pairs(count_a, count_b)
    scores = {(sa, sb): known[id(a), sa, id(b), sb] for sa, sb in pairs}
    score = scores.__getitem__
    best: Alignment | None = None
    particles = second_has_particle(a, b)
    for span_a, span_b in given_pairs(count_a, count_b):
        given = score((span_a, span_b))
        skipped = (
            not family_first_allowed((span_a, span_b), particles)
            or given < max(FLOOR, at_least)
            or (best is not None and given <= best.score)
        )
        found = complete(Pair(span_a, span_b, 1.0 if skipped else given), pairs, score, count_a, count_b)
        if skipped or found is None:
            continue  # (a skipped pair's completion only costs what one followed costs)
        family_a = 0 if span_a[0] == 1 else count_a - 1
        family_b = 0 if span_b[0] == 1 else count_b - 1
        if family_a in found.missing_a or family_b in found.missing_b:
            continue
        if (span_a[0], span_b[0]) != (0, 0) and (found.missing_a or found.missing_b):
            continue
        if best is None or found.score > best.score:
            best = found
    return best
