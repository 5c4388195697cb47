"""How well an Arabic-script word and a Latin word spell the same name, from learned letter
correspondences.

The model is a channel: each Arabic letter (marked by its place in the word: ``^`` first, ``$``
last) is written as a Latin *segment* of zero to three letters (ج → j, dj, g; ش → sh, ch; و → w,
ou, u, o; ة → a, ah, e, at), with a probability learned by expectation-maximisation from real
pairs (see :mod:`heuristics.names.learn` and ``bench/names_learn.py``). A pair's evidence is a log
likelihood ratio: how much likelier the Latin word is as a spelling of this Arabic word than as
any Latin word at all (letter frequencies). Long names that agree letter for letter score high;
short or unrelated ones do not, whatever their length.

The table ships as data (``data/arabic_latin.json``, with its provenance and the command that
regenerates it) and is read once per process.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TABLE = Path(__file__).resolve().parent / "data" / "arabic_latin.json"
FIRST, LAST = "^", "$"
# The article ال: ``ARTICLE`` at the start of a word (its spelling, usually none or al/el, is
# learned), ``LINK`` inside a compound written as one Latin word (عبد الرحمن = Abdulrahman,
# شمس الرحمن = Shamsurrahman, هدايت الله = Hidayatullah), where the Latin keeps a vowel or "ul".
ARTICLE = "ال"
LINK = "-ال-"
# Between two Arabic letters (and before the first, after the last) the Latin may add a letter:
# a vowel Arabic does not write (Napoleon = نابليون: the o after p) or a silent consonant
# (Washington = واشنطن): the ``ADDED`` symbol, which writes nothing or one letter (hand-set
# probabilities, see :mod:`learn`).
ADDED = "+"
NEVER = float("-inf")
_NOTHING: Mapping[str, float] = {}
_DOUBLES = re.compile(r"(.)\1+")
_MARKS = str.maketrans("", "", "'`")


def letter_symbols(arabic: str) -> list[str]:
    """Each letter of a folded Arabic word with its place: ``سعيد`` → ``س^ ع ي د$``."""
    last = len(arabic) - 1
    return [ch + (FIRST if place == 0 else LAST if place == last else "") for place, ch in enumerate(arabic)]


def with_vowels(symbols: Sequence[str]) -> list[str]:
    """``ADDED`` before, between and after the letters' symbols: where Latin adds letters."""
    out = [ADDED]
    for symbol in symbols:
        out += (symbol, ADDED)
    return out


def word_symbols(arabic: str, article: bool) -> tuple[str, ...]:
    """The symbols of one folded Arabic word (without its article, which ``article`` says it had)."""
    return ((ARTICLE,) if article else ()) + tuple(letter_symbols(arabic))


def latin_letters(latin: str) -> str:
    """A Latin word as the model reads it: lower-case letters without the Arabizi marks for ain
    and hamza (3omar = omar), doubled letters written once (Abdurrahman = Abdurahman)."""
    return _DOUBLES.sub(r"\1", latin.translate(_MARKS))


# Arabic writes a word's final vowel (ا ة ى ي و). A Latin final vowel that no such letter wrote, or
# such a letter left unwritten, is evidence of another name: سمير is Samir, not Samira; سميرة is
# Samira, not Samir. Each costs ``FINAL_VOWEL_PENALTY`` (log-odds: enough to undo what a short name
# gains from all its other letters agreeing). On the held-out pairs of
# bench/names_eval.py, 0.2 % and 1.4 % of genuine pairs show them (the latter mostly alignment
# noise such as ألمانيا / Germany), against 22 % and 28 % of random pairs.
FINAL_VOWEL_LETTERS = frozenset("اةىيو")
WEAK_LETTERS = frozenset("اويىعءةه") | {ARTICLE, LINK}  # letters that may write a Latin vowel
LATIN_VOWELS = frozenset("aeiouy")
FINAL_VOWEL_PENALTY = 16.0


@dataclass(frozen=True, slots=True)
class Features:
    """What one best alignment of an Arabic and a Latin word shows."""

    likelihood_ratio: float  # log P(latin | arabic) − log P(latin as any word)
    final_vowel: bool  # the Latin ends in a vowel (not a silent-looking e) no Arabic vowel letter wrote
    arabic_final_vowel: bool  # the Arabic ends in ا ة ى ي و and the Latin does not end in a vowel
    path: tuple[tuple[str, str], ...]  # (Arabic symbol, Latin segment), the added vowels included

    @property
    def evidence(self) -> float:
        return self.likelihood_ratio - FINAL_VOWEL_PENALTY * (self.final_vowel + self.arabic_final_vowel)


@dataclass(frozen=True)
class Transliteration:
    """Learned emission log-probabilities: Arabic symbol → Latin segment → log P."""

    emissions: Mapping[str, Mapping[str, float]]
    background: Mapping[str, float]  # log P of each Latin letter, and of the end of a word ("")
    max_segment: int
    unseen: float  # log P of a letter written as one Latin letter or none never seen in training

    def viterbi(self, symbols: Sequence[str], latin: str) -> tuple[float, list[tuple[str, str]]]:
        """log P(latin | symbols) along the single best alignment, and that alignment as
        (symbol, Latin segment) steps (empty vowel steps left out); ``NEVER`` and [] when no
        alignment exists.

        best[j] after a symbol is the best log-probability of writing the symbols so far as
        latin[:j]. Unseen spellings of one letter or none cost ``unseen``; the vowel symbol between
        letters writes only what its table has.
        """
        width = len(latin) + 1
        steps = with_vowels(symbols)
        # pieces[start]: the Latin segments that may start there, shortest first
        pieces = [
            [latin[start:end] for end in range(start, min(start + self.max_segment, width - 1) + 1)]
            for start in range(width)
        ]
        best = [NEVER] * width
        best[0] = 0.0
        pointers: list[list[int]] = []
        for symbol in steps:
            table = self.emissions.get(symbol, _NOTHING)
            added = symbol == ADDED
            following = [NEVER] * width
            came_from = [-1] * width
            for start, score in enumerate(best):
                if score == NEVER:
                    continue
                for end, piece in enumerate(pieces[start][:2] if added else pieces[start], start):
                    cost = table.get(piece)
                    if cost is None:
                        if end - start > 1 or added:
                            continue
                        cost = self.unseen
                    if score + cost > following[end]:
                        following[end] = score + cost
                        came_from[end] = start
            best = following
            pointers.append(came_from)
        if best[-1] == NEVER:
            return NEVER, []
        path: list[tuple[str, str]] = []
        end = width - 1
        for symbol, came_from in zip(reversed(steps), reversed(pointers), strict=True):
            start = came_from[end]
            segment = latin[start:end]
            if symbol != ADDED or segment:
                path.append((symbol, segment))
            end = start
        path.reverse()
        return best[-1], path

    def log_likelihood(self, symbols: Sequence[str], latin: str) -> float:
        """log P(latin | symbols) along the single best alignment (Viterbi), or ``NEVER``."""
        return self.viterbi(symbols, latin)[0]

    def background_log_likelihood(self, latin: str) -> float:
        """log P(latin) as any word: its letters' frequencies and the end of the word."""
        rare = min(self.background.values())
        return sum(self.background.get(ch, rare) for ch in latin) + self.background[""]

    def features(self, symbols: Sequence[str], latin: str) -> Features | None:
        """The best alignment and what it shows, or None when there is none."""
        if not symbols or not latin:
            return None
        likelihood, path = self.viterbi(symbols, latin)
        if likelihood == NEVER:
            return None
        writer = next(symbol for symbol, segment in reversed(path) if segment)  # of the last Latin letter
        final_by_letter = writer != ADDED and writer.rstrip(FIRST + LAST) in WEAK_LETTERS
        ends_in_vowel = latin[-1] in LATIN_VOWELS
        return Features(
            likelihood_ratio=likelihood - self.background_log_likelihood(latin),
            final_vowel=ends_in_vowel and latin[-1] != "e" and not final_by_letter,
            arabic_final_vowel=symbols[-1].rstrip(FIRST + LAST) in FINAL_VOWEL_LETTERS and not ends_in_vowel,
            path=tuple(path),
        )

    def evidence(self, symbols: Sequence[str], latin: str) -> float:
        """Log-odds that ``latin`` spells the Arabic word of ``symbols``: the likelihood ratio less
        the final-vowel penalties; ``NEVER`` when no alignment exists."""
        found = self.features(symbols, latin)
        return NEVER if found is None else found.evidence


@cache
def model() -> Transliteration:
    """The shipped table, read once."""
    data = json.loads(TABLE.read_text(encoding="utf-8"))
    return Transliteration(
        emissions=data["emissions"],
        background=data["background"],
        max_segment=int(data["max_segment"]),
        unseen=float(data["unseen"]),
    )
