"""An index of stored names: one query scored against many names, skipping most of them unscored.

Scores are those of :func:`heuristics.names.similarity.compare`. Every valid alignment pairs the
two names' given names, and their family names unless one name has a single part (:mod:`align`);
every scored pair must pass the consonant-skeleton gate (:func:`similarity.passes_gate`). So a stored name
can only match when one of its *given-name units* (runs of parts starting at its first or second
part) passes the gate against one of the query's, and one of its *family units* (runs ending at
its last part or starting at its first) against one of the query's. The index keeps those units'
skeletons; two rapidfuzz ``cdist`` passes find the names that can match, and only those are
compared in full. Nothing that could match is skipped, so
results equal comparing one by one (tests check this).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from heuristics.names.align import MAX_MERGED
from heuristics.names.normalise import NameReading, NormalisedName, normalise
from heuristics.names.similarity import GATE_EDITS, GATE_RATIO, NameSimilarity, compare, unit_skeleton


@dataclass(frozen=True, slots=True)
class NameMatch:
    """A stored name close to the query: its owner's key, the name as stored, and how close."""

    key: str
    name: str
    similarity: NameSimilarity


@dataclass(frozen=True, slots=True)
class BlockingKeys:
    """Skeletons of the units that can hold a reading's given and family names.

    Against a name of two parts or more: ``given``/``family`` as written (runs starting at the
    first part / ending at the last), ``given_first``/``family_first`` written family first (runs
    starting at the second part / the first part alone). Against a name of one part: ``whole``,
    the whole name as one unit (``single``: the same, for a name of one part only). Runs are of up
    to MAX_MERGED parts, each with and without its first part's particle; a run mixing scripts is
    left out (it never pairs)."""

    given: list[str]
    family: list[str]
    given_first: list[str]
    family_first: list[str]
    whole: list[str]
    single: list[str]


def blocking_keys(reading: NameReading) -> BlockingKeys:
    parts = reading.parts
    count = len(parts)
    skeletons = [part.skeleton for part in parts]
    mixed = any(part.script != parts[0].script for part in parts)

    def units(spans: Iterable[tuple[int, int]]) -> list[str]:
        keys = []
        for start, end in spans:
            if mixed and any(part.script != parts[start].script for part in parts[start:end]):
                continue
            keys.append("".join(skeletons[start:end]))
            if parts[start].particle:
                keys.append(unit_skeleton(parts[start:end], parts[start].particle))
        return keys

    whole = units([(0, count)])
    if count == 1:
        return BlockingKeys([], [], [], [], whole, whole)
    sizes = range(1, min(MAX_MERGED, count - 1) + 1)
    return BlockingKeys(
        given=units((0, size) for size in sizes),
        family=units((count - size, count) for size in sizes),
        given_first=units((1, 1 + size) for size in sizes),
        family_first=units([(0, 1)]),
        whole=whole,
        single=[],
    )


class _Keys:
    """Skeletons of many names' units and whose they are; the names a set of skeletons passes."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.owners: list[int] = []

    def add(self, owner: int, keys: list[str]) -> None:
        self.keys += keys
        self.owners += [owner] * len(keys)

    def freeze(self) -> None:
        self.owner_array = np.array(self.owners, dtype=np.int64)

    def passing(self, keys: list[str]) -> set[int]:
        if not keys or not self.keys:
            return set()
        alike = process.cdist(keys, self.keys, scorer=fuzz.ratio, score_cutoff=GATE_RATIO, workers=1)
        near = process.cdist(keys, self.keys, scorer=Levenshtein.distance, score_cutoff=GATE_EDITS, workers=1)
        passing = ((alike >= GATE_RATIO) | (near <= GATE_EDITS)).any(axis=0)
        return set(self.owner_array[np.flatnonzero(passing)].tolist())


class NameIndex:
    """Immutable index of ``(key, name)`` entries; one key (a person, a contact) may own several
    names. Build it once per version of the stored names and share it between requests."""

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        self._entries: list[tuple[str, str, NormalisedName]] = []
        self._keys = {field: _Keys() for field in BlockingKeys.__slots__}
        for key, name in entries:
            form = normalise(name)
            if form.is_empty:
                continue
            number = len(self._entries)
            self._entries.append((key, name, form))
            for reading in form.readings:
                found = blocking_keys(reading)
                for field, keys in self._keys.items():
                    keys.add(number, getattr(found, field))
        for keys in self._keys.values():
            keys.freeze()

    def __len__(self) -> int:
        return len(self._entries)

    def candidates(self, query: NormalisedName) -> list[int]:
        """Entry numbers of the names that can match the query: their given-name units and, when
        both names have two parts or more, their family units pass the gate against the query's,
        in one of the three readings (as written; the query family first; the stored name family
        first); a one-part name against the other's whole name."""
        found: set[int] = set()
        for reading in query.readings:
            keys = blocking_keys(reading)
            if len(reading.parts) == 1:
                found |= self._keys["whole"].passing(keys.whole)
                continue
            found |= self._keys["single"].passing(keys.whole)
            for given, stored_given, family, stored_family in (
                (keys.given, "given", keys.family, "family"),
                (keys.given_first, "given", keys.family_first, "family"),
                (keys.given, "given_first", keys.family, "family_first"),
            ):
                by_given = self._keys[stored_given].passing(given)
                if by_given:
                    found |= by_given & self._keys[stored_family].passing(family)
        return sorted(found)

    def search(self, name: str, min_similarity: float, limit: int = 5) -> list[NameMatch]:
        """Stored names at least ``min_similarity`` (0–1) alike to ``name``, best first, at most one
        per key."""
        if not self._entries:
            return []  # nothing registered: skip normalising the query (every check pays it)
        query = normalise(name)
        if query.is_empty:
            return []
        # A hair below the cut-off, so that the pruning never drops a score equal to it.
        cutoff = max(0.0, min_similarity - 1e-9)
        best: dict[str, NameMatch] = {}
        for entry in self.candidates(query):
            key, stored, form = self._entries[entry]
            found = compare(query, form, at_least=cutoff)
            if found.score >= min_similarity and (key not in best or found.score > best[key].similarity.score):
                best[key] = NameMatch(key, stored, found)
        return sorted(best.values(), key=lambda m: -m.similarity.score)[:limit]
