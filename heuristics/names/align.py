"""Aligning the parts of two full names, and what the alignment is worth.

A full name is a given name followed by other parts (father, grandfather, family, tribe, a
nasab chain). Two names belong to the same person when:

- their **given names agree** — the part each name starts with, or, for a name written family
  first (DJERMANE Kamel, "Saleh Mohamed"), its second part; a family-first reading must pair every
  part of both names (it is a reordering, not a licence to drop parts). A different given name
  with the same father and family is a brother, not a clone;
- their **family names** (the last part, or the first when written family first) find partners;
- every other part either finds a partner in the other name (in any order) or is simply absent
  from it: a missing middle part (a nasab chain cut short, a father's name left out) costs
  ``MISSING_PART`` each, but a part on *each* side that matches nothing means the names differ
  there (same first name, other family: a namesake);
- each side has at least two parts matched when it has two or more: a bare first name is not a
  full name.

A part may pair with two neighbouring parts of the other name written as one (ولی جان /
Walijan, هدايت الله / Hidayatullah, ما يشو / Maychou), and a one-part name (a handle such as
``mohamedsaleh``) with the whole of the other name. Pairs are scored by a function the caller
gives (0–1); pairs under ``FLOOR`` do not pair. The other parts are paired greedily, best first.

The score is the smaller of the given-name pair's score and the mean of the other pairs' scores,
less ``MISSING_PART`` for each absent part: every part must agree, and many agreeing parts may
carry one weaker spelling.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

Span = tuple[int, int]  # [start, end) of a name's parts
FLOOR = 0.5
MISSING_PART = 0.02
MAX_MERGED = 2


@dataclass(frozen=True, slots=True)
class Pair:
    """Parts ``a`` of one name written as parts ``b`` of the other, with their score."""

    a: Span
    b: Span
    score: float


@dataclass(frozen=True, slots=True)
class Alignment:
    score: float
    pairs: tuple[Pair, ...]  # the given-name pair first
    missing_a: tuple[int, ...]  # parts of a with no partner in b
    missing_b: tuple[int, ...]


@cache
def _units(count: int, other: int) -> list[Span]:
    """Single parts, runs of up to MAX_MERGED, and the whole name when the other has one part."""
    longest = count if other == 1 else min(MAX_MERGED, count)
    return [(start, start + size) for size in range(1, longest + 1) for start in range(count - size + 1)]


@cache
def unit_pairs(count_a: int, count_b: int) -> tuple[tuple[Span, Span], ...]:
    """Every pair of units a full alignment of names of ``count_a`` and ``count_b`` parts may
    score: pairs where at least one side is a single part (``_units`` says what a unit is).

    Public because the names index scores these pairs in one batch before aligning (and the
    constant-work search scores all of them whatever is near): it must ask for exactly the pairs
    :func:`align` reads, or the two would drift apart."""
    return tuple(
        (a, b)
        for a in _units(count_a, count_b)
        for b in _units(count_b, count_a)
        if a[1] - a[0] == 1 or b[1] - b[0] == 1
    )


def _overlaps(span: Span, used: set[int]) -> bool:
    return any(index in used for index in range(*span))


@cache
def given_pairs(count_a: int, count_b: int) -> tuple[tuple[Span, Span], ...]:
    """The unit pairs :func:`align` tries as the two given names: starting at both first parts, or
    at one name's second part (that name written family first). When both names have two parts or
    more, a given-name unit never takes in its name's family part (which must pair elsewhere)."""
    readings = [(0, 0)] + [(1, 0)] * (count_a > 1) + [(0, 1)] * (count_b > 1)
    both = count_a > 1 and count_b > 1

    def keeps_family(span: Span, given: int, count: int) -> bool:
        family = 0 if given == 1 else count - 1
        return not (both and span[0] <= family < span[1])

    return tuple(
        (a, b)
        for given in readings
        for a, b in unit_pairs(count_a, count_b)
        if (a[0], b[0]) == given and keeps_family(a, a[0], count_a) and keeps_family(b, b[0], count_b)
    )


def family_first_allowed(given: tuple[Span, Span], second_has_particle: tuple[bool, bool]) -> bool:
    """Whether a given-name pair may be tried: a name read family first has its given name second,
    and a part after bin/ben/ould (``second_has_particle``) is a father's or family name, never a
    given name (Ali Ben Omar is not Omar Ben Ali written family first: they are father and son)."""
    return not any(span[0] == 1 and particle for span, particle in zip(given, second_has_particle, strict=True))


def align(
    count_a: int,
    count_b: int,
    pair_scores: Callable[[list[tuple[Span, Span]]], list[float]],
    at_least: float = 0.0,
    second_has_particle: tuple[bool, bool] = (False, False),
) -> Alignment | None:
    """The best valid alignment of names of ``count_a`` and ``count_b`` parts, or None.

    ``pair_scores`` scores a list of unit pairs at once (the given-name pairs first, then, if one
    reaches the floor, every other pair in one call). ``at_least``: only alignments scoring at least
    this are wanted (an alignment never scores more than its given-name pair, so given-name pairs
    under it are not followed). ``second_has_particle``: whether each name's second part follows
    a particle (see :func:`family_first_allowed`)."""
    if not count_a or not count_b:
        return None
    candidates = tuple(
        pair for pair in given_pairs(count_a, count_b) if family_first_allowed(pair, second_has_particle)
    )
    scores = dict(zip(candidates, pair_scores(list(candidates)), strict=True))
    pairs = unit_pairs(count_a, count_b)
    if not any(value >= max(FLOOR, at_least) for value in scores.values()):
        return None
    rest = [pair for pair in pairs if pair not in scores]
    scores.update(zip(rest, pair_scores(rest), strict=True))
    score = scores.__getitem__
    best: Alignment | None = None
    for a, b in candidates:
        given = score((a, b))
        if given < max(FLOOR, at_least) or (best is not None and given <= best.score):
            continue
        found = complete(Pair(a, b, given), pairs, score, count_a, count_b)
        if found is None:
            continue
        # The family names must pair: the last part, or the first when written family first.
        family_a = 0 if a[0] == 1 else count_a - 1
        family_b = 0 if b[0] == 1 else count_b - 1
        if family_a in found.missing_a or family_b in found.missing_b:
            continue
        if (a[0], b[0]) != (0, 0) and (found.missing_a or found.missing_b):
            continue
        if best is None or found.score > best.score:
            best = found
    return best


def complete(
    given: Pair,
    pairs: tuple[tuple[Span, Span], ...],
    score: Callable[[tuple[Span, Span]], float],
    count_a: int,
    count_b: int,
) -> Alignment | None:
    """The alignment that follows from one given-name pair: the other parts paired greedily (best
    score first), then checked (no part unmatched on both sides, two parts matched a side) and
    scored; None when it fails those checks. The family-name checks are :func:`align`'s.

    Public because :func:`even.even_compare` runs :func:`align`'s loop with one completion per
    given-name pair (constant work): both must complete an alignment the same way, so there is
    one completion, here."""
    used_a = set(range(*given.a))
    used_b = set(range(*given.b))
    options = sorted(
        (
            (s, a, b)
            for a, b in pairs
            if not _overlaps(a, used_a) and not _overlaps(b, used_b) and (s := score((a, b))) >= FLOOR
        ),
        key=lambda option: (-option[0], option[1], option[2]),
    )
    others: list[Pair] = []
    for s, a, b in options:
        if _overlaps(a, used_a) or _overlaps(b, used_b):
            continue
        others.append(Pair(a, b, s))
        used_a.update(range(*a))
        used_b.update(range(*b))
    missing_a = tuple(i for i in range(count_a) if i not in used_a)
    missing_b = tuple(i for i in range(count_b) if i not in used_b)
    if missing_a and missing_b:
        return None  # a part on each side that matches nothing: the names differ there
    if len(used_a) < min(2, count_a) or len(used_b) < min(2, count_b):
        return None  # a bare first name against a full name
    rest = sum(p.score for p in others) / len(others) if others else given.score
    total = min(given.score, rest) - MISSING_PART * (len(missing_a) + len(missing_b))
    ordered = tuple(sorted(others, key=lambda p: p.a))
    return Alignment(max(total, 0.0), (given, *ordered), missing_a, missing_b)
