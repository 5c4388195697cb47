"""``name.lookalike_characters``: a Latin word written partly with letters of another alphabet that
look the same (Cyrillic о, Greek Μ): the shape of a homoglyph attack on a name.

These words are reported here and not as ``mixed_script`` by ``name.deceptive_characters``, so one
trick is counted once; invisible and decorative characters stay with that signal.
"""

from __future__ import annotations

from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.names.normalise import unmask_words
from heuristics.profile import Profile
from heuristics.signals.base import Signal, SignalParams


class LookalikeCharacters(Signal):
    code = "name.lookalike_characters"
    description = "Display name or handle mixes Latin letters with look-alike letters of another alphabet."
    Params = SignalParams

    def detect(self, profile: Profile, context: CheckContext, params: SignalParams) -> Detection | None:
        words: list[str] = []
        reads_as: list[str] = []
        for text in (profile.display_name, profile.handle):
            if not text or text.isascii():  # look-alikes are letters of another alphabet
                continue
            # Only the unmasking step of normalise(): the folded keys are not needed here.
            cleaned, lookalikes = unmask_words(text)
            if lookalikes:
                words.extend(lookalikes)
                reads_as.append(cleaned)
        if not words:
            return None
        return Detection({"words": len(words), "reads_as": reads_as[0]})
