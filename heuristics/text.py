"""Small Unicode facts shared by signals and name normalisation."""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

import regex

# Characters that render as nothing or as a blank but are not spaces. Category Cf covers the
# zero-width and bidi controls; these are letters (Lo) or symbols that merely look empty.
BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5\u180e")
# Joiners that are legitimate inside Arabic-script words (Persian, Urdu spelling).
_JOINERS = frozenset("\u200c\u200d")


def is_invisible(ch: str) -> bool:
    """True for format/bidi controls and blank-looking letters (not ordinary spaces)."""
    return ch in BLANK_LOOKING or unicodedata.category(ch) == "Cf"


# Default_Ignorable_Code_Point (Unicode's DerivedCoreProperties, from the regex module's Unicode
# data, newer than the standard library's): what a renderer shows as nothing when it cannot do
# better. Beyond category Cf it holds combining marks (Mn) that draw nothing: the combining
# grapheme joiner U+034F, the variation selectors U+FE00–FE0F and U+E0100–E01EF, the Mongolian
# free variation selectors; and code points not yet assigned in the blocks kept for such
# characters (U+E0000–E0FFF).
_DEFAULT_IGNORABLE = regex.compile(r"\p{Default_Ignorable_Code_Point}")


def is_hidden_reference(ch: str) -> bool:
    """:func:`is_hidden` worked out from Unicode's data (the tables are built from it)."""
    return is_invisible(ch) or _DEFAULT_IGNORABLE.match(ch) is not None


def script_of_reference(ch: str) -> str | None:
    """:func:`script_of` worked out from Unicode's data (the tables are built from it)."""
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


def is_decorative_reference(ch: str) -> bool:
    """:func:`is_decorative` worked out from Unicode's data (the tables are built from it)."""
    if not ch.isalnum() or ch.isascii():
        return False
    if "SMALL CAPITAL" in unicodedata.name(ch, ""):
        return True
    folded = unicodedata.normalize("NFKC", ch)
    return folded != ch and folded.isascii() and folded.isalnum()


# The three classifications are read from fixed tables of every code point, not worked out and
# memoised per character: a cache keyed by the characters met is a process-wide record of which
# letters the checked names held (a rare Persian ژ or a decorative 𝐌 tells that some name had it;
# docs/names.md, "What a worker's memory holds"). A table is runs of code points of one value,
# looked up by bisection; it depends on nothing but the Unicode data of the standard library
# (``unicodedata``: letters, names, NFKC) and of the ``regex`` module (default-ignorable), so it
# ships as data made from the reference functions above (:func:`write_tables` writes it)
# and is rebuilt from them, once, at import, when either library's version differs from the one it
# was made with. tests/unit/test_text_tables.py checks table and reference agree on every code
# point.
_CLASSIFICATIONS: dict[str, Callable[[str], Any]] = {
    "script_of": script_of_reference,
    "is_hidden": is_hidden_reference,
    "is_decorative": is_decorative_reference,
}
TABLES_PATH = Path(__file__).resolve().parent / "data" / "unicode_classes.json"


def _unicode_versions() -> dict[str, str]:
    return {"unicodedata": unicodedata.unidata_version, "regex": regex.__version__}


V = TypeVar("V")


class CodePointRuns(Generic[V]):
    """A value for every code point, kept as runs: a code point has the value of the last run
    starting at or before it."""

    __slots__ = ("starts", "values")

    def __init__(self, runs: Sequence[tuple[int, V]]) -> None:
        if not runs or runs[0][0] != 0:
            raise ValueError("the runs must start at code point 0")
        self.starts = [start for start, _ in runs]
        self.values = [value for _, value in runs]

    def __getitem__(self, ch: str) -> V:
        return self.at(ord(ch))

    def at(self, code: int) -> V:
        return self.values[bisect_right(self.starts, code) - 1]

    def plane(self, end: int = 0x10000) -> list[V]:
        """The value of each code point below ``end``, one list item each (read by index)."""
        spelled: list[V] = []
        for start, stop, value in zip(self.starts, [*self.starts[1:], sys.maxunicode + 1], self.values, strict=True):
            if start >= end:
                break
            spelled += [value] * (min(stop, end) - start)
        return spelled

    @classmethod
    def of(cls, classify: Callable[[str], V]) -> CodePointRuns[V]:
        """The runs of ``classify`` over every code point (a second or two for the three)."""
        runs: list[tuple[int, V]] = []
        for code in range(sys.maxunicode + 1):
            value = classify(chr(code))
            if not runs or value != runs[-1][1]:
                runs.append((code, value))
        return cls(runs)

    def as_runs(self) -> list[tuple[int, V]]:
        return list(zip(self.starts, self.values, strict=True))


def computed_tables() -> dict[str, CodePointRuns[Any]]:
    """The tables worked out from the reference functions with this interpreter's Unicode data."""
    return {name: CodePointRuns.of(classify) for name, classify in _CLASSIFICATIONS.items()}


def _load_tables() -> dict[str, CodePointRuns[Any]]:
    """The shipped tables, or tables computed here when they were made with other Unicode data."""
    try:
        stored = json.loads(TABLES_PATH.read_text("utf-8"))
    except (OSError, ValueError):
        return computed_tables()
    if stored.get("versions") != _unicode_versions():
        return computed_tables()
    return {name: CodePointRuns([(start, value) for start, value in stored[name]]) for name in _CLASSIFICATIONS}


_TABLES = _load_tables()
_SCRIPTS: CodePointRuns[str | None] = _TABLES["script_of"]
_HIDDEN: CodePointRuns[bool] = _TABLES["is_hidden"]
_DECORATIVE: CodePointRuns[bool] = _TABLES["is_decorative"]
# The Basic Multilingual Plane (every letter of Arabic, Latin, Persian, Cyrillic … names) spelled
# out, read by index: as fast as the per-character caches were. Astral code points (mathematical
# alphanumerics, tags, emoji) go through the runs.
_BMP = 0x10000
_SCRIPTS_BMP, _HIDDEN_BMP, _DECORATIVE_BMP = _SCRIPTS.plane(_BMP), _HIDDEN.plane(_BMP), _DECORATIVE.plane(_BMP)


def is_hidden(ch: str) -> bool:
    """:func:`is_invisible`, or a default-ignorable character (drawn as nothing): a character that
    can sit inside a name unseen. Some are legitimate where they are: :func:`hidden_characters`."""
    code = ord(ch)
    return _HIDDEN_BMP[code] if code < _BMP else _HIDDEN.at(code)


def script_of(ch: str) -> str | None:
    """The script of a letter, from its Unicode name (LATIN, ARABIC, CYRILLIC, …); None otherwise.

    Decorative forms report the script they decompose to: 𝐌 (MATHEMATICAL BOLD CAPITAL M) is LATIN.
    """
    code = ord(ch)
    return _SCRIPTS_BMP[code] if code < _BMP else _SCRIPTS.at(code)


def is_decorative(ch: str) -> bool:
    """Styled letters used to dress up a name: mathematical alphanumerics, fullwidth, enclosed,
    small capitals and superscripts — anything NFKC folds to a different letter, or a small cap."""
    code = ord(ch)
    return _DECORATIVE_BMP[code] if code < _BMP else _DECORATIVE.at(code)


def write_tables(path: Path = TABLES_PATH) -> None:
    """Write the tables made with this interpreter's Unicode data:
    ``.venv/bin/python -c "from heuristics.text import write_tables; write_tables()"``."""
    lines = ["{", f'"versions": {json.dumps(_unicode_versions())},']
    tables = list(computed_tables().items())
    for number, (name, table) in enumerate(tables):
        runs = ",\n".join(json.dumps(run) for run in table.as_runs())  # a run a line: readable diffs
        lines.append(f'"{name}": [\n{runs}\n]' + ("," if number < len(tables) - 1 else ""))
    lines.append("}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", "utf-8")


_VIRAMA = 9  # the canonical combining class of a virama (halant, al-lakuna, coeng…)


def joiner_is_legitimate(text: str, index: int) -> bool:
    """ZWNJ/ZWJ doing its job in spelling, not a trick:
    - between two Arabic-script letters (Persian and Urdu spelling: علی‌رضا);
    - right after a virama that follows a letter of its own script (the Indic conjunct and
      half-form controls, and a Malayalam chillu at a word's end: अवन्‍, क्‌ष). This is the rule
      IDNA allows joiners by (RFC 5892, Appendix A.1 and A.2: "Canonical_Combining_Class(Before)
      = Virama"), with the virama's own script required, so a virama cannot license a joiner
      inside a Latin or Arabic name."""
    if text[index] not in _JOINERS or index == 0:
        return False
    before = text[index - 1]
    if unicodedata.combining(before) == _VIRAMA:
        return index >= 2 and script_of(text[index - 2]) == unicodedata.name(before, "").split(" ", 1)[0]
    if index == len(text) - 1:
        return False
    return script_of(before) == "ARABIC" and script_of(text[index + 1]) == "ARABIC"


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


# Where a hidden character does a visible job (UTS #51, Unicode Technical Standard on emoji, and
# the variation sequences of the Unicode Standard), written with Unicode properties, not tables:
# - an emoji element: an emoji with its presentation selector (VS16 U+FE0F: ❤️, ©️, ™️; VS15 U+FE0E:
#   the text form), a keycap (1️⃣: digit, VS16, U+20E3) or a skin-tone modifier. A digit, # or *
#   takes a selector only inside a keycap: Unicode lists 1 + VS16 as a variation sequence, but no
#   emoji is a bare one (Unicode's emoji data has only the keycaps) and it draws a plain 1, so a
#   selector there is a character nobody sees (a bit of hidden data per digit; "2️0️2️4️" and "2024"
#   read alike and differ to an exact comparison);
# - an emoji ZWJ sequence: pictographic elements joined by ZWJ U+200D (👩‍💻, 🏳️‍🌈);
# - a subdivision flag: 🏴 U+1F3F4, a subdivision code in tag letters (a region of two letters and
#   one to four letters or digits: "gbsct"), CANCEL TAG U+E007F. Tags after any other base, or
#   spelling anything longer, are text hidden in the name (as "ASCII smuggling" hides it);
# - an ideograph with a variation selector of CJK compatibility (VS1–VS3) or of the Ideographic
#   Variation Database (VS17–VS256): the glyph of a Japanese or Chinese name's character;
# - a Mongolian letter with a free variation selector (FVS1–FVS4): its positional form.
# Each alternative reads at most a bounded number of characters per character it consumes, and
# finditer moves on past each match: linear in the length of the text.
_EMOJI_ELEMENT = r"(?:\p{Emoji_Modifier}|[\uFE0E\uFE0F]\u20E3?)?"
_LEGITIMATE = regex.compile(
    r"\U0001F3F4[\U000E0061-\U000E007A]{2}[\U000E0030-\U000E0039\U000E0061-\U000E007A]{1,4}\U000E007F"
    rf"|\p{{Extended_Pictographic}}{_EMOJI_ELEMENT}(?:\u200D\p{{Extended_Pictographic}}{_EMOJI_ELEMENT})+"
    r"|[0-9#*][\uFE0E\uFE0F]?\u20E3"
    rf"|(?![0-9#*])\p{{Emoji}}{_EMOJI_ELEMENT}"
    r"|\p{Ideographic}[\uFE00-\uFE02\U000E0100-\U000E01EF]"
    r"|\p{Script=Mongolian}[\u180B-\u180D\u180F]"
)


def hidden_characters(text: str) -> list[int]:
    """Where ``text`` hides characters: the indices of its :func:`is_hidden` characters, less those
    doing a visible job there (an emoji's presentation selector, the ZWJ of an emoji sequence, the
    tags of a subdivision flag, an ideograph's variation selector, a Mongolian form selector: see
    ``_LEGITIMATE``) and the joiners of Arabic-script spelling (:func:`joiner_is_legitimate`)."""
    hidden = [index for index, ch in enumerate(text) if is_hidden(ch)]
    if not hidden:
        return hidden
    legitimate: set[int] = set()
    for match in _LEGITIMATE.finditer(text):
        legitimate.update(range(*match.span()))
    return [index for index in hidden if index not in legitimate and not joiner_is_legitimate(text, index)]
