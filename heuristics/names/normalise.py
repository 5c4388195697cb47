"""From a display name or handle as typed to the keys it is compared on.

Order matters (docs/names.md, "How names are compared", says why):
Unicode clean-up → digit readings (Arabizi and leet) → TR39 look-alikes in mixed-script Latin
words (before case folding) → case fold → Arabic orthographic folding → transliteration with
anyascii → variant folding → keys.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from anyascii import anyascii

from heuristics.names.arabic import arabic_to_latin, fold_arabic, is_arabic_text, strip_article
from heuristics.names.confusables import is_lookalike_token, unmask_lookalikes
from heuristics.names.latin import consonant_key, fold_token, split_glued, vowel_key
from heuristics.text import is_invisible, script_of

Script = Literal["arabic", "latin"]
Reading = Literal["plain", "arabizi", "leet"]

# Arabizi: digits that look like Arabic letters (3 = ع, 7 = ح, …). Leet: digits that look like
# Latin letters. A digit run may mean either, so both readings are kept and the better one wins.
ARABIZI = str.maketrans({"2": "'", "3": "`", "5": "kh", "6": "t", "7": "h", "8": "gh", "9": "q"})
LEET = str.maketrans(
    {"0": "o", "1": "i", "2": "z", "3": "e", "4": "a", "5": "s", "6": "b", "7": "t", "8": "b", "9": "g"}
)
LEET_SYMBOLS = str.maketrans({"@": "a", "$": "s"})
# Words that dress up a clone ("Mohamed Saleh official", "backup account"): not part of a name.
DECORATION_WORDS = frozenset(
    {
        "official",
        "officiel",
        "officielle",
        "real",
        "the",
        "backup",
        "new",
        "page",
        "account",
        "acc",
        "private",
        "fan",
        "fans",
        "fanpage",
        "tv",
        "mr",
        "mrs",
        "ms",
        "dr",
        "رسمي",
        "الرسمي",
        "الرسميه",
        "رسميه",
        "حساب",
        "الحساب",
        "صفحه",
        "الصفحه",
        "احتياطي",
        "الاحتياطي",
        "جديد",
        "الجديد",
        "د",
    }
)
# Prefix words joined to the next word (عبد الله = Abdallah), by their folded Latin form.
_JOINING = {
    "abd": "abd",
    "bd": "abd",
    "abdul": "abd",
    "abdil": "abd",
    "abdal": "abd",
    "abu": "abu",
    "bu": "abu",
    "bin": "bin",
    "bn": "bin",
    "ibn": "bin",
    "abn": "bin",
    "uld": "uld",
}
_ABD_GLUED = re.compile(r"^abd(?:ul|il|al|u|i|a)?(.{3,})$")
_ARTICLE_WORDS = frozenset({"al", "il", "ul", "'l", "`l"})
_ARTICLE_PREFIX = re.compile(r"^(?:al|il|ul)(?=.{3,})")
_NON_NAME = re.compile(r"[^\w@$]+|_+")
_DIGIT = re.compile(r"\d")
_TRAILING_DIGITS = re.compile(r"(?<=[^\W\d_]{2})\d+$")
# NFKC can expand one character to 18 (U+FDFA), and everything after it costs per character: the
# cleaned text is cut to this length, so a name's cost is bounded whatever it expands to (API
# names are at most 200 characters as sent, so ordinary names are never cut).
MAX_CLEANED_LENGTH = 256


@dataclass(frozen=True, slots=True)
class NameKeys:
    """One reading of a name, as the strings similarity is computed on.

    ``latin`` keeps vowels (Latin↔Latin); ``consonants`` drops them (across scripts); ``arabic`` is
    the folded Arabic text (Arabic↔Arabic), empty for Latin names. Each key is given twice: tokens
    sorted and joined by a space (order-insensitive), and tokens in order without spaces (glued
    handles such as ``mohamedsaleh``).
    """

    reading: Reading
    latin: str
    latin_joined: str
    consonants: str
    consonants_joined: str
    arabic: str
    arabic_joined: str


@dataclass(frozen=True, slots=True)
class NormalisedName:
    """A name with what was done to it: kept as evidence of why two names matched."""

    original: str
    cleaned: str  # after Unicode clean-up and look-alike unmasking, before folding
    script: Script
    lookalikes: tuple[str, ...]  # mixed-script words that were unmasked, as written
    readings: tuple[NameKeys, ...]

    @property
    def primary(self) -> NameKeys:
        return self.readings[0]

    @property
    def is_empty(self) -> bool:
        return not self.primary.latin


def clean_unicode(text: str) -> str:
    """NFKC, without invisible/bidi/format characters; punctuation and emoji become spaces; at most
    ``MAX_CLEANED_LENGTH`` characters of it."""
    if text.isascii():  # ASCII is NFKC-stable and has no invisible characters or combining marks
        return " ".join(_NON_NAME.sub(" ", text[:MAX_CLEANED_LENGTH].lstrip("@")).split())
    # Removed, not turned into spaces: they are used to split a name so it evades matching.
    visible = "".join(ch for ch in text if not is_invisible(ch))
    folded = unicodedata.normalize("NFKC", visible)[:MAX_CLEANED_LENGTH]
    # Combining marks left after NFKC are Arabic harakat or decoration (strike-through M̶); both
    # would otherwise split a word in two below.
    folded = "".join(ch for ch in folded if unicodedata.category(ch) not in ("Mn", "Me"))
    return " ".join(_NON_NAME.sub(" ", folded.lstrip("@")).split())


def unmask_words(name: str) -> tuple[str, tuple[str, ...]]:
    """The name after :func:`clean_unicode` with mixed-script words unmasked (Cyrillic о → o),
    and those words as written: the first step of :func:`normalise`, for callers that need no keys.
    """
    cleaned_words: list[str] = []
    lookalikes: list[str] = []
    for word in clean_unicode(name).split():
        if not word.isascii() and is_lookalike_token(word):
            lookalikes.append(word)
            word = unmask_lookalikes(word)
        cleaned_words.append(word)
    return " ".join(cleaned_words), tuple(lookalikes)


def _digit_readings(token: str) -> dict[Reading, str]:
    token = token.translate(LEET_SYMBOLS)
    stripped = _TRAILING_DIGITS.sub("", token)
    if not _DIGIT.search(stripped):
        return {"plain": stripped}
    return {"arabizi": stripped.translate(ARABIZI), "leet": stripped.translate(LEET)}


def _transliterate(token: str) -> tuple[str, str]:
    """A cleaned, case-folded token → (folded Arabic or "", lower-case Latin)."""
    if token.isascii():  # already Latin: anyascii would return it unchanged
        return "", token.lower()
    if any(script_of(ch) == "ARABIC" for ch in token):
        arabic = fold_arabic(strip_article(token))
        return arabic, arabic_to_latin(arabic)
    return "", anyascii(token).lower()


def _join_prefixes(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Drop article words and glue abd/abu/bin/ould to the next word, in both Arabic and Latin."""
    out: list[tuple[str, str]] = []
    pending: tuple[str, str] | None = None
    for arabic, latin in tokens:
        bare = vowel_key(latin)
        if latin in _ARTICLE_WORDS and not arabic:
            continue
        if pending is not None:
            latin = _ARTICLE_PREFIX.sub("", latin)
            arabic, latin = pending[0] + arabic, pending[1] + latin
            pending = None
        elif bare in _JOINING:
            pending = (arabic, _JOINING[bare])
            continue
        else:
            glued = _ABD_GLUED.match(latin)
            if glued:
                latin = "abd" + _ARTICLE_PREFIX.sub("", glued[1])
        out.append((arabic, latin))
    if pending is not None:
        out.append(pending)
    return out


def _keys(reading: Reading, tokens: list[tuple[str, str]]) -> NameKeys:
    folded: list[tuple[str, str]] = []
    for arabic, latin in tokens:
        folded.extend((arabic, part) for part in split_glued(fold_token(latin, from_arabic=bool(arabic))))
    folded = _join_prefixes([(a, f) for a, f in folded if f])
    latin_tokens = [vowel_key(f) for _, f in folded]
    consonant_tokens = [consonant_key(f) for _, f in folded]
    arabic_tokens = [a for a, _ in folded if a]
    return NameKeys(
        reading=reading,
        latin=" ".join(sorted(t for t in latin_tokens if t)),
        latin_joined="".join(latin_tokens),
        consonants=" ".join(sorted(t for t in consonant_tokens if t)),
        consonants_joined="".join(consonant_tokens),
        arabic=" ".join(sorted(arabic_tokens)),
        arabic_joined="".join(arabic_tokens),
    )


def _is_decoration(token: str) -> bool:
    return token in DECORATION_WORDS or fold_arabic(token) in DECORATION_WORDS


def normalise(name: str) -> NormalisedName:
    """Normalise a display name or handle. Pure: the same text gives the same keys.

    Deliberately not cached: the names passing through are checked profiles and users' contacts,
    which a worker must not keep in memory after the check (a cache would be a log of them).
    Stored names are normalised once, by :class:`heuristics.names.NameIndex`.
    """
    cleaned, lookalikes = unmask_words(name)
    cleaned_words = cleaned.split()
    words = [w.casefold() for w in cleaned_words]
    words = [w for w in words if not w.isdigit() and not _is_decoration(w)]
    word_readings = [_digit_readings(word) for word in words]
    has_digits = any("plain" not in readings for readings in word_readings)
    chosen: tuple[Reading, ...] = ("arabizi", "leet") if has_digits else ("plain",)
    keys = tuple(
        _keys(reading, [_transliterate(readings.get(reading) or readings["plain"]) for readings in word_readings])
        for reading in chosen
    )
    script: Script = "arabic" if is_arabic_text(cleaned) else "latin"
    return NormalisedName(name, cleaned, script, lookalikes, keys)
