"""Arabic-script words: orthographic folding, the article, and transliteration for display.

Folding removes what varies between spellings of the same Arabic name without changing it: short
vowel marks and tatweel, the hamza forms of alef, alef maqsura/ya, hamza on waw and ya, and the
Persian and Urdu letters, which stand for Arabic letters or for sounds Arabic writes with its
nearest letter (پ → ب, چ → ش, ژ → ج, گ → غ: how Arabic-script spellings of the same names write
them), and the Kurdish letters (ە ۆ ێ ڵ ڕ) as their Arabic letters. Ta marbuta stays (its Latin
spellings a, ah, e, at are learned); the Arabic↔Arabic key folds it into ha
(:func:`same_script_key`), since people write هالة and هاله alike.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

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
        "ى": "ي",
        "ی": "ي",
        "ې": "ي",
        "ۍ": "ي",
        "ے": "ي",
        "ئ": "ي",
        "ؤ": "و",
        "ۇ": "و",
        "ک": "ك",
        "ڪ": "ك",
        "ګ": "غ",
        "گ": "غ",
        "پ": "ب",
        "چ": "ش",
        "ژ": "ج",
        "ڤ": "ف",
        "ڨ": "ق",
        "ٹ": "ت",
        "ڈ": "د",
        "ڑ": "ر",
        "ں": "ن",
        "ۆ": "و",
        "ێ": "ي",
        "ڵ": "ل",
        "ڕ": "ر",
        "ە": "ه",
        "ۀ": "ة",
        "ۃ": "ة",
        "ہ": "ه",
        "ھ": "ه",
    }
)


def _letters_with_marks() -> dict[int, str]:
    """Arabic-script letters that are another letter with dots, a ring, a bar or a small v added
    (ݢ KEHEH WITH DOT ABOVE, ۿ HEH WITH INVERTED V, ݐ BEH WITH THREE DOTS HORIZONTALLY BELOW): a
    reader takes them for that letter. Folded to it, as Unicode names it, unless listed above."""
    table: dict[int, str] = {}
    for code in itertools.chain(range(0x0620, 0x0700), range(0x0750, 0x0780), range(0x0870, 0x0900)):
        name = unicodedata.name(chr(code), "")
        if code in _FOLD or not name.startswith("ARABIC LETTER ") or " WITH " not in name:
            continue
        try:
            base = unicodedata.lookup(name.split(" WITH ", 1)[0])
        except KeyError:
            continue
        table[code] = _FOLD.get(ord(base), base)
    return table


_FOLD.update(_letters_with_marks())
_TA_MARBUTA = str.maketrans({"ة": "ه"})
# A hamza after a final alef is often not written (الزهراء / الزهرا, إسراء / اسرا).
_FINAL_HAMZA = re.compile(r"(?<=ا)ء(?=$|\|)")
ARTICLE = "ال"
# A compound's article inside a word, as the Latin side would see it: Abd al-Rahman written
# عبدالرحمن, Nasr al-Din written نصرالدين. Only after these heads and before these tails.
_GLUED_HEAD = re.compile(r"^(عبد|ابو)ال(?=..)")
_GLUED_TAIL = re.compile(r"(?<=..)ال(له|دين)$")
# Letters anyascii leaves out or spells in a way that hides a long vowel (display only).
_LONG_VOWELS = {"ا": "a", "و": "w", "ي": "y", "ء": "'", "ع": "`", "ة": "a"}


def is_arabic_text(text: str) -> bool:
    """True when most letters of ``text`` are Arabic script."""
    letters = [script_of(ch) for ch in text if ch.isalpha()]
    return bool(letters) and 2 * sum(s == "ARABIC" for s in letters) >= len(letters)


def fold_arabic(text: str) -> str:
    """Fold the orthographic variants of Arabic script (other characters pass through)."""
    return _MARKS.sub("", unicodedata.normalize("NFC", text)).translate(_FOLD)


def fold_letters(letters: str) -> str:
    """:func:`fold_arabic` for text that is only Arabic letters already (no marks to remove)."""
    return letters.translate(_FOLD)


def same_script_key(letters: str) -> str:
    """What Arabic↔Arabic comparisons use: the folded letters with ta marbuta as ha, without a
    hamza after a final alef."""
    return _FINAL_HAMZA.sub("", letters.translate(_TA_MARBUTA))


def split_article(word: str) -> tuple[bool, str]:
    """``الشريف`` → (True, ``شريف``); a word of three letters or fewer keeps them (الم is not
    al + م). Run before folding, which erases the difference between ال and أل (ألفونس)."""
    if word.startswith(ARTICLE) and len(word) > 3:
        return True, word[2:]
    return False, word


def split_glued_compound(word: str) -> list[tuple[bool, str]]:
    """A folded word that glues a compound's article: عبدالظاهر → [(False, عبد), (True, ظاهر)],
    هدايتالله → [(False, هدايت), (True, له)]. Other words: [(False, word)]."""
    head = _GLUED_HEAD.match(word)
    if head:
        return [(False, head[1]), (True, word[head.end() :])]
    tail = _GLUED_TAIL.search(word)
    if tail:
        return [(False, word[: tail.start()]), (True, tail[1])]
    return [(False, word)]


def _symbol(ch: str) -> str:
    return _LONG_VOWELS.get(ch) or anyascii(ch).lower()


# The Arabic letters' readable forms, worked out once from the fixed alphabet (U+0621–U+064A), not
# as names are met: a cache filled by the letters of the names checked would tell which were.
_SYMBOLS = {chr(code): _symbol(chr(code)) for code in range(0x0621, 0x064B)}


def arabic_to_latin(letters: str) -> str:
    """A readable Latin form of folded Arabic letters, letter by letter (for evidence)."""
    return "".join(_SYMBOLS.get(ch) or _symbol(ch) for ch in letters)
