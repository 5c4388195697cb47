"""``handle.*``: handles that look generated — long digit runs, many digits, or random letter strings."""

from __future__ import annotations

import re
from itertools import pairwise

from pydantic import Field

from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.profile import Profile
from heuristics.signals.base import Signal, SignalParams

_DIGIT_RUN = re.compile(r"\d+")
# A birth or graduation year is the most ordinary number in a handle (hala1990): not a pattern.
_YEAR = re.compile(r"(?<!\d)(?:19[4-9]\d|20[0-3]\d)(?!\d)")
_LETTERS = re.compile(r"[a-z]+")
_VOWELS = frozenset("aeiouy")


class HandleDigitsParams(SignalParams):
    min_run: int = Field(4, ge=1, le=100)
    min_share: float = Field(0.3, gt=0, le=1)


class HandleDigits(Signal[HandleDigitsParams]):
    code = "handle.digits"
    description = (
        "Handle with a long run of digits or a large share of digits (name + 8 digits); a year alone does not count."
    )
    Params = HandleDigitsParams

    def detect(self, profile: Profile, context: CheckContext, params: HandleDigitsParams) -> Detection | None:
        handle = _YEAR.sub("", (profile.handle or "").lstrip("@"))
        if not handle:
            return None
        digits = sum(ch.isdigit() for ch in handle)
        longest = max((len(run) for run in _DIGIT_RUN.findall(handle)), default=0)
        share = digits / len(handle)
        if longest < params.min_run and share < params.min_share:
            return None
        strength = min(1.0, max(longest / (2 * params.min_run), share / (2 * params.min_share)) + 0.25)
        return Detection({"digits": digits, "longest_run": longest, "digit_share": round(share, 2)}, strength)


class HandleRandomParams(SignalParams):
    min_transitions: int = Field(4, ge=1, le=100)
    min_vowelless_letters: int = Field(12, ge=1, le=100)
    max_vowel_share: float = Field(0.1, ge=0, le=1)


class HandleRandom(Signal[HandleRandomParams]):
    code = "handle.random"
    description = (
        "Handle that reads like a generated string: letters and digits interleaved (a8x3k9q2), "
        "or a long string with almost no vowels. Deliberately strict: vowel-less transliterations "
        "of Arabic names (mhmd, abdlrhmn) are ordinary and must not fire."
    )
    Params = HandleRandomParams

    def detect(self, profile: Profile, context: CheckContext, params: HandleRandomParams) -> Detection | None:
        handle = (profile.handle or "").lower().lstrip("@")
        if not handle.isascii():
            return None
        kinds = ["d" if ch.isdigit() else "l" for ch in handle if ch.isalnum()]
        transitions = sum(a != b for a, b in pairwise(kinds))
        letters = "".join(_LETTERS.findall(handle))
        vowel_share = sum(ch in _VOWELS for ch in letters) / len(letters) if letters else 1.0
        vowelless = len(letters) >= params.min_vowelless_letters and vowel_share <= params.max_vowel_share
        if transitions < params.min_transitions and not vowelless:
            return None
        return Detection({"transitions": transitions, "vowel_share": round(vowel_share, 2)})
