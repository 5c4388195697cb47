"""``name.handle_mismatch``: the display name shares nothing with the handle.

Genuine accounts usually echo the owner's name in the handle; throwaway accounts often pair a
borrowed name with an unrelated or generated handle. Names in other scripts are transliterated
first, so محمد صالح vs mohamed.saleh is not a mismatch.
"""

from __future__ import annotations

import re

from anyascii import anyascii
from pydantic import Field
from rapidfuzz import fuzz

from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.profile import Profile
from heuristics.signals.base import Signal, SignalParams

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_VOWELS = re.compile(r"[aeiouy]")


class NameHandleParams(SignalParams):
    min_token_length: int = Field(3, ge=1, le=100)
    min_similarity: float = Field(75.0, ge=0, le=100)


def _consonants(text: str) -> str:
    return _VOWELS.sub("", text)


class NameHandleMismatch(Signal):
    code = "name.handle_mismatch"
    description = "No word of the display name (transliterated) appears, even loosely, in the handle."
    Params = NameHandleParams

    def detect(self, profile: Profile, context: CheckContext, params: NameHandleParams) -> Detection | None:  # type: ignore[override]
        if not profile.display_name or not profile.handle:
            return None
        handle = _NON_ALNUM.sub("", anyascii(profile.handle).lower())
        handle_letters = re.sub(r"\d+", "", handle)
        tokens = [
            t for t in _NON_ALNUM.split(anyascii(profile.display_name).lower()) if len(t) >= params.min_token_length
        ]
        if len(handle_letters) < params.min_token_length or not tokens:
            return None
        # Arabic script carries no short vowels, so compare consonant skeletons too.
        best = max(
            max(
                fuzz.partial_ratio(token, handle_letters),
                fuzz.partial_ratio(_consonants(token), _consonants(handle_letters)),
            )
            for token in tokens
        )
        if best >= params.min_similarity:
            return None
        return Detection({"similarity": round(best / 100, 2)})
