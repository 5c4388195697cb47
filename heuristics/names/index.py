"""An index of stored names: keys computed once, one query scored against all of them at once.

Scores are those of :func:`heuristics.names.similarity.compare`. Each key family is a column of
strings sorted by length: ``ratio`` (2·matches / total length) cannot reach a cut-off ``c`` when
the lengths differ by more than a factor ``(2 − c) / c``, so only a slice of each column is handed
to rapidfuzz's ``process.cdist``, which scores it in C. The few names over the cut-off are compared
again with ``compare`` to get their evidence.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from heuristics.names.normalise import NameKeys, NormalisedName, normalise
from heuristics.names.similarity import CROSS_CONSONANT_WEIGHT, NameSimilarity, compare


@dataclass(frozen=True, slots=True)
class NameMatch:
    """A stored name close to the query: its owner's key, the name as stored, and how close."""

    key: str
    name: str
    similarity: NameSimilarity


class _Column:
    """One key family of many rows, sorted by length so a length window is one slice."""

    def __init__(self, keys: list[str]) -> None:
        self.order = np.argsort(np.array([len(k) for k in keys], dtype=np.int64), kind="stable")
        self.keys = [keys[i] for i in self.order]
        self.lengths = np.array([len(k) for k in self.keys], dtype=np.int64)

    def hits(self, query: str, cutoff: float) -> dict[int, float]:
        """Rows whose ``ratio`` with ``query`` reaches ``cutoff`` (0–100), with their scores."""
        if not self.keys or not query:
            return {}
        share = min(max(cutoff, 1e-6), 100.0) / 100
        shortest = math.ceil(len(query) * share / (2 - share) - 1e-9)
        longest = math.floor(len(query) * (2 - share) / share + 1e-9)
        start, stop = np.searchsorted(self.lengths, [shortest, longest + 1])
        if start >= stop:
            return {}
        found = process.cdist([query], self.keys[start:stop], scorer=fuzz.ratio, score_cutoff=cutoff, workers=1)[0]
        positions = np.flatnonzero(found)
        return dict(zip(self.order[positions + start].tolist(), found[positions].tolist(), strict=True))


def _merge(into: dict[int, float], other: dict[int, float]) -> dict[int, float]:
    for row, score in other.items():
        if score > into.get(row, 0.0):
            into[row] = score
    return into


class _Rows:
    """The keys of every reading of the stored names of one script."""

    def __init__(self, entries: list[tuple[int, NormalisedName]]) -> None:
        readings = [(number, keys) for number, form in entries for keys in form.readings]
        self.owners = [number for number, _ in readings]
        self.keys: list[NameKeys] = [keys for _, keys in readings]
        self.columns = {
            family: _Column([getattr(keys, family) for keys in self.keys])
            for family in ("latin", "latin_joined", "consonants", "consonants_joined", "arabic", "arabic_joined")
        }

    def best(self, family: str, query: NameKeys, cutoff: float) -> dict[int, float]:
        """Rows reaching ``cutoff`` on the better of the sorted-token and glued-token keys."""
        by_sorted = self.columns[family].hits(getattr(query, family), cutoff)
        by_joined = self.columns[family + "_joined"].hits(getattr(query, family + "_joined"), cutoff)
        return _merge(by_sorted, by_joined)


class NameIndex:
    """Immutable index of ``(key, name)`` entries; one key (a person, a contact) may own several
    names. Build it once per version of the stored names and share it between requests."""

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        self._entries: list[tuple[str, str, NormalisedName]] = []
        for key, name in entries:
            form = normalise(name)
            if not form.is_empty:
                self._entries.append((key, name, form))
        numbered = list(enumerate(form for _, _, form in self._entries))
        self._latin = _Rows([(n, f) for n, f in numbered if f.script == "latin"])
        self._arabic = _Rows([(n, f) for n, f in numbered if f.script == "arabic"])

    def __len__(self) -> int:
        return len(self._entries)

    def _scores(self, query: NormalisedName, cutoff: float) -> dict[int, float]:
        """Entry number → score (0–100) of the stored names that reach ``cutoff``."""
        same, other = (self._arabic, self._latin) if query.script == "arabic" else (self._latin, self._arabic)
        same_family = "arabic" if query.script == "arabic" else "latin"
        # Across scripts the score is w·consonants + (1−w)·latin with latin ≤ 100, so a row can only
        # reach the cut-off if its consonant score reaches this; the latin part is computed for those.
        weight = CROSS_CONSONANT_WEIGHT
        consonant_cutoff = max(0.0, (cutoff - (1 - weight) * 100) / weight)
        scores: dict[int, float] = {}
        for keys in query.readings:
            if not keys.latin:
                continue
            for row, score in same.best(same_family, keys, cutoff).items():
                _merge(scores, {same.owners[row]: score})
            for row, consonants in other.best("consonants", keys, consonant_cutoff).items():
                stored = other.keys[row]
                latin = max(fuzz.ratio(keys.latin, stored.latin), fuzz.ratio(keys.latin_joined, stored.latin_joined))
                _merge(scores, {other.owners[row]: weight * consonants + (1 - weight) * latin})
        return scores

    def search(self, name: str, min_similarity: float, limit: int = 5) -> list[NameMatch]:
        """Stored names at least ``min_similarity`` (0–1) alike to ``name``, best first, at most one
        per key."""
        query = normalise(name)
        if query.is_empty or not self._entries:
            return []
        # A hair below the cut-off: float32 sums may differ from compare()'s doubles in the last bit.
        cutoff = max(min_similarity * 100 - 1e-3, 0.0)
        candidates = sorted(
            ((score, entry) for entry, score in self._scores(query, cutoff).items() if score >= cutoff), reverse=True
        )
        best: dict[str, NameMatch] = {}
        for _, entry in candidates:
            key, stored, form = self._entries[entry]
            if key in best:
                continue
            found = compare(query, form)
            if found.score >= min_similarity:
                best[key] = NameMatch(key, stored, found)
            if len(best) >= limit:
                break
        return sorted(best.values(), key=lambda m: -m.similarity.score)
