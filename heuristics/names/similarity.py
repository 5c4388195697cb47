"""How alike two names are, on keys chosen by the two names' scripts.

- Latin ↔ Latin compares folded spellings *with* vowels, so Salih ≠ Salah and Samir ≠ Samira.
- Arabic ↔ Arabic compares the folded Arabic letters, so حسن ≠ حسين and محمد ≠ محمود.
- Across scripts Arabic writes no short vowels, so consonant skeletons carry the decision; the
  vowel-keeping keys (where Arabic long vowels ا و ي still show) break ties between names whose
  consonants agree (حسين is closer to Hussein than to Hassan).

Each key is compared twice with :func:`rapidfuzz.fuzz.ratio`: on its tokens sorted (order does not
matter: "Omar Khaled" = "Khaled Omar") and on its tokens glued (a handle ``mohamedsaleh`` against
"Mohamed Saleh"); the better of the two counts. Sorting is done once, when keys are made, so
``ratio`` on sorted keys is rapidfuzz's ``token_sort_ratio`` without re-sorting per comparison.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz

from heuristics.names.latin import readable
from heuristics.names.normalise import NameKeys, NormalisedName, normalise

Mode = Literal["latin", "arabic", "cross"]
# Weight of the consonant skeleton across scripts; the rest goes to the vowel-keeping key.
CROSS_CONSONANT_WEIGHT = 0.8


@dataclass(frozen=True, slots=True)
class NameSimilarity:
    """A score in [0, 1] and the forms it was computed on (for evidence)."""

    score: float
    mode: Mode
    query: NormalisedName
    candidate: NormalisedName
    query_key: str
    candidate_key: str

    def evidence(self) -> dict[str, object]:
        """JSON evidence: the similarity and the normalised forms that produced it."""
        return {
            "name_similarity": round(self.score, 3),
            "compared_as": self.mode,
            "normalised_name": readable(self.query_key),
            "normalised_match": readable(self.candidate_key),
        }


def mode_for(a: NormalisedName, b: NormalisedName) -> Mode:
    if a.script == b.script:
        return "arabic" if a.script == "arabic" else "latin"
    return "cross"


def _best(sorted_a: str, sorted_b: str, joined_a: str, joined_b: str) -> float:
    return max(fuzz.ratio(sorted_a, sorted_b), fuzz.ratio(joined_a, joined_b))


def key_score(a: NameKeys, b: NameKeys, mode: Mode) -> float:
    """0–100 for one reading of each name."""
    if mode == "arabic" and a.arabic and b.arabic:
        return _best(a.arabic, b.arabic, a.arabic_joined, b.arabic_joined)
    latin = _best(a.latin, b.latin, a.latin_joined, b.latin_joined)
    if mode != "cross":
        return latin
    consonants = _best(a.consonants, b.consonants, a.consonants_joined, b.consonants_joined)
    return CROSS_CONSONANT_WEIGHT * consonants + (1 - CROSS_CONSONANT_WEIGHT) * latin


def key_for(keys: NameKeys, mode: Mode) -> str:
    """The key shown in evidence for a comparison mode."""
    if mode == "arabic" and keys.arabic:
        return keys.arabic
    return keys.consonants if mode == "cross" else keys.latin


def compare(a: NormalisedName, b: NormalisedName) -> NameSimilarity:
    """Similarity of two normalised names: the best pair of their readings."""
    mode = mode_for(a, b)
    best = (-1.0, a.primary, b.primary)
    for keys_a in a.readings:
        for keys_b in b.readings:
            score = key_score(keys_a, keys_b, mode) if keys_a.latin and keys_b.latin else 0.0
            if score > best[0]:
                best = (score, keys_a, keys_b)
    score, keys_a, keys_b = best
    return NameSimilarity(max(score, 0.0) / 100, mode, a, b, key_for(keys_a, mode), key_for(keys_b, mode))


def similarity(a: str, b: str) -> NameSimilarity:
    """Similarity of two names as written, in [0, 1], with the normalised forms."""
    return compare(normalise(a), normalise(b))
