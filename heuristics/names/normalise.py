"""From a display name or handle as typed to the parts it is compared on.

Order matters (docs/names.md, "How names are compared", says why):
Unicode clean-up → digit readings (Arabizi and leet) → TR39 look-alikes in mixed-script Latin
words (before case folding) → case fold → words → name parts. A *part* is one word of the name,
or a compound the two scripts write in different ways: abd/abu with the next word (عبد الرحمن,
Abdul Rahman, Abdelrahman), and a nasab particle (bin, ben, ould, بن) kept beside the word it
introduces, since one spelling glues it (Benkirane) and another does not (بن كيران).
Articles (al-, el-, ur-, ad- …) are dropped from Latin words and remembered on Arabic ones.

Cost is bounded for hostile text: the cleaned name is cut at ``MAX_CLEANED_LENGTH`` characters
after NFKC (one U+FDFA becomes 18; API names are at most 200 characters as sent, so ordinary names
are never cut), and a name keeps at most ``MAX_PARTS`` parts of at most ``MAX_PART_LETTERS``.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Literal, NamedTuple

from anyascii import anyascii

from heuristics.names.arabic import (
    arabic_to_latin,
    fold_arabic,
    fold_letters,
    is_arabic_text,
    same_script_key,
    split_article,
    split_glued_compound,
)
from heuristics.names.confusables import (
    LATIN,
    is_lookalike_token,
    is_whole_script_lookalike,
    prototype,
    scripts_in,
    unmask_lookalikes,
)
from heuristics.names.latin import fold_token, readable
from heuristics.names.skeleton import arabic_skeleton, latin_skeleton
from heuristics.text import is_invisible

Script = Literal["arabic", "latin"]
Reading = Literal["plain", "arabizi", "leet", "leet-l"]

MAX_CLEANED_LENGTH = 256
MAX_PARTS = 6
MAX_PART_LETTERS = 20
COMPOUND_ARTICLE = "|"  # inside an Arabic part's letters: a compound's article (عبد|رحمن)

# Arabizi: digits that look like Arabic letters (3 = ع, 7 = ح, …). Leet: digits that look like
# Latin letters. A digit run may mean either, so both readings are kept and the better one wins.
ARABIZI = str.maketrans({"2": "'", "3": "`", "5": "kh", "6": "t", "7": "h", "8": "gh", "9": "q"})
LEET = str.maketrans(
    {"0": "o", "1": "i", "2": "z", "3": "e", "4": "a", "5": "s", "6": "b", "7": "t", "8": "b", "9": "g"}
)
LEET_L = str.maketrans({**LEET, ord("1"): "l"})
# Arabic-Indic (٠–٩) and Persian (۰–۹) digits stay as they are until read: in Arabizi they are the
# ASCII digits (Hala ٣ahed), but as leet they are the Latin letter they look like, by TR39
# (٥ → o, ١ → l, ٧ → v: M٥hamed), where they look like one.
_ARABIC_INDIC = {chr(base + value): str(value) for base in (0x0660, 0x06F0) for value in range(10)}
ARABIZI.update({ord(ch): ARABIZI.get(ord(digit), digit) for ch, digit in _ARABIC_INDIC.items()})


def _looks_like(ch: str, leet: dict[int, str]) -> str:
    digit = _ARABIC_INDIC[ch]
    shape = prototype(ch).lower()
    if digit == "1" or not (shape.isascii() and shape.isalpha()):
        return leet[ord(digit)]  # ١ is i or l as 1 is; a digit like no letter reads as its ASCII twin
    return shape


LEET.update({ord(ch): _looks_like(ch, LEET) for ch in _ARABIC_INDIC})
LEET_L.update({ord(ch): _looks_like(ch, LEET_L) for ch in _ARABIC_INDIC})
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
    }
)
# Titles and roles written before a name ("Prof. Hala Ahed", "الأستاذة هالة عاهد") or after it
# ("Hala Ahed, PhD"): dropped at either end while two name words remain. Only words that are not
# also names: شيخة, Sheikha, سيدة are given names, and Sayed a family name. Arabic ones as folded by
# same_script_key.
LEADING_TITLES = frozenset(
    {
        "prof",
        "professor",
        "pr",
        "doctor",
        "docteur",
        "me",
        "maitre",
        "mme",
        "mlle",
        "madame",
        "eng",
        "engr",
        "ing",
        "hajj",
        "hajja",
        "hadj",
        "hadja",
        "ustadh",
        "ustadha",
        "ustaz",
        "ustaza",
        "ust",
        "av",
        "adv",
        "lawyer",
        "avocat",
        "avocate",
        "journalist",
        "journaliste",
        "activist",
        "activiste",
        "استاذ",
        "استاذه",
        "الاستاذ",
        "الاستاذه",
        "دكتور",
        "دكتوره",
        "الدكتور",
        "الدكتوره",
        "دكتر",
        "محامي",
        "محاميه",
        "المحامي",
        "المحاميه",
        "مهندس",
        "مهندسه",
        "المهندس",
        "المهندسه",
        "الشيخ",
        "الشيخه",
        "الحاج",
        "الحاجه",
        "السيده",
        "الصحفي",
        "الصحفيه",
        "الناشط",
        "الناشطه",
        "خانم",
    }
)
TRAILING_TITLES = LEADING_TITLES | {"phd", "md", "jr", "sr", "ii", "iii", "esq"}
# abd/abu make one name with the next word, in both scripts.
LATIN_HEADS = {
    "abd": "abd",
    "abdul": "abd",
    "abdel": "abd",
    "abdal": "abd",
    "abdil": "abd",
    "abdol": "abd",
    "abdoul": "abd",
    "abdou": "abd",
    "abdu": "abd",
    "abu": "abu",
    "abou": "abu",
    "abo": "abu",
    "bou": "abu",
    "bu": "abu",
}
ARABIC_HEADS = frozenset({"عبد", "ابو", "بو"})
# Nasab and tribal particles: "son/daughter of". Dropped from the chain, kept beside the next word.
LATIN_PARTICLES = frozenset({"bin", "ben", "ibn", "bint", "binti", "ould", "uld", "ag"})
ARABIC_PARTICLES = frozenset({"بن", "ابن", "بنت", "ولد"})
# Second words of compounds that carry the article (عبد الله aside: a head takes its next word).
ARABIC_TAILS = frozenset({"له", "دين", "رحمن", "رحيم", "حق", "نبي", "اسلام", "زمان"})
# Tails that make a compound after one head only (as same_script_key folds them): فاطمة الزهراء,
# one given name (Fatima az-Zahra, the Prophet's daughter), which the Maghreb writes Fatim-Zahra,
# Fatimzahra, Fatima-Ezzahra, Fatima Zohra (its ة elided or read -a before the article; Moroccan
# civil register spellings). Its two parts apart, فاطمة scored against "Fatim" alone (0.745).
ARABIC_HEAD_TAILS: dict[str, frozenset[str]] = {"زهرا": frozenset({"فاطمه"}), "زهره": frozenset({"فاطمه"})}
LATIN_ALLAH = frozenset({"ullah", "ulla", "allah", "alla", "ollah", "olla", "ellah", "illah", "ulah"})
LATIN_TAILS = frozenset(
    {"din", "deen", "dine", "rahman", "rahmane", "rehman", "rahim", "haq", "haque", "nabi", "islam"}
)
LATIN_ARTICLES = frozenset({"al", "el", "ul", "il", "l", "'l", "`l"})
# The article assimilated to a sun letter, written as its own word: ar-Rahman, ud-Din, as-Sayed.
_SUN_ARTICLE = re.compile(r"^[aeiu](d|dh|n|r|s|sh|t|th|z)$")
# Abd glued to its name: Abdulrahman, Abdelkader, Abdurrahman, Abdallah (= Abd + the name).
_ABD_GLUED = re.compile(r"^abd(?:ul|el|al|il|ol|ou|u|e|a|i|o)?(.{3,})$")

_NON_NAME = re.compile(r"[^\w@$]+|_+")
# Apostrophes inside a word mark hamza or ain (Sa'id, Ma'mun) or an elision (O'Neil): removed,
# not turned into a space, so the word stays whole.
_INNER_APOSTROPHE = re.compile(r"(?<=[^\W\d_])['’‘ʼʻʿʾ`´](?=[^\W\d_])")
_DIGIT = re.compile(r"\d")
_TRAILING_DIGITS = re.compile(r"(?<=[^\W\d_]{2})\d+$")
_NOT_LATIN = re.compile(r"[^a-z'`]")
# Arabic script letters after NFKC (presentation forms are folded by then): a word made only of
# them needs no look-alike check, and one with any of them is read as Arabic.
_ARABIC_LETTERS = "\u0600-\u06ff\u0750-\u077f\u0870-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_ARABIC_WORD = re.compile(f"[{_ARABIC_LETTERS}]+")
_ANY_ARABIC = re.compile(f"[{_ARABIC_LETTERS}]")
_NOT_ARABIC_LETTER = re.compile(r"[^\u0621-\u064a\u066e-\u06d3\u06d5\u06fa-\u06fc]")


@dataclass(slots=True, eq=True)
class Part:
    """One part of a name, as every comparison needs it (treat as read-only).

    ``text``: Latin — lower-case letters (and Arabizi ' `) as the learned model reads them;
    Arabic — folded letters without the article (``article`` says it had one), with ``|`` where
    a compound's article was (عبد|رحمن). ``skeleton``: the consonant classes every pair must
    roughly share before it is scored (the index's blocking key). ``particle``: bin/ben/ould …
    written before this part, as its folded text.
    """

    shown: str
    script: Script
    text: str
    skeleton: str
    article: bool = False
    particle: str = ""
    _key: str | None = field(default=None, repr=False, compare=False)

    @property
    def key(self) -> str:
        """The same-script comparison key: variant-folded Latin (abd + name for Abdul-, Abdel-
        …), or Arabic with ta marbuta as ha. Computed when first compared (most parts never are)."""
        if self._key is None:
            if self.script == "arabic":
                self._key = same_script_key(self.text)
            else:
                glued = _ABD_GLUED.match(self.text)
                self._key = "abd" + _latin_key(glued[1]) if glued else _latin_key(self.text)
        return self._key


@dataclass(frozen=True, slots=True)
class NameReading:
    """The parts of one reading of a name (digits read as Arabizi or as leet, or none)."""

    reading: Reading
    parts: tuple[Part, ...]

    @property
    def latin(self) -> str:
        """The parts in Latin letters (Arabic ones transliterated), for people to read."""
        return " ".join(
            readable(part.key) if part.script == "latin" else arabic_to_latin(part.key.replace(COMPOUND_ARTICLE, ""))
            for part in self.parts
        )

    @property
    def arabic(self) -> str:
        """The Arabic parts' folded letters ("" for a Latin name)."""
        return " ".join(part.key.replace(COMPOUND_ARTICLE, " ") for part in self.parts if part.script == "arabic")


@dataclass(frozen=True, slots=True)
class NormalisedName:
    """A name with what was done to it: kept as evidence of why two names matched."""

    original: str
    cleaned: str  # after Unicode clean-up and look-alike unmasking, before folding
    script: Script
    lookalikes: tuple[str, ...]  # mixed-script words that were unmasked, as written
    readings: tuple[NameReading, ...]

    @property
    def primary(self) -> NameReading:
        return self.readings[0]

    @property
    def is_empty(self) -> bool:
        return not self.primary.parts


# Format characters and combining marks live in these planes only (BMP, SMP, SSP; a unit test
# checks every code point).
_SCANNED = (range(0xD800), range(0xE000, 0x20000), range(0xE0000, 0xE1000), [-1])


def _character_class(wanted: Callable[[str], bool]) -> re.Pattern[str]:
    """A regex matching every code point for which ``wanted`` is true (ranges, built once)."""
    ranges: list[str] = []
    start = None
    previous = -2
    for code in itertools.chain(*_SCANNED):
        hit = code >= 0 and wanted(chr(code))
        if start is not None and (not hit or code != previous + 1):
            ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(previous))}")
            start = None
        if hit and start is None:
            start = code
        previous = code
    return re.compile(f"[{''.join(ranges)}]")


@cache
def _unwanted() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Regexes of the invisible characters (:func:`heuristics.text.is_invisible`) and of the
    combining marks (Mn, Me): one scan of Unicode, the first time a non-ASCII name is cleaned."""
    return (
        _character_class(is_invisible),
        _character_class(lambda ch: unicodedata.category(ch) in ("Mn", "Me")),
    )


@cache
def _as_ascii() -> dict[int, str]:
    """What NFKC leaves or breaks up and a name means as one ASCII character: decimal digits of
    every script but Arabic-Indic and Persian (read with the digits, see ``ARABIZI``), and symbols that are a
    letter in a box, a circle, parentheses or a flag tile (🅷, ⒣, 🇭; NFKC writes ⒣ as "(h)")."""
    table: dict[int, str] = {}
    for code in itertools.chain(*_SCANNED[:-1]):
        ch = chr(code)
        category = unicodedata.category(ch)
        if category == "Nd" and code > 0x7F and chr(code) not in _ARABIC_INDIC:
            table[code] = str(unicodedata.decimal(ch))
        elif category == "So":
            letter = anyascii(ch).strip("()")
            if len(letter) == 1 and letter.isascii() and letter.isalpha():
                table[code] = letter
    return table


def clean_unicode(text: str) -> str:
    """NFKC, without invisible/bidi/format characters; punctuation and emoji become spaces.

    At most ``MAX_CLEANED_LENGTH`` characters come out, whatever NFKC expanded (U+FDFA is 18 characters)."""
    if text.isascii():  # ASCII is NFKC-stable and has no invisible characters or combining marks
        text = _INNER_APOSTROPHE.sub("", text[:MAX_CLEANED_LENGTH])
        return " ".join(_NON_NAME.sub(" ", text.lstrip("@")).split())
    invisible, marks = _unwanted()
    # Removed, not turned into spaces: they are used to split a name so it evades matching.
    text = invisible.sub("", text).translate(_as_ascii())
    folded = unicodedata.normalize("NFKC", text)[:MAX_CLEANED_LENGTH]
    # Combining marks left after NFKC are Arabic harakat or decoration (strike-through M̶); both
    # would otherwise split a word in two below.
    folded = _INNER_APOSTROPHE.sub("", marks.sub("", folded))
    return " ".join(_NON_NAME.sub(" ", folded.lstrip("@")).split())


def _among_latin(words: list[str]) -> bool:
    """Whether any of ``words`` is written in Latin letters alone."""
    return any(scripts_in(word) == {LATIN} for word in words)


def unmask_words(name: str) -> tuple[str, tuple[str, ...]]:
    """The name after :func:`clean_unicode` with mixed-script words unmasked (Cyrillic о → o),
    and those words as written: the first step of :func:`normalise`, for callers that need no parts.
    """
    cleaned_words: list[str] = []
    lookalikes: list[str] = []
    words = clean_unicode(name).split()
    among_latin: bool | None = None  # asked only for a word in another script: Arabic text never is
    for word in words:
        if word.isascii() or _ARABIC_WORD.fullmatch(word):
            pass
        elif is_lookalike_token(word):
            lookalikes.append(word)
            word = unmask_lookalikes(word)
        elif is_whole_script_lookalike(
            word, among_latin := among_latin if among_latin is not None else _among_latin(words)
        ):
            lookalikes.append(word)
            word = unmask_lookalikes(word, whole_script=True)
        cleaned_words.append(word)
    return " ".join(cleaned_words), tuple(lookalikes)


def _title_key(word: str) -> str:
    """A cleaned, case-folded word as the title lists spell it."""
    if word.isascii():
        return word
    if _ANY_ARABIC.search(word):
        return same_script_key(fold_arabic(word))
    return anyascii(word).lower()


_SPELLED_OUT = 3  # this many one-letter words in a row spell one word out (H a l a, ه ا ل ة)
# A word glued from capitalised words of three letters or more (HalaAhed, HalaAhedOfficial).
_CAMEL_WORD = re.compile(r"(?:[A-Z][a-z]{2,}){2,}")
_CAMEL_PIECE = re.compile(r"[A-Z][a-z]+")


def _name_words(words: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Undo the word-level tricks on (shown, case-folded) words: letters spelled out one per word
    are one word again; a capitalised word glued from words (HalaAhedOfficial) is split; one-letter
    Arabic words (the abbreviations أ. د. م.) go; titles go from either end, and one-letter Latin
    words (initials, a handle's padding x_hala_ahed_x) from the start and end, while two name
    words of two letters or more remain; a name of two words or more written twice is kept once.
    Every step only shortens or splits the list: cost stays bounded."""
    joined: list[tuple[str, str]] = []
    run: list[tuple[str, str]] = []
    for shown, word in [*words, ("", "")]:
        if len(word) == 1 and word.isalpha():
            run.append((shown, word))
            continue
        if len(run) >= _SPELLED_OUT:
            joined.append(("".join(s for s, _ in run), "".join(w for _, w in run)))
        else:
            joined.extend(run)
        run = []
        if _CAMEL_WORD.fullmatch(shown):
            pieces = ((piece, piece.casefold()) for piece in _CAMEL_PIECE.findall(shown))
            joined.extend(piece for piece in pieces if not _is_decoration(piece[1]))
        elif word:
            joined.append((shown, word))
    if len(joined) > 1:
        joined = [(shown, word) for shown, word in joined if len(word) > 1 or not _ANY_ARABIC.match(word)]

    def full(kept: list[tuple[str, str]]) -> bool:
        return sum(len(word) > 1 for _, word in kept) >= 2

    def droppable(word: str, titles: frozenset[str]) -> bool:
        return len(word) == 1 or _title_key(word) in titles

    while len(joined) > 2 and droppable(joined[0][1], LEADING_TITLES) and full(joined[1:]):
        joined = joined[1:]
    # A title after bin/ben/ould/بن/ولد is a name (ولد الشيخ, Ould Cheikh: a Mauritanian family).
    while (
        len(joined) > 2
        and droppable(joined[-1][1], TRAILING_TITLES)
        and not _is_particle_word(joined[-2][1])
        and full(joined[:-1])
    ):
        joined = joined[:-1]
    half = len(joined) // 2
    if half >= 2 and len(joined) == 2 * half and [w for _, w in joined[:half]] == [w for _, w in joined[half:]]:
        joined = joined[:half]
    return joined


def _digit_readings(token: str) -> dict[Reading, str]:
    token = token.translate(LEET_SYMBOLS)
    stripped = _TRAILING_DIGITS.sub("", token)
    if not _DIGIT.search(stripped):
        return {"plain": stripped}
    found: dict[Reading, str] = {"arabizi": stripped.translate(ARABIZI), "leet": stripped.translate(LEET)}
    if "1" in stripped or "١" in stripped or "۱" in stripped:  # 1 is l as often as i (ha1a, sa1d)
        found["leet-l"] = stripped.translate(LEET_L)
    return found


# Latin short forms written for a whole name: Fatim is Fatima (the Maghreb's Fatim-Zahra, فاطمة
# الزهراء with its ta marbuta unread before the second name, and West Africa's Fatim). Read as the
# name, so that Fatim-Zahra meets Fatima Zahra and فاطمة زهراء as Fatima-Zahra does; shown as written.
_SHORT_FORMS = {"fatim": "fatima"}


class _Word(NamedTuple):
    shown: str
    script: Script
    text: str  # Latin letters, or folded Arabic letters without the article
    article: bool = False


def _words(shown: str, token: str) -> list[_Word]:
    """One cleaned, case-folded word → its letters (an Arabic word with a glued compound → two)."""
    if not token.isascii() and _ANY_ARABIC.search(token):
        article, bare = split_article(token)
        letters = _NOT_ARABIC_LETTER.sub("", fold_arabic(bare))
        pieces = split_glued_compound(letters)
        return [
            _Word(shown, "arabic", text[:MAX_PART_LETTERS], article if number == 0 else linked)
            for number, (linked, text) in enumerate(pieces)
            if text
        ]
    latin = token if token.isascii() else anyascii(token).lower()
    text = _NOT_LATIN.sub("", latin)[:MAX_PART_LETTERS]
    text = _SHORT_FORMS.get(text, text)
    return [_Word(shown, "latin", text)] if text else []


def _latin_key(text: str) -> str:
    return fold_token(text) or text


def _part(words: list[_Word], particle: str) -> Part:
    """A part from one word, or from a head (abd, abu, عبد, ابو) and the words it governs."""
    first = words[0]
    shown = " ".join(dict.fromkeys(w.shown for w in words))
    if first.script == "arabic":
        text = first.text
        for word in words[1:]:
            text += (COMPOUND_ARTICLE if word.article else "") + word.text
        return Part(shown, "arabic", text, arabic_skeleton(text), first.article, particle)
    text = "".join(w.text for w in words)
    return Part(shown, "latin", text, latin_skeleton(text), False, particle)


def _is_article(words: list[_Word], index: int) -> bool:
    """al, el …, or an assimilated article before a word starting with its consonant (ur-Rahman);
    آل / ال written apart (آل نهيان, Al Nahyan)."""
    word = words[index]
    if word.script != "latin":
        return word.text == "ال"
    if word.text in LATIN_ARTICLES:
        return True
    match = _SUN_ARTICLE.match(word.text)
    return bool(match and index + 1 < len(words) and words[index + 1].text.startswith(match[1]))


def _is_tail(words: list[_Word], index: int) -> bool:
    """The second word of a compound that carries the article: الله, الدين, الرحمن … (Arabic),
    -ullah, or a tail after its article (ud-Din, ur-Rahman) (Latin)."""
    word = words[index]
    if word.script == "arabic":
        if not word.article:
            return False
        heads = ARABIC_HEAD_TAILS.get(same_script_key(word.text))
        if heads is not None:
            return index > 0 and same_script_key(words[index - 1].text) in heads
        return word.text in ARABIC_TAILS
    if word.text in LATIN_ALLAH:
        return True
    return _is_article(words, index) and index + 1 < len(words) and words[index + 1].text in LATIN_TAILS


def _parts(words: list[_Word]) -> tuple[Part, ...]:
    """Group words into parts: drop Latin articles, glue heads to what follows and compound tails
    to what precedes, keep particles beside the word they introduce."""
    words = list(words)  # an article's next word may be marked below
    groups: list[tuple[list[_Word], str]] = []  # words of a part, and its particle
    particle = ""
    index = 0
    while index < len(words) and len(groups) <= MAX_PARTS:
        word = words[index]
        following = words[index + 1] if index + 1 < len(words) else None
        if groups and groups[-1][0][-1].script == word.script and _is_tail(words, index):
            # Shams + ur-Rahman, Hidayat + ullah, نصر + الدين: one given name.
            end = index + (1 if word.script == "arabic" or word.text in LATIN_ALLAH else 2)
            groups[-1][0].extend(words[index:end])
            index = end
            continue
        if _is_article(words, index):
            if following is None and not groups:
                groups.append(([word], ""))  # a name that is only "Al"
            elif following is not None and word.script == "arabic" == following.script:
                # آل نهيان is written Al Nahyan and Alnahyan alike: the next word carries the
                # article, so the Latin may write it or not (as for النهيان).
                words[index + 1] = following._replace(article=True)
            index += 1
            continue
        is_particle = word.text in (LATIN_PARTICLES if word.script == "latin" else ARABIC_PARTICLES)
        if is_particle and groups and following is not None:
            particle = word.text
            index += 1
            continue
        group = [word]
        is_head = word.text in (LATIN_HEADS if word.script == "latin" else ARABIC_HEADS)
        if is_head and following is not None:
            # The head takes the next word, and on the Latin side an article written between.
            index += 1
            while index + 1 < len(words) and _is_article(words, index):
                group.append(words[index])
                index += 1
            if index < len(words):
                group.append(words[index])
        elif word.script == "arabic" and following is not None and following.article and following.shown == word.shown:
            # A glued compound split in two by split_glued_compound: its two halves share a word.
            group.append(following)
            index += 1
        groups.append((group, particle))
        particle = ""
        index += 1
    return tuple(_part(group, particle) for group, particle in groups[:MAX_PARTS])


def _is_decoration(token: str) -> bool:
    return token in DECORATION_WORDS or (
        not token.isascii() and same_script_key(fold_arabic(token)) in DECORATION_WORDS
    )


def _is_particle_word(token: str) -> bool:
    return token in LATIN_PARTICLES or (not token.isascii() and fold_arabic(token) in ARABIC_PARTICLES)


def _decorations(tokens: list[str]) -> list[bool]:
    """Which case-folded words are decoration to drop. Some decoration words are names too (جديد is
    "new" and a family name: صلاح جديد, الشاذلي بن جديد / Chadli Bendjedid), so, as titles, they
    go only while two other words remain, and a word after bin/ben/ould/بن is always a name."""
    drop = [
        _is_decoration(token) and not (number and _is_particle_word(tokens[number - 1]))
        for number, token in enumerate(tokens)
    ]
    return drop if len(tokens) - sum(drop) != 1 else [False] * len(tokens)


def normalise(name: str) -> NormalisedName:
    """Normalise a display name or handle. Pure: the same text gives the same parts.

    Deliberately not cached: the names passing through are checked profiles and users' contacts,
    which a worker must not keep in memory after the check (a cache would be a log of them).
    """
    if _PLAIN_NAME.fullmatch(name) and not _has_word_tricks(name.split(" ")):
        return _normalise_plain(name)
    return normalise_reference(name)


def _has_word_tricks(words: list[str]) -> bool:
    """Whether :func:`_name_words` may change these words (then the reference path runs). It sees
    them as the reference does, without decoration words."""
    words = [word for word, drop in zip(words, _decorations([w.casefold() for w in words]), strict=True) if not drop]
    if not words:
        return True
    half = len(words) // 2
    return (
        any(len(word) == 1 or _CAMEL_WORD.fullmatch(word) for word in words)
        or _title_key(words[0].casefold()) in LEADING_TITLES
        or _title_key(words[-1].casefold()) in TRAILING_TITLES
        or (half >= 2 and len(words) == 2 * half and words[:half] == words[half:])
    )


def normalise_reference(name: str) -> NormalisedName:
    """:func:`normalise` for any text, step by step (the reference the plain-name path equals)."""
    cleaned, lookalikes = unmask_words(name)
    shown_words = cleaned.split()
    folded_words = [w.casefold() for w in shown_words]
    kept = _name_words(
        [
            (shown, word)
            for shown, word, drop in zip(shown_words, folded_words, _decorations(folded_words), strict=True)
            if not word.isdigit() and not drop
        ]
    )
    word_readings = [(shown, _digit_readings(word)) for shown, word in kept]
    has_digits = any("plain" not in readings for _, readings in word_readings)
    chosen: tuple[Reading, ...] = ("plain",)
    if has_digits:
        chosen = ("arabizi", "leet", "leet-l") if any("leet-l" in r for _, r in word_readings) else ("arabizi", "leet")
    readings = []
    for reading in chosen:
        words = [
            word
            for shown, options in word_readings
            for word in _words(shown, options.get(reading) or options.get("leet") or options["plain"])
        ]
        readings.append(NameReading(reading, _parts(words)))
    return NormalisedName(name, cleaned, _script(cleaned), lookalikes, tuple(readings))


def _script(cleaned: str) -> Script:
    return "arabic" if not cleaned.isascii() and is_arabic_text(cleaned) else "latin"


# Most names are words of plain ASCII letters or of Arabic (and Persian) base letters, one space
# apart: nothing to clean, unmask or read as digits. They skip to the words (tested equal to
# normalise_reference).
_ARABIC_PLAIN_WORD = "[\u0621-\u063a\u0641-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc]+"
_PLAIN_WORD = f"(?:[A-Za-z]+|{_ARABIC_PLAIN_WORD})"
_PLAIN_NAME = re.compile(f"(?=.{{1,{MAX_CLEANED_LENGTH}}}$){_PLAIN_WORD}(?: {_PLAIN_WORD})*")


# Words that make a Latin name need the general grouping (articles, heads, particles, tails,
# decoration); any other plain ASCII name is one part per word.
_LATIN_SPECIAL = LATIN_ARTICLES | LATIN_HEADS.keys() | LATIN_PARTICLES | LATIN_ALLAH | DECORATION_WORDS


_ARABIC_NAME = re.compile(f"{_ARABIC_PLAIN_WORD}(?: {_ARABIC_PLAIN_WORD})*")


def _is_arabic_special(letters: str, article: bool) -> bool:
    """A folded Arabic word that the general grouping treats specially (or drops)."""
    return (
        letters in ARABIC_HEADS
        or letters in ARABIC_PARTICLES
        or letters == "ال"
        or (article and (letters in ARABIC_TAILS or same_script_key(letters) in ARABIC_HEAD_TAILS))
        or same_script_key(letters) in DECORATION_WORDS
        or len(split_glued_compound(letters)) > 1
    )


def _normalise_plain(name: str) -> NormalisedName:
    if name.isascii():
        tokens = name.lower().split(" ")
        if len(tokens) <= MAX_PARTS and not any(
            token in _LATIN_SPECIAL or (len(token) <= 3 and _SUN_ARTICLE.match(token)) for token in tokens
        ):
            parts = tuple(
                Part(shown, "latin", text, latin_skeleton(text))
                for shown, token in zip(name.split(" "), tokens, strict=True)
                for text in (_SHORT_FORMS.get(token[:MAX_PART_LETTERS], token[:MAX_PART_LETTERS]),)
            )
            return NormalisedName(name, name, "latin", (), (NameReading("plain", parts),))
    elif _ARABIC_NAME.fullmatch(name):
        found = []
        for shown in name.split(" "):
            article, bare = split_article(shown)
            letters = fold_letters(bare)[:MAX_PART_LETTERS]
            if _is_arabic_special(letters, article) or len(found) == MAX_PARTS:
                break
            found.append(Part(shown, "arabic", letters, arabic_skeleton(letters), article))
        else:
            return NormalisedName(name, name, "arabic", (), (NameReading("plain", tuple(found)),))
    shown_words = name.split(" ")
    tokens = [shown.casefold() for shown in shown_words]
    words = [
        word
        for shown, token, drop in zip(shown_words, tokens, _decorations(tokens), strict=True)
        if not drop
        for word in _words(shown, token)
    ]
    return NormalisedName(name, name, _script(name), (), (NameReading("plain", _parts(words)),))
