"""Small Unicode facts shared by signals and name normalisation."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Characters that render as nothing or as a blank but are not spaces. Category Cf covers the
# zero-width and bidi controls; these are letters (Lo) or symbols that merely look empty.
BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5\u180e")
# Joiners that are legitimate inside Arabic-script words (Persian, Urdu spelling).
_JOINERS = frozenset("\u200c\u200d")


def is_invisible(ch: str) -> bool:
    """True for format/bidi controls and blank-looking letters (not ordinary spaces)."""
    return ch in BLANK_LOOKING or unicodedata.category(ch) == "Cf"


@lru_cache(maxsize=4096)
def script_of(ch: str) -> str | None:
    """The script of a letter, from its Unicode name (LATIN, ARABIC, CYRILLIC, …); None otherwise.

    Decorative forms report the script they decompose to: 𝐌 (MATHEMATICAL BOLD CAPITAL M) is LATIN.
    """
    if not ch.isalpha():
        return None
    base = unicodedata.normalize("NFKC", ch)
    probe = base[0] if base else ch
    name = unicodedata.name(probe, "")
    if not name:
        return None
    word = name.split(" ", 1)[0]
    if word in {"MATHEMATICAL", "FULLWIDTH", "HALFWIDTH", "CIRCLED", "PARENTHESIZED", "SQUARED"}:
        return "LATIN" if probe.isascii() else None
    if word == "MODIFIER":
        return "LATIN"
    return word


@lru_cache(maxsize=4096)
def is_decorative(ch: str) -> bool:
    """Styled letters used to dress up a name: mathematical alphanumerics, fullwidth, enclosed,
    small capitals and superscripts — anything NFKC folds to a different letter, or a small cap."""
    if not ch.isalnum() or ch.isascii():
        return False
    if "SMALL CAPITAL" in unicodedata.name(ch, ""):
        return True
    folded = unicodedata.normalize("NFKC", ch)
    return folded != ch and folded.isascii() and folded.isalnum()


def joiner_is_legitimate(text: str, index: int) -> bool:
    """ZWNJ/ZWJ between two Arabic-script letters is ordinary spelling, not a trick."""
    if text[index] not in _JOINERS or index == 0 or index == len(text) - 1:
        return False
    return script_of(text[index - 1]) == "ARABIC" and script_of(text[index + 1]) == "ARABIC"


# A bidi override (LRO U+202D, RLO U+202E) up to the next bidi control. Embeddings, isolates and
# marks never reorder the letters of one script; overrides do: "\u202edehA alaH" shows "Hala Ahed".
_OVERRIDDEN = re.compile("([\u202d\u202e])([^\u202a-\u202e\u2066-\u2069]*)")
_WORD = re.compile(r"\w+")


def as_displayed(text: str) -> str:
    """``text`` with the words under a bidi override in the order a reader meets their letters:
    under RLO a left-to-right (Latin) word shows reversed, under LRO a right-to-left (Arabic) one.
    The order of the words is left alone (names are compared order-free)."""

    def overridden(override: re.Match[str]) -> str:
        reversing_arabic = override[1] == "\u202d"

        def shown(word: re.Match[str]) -> str:
            is_arabic = any(script_of(ch) == "ARABIC" for ch in word[0])
            return word[0][::-1] if is_arabic == reversing_arabic else word[0]

        return override[1] + _WORD.sub(shown, override[2])

    return _OVERRIDDEN.sub(overridden, text) if "\u202d" in text or "\u202e" in text else text
