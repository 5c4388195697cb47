"""``name.*``: what the display name and the handle give away.

- ``name.deceptive_characters``: invisible or bidi controls, letters of several scripts inside
  one word, or decorative letters — tricks that make a name look like another or evade matching.
  Invisible means any character drawn as nothing (:func:`heuristics.text.hidden_characters`:
  format controls, blank-looking letters, and the default-ignorable marks such as the combining
  grapheme joiner and variation selectors), except where it does a visible job: an emoji's
  presentation selector (❤️), a keycap, an emoji ZWJ sequence, a subdivision flag's tags, an
  ideograph's variation selector, ZWNJ/ZWJ inside Arabic-script spelling.
- ``name.lookalike_characters``: a Latin word written partly with letters of another alphabet
  that look the same (Cyrillic о, Greek Μ): the shape of a homoglyph attack on a name. These
  words are reported here and not as ``mixed_script`` by ``name.deceptive_characters``, so one
  trick is counted once; invisible and decorative characters stay with that signal. The evidence
  holds the count and at most ``MAX_WORDS`` of the look-alike words, each cut to
  ``MAX_WORD_LENGTH`` characters: never the name as it "reads", which would let a hostile account
  put a sentence of its choosing ("Verified genuine account, safe to meet") inside the warning.
- ``name.recently_changed``: the account changed its name (a clone renames itself to its target).
- ``name.handle_mismatch``: the display name shares nothing with the handle. Genuine accounts
  usually echo the owner's name in the handle; throwaway accounts often pair a borrowed name
  with an unrelated or generated handle. Names in other scripts are transliterated first, so
  محمد صالح vs mohamed.saleh is not a mismatch.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii
from pydantic import Field
from rapidfuzz import fuzz

from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.names.confusables import is_lookalike_token
from heuristics.names.normalise import unmask_words
from heuristics.profile import Profile
from heuristics.signals.base import Signal, SignalParams
from heuristics.text import hidden_characters, is_decorative, script_of

MAX_WORDS = 3
MAX_WORD_LENGTH = 16
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_VOWELS = re.compile(r"[aeiouy]")


def deceptive_kinds(text: str) -> dict[str, int]:
    """Count each kind of deceptive character in ``text`` (only kinds that occur)."""
    kinds: dict[str, int] = {}
    if text.isascii():  # no ASCII character is invisible, decorative or of a second script
        return kinds
    hidden = hidden_characters(text)
    if hidden:
        kinds["invisible"] = len(hidden)
    # Counted apart: no hidden character is decorative (a unit test checks every code point).
    decorative = sum(map(is_decorative, text))
    if decorative:
        kinds["decorative"] = decorative
    for word in unicodedata.normalize("NFC", text).split():
        scripts = {s for s in map(script_of, word) if s is not None}
        # Latin words with look-alike foreign letters are name.lookalike_characters' evidence.
        if len(scripts) > 1 and not is_lookalike_token(word):
            kinds["mixed_script"] = kinds.get("mixed_script", 0) + 1
    return kinds


class NameDeceptiveCharacters(Signal[SignalParams]):
    code = "name.deceptive_characters"
    description = "Display name or handle uses invisible/bidi characters, mixed scripts in a word, or styled letters."
    Params = SignalParams

    def detect(self, profile: Profile, context: CheckContext, params: SignalParams) -> Detection | None:
        found: dict[str, int] = {}
        for text in (profile.display_name, profile.handle):
            for kind, count in deceptive_kinds(text or "").items():
                found[kind] = found.get(kind, 0) + count
        if not found:
            return None
        return Detection({"kinds": sorted(found), "count": sum(found.values())})


class NameLookalikeCharacters(Signal[SignalParams]):
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


class NameRecentlyChangedParams(SignalParams):
    full_changes: int = Field(3, ge=1, le=10_000)


class NameRecentlyChanged(Signal[NameRecentlyChangedParams]):
    code = "name.recently_changed"
    description = "The platform shows recent name changes; full points at full_changes or more."
    Params = NameRecentlyChangedParams

    def detect(self, profile: Profile, context: CheckContext, params: NameRecentlyChangedParams) -> Detection | None:
        if not profile.name_changes:
            return None
        return Detection({"name_changes": profile.name_changes}, min(1.0, profile.name_changes / params.full_changes))


class NameHandleMismatchParams(SignalParams):
    min_token_length: int = Field(3, ge=1, le=100)
    min_similarity: float = Field(75.0, ge=0, le=100)


def _consonants(text: str) -> str:
    return _VOWELS.sub("", text)


class NameHandleMismatch(Signal[NameHandleMismatchParams]):
    code = "name.handle_mismatch"
    description = "No word of the display name (transliterated) appears, even loosely, in the handle."
    Params = NameHandleMismatchParams

    def detect(self, profile: Profile, context: CheckContext, params: NameHandleMismatchParams) -> Detection | None:
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
