"""Arabic orthographic folding and transliteration to Latin letters.

Folding removes what varies between spellings of the same Arabic name without changing it: short
vowel marks and tatweel, the hamza forms of alef, ta marbuta/ha, alef maqsura/ya, hamza on waw and
ya, and Persian/Urdu letter shapes that stand for Arabic letters.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from anyascii import anyascii

from heuristics.text import script_of

# Harakat, Quranic marks, superscript alef and tatweel: spelling aids, not letters.
_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ٲ": "ا",
        "ٳ": "ا",
        "ة": "ه",
        "ۀ": "ه",
        "ہ": "ه",
        "ھ": "ه",
        "ۃ": "ه",
        "ى": "ي",
        "ی": "ي",
        "ې": "ي",
        "ۍ": "ي",
        "ئ": "ي",
        "ؤ": "و",
        "ۇ": "و",
        "ک": "ك",
        "ڪ": "ك",
        "ٹ": "ت",
        "ڈ": "د",
        "ڑ": "ر",
    }
)
# The definite article as a word prefix (bare alef only: ألدا is not al + دا); "الله" keeps it.
_ARTICLE = re.compile(r"^ال(?=..)")
# Letters anyascii leaves out or spells in a way that hides a long vowel.
_LONG_VOWELS = {"ا": "a", "و": "w", "ي": "y", "ء": "'", "ع": "`"}
# anyascii spells some letters with two Latin letters; one symbol each keeps خ+ه apart from kh.
_DIGRAPH_SYMBOLS = {"kh": "X", "gh": "G", "sh": "S", "th": "T", "dh": "D", "ch": "S", "zh": "g"}


def is_arabic_text(text: str) -> bool:
    """True when most letters of ``text`` are Arabic script."""
    letters = [script_of(ch) for ch in text if ch.isalpha()]
    return bool(letters) and 2 * sum(s == "ARABIC" for s in letters) >= len(letters)


def fold_arabic(text: str) -> str:
    """Fold the orthographic variants of Arabic script (other characters pass through)."""
    return _MARKS.sub("", unicodedata.normalize("NFC", text)).translate(_FOLD)


def strip_article(word: str) -> str:
    """``الشريف`` → ``شريف``, but ``الله`` stays. Run before folding, which erases أ/ا."""
    return word if word == "الله" else _ARTICLE.sub("", word)


@cache
def _symbol(ch: str) -> str:
    if ch in _LONG_VOWELS:
        return _LONG_VOWELS[ch]
    latin = anyascii(ch).lower()
    return _DIGRAPH_SYMBOLS.get(latin, latin)


def _letter(ch: str, final: bool) -> str:
    if ch == "ه" and final:
        return "a"  # ta marbuta or a final vowel: Ghada, Nadia, Goethe
    return _symbol(ch)  # cached per character: letters, not names


def arabic_to_latin(token: str) -> str:
    """Transliterate a folded Arabic token letter by letter with anyascii, keeping long vowels
    visible (anyascii drops alef) and giving each letter one symbol (see :mod:`latin`)."""
    token = token.replace("تش", "چ")  # how Arabic spells ch/č (تشيرو Ciro, فويتشخ Wojciech)
    last = len(token) - 1
    return "".join(_letter(ch, index == last and index > 0) for index, ch in enumerate(token))
