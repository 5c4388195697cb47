"""An index of stored names: keys computed once, one query scored against all of them at once.

Scores are those of :func:`heuristics.names.similarity.compare`; rapidfuzz's ``process.cdist``
computes a key family against every stored key in C, and only the few names over the cut-off are
compared again in Python to get their evidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from heuristics.names.normalise import NormalisedName, normalise
from heuristics.names.similarity import CROSS_CONSONANT_WEIGHT, NameSimilarity, compare


@dataclass(frozen=True, slots=True)
class NameMatch:
    """A stored name close to the query: its owner's key, the name as stored, and how close."""

    key: str
    name: str
    similarity: NameSimilarity


@dataclass(frozen=True, slots=True)
class _Rows:
    """The keys of every reading of the stored names of one script, column by column."""

    owners: np.ndarray  # row → entry number
    latin: list[str]
    latin_joined: list[str]
    consonants: list[str]
    consonants_joined: list[str]
    arabic: list[str]
    arabic_joined: list[str]


def _rows(entries: list[tuple[int, NormalisedName]]) -> _Rows:
    readings = [(number, keys) for number, form in entries for keys in form.readings]
    return _Rows(
        owners=np.array([number for number, _ in readings], dtype=np.int64),
        latin=[k.latin for _, k in readings],
        latin_joined=[k.latin_joined for _, k in readings],
        consonants=[k.consonants for _, k in readings],
        consonants_joined=[k.consonants_joined for _, k in readings],
        arabic=[k.arabic for _, k in readings],
        arabic_joined=[k.arabic_joined for _, k in readings],
    )


def _best_of(query: tuple[str, str], choices: tuple[list[str], list[str]], cutoff: float) -> np.ndarray:
    """Per row, the better of ``ratio`` on sorted tokens and on glued tokens (0–100); rows under
    ``cutoff`` read 0 (rapidfuzz skips most of their work)."""
    if not choices[0]:
        return np.zeros(0, dtype=np.float32)
    by_sorted = process.cdist([query[0]], choices[0], scorer=fuzz.ratio, score_cutoff=cutoff, workers=1)[0]
    by_joined = process.cdist([query[1]], choices[1], scorer=fuzz.ratio, score_cutoff=cutoff, workers=1)[0]
    return np.maximum(by_sorted, by_joined)


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
        self._latin = _rows([(n, f) for n, f in numbered if f.script == "latin"])
        self._arabic = _rows([(n, f) for n, f in numbered if f.script == "arabic"])

    def __len__(self) -> int:
        return len(self._entries)

    def _scores(self, query: NormalisedName, cutoff: float) -> tuple[np.ndarray, np.ndarray]:
        """(entry numbers, scores 0–100) of the stored readings scoring at least ``cutoff``."""
        same, other = (self._arabic, self._latin) if query.script == "arabic" else (self._latin, self._arabic)
        same_best = np.zeros(len(same.owners), dtype=np.float32)
        other_best = np.zeros(len(other.owners), dtype=np.float32)
        # Across scripts the score is w·consonants + (1−w)·latin with latin ≤ 100, so a row can only
        # reach the cut-off if its consonant score reaches this; the latin part is computed for those.
        consonant_cutoff = max(0.0, (cutoff - (1 - CROSS_CONSONANT_WEIGHT) * 100) / CROSS_CONSONANT_WEIGHT)
        for keys in query.readings:
            if not keys.latin:
                continue
            if query.script == "arabic":
                score = _best_of((keys.arabic, keys.arabic_joined), (same.arabic, same.arabic_joined), cutoff)
            else:
                score = _best_of((keys.latin, keys.latin_joined), (same.latin, same.latin_joined), cutoff)
            same_best = np.maximum(same_best, score)
            consonants = _best_of(
                (keys.consonants, keys.consonants_joined), (other.consonants, other.consonants_joined), consonant_cutoff
            )
            for row in np.nonzero(consonants)[0]:
                latin = max(
                    fuzz.ratio(keys.latin, other.latin[row]), fuzz.ratio(keys.latin_joined, other.latin_joined[row])
                )
                cross = CROSS_CONSONANT_WEIGHT * consonants[row] + (1 - CROSS_CONSONANT_WEIGHT) * latin
                other_best[row] = max(other_best[row], cross)
        return np.concatenate([same.owners, other.owners]), np.concatenate([same_best, other_best])

    def search(self, name: str, min_similarity: float, limit: int = 5) -> list[NameMatch]:
        """Stored names at least ``min_similarity`` (0–1) alike to ``name``, best first, at most one
        per key."""
        query = normalise(name)
        if query.is_empty or not self._entries:
            return []
        # A hair below the cut-off: float32 sums may differ from compare()'s doubles in the last bit.
        cutoff = max(min_similarity * 100 - 1e-3, 0.0)
        owners, scores = self._scores(query, cutoff)
        hits = np.nonzero((scores > 0) & (scores >= cutoff))[0]
        best: dict[str, NameMatch] = {}
        for row in hits[np.argsort(-scores[hits], kind="stable")]:
            key, stored, form = self._entries[int(owners[row])]
            if key in best:
                continue
            found = compare(query, form)
            if found.score >= min_similarity:
                best[key] = NameMatch(key, stored, found)
            if len(best) >= limit:
                break
        return sorted(best.values(), key=lambda m: -m.similarity.score)
