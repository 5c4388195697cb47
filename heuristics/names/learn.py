"""Learning the letter-correspondence table of :mod:`heuristics.names.transliteration`.

Expectation-maximisation over (Arabic word, Latin word) pairs, each Arabic symbol writing a Latin
segment of 0 to ``max_segment`` letters (the many-to-many alignment of Jiampojamarn et al., 2007,
restricted to one Arabic letter per step). The E step sums over every alignment of a pair with the
forward-backward algorithm; the M step turns the expected counts into probabilities. A letter's
place in the word (``^`` first, ``$`` last) gives it its own distribution, interpolated with the
letter's distribution anywhere (first letters are few; their emissions must not be all noise).

The training words are mostly names of non-Arab people written in Arabic; they rarely show how
Arab, Persian and Maghrebi names are written in Latin letters (ث as t, ظ as z, ق as g, غ as r).
``CONVENTIONS`` lists those spellings, from the usual English, French and Persian/Urdu
transliterations; each enters every M step as ``prior_weight`` pseudo-observations (and a
third of that with a short vowel after a consonant), so data decides where it has evidence and the
conventions fill in where it has none. Two emission tables are set by hand: ``LINK_EMISSIONS``,
the article inside a compound written as one Latin word, which single-word training pairs never
show, and ``ADDED_EMISSIONS``, a letter Latin adds between two Arabic letters (not learned: see
there).
``bench/names_learn.py`` runs this on the project's data and writes ``data/arabic_latin.json``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

from heuristics.names.transliteration import ADDED, ARTICLE, FIRST, LAST, LINK

Pair = tuple[Sequence[str], str, float]  # symbols, Latin letters, weight

# The article inside a compound: Abd al-Rahman / Abdel Rahman / Abdurrahman / Abdarahman, Shams
# ur-Rahman, Nasreddine, Hidayatullah. Doubled letters are read once, so "urr" is u + r.
LINK_EMISSIONS = {
    "": 0.2,
    "a": 0.1,
    "e": 0.1,
    "u": 0.1,
    "i": 0.05,
    "o": 0.05,
    "al": 0.1,
    "el": 0.1,
    "ul": 0.1,
    "il": 0.04,
    "ol": 0.03,
    "l": 0.03,
}
# Arabic letter → its usual Latin spellings (English, French, Persian/Urdu conventions).
CONVENTIONS = {
    "ا": ("a", "aa", "e", "i", "o", "u", ""),
    "ب": ("b", "p"),
    "ت": ("t",),
    "ث": ("th", "t", "s"),
    "ج": ("j", "dj", "g", "zh"),
    "ح": ("h", ""),
    "خ": ("kh", "h", "x", "ch", "j"),
    "د": ("d",),
    "ذ": ("dh", "z", "d", "th"),
    "ر": ("r",),
    "ز": ("z", "s"),
    "س": ("s", "c"),
    "ش": ("sh", "ch", "sch", "s"),
    "ص": ("s", "c"),
    "ض": ("d", "dh", "z"),
    "ط": ("t",),
    "ظ": ("z", "dh", "d", "th"),
    "ع": ("", "a", "e", "i", "o", "u", "aa", "ai", "ei"),
    "غ": ("gh", "g", "r", "rh"),
    "ف": ("f", "ph", "v"),
    "ق": ("q", "k", "g", "c", "ck"),
    "ك": ("k", "c", "ck"),
    "ل": ("l",),
    "م": ("m",),
    "ن": ("n",),
    "ه": ("h", ""),
    "و": ("w", "ou", "u", "o", "oo", "v", "ow"),
    "ي": ("y", "i", "ee", "ie", "ei", "ai", "ey"),
    "ة": ("a", "ah", "e", "at", "eh", "et", ""),
    "ء": ("", "a", "e"),
    ARTICLE: ("", "al", "el", "ul", "a", "e", "u"),
}
SHORT_VOWELS = ("a", "e", "i", "o", "u", "ou")
VOWEL_LETTERS = frozenset("اويعءة")
# A letter the Latin adds between two Arabic letters: a vowel Arabic does not write (Napoleon =
# نابليون: the o after p), or a silent consonant (Washington = واشنطن, Hughes = هيوز). Left to EM,
# spellings of a letter with a vowel (ب → ba) absorb nearly all vowels and the rest vanish; a small
# fixed chance keeps the rare ones possible: 1 % per vowel, 0.05 % per consonant.
ADDED_EMISSIONS = {"": 0.93, **dict.fromkeys("aeiouy", 0.01), **dict.fromkeys("bcdfghjklmnpqrstvwxz", 0.0005)}
HAND_SET = {
    "link": LINK_EMISSIONS,
    "added": ADDED_EMISSIONS,
    "conventions": {letter: list(spellings) for letter, spellings in CONVENTIONS.items()},
}


def _every_symbol() -> list[str]:
    """Each conventional letter in each place, so that no letter is left without a table."""
    return [ARTICLE] + [letter + place for letter in CONVENTIONS if letter != ARTICLE for place in ("", FIRST, LAST)]


def _prior(symbol: str, max_segment: int) -> dict[str, float]:
    """Pseudo-observations of ``symbol``'s conventional spellings (consonants also followed by a
    short vowel, at a third of the weight)."""
    letter = base_symbol(symbol)
    prior: dict[str, float] = {}
    for spelling in CONVENTIONS.get(letter, ()):
        prior[spelling] = 1.0
        if letter not in VOWEL_LETTERS and letter != ARTICLE and spelling:
            for vowel in SHORT_VOWELS:
                if len(spelling + vowel) <= max_segment:
                    prior.setdefault(spelling + vowel, 1 / 3)
    return prior


def base_symbol(symbol: str) -> str:
    """``س^`` → ``س``: the letter without its place (the article has none)."""
    return symbol.rstrip(FIRST + LAST) if symbol not in (ARTICLE, LINK) else symbol


def _emission_grid(
    symbols: Sequence[str], latin: str, probabilities: dict[str, dict[str, float]] | None, max_segment: int
) -> list[list[list[float]]]:
    """grid[i][j][k]: P(symbol i writes latin[j:j+k]); uniform before the first M step. Unseen
    single letters and deletions keep a tiny probability so that no pair is impossible."""
    grid = []
    for symbol in symbols:
        table = None if probabilities is None else probabilities.get(symbol, {})
        rows = []
        for start in range(len(latin) + 1):
            cells = []
            for length in range(min(max_segment, len(latin) - start) + 1):
                segment = latin[start : start + length]
                if table is None:
                    cells.append(1.0)
                    continue
                value = table.get(segment, 0.0)
                cells.append(value if value or length > 1 else 1e-6)
            rows.append(cells)
        grid.append(rows)
    return grid


def _expected_counts(
    pair: Pair, probabilities: dict[str, dict[str, float]] | None, max_segment: int, counts: dict
) -> float:
    """Add the pair's expected emission counts to ``counts``; return its log-likelihood."""
    symbols, latin, weight = pair
    n, m = len(symbols), len(latin)
    grid = _emission_grid(symbols, latin, probabilities, max_segment)
    forward = [[0.0] * (m + 1) for _ in range(n + 1)]
    forward[0][0] = 1.0
    for i in range(n):
        for j, mass in enumerate(forward[i]):
            if mass:
                for k, p in enumerate(grid[i][j]):
                    forward[i + 1][j + k] += mass * p
    backward = [[0.0] * (m + 1) for _ in range(n + 1)]
    backward[n][m] = 1.0
    for i in range(n - 1, -1, -1):
        after = backward[i + 1]
        backward[i] = [sum(p * after[j + k] for k, p in enumerate(grid[i][j])) for j in range(m + 1)]
    total = forward[n][m]
    if total <= 0.0:
        return 0.0
    for i, symbol in enumerate(symbols):
        general = base_symbol(symbol)
        for j, mass in enumerate(forward[i]):
            if not mass:
                continue
            for k, p in enumerate(grid[i][j]):
                share = mass * p * backward[i + 1][j + k] / total
                if share > 1e-7:
                    segment = latin[j : j + k]
                    counts[symbol][segment] += weight * share
                    if general != symbol:
                        counts[general][segment] += weight * share
    return weight * math.log(total)


def _normalised(counts: dict[str, dict[str, float]], minimum: float) -> dict[str, dict[str, float]]:
    out = {}
    for symbol, segments in counts.items():
        total = sum(segments.values())
        if total <= 0.0:
            continue
        kept = {segment: value / total for segment, value in segments.items() if value / total >= minimum}
        mass = sum(kept.values())
        out[symbol] = {segment: value / mass for segment, value in kept.items()}
    return out


def train(
    pairs: Iterable[Pair],
    iterations: int = 8,
    max_segment: int = 3,
    backoff: float = 0.2,
    minimum: float = 1e-3,
    prior_weight: float = 3.0,
    log=print,
) -> dict[str, object]:
    """The table as stored in ``data/arabic_latin.json`` (without provenance)."""
    pairs = [pair for pair in pairs if pair[0] and pair[1]]
    letters: dict[str, float] = defaultdict(float)
    for _, latin, weight in pairs:
        for ch in latin:
            letters[ch] += weight
        letters[""] += weight  # the end of a word
    total = sum(letters.values())
    background = {ch: math.log(value / total) for ch, value in sorted(letters.items())}

    probabilities: dict[str, dict[str, float]] | None = None
    for iteration in range(iterations):
        counts: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        likelihood = sum(_expected_counts(pair, probabilities, max_segment, counts) for pair in pairs)
        for symbol in {*counts, *_every_symbol()} if prior_weight else ():
            for segment, weight in _prior(symbol, max_segment).items():
                counts[symbol][segment] += prior_weight * weight
        probabilities = _normalised(counts, 1e-4)
        log(f"iteration {iteration + 1}: log-likelihood {likelihood:.1f}")
    assert probabilities is not None

    emissions: dict[str, dict[str, float]] = {}
    for symbol, table in probabilities.items():
        general = probabilities.get(base_symbol(symbol), table)
        if general is not table:
            table = {s: (1 - backoff) * table.get(s, 0.0) + backoff * general.get(s, 0.0) for s in {*table, *general}}
        emissions[symbol] = table
    emissions = _normalised(emissions, minimum)
    emissions[LINK] = dict(LINK_EMISSIONS)  # as set: nothing pruned
    emissions[ADDED] = dict(ADDED_EMISSIONS)
    return {
        "max_segment": max_segment,
        "unseen": round(math.log(1e-6), 3),
        "background": {ch: round(value, 3) for ch, value in background.items()},
        "emissions": {
            symbol: {
                segment: round(math.log(p), 3) for segment, p in sorted(table.items(), key=lambda kv: (-kv[1], kv[0]))
            }
            for symbol, table in sorted(emissions.items())
        },
    }
