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
from functools import cache, cached_property
from pathlib import Path

import numpy as np

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


def with_added(symbols: Sequence[str]) -> list[str]:
    """``ADDED`` before, between and after the letters' symbols: where Latin adds letters."""
    out = [ADDED]
    for symbol in symbols:
        out += (symbol, ADDED)
    return out


def latin_letters(latin: str) -> str:
    """A Latin word as the model reads it: lower-case letters without the Arabizi marks for ain
    and hamza (3omar = omar), doubled letters written once (Abdurrahman = Abdurahman)."""
    return _DOUBLES.sub(r"\1", latin.translate(_MARKS))


# Arabic writes a word's final vowel (ا ة ى ي و). A Latin final vowel (other than a silent-looking
# e) after an Arabic consonant, or such a letter at the end of the Arabic with no vowel at the end
# of the Latin (nor -ah, -at for ة), is evidence of another name: سمير is Samir, not Samira; سميرة
# is Samira, not Samir. Each costs ``FINAL_VOWEL_PENALTY`` (log-odds: enough to undo what a short
# name gains from all its other letters agreeing). On held-out pairs, 0.2 % and 1.4 % of genuine
# pairs show them (the latter mostly alignment noise such as ألمانيا / Germany), against 22 % and
# 28 % of random pairs.
FINAL_VOWEL_LETTERS = frozenset("اةىيو")
WEAK_LETTERS = frozenset("اويىعءةه") | {ARTICLE, LINK}  # letters that may write a Latin vowel
FINAL_VOWEL_PENALTY = 16.0
_FINAL_VOWEL = re.compile("[aiouy]$")
_ENDS_VOWEL = re.compile("[aeiouy]h?$")
_ENDS_VOWEL_TA = re.compile("[aeiouy][ht]?$")  # ة: Fatima, Fatimah, Hikmat


def final_vowel_mismatches(last_symbol: str, latin: str) -> int:
    """How many of the two final-vowel mismatches (see ``FINAL_VOWEL_PENALTY``) a pair shows."""
    letter = last_symbol.rstrip(FIRST + LAST)
    latin_vowel = bool(_FINAL_VOWEL.search(latin)) and letter not in WEAK_LETTERS
    ending = _ENDS_VOWEL_TA if letter == "ة" else _ENDS_VOWEL
    arabic_vowel = letter in FINAL_VOWEL_LETTERS and not ending.search(latin)
    return latin_vowel + arabic_vowel


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
        steps = with_added(symbols)
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

    def best_reference(self, symbols: Sequence[str], latin: str) -> float:
        """What :meth:`viterbi` computes, written plainly: try every way of cutting ``latin`` into
        one segment per step (slow; the tests check that both agree)."""
        steps = with_added(symbols)

        def best(step: int, start: int) -> float:
            if step == len(steps):
                return 0.0 if start == len(latin) else NEVER
            found = NEVER
            for end in range(start, min(start + self.max_segment, len(latin)) + 1):
                cost = self.cost(steps[step], latin[start:end])
                if cost != NEVER:
                    found = max(found, cost + best(step + 1, end))
            return found

        return best(0, 0)

    def cost(self, symbol: str, segment: str) -> float:
        """log P(``symbol`` writes ``segment``): its table's value; else ``unseen`` for one letter
        or none (never for the added-letter symbol, which writes only what its table has)."""
        found = self.emissions.get(symbol, _NOTHING).get(segment)
        if found is not None:
            return found
        return self.unseen if len(segment) <= 1 and symbol != ADDED else NEVER

    def background_log_likelihood(self, latin: str) -> float:
        """log P(latin) as any word: its letters' frequencies and the end of the word."""
        rare = min(self.background.values())
        return sum(self.background.get(ch, rare) for ch in latin) + self.background[""]

    def evidence(self, symbols: Sequence[str], latin: str) -> float:
        """Log-odds that ``latin`` spells the Arabic word of ``symbols``: the likelihood ratio less
        the final-vowel penalties; ``NEVER`` when no alignment exists."""
        if not symbols or not latin:
            return NEVER
        likelihood = self.viterbi(symbols, latin)[0]
        return self._evidence(likelihood, symbols[-1], latin)

    def evidences(self, pairs: Sequence[tuple[Sequence[str], str]]) -> list[float]:
        """:meth:`evidence` of many pairs at once (:meth:`batch_log_likelihoods`; tested equal)."""
        likelihoods = self.batch_log_likelihoods(pairs)
        return [
            self._evidence(float(likelihood), symbols[-1], latin) if symbols and latin else NEVER
            for likelihood, (symbols, latin) in zip(likelihoods, pairs, strict=True)
        ]

    def _evidence(self, likelihood: float, last_symbol: str, latin: str) -> float:
        if likelihood == NEVER:
            return NEVER
        ratio = likelihood - self.background_log_likelihood(latin)
        return ratio - FINAL_VOWEL_PENALTY * final_vowel_mismatches(last_symbol, latin)

    @cached_property
    def _dense(self) -> _DenseTable:
        return _DenseTable(self)

    def batch_log_likelihoods(self, pairs: Sequence[tuple[Sequence[str], str]]) -> np.ndarray:
        """The Viterbi log-likelihood of each (symbols, Latin) pair, all at once with numpy: the
        fast path of :meth:`viterbi` for the index, which scores many pairs a query."""
        if not pairs:
            return np.zeros(0)
        return self._dense.log_likelihoods(pairs)


class _DenseTable:
    """The emission table as a matrix, symbols by Latin segments, for :meth:`batch_log_likelihoods`.

    A segment of up to three letters a–z is numbered in base 28 (letters 1–26, 27 any other
    character); ``columns`` maps that number to a column of ``costs`` (the last column: never).
    Rows are the symbols, then one for symbols outside the table (unseen costs only) and one that
    pads shorter pairs (writes nothing, at no cost)."""

    def __init__(self, model: Transliteration) -> None:
        assert model.max_segment <= 3
        segments = sorted({segment for table in model.emissions.values() for segment in table if len(segment) > 1})
        short = [""] + [chr(code) for code in range(ord("a"), ord("z") + 1)] + ["\x00"]
        self.columns = np.full(28**3, len(short) + len(segments), dtype=np.int64)
        for column, segment in enumerate(short + segments):
            self.columns[_segment_number(segment)] = column
        self.rows = _Rows({symbol: row for row, symbol in enumerate(model.emissions)})
        self.unknown, self.pad = self.rows.unknown, len(self.rows) + 1
        costs = np.full((len(self.rows) + 2, len(short) + len(segments) + 1), NEVER)
        for symbol, row in self.rows.items():
            if symbol != ADDED:
                costs[row, : len(short)] = model.unseen
            for segment, cost in model.emissions[symbol].items():
                costs[row, self.columns[_segment_number(segment)]] = cost
        costs[self.unknown, : len(short)] = model.unseen
        costs[self.pad, 0] = 0.0
        self.costs = costs
        self.never = costs.shape[1] - 1
        # The added-letter symbol writes one letter at most (its table: see ``learn``), so its
        # steps try segments of sizes 0 and 1 only: the others cost never, and max(x, -inf) = x.
        assert not any(len(segment) > 1 for segment in model.emissions.get(ADDED, _NOTHING))
        self.added = self.rows.get(ADDED, self.unknown)
        # A Latin word's ASCII bytes (any other character a "?") → base-28 digits: a–z 1–26,
        # any other 27 (``bytes.translate``).
        self.digits = bytes(1 + code - ord("a") if "a" <= chr(code) <= "z" else 27 for code in range(256))

    def log_likelihoods(self, pairs: Sequence[tuple[Sequence[str], str]]) -> np.ndarray:
        """The Viterbi log-likelihood of each pair: the same additions and maxima as
        :meth:`Transliteration.viterbi` (and as the loop over steps this replaced, in
        ``bench/transliteration_batch.py``), with work set by the batch's shape alone (how many
        pairs, the most letter symbols, the longest Latin word), never by its letters: :mod:`even`
        relies on it.

        The pairs lie end to end, each as three places that stay never then its Latin word's
        places (padded to the longest): ``best[s, 3 + p * span + j]`` is the best log-probability
        of writing pair p's first s steps as latin[:j]. A segment of size k ending at j starts k
        places before it, in its pair or its never places; one numpy addition and one maximum per
        step over the whole row (few, long operations: numpy's cost is mostly per operation)."""
        count = len(pairs)
        letters_of = [len(symbols) for symbols, _ in pairs]
        lengths = [len(latin) for _, latin in pairs]
        most, span = max(letters_of), max(lengths) + 4
        places = count * span
        # rows[i, p]: the row of pair p's i-th letter symbol; past its end the padding row, whose
        # values no result reads (a pair's result is taken after its own last step)
        get, pad = self.rows.__getitem__, [self.pad] * most
        rows: list[int] = []
        for symbols, _ in pairs:
            rows += map(get, symbols)
            rows += pad[len(symbols) :]
        # digits[3 + p * span + j]: the base-28 digit of pair p's latin[j]; the padding is read
        # only by segments starting in the never places or ending past the word (which no result
        # reads: a result at j reads only the segments ending at j or before)
        text = "".join(["\x00\x00\x00" + latin.ljust(span - 3, "\x00") for _, latin in pairs])
        digits = np.frombuffer(text.encode("ascii", "replace").translate(self.digits), np.uint8).astype(np.intp)
        # ending[k, i]: the column of the segment of size k ending at place i (never in the never
        # places, so that they stay never)
        numbers = np.zeros((4, places), dtype=np.intp)
        numbers[1, 3:] = digits[2:-1]
        numbers[2, 3:] = digits[1:-2] + 28 * numbers[1, 3:]
        numbers[3, 3:] = digits[:-3] + 28 * numbers[2, 3:]
        ending = self.columns[numbers]
        ending.reshape(4, count, span)[:, :, :3] = self.never
        ending = ending[:, 3:]
        # what each step costs, size × place: the added-letter symbol's (every other step, the
        # same each time: sizes 0 and 1), each letter's (all at once, in one take)
        added = self.costs[self.added].take(ending[:2])
        flat_rows = np.array(rows, dtype=np.intp).reshape(count, most).T * self.costs.shape[1]
        lettered = self.costs.ravel().take(np.repeat(flat_rows, span, axis=1)[:, None, 3:] + ending[None])
        steps = 2 * most + 1
        best = np.empty((steps + 1, places))
        best[:, :3] = NEVER
        best[0] = NEVER
        best[0, 3::span] = 0.0
        size = best.itemsize
        # starts[s, k, i - 3] = best[s, i - k]: where the segment of size k ending at place i starts
        starts = np.ndarray(
            (steps + 1, 4, places - 3), buffer=best, offset=3 * size, strides=(best.strides[0], -size, size)
        )
        following = best[:, 3:]
        added_sums, lettered_sums = np.empty((2, places - 3)), np.empty((4, places - 3))
        add, maximum = np.add, np.maximum.reduce
        for letter in range(most):
            step = 2 * letter
            add(starts[step, :2], added, added_sums)
            maximum(added_sums, 0, None, following[step + 1])
            add(starts[step + 1], lettered[letter], lettered_sums)
            maximum(lettered_sums, 0, None, following[step + 2])
        add(starts[steps - 1, :2], added, added_sums)
        maximum(added_sums, 0, None, following[steps])
        # each pair's result after its own last step (its letters' and the added-letter steps)
        ends = 3 + np.arange(count) * span + np.array(lengths)
        return best[2 * np.array(letters_of) + 1, ends]


class _Rows(dict[str, int]):
    """Symbol → row, and the row after the table's for any other symbol (``map`` reads it)."""

    @property
    def unknown(self) -> int:
        return len(self)

    def __missing__(self, symbol: str) -> int:
        return len(self)


def _segment_number(segment: str) -> int:
    number = 0
    for place, ch in enumerate(segment):
        number += (ord(ch) - 96 if "a" <= ch <= "z" else 27) * 28**place
    return number


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
