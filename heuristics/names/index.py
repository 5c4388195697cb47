"""An index of stored names: keys computed once, one query scored against all of them at once.

Scores are those of :func:`heuristics.names.similarity.compare`. ``ratio`` is 2·(longest common
subsequence) / (total length), and a common subsequence cannot be longer than the letters two keys
share counted with multiplicity. Each key family therefore keeps a matrix of letter counts (one row
per stored reading); one numpy pass bounds every row's best possible score, and only the rows whose
bound reaches the cut-off (few, at the cut-offs used) are scored exactly with rapidfuzz. The bound
never drops a row that could match, so results equal comparing one by one (a test checks this).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from heuristics.names.normalise import NameKeys, NormalisedName, normalise
from heuristics.names.similarity import CROSS_CONSONANT_WEIGHT, NameSimilarity, compare


@dataclass(frozen=True, slots=True)
class NameMatch:
    """A stored name close to the query: its owner's key, the name as stored, and how close."""

    key: str
    name: str
    similarity: NameSimilarity


class _Family:
    """One key family (latin, consonants or arabic) of many rows: the sorted-token keys, the glued
    keys, and their letter counts (spaces apart, since only the sorted keys have them)."""

    def __init__(self, sorted_keys: list[str], joined_keys: list[str]) -> None:
        self.sorted_keys = sorted_keys
        self.joined_keys = joined_keys
        alphabet = sorted({ch for key in joined_keys for ch in key} - {" "})
        self.column = {ch: number for number, ch in enumerate(alphabet)}
        rows = [row for row, key in enumerate(joined_keys) for _ in key]
        columns = [self.column[ch] for key in joined_keys for ch in key]
        counts = np.zeros((len(joined_keys), max(len(alphabet), 1)), dtype=np.int32)
        np.add.at(counts, (np.array(rows, dtype=np.int64), np.array(columns, dtype=np.int64)), 1)
        self.counts = np.minimum(counts, 255).astype(np.uint8)  # small rows scan faster
        self.spaces = np.array([key.count(" ") for key in sorted_keys], dtype=np.int32)
        self.sorted_lengths = np.array([len(key) for key in sorted_keys], dtype=np.int32)
        self.joined_lengths = np.array([len(key) for key in joined_keys], dtype=np.int32)

    def candidates(self, sorted_query: str, joined_query: str, cutoff: float) -> np.ndarray:
        """Rows whose ratio on sorted or on glued keys may reach ``cutoff`` (0–100)."""
        if not self.sorted_keys or not joined_query:
            return np.zeros(0, dtype=np.int64)
        query = np.zeros(self.counts.shape[1], dtype=np.int32)
        for ch in joined_query:
            if ch in self.column:
                query[self.column[ch]] += 1
        shared = np.minimum(self.counts, np.minimum(query, 255).astype(np.uint8)).sum(axis=1, dtype=np.int32)
        shared_sorted = shared + np.minimum(self.spaces, sorted_query.count(" "))
        # Compare 2·shared·100 ≥ cutoff·total in integers-and-floats without dividing.
        by_sorted = 200 * shared_sorted >= cutoff * (self.sorted_lengths + len(sorted_query))
        by_joined = 200 * shared >= cutoff * (self.joined_lengths + len(joined_query))
        return np.flatnonzero(by_sorted | by_joined)

    def score(self, row: int, sorted_query: str, joined_query: str) -> float:
        return max(fuzz.ratio(sorted_query, self.sorted_keys[row]), fuzz.ratio(joined_query, self.joined_keys[row]))


class _Rows:
    """The keys of every reading of the stored names of one script."""

    def __init__(self, entries: list[tuple[int, NormalisedName]]) -> None:
        readings = [(number, keys) for number, form in entries for keys in form.readings]
        self.owners = [number for number, _ in readings]
        self.keys: list[NameKeys] = [keys for _, keys in readings]
        self.families = {
            family: _Family(
                [getattr(k, family) for k in self.keys], [getattr(k, family + "_joined") for k in self.keys]
            )
            for family in ("latin", "consonants", "arabic")
        }

    def best(self, family: str, query: NameKeys, cutoff: float) -> dict[int, float]:
        """Rows reaching ``cutoff`` on the better of the sorted-token and glued-token keys."""
        keys = self.families[family]
        sorted_query, joined_query = getattr(query, family), getattr(query, family + "_joined")
        found: dict[int, float] = {}
        for row in keys.candidates(sorted_query, joined_query, cutoff).tolist():
            score = keys.score(row, sorted_query, joined_query)
            if score >= cutoff:
                found[row] = score
        return found


def _merge(into: dict[int, float], row: int, score: float) -> None:
    if score > into.get(row, -1.0):
        into[row] = score


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
                _merge(scores, same.owners[row], score)
            for row, consonants in other.best("consonants", keys, consonant_cutoff).items():
                latin = other.families["latin"].score(row, keys.latin, keys.latin_joined)
                _merge(scores, other.owners[row], weight * consonants + (1 - weight) * latin)
        return scores

    def search(self, name: str, min_similarity: float, limit: int = 5) -> list[NameMatch]:
        """Stored names at least ``min_similarity`` (0–1) alike to ``name``, best first, at most one
        per key."""
        if not self._entries:
            return []  # nothing registered: skip normalising the query (every check pays it)
        query = normalise(name)
        if query.is_empty:
            return []
        # A hair below the cut-off: these scores and compare()'s are the same doubles reached by
        # different operations, which may differ in the last bit.
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
