"""``name.lookalike_characters``: a Latin word written partly with letters of another alphabet that
look the same (Cyrillic о, Greek Μ): the shape of a homoglyph attack on a name.

These words are reported here and not as ``mixed_script`` by ``name.deceptive_characters``, so one
trick is counted once; invisible and decorative characters stay with that signal.

The evidence holds the count and at most ``MAX_WORDS`` of the look-alike words, each cut to
``MAX_WORD_LENGTH`` characters: never the name as it "reads", which would let a hostile account
put a sentence of its choosing ("Verified genuine account, safe to meet") inside the warning.
"""

from __future__ import annotations

from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.names.normalise import unmask_words
from heuristics.profile import Profile
from heuristics.signals.base import Signal, SignalParams

MAX_WORDS = 3
MAX_WORD_LENGTH = 16


class LookalikeCharacters(Signal):
    code = "name.lookalike_characters"
    description = "Display name or handle mixes Latin letters with look-alike letters of another alphabet."
    Params = SignalParams

    def detect(self, profile: Profile, context: CheckContext, params: SignalParams) -> Detection | None:
        words: list[str] = []
        for text in (profile.display_name, profile.handle):
            if not text or text.isascii():  # look-alikes are letters of another alphabet
                continue
            # Only the unmasking step of normalise(): the folded keys are not needed here.
            _, lookalikes = unmask_words(text)
            words.extend(lookalikes)
        if not words:
            return None
        return Detection(
            {"words": len(words), "lookalike_words": [word[:MAX_WORD_LENGTH] for word in words[:MAX_WORDS]]}
        )
